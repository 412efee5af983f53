r"""The finite-time Lyapunov exponent of a trajectory's tail: what tells chaos from a long cycle.

For a deterministic map :math:`F` (one step of the method on the objective) and the tail window
:math:`x_{T-K},\dots,x_T` of a trajectory, the largest finite-time Lyapunov exponent over the
window is

.. math::

    \Lambda_K = \frac1K\sum_{t=T-K}^{T-1}\log\frac{\|F(x_t+\delta_t u_t)-F(x_t)\|}{\delta_t},
    \qquad u_{t+1}=\frac{F(x_t+\delta_t u_t)-F(x_t)}{\|F(x_t+\delta_t u_t)-F(x_t)\|},

the average log-stretching of a nearby trajectory renormalised to distance
:math:`\delta_t=` ``relative_delta`` :math:`\cdot(1+\|x_t\|)` at every step (Benettin's method,
one tangent vector, started along :math:`u_{T-K}=(1,\dots,1)/\sqrt d`). Each term is
:math:`\log\|DF(x_t)\,u_t\|` up to :math:`O(\delta_t)`, so :math:`\Lambda_K` is the growth rate
of :math:`\|DF(x_{T-1})\cdots DF(x_{T-K})\,u\|`; in one dimension it is the mean of
:math:`\log|F'(x_t)|` over the window, for any start direction.

**Finite differences, not the analytic derivative.** :math:`F` is evaluated by
:func:`samtheory._loop.sam_step`, the one place the update is written, so the exponent is that
of the map the simulator ran, for every method and every objective of the catalogue (a user's
included, which need not provide a Hessian; the normalised ascent :math:`g/\|g\|` of SAM would
also need the derivative of the normalisation). The price is the rounding of the difference,
about :math:`10^{-16}\|x\|/\delta_t\approx10^{-9}` relative with the default
``relative_delta`` of :math:`10^{-7}`, far below the tolerance the classifier applies
(:data:`samtheory.sweep._regimes.LYAPUNOV_TOL`). Where :math:`F` is not differentiable (SAM at
:math:`\nabla f=0`, where :math:`g/\|g\|` jumps), the difference measures the jump over
:math:`\delta_t`, which is large: such points do not occur on the cycles and fixed points the
classifier reads, whose gradients are nonzero or whose iterates sit at exactly :math:`0`.

Checks (``tests/test_lyapunov.py``): on a quadratic of curvature :math:`\lambda`, GD's fixed point
(:math:`x\mapsto(1-\eta\lambda)x`) and SAM's 2-cycle :math:`\pm a` (slope :math:`1-\eta\lambda`
on both sides of 0) have exponent :math:`\log|1-\eta\lambda|` (the transverse contraction of
:func:`samtheory.closed_forms.two_cycle_contraction`) to 1e-6; SAM on the cosine at
:math:`\eta=5,\rho=0.3` has 1.33 per step, the mean of :math:`\log|1-\eta f''(x_t+\rho\,
\mathrm{sign}f'(x_t))|` to 1e-5 relative; the logistic map :math:`x\mapsto4x(1-x)` gives about
:math:`\log2`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

#: the perturbation's size relative to 1 + ||x_t||
RELATIVE_DELTA = 1e-7


def finite_time_lyapunov(step: Callable[[np.ndarray], np.ndarray], tail: np.ndarray, *,
                         relative_delta: float = RELATIVE_DELTA) -> np.ndarray:
    r"""The exponent :math:`\Lambda_K` of each trajectory's tail (module docstring).

    Parameters
    ----------
    step : callable
        One step of the map, ``step(x) -> x_next`` for ``x`` of shape ``(m, d)``, elementwise in
        the rows (it is called on ``2 n`` rows: the window's iterates and their perturbed copies).
    tail : array (n, K+1, d)
        The iterates :math:`x_{T-K},\dots,x_T`.

    Returns
    -------
    array (n,)
        :math:`\Lambda_K` in nats per step; ``nan`` for a window with a non-finite iterate.
    """
    tail = np.asarray(tail, dtype=float)
    n, length, dim = tail.shape
    exponent = np.full(n, np.nan)
    finite = np.all(np.isfinite(tail), axis=(1, 2))
    if not finite.any():
        return exponent
    # every row goes through the map (step's parameters are per row); a non-finite window runs
    # from 0 and gets nan
    window = np.where(finite[:, None, None], tail, 0.0)
    m = n
    direction = np.full((m, dim), 1.0 / np.sqrt(dim))
    total = np.zeros(m)
    with np.errstate(all="ignore"):
        for t in range(length - 1):
            x = window[:, t]
            delta = relative_delta * (1.0 + np.linalg.norm(x, axis=1))
            mapped = step(np.concatenate([x, x + delta[:, None] * direction]))
            difference = mapped[m:] - mapped[:m]
            stretch = np.linalg.norm(difference, axis=1)
            # a map that is locally constant (stretch 0) contracts infinitely: log of the smallest
            # positive float, so that the mean stays finite and negative
            total += np.log(np.maximum(stretch / delta, np.finfo(float).tiny))
            moved = stretch > 0
            direction = np.where(moved[:, None], difference / np.where(moved, stretch, 1.0)[:, None], direction)
    exponent[finite] = total[finite] / (length - 1)
    return exponent


def method_step(objective, method, eta, rho, lam=None) -> Callable[[np.ndarray], np.ndarray]:
    r"""One deterministic step of ``method`` on ``objective`` as ``step(x)`` for
    :func:`finite_time_lyapunov`: :func:`samtheory._loop.sam_step` with the exact gradient,
    ``eta``, ``rho``, ``lam`` numbers or arrays of one value per row of ``x`` (``n`` of them;
    the ``2 n`` rows of a call are the ``n`` iterates then their ``n`` perturbed copies)."""
    from ..methods import get_method
    from .._loop import sam_step

    perturbation = get_method(method).perturbation

    def per_row(value):
        if value is None:
            return None
        value = np.asarray(value, dtype=float)
        return value if value.ndim == 0 else np.concatenate([value, value])[:, None]

    eta2, rho2, lam2 = per_row(eta), per_row(rho), per_row(lam)

    def step(x):
        return sam_step(x, eta2, rho2, lam2, perturbation, objective.grad, objective.grad)[0]
    return step
