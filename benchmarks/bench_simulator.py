"""Throughput of the batched simulator against a per-trajectory Python loop.

Workloads (deterministic SAM, ``samtheory.simulate(..., record_every=None)``):

* ``cosine``: the 1-D counterexample ``get_function("cosine")``, 10^5 trajectories x 10^3 steps;
* ``quadratic-d100``: ``Quadratic.with_spectrum(np.linspace(0.1, 10, 100), seed=0)``,
  10^3 trajectories x 10^3 steps.

The loop baseline is the plain way to write SAM: for each trajectory, for each step, call
``objective.grad`` on one point of shape ``(1, d)``, normalize, perturb, call it again and update.
Its cost is linear in trajectories x steps, so it is timed on a subset and reported as a
throughput. Both sides report the fastest of ``--repeat`` runs (default 3). It does *only* the update, while the simulator also evaluates ``f`` and updates its
running summaries at every step, so the ratio understates the simulator's advantage.

Throughput is in trajectory-steps per second (one trajectory advanced by one step).

Usage::

    python benchmarks/bench_simulator.py            # full sizes (about a minute on 2 cores)
    python benchmarks/bench_simulator.py --quick    # reduced sizes (a few seconds)
    python benchmarks/bench_simulator.py --json     # machine-readable output
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
from samtheory.functions import Quadratic, get_function



def loop_sam(objective, x0, eta, rho, steps):
    """Deterministic SAM, one trajectory and one step at a time (zero-gradient convention)."""
    out = np.empty_like(x0)
    for i, start in enumerate(x0):
        x = start[None, :].copy()
        for _ in range(steps):
            g = objective.grad(x)
            norm = np.sqrt(np.sum(g * g))
            ascent = rho * g / norm if norm > 0 else np.zeros_like(g)
            x = x - eta * objective.grad(x + ascent)
        out[i] = x[0]
    return out


def workloads(quick):
    if quick:
        return [
            ("cosine", lambda: get_function("cosine"), 0.1, 0.1, 10_000, 200, 20, 200),
            ("quadratic-d100", lambda: Quadratic.with_spectrum(np.linspace(0.1, 10, 100), seed=0),
             0.05, 0.05, 200, 200, 5, 200),
        ]
    # (name, factory, eta, rho, batched trajectories, batched steps, loop trajectories, loop steps)
    # cosine: rho = 0.1 is the radius the counterexample is built for (SAM stalls there)
    return [
        ("cosine", lambda: get_function("cosine"), 0.1, 0.1, 100_000, 1_000, 50, 1_000),
        ("quadratic-d100", lambda: Quadratic.with_spectrum(np.linspace(0.1, 10, 100), seed=0),
         0.05, 0.05, 1_000, 1_000, 20, 1_000),
    ]


def run_workload(name, factory, eta, rho, n_batch, t_batch, n_loop, t_loop, repeat=3):
    objective = factory()
    # warm up (imports, first-call allocations) on a tiny run
    simulate(objective, "sam", eta=eta, rho=rho, steps=5, trajectories=10, record_every=None)
    # Both sides report the fastest of `repeat` runs: on a small shared machine the slow runs
    # measure the neighbours, not the code.
    batched_seconds = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = simulate(objective, "sam", eta=eta, rho=rho, steps=t_batch, trajectories=n_batch,
                          record_every=None, seed=0)
        batched_seconds = min(batched_seconds, time.perf_counter() - start)
    assert np.all(result.status == "ok"), f"{name}: some trajectories diverged"

    x0 = result.x0.reshape(-1, objective.dim)[:n_loop]
    loop_sam(objective, x0[:1], eta, rho, 5)  # warm up
    loop_seconds = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        x_loop = loop_sam(objective, x0, eta, rho, t_loop)
        loop_seconds = min(loop_seconds, time.perf_counter() - start)
    if t_loop == t_batch:
        # Sanity check: same starts, same steps, so the final losses must agree. Not bit for bit:
        # on the dense quadratic the BLAS product sums in a different order for one point and for
        # a batch (~1e-16), and SAM's normalization amplifies that near the minimizer (see
        # samtheory.selfcheck.check_batched_equals_loop); 1e-3 relative leaves room for it.
        loss_loop = objective.value(x_loop) - objective.f_star
        loss_batch = result.loss.reshape(-1)[:n_loop]
        assert np.allclose(loss_loop, loss_batch, rtol=1e-3, atol=1e-12), f"{name}: loop and batched disagree"

    batched = n_batch * t_batch / batched_seconds
    loop = n_loop * t_loop / loop_seconds
    return {
        "workload": name, "dim": objective.dim, "method": "sam", "eta": eta, "rho": rho,
        "batched_trajectories": n_batch, "batched_steps": t_batch, "batched_seconds": batched_seconds,
        "batched_throughput": batched,
        "loop_trajectories": n_loop, "loop_steps": t_loop, "loop_seconds": loop_seconds,
        "loop_throughput": loop, "ratio": batched / loop, "repeat": repeat,
    }


def machine():
    return {"python": platform.python_version(), "numpy": np.__version__, "samtheory": samtheory.__version__,
            "platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest counts")
    args = parser.parse_args(argv)

    rows = [run_workload(*w, repeat=max(1, args.repeat)) for w in workloads(args.quick)]
    if args.json:
        print(json.dumps({"machine": machine(), "quick": args.quick, "results": rows}, indent=2))
        return 0
    m = machine()
    print(f"samtheory {m['samtheory']}, Python {m['python']}, numpy {m['numpy']}, {m['cpu_count']} CPUs, "
          f"{m['platform']}" + (" (--quick sizes)" if args.quick else ""))
    header = ("workload", "d", "batched (traj x steps)", "batched [traj-steps/s]",
              "loop (traj x steps)", "loop [traj-steps/s]", "batched/loop")
    table = [header] + [(r["workload"], str(r["dim"]),
                         f"{r['batched_trajectories']} x {r['batched_steps']}",
                         f"{r['batched_throughput']:.3g}",
                         f"{r['loop_trajectories']} x {r['loop_steps']}",
                         f"{r['loop_throughput']:.3g}", f"{r['ratio']:.0f}x") for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for k, row in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
