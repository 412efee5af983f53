r"""Measures of SAM iterates that theorems bound.

A measure maps a :class:`~samtheory.theorems._theorem.Run` to an array whose first axis is the
time (or horizon) index and whose remaining axes are the trajectories. Curves come from the
simulator's per-step records (``record_every=1``); measures that need the perturbed point
recompute it from the recorded iterates with the same update rule.

**Kinds.** The measures of the two quantities every run records, the optimality gap
:math:`f(x_t)-f^*` (``"loss"``) and the squared gradient norm :math:`\|\nabla f(x_t)\|^2`
(``"gradsq"``), declare what they are with :func:`declares`: the quantity and how it is aggregated
over time,

* ``"pointwise"`` — :math:`m(x_t)` at every :math:`t` (:func:`loss`, :func:`gradsq`);
* ``"averaged"`` — the running average :math:`\frac1T\sum_{t<T}m(x_t)` (:func:`avg_gradsq`);
* ``"best"`` — the running minimum :math:`\min_{s\le t}m(x_s)` (:func:`best_loss`).

The declaration is a :class:`MeasureKind` in the function's attribute ``measure_kind``, read back by
:func:`kind_of` (and :attr:`Theorem.measure_kind <samtheory.theorems.Theorem.measure_kind>`). The
explorer draws an ``every-t`` bound on its plotted quantity when the theorem's measure declares that
quantity, pointwise or averaged: a user's measure function that declares its kind is drawn the same
way. A measure that declares nothing (most of the derived ones: ratios, differences, projections)
is never drawn against the plotted curve.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

import numpy as np

from ..methods import get_method
from ._horizons import HorizonRuns


#: the quantities a measure can declare: f(x_t) - f* and ||grad f(x_t)||^2
QUANTITIES = ("loss", "gradsq")
#: how a declared measure aggregates its quantity over time (see the module docstring)
AGGREGATIONS = ("pointwise", "averaged", "best")

_Measure = TypeVar("_Measure", bound=Callable)


@dataclass(frozen=True)
class MeasureKind:
    """What a measure measures: a :data:`QUANTITIES` entry aggregated as one of :data:`AGGREGATIONS`."""

    quantity: str
    aggregation: str

    def __post_init__(self):
        from .._validation import InvalidParameterError
        if self.quantity not in QUANTITIES:
            raise InvalidParameterError(f"measure quantity must be one of {', '.join(QUANTITIES)}; got {self.quantity!r}")
        if self.aggregation not in AGGREGATIONS:
            raise InvalidParameterError(f"measure aggregation must be one of {', '.join(AGGREGATIONS)}; "
                                        f"got {self.aggregation!r}")


def declares(quantity: str, aggregation: str) -> Callable[[_Measure], _Measure]:
    """Decorator: the measure measures ``quantity`` ("loss" or "gradsq") aggregated as
    ``aggregation`` ("pointwise", "averaged" or "best"); stored as the function's ``measure_kind``.

    Example: a user's measure of :math:`f(x_t)-f^*` read from the run's own records::

        @declares("loss", "pointwise")
        def my_loss(run):
            return run.result.loss_history.reshape(run.result.loss_history.shape[0], -1)
    """
    kind = MeasureKind(quantity, aggregation)

    def mark(measure):
        measure.measure_kind = kind
        return measure
    return mark


def kind_of(measure) -> MeasureKind | None:
    """The :class:`MeasureKind` a measure declared with :func:`declares`, or None."""
    kind = getattr(measure, "measure_kind", None)
    return kind if isinstance(kind, MeasureKind) else None


def value_and_slope_at_zero(objective):
    """The sizes of the constant and linear parts of the terms f and ∇f are summed from, which set
    their rounding near any x: near a minimizer x* != 0 the terms cancel to a small value whose
    absolute error is a few ulps of them, not of the value. |f(0)| and ||∇f(0)||, and for a finite
    sum the mean sizes of its components there, (1/n)Σ|f_i(0)| and (1/n)Σ||∇f_i(0)|| (for least
    squares about |b_i|²/2 and |b_i| ||a_i||: the components' gradients cancel in the mean too)."""
    zero = np.zeros((1, objective.dim))
    value, slope = abs(float(objective.value(zero)[0])), float(np.linalg.norm(objective.grad(zero)))
    if hasattr(objective, "component_grads"):
        value = max(value, float(np.mean(np.abs(objective.component_values(zero)))))
        slope = max(slope, float(np.mean(np.linalg.norm(objective.component_grads(zero), axis=-1))))
    return value, slope


def _flat(a, T1):
    """(T+1, *batch) -> (T+1, n)."""
    return np.asarray(a).reshape(T1, -1)


def norm(v):
    """Euclidean norm over the last axis, scaled before squaring so that vectors near 1e-160
    (iterates that have converged) do not underflow into the subnormals and lose precision."""
    v = np.asarray(v)
    scale = np.max(np.abs(v), axis=-1, keepdims=True)
    safe = np.where(scale > 0, scale, 1.0)
    return scale[..., 0] * np.sqrt(np.sum((v / safe) ** 2, axis=-1))


@declares("loss", "pointwise")
def loss(run):
    r""":math:`f(x_t)-f^*`, :math:`t=0..T`."""
    h = run.result.loss_history
    return _flat(h, h.shape[0])


@declares("gradsq", "pointwise")
def gradsq(run):
    r""":math:`\|\nabla f(x_t)\|^2`, :math:`t=0..T`."""
    h = run.result.gradsq_history
    return _flat(h, h.shape[0])


@declares("loss", "best")
def best_loss(run):
    r""":math:`\min_{s\le t}f(x_s)-f^*`."""
    return np.minimum.accumulate(loss(run), axis=0)


def running_average(values):
    r"""Row :math:`T` is :math:`\frac1T\sum_{t<T}` values[t] (row 0 repeats values[0])."""
    csum = np.cumsum(values, axis=0)
    out = np.empty_like(values)
    out[0] = values[0]
    out[1:] = csum[:-1] / np.arange(1, values.shape[0])[:, None]
    return out


@declares("gradsq", "averaged")
def avg_gradsq(run):
    r""":math:`\frac1T\sum_{t=0}^{T-1}\|\nabla f(x_t)\|^2` for every :math:`T` (row :math:`T`)."""
    return running_average(gradsq(run))


@declares("gradsq", "averaged")
def avg_gradsq_from_one(run):
    r""":func:`avg_gradsq` without its row 0 (which repeats :math:`\|\nabla f(x_0)\|^2` and is no
    average): row :math:`k` is :math:`\frac1{k+1}\sum_{t\le k}\|\nabla f(x_t)\|^2`, the average
    over the first :math:`T=k+1` iterates, as the bounds of the form
    :math:`\frac1T\sum_{t<T}\|\nabla f(x_t)\|^2\le B(T)` state it."""
    return avg_gradsq(run)[1:]


def avg_gap_sq(run):
    r""":math:`\frac1T\sum_{t<T}(\|\nabla f(x_t)\|-\beta\rho)^2`."""
    beta, rho = run.ctx.beta, float(run.ctx.rho)
    return running_average((np.sqrt(gradsq(run)) - beta * rho) ** 2)


def tail_average(values, fraction=0.5):
    """Per-trajectory average over the last ``fraction`` of the rows; shape (1, n)."""
    n = values.shape[0]
    start = min(n - 1, int(n * (1 - fraction)))
    return values[start:].mean(axis=0, keepdims=True)


def at_horizons(run, curve):
    r"""Evaluate a per-:math:`T` curve at the horizons of a ``rate`` check that reads one run.

    All horizons read the same trajectories: row :math:`T_i` of ``curve``, shape ``(K, n)``.
    """
    T1 = curve.shape[0]
    c = curve.reshape((T1,) + tuple(run.result.batch_shape))
    return np.stack([c[T].reshape(-1) for T in run.horizons])


def horizon(curve_fn):
    r"""Wrap a per-:math:`T` curve measure into its values at the check's horizons, shape ``(K, n)``.

    When the theorem chooses the step size per horizon, each horizon :math:`T_i` is its own run
    of :math:`T_i` steps (:class:`~samtheory.theorems._horizons.HorizonRuns`) and row :math:`i`
    is that run's curve at :math:`t=T_i`; otherwise :func:`at_horizons` reads one run.
    """
    def measure(run):
        if isinstance(run.result, HorizonRuns):
            return np.stack([np.asarray(curve_fn(part))[T].reshape(-1)
                             for part, T in zip(run.result.runs(run), run.result.horizons)])
        return at_horizons(run, curve_fn(run))
    measure.__doc__ = f"{curve_fn.__doc__} (at the horizons of a rate check)"
    kind = kind_of(curve_fn)
    if kind is not None:  # the same quantity, read at the horizons
        measure.measure_kind = kind
    return measure


def perturbed_gradients(run):
    r"""Recompute, from the recorded iterates, :math:`g_t=\nabla f(x_t)` and the deterministic
    descent gradient :math:`h_t=\nabla f(y_t)` at the perturbed point, and the step sizes.

    Returns ``(x, g, h, eta_t, rho_t)`` with ``x`` of shape ``(T+1, n, d)``. Only for
    deterministic runs (the perturbation uses the exact gradient). :func:`perturbed_points` also
    returns the perturbed points as computed in floating point.
    """
    x, g, h, eta_t, rho_t, _ = perturbed_points(run)
    return x, g, h, eta_t, rho_t


def perturbed_points(run):
    """As :func:`perturbed_gradients`, plus the perturbed points ``y`` as rounded in float64:
    near a minimizer the perturbation can be below the spacing of the floats around x, and an
    inequality such as ||∇f(y) − ∇f(x)|| ≤ L||y − x|| is then exact only with the realized y."""
    ctx = run.ctx
    res = run.result
    f = ctx.objective
    d = f.dim
    x = res.x_history.reshape(res.x_history.shape[0], -1, d)
    g = f.grad(x)
    meth = get_method(ctx.instance.method)
    steps = x.shape[0] - 1
    eta_t = _values(ctx.instance.eta, steps)
    rho_t = _values(ctx.instance.rho, steps)
    lam = 1.0 if ctx.instance.lam is None else float(ctx.instance.lam)
    if meth.perturbation is None:
        y = x
    else:
        # the last recorded iterate has no step after it; reuse the last radius for it
        pert = np.stack([meth.perturbation(g[t], rho_t[min(t, steps - 1)], lam, 0.0) for t in range(steps + 1)])
        y = x + pert
    return x, g, f.grad(y), eta_t, rho_t, y


def _values(param, steps):
    """A hyperparameter (number or Schedule) as an array of length ``steps``."""
    from ..schedules import Schedule
    if isinstance(param, Schedule):
        return np.asarray(param.values(steps), dtype=float).reshape(steps)
    return np.full(steps, float(param))

