"""PEP figure: `samtheory reproduce pep-sam-worst-case` (see samtheory.pep.figure; needs pip install "samtheory[pep]").

Usage: python experiments/pep_sam_worst_case.py [--quick] [--outdir DIR]
"""
import argparse
import sys
from pathlib import Path

from samtheory import reproduce

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=reproduce.get("pep-sam-worst-case").description)
    parser.add_argument("--quick", action="store_true", help="the same code at a reduced size")
    parser.add_argument("--outdir", default=str(Path(__file__).resolve().parent.parent / "figures"))
    args = parser.parse_args()
    doc = reproduce.run("pep-sam-worst-case", args.outdir, quick=args.quick)
    print("\n".join(doc["files"]))
    sys.exit(0)
