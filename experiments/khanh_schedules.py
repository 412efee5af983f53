"""Khanh et al. schedules Constant, Diminish 1-3 and the convergence properties (1)-(5).

Usage: python experiments/khanh_schedules.py [--quick] [--outdir DIR]
(the same as `samtheory reproduce khanh-schedules`; details in samtheory.paper_experiments.khanh_schedules).
"""
import sys
from pathlib import Path

from samtheory.paper_experiments import khanh_schedules
from samtheory.paper_experiments._common import script_main

if __name__ == "__main__":
    sys.exit(script_main(khanh_schedules, Path(__file__).resolve().parent.parent / "figures"))
