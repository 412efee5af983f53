r"""Step-size, radius and mixing-weight schedules.

A hyperparameter of :func:`samtheory.simulate` (``eta``, ``rho``, ``lam``) is either a number or
array (constant in time; arrays form a grid) or a :class:`Schedule`, a function of the iteration
counter :math:`t=0,1,\dots,T-1`. Schedule parameters may themselves be arrays: the grid is then
the broadcast of those arrays.

================================ =================================================================
schedule                         value at step :math:`t` (:math:`t` counts from 0)
================================ =================================================================
:func:`constant`                 :math:`v`
:func:`power`                    :math:`v_0/(t+\text{offset})^{p}` (Khanh et al.: :math:`t_k=t_0/k^a`, :math:`k=t+1`)
:func:`unified_radius`           :math:`\min\{\bar\rho, 1/(2t+1)\}` (Unified SAM decreasing radius)
:func:`unified_step`             :math:`\min\{\bar\gamma, (2t+1)/((t+1)^2\mu)\}` (Unified SAM decreasing step)
:func:`diminish1`                :math:`t_0/(e+1)`
:func:`diminish2`                :math:`t_0` at :math:`e=0`, then :math:`t_0/e^{0.5001}`
:func:`diminish3`                :math:`t_0` at :math:`e=0`, then :math:`t_0/(m\ln m)`, :math:`m=3+\lfloor(e-1)/5\rfloor`
:func:`lam_one_over_t`           :math:`\lambda_t=1/(t+1)` (SAM → USAM)
:func:`lam_one_minus_one_over_t` :math:`\lambda_t=1-1/(t+1)` (USAM → SAM)
================================ =================================================================

For the Diminish schedules of Khanh et al. (NeurIPS 2024; their official code
``lhchau/fundamental-sam``) the epoch index is
:math:`e=\lfloor t/\text{epoch\_length}\rfloor`; with the default ``epoch_length=1`` they are
stepped every iteration, as fits analytic problems.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ._validation import as_float_array, check_positive, check_positive_int, check_unit_interval


class Schedule:
    """A hyperparameter that changes with the iteration counter.

    Parameters
    ----------
    formula : callable
        ``formula(t)`` with ``t`` an integer array of shape ``(T, 1, ..., 1)`` returns the values,
        broadcast against the schedule's parameter arrays.
    name : str
        Human-readable description, stored in the run metadata.
    shape : tuple
        Broadcast shape of the schedule's parameters (the grid it spans).
    """

    def __init__(self, formula: Callable[..., Any], name: str, shape: tuple[int, ...] = (), **params: Any):
        self.formula = formula
        self.name = name
        self.shape = tuple(shape)
        #: the defining parameters (e.g. ``kind="power", initial=.., exponent=..``), so that
        #: theorems can test conditions such as sum(eta_t) = inf symbolically
        self.params = params

    @property
    def is_constant(self) -> bool:
        """Whether the value does not change with t (numbers, arrays, :func:`constant`): the
        simulator then evaluates it once instead of at every step, so its memory is O(1) in T."""
        return self.params.get("kind") == "constant"

    def values(self, steps: int) -> np.ndarray:
        """Array of shape ``(steps,) + self.shape``."""
        t = np.arange(steps).reshape((steps,) + (1,) * len(self.shape))
        out = np.asarray(self.formula(t), dtype=float)
        return np.broadcast_to(out, (steps,) + self.shape)

    def __call__(self, t):
        """Value(s) at a single step ``t``."""
        return np.asarray(self.formula(np.asarray(t)), dtype=float)

    def __repr__(self):
        return f"Schedule({self.name})"


def _shape(*arrays):
    return np.broadcast_shapes(*(np.shape(a) for a in arrays))


def constant(value: float | np.ndarray) -> Schedule:
    v = as_float_array("value", value)
    return Schedule(lambda t: v + 0.0 * t, f"constant({value})", v.shape, kind="constant", value=v)


def power(initial: float | np.ndarray, exponent: float | np.ndarray, offset: float | np.ndarray = 1.0) -> Schedule:
    r""":math:`v_t = \text{initial}/(t+\text{offset})^{\text{exponent}}`."""
    v0 = check_positive("initial", initial)
    p = as_float_array("exponent", exponent)
    off = check_positive("offset", offset)
    return Schedule(lambda t: v0 / (t + off) ** p, f"power(initial={initial}, exponent={exponent}, offset={offset})",
                    _shape(v0, p, off), kind="power", initial=v0, exponent=p, offset=off)


def unified_radius(rho_bar: float | np.ndarray) -> Schedule:
    r"""Unified SAM decreasing radius :math:`\rho_t=\min\{\bar\rho,1/(2t+1)\}` (Oikonomou & Loizou, ICLR 2025, Theorem 3.5)."""
    rb = check_positive("rho_bar", rho_bar)
    return Schedule(lambda t: np.minimum(rb, 1.0 / (2 * t + 1)), f"unified_radius(rho_bar={rho_bar})", rb.shape)


def unified_step(gamma_bar: float | np.ndarray, mu: float | np.ndarray) -> Schedule:
    r"""Unified SAM decreasing step :math:`\gamma_t=\min\{\bar\gamma,(2t+1)/((t+1)^2\mu)\}`."""
    gb = check_positive("gamma_bar", gamma_bar)
    m = check_positive("mu", mu)
    return Schedule(lambda t: np.minimum(gb, (2 * t + 1) / ((t + 1) ** 2 * m)),
                    f"unified_step(gamma_bar={gamma_bar}, mu={mu})", _shape(gb, m))


def _epoch(t, epoch_length):
    return t // epoch_length


def diminish1(initial: float | np.ndarray = 0.1, epoch_length: int = 1) -> Schedule:
    r"""Khanh et al. "Diminish 1": :math:`t_e=t_0/(e+1)`."""
    v0 = check_positive("initial", initial)
    k = check_positive_int("epoch_length", epoch_length)
    return Schedule(lambda t: v0 / (_epoch(t, k) + 1.0), f"diminish1(initial={initial}, epoch_length={k})", v0.shape)


def diminish2(initial: float | np.ndarray = 0.1, epoch_length: int = 1) -> Schedule:
    r"""Khanh et al. "Diminish 2": :math:`t_0` at :math:`e=0`, then :math:`t_0/e^{0.5001}`."""
    v0 = check_positive("initial", initial)
    k = check_positive_int("epoch_length", epoch_length)

    def formula(t):
        e = _epoch(t, k)
        return np.where(e == 0, v0, v0 / np.maximum(e, 1) ** 0.5001)

    return Schedule(formula, f"diminish2(initial={initial}, epoch_length={k})", v0.shape)


def diminish3(initial: float | np.ndarray = 0.1, epoch_length: int = 1) -> Schedule:
    r"""Khanh et al. "Diminish 3": :math:`t_0` at :math:`e=0`, then :math:`t_0/(m\ln m)` with
    :math:`m=3+\lfloor(e-1)/5\rfloor`."""
    v0 = check_positive("initial", initial)
    k = check_positive_int("epoch_length", epoch_length)

    def formula(t):
        e = _epoch(t, k)
        m = 3 + np.maximum(e - 1, 0) // 5
        return np.where(e == 0, v0, v0 / (m * np.log(m)))

    return Schedule(formula, f"diminish3(initial={initial}, epoch_length={k})", v0.shape)


def lam_one_over_t() -> Schedule:
    r""":math:`\lambda_t=1/(t+1)`: starts as SAM, tends to USAM (the code's ``'1/t'``)."""
    return Schedule(lambda t: 1.0 / (t + 1.0), "lambda=1/t")


def lam_one_minus_one_over_t() -> Schedule:
    r""":math:`\lambda_t=1-1/(t+1)`: starts as USAM, tends to SAM (the code's ``'1-1/t'``)."""
    return Schedule(lambda t: 1.0 - 1.0 / (t + 1.0), "lambda=1-1/t")


#: Names accepted for ``lam`` in :func:`samtheory.simulate` and the CLI.
LAMBDA_SCHEDULES = {"1/t": lam_one_over_t, "1-1/t": lam_one_minus_one_over_t}


def check_ranges(steps: int, *, eta: Any, rho: Any, lam: Any = None) -> None:
    """Check the values of the schedules ``eta`` (> 0), ``rho`` (>= 0) and ``lam`` (in [0, 1];
    ``None``: not used) at every step; constant ones were checked when they were made."""
    from ._validation import InvalidParameterError
    for name, sched, bad, allowed in (("eta", eta, lambda v: v <= 0, "> 0 at every step (allowed range: (0, inf))"),
                                      ("rho", rho, lambda v: v < 0, ">= 0 at every step (allowed range: [0, inf))"),
                                      ("lam", lam, lambda v: (v < 0) | (v > 1), "in [0, 1] at every step")):
        if sched is None or sched.is_constant:
            continue
        values = sched.values(steps)
        wrong = bad(values)
        if np.any(wrong):
            t = int(np.argwhere(wrong)[0][0])
            raise InvalidParameterError(f"{name} must be {allowed}; schedule {sched.name} gives "
                                        f"{values[np.argwhere(wrong)[0][0]].ravel()[0]!r} at t={t}")


def as_schedule(name: str, value: Any, *, unit_interval: bool = False, positive: bool = False) -> Schedule:
    """Turn a number, array, schedule name (``lam`` only) or :class:`Schedule` into a Schedule."""
    if isinstance(value, Schedule):
        return value
    if isinstance(value, str):
        if name == "lam" and value in LAMBDA_SCHEDULES:
            return LAMBDA_SCHEDULES[value]()
        from ._validation import InvalidParameterError
        raise InvalidParameterError(f"{name}={value!r} is not a number; the only named schedules are "
                                    f"{', '.join(LAMBDA_SCHEDULES)} (for lam)")
    if unit_interval:
        arr = check_unit_interval(name, value)
    elif positive:
        arr = check_positive(name, value)
    else:
        from ._validation import check_nonnegative
        arr = check_nonnegative(name, value)
    return Schedule(lambda t, a=arr: a + 0.0 * t, f"{name}={value if arr.ndim == 0 else arr.tolist()}", arr.shape,
                    kind="constant", value=arr)
