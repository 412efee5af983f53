r"""The SAM family, each method defined by its ascent (perturbation) direction.

Every method takes the step

.. math::

    y_t = x_t + \epsilon(g_t;\rho_t,\lambda_t),\qquad x_{t+1} = x_t - \eta_t\, h_t,

where :math:`g_t` is the (stochastic) gradient at :math:`x_t` and :math:`h_t` the (stochastic)
gradient at the perturbed point :math:`y_t`. The methods differ only in :math:`\epsilon`:

=========== ============================================================================ ================================
name        perturbation :math:`\epsilon(g;\rho,\lambda)`                                reference
=========== ============================================================================ ================================
``gd``      :math:`0` (with an oracle: ``sgd``)                                          —
``sam``     :math:`\rho\, g/\|g\|` (normalized ascent)                                   Foret et al. 2021
``usam``    :math:`\rho\, g` (unnormalized ascent)                                       Andriushchenko & Flammarion 2022
``unified`` :math:`\rho\,\big(1-\lambda+\lambda/\|g\|\big)\, g`, :math:`\lambda\in[0,1]` Oikonomou & Loizou 2025
=========== ============================================================================ ================================

**Zero-gradient convention.** Where :math:`g=0` the normalized direction :math:`g/\|g\|` is taken
to be :math:`0`, so an exact stationary point is a fixed point of SAM (samtheory's convention; the paper's is not known). With
``eps > 0`` the direction is :math:`g/(\|g\|+\text{eps})` instead, as in PyTorch implementations
(``1e-12``).

**A new variant is one new file.** The methods above are declared in :mod:`.builtin`, imported
first so that :data:`METHODS` keeps their order (gd, sgd, sam, usam, unified). Every other public
module (no leading underscore) of this package is imported by :func:`discover`, alphabetically,
when the package is; a module that calls :func:`register_method` at import time adds its variant,
with its label (legends, the explorer's selector) and its λ-equivalence to Unified SAM
(``unified_lam``: then Unified SAM's theorems judge it). Nothing else is edited: the simulator,
``samtheory.check`` and the explorer read the method from :data:`METHODS`. A variant defined
elsewhere (a script, a notebook) calls :func:`register_method` itself.

Perturbations are written once for numpy and JAX: they take ``xp = namespace(g)`` from
:mod:`samtheory._array` where they need a function (``xp.sqrt``, ``xp.where``), so the JAX backend
compiles the same code.
"""
from __future__ import annotations

import sys
from types import ModuleType

from .._discovery import import_modules
from ._registry import METHODS, Method, add_method, get_method, register_method
from . import builtin  # first: the built-in methods lead METHODS, in their order
from .builtin import normalized, sam_perturbation, unified_perturbation, usam_perturbation


def discover(package: ModuleType | None = None) -> list[str]:
    """Import every public module of ``package`` (default: this one), so that the variants they
    register are in :data:`METHODS`; returns the modules' names (alphabetical). Importing a module
    twice does nothing, so calling this again only picks up new files."""
    return import_modules(package or sys.modules[__name__])


discover()

__all__ = ["METHODS", "Method", "add_method", "get_method", "register_method", "discover", "normalized",
           "sam_perturbation", "usam_perturbation", "unified_perturbation"]
