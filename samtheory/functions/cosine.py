r"""The nonconvex, smooth, Lipschitz cosine family :math:`f(x)=\frac{\beta}{\omega^2}(1-\cos\omega x)`.

In 1-D (or coordinate-wise in :math:`d` dimensions, :math:`f(x)=\sum_i\frac{\beta}{\omega^2}(1-\cos\omega x_i)`).

**Constants.** :math:`f'(x)=\frac\beta\omega\sin\omega x`, :math:`f''(x)=\beta\cos\omega x`.

* smoothness :math:`\beta=\sup|f''|` — tight, attained at :math:`x=0`; coordinate-wise the Hessian is
  diagonal with entries in :math:`[-\beta,\beta]`, so the same holds in :math:`d` dimensions.
* Lipschitz :math:`L=\beta\sqrt d/\omega` (:math:`\beta/\omega` in 1-D) — tight, attained where every
  :math:`\omega x_i=\pi/2`.
* nonconvex (:math:`f''<0` where :math:`\cos\omega x<0`); no PL constant, since the maxima
  :math:`\omega x=\pi` are stationary points with :math:`f>f^*`.
* :math:`f^*=0` at :math:`x^*=0` (and at every :math:`2\pi k/\omega`).

With :math:`\omega=3\pi/(2\rho)` this is the Si & Yun-type counterexample where deterministic SAM
stalls with :math:`|f'|=2\beta\rho/(3\pi)` (``docs/proofs/si-yun-lower-bounds.md`` §2). With :math:`\beta=\omega=1` it is
:math:`1-\cos x`, the hallucinated-minimizer example (``samtheory.counterexamples.hallucinated``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._array import namespace
from .._random import log_uniform
from ._base import Constant, Family, Objective
from ._catalog import register_function


class CosineFamily(Objective):
    analytic = True
    parameters = {"beta": "scalar", "omega": "scalar"}

    def __init__(self, beta: float = 1.0, omega: float = 1.0, dim: int = 1, *, name: str = "cosine",
                 description: str = ""):
        beta, omega = float(beta), float(omega)
        if not (beta > 0 and omega > 0):
            raise ValueError(f"beta and omega must be > 0; got beta={beta}, omega={omega}")
        self.beta, self.omega = beta, omega
        h = 1e-7 / omega
        constants = {
            "smoothness": Constant(beta, True, "sup |f''| = sup |beta cos(omega x)| = beta, at x = 0",
                                   (np.full(dim, -h), np.full(dim, h))),
            "lipschitz": Constant(beta * np.sqrt(dim) / omega, True,
                                  "sup |f'| = beta/omega per coordinate, at omega x = pi/2",
                                  (np.full(dim, np.pi / (2 * omega)),)),
        }
        super().__init__(dim, constants, 0.0, np.zeros(dim), name=name, sample_scale=2 * np.pi / omega,
                         description=description or f"beta/omega^2 (1 - cos(omega x)), beta={beta:g}, omega={omega:.6g}")

    @classmethod
    def search_families(cls) -> tuple:
        """β and the angle θ = ωρ (ω = θ when ρ = 0): θ = 3π/2 is the stall counterexample, and
        θ → 0 puts the unstable fixed point π/ω − ρ where ‖∇f‖ → βρ (D4 attained)."""
        def build(p, dim, rho, rng):
            return cls(p["smoothness"], p["theta"] / rho if rho > 0 else p["theta"], dim=dim)
        return (Family("cosine", build, {"smoothness": (0.05, 20.0), "theta": (1e-2, 10.0)}, dims=(1, 2),
                       specials={"theta": (1.5 * np.pi,)}, starts=cls.sam_fixed_points),)

    @staticmethod
    def sam_fixed_points(objective: CosineFamily, rho: float, count: int = 4) -> list[np.ndarray]:
        r"""Fixed points of deterministic SAM along the first axis: the points x > 0 whose
        perturbed point :math:`x+\rho\,\mathrm{sign}f'(x)` is a stationary point
        :math:`k\pi/\omega` (k = 0, …, ``count``), i.e. :math:`x=k\pi/\omega-\rho` where
        :math:`\sin\omega x>0` and :math:`x=k\pi/\omega+\rho` where :math:`\sin\omega x<0`. Among
        them: the unstable point :math:`\pi/\omega-\rho` next to the maximum (D4 is attained there
        as :math:`\omega\rho\to0`) and the stall :math:`x=\rho` for :math:`\omega=3\pi/(2\rho)`."""
        points: list[np.ndarray] = []
        if rho <= 0:
            return points
        for k in range(count + 1):
            for x, sign in ((k * np.pi / objective.omega - rho, 1), (k * np.pi / objective.omega + rho, -1)):
                if x > 0 and sign * np.sin(objective.omega * x) > 1e-12:
                    point = np.zeros(objective.dim)
                    point[0] = x
                    points.append(point)
        return sorted(points, key=lambda p: p[0])

    @classmethod
    def stall_counterexample(cls, beta: float = 1.0, rho: float = 0.1, theta: float = 1.5 * np.pi,
                             **kw: Any) -> CosineFamily:
        """The member with :math:`\\omega=\\theta/\\rho` (default :math:`\\theta=3\\pi/2`)."""
        return cls(beta, theta / rho, **kw)

    def value(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        xp = namespace(x)
        # 1 - cos(z) = 2 sin^2(z/2): the same number, to a few ulps of itself near the minimum,
        # where 1 - cos(z) would leave an absolute error of ~1e-16 (f(x_{k+1}) - f(x_k) would be
        # rounding noise at the scale beta/omega^2 * 1e-16)
        return xp.sum((self.beta / self.omega ** 2) * (2.0 * xp.sin(0.5 * self.omega * x) ** 2), axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return (self.beta / self.omega) * namespace(x).sin(self.omega * x)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        diag = self.beta * np.cos(self.omega * x)
        return diag[..., :, None] * np.eye(self.dim)


# -- catalog entries ------------------------------------------------------------------------

def _random_stall(rng, instance, dim):
    """A random height, with the frequency omega = 3 pi / (2 rho) tied to the run's radius (the
    stall construction's link; rho = 0.1 when the instance's radius is not a positive number)."""
    beta = log_uniform(rng, 0.3, 3.0)
    rho = float(instance.rho) if isinstance(instance.rho, (int, float)) and instance.rho > 0 else 0.1
    return CosineFamily.stall_counterexample(beta, rho, name="cosine")


def _random_unit(rng, instance, dim):
    return CosineFamily(log_uniform(rng, 0.3, 3.0), log_uniform(rng, 0.3, 3.0), name="cosine-unit")


register_function("cosine", lambda beta=1.0, rho=0.1, theta=1.5 * np.pi, dim=1: CosineFamily.stall_counterexample(
    beta, rho, theta, dim=dim, name="cosine"), "beta/omega^2 (1 - cos omega x), omega = 3 pi / (2 rho), rho = 0.1",
                  random=_random_stall, rank=50)
register_function("cosine-unit", lambda: CosineFamily(1.0, 1.0, name="cosine-unit"), "1 - cos x (hallucinated minimizers)",
                  random=_random_unit, rank=60)
