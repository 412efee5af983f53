"""Workloads W1-W4 on every implementation: ``python benchmarks/bench_backends.py [--quick] [--json PATH]``.

A thin wrapper over ``samtheory bench`` (the code lives in ``samtheory/bench.py`` so that the
installed command can run it); see that module's docstring for the workloads and what is measured.
"""
import os
import sys

try:
    import samtheory  # noqa: F401
except ImportError:  # run from a source checkout without `pip install .`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from samtheory.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
