r"""Step-size and radius rules of Unified SAM (Oikonomou & Loizou, ICLR 2025).

All rules take the PL constant :math:`\mu`, a smoothness constant :math:`L` valid for every
realization :math:`f_v` of the sampled objective, the expected-smoothness constants :math:`A, B`
of the sampling (``(ABC)``: :math:`\mathbb E\|\nabla f_v(x)\|^2\le2A(f(x)-f^*)+B\|\nabla f(x)\|^2+C`)
and the mixing weight :math:`\lambda\in[0,1]`. Deterministic runs have :math:`A=0, B=1`.

**Conditions of the PL constant-step result** (the "old" form; the official code's formulas,
re-derived in ``docs/proofs/unified-sam.md``, provenance CODE + derived):

.. math::

    \rho<\rho_{\max}=\frac{\mu}{L(\mu+2(B\mu+A)(1-\lambda)^2)},\qquad
    \gamma\le\gamma_{\max}(\rho)=\frac{\mu-L\rho(\mu+2(B\mu+A)(1-\lambda)^2)}
                                      {2L(B\mu+A)(2L^2\rho^2(1-\lambda)^2+1)} .

* :func:`old_rule`: :math:`\rho=\tfrac12\rho_{\max}`, :math:`\gamma=\gamma_{\max}(\rho)`.
* :func:`new_rule`: :math:`\rho=\frac1{4L}\min\{1,\frac{\mu}{2(B\mu+A)(1-\lambda)^2}\}`,
  :math:`\gamma=\frac1L\min\{2,\frac{\mu}{8(B\mu+A)}\}`; it always satisfies the conditions above.
* :func:`decreasing_rule`: :math:`\rho_t=\min\{\bar\rho,\frac1{2t+1}\}`,
  :math:`\gamma_t=\min\{\bar\gamma,\frac{2t+1}{(t+1)^2\mu}\}` from constant choices
  :math:`(\bar\rho,\bar\gamma)`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, overload

from dataclasses import dataclass

import numpy as np


from ._validation import InvalidParameterError, check_nonnegative, check_positive, check_unit_interval
from .schedules import unified_radius, unified_step

if TYPE_CHECKING:  # names used in annotations only
    from .schedules import Schedule


def _check(mu, L, A, B, lam):
    if float(mu) <= 0:
        raise InvalidParameterError(
            f"mu must be > 0 for the Unified SAM PL step-size rules (allowed range: (0, inf)); got {mu!r}")
    check_positive("L", L)
    check_nonnegative("A", A)
    check_nonnegative("B", B)
    check_unit_interval("lam", lam)
    if float(A) == 0 and float(B) == 0:
        raise InvalidParameterError("A and B cannot both be 0: (ABC) with A = B = 0 would bound E||g||^2 by C alone")
    return float(mu), float(L), float(A), float(B), float(lam)


def rho_max(mu: float, L: float, A: float, B: float, lam: float) -> float:
    r""":math:`\rho_{\max}` (strict upper limit on :math:`\rho`)."""
    mu, L, A, B, lam = _check(mu, L, A, B, lam)
    return mu / (L * (mu + 2 * (B * mu + A) * (1 - lam) ** 2))


@overload
def gamma_max(rho: float, mu: float, L: float, A: float, B: float, lam: float) -> float: ...
@overload
def gamma_max(rho: np.ndarray, mu: float, L: float, A: float, B: float, lam: float) -> np.ndarray: ...


def gamma_max(rho: float | np.ndarray, mu: float, L: float, A: float, B: float, lam: float) -> float | np.ndarray:
    r""":math:`\gamma_{\max}(\rho)`; positive exactly when :math:`\rho<\rho_{\max}`. ``rho`` may be
    an array (a schedule's values): the result is then elementwise."""
    mu, L, A, B, lam = _check(mu, L, A, B, lam)
    rho = float(rho) if np.ndim(rho) == 0 else np.asarray(rho, dtype=float)
    return (mu - L * rho * (mu + 2 * (B * mu + A) * (1 - lam) ** 2)) / (
        2 * L * (B * mu + A) * (2 * L ** 2 * rho ** 2 * (1 - lam) ** 2 + 1))


@dataclass(frozen=True)
class StepSizes:
    rho: float
    gamma: float
    rule: str


def old_rule(mu: float, L: float, A: float, B: float, lam: float, rho_fraction: float = 0.5) -> StepSizes:
    r""":math:`\rho=c\,\rho_{\max}` (default :math:`c=\tfrac12`), :math:`\gamma=\gamma_{\max}(\rho)`."""
    if not 0 < rho_fraction < 1:
        raise InvalidParameterError(f"rho_fraction must lie in (0, 1); got {rho_fraction!r}")
    rho = rho_fraction * rho_max(mu, L, A, B, lam)
    return StepSizes(rho, gamma_max(rho, mu, L, A, B, lam), "old")


def new_rule(mu: float, L: float, A: float, B: float, lam: float) -> StepSizes:
    r"""The simplified choice (see the module docstring)."""
    mu, L, A, B, lam = _check(mu, L, A, B, lam)
    k = B * mu + A
    rho = 1 / (4 * L) if lam == 1 else min(1.0, mu / (2 * k * (1 - lam) ** 2)) / (4 * L)
    gamma = min(2.0, mu / (8 * k)) / L
    return StepSizes(rho, gamma, "new")


def decreasing_rule(mu: float, L: float, A: float, B: float, lam: float,
                    base: str = "new") -> tuple[Schedule, Schedule]:
    """Schedules ``(rho_t, gamma_t)`` starting from the constant choice of ``base`` ("new"/"old")."""
    const = new_rule(mu, L, A, B, lam) if base == "new" else old_rule(mu, L, A, B, lam)
    return unified_radius(const.rho), unified_step(const.gamma, mu)


def satisfies_pl_conditions(rho: float, gamma: float, mu: float, L: float, A: float, B: float, lam: float,
                            rtol: float = 1e-12) -> bool:
    """Whether :math:`\\rho<\\rho_{\\max}` and :math:`\\gamma\\le\\gamma_{\\max}(\\rho)` (up to rounding)."""
    return bool(rho < rho_max(mu, L, A, B, lam) and gamma <= gamma_max(rho, mu, L, A, B, lam) * (1 + rtol))


def pl_neighbourhood(rho: float, gamma: float, mu: float, L: float, C: float, lam: float) -> float:
    r"""The radius :math:`N/(\gamma\mu)` of the derived PL bound,
    :math:`\frac{L\rho}{\mu}[(1-\lambda)^2C+\lambda^2]+\frac{L\gamma}{\mu}[(1+2L^2\rho^2(1-\lambda)^2)C+2L^2\rho^2\lambda^2]`."""
    M = 1 + 2 * L ** 2 * rho ** 2 * (1 - lam) ** 2
    return (L * rho / mu) * ((1 - lam) ** 2 * C + lam ** 2) + (L * gamma / mu) * (M * C + 2 * L ** 2 * rho ** 2 * lam ** 2)


def pl_one_step_noise(rho: float, gamma: float, L: float, C: float, lam: float) -> float:
    r""":math:`N(\rho,\gamma,\lambda)` of the one-step inequality
    :math:`r_{t+1}\le(1-\gamma\mu)r_t+N`."""
    M = 1 + 2 * L ** 2 * rho ** 2 * (1 - lam) ** 2
    return gamma * L * rho * ((1 - lam) ** 2 * C + lam ** 2) + L * gamma ** 2 * (M * C + 2 * L ** 2 * rho ** 2 * lam ** 2)
