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
