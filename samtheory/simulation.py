r"""The batched simulator of the SAM family.

:func:`simulate` runs many trajectories of one method at once: a batch of starting points times a
grid of hyperparameters :math:`(\eta,\rho,\lambda)`, deterministic or stochastic, and returns a
:class:`SimulationResult`.

This module checks the arguments, builds the starting points and random streams, picks the
backend and assembles the result. The loop itself lives in :mod:`samtheory._loop`: the update
:func:`sam_step` and one step of the loop (measure, then update, every trajectory),
``advance``, a pure function of the loop state. Both backends run that same function: the numpy
loop calls it once per step, and :mod:`samtheory._jax_backend` compiles it with ``jax.lax.scan``
(``backend=`` of :func:`simulate`; docs/backend.md).

Measures recorded for every trajectory (with :math:`f^*` the objective's optimal value and the
*exact* :math:`f`, :math:`\nabla f` also in stochastic runs):

* ``loss`` :math:`f(x_T)-f^*` and ``gradsq`` :math:`\|\nabla f(x_T)\|^2` at the last iterate;
* ``loss_min`` :math:`\min_{0\le t\le T} f(x_t)-f^*`;
* ``loss_mean``, ``gradsq_mean``: :math:`\frac1T\sum_{t=0}^{T-1}` of each;
* ``loss_tail_mean``, ``gradsq_tail_mean``: the same over the last ``tail`` fraction of steps;
* curves every ``record_every`` steps (``t``, ``loss_history``, ``gradsq_history``), and the
  iterates themselves when ``history=True``.

**Random stream.** ``np.random.SeedSequence(seed)`` is spawned into two generators: the first
draws random starting points (only when ``x0`` is not given), the second the oracle samples, step
after step: at each step the ascent samples for all trajectories, then (independent-sample mode
only) the descent samples. The same seed therefore gives bit-identical results. The JAX backend
shares the starting points and draws the samples of step ``t`` from
``jax.random.fold_in(key, t)`` instead (a documented stream of its own; :mod:`samtheory._jax_backend`).

**Divergence.** A trajectory whose :math:`f(x_t)-f^*` becomes non-finite or exceeds
``divergence_threshold`` gets status ``"diverged"`` and the step where it happened; its measures
are ``nan``. The other trajectories go on; the run stops early only if all have diverged.

**Region.** For an objective whose constants hold only on a box (``objective.region``), a
trajectory whose iterate or perturbed point leaves the box gets status ``"left-region"`` and
``left_region_at`` (its measures are kept; :mod:`samtheory._region`).
"""
from __future__ import annotations

from typing import Any, Sequence, TYPE_CHECKING

import copy
import math

import numpy as np

from . import _region
from ._loop import (AUTO_RECORD_BYTES, AUTO_RECORDS, Records, Run, auto_stride, drive_numpy, expand_grid,
                    initial_state, parameter_table, sam_step)
from ._memory import check_simulation_memory, table_elements
from ._progress import progress_bar
from ._starts import point_sequences, starting_points, step_source
from ._validation import (InvalidParameterError, as_float_array, check_choice, check_positive_int,
                          check_nonnegative, check_simulate_arguments)
from .functions._stack import StackedObjective
from .methods import get_method
from .schedules import Schedule, as_schedule, check_ranges

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from .methods import Method
    from .functions._base import Objective
    from .oracles import Oracle


#: The public names; ``sam_step`` and the recording constants live in :mod:`samtheory._loop`
#: (shared by both backends) and are re-exported here.
__all__ = ["simulate", "SimulationResult", "sam_step", "predicted_numpy_seconds", "AUTO_JAX_SECONDS",
           "AUTO_RECORDS", "AUTO_RECORD_BYTES", "BACKENDS", "DTYPES"]


class SimulationResult(dict):
    """Result of :func:`simulate`: a dict whose keys are also attributes (like scipy's
    ``OptimizeResult``).

    Arrays indexed by trajectory have shape ``batch_shape = grid_shape + (trajectories,)``;
    ``grid_shape`` is the broadcast shape of the hyperparameter grids.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __dir__(self):
        return list(self.keys())

    def __repr__(self):
        keys = ", ".join(self.keys())
        return f"SimulationResult(method={self.get('method')!r}, batch_shape={self.get('batch_shape')}, keys=[{keys}])"

    def grid_point(self, index: int, axis: int = 0,
                   **parameters: Sequence[str] | None) -> SimulationResult:
        """The result of one point along one axis of the hyperparameter grid, as if run alone.

        ``index`` picks the point along grid axis ``axis`` (the other grid axes stay). Arrays
        indexed by trajectory keep their trajectory axis; histories keep their time axis;
        ``parameters`` (the point's values, e.g. ``eta=0.1``, which the caller knows) replace the
        grid's entries in ``result.parameters``. Deterministic runs are the same numbers as a run
        of that point alone (every update is elementwise in the trajectories); stochastic runs draw
        their samples from one stream for the whole grid, so a grid point is an equally
        distributed but different sample path than the lone run with the same seed.
        """
        grid = tuple(self["grid_shape"])
        if not 0 <= axis < len(grid):
            raise InvalidParameterError(f"axis must be in [0, {len(grid)}) for a grid of shape {grid}; got {axis}")
        if not -grid[axis] <= index < grid[axis]:
            raise InvalidParameterError(f"index must be in [0, {grid[axis]}) along grid axis {axis}; got {index}")
        out = SimulationResult(self)
        for key, value in self.items():
            if not isinstance(value, np.ndarray) or key == "t":
                continue
            if key.endswith("_history"):
                out[key] = np.take(value, index, axis=axis + 1)
            elif value.shape[:len(grid)] == grid:
                out[key] = np.take(value, index, axis=axis)
        # a stacked run's member names and optimal values, once they are one member's
        out["function"] = _collapsed(out["function"])
        out["conventions"] = {**self["conventions"], "f_star": _collapsed(self["conventions"]["f_star"], axis, index)}
        out["grid_shape"] = grid[:axis] + grid[axis + 1:]
        out["batch_shape"] = out["grid_shape"] + (self["trajectories"],)
        out["parameters"] = {**self["parameters"], **parameters}
        if "grid_values" in self:
            out["grid_values"] = {name: np.take(v, index, axis=axis) if isinstance(v, np.ndarray) else v
                                  for name, v in self["grid_values"].items()}
        return out

    def to_xarray(self) -> Any:  # an xarray.Dataset (xarray is an optional extra)
        """The result as an :class:`xarray.Dataset` (needs the extra ``tables``): dimensions
        named after the hyperparameter each grid axis varies (``eta``, ``rho``, ``lam``, or
        ``member`` for stacked functions), then ``trajectory``, ``t`` for the recorded curves and
        ``coordinate`` for iterates. See :mod:`samtheory.result_frames`."""
        from .result_frames import to_xarray
        return to_xarray(self)

    def to_dataframe(self) -> Any:  # a pandas.DataFrame (pandas is an optional extra)
        """The per-trajectory summaries (final, best, mean and tail-mean f - f* and ||grad f||^2,
        status) as a :class:`pandas.DataFrame`, one row per trajectory, with the grid's
        hyperparameters as columns (needs the extra ``tables``)."""
        from .result_frames import to_dataframe
        return to_dataframe(self)

    @property
    def converged_mask(self) -> np.ndarray:
        return self["status"] == "ok"

    def summary(self) -> dict:
        """JSON-ready summary: parameters, status counts and statistics of the measures."""
        ok = self["status"] == "ok"

        def stats(a):
            a = np.asarray(a)[ok]
            if a.size == 0:
                return None
            return {"mean": float(np.mean(a)), "min": float(np.min(a)), "max": float(np.max(a)),
                    "median": float(np.median(a))}

        statuses, counts = np.unique(self["status"], return_counts=True)
        return {
            "function": _listed(self["function"]),
            "method": self["method"],
            "steps": self["steps"],
            "trajectories": self["trajectories"],
            "grid_shape": list(self["grid_shape"]),
            "parameters": self["parameters"],
            "oracle": self["oracle"],
            "same_sample": self["same_sample"],
            "seed": self["seed"],
            "conventions": {**self["conventions"], "f_star": _listed(self["conventions"]["f_star"])},
            "backend": self.get("backend"),
            "backend_note": self.get("backend_note"),
            "status_counts": {str(s): int(c) for s, c in zip(statuses, counts)},
            "final_loss": stats(self["loss"]),
            "final_gradsq": stats(self["gradsq"]),
            "min_loss": stats(self["loss_min"]),
            "mean_loss": stats(self["loss_mean"]),
            "mean_gradsq": stats(self["gradsq_mean"]),
            "tail_mean_loss": stats(self["loss_tail_mean"]),
            "tail_mean_gradsq": stats(self["gradsq_tail_mean"]),
            "tail_fraction": self["tail"],
        }


def _collapsed(value, axis=None, index=None):
    """A per-grid-point array (a stacked run's names or optimal values) taken at ``index`` along
    ``axis`` when given, then reduced to its one value when every entry agrees."""
    if not isinstance(value, np.ndarray):
        return value
    if axis is not None:
        value = np.take(value, index, axis=axis)
    flat = np.ravel(value)
    if flat.size and all(v == flat[0] for v in flat):
        return flat[0].item() if hasattr(flat[0], "item") else flat[0]
    return value


def _listed(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


#: Above this predicted numpy run time (seconds), ``backend="auto"`` compiles the run with JAX
#: (when installed). Compiling costs about a second, so shorter runs stay on numpy; see
#: docs/backend.md for the measurements behind the cost model of :func:`predicted_numpy_seconds`.
AUTO_JAX_SECONDS = 2.0
BACKENDS = ("auto", "numpy", "jax")
#: Precisions of ``simulate(dtype=...)``; anything but float64 runs on the JAX backend only.
DTYPES = ("float64", "float32")


def predicted_numpy_seconds(steps: int, batch: int, dim: int, stochastic: bool) -> float:
    """A rough cost model of the numpy loop over ``steps`` steps of ``batch`` trajectories in
    dimension ``dim``: a fixed Python cost per step (twice that with an oracle) plus a cost per
    element (trajectory x coordinate) per step; constants measured on 2 cores (docs/backend.md).
    ``backend="auto"`` compiles with JAX above :data:`AUTO_JAX_SECONDS`; a caller running several
    simulations of one program (the horizons of a rate check) can apply the rule to their total."""
    per_step = 45e-6 + (45e-6 if stochastic else 0.0) + 45e-9 * batch * dim
    return steps * per_step


def _predicted_numpy_seconds(run):
    return predicted_numpy_seconds(run.steps, run.n_total, run.dim, run.oracle is not None)


def _choose_backend(backend, run):
    """Resolve ``backend`` to ``"numpy"`` or ``"jax"``; returns ``(name, note)``."""
    if backend not in BACKENDS:
        raise InvalidParameterError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if backend == "numpy":
        return "numpy", "requested"
    if run.pointwise:
        if backend == "jax" or run.dtype != "float64":
            raise InvalidParameterError("per-grid-point streams (streams=) run on numpy in float64 only; "
                                        "use backend='numpy' or 'auto' and dtype='float64'")
        return "numpy", "per-grid-point streams run on numpy"
    if run.dtype != "float64":
        from . import _jax_backend
        reason = _jax_backend.unsupported(run)
        if reason is not None:
            raise InvalidParameterError(f"dtype={run.dtype!r} runs on the JAX backend only, which cannot run this "
                                        f"simulation: {reason}")
        return "jax", f"dtype={run.dtype} (JAX only)" if backend == "auto" else "requested"
    if backend == "auto" and _predicted_numpy_seconds(run) < AUTO_JAX_SECONDS:
        # decided before looking for JAX: importing it costs about a second and 100 MB
        return "numpy", f"predicted numpy time below {AUTO_JAX_SECONDS:g} s"
    from . import _jax_backend
    if backend == "auto" and not _jax_backend.available():
        return "numpy", "jax is not installed"
    reason = _jax_backend.unsupported(run)
    if reason is None:
        return "jax", "requested" if backend == "jax" else "auto: large run"
    if backend == "jax":
        raise InvalidParameterError(f"backend='jax' cannot run this simulation: {reason}")
    return "numpy", reason


def simulate(objective: Objective, method: str | Method = "sam", *, eta: ArrayLike | Schedule,
             rho: ArrayLike | Schedule = 0.0, lam: ArrayLike | Schedule | None = None, steps: int,
             x0: ArrayLike | None = None, trajectories: int = 1, oracle: Oracle | None = None, same_sample: bool = True,
             seed: int | None = 0, eps: float = 0.0, record_every: int | str | None = "auto", history: bool = False,
             tail: float = 0.1, divergence_threshold: float = 1e100, progress: bool = False,
             start_scale: float | None = None, backend: str = "auto", measures: bool = True,
             dtype: str = "float64", streams: Sequence[np.random.SeedSequence] | None = None) -> SimulationResult:
    r"""Simulate a SAM-family method on many trajectories at once.

    Parameters
    ----------
    objective : Objective or StackedObjective
        The function :math:`f`; its exact value and gradient give the recorded measures. A
        :func:`~samtheory.functions.stack` of :math:`K` members of one family runs them all at
        once: the member axis is one more grid axis (broadcast with the grids of η, ρ, λ), each
        point evaluated as its own member; ``result.function`` and
        ``result.conventions["f_star"]`` then hold one entry per grid point.
    method : str or Method
        ``"gd"``, ``"sgd"``, ``"sam"``, ``"usam"``, ``"unified"`` or a registered variant.
    eta, rho : float, array or Schedule
        Step size :math:`\eta>0` and radius :math:`\rho\ge0`. Arrays form a grid; schedules are
        functions of :math:`t` (:mod:`samtheory.schedules`).
    lam : float, array, Schedule, "1/t" or "1-1/t"
        Unified SAM mixing weight :math:`\lambda\in[0,1]` (``unified`` only; ignored otherwise).
    steps : int
        Number of steps :math:`T\ge1`.
    x0 : array_like, optional
        Starting point(s), broadcast to ``grid_shape + (trajectories, d)``. Default: random points
        around the minimizer (``objective.sample_points``) from the seed.
    trajectories : int
        Trajectories per grid point (≥ 1).
    oracle : Oracle, optional
        Stochastic gradients; required by ``sgd``, refused by ``gd``; makes ``sam``, ``usam`` and
        ``unified`` stochastic.
    same_sample : bool
        Stochastic runs: ``True`` uses the ascent sample again for the descent gradient; ``False``
        draws an independent one.
    seed : int
        Seed of the random stream (module docstring).
    eps : float
        ``0`` (default): zero perturbation where the ascent gradient is 0; ``> 0``: divide by
        :math:`\|g\|+\text{eps}` (PyTorch parity).
    record_every : int, "auto" or None
        Stride of the recorded curves; ``None`` none; ``"auto"`` keeps about 200 points, fewer
        for large batches so that the curves hold at most 24 MiB (:data:`AUTO_RECORD_BYTES`).
    history : bool
        Also record the iterates at the recorded steps.
    tail : float
        Fraction of the last steps for the tail means, in (0, 1].
    divergence_threshold : float
        :math:`f(x_t)-f^*` above this counts as divergence.
    progress : bool
        Show a progress bar on stderr.
    backend : {"auto", "numpy", "jax"}
        ``"numpy"``: the reference loop. ``"jax"``: the same code compiled by XLA
        (:mod:`samtheory._jax_backend`; needs ``pip install 'samtheory[fast]'``). ``"auto"``
        (default): JAX when it is installed, the run can be traced, and the numpy loop is
        predicted to take longer than :data:`AUTO_JAX_SECONDS`; numpy otherwise. The choice and its
        reason are in ``result.backend`` and ``result.backend_note``; see docs/backend.md.
    measures : bool
        ``True`` (default): evaluate :math:`f` and :math:`\nabla f` at every iterate for the
        running summaries and curves. ``False``: the update only; the per-step summaries are
        ``nan``, nothing is recorded, and divergence is judged at the last iterate only. In
        stochastic finite-sum runs the exact :math:`f` and :math:`\nabla f` cost :math:`n` times a
        sampled gradient, so this can be many times faster.
    dtype : {"float64", "float32"}
        Precision of the loop. ``"float64"`` (default) everywhere. ``"float32"`` runs the compiled
        loop in single precision (JAX backend only: ``backend="jax"`` or ``"auto"`` with JAX
        installed): iterates, objective constants and per-step measures carry about 7 significant
        digits instead of 16, which makes large batches faster (``sin``/``cos`` and memory traffic
        cost about half) but moves results by about 1e-7 relative per step, accumulated over the
        run. The result is returned as float64 arrays holding those values; the final measures are
        evaluated in float64 at the float32 iterates. The theorem checks always run float64: their
        tolerances are float64 rounding (``samtheory.theorems``), which a float32 run exceeds, so
        do not judge a bound on a float32 run.
    streams : sequence of numpy.random.SeedSequence, optional
        One random stream per grid point (in C order of ``grid_shape``), replacing ``seed``'s one
        stream for the whole batch: point :math:`k`'s sequence is spawned into two exactly as
        ``seed``'s (starting points, then oracle samples), and its ``trajectories`` rows of every
        draw come from its own generators. A grid point then gets the same numbers whichever grid
        it is run in (:func:`samtheory.sweep.sweep` relies on it). Runs on the numpy backend.

    Returns
    -------
    SimulationResult
    """
    meth = get_method(method)
    steps, trajectories, dtype, eps, tail = _checked_settings(
        meth, objective, oracle, steps=steps, trajectories=trajectories, dtype=dtype, backend=backend, eps=eps,
        tail=tail, seed=seed, divergence_threshold=divergence_threshold, start_scale=start_scale,
        history=history, measures=measures, same_sample=same_sample)
    schedules, grid_shape = _grid(meth, objective, eta, rho, lam)
    # refused before anything large is allocated (the tables, the starting points, the records)
    check_simulation_memory(n_total=math.prod(grid_shape) * trajectories, dim=objective.dim, steps=steps,
                            record_every=record_every, history=history, measures=measures,
                            table_elements=table_elements(schedules.values(), steps))
    tables = {name: parameter_table(sched, steps, grid_shape, trajectories, name) for name, sched in schedules.items()}
    check_ranges(steps, eta=schedules["eta"], rho=schedules["rho"], lam=schedules["lam"] if meth.uses_lam else None)

    n_total = math.prod(grid_shape) * trajectories
    init_seq, step_seq = np.random.SeedSequence(seed).spawn(2)
    point_seqs = None if streams is None else point_sequences(streams, grid_shape)
    members = member_of_point = None
    if isinstance(objective, StackedObjective):  # each point is evaluated as its own member
        members, member_of_point, objective, oracle = _member_rows(objective, oracle, grid_shape, trajectories)
    elif oracle is not None and oracle.objective is not objective:
        raise InvalidParameterError("oracle.objective must be the objective being simulated")
    x_start = starting_points(objective, members, member_of_point, x0, init_seq, point_seqs, grid_shape,
                              trajectories, start_scale)
    rng = step_source(step_seq, point_seqs, trajectories)
    record_every, record_times = _record_times(record_every, steps, n_total, objective.dim, history, measures)

    run = Run(objective=objective, oracle=oracle, perturbation=meth.perturbation, eps=eps,
              same_sample=bool(same_sample), steps=steps, tail_start=steps - max(1, int(round(tail * steps))),
              threshold=float(divergence_threshold), grid_shape=tuple(grid_shape),
              trajectories=trajectories, n_total=n_total, tables=tables,
              record_times=record_times, record_every=record_every, history=history, seed=seed,
              step_seed=step_seq, measures=bool(measures), dtype=dtype,
              pointwise=point_seqs is not None)
    chosen, backend_note = _choose_backend(backend, run)
    # the loop gets a copy (its iterates, dropped after the first step); the result keeps x_start
    bar = progress_bar(steps, progress, f"{meth.name} on {objective.name}")
    state, records = _driven(run, x_start.copy(), chosen, rng, bar)
    summaries, measured = _final_measures(run, state, records)
    batch_shape = tuple(grid_shape) + (trajectories,)
    return SimulationResult(
        function=np.broadcast_to(members.names, grid_shape).copy() if members is not None else objective.name,
        method=meth.name, steps=steps, trajectories=trajectories, grid_shape=tuple(grid_shape),
        batch_shape=batch_shape, **_described_parameters(meth, schedules, tables, batch_shape),
        oracle=None if oracle is None else oracle.describe(),
        same_sample=None if oracle is None else bool(same_sample), seed=seed,
        conventions={"zero_gradient": "perturbation 0 where the ascent gradient is 0" if eps == 0
                     else f"ascent divided by (||g|| + {eps})",
                     "f_star": (np.broadcast_to(members.f_star, grid_shape).copy() if members is not None
                                else objective.f_star)},
        x=measured["x"], x0=x_start.reshape(batch_shape + (objective.dim,)), status=measured["status"],
        diverged_at=measured["diverged_at"], tail=tail, t=np.asarray(record_times, dtype=np.int64),
        loss_history=measured["loss_history"], gradsq_history=measured["gradsq_history"],
        x_history=measured["x_history"], backend=chosen, backend_note=backend_note, measures=bool(measures),
        left_region_at=measured["left_region_at"], **summaries)


def _checked_settings(meth, objective, oracle, *, steps, trajectories, dtype, backend, eps, tail, **checked):
    """The scalar settings of :func:`simulate`, validated: ``(steps, trajectories, dtype, eps,
    tail)``; ``checked`` are the arguments :func:`check_simulate_arguments` validates alone."""
    check_simulate_arguments(objective=objective, **checked)
    steps = check_positive_int("steps", steps)
    trajectories = check_positive_int("trajectories", trajectories)
    dtype = check_choice("dtype", dtype, DTYPES)
    if dtype != "float64" and backend == "numpy":
        raise InvalidParameterError(f"dtype={dtype!r} needs the JAX backend (backend='jax' or 'auto'); "
                                    "the numpy loop runs float64 only")
    if oracle is None and meth.stochastic_only:
        raise InvalidParameterError(f"method {meth.name!r} is stochastic and needs an oracle "
                                    "(for example --noise gaussian --sigma 1, or a finite-sum sampling)")
    if oracle is not None and meth.deterministic_only:
        raise InvalidParameterError("method 'gd' is deterministic; with a stochastic oracle use 'sgd'")
    eps = float(check_nonnegative("eps", eps))
    tail = float(as_float_array("tail", tail))
    if not 0 < tail <= 1:
        raise InvalidParameterError(f"tail must lie in (0, 1]; got {tail}")
    return steps, trajectories, dtype, eps, tail


def _grid(meth, objective, eta, rho, lam):
    r"""The schedules of :math:`\eta, \rho, \lambda` (by name) and the grid shape: the broadcast
    of the grids the method uses and, for a stacked objective, of its member axis."""
    schedules = {"eta": as_schedule("eta", eta, positive=True), "rho": as_schedule("rho", rho),
                 "lam": as_schedule("lam", 1.0 if lam is None else lam, unit_interval=True)}
    used = ["eta", "rho"] + (["lam"] if meth.uses_lam else [])
    stacked = isinstance(objective, StackedObjective)
    shapes = [schedules[name].shape for name in used] + ([(len(objective),)] if stacked else [])
    try:
        grid_shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise InvalidParameterError("the grids of eta, rho and lam" + (" and the stacked members" if stacked else "")
                                    + " do not broadcast: shapes " + ", ".join(str(s) for s in shapes)) from None
    return schedules, grid_shape


def _member_rows(members, oracle, grid_shape, trajectories):
    """A stacked run as one objective with a row per trajectory (the member axis is a grid axis):
    ``(members, member_of_point, rows, oracle)``, the oracle rebound to the rows."""
    member_of_point = expand_grid(np.arange(len(members)), grid_shape, trajectories)[:, 0]
    rows = members.rows(member_of_point)
    if oracle is not None:
        if oracle.objective is not members:
            raise InvalidParameterError("oracle.objective must be the stacked objective being simulated")
        oracle = copy.copy(oracle)
        oracle.objective = rows
    return members, member_of_point, rows, oracle


def _record_times(record_every, steps, n_total, dim, history, measures) -> tuple[int | None, list[int]]:
    """``(record_every, record_times)``: the stride resolved (``"auto"``: :func:`auto_stride`)
    and the recorded steps, always including the last."""
    if not measures:
        if history or record_every not in ("auto", None):
            raise InvalidParameterError("measures=False records nothing: leave record_every at 'auto' "
                                        "or None and history=False")
        record_every = None
    if record_every == "auto":
        record_every = auto_stride(steps, n_total, history * dim)
    elif record_every is not None:
        record_every = check_positive_int("record_every", record_every)
    record_times = [] if record_every is None else sorted(set(range(0, steps + 1, record_every)) | {steps})
    return record_every, record_times


def _driven(run, x, chosen, rng, bar):
    """Every step of ``run`` from the starting points ``x`` on the chosen backend: the final loop
    state and the :class:`Records` (the last step not yet stored)."""
    state = initial_state(run, x)
    records = Records(run.record_times, run.n_total, run.dim, run.history)
    if chosen == "jax":
        from . import _jax_backend
        state = _jax_backend.drive(run, state, records, bar)
    else:
        state = drive_numpy(run, state, records, bar, rng)
    if bar is not None:
        bar.close()
    return state, records


def _final_measures(run, state, records):
    """The result's entries measured on the trajectories, ``(summaries, others)``: the last
    iterate :math:`t=T` (shared by every backend: recorded, checked for divergence and counted in
    the minimum), the running summaries, the status and the recorded curves, each shaped
    ``batch_shape`` (then time, coordinate)."""
    batch_shape, steps = tuple(run.grid_shape) + (run.trajectories,), run.steps
    x, status_diverged, diverged_at = state["x"], state["diverged"], state["diverged_at"]
    n_tail = steps - run.tail_start
    with np.errstate(all="ignore"):
        final_loss = run.objective.value(x) - run.objective.f_star
        final_g = run.objective.grad(x)
        final_gradsq = np.einsum("ij,ij->i", final_g, final_g)
        loss_min = np.fmin(state["loss_min"], final_loss)
    records.store(steps, final_loss, final_gradsq, x)
    late = ~np.isfinite(final_loss) | ~(final_loss <= run.threshold)
    diverged_at = np.where(late & ~status_diverged, steps, diverged_at)
    status_diverged = status_diverged | late
    summaries = {
        "loss": final_loss, "gradsq": final_gradsq, "loss_min": loss_min,
        "loss_mean": state["loss_sum"] / steps, "gradsq_mean": state["gradsq_sum"] / steps,
        "loss_tail_mean": state["loss_tail"] / n_tail, "gradsq_tail_mean": state["gradsq_tail"] / n_tail,
    }
    for key, arr in summaries.items():
        if not run.measures and key not in ("loss", "gradsq"):
            arr = np.full(run.n_total, np.nan)  # not measured along the way
        arr = np.where(status_diverged, np.nan, arr)  # (rebound: the unmasked array is freed now)
        summaries[key] = arr.reshape(batch_shape)
    left_at = _region.first_step(state, status_diverged)
    n_rec = len(run.record_times)

    def curve(values, *trailing):
        return None if values is None else values.reshape((n_rec,) + batch_shape + trailing)
    return summaries, {
        "x": np.where(status_diverged[:, None], np.nan, x).reshape(batch_shape + (run.dim,)),
        "status": _region.status(state, status_diverged).reshape(batch_shape),
        "diverged_at": diverged_at.reshape(batch_shape),
        "left_region_at": None if left_at is None else left_at.reshape(batch_shape),
        "loss_history": curve(records.loss), "gradsq_history": curve(records.gradsq),
        "x_history": curve(records.x, run.dim),
    }


def _described_parameters(meth, schedules, tables, batch_shape):
    """``parameters`` (a scalar's value, else the schedule's name) and ``grid_values`` (the value
    at each grid point of a parameter constant in time, the coordinates of ``to_xarray``; else
    ``None``) of the hyperparameters the method uses."""
    names = ["eta", "rho"] + (["lam"] if meth.uses_lam else [])
    parameters, grid_values = {}, {}
    for name in names:
        value, kind = tables[name]
        parameters[name] = value if kind == "scalar" else schedules[name].name
        grid_values[name] = (value if kind == "scalar" else
                             np.asarray(value, dtype=float).reshape(batch_shape)[..., 0].copy() if kind == "static"
                             else None)
    return {"parameters": parameters, "grid_values": grid_values}
