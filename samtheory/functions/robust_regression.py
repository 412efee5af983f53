r"""Nonconvex robust regression :math:`f(x)=\sum_{i=1}^m\phi((Ax-b)_i)`, :math:`\phi(r)=\log(1+r^2)`.

The appendix function of Khanh et al. (NeurIPS 2024; its figure for Remark 3.6). With :math:`r=Ax-b`:
:math:`\nabla f=A^\top\phi'(r)`, :math:`\nabla^2f=A^\top\mathrm{diag}(\phi''(r))A`,
:math:`\phi'(r)=\frac{2r}{1+r^2}\in[-1,1]`, :math:`\phi''(r)=\frac{2(1-r^2)}{(1+r^2)^2}\in[-\tfrac14,2]`.

* smoothness :math:`2\|A\|_2^2` — a bound from :math:`|\phi''|\le2`; it is tight when the data are
  consistent (:math:`b=A\bar x`), since then :math:`\nabla^2f(\bar x)=2A^\top A`.
* Lipschitz :math:`\|A\|_2\sqrt m` — a bound (:math:`\|\phi'(r)\|\le\sqrt m`); not tight in general.
* nonconvex (:math:`\phi''<0` for :math:`|r|>1`). No PL constant is claimed.
* :math:`f\ge0`; with consistent data :math:`f^*=0` at :math:`\bar x`. For inconsistent data pass
  ``f_star`` yourself (it is then the user's claim and is still checked by ``check_constants``).
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import numpy as np

from .._array import namespace
from ._base import Constant, Family, Objective
from ._catalog import register_function

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike


class RobustRegression(Objective):
    analytic = True

    def __init__(self, A: np.ndarray, b: np.ndarray | None = None, *, solution: ArrayLike | None = None,
                 f_star: float | None = None, name: str = "robust-regression"):
        A = np.atleast_2d(np.asarray(A, dtype=float))
        m, d = A.shape
        if b is None:
            xbar = np.zeros(d) if solution is None else np.asarray(solution, dtype=float).reshape(d)
            b = A @ xbar
            consistent, minimizer, fs = True, xbar, 0.0
        else:
            b = np.asarray(b, dtype=float).reshape(m)
            consistent, minimizer = False, None
            if f_star is None:
                raise ValueError("with inconsistent data f* is unknown: pass f_star, or b=None for consistent data")
            fs = float(f_star)
        self.A, self.b = A, b
        self.consistent = consistent
        svals, _, vt = np.linalg.svd(A, full_matrices=False)[1], None, np.linalg.svd(A)[2]
        top = vt[0]
        norm_a = float(svals[0])
        smooth_w = (minimizer, minimizer + 1e-7 * top) if consistent else None
        constants = {
            "smoothness": Constant(2 * norm_a ** 2, consistent,
                                   "|phi''| <= 2 gives ||Hess|| <= 2||A||^2; attained at a consistent solution",
                                   smooth_w),
            "lipschitz": Constant(norm_a * np.sqrt(m), False, "|phi'| <= 1 gives ||grad|| <= ||A|| sqrt(m)"),
        }
        super().__init__(d, constants, fs, minimizer, name=name, sample_scale=2.0,
                         description=f"sum log(1 + (Ax-b)_i^2), A {m}x{d}, {'consistent' if consistent else 'inconsistent'}")

    @classmethod
    def random(cls, m: int, d: int, seed: int = 0, consistent: bool = True, **kw: Any) -> RobustRegression:
        rng = np.random.default_rng(seed)
        A = rng.standard_normal((m, d)) / np.sqrt(m)
        return cls(A, solution=rng.standard_normal(d), **kw)

    def _residual(self, x):
        return self._as_points(x) @ self.A.T - self.b

    @classmethod
    def search_families(cls) -> tuple:
        """Random Gaussian designs (m between d + 1 and 30), consistent targets."""
        def build(p, dim, rho, rng):
            return cls.random(int(rng.integers(dim + 1, 31)), dim, seed=rng)
        return (Family("robust-regression", build, dims=(1, 2, 3)),)

    def value(self, x: np.ndarray) -> np.ndarray:
        xp = namespace(x)
        return xp.sum(xp.log1p(self._residual(x) ** 2), axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        r = self._residual(x)
        return (2 * r / (1 + r ** 2)) @ self.A

    def hessian(self, x: np.ndarray) -> np.ndarray:
        r = self._residual(x)
        w = 2 * (1 - r ** 2) / (1 + r ** 2) ** 2
        return np.einsum("ki,...k,kj->...ij", self.A, w, self.A)


# -- catalog entries ------------------------------------------------------------------------

def _random_member(rng, instance, dim):
    """A random consistent problem: ``dim`` unknowns, between dim + 1 and 29 residuals."""
    return RobustRegression.random(int(rng.integers(dim + 1, 30)), dim, seed=int(rng.integers(1 << 30)))


register_function("robust-regression", lambda m=20, d=5, seed=0: RobustRegression.random(m, d, seed=seed),
                  "sum log(1 + (Ax - b)_i^2), consistent, A 20 x 5", random=_random_member, rank=110)
