"""Unified SAM experiment 3: constant vs decreasing step sizes on ridge regression.

Usage: python experiments/unified_exp3_decreasing.py [--quick] [--outdir DIR]
(the same as `samtheory reproduce unified-exp3-decreasing`; details in samtheory.paper_experiments.unified_decreasing).
"""
import sys
from pathlib import Path

from samtheory.paper_experiments import unified_decreasing
from samtheory.paper_experiments._common import script_main

if __name__ == "__main__":
    sys.exit(script_main(unified_decreasing, Path(__file__).resolve().parent.parent / "figures"))
