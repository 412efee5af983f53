r"""User-defined objectives from two callables and the constants you claim.

Example::

    import numpy as np
    from ..functions import CustomObjective, check_constants

    f = CustomObjective(
        value=lambda x: np.sum(np.sqrt(1 + x**2), axis=-1) - x.shape[-1],
        grad=lambda x: x / np.sqrt(1 + x**2),
        dim=2, f_star=0.0, minimizer=[0, 0],
        smoothness=1.0, strong_convexity=0.0, lipschitz=np.sqrt(2),
        name="pseudo-huber")
    assert check_constants(f).passed

``value`` and ``grad`` must accept points of shape ``(..., d)`` and return shapes ``(...)`` and
``(..., d)``; the constructor calls each once on a batch of two points and refuses other shapes.
Constants you give are *claims* (finite numbers >= 0, with strong convexity at most the
smoothness): they are marked as not tight and ``check_constants`` tries to falsify them like any
other. ``region`` is ``None`` (constants hold on all of R^d), a box radius ``R > 0`` (they hold on
``||x||_inf <= R``), or the JSON form ``{"box_radius": R}``. Every refusal is an
:class:`~samtheory.InvalidParameterError` naming the argument.

The wrapper adds nothing that blocks :func:`jax.jit`: under the JAX backend ``value`` and ``grad``
receive tracers, and they compile when written with operations both namespaces share (``xp =
samtheory._array.namespace(x)``, then ``xp.sqrt`` ...). Callables written with numpy functions, as
in the example, run on the numpy backend only.
"""
from __future__ import annotations

from typing import Any, Callable, TYPE_CHECKING

import numpy as np

from .._array import namespace
from .._validation import (InvalidParameterError, as_float_array, check_nonnegative, check_positive,
                           check_positive_int, suggest)
from ._base import CONSTANT_NAMES, Constant, Objective

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike


def _region(region):
    """``None``, a radius > 0, or ``{"box_radius": R}`` -> ``None`` or the radius."""
    if region is None:
        return None
    if isinstance(region, dict):
        if set(region) != {"box_radius"}:
            raise InvalidParameterError(f"region must be None, a box radius R > 0 or {{'box_radius': R}}; got {region!r}")
        region = region["box_radius"]
    return float(check_positive("region", region))


class CustomObjective(Objective):
    def __init__(self, value: Callable[..., Any], grad: Callable[..., Any], dim: int, f_star: float,
                 minimizer: ArrayLike | None = None, *, hessian: Callable[..., Any] | None = None,
                 name: str = "custom", region: float | dict[str, float] | None = None, sample_scale: float = 3.0,
                 **constants: float | Constant | None):
        for key in constants:
            if key not in CONSTANT_NAMES:
                raise InvalidParameterError(f"unknown constant {key!r}{suggest(key, CONSTANT_NAMES)}; "
                                            f"allowed: {', '.join(CONSTANT_NAMES)}")
        for key, fn in (("value", value), ("grad", grad)):
            if not callable(fn):
                raise InvalidParameterError(f"{key} must be callable as {key}(x) with x of shape (..., d); got {fn!r}")
        if hessian is not None and not callable(hessian):
            raise InvalidParameterError(f"hessian must be callable or None; got {hessian!r}")
        dim = check_positive_int("dim", dim)
        f_star = float(as_float_array("f_star", f_star))
        claimed = {}
        for key, v in constants.items():
            if v is None:
                continue
            if not isinstance(v, Constant):
                v = Constant(v, False, "claimed by the user")
            number = check_nonnegative(key, v.value)
            if number.ndim != 0:
                raise InvalidParameterError(f"{key} must be a single number; got an array of shape {number.shape}")
            claimed[key] = v
        if "smoothness" in claimed and "strong_convexity" in claimed:
            beta, mu = claimed["smoothness"].value, claimed["strong_convexity"].value
            if mu > beta:
                raise InvalidParameterError(f"strong_convexity={mu!r} must be <= smoothness={beta!r} "
                                            "(mu <= beta for every function that has both)")
        if minimizer is not None:
            m = as_float_array("minimizer", minimizer)
            if m.size != dim:
                raise InvalidParameterError(f"minimizer must have {dim} coordinates (dim); got shape {m.shape}")
        self._value, self._grad, self._hessian = value, grad, hessian
        super().__init__(dim, claimed, f_star, minimizer, name=name, region=_region(region),
                         sample_scale=float(check_positive("sample_scale", sample_scale)), description="user-defined")
        self._probe()

    def _probe(self):
        """Call ``value`` and ``grad`` once on two points: wrong shapes fail here, with their
        names, instead of deep inside a simulation."""
        x = np.zeros((2, self.dim)) if self.minimizer is None else np.stack([self.minimizer] * 2)
        x = x + np.array([[0.0], [0.5]])
        for key, fn, shape in (("value", self._value, (2,)), ("grad", self._grad, (2, self.dim))):
            try:
                out = np.asarray(fn(x))
            except Exception as exc:  # noqa: BLE001 - any failure of the user's callable
                raise InvalidParameterError(f"{key}(x) failed on points of shape {x.shape}: "
                                            f"{type(exc).__name__}: {exc}") from None
            if out.shape != shape:
                raise InvalidParameterError(f"{key}(x) must return shape {shape} for x of shape {x.shape} "
                                            f"(points along the last axis); got shape {out.shape}")
            if out.dtype.kind not in "biuf":
                raise InvalidParameterError(f"{key}(x) must return real numbers; got dtype {out.dtype}")

    def value(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return namespace(x).asarray(self._value(x), dtype=float)

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return namespace(x).asarray(self._grad(x), dtype=float)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        if self._hessian is None:
            return super().hessian(x)
        return np.asarray(self._hessian(self._as_points(x)), dtype=float)
