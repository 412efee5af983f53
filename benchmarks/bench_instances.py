"""Search-style throughput: many small instances of one family, one by one or stacked.

A worst-case search or a fuzzing run evaluates thousands of *instances*: members of one family
(different constants), each with its own η, ρ and start, a few trajectories each. Simulated one by
one, each pays the per-step Python overhead of the loop; stacked
(:func:`samtheory.functions.stack`), all of them share one loop.

Workloads (deterministic SAM, 3 trajectories per instance, T = 1000 steps, the simulator's
default measures and recording):

* ``cosine-1d``: members :math:`\\frac{\\beta}{\\omega^2}(1-\\cos\\omega x)` with β, ω, η, ρ and
  the starts drawn at random;
* ``quadratic-d10``: diagonal quadratics in d = 10 with random spectra.

Sides, run interleaved (each repetition runs every side once, in turn) and reported as the
median over repetitions, in instance-evaluations per second:

* ``one-by-one``: ``simulate(member, ...)`` per instance (the path before stacking), timed on
  a subset of the instances;
* ``stacked``: one ``simulate(stack(members), ...)`` for all instances;
* ``numpy-anchor``: a hand-written vectorized numpy loop doing the same work (update, f and
  ‖∇f‖² of every iterate, running sums of both), the floor of a numpy implementation;
* ``jax-anchor`` (when JAX is installed): the same loop hand-written with ``jax.lax.scan`` under
  ``jax.jit``, compiled once before timing (compile time reported separately).

Usage::

    python benchmarks/bench_instances.py             # full sizes
    python benchmarks/bench_instances.py --quick     # small sizes (seconds)
    python benchmarks/bench_instances.py --json out.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

try:
    import samtheory  # noqa: F401
except ImportError:  # run from a source checkout without `pip install .`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from samtheory import simulate
from samtheory.functions import CosineFamily, Quadratic, stack

TRAJECTORIES = 3
STEPS = 1000


def cosine_members(count, rng):
    members = [CosineFamily(b, w) for b, w in zip(np.exp(rng.uniform(-1, 1, count)), np.exp(rng.uniform(-1, 1.5, count)))]
    eta = np.array([rng.uniform(0.05, 0.9) / m.beta for m in members])
    rho = rng.uniform(0.0, 0.3, count)
    x0 = rng.uniform(-3, 3, (count, TRAJECTORIES, 1))
    return members, eta, rho, x0


def quadratic_members(count, rng, dim=10):
    members = [Quadratic.diagonal(np.exp(rng.uniform(-2, 1, dim))) for _ in range(count)]
    eta = np.array([rng.uniform(0.05, 0.9) / m.smoothness for m in members])
    rho = rng.uniform(0.0, 0.3, count)
    x0 = rng.normal(size=(count, TRAJECTORIES, dim))
    return members, eta, rho, x0


def one_by_one(members, eta, rho, x0):
    for k, member in enumerate(members):
        simulate(member, "sam", eta=eta[k], rho=rho[k], x0=x0[k], trajectories=TRAJECTORIES, steps=STEPS,
                 backend="numpy")


def stacked(members, eta, rho, x0):
    return simulate(stack(members), "sam", eta=eta, rho=rho, x0=x0, trajectories=TRAJECTORIES, steps=STEPS,
                    backend="numpy")


def _rows(members, eta, rho, x0):
    """Per-row constants of the anchors: (N, 1) step sizes and radii, (N, d) starts."""
    n = len(members) * TRAJECTORIES
    return (np.repeat(eta, TRAJECTORIES)[:, None], np.repeat(rho, TRAJECTORIES)[:, None],
            x0.reshape(n, -1).copy())


def _cosine_parts(members, xp):
    beta = xp.asarray(np.repeat([m.beta for m in members], TRAJECTORIES)[:, None])
    omega = xp.asarray(np.repeat([m.omega for m in members], TRAJECTORIES)[:, None])
    return (lambda x: (beta / omega) * xp.sin(omega * x),
            lambda x: xp.sum((beta / omega ** 2) * 2 * xp.sin(0.5 * omega * x) ** 2, axis=-1))


def _quadratic_parts(members, xp):
    diag = xp.asarray(np.repeat(np.stack([m.diagonal for m in members]), TRAJECTORIES, axis=0))
    return (lambda x: diag * x, lambda x: 0.5 * xp.sum(diag * x * x, axis=-1))


def numpy_anchor(parts, members, eta, rho, x0):
    grad, value = parts(members, np)
    eta, rho, x = _rows(members, eta, rho, x0)
    loss_sum = np.zeros(len(x))
    gradsq_sum = np.zeros(len(x))
    g = grad(x)
    for _ in range(STEPS):
        norm = np.sqrt(np.sum(g * g, axis=-1, keepdims=True))
        x = x - eta * grad(x + rho * g / np.where(norm > 0, norm, 1.0))
        loss_sum += value(x)
        g = grad(x)
        gradsq_sum += np.sum(g * g, axis=-1)
    return x, loss_sum, gradsq_sum


def jax_anchor(parts, members, eta, rho, x0):
    """The same loop as :func:`numpy_anchor` under ``jax.jit`` + ``lax.scan``; returns a function
    that runs it (compiled on first call)."""
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    grad, value = parts(members, jnp)
    eta, rho, x = (jnp.asarray(a) for a in _rows(members, eta, rho, x0))

    def step(carry, _):
        x, g, loss_sum, gradsq_sum = carry
        norm = jnp.sqrt(jnp.sum(g * g, axis=-1, keepdims=True))
        x = x - eta * grad(x + rho * g / jnp.where(norm > 0, norm, 1.0))
        g = grad(x)
        return (x, g, loss_sum + value(x), gradsq_sum + jnp.sum(g * g, axis=-1)), None

    @jax.jit
    def run(x):
        zeros = jnp.zeros(x.shape[0])
        return jax.lax.scan(step, (x, grad(x), zeros, zeros), None, length=STEPS)[0]

    return lambda: jax.block_until_ready(run(x))


def measure(name, make, count, lone_count, repeat, rng):
    members, eta, rho, x0 = make(count, rng)
    parts = _cosine_parts if name == "cosine-1d" else _quadratic_parts
    sides = {
        "one-by-one": (lone_count, lambda: one_by_one(members[:lone_count], eta, rho, x0)),
        "stacked": (count, lambda: stacked(members, eta, rho, x0)),
        "numpy-anchor": (count, lambda: numpy_anchor(parts, members, eta, rho, x0)),
    }
    compile_seconds = None
    try:
        runner = jax_anchor(parts, members, eta, rho, x0)
        start = time.perf_counter()
        runner()
        compile_seconds = time.perf_counter() - start
        sides["jax-anchor"] = (count, runner)
    except ImportError:
        pass
    times = {side: [] for side in sides}
    for _ in range(repeat):  # interleaved: every side once per repetition
        for side, (_, fn) in sides.items():
            start = time.perf_counter()
            fn()
            times[side].append(time.perf_counter() - start)
    rates = {side: sides[side][0] / statistics.median(t) for side, t in times.items()}
    # the stacked run is the same numbers as the lone runs: check one before reporting speed
    lone = simulate(members[0], "sam", eta=eta[0], rho=rho[0], x0=x0[0], trajectories=TRAJECTORIES, steps=STEPS,
                    backend="numpy")
    together = stacked(members, eta, rho, x0).grid_point(0)
    assert np.array_equal(lone.x, together.x), "stacked and lone runs differ"
    return {"workload": name, "instances": count, "trajectories_per_instance": TRAJECTORIES, "steps": STEPS,
            "repeat": repeat, "instances_per_second": rates,
            "stacked_over_one_by_one": rates["stacked"] / rates["one-by-one"],
            "stacked_over_numpy_anchor": rates["stacked"] / rates["numpy-anchor"],
            "stacked_over_jax_anchor": rates["stacked"] / rates["jax-anchor"] if "jax-anchor" in rates else None,
            "jax_anchor_compile_seconds": compile_seconds}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    p.add_argument("--repeat", type=int, default=5, help="interleaved repetitions (default 5)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)
    rng = np.random.default_rng(0)
    sizes = {"cosine-1d": (cosine_members, 200 if args.quick else 4000, 10 if args.quick else 40),
             "quadratic-d10": (quadratic_members, 50 if args.quick else 1000, 5 if args.quick else 20)}
    results = []
    for name, (make, count, lone_count) in sizes.items():
        row = measure(name, make, count, lone_count, args.repeat, rng)
        results.append(row)
        rates = "  ".join(f"{side} {rate:,.0f}/s" for side, rate in row["instances_per_second"].items())
        print(f"{name:<14} {count} instances x {TRAJECTORIES} trajectories x {STEPS} steps: {rates}")
        print(f"{'':<14} stacked / one-by-one {row['stacked_over_one_by_one']:.1f}x, "
              f"stacked / numpy anchor {row['stacked_over_numpy_anchor']:.2f}x"
              + (f", stacked / jax anchor {row['stacked_over_jax_anchor']:.2f}x "
                 f"(jax compile {row['jax_anchor_compile_seconds']:.2f} s)" if row["stacked_over_jax_anchor"] else ""))
    doc = {"machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                       "load_average": os.getloadavg()}, "results": results}
    if args.json:
        from samtheory._io import atomic_write_text
        atomic_write_text(args.json, json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
