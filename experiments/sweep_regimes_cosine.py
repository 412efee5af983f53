"""Regime map: `samtheory reproduce sweep-regimes-cosine` (see samtheory.sweep._figure; needs pip install "samtheory[distributed]").

Usage: python experiments/sweep_regimes_cosine.py [--quick] [--outdir DIR]
"""
import os
import sys
from pathlib import Path

from samtheory import InvalidParameterError, reproduce
from samtheory.paper_experiments._common import script_arguments

if __name__ == "__main__":
    args = script_arguments(reproduce.get("sweep-regimes-cosine").description, Path(__file__).resolve().parent.parent / "figures")
    try:
        doc = reproduce.run("sweep-regimes-cosine", args.outdir, quick=args.quick)
    except InvalidParameterError as exc:
        print(f"sweep-regimes-cosine: error: {exc}", file=sys.stderr)
        sys.exit(2)
    print("\n".join(os.path.join(args.outdir, path) for path in doc["files"]))
    sys.exit(0)
