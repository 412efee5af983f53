"""Si & Yun figure: `samtheory reproduce siyun-fig1-valley` (see samtheory.paper_experiments.siyun_figures).

Usage: python experiments/siyun_fig1_valley.py [--quick] [--outdir DIR]
"""
import argparse
import sys
from pathlib import Path

from samtheory import reproduce

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=reproduce.get("siyun-fig1-valley").description)
    parser.add_argument("--quick", action="store_true", help="the same code at a reduced size")
    parser.add_argument("--outdir", default=str(Path(__file__).resolve().parent.parent / "figures"))
    args = parser.parse_args()
    doc = reproduce.run("siyun-fig1-valley", args.outdir, quick=args.quick)
    print("\n".join(doc["files"]))
    sys.exit(0)
