"""Throughput of ``samtheory.sweep`` on a 2-worker Dask LocalCluster against one in-process
vectorized ``simulate`` call of the same total size (issue #15: at least 0.7x).

Workload: deterministic SAM on ``get_function("cosine")``, a 200 x 200 (eta, rho) grid
(eta log-spaced in [0.05, 5], rho in [0.002, 0.5]) x 16 trajectories x 2000 steps: 640 000
trajectories, 1.28e9 trajectory-steps.

* **in process**: one ``simulate(objective, "sam", eta=E, rho=R, steps=2000, trajectories=16,
  record_every=None, backend="numpy")`` over the whole grid (E and R broadcast to 200 x 200);
* **LocalCluster**: ``sweep(objective, "sam", grid, steps=2000, trajectories=16,
  scheduler="local", workers=2)``: chunks sized for the 1 GiB per-worker limit, each chunk two
  vectorized ``simulate`` calls plus the recorded tail window and the regime classifier, so the
  sweep does strictly more work than the single call (and includes starting the cluster).

Throughput is trajectory-steps per second of wall time. The machine is shared: the load average
before and after each run is recorded. Run once each (no repeats: each run is about a minute).

Usage::

    python benchmarks/bench_sweep.py            # the full workload; writes benchmarks/results/bench_sweep.json
    python benchmarks/bench_sweep.py --quick    # 40 x 40 x 4 x 500 (a smoke test; writes nothing)
    python benchmarks/bench_sweep.py --cells 100 --results benchmarks/results/bench_sweep-100.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

try:
    import samtheory
except ImportError:  # run from a source checkout without `pip install .`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import samtheory
from samtheory import simulate
from samtheory._io import atomic_write_text, to_jsonable
from samtheory.functions import get_function
from samtheory.sweep import sweep

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "bench_sweep.json")


def _timed(label, run, work):
    load_before = os.getloadavg()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    row = {"run": label, "seconds": round(seconds, 2), "trajectory_steps_per_second": work / seconds,
           "load_average_1min_before": load_before[0], "load_average_1min_after": os.getloadavg()[0]}
    print(f"{label:>34}: {seconds:8.1f} s  {work / seconds:.3e} trajectory-steps/s  "
          f"(load {load_before[0]:.1f} -> {row['load_average_1min_after']:.1f})", flush=True)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a reduced size; writes no results file")
    parser.add_argument("--cells", type=int, default=200, help="grid points per axis (default 200)")
    parser.add_argument("--results", default=RESULTS, help=f"results file (default {RESULTS})")
    args = parser.parse_args(argv)
    cells, trajectories, steps = (40, 4, 500) if args.quick else (args.cells, 16, 2000)
    objective = get_function("cosine")
    eta, rho = np.geomspace(0.05, 5.0, cells), np.geomspace(0.002, 0.5, cells)
    work = cells * cells * trajectories * steps
    print(f"cosine, {cells} x {cells} grid x {trajectories} trajectories x {steps} steps = {work:.3e} "
          f"trajectory-steps; {os.cpu_count()} cores", flush=True)
    rows = [
        _timed("one in-process simulate call", lambda: simulate(
            objective, "sam", eta=eta[:, None], rho=rho[None, :], steps=steps, trajectories=trajectories,
            record_every=None, backend="numpy"), work),
        _timed("sweep on LocalCluster(2 workers)", lambda: sweep(
            objective, "sam", {"eta": eta, "rho": rho}, steps=steps, trajectories=trajectories,
            scheduler="local", workers=2), work),
    ]
    ratio = rows[1]["trajectory_steps_per_second"] / rows[0]["trajectory_steps_per_second"]
    print(f"LocalCluster / in-process throughput: {ratio:.2f} (target >= 0.7)")
    doc = {"workload": {"function": "cosine", "method": "sam", "grid": [cells, cells], "trajectories": trajectories,
                        "steps": steps, "trajectory_steps": work},
           "rows": rows, "ratio_cluster_over_in_process": ratio, "target": 0.7,
           "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                       "numpy": np.__version__, "samtheory": samtheory.__version__,
                       "note": "shared machine (2 cores, other jobs running): see the load averages"}}
    if not args.quick:
        atomic_write_text(args.results, json.dumps(to_jsonable(doc), indent=1, allow_nan=False) + "\n")
        print(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
