"""Regime map: `samtheory reproduce sweep-regimes-valley` (see samtheory.sweep._figure; needs pip install "samtheory[distributed]").

Usage: python experiments/sweep_regimes_valley.py [--quick] [--outdir DIR]
"""
import argparse
import sys
from pathlib import Path

from samtheory import InvalidParameterError, reproduce

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=reproduce.get("sweep-regimes-valley").description)
    parser.add_argument("--quick", action="store_true", help="the same code at a reduced size")
    parser.add_argument("--outdir", default=str(Path(__file__).resolve().parent.parent / "figures"))
    args = parser.parse_args()
    try:
        doc = reproduce.run("sweep-regimes-valley", args.outdir, quick=args.quick)
    except InvalidParameterError as exc:
        print(f"sweep-regimes-valley: error: {exc}", file=sys.stderr)
        sys.exit(2)
    print("\n".join(doc["files"]))
    sys.exit(0)
