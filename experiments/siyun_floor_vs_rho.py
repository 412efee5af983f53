"""Si & Yun figure: `samtheory reproduce siyun-floor-vs-rho` (see samtheory.paper_experiments.siyun_figures).

Usage: python experiments/siyun_floor_vs_rho.py [--quick] [--outdir DIR]
"""
import os
import sys
from pathlib import Path

from samtheory import reproduce
from samtheory.paper_experiments._common import script_arguments

if __name__ == "__main__":
    args = script_arguments(reproduce.get("siyun-floor-vs-rho").description, Path(__file__).resolve().parent.parent / "figures")
    doc = reproduce.run("siyun-floor-vs-rho", args.outdir, quick=args.quick)
    print("\n".join(os.path.join(args.outdir, path) for path in doc["files"]))
    sys.exit(0)
