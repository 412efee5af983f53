r"""Quadratics :math:`f(x)=\tfrac12(x-c)^\top H(x-c)` with :math:`H\succeq0`.

**Constants** (eigenvalues :math:`0\le\lambda_{\min}\le\dots\le\lambda_{\max}` of :math:`H`,
computed with ``numpy.linalg.eigh``):

* smoothness :math:`\beta=\lambda_{\max}` — tight: :math:`\nabla f(x)-\nabla f(y)=H(x-y)` and
  :math:`\|Hv\|=\lambda_{\max}\|v\|` for the top eigenvector.
* strong convexity :math:`\mu=\lambda_{\min}` (0 when :math:`H` is singular) — tight along the bottom
  eigenvector.
* PL constant :math:`\lambda_{\min}^{+}` (smallest *positive* eigenvalue) — tight: writing
  :math:`x-c=\sum_i a_iu_i`, :math:`\|\nabla f\|^2=\sum\lambda_i^2a_i^2\ge\lambda^+_{\min}\sum\lambda_ia_i^2
  =2\lambda^+_{\min}(f-f^*)`, with equality along :math:`u_{\min}^+`. So rank-deficient quadratics are
  PL though not strongly convex.
* no Lipschitz constant (the gradient is unbounded) unless :math:`H=0`.
* :math:`f^*=0` at :math:`x^*=c`.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import numpy as np

from .._array import namespace
from .._random import log_uniform
from ._base import Constant, Family, Objective
from ._catalog import register_function

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike


class Quadratic(Objective):
    """:math:`\\tfrac12(x-c)^\\top H(x-c)`; see the module docstring. Use the constructors
    :meth:`diagonal`, :meth:`dense` and :meth:`with_spectrum`."""

    analytic = True


    def __init__(self, hessian: ArrayLike, center: ArrayLike | None = None, *, name: str = "quadratic",
                 description: str = ""):
        H = np.atleast_2d(np.asarray(hessian, dtype=float))
        if H.shape[0] != H.shape[1]:
            raise ValueError(f"hessian must be square; got shape {H.shape}")
        if not np.allclose(H, H.T, rtol=0, atol=1e-12 * max(1.0, np.abs(H).max())):
            raise ValueError("hessian must be symmetric")
        H = 0.5 * (H + H.T)
        d = H.shape[0]
        eig, vec = np.linalg.eigh(H)
        scale = max(1.0, abs(eig).max())
        if eig[0] < -1e-12 * scale:
            raise ValueError(f"hessian must be positive semidefinite; smallest eigenvalue {eig[0]:.3g}")
        eig = np.where(np.abs(eig) <= 1e-12 * scale, 0.0, eig)
        c = np.zeros(d) if center is None else np.asarray(center, dtype=float).reshape(d)
        self.H, self.c, self.eigenvalues, self.eigenvectors = H, c, eig, vec
        self.diagonal_only = bool(np.all(H == np.diag(np.diag(H))))
        # on an instance the array shadows the classmethod `diagonal` (a constructor, called on the class)
        self.diagonal = np.diag(H).copy()  # type: ignore[method-assign]
        top, bottom = vec[:, -1], vec[:, 0]
        constants = {
            "smoothness": Constant(eig[-1], True, "largest eigenvalue of H (eigh)", (c, c + top)),
            "strong_convexity": Constant(eig[0], True, "smallest eigenvalue of H (eigh); 0 if singular",
                                         (c, c + bottom)),
        }
        positive = np.flatnonzero(eig > 0)
        if positive.size:
            k = positive[0]
            constants["pl"] = Constant(eig[k], True, "smallest positive eigenvalue of H", (c + vec[:, k],))
        if eig[-1] == 0:
            constants["lipschitz"] = Constant(0.0, True, "H = 0: f is constant", (c,))
        super().__init__(d, constants, 0.0, c, name=name, description=description or
                         f"1/2 (x-c)^T H (x-c), spectrum in [{eig[0]:.4g}, {eig[-1]:.4g}], d={d}")

    @property
    def parameters(self) -> dict[str, str] | None:  # type: ignore[override]
        """Diagonal quadratics stack (their diagonal and centre vary per member); dense ones do not."""
        return {"diagonal": "coordinates", "c": "coordinates"} if self.diagonal_only else None

    @classmethod
    def search_families(cls) -> tuple:
        """Diagonal quadratics (SAM commutes with rotations, so the spectrum is all that matters):
        eigenvalues geometric from ``smoothness`` down to ``smoothness * conditioning``; the
        ``-psd`` family sets the smallest one to 0 (convex, PL, not strongly convex)."""
        def spectrum(p, dim):
            return p["smoothness"] * p["conditioning"] ** np.linspace(0.0, 1.0, dim)

        def build(p, dim, rho, rng):
            return cls.diagonal(spectrum(p, dim), name="quadratic")

        def build_psd(p, dim, rho, rng):
            lam = spectrum(p, dim)
            lam[-1] = 0.0
            return cls.diagonal(lam, name="quadratic-psd")

        space = {"smoothness": (0.05, 20.0), "conditioning": (1e-3, 1.0)}
        return (Family("quadratic", build, space, dims=(1, 2, 3), specials={"conditioning": (1.0,)}),
                Family("quadratic-psd", build_psd, space, dims=(2, 3), specials={"conditioning": (1.0,)}))

    @classmethod
    def diagonal(cls, eigenvalues: ArrayLike, center: ArrayLike | None = None, **kw: Any) -> Quadratic:
        return cls(np.diag(np.asarray(eigenvalues, dtype=float)), center, **kw)

    @classmethod
    def dense(cls, hessian: ArrayLike, center: ArrayLike | None = None, **kw: Any) -> Quadratic:
        return cls(hessian, center, **kw)

    @classmethod
    def with_spectrum(cls, eigenvalues: ArrayLike, seed: int = 0, center: ArrayLike | None = None,
                      **kw: Any) -> Quadratic:
        """Haar-random rotation of ``diag(eigenvalues)`` (``scipy.stats.ortho_group``, seeded)."""
        from scipy.stats import ortho_group
        lam = np.asarray(eigenvalues, dtype=float)
        d = lam.size
        Q = ortho_group.rvs(d, random_state=seed) if d > 1 else np.ones((1, 1))
        return cls((Q * lam) @ Q.T, center, **kw)

    def value(self, x: np.ndarray) -> np.ndarray:
        z = self._as_points(x) - self.c
        xp = namespace(z)
        if self.diagonal_only:
            return 0.5 * xp.einsum("...i,...i,...i->...", z, self.diagonal, z)
        return 0.5 * xp.einsum("...i,...i->...", z, z @ self.H)

    def grad(self, x: np.ndarray) -> np.ndarray:
        z = self._as_points(x) - self.c
        if self.diagonal_only:
            return z * self.diagonal
        return z @ self.H  # H is symmetric

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return np.broadcast_to(self.H, x.shape[:-1] + self.H.shape)

    def hvp(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.asarray(v) @ self.H


# -- catalog entries ------------------------------------------------------------------------

def _random_spectrum(rng: np.random.Generator, dim: int, *, zero: bool = False) -> np.ndarray:
    """``dim`` eigenvalues log-uniform in [0.1, 10]; ``zero=True`` sets the first to 0 (singular)."""
    eigenvalues = log_uniform(rng, 0.1, 10.0, dim)
    if zero:
        eigenvalues[0] = 0.0
    return eigenvalues


def _random_rotated(name: str, *, zero: bool = False):
    """The draw of a dense entry: a Haar rotation of a random spectrum, in dimension at least 2."""
    def draw(rng, instance, dim):
        eigenvalues = _random_spectrum(rng, max(dim, 2), zero=zero)
        return Quadratic.with_spectrum(eigenvalues, seed=int(rng.integers(1 << 30)), name=name)
    return draw


def _random_1d(rng, instance, dim):
    return Quadratic.diagonal([log_uniform(rng, 0.2, 10.0)], name="quadratic-1d")


def _quadratic_dense(d=5, low=0.5, high=4.0, seed=0):
    return Quadratic.with_spectrum(np.linspace(low, high, d), seed=seed, name="quadratic-dense")


register_function("quadratic", lambda eigenvalues=(1.0, 3.0, 10.0): Quadratic.diagonal(eigenvalues, name="quadratic"),
                  "diagonal quadratic, spectrum (1, 3, 10)", random=_random_rotated("quadratic"), rank=10)
register_function("quadratic-1d", lambda curvature=2.0: Quadratic.diagonal([curvature], name="quadratic-1d"),
                  "1-D quadratic lambda/2 x^2, lambda = 2 (2-cycle example)", random=_random_1d, rank=20)
register_function("quadratic-dense", _quadratic_dense,
                  "dense quadratic with spectrum linspace(0.5, 4, 5), Haar rotation",
                  random=_random_rotated("quadratic-dense"), rank=30)
register_function("quadratic-rank-deficient",
                  lambda eigenvalues=(0.0, 1.0, 4.0): Quadratic.diagonal(eigenvalues, name="quadratic-rank-deficient"),
                  "convex, PL, not strongly convex: spectrum (0, 1, 4)",
                  random=_random_rotated("quadratic-rank-deficient", zero=True), rank=40)
