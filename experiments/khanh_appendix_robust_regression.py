"""Khanh et al. appendix analogue: GD vs SAM with constant and almost constant radius.

Usage: python experiments/khanh_appendix_robust_regression.py [--quick] [--outdir DIR]
(the same as `samtheory reproduce khanh-appendix-robust-regression`; details in samtheory.paper_experiments.khanh_robust_regression).
"""
import sys
from pathlib import Path

from samtheory.paper_experiments import khanh_robust_regression
from samtheory.paper_experiments._common import script_main

if __name__ == "__main__":
    sys.exit(script_main(khanh_robust_regression, Path(__file__).resolve().parent.parent / "figures"))
