r"""``sweep``: a grid of hyperparameters x trajectories, in chunks, on any executor.

The grid's points are cut into chunks of consecutive points (:mod:`samtheory.sweep._grid`); each
chunk is one vectorized pass of :func:`samtheory.simulate` per phase (:mod:`samtheory.sweep._chunk`)
and draws its randomness from its points' grid indices, so the Dataset is bit-identical whatever
the executor, the number of workers or the chunk size. The chunk size is chosen from an estimate
of a chunk's memory against a per-worker limit (:mod:`samtheory.sweep._memory`); finished chunks
go to the store as they arrive (:mod:`samtheory.sweep._store`), so an interrupted sweep resumes.
See docs/sweeps.md.
"""
from __future__ import annotations

import concurrent.futures as cf
import math

import numpy as np

from .. import __version__
from .._validation import InvalidParameterError, check_positive_int, check_threshold
from ..functions import get_function
from ..functions._stack import StackedObjective
from ..methods import get_method
from . import _regimes
from ._chunk import SweepSpec, run_chunk
from ._dataset import assemble
from ._executor import executor_for
from ._grid import Grid, check_sweep_seed, chunk_ranges
from ._memory import DEFAULT_LIMIT, chunk_bytes, chunk_for_limit, parse_bytes
from ._store import Store

#: with an executor and no chunk size given, cut the grid into at least this many chunks, so the
#: workers share the load
MIN_CHUNKS = 8


def _xarray():
    try:
        import xarray
    except ImportError:
        raise InvalidParameterError("sweep returns an xarray Dataset: pip install \"samtheory[distributed]\" "
                                    "(or pip install xarray zarr)") from None
    return xarray


def make_spec(objective, method, grid, *, steps, trajectories, seed, oracle=None, eta=None, rho=None, lam=None,
              history=False, record_every=None, tail_window=_regimes.TAIL_WINDOW, start_scale=None,
              divergence_threshold=1e100) -> SweepSpec:
    """Validate a sweep's arguments into a :class:`SweepSpec` (errors name the parameter)."""
    objective = get_function(objective)
    if isinstance(objective, StackedObjective):
        raise InvalidParameterError("objective: sweep takes one objective, not a stack "
                                    "(its grid axes are eta, rho, lam)")
    meth = get_method(method)
    grid = grid if isinstance(grid, Grid) else Grid(grid)
    if "lam" in grid.names and not meth.uses_lam:
        raise InvalidParameterError(f"grid axis 'lam' needs a method with lambda (unified); got {meth.name!r}")
    if "sigma" in grid.names:
        from ..oracles import AdditiveNoise
        if not isinstance(oracle, AdditiveNoise):
            raise InvalidParameterError("grid axis 'sigma' needs oracle=AdditiveNoise(objective, sigma, kind) "
                                        f"(its kind is kept, its sigma replaced by the axis); got {oracle!r}")
        if np.any(grid.axes["sigma"] < 0):
            raise InvalidParameterError(f"grid axis 'sigma' must be >= 0; got {grid.axes['sigma'].tolist()}")
    fixed = {}
    for name, value in (("eta", eta), ("rho", rho), ("lam", lam)):
        if value is None:
            continue
        if name in grid.names:
            raise InvalidParameterError(f"{name} is a grid axis; do not also give it as {name}=")
        fixed[name] = float(value)
    if "eta" not in grid.names and "eta" not in fixed:
        raise InvalidParameterError("eta: give it as a grid axis or as eta=")
    tail_window = check_positive_int("tail_window", tail_window)
    least = _regimes.CHECKED + _regimes.MAX_PERIOD
    if tail_window < least:
        raise InvalidParameterError(f"tail_window must be >= {least} (the classifier checks "
                                    f"{_regimes.CHECKED} steps of periods up to {_regimes.MAX_PERIOD}); "
                                    f"got {tail_window}")
    steps = check_positive_int("steps", steps)
    if steps < tail_window:
        raise InvalidParameterError(f"steps must be >= tail_window ({tail_window}); got {steps}")
    if record_every is not None:
        record_every = check_positive_int("record_every", record_every)
    return SweepSpec(objective=objective, method=meth.name, grid=grid, steps=steps,
                     trajectories=check_positive_int("trajectories", trajectories), seed=check_sweep_seed(seed),
                     oracle=oracle, fixed=tuple(sorted(fixed.items())), tail_window=tail_window, history=bool(history),
                     record_every=(record_every or max(1, steps // 200)) if history else None,
                     start_scale=start_scale,
                     divergence_threshold=check_threshold("divergence_threshold", divergence_threshold))


def parameters(spec) -> dict:
    """The sweep's parameters: the Dataset's attributes and the store's ``sweep.json``."""
    obj = spec.objective
    return {
        "function": obj.name, "function_description": getattr(obj, "description", ""), "dim": obj.dim,
        "method": spec.method, "grid": spec.grid.describe(), "fixed": dict(spec.fixed), "steps": spec.steps,
        "trajectories": spec.trajectories, "seed": spec.seed,
        "oracle": None if spec.oracle is None else {**spec.oracle.describe(), **(
            {"sigma": "grid axis sigma", "variance": None} if "sigma" in spec.grid.names else {})},
        "tail_window": spec.tail_window, "history": spec.history, "record_every": spec.record_every,
        "start_scale": spec.start_scale, "divergence_threshold": spec.divergence_threshold,
        "seeds": "point (i, j, ...) of phase p: SeedSequence(seed, spawn_key=(i, j, ..., p))",
        "samtheory_version": __version__,
    }


def sweep(objective, method="sam", grid=None, *, steps, trajectories=1, seed=0, executor=None, chunk=None,
          scheduler=None, store=None, memory_limit=DEFAULT_LIMIT, workers=2, oracle=None, eta=None, rho=None,
          lam=None, history=False, record_every=None, tail_window=_regimes.TAIL_WINDOW, start_scale=None,
          divergence_threshold=1e100, progress=False, _stop_after=None):
    r"""Run ``method`` on ``objective`` over a grid of hyperparameters; returns an xarray Dataset.

    Parameters
    ----------
    objective : Objective or str
        The function (a catalog name is built with :func:`samtheory.functions.get_function`).
    method : str
        ``"gd"``, ``"sam"``, ``"usam"``, ``"unified"``, ... (:func:`samtheory.simulate`).
    grid : dict
        ``{"eta": values, "rho": values, ("lam": values), ("sigma": values)}``: the axes, in this
        order, of the Dataset; hyperparameters not on the grid are given as ``eta=``, ``rho=``,
        ``lam=``. A ``sigma`` axis (noise levels >= 0) needs ``oracle=AdditiveNoise(...)``, whose
        kind it keeps (:mod:`samtheory.sweep._noise`).
    steps, trajectories, seed, oracle, start_scale, divergence_threshold
        As in :func:`samtheory.simulate` (``trajectories`` per grid point). Point
        :math:`(i,j,\dots)` draws from ``SeedSequence(seed, spawn_key=(i, j, ..., phase))``.
    executor : concurrent.futures.Executor, optional
        Runs the chunks (owned by the caller). Default: in this process.
    scheduler : "local" or str, optional
        ``"local"`` starts a Dask LocalCluster of ``workers`` processes; an address connects to
        that Dask scheduler (needs the extra ``distributed``).
    chunk : int, optional
        Grid points per chunk. Default: the most that fit ``memory_limit`` by the estimate of
        :func:`samtheory.sweep.chunk_bytes`, and with an executor at most ``size / 8`` so that the
        workers share the load.
    memory_limit : int or str
        Per-worker memory limit (bytes or ``"1GiB"``, the whole worker process): chunks are sized
        to fit :func:`samtheory.sweep._memory.chunk_budget` of it, and a LocalCluster's workers
        get it as their Dask memory limit.
    store : path, optional
        Directory of finished chunks and of the Dataset (``sweep.zarr``); a rerun with the same
        store resumes (:mod:`samtheory.sweep._store`).
    history : bool
        Also keep the loss curves (every ``record_every`` steps) and the tail window's iterates.
    tail_window : int
        :math:`K`, the last steps the regime classifier reads (:mod:`samtheory.sweep._regimes`).
    progress : bool
        A progress bar over chunks (tqdm).

    Returns
    -------
    xarray.Dataset
        Dimensions: the grid axes, ``trajectory`` (and ``coordinate``, ``t``, ``window``); the
        parameters in ``attrs``. Variables: :data:`samtheory.sweep._dataset.DESCRIPTIONS`.
    """
    _xarray()
    spec = make_spec(objective, method, grid, steps=steps, trajectories=trajectories, seed=seed, oracle=oracle,
                     eta=eta, rho=rho, lam=lam, history=history, record_every=record_every, tail_window=tail_window,
                     start_scale=start_scale, divergence_threshold=divergence_threshold)
    limit = parse_bytes(memory_limit)
    workers = check_positive_int("workers", workers)
    fit = chunk_for_limit(spec, limit)
    if chunk is None:
        chunk = fit
        if executor is not None or scheduler is not None:
            chunk = max(1, min(chunk, math.ceil(spec.grid.size / MIN_CHUNKS)))
    else:
        chunk = check_positive_int("chunk", chunk)
        if chunk > fit:
            raise InvalidParameterError(
                f"chunk={chunk} grid points need about {chunk_bytes(spec, chunk):,} bytes per worker, more than "
                f"a chunk may use under memory_limit ({limit:,} bytes; at most {fit} points fit)")
    attrs = parameters(spec)
    stored = None
    finished = []
    if store is not None:
        stored = Store(store)
        stored.open(attrs)
        done = stored.done_points()
    else:
        done = np.zeros(0, dtype=np.int64)
    todo = np.setdiff1d(np.arange(spec.grid.size), done)
    ranges = chunk_ranges(todo, chunk)

    def keep(result):
        if stored is not None:
            stored.save_chunk(result)
        else:
            finished.append(result)

    bar = None
    if progress and ranges:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(ranges), desc=f"sweep {spec.method} on {spec.objective.name}", unit="chunk")
    try:
        if ranges:  # a store that holds every point starts no cluster
            with executor_for(executor, scheduler, workers, limit) as (pool, _):
                _run_chunks(spec, ranges, pool, keep, bar, workers, _stop_after)
    finally:
        if bar is not None:
            bar.close()
    chunks = stored.load_chunks() if stored is not None else finished
    dataset = assemble(chunks, spec.grid, spec.trajectories, attrs)
    if stored is not None:
        stored.write_dataset(dataset)
    return dataset


def _run_chunks(spec, ranges, pool, keep, bar, workers, stop_after):
    """Run ``ranges`` and hand each result to ``keep`` as it finishes. On an interrupt or error
    the results that did finish are kept before it propagates (``stop_after``: raise
    KeyboardInterrupt after that many chunks, for the resume test)."""
    count = 0

    def tick():
        nonlocal count
        count += 1
        if bar is not None:
            bar.update(1)
        if stop_after is not None and count >= stop_after:
            raise KeyboardInterrupt

    if pool is None:
        for start, stop in ranges:
            keep(run_chunk(spec, start, stop))
            tick()
        return
    # a window of submitted chunks, so that results (and their memory) arrive as they are made
    window = max(2 * workers, 4)
    pending, queue = set(), list(ranges)
    try:
        while queue or pending:
            while queue and len(pending) < window:
                start, stop = queue.pop(0)
                pending.add(pool.submit(run_chunk, spec, start, stop))
            done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                keep(future.result())
                tick()
    except BaseException:
        for future in pending:
            future.cancel()
        for future in pending:  # keep what finished meanwhile
            if future.done() and not future.cancelled() and future.exception() is None:
                keep(future.result())
        raise
