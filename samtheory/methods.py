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

A new variant is one function ``perturbation(g, rho, lam, eps)``; see :func:`register_method`.
Perturbations are written once for numpy and JAX: they take ``xp = namespace(g)`` from
:mod:`samtheory._array` where they need a function (``xp.sqrt``, ``xp.where``), so the JAX backend
compiles the same code.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, TYPE_CHECKING

from dataclasses import dataclass


from ._array import namespace
from ._validation import InvalidParameterError

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
    return rho * normalized(g, eps)


def usam_perturbation(g: np.ndarray, rho: float | np.ndarray, lam: float | np.ndarray | None, eps: float) -> np.ndarray:
    return rho * g


def unified_perturbation(g: np.ndarray, rho: float | np.ndarray, lam: float | np.ndarray, eps: float) -> np.ndarray:
    r""":math:`\rho\,[(1-\lambda)g + \lambda g/\|g\|]`."""
    return rho * ((1.0 - lam) * g + lam * normalized(g, eps))


@dataclass(frozen=True)
class Method:
    """A member of the SAM family.

    Attributes
    ----------
    name : str
    perturbation : callable or None
        ``perturbation(g, rho, lam, eps) -> array like g``; ``None`` for gradient descent (no
        ascent step, so the descent gradient is the ascent gradient and is not evaluated twice).
    uses_lam : bool
        Whether λ enters the perturbation.
    stochastic_only : bool
        ``sgd``: needs an oracle.
    deterministic_only : bool
        ``gd``: refuses an oracle (use ``sgd``).
    description : str
    label : str
        The name shown to people (legends, the explorer's selector); ``name`` when empty.
    unified_lam : float or None
        The λ of Unified SAM whose step this method's step is (SAM: λ = 1, USAM: λ = 0), so that
        Unified SAM's theorems judge it; ``None`` when it is not a member of that family.
    """

    name: str
    perturbation: object
    uses_lam: bool = False
    stochastic_only: bool = False
    deterministic_only: bool = False
    description: str = ""
    label: str = ""
    unified_lam: float | None = None

    def __post_init__(self):
        if not self.label:
            object.__setattr__(self, "label", self.name)

    def covered_by(self, methods: Sequence[str]) -> bool:
        """Whether a result stated for ``methods`` covers this method: it is one of them, or its
        step is Unified SAM's with a fixed λ (:attr:`unified_lam`) and they include Unified SAM,
        or SAM for λ = 1, or USAM for λ = 0."""
        if self.name in methods:
            return True
        if self.unified_lam is None:
            return False
        return ("unified" in methods or (self.unified_lam == 1.0 and "sam" in methods)
                or (self.unified_lam == 0.0 and "usam" in methods))


METHODS = {
    "gd": Method("gd", None, deterministic_only=True, description="gradient descent", label="GD"),
    "sgd": Method("sgd", None, stochastic_only=True, description="stochastic gradient descent", label="SGD"),
    "sam": Method("sam", sam_perturbation, description="SAM, normalized ascent rho*g/||g||", label="SAM",
                  unified_lam=1.0),
    "usam": Method("usam", usam_perturbation, description="unnormalized SAM, ascent rho*g", label="USAM",
                   unified_lam=0.0),
    "unified": Method("unified", unified_perturbation, uses_lam=True,
                      description="Unified SAM, ascent rho*((1-lam) + lam/||g||)*g", label="Unified SAM"),
}


def register_method(name: str, perturbation: Callable[..., Any], *, uses_lam: bool = False, description: str = "",
                    label: str = "", unified_lam: float | None = None, overwrite: bool = False) -> Method:
    """Add a SAM variant given by its ascent direction.

    Parameters
    ----------
    name : str
    perturbation : callable
        ``perturbation(g, rho, lam, eps)``: ``g`` has shape ``(n, d)``; ``rho`` and ``lam`` are
        floats or arrays of shape ``(n, 1)``; return the perturbation, shape ``(n, d)``.
    label : str
        Name shown in legends (default ``name``).
    unified_lam : float in [0, 1], optional
        If the method's step is Unified SAM's with this fixed λ: Unified SAM's theorems then judge it.

    Examples
    --------
    Sign-SAM perturbs by :math:`\\rho\\,\\mathrm{sign}(g)/\\sqrt d`::

        register_method("sign-sam", lambda g, rho, lam, eps: rho * np.sign(g) / np.sqrt(g.shape[-1]))
        simulate(objective, "sign-sam", eta=0.1, rho=0.05, steps=100)
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameterError(f"name must be a non-empty string; got {name!r}")
    if name in METHODS and not overwrite:
        raise InvalidParameterError(f"method {name!r} exists; pass overwrite=True to replace it")
    if not callable(perturbation):
        raise InvalidParameterError(f"perturbation must be callable as perturbation(g, rho, lam, eps); got {perturbation!r}")
    import inspect
    try:
        inspect.signature(perturbation).bind(None, None, None, None)
    except TypeError:
        raise InvalidParameterError(f"perturbation must accept four arguments (g, rho, lam, eps); "
                                    f"{getattr(perturbation, '__name__', perturbation)!r} has the signature "
                                    f"{inspect.signature(perturbation)}") from None
    except ValueError:
        pass  # no signature to inspect (some builtins): accepted as it is
    if unified_lam is not None and not (isinstance(unified_lam, (int, float)) and 0.0 <= unified_lam <= 1.0):
        raise InvalidParameterError(f"unified_lam must be a number in [0, 1] or None; got {unified_lam!r}")
    METHODS[name] = Method(name, perturbation, uses_lam=uses_lam, description=description, label=label,
                           unified_lam=None if unified_lam is None else float(unified_lam))
    return METHODS[name]


def get_method(method: str | Method) -> Method:
    if isinstance(method, Method):
        return method
    if method not in METHODS:
        from ._validation import unknown
        raise unknown("method", method, METHODS)
    return METHODS[method]
