"""Unified SAM experiment 1: deterministic lambda sweep on least squares.

Usage: python experiments/unified_exp1_lambda_sweep.py [--quick] [--outdir DIR]
(the same as `samtheory reproduce unified-exp1-lambda-sweep`; details in samtheory.paper_experiments.unified_lambda_sweep).
"""
import sys
from pathlib import Path

from samtheory.paper_experiments import unified_lambda_sweep
from samtheory.paper_experiments._common import script_main

if __name__ == "__main__":
    sys.exit(script_main(unified_lambda_sweep, Path(__file__).resolve().parent.parent / "figures"))
