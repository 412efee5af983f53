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
from ._base import Constant, Family, Objective

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
