r"""Issue #18's throughput targets against hand-written programs, side by side in one process.

``python benchmarks/bench_targets.py [--repeat N] [--quick] [--only NAME,...] [--out STEM] [--before DIR]``

Each target runs several implementations of *the same work* in this one process: every one is
compiled and warmed up first, then the timed repetitions are interleaved (rep 1 of every
implementation, then rep 2, ...), so a change of machine load hits all of them alike; the table
gives the median throughput of each and ratios of medians. The load average is printed before and
after. Only ratios are meant to be compared across runs: the machine is shared.

Targets with measures (deterministic SAM, :math:`x^+=x-\eta\nabla f(x+\rho\,g/\|g\|)`, every step
also accounting :math:`f(x_t)-f^*` and :math:`\|\nabla f(x_t)\|^2` into the running minimum, the
sums, the tail sums and the divergence flag, as :func:`samtheory.simulate` does with
``record_every=None``):

* ``cosine-1e4``, ``cosine-1e5``: :math:`f(x)=\frac{\beta}{\omega^2}(1-\cos\omega x)`,
  ``get_function("cosine")`` (β = 1, ω = 3π/(2·0.1)), η = ρ = 0.1, 10⁴ trajectories × 10³ steps or
  10⁵ × 200 (fewer steps keep a repetition near 5 s on the loaded 2 cores);
* ``diag-quadratic``: :math:`\frac12\sum_i h_ix_i^2`, :math:`h` = linspace(0.1, 10, 100),
  η = ρ = 0.05, 10³ trajectories × 10³ steps.

Implementations: ``samtheory-jax`` (``simulate(backend="jax")``), ``jax-hand`` (``jit`` + ``vmap``
+ ``lax.scan`` written directly in ``jax.numpy``), ``numba`` (a scalar loop per trajectory,
``@njit``) and ``numba-par`` (the same with ``prange`` over trajectories, both cores). Each anchor
returns every statistic, and the script checks on a 40-step run that they equal the simulator's
(so no anchor skips work the simulator does; longer runs are chaotic, see ``CHECK_STEPS``).

Target ``nice-sampling``: stochastic SAM on least squares with n = 1000 components, d = 50, b = 10
without replacement (``FiniteSumSampling(f, "nice", 10)``), 10³ trajectories × 200 steps with
``measures=False`` (the sampled gradients only, where the draw matters) and × 50 steps with
``measures=True`` (where the exact f and ∇f over all 1000 components dominate);
``simulate(backend="jax")`` against ``simulate(backend="numpy")``.
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
    import samtheory  # noqa: F401
except ImportError:  # run from a source checkout without `pip install .`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from samtheory import simulate  # noqa: E402
from samtheory.functions import Quadratic, get_function  # noqa: E402

TAIL = 0.1
CHECK_STEPS = 40
THRESHOLD = 1e100


def _problem(name, quick):
    if name.startswith("cosine"):
        f = get_function("cosine")
        n, steps = (10_000, 1_000) if name == "cosine-1e4" else (100_000, 200)
        eta = rho = 0.1
    else:
        f = Quadratic.diagonal(np.linspace(0.1, 10, 100))
        n, steps = 1_000, 1_000
        eta = rho = 0.05
    if quick:
        n, steps = max(10, n // 100), 50
    x0 = f.sample_points(np.random.default_rng(1), n)
    return f, eta, rho, steps, x0


def _tail_start(steps):
    return steps - max(1, int(round(TAIL * steps)))


# -- the simulator --------------------------------------------------------------------------------

def samtheory_jax(f, eta, rho, steps, x0, simulate=simulate):
    def once():
        r = simulate(f, "sam", eta=eta, rho=rho, steps=steps, x0=x0, trajectories=len(x0),
                     record_every=None, backend="jax", tail=TAIL)
        return {"x": r.x, "loss_min": r.loss_min, "loss_mean": r.loss_mean,
                "gradsq_mean": r.gradsq_mean, "loss_tail_mean": r.loss_tail_mean}
    return once


# -- hand-written JAX -----------------------------------------------------------------------------

def jax_hand(f, eta, rho, steps, x0):
    import jax
    import jax.numpy as jnp
    cosine = f.dim == 1
    with jax.enable_x64(True):
        if cosine:
            beta, omega = f.beta, f.omega

            def value_grad(x):
                return beta / omega ** 2 * (1 - jnp.cos(omega * x[0])), beta / omega * jnp.sin(omega * x)
        else:
            h = jnp.asarray(np.diag(f.H))

            def value_grad(x):
                g = h * x
                return 0.5 * x @ g, g
        tail_start = _tail_start(steps)

        def trajectory(x):
            def body(c, t):
                x, fx, gx, lmin, lsum, gsum, ltail, gtail, div = c
                n = jnp.sqrt(gx @ gx)
                y = x + rho * gx / jnp.where(n > 0, n, 1.0)
                x_new = x - eta * value_grad(y)[1]
                gsq = gx @ gx
                tail = t >= tail_start
                div = div | ~(fx <= THRESHOLD)
                f_new, g_new = value_grad(x_new)
                return (x_new, f_new, g_new, jnp.fmin(lmin, fx), lsum + fx, gsum + gsq,
                        ltail + jnp.where(tail, fx, 0.0), gtail + jnp.where(tail, gsq, 0.0), div), None
            fx, gx = value_grad(x)
            c0 = (x, fx, gx, jnp.inf, 0.0, 0.0, 0.0, 0.0, False)
            c, _ = jax.lax.scan(body, c0, jnp.arange(steps))
            return c
        run = jax.jit(jax.vmap(trajectory))
        xs = jnp.asarray(x0)

    def once():
        with jax.enable_x64(True):
            c = jax.block_until_ready(run(xs))
        x, f_last, _, lmin, lsum, gsum, ltail, _, _ = (np.asarray(v) for v in c)
        # the minimum includes x_T
        return {"x": x, "loss_min": np.fmin(lmin, f_last), "loss_mean": lsum / steps,
                "gradsq_mean": gsum / steps,
                "loss_tail_mean": ltail / (steps - _tail_start(steps))}
    return once


# -- numba ------------------------------------------------------------------------------------------

_NUMBA = {}


def _numba_kernels():
    """The two kernels, compiled once per process, serial and ``prange``-parallel."""
    if _NUMBA:
        return _NUMBA
    import numba

    def make(parallel):
        loop = numba.prange if parallel else range

        @numba.njit(inline="always")
        def account(stats, fx, gsq, in_tail, threshold):
            """The running summaries of one trajectory after step t: (min f, sum f, sum |g|^2,
            tail sums of both, diverged), as the simulator keeps them."""
            lmin, lsum, gsum, ltail, gtail, div = stats
            if in_tail:
                ltail += fx
                gtail += gsq
            return min(lmin, fx), lsum + fx, gsum + gsq, ltail, gtail, div or not fx <= threshold

        @numba.njit(parallel=parallel, fastmath=False, cache=False)
        def cosine(x0, beta, omega, eta, rho, steps, tail_start, threshold, out):
            for i in loop(x0.shape[0]):
                x = x0[i]
                c = beta / omega ** 2
                fx = c * (1.0 - np.cos(omega * x))
                gx = beta / omega * np.sin(omega * x)
                stats = (np.inf, 0.0, 0.0, 0.0, 0.0, False)
                for t in range(steps):
                    a = abs(gx)
                    y = x + rho * gx / a if a > 0 else x
                    x = x - eta * (beta / omega * np.sin(omega * y))
                    stats = account(stats, fx, gx * gx, t >= tail_start, threshold)
                    fx = c * (1.0 - np.cos(omega * x))
                    gx = beta / omega * np.sin(omega * x)
                lmin, lsum, gsum, ltail, gtail, div = stats
                lmin = min(lmin, fx)  # the minimum includes x_T
                out[i, 0], out[i, 1], out[i, 2], out[i, 3], out[i, 4], out[i, 5] = (
                    x, lmin, lsum, gsum, ltail, gtail + 0.0 * div)

        @numba.njit(parallel=parallel, fastmath=False, cache=False)
        def diag_quadratic(x0, h, eta, rho, steps, tail_start, threshold, out, xout):
            d = h.shape[0]
            for i in loop(x0.shape[0]):
                x = x0[i].copy()
                g = h * x
                fx = 0.5 * np.dot(x, g)
                stats = (np.inf, 0.0, 0.0, 0.0, 0.0, False)
                for t in range(steps):
                    gsq = np.dot(g, g)
                    n = np.sqrt(gsq)
                    s = rho / n if n > 0 else 0.0
                    fnew = 0.0
                    for k in range(d):
                        x[k] = x[k] - eta * h[k] * (x[k] + s * g[k])
                        g[k] = h[k] * x[k]
                        fnew += 0.5 * x[k] * g[k]
                    stats = account(stats, fx, gsq, t >= tail_start, threshold)
                    fx = fnew
                lmin, lsum, gsum, ltail, gtail, div = stats
                lmin = min(lmin, fx)  # the minimum includes x_T
                xout[i] = x
                out[i, 1], out[i, 2], out[i, 3], out[i, 4], out[i, 5] = (lmin, lsum, gsum, ltail,
                                                                       gtail + 0.0 * div)
        return cosine, diag_quadratic

    _NUMBA["serial"] = make(False)
    _NUMBA["parallel"] = make(True)
    return _NUMBA


def numba_program(parallel):
    def build(f, eta, rho, steps, x0):
        cosine, diag = _numba_kernels()["parallel" if parallel else "serial"]
        ts = _tail_start(steps)
        out = np.empty((len(x0), 6))
        xout = np.empty_like(x0)

        def once():
            if f.dim == 1:
                cosine(x0[:, 0].copy(), f.beta, f.omega, eta, rho, steps, ts, THRESHOLD, out)
                x = out[:, :1].copy()
            else:
                diag(x0, np.ascontiguousarray(np.diag(f.H)), eta, rho, steps, ts, THRESHOLD, out, xout)
                x = xout.copy()
            return {"x": x, "loss_min": out[:, 1].copy(), "loss_mean": out[:, 2] / steps,
                    "gradsq_mean": out[:, 3] / steps, "loss_tail_mean": out[:, 4] / (steps - ts)}
        return once
    return build


def _import_before(package_dir):
    """The package copy in ``package_dir``, imported under the name ``samtheory_before`` (the
    package's internal imports are relative)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "samtheory_before", os.path.join(package_dir, "__init__.py"), submodule_search_locations=[package_dir])
    module = importlib.util.module_from_spec(spec)
    sys.modules["samtheory_before"] = module
    spec.loader.exec_module(module)
    return module


MEASURED = {"samtheory-jax": samtheory_jax, "jax-hand": jax_hand,
            "numba": numba_program(False), "numba-par": numba_program(True)}


# -- nice sampling ---------------------------------------------------------------------------------

def nice_sampling(measures, quick, before=None):
    import importlib
    # with measures the exact f and grad f (n = 1000 components) dominate: fewer steps
    n, steps = (1000, 50 if measures else 200) if not quick else (50, 10)

    def build(backend, package="samtheory"):
        # the objective and oracle of the package whose simulator runs (its random sources)
        LeastSquares = importlib.import_module(f"{package}.functions.finite_sums").LeastSquares
        FiniteSumSampling = importlib.import_module(f"{package}.sampling").FiniteSumSampling
        sim = importlib.import_module(package).simulate
        f = LeastSquares.random(1000, 50, seed=0)
        oracle = FiniteSumSampling(f, "nice", 10)

        def once():
            r = sim(f, "sam", eta=0.5 / f.L_max, rho=0.01, steps=steps, trajectories=n,
                    oracle=oracle, record_every=None, measures=measures, backend=backend)
            return {"x": r.x}
        return once
    programs = {"samtheory-numpy": build("numpy"), "samtheory-jax": build("jax")}
    if before is not None:
        programs["before-jax"] = build("jax", "samtheory_before")
    return programs, n * steps


# -- driver -----------------------------------------------------------------------------------------

def interleaved(programs, work, repeat):
    """Warm up every program, then time ``repeat`` interleaved rounds; medians per program."""
    outputs, compile_s = {}, {}
    for name, once in programs.items():
        t = time.perf_counter()
        outputs[name] = once()
        compile_s[name] = time.perf_counter() - t
    times = {name: [] for name in programs}
    for _ in range(repeat):
        for name, once in programs.items():
            t = time.perf_counter()
            once()
            times[name].append(time.perf_counter() - t)
    med = {name: float(np.median(v)) for name, v in times.items()}
    return {name: {"median_s": med[name], "throughput": work / med[name], "times_s": times[name],
                   "first_call_s": compile_s[name]} for name in programs}, outputs


def _check_same_work(outputs, reference="samtheory-jax"):
    """Every anchor's statistics equal the simulator's (1e-9 relative to each field's scale: the
    programs differ in libm, summation order and the 2 sin^2 vs 1 - cos form of f)."""
    ref = outputs[reference]
    bad = []
    for name, out in outputs.items():
        for key, value in ref.items():
            a, b = np.asarray(value, float).reshape(-1), np.asarray(out[key], float).reshape(-1)
            scale = max(1e-300, float(np.max(np.abs(a))))
            if not np.allclose(b, a, rtol=1e-9, atol=1e-9 * scale):
                bad.append(f"{name}.{key}: max diff {np.max(np.abs(a - b)):.3g} (scale {scale:.3g})")
    return bad


TARGETS = ("cosine-1e4", "cosine-1e5", "diag-quadratic", "nice-sampling")
GOALS = {"cosine-1e4": ("numba", 0.9), "cosine-1e5": ("numba", 0.9), "diag-quadratic": ("numba", 0.5),
         "nice-sampling": ("samtheory-numpy", 1.0)}


def _version(name):
    try:
        return __import__(name).__version__
    except ImportError:
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_targets.py")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(TARGETS))
    parser.add_argument("--out", default=None, metavar="STEM", help="write STEM.json and STEM.txt")
    parser.add_argument("--before", default=None, metavar="PACKAGE_DIR",
                        help="also time the simulator of another copy of the samtheory package (e.g. an "
                             "older commit's samtheory/ directory, exported with git archive) as "
                             "'before-jax', in the same interleaved rounds")
    args = parser.parse_args(argv)
    before_simulate = None
    if args.before:
        before_simulate = _import_before(args.before).simulate
        MEASURED["before-jax"] = lambda *a: samtheory_jax(*a, simulate=before_simulate)
    report = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                          "python": platform.python_version(), "numpy": np.__version__,
                          "jax": _version("jax"), "numba": _version("numba")},
              "load_before": os.getloadavg(), "repeat": args.repeat, "quick": args.quick, "rows": []}
    lines = []
    for target in args.only.split(","):
        if target == "nice-sampling":
            for measures in (False, True):
                programs, work = nice_sampling(measures, args.quick, before_simulate)
                res, _ = interleaved(programs, work, args.repeat)
                label = f"nice-sampling measures={measures}"
                tp = {k: v["throughput"] for k, v in res.items()}
                ratios = {f"samtheory-jax/{k}": tp["samtheory-jax"] / tp[k] for k in tp if k != "samtheory-jax"}
                report["rows"].append({"target": label, "results": res, "ratios": ratios})
                lines.append(f"{label:36} " + "  ".join(f"{k} {v:.3g}" for k, v in tp.items())
                             + "   " + "  ".join(f"{k.split('/')[1]} {v:.2f}" for k, v in ratios.items())
                             + "   (goal vs samtheory-numpy >= 1.0)")
                print(lines[-1], flush=True)
            continue
        f, eta, rho, steps, x0 = _problem(target, args.quick)
        # same work: the statistics of a short run of every program agree (short, because SAM
        # on these problems is chaotic: the ulp differences of libm and of the order of sums
        # grow to 1e-2 over 1000 steps of the d = 100 quadratic)
        short = {name: make(f, eta, rho, CHECK_STEPS, x0)() for name, make in MEASURED.items()}
        bad = _check_same_work(short)
        programs = {name: make(f, eta, rho, steps, x0) for name, make in MEASURED.items()}
        res, _ = interleaved(programs, len(x0) * steps, args.repeat)
        tp = {k: v["throughput"] for k, v in res.items()}
        ratios = {f"samtheory-jax/{k}": tp["samtheory-jax"] / tp[k] for k in tp if k != "samtheory-jax"}
        report["rows"].append({"target": target, "results": res, "ratios": ratios, "mismatches": bad})
        peer, goal = GOALS[target]
        lines.append(f"{target:36} " + "  ".join(f"{k} {v:.3g}" for k, v in tp.items())
                     + "   " + "  ".join(f"{k.split('/')[1]} {v:.2f}" for k, v in ratios.items())
                     + f"   (goal vs {peer} >= {goal})" + (f"  MISMATCH {bad}" if bad else ""))
        print(lines[-1], flush=True)
    report["load_after"] = os.getloadavg()
    print("\n".join(lines))
    print(f"load average before {report['load_before']}, after {report['load_after']}; "
          f"medians of {args.repeat} interleaved runs; traj-steps/s"
          + ("  (quick sizes: not the benchmark's numbers)" if args.quick else ""))
    if args.before:
        report["before"] = os.path.abspath(args.before)
    if args.out:
        with open(args.out + ".json", "w") as fh:
            json.dump(report, fh, indent=1)
        with open(args.out + ".txt", "w") as fh:
            fh.write("\n".join(lines) + f"\nload average before {report['load_before']}, after "
                     f"{report['load_after']}; medians of {args.repeat} interleaved runs\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
