r"""User-defined objectives from two callables and the constants you claim.

Example::

    import numpy as np
    from samtheory.functions import CustomObjective, check_constants

    f = CustomObjective(
        value=lambda x: np.sum(np.sqrt(1 + x**2), axis=-1) - x.shape[-1],
        grad=lambda x: x / np.sqrt(1 + x**2),
        dim=2, f_star=0.0, minimizer=[0, 0],
        smoothness=1.0, strong_convexity=0.0, lipschitz=np.sqrt(2),
        name="pseudo-huber")
    assert check_constants(f).passed

``value`` and ``grad`` must accept points of shape ``(..., d)``. Constants you give are *claims*:
they are marked as not tight and ``check_constants`` tries to falsify them like any other.

The wrapper adds nothing that blocks :func:`jax.jit`: under the JAX backend ``value`` and ``grad``
receive tracers, and they compile when written with operations both namespaces share (``xp =
samtheory._array.namespace(x)``, then ``xp.sqrt`` ...). Callables written with numpy functions, as
in the example, run on the numpy backend only.
"""
from __future__ import annotations

import numpy as np

from .._array import namespace
from ._base import CONSTANT_NAMES, Constant, Objective


class CustomObjective(Objective):
    def __init__(self, value, grad, dim, f_star, minimizer=None, *, hessian=None, name="custom",
                 region=None, sample_scale=3.0, **constants):
        unknown = set(constants) - set(CONSTANT_NAMES)
        if unknown:
            raise TypeError(f"unknown constants {sorted(unknown)}; allowed: {CONSTANT_NAMES}")
        claimed = {k: v if isinstance(v, Constant) else Constant(v, False, "claimed by the user")
                   for k, v in constants.items() if v is not None}
        self._value, self._grad, self._hessian = value, grad, hessian
        super().__init__(dim, claimed, f_star, minimizer, name=name, region=region,
                         sample_scale=sample_scale, description="user-defined")

    def value(self, x):
        x = self._as_points(x)
        return namespace(x).asarray(self._value(x), dtype=float)

    def grad(self, x):
        x = self._as_points(x)
        return namespace(x).asarray(self._grad(x), dtype=float)

    def hessian(self, x):
        if self._hessian is None:
            return super().hessian(x)
        return np.asarray(self._hessian(self._as_points(x)), dtype=float)
