"""Latency of one explorer update after a slider move, per example (headless, Agg).

Reports the time to recompute (simulation and data) and the time to redraw the whole figure;
an interactive backend redraws lazily (draw_idle), so the first number is what a slider move
costs before painting. Usage: python benchmarks/bench_explorer.py [--repeat N]
"""
import argparse
import time

import matplotlib

matplotlib.use("Agg")

from samtheory.counterexamples import COUNTEREXAMPLES  # noqa: E402
from samtheory.explorer import Explorer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'example':<24} {'recompute [ms]':>15} {'full redraw [ms]':>17}")
    for name in COUNTEREXAMPLES:
        e = Explorer(name)
        e._draw_idle = lambda: None  # time the recomputation alone
        x0 = e.state["x0"]
        best = float("inf")
        for k in range(args.repeat):
            start = time.perf_counter()
            e.set(x0=x0 * (0.9 + 0.01 * k))
            best = min(best, time.perf_counter() - start)
        render = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            e.figure.canvas.draw()
            render = min(render, time.perf_counter() - start)
        print(f"{name:<24} {1e3 * best:>15.1f} {1e3 * render:>17.1f}")


if __name__ == "__main__":
    main()
