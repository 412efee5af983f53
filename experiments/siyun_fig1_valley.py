"""Si & Yun figure: `samtheory reproduce siyun-fig1-valley` (see samtheory.paper_experiments.siyun_figures).

Usage: python experiments/siyun_fig1_valley.py [--quick] [--outdir DIR]
"""
import os
import sys
from pathlib import Path

from samtheory import reproduce
from samtheory.paper_experiments._common import script_arguments

if __name__ == "__main__":
    args = script_arguments(reproduce.get("siyun-fig1-valley").description, Path(__file__).resolve().parent.parent / "figures")
    doc = reproduce.run("siyun-fig1-valley", args.outdir, quick=args.quick)
    print("\n".join(os.path.join(args.outdir, path) for path in doc["files"]))
    sys.exit(0)
