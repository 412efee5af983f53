r"""Shared machinery of the paper experiments: output files, bands over trials, the derived
Unified SAM PL bound, a per-block sampling oracle and parameter checks.

**Random numbers.** Every experiment seeds numpy's ``Generator`` (PCG64) with the seed of the
reference notebook, 3107 (``np.random.default_rng(3107)``), and gives the same number to
:func:`samtheory.simulate`, which spawns its own streams from ``SeedSequence(3107)``. The reference
code seeds numpy's *legacy* global generator (``np.random.seed(3107)``); the two generators produce
different numbers from the same seed, so the problem instances, starting points and sample paths
here are not the reference's, and printed constants such as :math:`\bar L` differ in the later
digits. The qualitative results do not depend on the draw.

**Bands.** Curves are the mean over trials; the band is the mean plus or minus one standard
deviation of the *plotted* quantity (the reference code's band uses the standard deviation of the
unnormalized loss around the normalized mean, its quirk Q4, which is not copied). On logarithmic
axes the lower edge is clipped at the smallest trial value, so the band stays positive and never
claims less than was observed.
"""
from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager

import numpy as np

from .._io import atomic_write_text, check_output_dir, open_output, to_jsonable
from .._io import output_folder  # noqa: F401  (re-exported: the experiments resolve their outdir with it)
from .._validation import InvalidParameterError, check_positive_int, check_unit_interval
from ..oracles import Oracle
from .. import stepsizes as S

#: The seed of the notebook of the official Unified SAM code (``dimitris-oik/unifiedsam``), used with ``default_rng``.
REFERENCE_SEED = 3107

SEED_NOTE = ("numpy Generator(PCG64) seeded with 3107 (np.random.default_rng(3107)) and simulate(seed=3107); "
             "the reference notebook seeds the legacy global generator (np.random.seed(3107)), whose numbers differ, "
             "so problem instances and sample paths are not the reference's own")

#: Colours that stay distinguishable in print and for common colour-vision deficiencies (Okabe-Ito).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

#: Theorem id of the derived PL constant-step bound in :mod:`samtheory.theorems`.
PL_THEOREM_ID = "unifiedsam.pl.constant-step"
PL_DECREASING_THEOREM_ID = "unifiedsam.pl.decreasing"


# ---------------------------------------------------------------------------------------------
# parameter checks (each message names the parameter)
# ---------------------------------------------------------------------------------------------

def check_lambdas(values, name="lambdas"):
    """A non-empty list of mixing weights in [0, 1]."""
    arr = np.atleast_1d(check_unit_interval(name, values)).astype(float)
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidParameterError(f"{name} must be a non-empty list of numbers in [0, 1]; got {values!r}")
    return arr


def check_batch_size(batch_size, n):
    """:math:`1\\le b\\le n`."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise InvalidParameterError(f"batch_size must be an integer in [1, {n}]; got {batch_size!r}")
    if not 1 <= batch_size <= n:
        raise InvalidParameterError(f"batch_size must lie in [1, {n}] (the number of components n); got {batch_size}")
    return int(batch_size)


def check_int(name, value, minimum=1):
    return check_positive_int(name, value, minimum)


def resolve_progress(progress):
    """``None`` means: show progress bars when stderr is a terminal."""
    if progress is None:
        return sys.stderr.isatty()
    return bool(progress)


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------

def prepare_outdir(outdir) -> str:
    """Create ``outdir`` if needed and check that files can be created in it (before the run)."""
    return check_output_dir(outdir, "outdir")


def save_figure(fig, outdir, stem) -> list:
    """Write ``stem.png`` (150 dpi) and ``stem.pdf``; return the two paths.

    Each file goes through :func:`samtheory._io.open_output` (a uniquely named temporary file,
    renamed when complete), so an interrupted run never leaves a half-written figure or a
    temporary file behind, and concurrent runs into one folder do not collide.
    """
    paths = []
    for ext, kw in (("png", {"dpi": 150}), ("pdf", {})):
        path = os.path.join(outdir, f"{stem}.{ext}")
        with open_output(path) as fh:
            fig.savefig(fh, format=ext, bbox_inches="tight", metadata=_metadata(ext), **kw)
        paths.append(path)
    return paths


def _metadata(ext):
    # fixed metadata keeps the files byte-stable between runs (no creation date)
    if ext == "pdf":
        return {"CreationDate": None, "Producer": "samtheory"}
    return {"Software": "samtheory"}


def json_path(outdir, stem) -> str:
    return os.path.join(outdir, f"{stem}.json")


def write_json(outdir, stem, data) -> str:
    path = json_path(outdir, stem)
    atomic_write_text(path, json.dumps(to_jsonable(data), indent=1, allow_nan=False) + "\n")
    return path


def relative_files(paths, outdir) -> list:
    """``paths`` relative to ``outdir``: what a figure JSON records, so that it holds no path of
    the machine (or the working directory) that made it."""
    return [os.path.relpath(p, outdir) for p in paths]


def save_outputs(doc, outdir, stem, plot):
    """Draw the figure with ``plot(doc, outdir) -> [files]``, then write the JSON of the plotted
    numbers; ``doc["files"]`` lists all of them, relative to ``outdir``. Returns ``doc``."""
    outdir = prepare_outdir(outdir)
    doc["files"] = relative_files(list(plot(doc, outdir)) + [json_path(outdir, stem)], outdir)
    write_json(outdir, stem, doc)
    return doc


def new_figure(nrows=1, ncols=1, size=(7.0, 4.6), **kw):
    """A matplotlib Figure and its axes, without pyplot (no global state, any backend)."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


@contextmanager
def timed(record: dict, key="runtime_seconds"):
    start = time.perf_counter()
    try:
        yield
    finally:
        record[key] = round(time.perf_counter() - start, 2)


# ---------------------------------------------------------------------------------------------
# statistics and plotting
# ---------------------------------------------------------------------------------------------

def band(values, axis=-1, geometric=False):
    r"""Mean, standard deviation, and the band edges over ``axis`` (module docstring).

    ``geometric=True``: the statistics of :math:`\log v` instead, returned exponentiated: the
    geometric mean and the band :math:`\exp(\overline{\log v}\pm\mathrm{std}\log v)` (for positive
    quantities that differ by orders of magnitude between trials, where the arithmetic mean is
    dominated by the largest trial).
    """
    values = np.asarray(values, dtype=float)
    if geometric:
        logs = np.log(np.maximum(values, np.finfo(float).tiny))
        m, s = logs.mean(axis=axis), logs.std(axis=axis)
        return {"mean": np.exp(m), "std": s, "lower": np.exp(m - s), "upper": np.exp(m + s)}
    mean = values.mean(axis=axis)
    std = values.std(axis=axis)
    lower = np.maximum(mean - std, values.min(axis=axis))
    upper = mean + std
    return {"mean": mean, "std": std, "lower": lower, "upper": upper}


def plot_band(ax, x, stats, *, label, color, linestyle="-", marker=None, markevery=None, alpha=0.2, lw=1.8):
    ax.plot(x, stats["mean"], color=color, linestyle=linestyle, marker=marker, markevery=markevery, lw=lw,
            label=label, markersize=5)
    if np.any(stats["upper"] > stats["lower"]):
        ax.fill_between(x, stats["lower"], stats["upper"], color=color, alpha=alpha, lw=0)


def plot_relative_bound(ax, t, bound, *, color, label, lw=1.2):
    r"""Draw a bound on the *relative* suboptimality :math:`(f(x_t)-f^*)/(f(x_0)-f^*)` where it is
    below 1, i.e. where it says more than "no worse than the start". Where it is at or above 1 it is
    vacuous on this axis and is not drawn; returns the first such t (None if the bound stays
    below 1) as text ("t = 1.2e+05" or "every t > 0"), for the caller to say so in the panel."""
    t = np.asarray(t, dtype=float)
    bound = np.asarray(bound, dtype=float)
    vacuous = bound >= 1.0
    vacuous[0] = False  # the bound starts at f(x_0) - f* itself: that point is not a claim
    ax.plot(t, np.where(vacuous, np.nan, bound), color=color, ls="--", lw=lw, label=label)
    if not vacuous.any():
        return None
    first = int(np.argmax(vacuous))
    return "every t > 0" if first == 1 else f"t = {t[first]:.3g}"


def vacuous_note(ax, items, *, y=0.98):
    """Write in the panel which bounds were left out as vacuous (:func:`plot_relative_bound`)."""
    if items:
        ax.text(0.98, y, "\n".join(items), transform=ax.transAxes, ha="right", va="top", fontsize=8,
                bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9})


def log_indices(n, count=160):
    """About ``count`` distinct, roughly log-spaced indices in ``[1, n-1]`` (plus 0)."""
    if n <= 1:
        return np.zeros(1, dtype=int)
    idx = np.unique(np.round(np.logspace(0, np.log10(n - 1), count)).astype(int))
    return np.concatenate([[0], idx])


def stats_json(t, stats, keys=("mean", "std", "lower", "upper")):
    return {"t": np.asarray(t).tolist(), **{k: np.asarray(stats[k]).tolist() for k in keys}}


# ---------------------------------------------------------------------------------------------
# the derived Unified SAM PL bound (docs/proofs/unified-sam.md §2, theorem unifiedsam.pl.constant-step)
# ---------------------------------------------------------------------------------------------

def pl_bound_constant(delta, t, *, rho, gamma, mu, L, C, lam):
    r""":math:`(1-\gamma\mu)^t\Delta+N\sum_{s<t}(1-\gamma\mu)^s` with
    :math:`N` = :func:`samtheory.stepsizes.pl_one_step_noise`, at the steps ``t``."""
    t = np.asarray(t, dtype=float)
    a = 1.0 - gamma * mu
    if not 0 < a < 1:
        raise InvalidParameterError(f"gamma * mu must lie in (0, 1) for the PL bound; got {gamma * mu!r}")
    N = S.pl_one_step_noise(rho, gamma, L, C, lam)
    geometric = -np.expm1(t * np.log(a)) / (gamma * mu)  # sum_{s<t} a^s, accurate for tiny gamma mu
    return np.exp(t * np.log(a)) * delta + N * geometric


def pl_bound_recursion(delta, rho_t, gamma_t, *, mu, L, C, lam):
    r"""The recursion :math:`r_{t+1}=(1-\gamma_t\mu)r_t+N(\rho_t,\gamma_t)`, :math:`r_0=\Delta`, for
    time-varying steps (valid when every :math:`(\rho_t,\gamma_t)` satisfies the constant-step
    conditions). Returns :math:`r_0,\dots,r_T`."""
    rho_t = np.asarray(rho_t, dtype=float)
    gamma_t = np.asarray(gamma_t, dtype=float)
    M = 1 + 2 * L ** 2 * rho_t ** 2 * (1 - lam) ** 2
    N = gamma_t * L * rho_t * ((1 - lam) ** 2 * C + lam ** 2) + L * gamma_t ** 2 * (M * C + 2 * L ** 2 * rho_t ** 2 * lam ** 2)
    a = 1.0 - gamma_t * mu
    out = np.empty(rho_t.size + 1)
    r = float(delta)
    out[0] = r
    for s in range(rho_t.size):  # a plain scalar loop: exact, and about 0.3 s per million steps
        r = a[s] * r + N[s]
        out[s + 1] = r
    return out


def bound_ratios(measured, bound):
    """``max`` and ``final`` of measured / bound over the steps where the bound is positive."""
    measured = np.asarray(measured, dtype=float)
    bound = np.asarray(bound, dtype=float)
    ok = bound > 0
    ratio = measured[ok] / bound[ok]
    return {"max_ratio": float(np.max(ratio)), "final_ratio": float(ratio[-1]),
            "bound_holds": bool(np.all(ratio <= 1.0))}


# ---------------------------------------------------------------------------------------------
# one oracle for several sampling schemes side by side
# ---------------------------------------------------------------------------------------------

class BlockSampling(Oracle):
    """Finite-sum sampling where consecutive blocks of trajectories use different schemes.

    :func:`samtheory.simulate` runs one oracle over all trajectories, flattened in C order from
    ``grid_shape + (trajectories,)``. Putting the scheme on the *first* grid axis makes each scheme
    a contiguous block; this oracle draws each block from its own
    :class:`~samtheory.sampling.FiniteSumSampling`. One simulator run then covers every scheme,
    which matters because the simulator's cost per step is almost independent of the number of
    trajectories.

    Samples are drawn ``chunk`` steps at a time (each child draws ``chunk * block`` i.i.d. samples
    in one call and they are used in order); all draws are independent, so this only changes which
    random numbers are used, not their distribution.

    Parameters
    ----------
    samplings : list of FiniteSumSampling
        On the same objective and with the same batch size.
    block : int
        Trajectories per scheme.
    """

    def __init__(self, samplings, block, chunk=2048):
        if not samplings:
            raise InvalidParameterError("BlockSampling needs at least one sampling scheme")
        objective = samplings[0].objective
        sizes = {s.batch_size for s in samplings}
        if any(s.objective is not objective for s in samplings) or len(sizes) != 1:
            raise InvalidParameterError("BlockSampling: every scheme must sample the same objective with the same batch size")
        self.objective = objective
        self.samplings = list(samplings)
        self.block = check_positive_int("block", block)
        self.chunk = check_positive_int("chunk", chunk)
        self._buffer = None
        self._pos = 0

    def draw(self, rng, n):
        if n != self.block * len(self.samplings):
            raise InvalidParameterError(
                f"BlockSampling was built for {self.block * len(self.samplings)} trajectories; asked for {n}")
        if self._buffer is None or self._pos == self.chunk:
            idx, w = [], []
            for s in self.samplings:
                i, wt = s.draw(rng, self.chunk * self.block)
                idx.append(i.reshape(self.chunk, self.block, -1))
                w.append(wt.reshape(self.chunk, self.block, -1))
            self._buffer = (np.concatenate(idx, axis=1), np.concatenate(w, axis=1))
            self._pos = 0
        k = self._pos
        self._pos += 1
        return self._buffer[0][k], self._buffer[1][k]

    def grad(self, x, sample):
        idx, weights = sample
        return self.objective.sampled_grad(x, idx, weights)

    def describe(self) -> dict:
        return {"oracle": "block-sampling", "block": self.block,
                "schemes": [s.describe() for s in self.samplings]}


# ---------------------------------------------------------------------------------------------
# the thin scripts in experiments/
# ---------------------------------------------------------------------------------------------

def script_arguments(description, figures_dir, argv=None):
    """``[--quick] [--outdir DIR]`` of a script in ``experiments/``: the default folder is
    ``figures_dir`` for a full-size run and ``figures_dir/quick`` (git-ignored) for ``--quick``, so
    a quick run never overwrites the committed figures. Returns the parsed arguments, ``outdir``
    resolved."""
    import argparse
    figures_dir = os.fspath(figures_dir)
    quick_dir = os.path.join(figures_dir, "quick")
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help=f"run the same code at reduced size (seconds); written to {quick_dir} unless --outdir is given")
    parser.add_argument("--outdir", default=None, metavar="DIR",
                        help=f"folder for the PNG, PDF and JSON files (default {figures_dir}, or {quick_dir} with --quick)")
    args = parser.parse_args(argv)
    if args.outdir is None:
        args.outdir = quick_dir if args.quick else figures_dir
    return args


def script_main(module, figures_dir, argv=None) -> int:
    """Command line of one experiment script (:func:`script_arguments`); prints the files."""
    summary = (module.__doc__ or "").strip().split("\n\n")[0]
    args = script_arguments(" ".join(summary.split()), figures_dir, argv)
    try:
        doc = module.run(args.outdir, quick=args.quick, progress=True)
    except InvalidParameterError as exc:
        print(f"{module.NAME}: error: {exc}", file=sys.stderr)
        return 2
    print(f"{module.NAME}: {doc['runtime_seconds']:.1f} s")
    for path in doc["files"]:
        print(f"  {os.path.join(args.outdir, path)}")
    return 0
