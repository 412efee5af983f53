"""Latency of the explorer after a slider move, per example, at the default sizes (headless, Agg).

For each example the sliders ρ, η, σ (stochastic examples) and x₀ are moved by small steps, as a
drag does, and three times are taken per move:

* update: ``slider.set_val`` until the new run is in the artists (simulation, prediction, curves,
  readout) -- what the explorer itself costs;
* render: one full Agg redraw of the figure -- what matplotlib costs next (an interactive backend
  redraws the whole canvas on ``draw_idle``; the GUI blit comes on top);
* checks: the theorem-registry pass that follows once the controls are still (lazy; reusing the run).

Medians (and maxima) over the moves are printed. Machines differ and so does their load: the load
average is printed alongside. Usage: python benchmarks/bench_explorer.py [--moves N]
"""
import argparse
import os
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from samtheory.counterexamples import COUNTEREXAMPLES  # noqa: E402
from samtheory.explorer import Explorer  # noqa: E402


def measure(name, moves):
    e = Explorer(name)
    canvas = e.figure.canvas
    canvas.draw()
    e.set(checks=False)  # checks are timed on their own below (interactive backends defer them)
    keys = ["rho", "eta"] + (["sigma"] if e.stochastic else []) + ["x0"]
    update, render, checks = [], [], []
    canvas.draw_idle = lambda *args, **kwargs: None  # time the update without Agg's immediate redraw
    for k in range(moves):
        key = keys[k % len(keys)]
        s = e.sliders[key]
        start_value = e.defaults[key]
        step = 0.004 * (s.valmax - s.valmin) * (1 + k // len(keys))
        value = start_value - step if start_value + step > s.valmax else start_value + step
        t0 = time.perf_counter()
        s.set_val(value)
        update.append(time.perf_counter() - t0)
        assert e.result is not None, e.message.get_text()
        t0 = time.perf_counter()
        canvas.draw()
        render.append(time.perf_counter() - t0)
        e.state["checks"] = True
        t0 = time.perf_counter()
        e.check_theorems(draw=False)
        checks.append(time.perf_counter() - t0)
        e.state["checks"] = False
    del canvas.draw_idle
    total = [u + r for u, r in zip(update, render)]
    return {"update": update, "render": render, "total": total, "checks": checks, "steps": e.state["steps"],
            "chains": e.chains if e.stochastic else 1}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12, help="slider moves per example (default 12)")
    args = parser.parse_args()
    print(f"matplotlib {matplotlib.__version__}, {os.cpu_count()} CPUs, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{'example':<24} {'T x chains':>10} {'update':>14} {'render':>14} {'update+render':>14} {'checks (lazy)':>14}")
    print(f"{'':<24} {'':>10} {'median/max ms':>14} {'median/max ms':>14} {'median/max ms':>14} {'median/max ms':>14}")
    for name in COUNTEREXAMPLES:
        r = measure(name, args.moves)

        def cell(values):
            return f"{1e3 * statistics.median(values):6.0f} /{1e3 * max(values):5.0f}"
        size = f"{r['steps']} x {r['chains']}"
        print(f"{name:<24} {size:>10} {cell(r['update']):>14} {cell(r['render']):>14} {cell(r['total']):>14} "
              f"{cell(r['checks']):>14}")


if __name__ == "__main__":
    main()
