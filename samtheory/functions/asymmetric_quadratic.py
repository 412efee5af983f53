r"""The asymmetric quadratic :math:`f(x)=\frac\mu2x^2` for :math:`x<0`, :math:`\frac\beta2x^2` for :math:`x\ge0`.

With :math:`0<\mu\le\beta`. It is :math:`C^1` (both pieces have :math:`f(0)=f'(0)=0`) but not
:math:`C^2`. This is the stochastic counterexample of ``docs/proofs/si-yun-lower-bounds.md`` §3 (derived; not
Si & Yun's own construction).

* smoothness :math:`\beta` — tight: :math:`f'` is piecewise linear with slopes :math:`\mu,\beta`, so
  :math:`|f'(x)-f'(y)|\le\beta|x-y|`, with equality for :math:`x,y\ge0`.
* strong convexity :math:`\mu` — tight: :math:`f'` is increasing with slopes at least :math:`\mu`, equality for :math:`x,y<0`.
* PL :math:`\mu` — tight: :math:`f'^2/(2f)` equals :math:`\mu` on :math:`x<0` and :math:`\beta` on :math:`x>0`.
* no Lipschitz constant; :math:`f^*=0` at :math:`x^*=0`.
"""
from __future__ import annotations

import numpy as np

from .._array import namespace
from .._random import log_uniform
from ._base import Constant, Family, Objective
from ._catalog import register_function


class AsymmetricQuadratic(Objective):
    parameters = {"mu": "scalar", "beta": "scalar"}

    def __init__(self, mu: float = 0.25, beta: float = 1.0, *, name: str = "asymmetric-quadratic"):
        mu, beta = float(mu), float(beta)
        if not 0 < mu <= beta:
            raise ValueError(f"need 0 < mu <= beta; got mu={mu}, beta={beta}")
        self.mu, self.beta = mu, beta
        constants = {
            "smoothness": Constant(beta, True, "slope of f' on x >= 0", (np.array([1.0]), np.array([2.0]))),
            "strong_convexity": Constant(mu, True, "slope of f' on x < 0", (np.array([-1.0]), np.array([-2.0]))),
            "pl": Constant(mu, True, "f'^2/(2f) = mu on x < 0, beta on x > 0", (np.array([-1.0]),)),
        }
        super().__init__(1, constants, 0.0, np.zeros(1), name=name, sample_scale=1.0,
                         description=f"mu/2 x^2 (x<0), beta/2 x^2 (x>=0); mu={mu:g}, beta={beta:g}")

    @classmethod
    def search_families(cls) -> tuple:
        """Curvatures β and μ = β·``ratio``; ratios near 1 make the ρ² floor of D1 bite."""
        def build(p, dim, rho, rng):
            return cls(p["smoothness"] * p["ratio"], p["smoothness"])
        return (Family("asymmetric-quadratic", build, {"smoothness": (0.05, 20.0), "ratio": (1e-3, 1.0)},
                       specials={"ratio": (0.99, 1.0)}),)

    def _curvature(self, x):
        return namespace(x).where(x < 0, self.mu, self.beta)

    def value(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return (0.5 * self._curvature(x) * x ** 2)[..., 0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return self._curvature(x) * x

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return self._curvature(x)[..., None]


# -- catalog entries ------------------------------------------------------------------------

def _random_member(rng, instance, dim):
    """Smoothness beta log-uniform in [0.5, 2], mu = beta * U(0.05, 0.9) (so 0 < mu < beta)."""
    beta = log_uniform(rng, 0.5, 2.0)
    return AsymmetricQuadratic(beta * rng.uniform(0.05, 0.9), beta)


register_function("asymmetric-quadratic", lambda mu=0.25, beta=1.0: AsymmetricQuadratic(mu, beta),
                  "mu/2 x^2 (x<0), beta/2 x^2 (x>=0); mu = 0.25, beta = 1", random=_random_member, rank=80)
