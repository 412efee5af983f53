"""Khanh et al. Figure 1 analogue: GD vs SAM with constant steps on a quadratic.

Usage: python experiments/khanh_fig1_quadratic.py [--quick] [--outdir DIR]
(the same as `samtheory reproduce khanh-fig1-quadratic`; details in samtheory.paper_experiments.khanh_quadratic).
"""
import sys
from pathlib import Path

from samtheory.paper_experiments import khanh_quadratic
from samtheory.paper_experiments._common import script_main

if __name__ == "__main__":
    sys.exit(script_main(khanh_quadratic, Path(__file__).resolve().parent.parent / "figures"))
