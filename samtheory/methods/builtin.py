r"""The built-in members of the SAM family: GD and SGD (no ascent), SAM, USAM and Unified SAM.

Their perturbations :math:`\epsilon(g;\rho,\lambda)` (see :mod:`samtheory.methods` for the step
they enter):

* SAM (Foret et al. 2021): :math:`\rho\,g/\|g\|`, the normalized ascent, with :math:`0` at
  :math:`g=0`; it is Unified SAM at :math:`\lambda=1`;
* USAM (Andriushchenko & Flammarion 2022): :math:`\rho\,g`, Unified SAM at :math:`\lambda=0`;
* Unified SAM (Oikonomou & Loizou 2025): :math:`\rho\,[(1-\lambda)g+\lambda g/\|g\|]`.

This module is imported first by :mod:`samtheory.methods`, so these lead :data:`METHODS` in this
order; it is written as any other method module of the package would be.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._array import namespace
from ._registry import Method, add_method

if TYPE_CHECKING:  # names used in annotations only
    import numpy as np


def normalized(g: np.ndarray, eps: float = 0.0) -> np.ndarray:
    r""":math:`g/\|g\|` along the last axis, 0 where :math:`g=0` (or :math:`g/(\|g\|+\text{eps})`)."""
    xp = namespace(g)
    norm = xp.sqrt(xp.einsum("...i,...i->...", g, g))[..., None]
    if eps > 0:
        return g / (norm + eps)
    # where the norm is 0, g is 0 too, so dividing by 1 there gives the 0 perturbation
    return g / xp.where(norm > 0, norm, 1.0)


def sam_perturbation(g: np.ndarray, rho: float | np.ndarray, lam: float | np.ndarray | None, eps: float) -> np.ndarray:
    r""":math:`\rho\,g/\|g\|`."""
    return rho * normalized(g, eps)


def usam_perturbation(g: np.ndarray, rho: float | np.ndarray, lam: float | np.ndarray | None, eps: float) -> np.ndarray:
    r""":math:`\rho\,g`."""
    return rho * g


def unified_perturbation(g: np.ndarray, rho: float | np.ndarray, lam: float | np.ndarray, eps: float) -> np.ndarray:
    r""":math:`\rho\,[(1-\lambda)g + \lambda g/\|g\|]`."""
    return rho * ((1.0 - lam) * g + lam * normalized(g, eps))


#: the built-in methods, registered in this order when the module is imported
BUILTIN = (
    Method("gd", None, deterministic_only=True, description="gradient descent", label="GD"),
    Method("sgd", None, stochastic_only=True, description="stochastic gradient descent", label="SGD"),
    Method("sam", sam_perturbation, description="SAM, normalized ascent rho*g/||g||", label="SAM", unified_lam=1.0),
    Method("usam", usam_perturbation, description="unnormalized SAM, ascent rho*g", label="USAM", unified_lam=0.0),
    Method("unified", unified_perturbation, uses_lam=True,
           description="Unified SAM, ascent rho*((1-lam) + lam/||g||)*g", label="Unified SAM"),
)
for _method in BUILTIN:
    add_method(_method)
