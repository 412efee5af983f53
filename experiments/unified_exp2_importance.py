"""Unified SAM experiment 2: uniform vs importance sampling on ridge regression.

Usage: python experiments/unified_exp2_importance.py [--quick] [--outdir DIR]
(the same as `samtheory reproduce unified-exp2-importance`; details in samtheory.paper_experiments.unified_importance).
"""
import sys
from pathlib import Path

from samtheory.paper_experiments import unified_importance
from samtheory.paper_experiments._common import script_main

if __name__ == "__main__":
    sys.exit(script_main(unified_importance, Path(__file__).resolve().parent.parent / "figures"))
