r"""The Huber function :math:`f(x)=\sum_i h_\delta(x_i-c_i)`, :math:`h_\delta(z)=z^2/2` for
:math:`|z|\le\delta`, :math:`\delta(|z|-\delta/2)` otherwise.

:math:`h_\delta'(z)=\mathrm{clip}(z,-\delta,\delta)`.

* smoothness 1 — tight (slope of the clip inside :math:`[-\delta,\delta]`).
* strong convexity 0 (convex; flat derivative outside). No PL constant.
* Lipschitz :math:`\delta\sqrt d` — tight, attained when every :math:`|x_i-c_i|\ge\delta`.
* :math:`f^*=0` at :math:`x^*=c`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._array import namespace
from ._base import Constant, Family, Objective
from ._catalog import register_function

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike


class Huber(Objective):
    parameters = {"delta": "scalar", "c": "coordinates"}

    def __init__(self, delta: float = 1.0, dim: int = 1, center: ArrayLike | None = None, *, name: str = "huber"):
        delta = float(delta)
        if delta <= 0:
            raise ValueError("delta must be > 0")
        c = np.zeros(dim) if center is None else np.asarray(center, dtype=float).reshape(dim)
        self.delta, self.c = delta, c
        constants = {
            "smoothness": Constant(1.0, True, "slope 1 of clip(z, -delta, delta) inside the band",
                                   (c, c + 0.5 * delta)),
            "strong_convexity": Constant(0.0, True, "f' is constant for |z| > delta", (c + 2 * delta, c + 3 * delta)),
            "lipschitz": Constant(delta * np.sqrt(dim), True, "|clip| <= delta per coordinate", (c + 2 * delta,)),
        }
        super().__init__(dim, constants, 0.0, c, name=name, sample_scale=2 * delta,
                         description=f"Huber, delta={delta:g}, d={dim}")

    @classmethod
    def search_families(cls) -> tuple:
        """Threshold δ (β = 1 always: the curvature inside the band), centre 0."""
        def build(p, dim, rho, rng):
            return cls(p["delta"], dim)
        return (Family("huber", build, {"delta": (0.05, 10.0)}, dims=(1, 2, 3)),)

    def value(self, x: np.ndarray) -> np.ndarray:
        xp = namespace(x)
        z = xp.abs(self._as_points(x) - self.c)
        return xp.sum(xp.where(z <= self.delta, 0.5 * z ** 2, self.delta * (z - 0.5 * self.delta)), axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return namespace(x).clip(self._as_points(x) - self.c, -self.delta, self.delta)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        z = np.abs(self._as_points(x) - self.c)
        return (z <= self.delta).astype(float)[..., :, None] * np.eye(self.dim)


# -- catalog entries ------------------------------------------------------------------------

def _random_member(rng, instance, dim):
    """Width delta uniform in [0.3, 2] and a standard normal centre, in dimension ``dim``."""
    return Huber(float(rng.uniform(0.3, 2.0)), dim, rng.normal(size=dim))


register_function("huber", lambda delta=1.0, dim=2: Huber(delta, dim), "Huber, delta = 1, d = 2",
                  random=_random_member, rank=100)
