r"""Closed forms of SAM on simple functions, each written once.

The theorems, counterexamples, self-checks and paper experiments that state one of these import it
from here, so that a formula corrected once is corrected everywhere.

**The 2-cycle on a quadratic** (Bartlett, Long & Bousquet, JMLR 2023; derived in ``docs/proofs/literature.md`` §1). Along an
eigenvector of curvature :math:`\lambda` of :math:`f(x)=\frac12x^\top Hx`, deterministic SAM with
:math:`0<\eta\lambda<2` maps :math:`x>0` to :math:`x-\eta\lambda(x+\rho)`. The symmetric 2-cycle
:math:`\pm a` solves :math:`-a=a-\eta\lambda(a+\rho)`, so

.. math:: a=\frac{\eta\lambda\rho}{2-\eta\lambda},\qquad
          f(\pm a)-f^*=\frac\lambda2a^2=\frac{\lambda^3\eta^2\rho^2}{2(2-\eta\lambda)^2}.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # names used in annotations only
    import numpy as np


def two_cycle_amplitude(eta: float | np.ndarray, rho: float | np.ndarray,
                        curvature: float | np.ndarray) -> float | np.ndarray:
    r"""Amplitude :math:`a=\eta\lambda\rho/(2-\eta\lambda)` of SAM's 2-cycle :math:`\pm a` along an
    eigenvector of curvature :math:`\lambda` (``curvature``) of a quadratic (module docstring)."""
    return eta * rho * curvature / (2 - eta * curvature)


def two_cycle_loss(eta: float | np.ndarray, rho: float | np.ndarray,
                   curvature: float | np.ndarray) -> float | np.ndarray:
    r""":math:`f-f^*=\frac\lambda2a^2` on the 2-cycle (module docstring): the floor SAM stalls at."""
    return 0.5 * curvature * two_cycle_amplitude(eta, rho, curvature) ** 2


# ---------------------------------------------------------------------------------------------
# Stability edges on a quadratic (docs/proofs/literature.md §1, §3, §4; the regime maps of samtheory.sweep)
# ---------------------------------------------------------------------------------------------

def gd_stability_edge(smoothness: float | np.ndarray) -> float | np.ndarray:
    r"""The step size :math:`\eta=2/\beta` above which gradient descent diverges on a quadratic
    of top curvature :math:`\beta` (``smoothness``): :math:`x^+=(1-\eta\beta)x` grows iff
    :math:`|1-\eta\beta|>1`."""
    return 2.0 / smoothness


def usam_stability_edge(rho: float | np.ndarray, curvature: float | np.ndarray) -> float | np.ndarray:
    r"""The step size where USAM's linear map :math:`x^+=(1-\eta\lambda-\eta\rho\lambda^2)x` along
    curvature :math:`\lambda` stops contracting: :math:`\eta\lambda(1+\rho\lambda)=2`, so
    :math:`\eta=2/(\lambda(1+\rho\lambda))` (``docs/proofs/literature.md`` §4; :math:`\rho=0` is the GD
    edge)."""
    return gd_stability_edge(curvature * (1.0 + rho * curvature))


def sam_stability_edge(curvature: float | np.ndarray) -> float | np.ndarray:
    r"""The step size :math:`\eta=2/\lambda` where SAM's 2-cycle along curvature :math:`\lambda`
    ceases to exist (its amplitude :func:`two_cycle_amplitude` blows up as :math:`\eta\lambda\to2`)
    and the deviation from it, multiplied by :math:`1-\eta\lambda` per step, stops contracting.
    Long & Bartlett's gradient-dependent edge (arXiv:2309.12488; ``docs/proofs/literature.md`` §3) tends to this value as
    :math:`\rho/\|g\|\to0`; on a quadratic with no other gradient it is this one, for every
    :math:`\rho`."""
    return gd_stability_edge(curvature)


def two_cycle_contraction(eta: float | np.ndarray, curvature: float | np.ndarray) -> float | np.ndarray:
    r"""Per-step factor :math:`|1-\eta\lambda|` by which a 1-D deviation from SAM's 2-cycle
    shrinks (the map :math:`x\mapsto x-\eta\lambda(x+\rho\,\mathrm{sign}\,x)` has slope
    :math:`1-\eta\lambda` on each side of 0)."""
    return abs(1.0 - eta * curvature)


# ---------------------------------------------------------------------------------------------
# The asymmetric quadratic's noise-driven stall (docs/proofs/si-yun-lower-bounds.md §3)
# ---------------------------------------------------------------------------------------------

def asymmetric_stall_point(mu: float | np.ndarray, beta: float | np.ndarray,
                           rho: float | np.ndarray) -> float | np.ndarray:
    r"""The point :math:`ar x=-ho(eta-\mu)/(eta+\mu)` where stochastic SAM with noise that
    makes the ascent sign a fair coin stalls on :math:`f=rac\mu2x^2\,(x<0),\ raceta2x^2\,(x\ge0)`:
    the minimizer of its virtual loss."""
    return -rho * (beta - mu) / (beta + mu)


def asymmetric_floor(mu: float | np.ndarray, beta: float | np.ndarray,
                     rho: float | np.ndarray) -> float | np.ndarray:
    r""":math:`f(ar x)-f^*=rac\mu2ho^2ig(rac{eta-\mu}{eta+\mu}ig)^2`, the loss at
    :func:`asymmetric_stall_point` (the floor of the ρ²-unavoidable construction)."""
    return 0.5 * mu * rho ** 2 * ((beta - mu) / (beta + mu)) ** 2
