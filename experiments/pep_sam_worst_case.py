"""PEP figure: `samtheory reproduce pep-sam-worst-case` (see samtheory.pep.figure; needs pip install "samtheory[pep]").

Usage: python experiments/pep_sam_worst_case.py [--quick] [--outdir DIR]
"""
import os
import sys
from pathlib import Path

from samtheory import reproduce
from samtheory.paper_experiments._common import script_arguments

if __name__ == "__main__":
    args = script_arguments(reproduce.get("pep-sam-worst-case").description, Path(__file__).resolve().parent.parent / "figures")
    doc = reproduce.run("pep-sam-worst-case", args.outdir, quick=args.quick)
    print("\n".join(os.path.join(args.outdir, path) for path in doc["files"]))
    sys.exit(0)
