r"""The simulator's loop, written once for both backends.

:func:`samtheory.simulation.simulate` validates its arguments and describes the run as a
:class:`Run`; everything that then advances the trajectories lives here, and both backends use
it: the numpy loop (:func:`drive_numpy`) calls :func:`advance` once per step, and
:mod:`samtheory._jax_backend` compiles the very same :func:`advance` with ``jax.lax.scan``. So the
two backends run one arithmetic in one order, and neither imports the other's module.

* :func:`sam_step` — the SAM-family update, the only place it is written;
* :class:`Run` — what a backend needs to know about the run (validated beforehand);
* :func:`parameter_table`, :func:`expand`, :func:`expand_grid` — a hyperparameter precomputed
  once (a scalar, a function of :math:`t`, a grid, or both) and read at step :math:`t`;
* :func:`initial_state` and :func:`advance` — the loop state and one step :math:`t\to t+1`;
* :class:`Records` and :func:`auto_stride` — the curves recorded every ``record_every`` steps.
"""
from __future__ import annotations

from typing import Any, Callable, TYPE_CHECKING

from dataclasses import dataclass

import numpy as np

from . import _region
from ._array import namespace
from ._validation import InvalidParameterError

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from .schedules import Schedule


def sam_step(x: np.ndarray, eta: ArrayLike, rho: ArrayLike, lam: ArrayLike | None, perturbation: Callable[..., Any],
             ascent_grad: Callable[[np.ndarray], np.ndarray], descent_grad: Callable[[np.ndarray], np.ndarray],
             eps: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    r"""One step of the SAM family; the only place where the update is written.

    .. math:: g=\texttt{ascent\_grad}(x),\quad y=x+\texttt{perturbation}(g,\rho,\lambda),\quad
              x^+=x-\eta\,\texttt{descent\_grad}(y).

    Returns ``(x_next, g)`` so that deterministic runs can reuse :math:`g=\nabla f(x)`.
    ``perturbation=None`` is gradient descent: the descent gradient is :math:`g` itself.
    """
    g = ascent_grad(x)
    if perturbation is None:
        return x - eta * g, g
    y = x + perturbation(g, rho, lam, eps)
    return x - eta * descent_grad(y), g


def parameter_table(schedule: Schedule, steps, grid_shape, trajectories, name):
    """Precompute a hyperparameter for the loop. Returns ``(value, kind)``:

    * ``"scalar"``: one float for every step and trajectory (the common case, cheapest);
    * ``"time"``: a ``(steps,)`` array, the same for every trajectory;
    * ``"static"``: an ``(N, 1)`` array, constant in time;
    * ``"grid"``: a ``(steps,) + shape`` array, expanded to ``(N, 1)`` at each step.
    """
    # a constant schedule is one value at every step: evaluated once, so its memory is O(1) in T
    vals = schedule.values(1 if schedule.is_constant else steps)
    if not np.all(np.isfinite(vals)):
        raise InvalidParameterError(f"{name} schedule {schedule.name} produced non-finite values")
    constant_in_time = bool(np.all(vals == vals[:1]))
    if schedule.shape == ():
        if constant_in_time:
            return float(vals[0]), "scalar"
        return np.ascontiguousarray(vals, dtype=float), "time"
    if constant_in_time:
        return expand_grid(vals[0], grid_shape, trajectories), "static"
    return vals, "grid"


def expand_grid(values, grid_shape, trajectories):
    """Grid values (broadcastable to ``grid_shape``) -> one value per trajectory, shape (N, 1)."""
    xp = namespace(values)
    v = xp.broadcast_to(values, grid_shape).reshape(-1)
    return xp.repeat(v, trajectories)[:, None]


def expand(value, kind, t, grid_shape, trajectories):
    if kind in ("scalar", "static"):
        return value
    if kind == "time":
        return value[t]
    return expand_grid(value[t], grid_shape, trajectories)


@dataclass
class Run:
    """Everything a backend needs to advance the trajectories (validated by :func:`samtheory.simulate`)."""

    objective: object
    oracle: object
    perturbation: object
    eps: float
    same_sample: bool
    steps: int
    tail_start: int
    threshold: float
    grid_shape: tuple
    trajectories: int
    n_total: int
    tables: dict
    record_times: list
    record_every: int | None
    history: bool
    seed: object
    step_seed: object
    measures: bool = True
    dtype: str = "float64"
    pointwise: bool = False  # one random stream per grid point (simulate's ``streams``)

    @property
    def dim(self):
        return self.objective.dim


def initial_state(run, x):
    r"""The loop state: iterates, running summaries and divergence bookkeeping, and (with
    measures) the exact :math:`f(x_t)-f^*` and :math:`\nabla f(x_t)` of the current iterates."""
    n_total = run.n_total
    state = {
        "x": x,
        "loss_min": np.full(n_total, np.inf),
        "loss_sum": np.zeros(n_total), "gradsq_sum": np.zeros(n_total),
        "loss_tail": np.zeros(n_total), "gradsq_tail": np.zeros(n_total),
        "diverged": np.zeros(n_total, dtype=bool),
        "diverged_at": np.full(n_total, -1, dtype=np.int64),
        **_region.initial(run.objective, x),  # constants claimed on a box only: who leaves it
    }
    if run.measures:
        with np.errstate(all="ignore"):
            state["loss"] = run.objective.value(x) - run.objective.f_star
            state["grad"] = run.objective.grad(x)
    return state


def _when(condition, value, xp):
    """``value`` where the scalar ``condition`` holds, else 0 (a Python bool under numpy, a traced
    one under JAX)."""
    if isinstance(condition, (bool, np.bool_)):
        return value if condition else 0.0
    return xp.where(condition, value, 0.0)


def advance(run, state, t, eta, rho, lam, source, in_tail=None):
    r"""One step :math:`t\to t+1` of every trajectory: account for :math:`x_t`, then update it.

    A pure function of the state, shared by the numpy loop and the compiled JAX scan, so both
    backends run the same arithmetic in the same order. Returns ``(state, loss_t, gradsq_t)``
    (``None, None`` when ``run.measures`` is off: the update only).

    With measures, the state carries :math:`f(x_t)-f^*` and :math:`\nabla f(x_t)`, evaluated once
    when :math:`x_t` is produced (at the end of the previous step). Under numpy this only saves
    deterministic runs a gradient (the carried one is the ascent gradient); under XLA it also
    keeps each evaluation to one fusion: when ``f(x)`` and ``grad f(x)`` were read by several
    consumers in the same step, XLA on CPU recomputed their ``sin``/``cos`` in each of them
    (docs/backend.md).

    ``in_tail``: whether :math:`t` is in the tail (``t >= run.tail_start``), computed from ``t``
    when ``None``. A caller that knows it statically (the JAX backend runs the steps before and in
    the tail as two loops) passes a Python bool; ``False`` then leaves the tail sums untouched
    instead of adding 0, one array operation less per step, same numbers.
    """
    objective, oracle = run.objective, run.oracle
    x = state["x"]
    xp = namespace(x)
    if oracle is None:
        ascent_grad = descent_grad = objective.grad
        if run.measures:
            ascent_grad = lambda z: state["grad"]  # noqa: E731  (z is x: its gradient is carried)
    else:
        ascent_sample = oracle.draw(source, run.n_total)
        descent_sample = ascent_sample if (run.same_sample or run.perturbation is None) else (
            oracle.draw(source, run.n_total))
        ascent_grad = lambda z: oracle.grad(z, ascent_sample)  # noqa: E731
        descent_grad = lambda z: oracle.grad(z, descent_sample)  # noqa: E731
    x_next, _ = sam_step(x, eta, rho, lam, run.perturbation, ascent_grad, descent_grad, run.eps)
    if "left_region" in state:
        state = {**state, **_region.track(run, state, t, x, x_next, ascent_grad, rho, lam, xp)}
    if not run.measures:
        return {**state, "x": x_next}, None, None

    loss, g_exact = state["loss"], state["grad"]
    diverged, diverged_at = state["diverged"], state["diverged_at"]
    if xp is not np or not (loss <= run.threshold).all():  # numpy: skip the bookkeeping when all are fine
        newly = ~(loss <= run.threshold) & ~diverged
        diverged_at = xp.where(newly, t, diverged_at)
        diverged = diverged | newly
    gradsq = xp.einsum("ij,ij->i", g_exact, g_exact)
    if in_tail is None:
        in_tail = t >= run.tail_start
    new = {
        "x": x_next,
        "loss": objective.value(x_next) - objective.f_star,
        "grad": objective.grad(x_next),
        "loss_min": xp.fmin(state["loss_min"], loss),
        "loss_sum": state["loss_sum"] + loss,
        "gradsq_sum": state["gradsq_sum"] + gradsq,
        "loss_tail": state["loss_tail"] + _when(in_tail, loss, xp),
        "gradsq_tail": state["gradsq_tail"] + _when(in_tail, gradsq, xp),
        "diverged": diverged,
        "diverged_at": diverged_at,
        **_region.carried(state),
    }
    if in_tail is False:
        new["loss_tail"], new["gradsq_tail"] = state["loss_tail"], state["gradsq_tail"]
    return new, loss, gradsq


class Records:
    """The curves recorded at ``record_times`` (numpy arrays, filled by any backend)."""

    def __init__(self, record_times, n_total, dim, history):
        n_rec = len(record_times)
        self.index = {t: i for i, t in enumerate(record_times)}
        self.loss = np.full((n_rec, n_total), np.nan) if n_rec else None
        self.gradsq = np.full((n_rec, n_total), np.nan) if n_rec else None
        self.x = np.full((n_rec, n_total, dim), np.nan) if (n_rec and history) else None

    def store(self, t, loss, gradsq, x):
        i = self.index.get(t)
        if i is None:
            return
        self.loss[i] = loss
        self.gradsq[i] = gradsq
        if self.x is not None:
            self.x[i] = x


def drive_numpy(run, state, records, bar, rng):
    """The numpy reference loop: one :func:`advance` per step."""
    from ._random import as_source
    source = as_source(rng)  # a Generator, or the per-grid-point streams
    tables = [run.tables[k] for k in ("eta", "rho", "lam")]
    fixed = all(kind in ("scalar", "static") for _, kind in tables)
    eta, rho, lam = (value for value, _ in tables)  # constant in time: looked up once
    with np.errstate(all="ignore"):
        for t in range(run.steps):
            if not fixed:
                eta, rho, lam = (expand(value, kind, t, run.grid_shape, run.trajectories) for value, kind in tables)
            x = state["x"]
            state, loss, gradsq = advance(run, state, t, eta, rho, lam, source)
            records.store(t, loss, gradsq, x)
            if bar is not None:
                bar.update(1)
            if state["diverged"].all():
                break
    return state


#: ``record_every="auto"`` keeps about this many recorded steps ...
AUTO_RECORDS = 200
#: ... but at most this many bytes of recorded curves (the loss, ‖∇f‖² and, with ``history``, the
#: iterates of every trajectory at every recorded step), so that large batches stay small:
#: 10⁵ trajectories get 15 recorded steps (24 MB), not 201 (322 MB).
AUTO_RECORD_BYTES = 24 * 2 ** 20


def auto_stride(steps, n_total, history_floats=0):
    """The stride of ``record_every="auto"``: about :data:`AUTO_RECORDS` recorded steps, fewer
    when they would hold more than :data:`AUTO_RECORD_BYTES` (at least the first and last)."""
    per_record = 8 * n_total * (2 + history_floats)
    records = max(1, min(AUTO_RECORDS, AUTO_RECORD_BYTES // per_record - 1))
    return max(1, -(-steps // records) if records < AUTO_RECORDS else steps // AUTO_RECORDS)
