r"""Convex, smooth and Lipschitz: :math:`f(x)=\sum_i a_i\log\cosh(x_i-c_i)` with weights :math:`a_i>0`.

:math:`\partial_i f=a_i\tanh(x_i-c_i)`, :math:`\nabla^2f=\mathrm{diag}(a_i\,\mathrm{sech}^2(x_i-c_i))`.

* smoothness :math:`\max_ia_i` — tight, at :math:`x=c` (sech² = 1).
* strong convexity 0 (convex; :math:`\mathrm{sech}^2\to0` so no :math:`\mu>0`). No PL constant: the
  gradient is bounded while :math:`f` grows linearly.
* Lipschitz :math:`\|a\|_2` — tight as a supremum (:math:`|\tanh|\to1`); the witness at
  :math:`x_i-c_i=40` attains it to rounding (:math:`1-\tanh 40<10^{-34}`).
* :math:`f^*=0` at :math:`x^*=c`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._array import namespace
from .._random import log_uniform
from ._base import Constant, Family, Objective
from ._catalog import register_function

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike


def _log_cosh(z):
    # |z| <= 1: log cosh z = log1p(2 sinh^2(z/2)) (cosh z - 1 = 2 sinh^2(z/2)), accurate to a few
    # ulps of the value itself; |z| + log1p(exp(-2|z|)) - log 2 would leave an absolute error of
    # ~1e-16 near 0, where the value is z^2/2 (f(x_{k+1}) - f(x_k) near the minimizer would be
    # rounding noise). |z| > 1: that second form, stable for large |z| (no overflow in cosh).
    xp = namespace(z)
    a = xp.abs(z)
    small = xp.minimum(a, 1.0)
    near = xp.log1p(2 * xp.sinh(small / 2) ** 2)
    far = a + xp.log1p(xp.exp(-2 * a)) - np.log(2.0)
    return xp.where(a <= 1.0, near, far)


class LogCosh(Objective):
    analytic = True
    unique_minimizer = True  # strictly convex (sech^2 > 0)
    parameters = {"a": "coordinates", "c": "coordinates"}

    def __init__(self, weights: ArrayLike = (1.0,), center: ArrayLike | None = None, *, name: str = "logcosh"):
        a = np.asarray(weights, dtype=float).reshape(-1)
        if np.any(a <= 0):
            raise ValueError("weights must be > 0")
        d = a.size
        c = np.zeros(d) if center is None else np.asarray(center, dtype=float).reshape(d)
        self.a, self.c = a, c
        k = int(np.argmax(a))
        e = np.zeros(d)
        e[k] = 1e-7
        constants = {
            "smoothness": Constant(a.max(), True, "max_i a_i sech^2(0) = max_i a_i, at x = c", (c - e, c + e)),
            "strong_convexity": Constant(0.0, True, "sech^2 -> 0 at infinity: convex, not strongly", (c + 40, c + 41)),
            "lipschitz": Constant(float(np.linalg.norm(a)), True, "sup ||a * tanh|| = ||a||_2 (supremum)", (c + 40,)),
        }
        super().__init__(d, constants, 0.0, c, name=name, sample_scale=3.0,
                         description=f"sum a_i log cosh(x_i - c_i), d={d}")

    @classmethod
    def search_families(cls) -> tuple:
        """Weights geometric from ``smoothness`` down to ``smoothness * conditioning``, centre 0."""
        def build(p, dim, rho, rng):
            return cls(p["smoothness"] * p["conditioning"] ** np.linspace(0.0, 1.0, dim))
        return (Family("logcosh", build, {"smoothness": (0.05, 20.0), "conditioning": (1e-2, 1.0)},
                       dims=(1, 2, 3), specials={"conditioning": (1.0,)}),)

    def value(self, x: np.ndarray) -> np.ndarray:
        z = self._as_points(x) - self.c
        return namespace(z).sum(self.a * _log_cosh(z), axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        z = self._as_points(x) - self.c
        return self.a * namespace(z).tanh(z)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        z = self._as_points(x) - self.c
        return (self.a / np.cosh(z) ** 2)[..., :, None] * np.eye(self.dim)


# -- catalog entries ------------------------------------------------------------------------

def _random_member(rng, instance, dim):
    """``dim`` weights log-uniform in [0.2, 3] and a standard normal centre."""
    return LogCosh(log_uniform(rng, 0.2, 3.0, dim), rng.normal(size=dim))


register_function("logcosh", lambda weights=(1.0, 2.0, 0.5): LogCosh(weights), "sum a_i log cosh x_i, a = (1, 2, 0.5)",
                  random=_random_member, rank=90)
