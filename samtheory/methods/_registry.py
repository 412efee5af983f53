"""The registry of SAM variants: :class:`Method` (a member of the family) and :data:`METHODS`.

See :mod:`samtheory.methods` for the family and how a new variant joins it (one new module in the
package, or :func:`register_method` from anywhere).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Sequence

from dataclasses import dataclass

from .._validation import InvalidParameterError


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


#: name -> Method, in the order registered: the built-ins of :mod:`samtheory.methods.builtin` first
#: (gd, sgd, sam, usam, unified), then the package's other modules alphabetically, then the user's
METHODS: dict[str, Method] = {}


def add_method(method: Method, *, overwrite: bool = False) -> Method:
    """Add a :class:`Method` as it is (gradient descent's ``perturbation=None`` and the
    ``stochastic_only``/``deterministic_only`` flags included) under its ``name``; ``overwrite=True``
    replaces one of that name. :func:`register_method` is the checked way to add a variant."""
    if not isinstance(method, Method):
        raise InvalidParameterError(f"method must be a Method; got {method!r}")
    if not isinstance(method.name, str) or not method.name.strip():
        raise InvalidParameterError(f"name must be a non-empty string; got {method.name!r}")
    if method.name in METHODS and not overwrite:
        raise InvalidParameterError(f"method {method.name!r} exists; pass overwrite=True to replace it")
    METHODS[method.name] = method
    return method


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
    return add_method(Method(name, perturbation, uses_lam=uses_lam, description=description, label=label,
                             unified_lam=None if unified_lam is None else float(unified_lam)), overwrite=overwrite)


def get_method(method: str | Method) -> Method:
    if isinstance(method, Method):
        return method
    if method not in METHODS:
        from .._validation import unknown
        raise unknown("method", method, METHODS)
    return METHODS[method]
