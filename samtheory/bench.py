r"""Simulator throughput on the workloads W1–W4: ``samtheory bench``.

Every workload is run by four implementations, each in its own Python process (so that peak
memory and imports do not leak from one to the next):

``loop``
    The per-trajectory Python loop: for each trajectory, for each step, call the objective's
    ``grad`` on one point and update. Timed on a subset of trajectories and steps (its cost is
    linear in both) and reported as a throughput.
``numpy``
    :func:`samtheory.simulate` with ``backend="numpy"``, the reference path.
``fast``
    :func:`samtheory.simulate` with ``backend="jax"``: the same objective and method code compiled
    by XLA (:mod:`samtheory._jax_backend`), with its per-step measures.
``jax-ref``
    A hand-written JAX program (``jit`` + ``vmap`` + ``lax.scan``, float64) of the same update that
    records the same summaries the simulator records (final iterate, minimum and mean of
    :math:`f-f^*`, mean :math:`\|\nabla f\|^2`), written directly in ``jax.numpy`` without
    samtheory.
``fast-update`` and ``jax-update``
    The same two without the per-step measures (``simulate(..., measures=False)`` and the
    hand-written update alone).

Each implementation's "ratio to JAX" is against the hand-written program doing the same work:
``jax-ref`` for the runs with measures, ``jax-update`` for the update-only runs.

Workloads (trajectory-steps = trajectories x steps):

* **W1** deterministic SAM, 1-D cosine counterexample (``cosine``: β = 1, ω = 3π/(2ρ), ρ = 0.1,
  η = 0.1), 10^5 trajectories x 10^3 steps;
* **W2** deterministic SAM, d = 100 quadratic with spectrum linspace(0.1, 10, 100) (Haar rotation,
  seed 0), η = 0.05, ρ = 0.05, 10^3 x 10^3;
* **W3** stochastic independent-sample SAM, asymmetric quadratic (μ = 0.25, β = 1) with ±σ noise,
  the ``asymmetric-noise`` counterexample's defaults (ρ = 0.1, σ = 0.2, its largest valid η),
  10^4 chains x 10^4 steps;
* **W4** Unified SAM λ = 0.5, ridge regression n = d = 100 (reg 0.1), single-sample uniform
  sampling, η = 0.003 (η L_max = 0.4), ρ = 0.05, 5 trials x 10^5 steps.

Throughput is the best of ``repeat`` timed runs after one warm-up run; compile time is the warm-up
time minus the best run. Memory (Linux): ``peak MB`` is the process's peak resident set during
the runs (the peak is reset after the imports, with Python, numpy, samtheory and, for the JAX
columns, the started JAX runtime already resident); ``run +MB`` is that peak minus the resident
set just before the first call, i.e. what the run itself and its compilation add. ``--quick`` divides the sizes (for tests), so its numbers are not the
benchmark's.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

IMPLEMENTATIONS = ("loop", "numpy", "fast", "jax-ref", "fast-update", "jax-update")
#: which hand-written JAX program each implementation is compared with (the same work)
JAX_PEER = {"loop": "jax-ref", "numpy": "jax-ref", "fast": "jax-ref", "jax-ref": "jax-ref",
            "fast-update": "jax-update", "jax-update": "jax-update"}

WORKLOADS = {
    "W1": {"title": "deterministic SAM, 1-D cosine", "trajectories": 100_000, "steps": 1_000,
           "loop_subset": (20, 1_000)},
    "W2": {"title": "deterministic SAM, d=100 quadratic", "trajectories": 1_000, "steps": 1_000,
           "loop_subset": (4, 1_000)},
    "W3": {"title": "independent-sample SAM, asymmetric quadratic +-sigma", "trajectories": 10_000,
           "steps": 10_000, "loop_subset": (2, 2_000)},
    "W4": {"title": "Unified SAM lam=0.5, ridge n=d=100, uniform single sample", "trajectories": 5,
           "steps": 100_000, "loop_subset": (1, 2_000)},
}
QUICK_DIVISOR = {"W1": (100, 10), "W2": (10, 10), "W3": (100, 100), "W4": (1, 1000)}


# -- the problems, built the same way in every process --------------------------------------------

def problem(name, quick=False):
    """The objective, method, keyword arguments of :func:`samtheory.simulate` and sizes of a workload."""
    from .counterexamples import COUNTEREXAMPLES
    from .functions import Quadratic, Ridge, get_function
    from .oracles import AdditiveNoise
    from .sampling import FiniteSumSampling

    spec = dict(WORKLOADS[name])
    if quick:
        dt, ds = QUICK_DIVISOR[name]
        spec["trajectories"] = max(1, spec["trajectories"] // dt)
        spec["steps"] = max(1, spec["steps"] // ds)
        spec["loop_subset"] = (1, min(spec["steps"], 50))
    if name == "W1":
        f = get_function("cosine")
        kw = dict(method="sam", eta=0.1, rho=0.1, oracle=None)
    elif name == "W2":
        f = Quadratic.with_spectrum(np.linspace(0.1, 10, 100), seed=0)
        kw = dict(method="sam", eta=0.05, rho=0.05, oracle=None)
    elif name == "W3":
        ce = COUNTEREXAMPLES["asymmetric-noise"]
        p = ce.resolve()
        f = ce.objective(**p)
        kw = dict(method="sam", eta=p["eta"], rho=p["rho"], same_sample=False,
                  oracle=AdditiveNoise(f, p["sigma"], "rademacher"))
    else:
        f = Ridge.random(100, 100, reg=0.1, seed=0)
        kw = dict(method="unified", lam=0.5, eta=0.003, rho=0.05, same_sample=True,
                  oracle=FiniteSumSampling(f, "uniform"))
    x0 = f.sample_points(np.random.default_rng(1), spec["trajectories"])
    return f, kw, x0, spec


# -- implementations ----------------------------------------------------------------------------------

def _run_simulate(name, backend, quick, measures=True):
    from .simulation import simulate
    f, kw, x0, spec = problem(name, quick)
    method = kw.pop("method")

    def once():
        return simulate(f, method, x0=x0, trajectories=spec["trajectories"], steps=spec["steps"],
                        record_every=None, backend=backend, measures=measures, **kw)
    return once, spec["trajectories"] * spec["steps"]


def _run_loop(name, quick):
    from ._random import NumpyRandom
    from .methods import get_method
    f, kw, x0, spec = problem(name, quick)
    n_traj, n_steps = spec["loop_subset"]
    method = get_method(kw["method"])
    oracle = kw.get("oracle")
    eta, rho, lam = kw["eta"], kw["rho"], kw.get("lam", 1.0)

    def once():
        source = NumpyRandom(np.random.default_rng(0))
        for i in range(n_traj):
            x = x0[i:i + 1].copy()
            for _ in range(n_steps):
                if oracle is None:
                    g = f.grad(x)
                    h = f.grad(x + method.perturbation(g, rho, lam, 0.0))
                else:
                    s_up = oracle.draw(source, 1)
                    s_down = s_up if kw.get("same_sample", True) else oracle.draw(source, 1)
                    g = oracle.grad(x, s_up)
                    h = oracle.grad(x + method.perturbation(g, rho, lam, 0.0), s_down)
                x = x - eta * h
        return x
    return once, n_traj * n_steps


def _jax_reference(name, quick, summaries):
    """Hand-written JAX of the workload's update (not using samtheory's step code)."""
    import jax
    with jax.enable_x64(True):  # the constants below become float64 arrays
        return _build_jax_reference(name, quick, summaries)


def _jax_workload_oracle(name, f, kw):
    """``(grad(x, sample), value(x), full_grad(x))`` of workload ``name`` in hand-written JAX: the
    (stochastic) gradient given the step's sample (a Rademacher sign for W3, a component index for
    W4, ``None`` otherwise), the loss, and the exact gradient that the summaries measure."""
    import jax.numpy as jnp
    if name == "W1":
        beta, omega = f.beta, f.omega

        def grad(x, s):
            return beta / omega * jnp.sin(omega * x)

        def value(x):
            return beta / omega ** 2 * (1 - jnp.cos(omega * x[0]))
        return grad, value, lambda x: grad(x, None)
    if name == "W2":
        H, c = jnp.asarray(f.H), jnp.asarray(f.c)

        def grad(x, s):
            return H @ (x - c)

        def value(x):
            return 0.5 * (x - c) @ (H @ (x - c))
        return grad, value, lambda x: grad(x, None)
    if name == "W3":
        mu, beta, sigma = f.mu, f.beta, kw["oracle"].sigma

        def exact(x):
            return jnp.where(x < 0, mu, beta) * x

        def grad(x, s):
            return exact(x) + sigma * s

        def value(x):
            return 0.5 * jnp.where(x[0] < 0, mu, beta) * x[0] ** 2
        return grad, value, exact
    A, b, reg = jnp.asarray(f.A), jnp.asarray(f.targets), f.reg

    def grad(x, i):
        return A[i] * (A[i] @ x - b[i]) + reg * x

    def value(x):
        r = A @ x - b
        return 0.5 * jnp.mean(r * r) + 0.5 * reg * x @ x

    def full_grad(x):
        return A.T @ (A @ x - b) / A.shape[0] + reg * x
    return grad, value, full_grad


def _build_jax_reference(name, quick, summaries):
    import jax
    import jax.numpy as jnp
    f, kw, x0, spec = problem(name, quick)
    steps = spec["steps"]
    eta, rho, lam = kw["eta"], kw["rho"], kw.get("lam", 1.0)
    f_star = f.f_star
    grad, value, full_grad = _jax_workload_oracle(name, f, kw)
    components = f.A.shape[0] if name == "W4" else None

    def ascent(g):
        n = jnp.sqrt(g @ g)
        normalized = g / jnp.where(n > 0, n, 1.0)
        return rho * ((1 - lam) * g + lam * normalized)

    def trajectory(x, key):
        def body(carry, t):
            x, lmin, lsum, gsum = carry
            k = jax.random.fold_in(key, t)
            if name == "W3":
                s_up, s_down = jax.random.rademacher(k, (2, 1), dtype=jnp.float64)
            elif name == "W4":
                s_up = s_down = jax.random.randint(k, (), 0, components)
            else:
                s_up = s_down = None
            g = grad(x, s_up)
            x_new = x - eta * grad(x + ascent(g), s_down)
            if not summaries:
                return (x_new, lmin, lsum, gsum), None
            loss = value(x) - f_star
            g_exact = g if kw["oracle"] is None else full_grad(x)
            return (x_new, jnp.fmin(lmin, loss), lsum + loss, gsum + g_exact @ g_exact), None
        init = (x, jnp.inf, 0.0, 0.0)
        (x, lmin, lsum, gsum), _ = jax.lax.scan(body, init, jnp.arange(steps))
        return x, lmin, lsum / steps, gsum / steps

    run = jax.jit(jax.vmap(trajectory))
    with jax.enable_x64(True):
        xs = jnp.asarray(x0)
        keys = jax.random.split(jax.random.key(0), xs.shape[0])

    def once():
        with jax.enable_x64(True):
            out = run(xs, keys)
            jax.block_until_ready(out)
        return out
    return once, spec["trajectories"] * steps


def run_cell(name, impl, quick=False, repeat=3):
    """Time one implementation on one workload in this process; returns a dict."""
    import resource
    if impl == "loop":
        once, work = _run_loop(name, quick)
    elif impl == "numpy":
        once, work = _run_simulate(name, "numpy", quick)
    elif impl in ("fast", "fast-update"):
        once, work = _run_simulate(name, "jax", quick, measures=impl == "fast")
    elif impl in ("jax-ref", "jax-update"):
        once, work = _jax_reference(name, quick, summaries=impl == "jax-ref")
    else:
        raise ValueError(f"unknown implementation {impl!r}; choose from {IMPLEMENTATIONS}")
    if impl != "loop" and impl != "numpy":
        # start the JAX runtime before the baseline, so the increase is the run's (with compiling)
        import jax
        with jax.enable_x64(True):
            jax.numpy.zeros(1).block_until_ready()
    base_kb = _status_kb("VmRSS")
    _reset_peak_rss()
    t = time.perf_counter()
    once()
    first = time.perf_counter() - t
    times = []
    for _ in range(repeat if impl != "loop" else 1):
        t = time.perf_counter()
        once()
        times.append(time.perf_counter() - t)
    best = min(times)
    peak_kb = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    compiled = impl != "loop" and impl != "numpy"
    return {"workload": name, "implementation": impl, "trajectory_steps": work,
            "seconds": best, "throughput": work / best,
            "compile_seconds": max(0.0, first - best) if compiled else None,
            "peak_rss_mb": peak_kb / 1024, "rss_before_run_mb": base_kb / 1024,
            "run_peak_increase_mb": max(0.0, peak_kb - base_kb) / 1024}


def _status_kb(field):
    """A memory field of /proc/self/status in kB (``VmRSS`` now, ``VmHWM`` the peak), or 0."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak_rss():
    """Start the peak (VmHWM) afresh, so it measures the run and not the imports (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


#: The folder that holds this samtheory package. The cell processes import samtheory from here,
#: not from their working directory: ``python -m`` would put the current folder first on the path
#: and benchmark whatever ``./samtheory`` happens to be there.
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (``-c`` puts the current folder at sys.path[0]: replaced by the package's folder)
_CELL_MAIN = ("import sys; sys.path[0] = sys.argv.pop(1); "
              "from samtheory.bench import main; sys.exit(main(sys.argv[1:]))")


def _cell_in_subprocess(name, impl, quick, repeat):
    cmd = [sys.executable, "-c", _CELL_MAIN, _PACKAGE_PARENT, "--cell", name, impl, "--repeat", str(repeat)]
    if quick:
        cmd.append("--quick")
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if proc.returncode != 0:
        return {"workload": name, "implementation": impl, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def jax_available():
    from ._jax_backend import available
    return available()


def run(workloads=("W1", "W2", "W3", "W4"), quick=False, repeat=3, progress=None):
    """Run the benchmark; returns a JSON-ready dict with one row per (workload, implementation)."""
    impls = [i for i in IMPLEMENTATIONS if jax_available() or i in ("loop", "numpy")]
    rows = []
    for name in workloads:
        cells = {}
        for impl in impls:
            if progress:
                progress(f"{name} {impl}")
            cells[impl] = _cell_in_subprocess(name, impl, quick, repeat)
        loop = cells.get("loop", {}).get("throughput")
        for impl, cell in cells.items():
            tp = cell.get("throughput")
            ref = cells.get(JAX_PEER[impl], {}).get("throughput")
            cell["compared_with"] = JAX_PEER[impl]
            cell["ratio_to_jax"] = tp / ref if (tp and ref) else None
            cell["ratio_to_loop"] = tp / loop if (tp and loop) else None
            rows.append(cell)
    return {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                        "cpus": os.cpu_count(), "numpy": np.__version__, "jax": _jax_version()},
            "quick": quick, "repeat": repeat, "workloads": {k: WORKLOADS[k]["title"] for k in workloads},
            "rows": rows}


def _jax_version():
    try:
        import jax
        return jax.__version__
    except ImportError:
        return None


def format_table(report) -> str:
    head = (f"{'workload':8} {'implementation':14} {'traj-steps/s':>13} {'vs JAX':>10} "
            f"{'vs loop':>9} {'compile s':>9} {'peak MB':>8} {'run +MB':>8}")
    lines = [head, "-" * len(head)]
    for r in report["rows"]:
        if "error" in r:
            lines.append(f"{r['workload']:8} {r['implementation']:14} error: {r['error']}")
            continue

        def num(v, fmt):
            return format(v, fmt) if v is not None else "-"
        lines.append(f"{r['workload']:8} {r['implementation']:14} {r['throughput']:13.3e} "
                     f"{num(r['ratio_to_jax'], '10.2f')} {num(r['ratio_to_loop'], '9.0f')} "
                     f"{num(r['compile_seconds'], '9.2f')} {r['peak_rss_mb']:8.0f} "
                     f"{r['run_peak_increase_mb']:8.0f}")
    m = report["machine"]
    lines.append(f"machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}, numpy {m['numpy']}, "
                 f"jax {m['jax']}" + ("  (quick sizes: not the benchmark's numbers)" if report["quick"] else ""))
    return "\n".join(lines)


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(prog="python -m samtheory.bench")
    parser.add_argument("--cell", nargs=2, metavar=("WORKLOAD", "IMPL"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.cell:
        print(json.dumps(run_cell(args.cell[0], args.cell[1], args.quick, args.repeat)))
        return 0
    report = run(quick=args.quick, repeat=args.repeat)
    print(format_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
