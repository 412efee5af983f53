r"""Least squares and ridge regression as finite sums (the setting of
:mod:`samtheory.functions.finite_sums`).

**Least squares / ridge** (:class:`LeastSquares`, :class:`Ridge`), averaged form,
:math:`\phi_i(z)=\tfrac12(z-b_i)^2`, :math:`\phi_i''=1`, so
:math:`f(x)=\frac1{2n}\|Ax-b\|^2+\frac\lambda2\|x\|^2` is a quadratic with constant Hessian
:math:`H=A^\top A/n+\lambda I`:

* :math:`L_i=\|a_i\|^2+\lambda` — tight: it is the eigenvalue of :math:`\nabla^2 f_i` along :math:`a_i`.
* smoothness :math:`\lambda_{\max}(A^\top A)/n+\lambda` — tight, along the top eigenvector.
* strong convexity :math:`\lambda_{\min}(A^\top A)/n+\lambda` — tight, along the bottom eigenvector;
  :math:`0` when :math:`\lambda=0` and :math:`A` has rank :math:`<d`.
* PL: the smallest *positive* eigenvalue of :math:`H` — tight. The normal equations
  :math:`(A^\top A/n+\lambda I)x^*=A^\top b/n` are always solvable, so
  :math:`\nabla f(x)=H(x-x^*)` and :math:`f(x)-f^*=\frac12(x-x^*)^\top H(x-x^*)`; the argument of
  :mod:`~samtheory.functions.quadratic` applies.
* :math:`f^*` exactly: :math:`f(x)=\frac12\|\tilde Ax-\tilde b\|^2` with
  :math:`\tilde A=\binom{A/\sqrt n}{\sqrt\lambda I}`, :math:`\tilde b=\binom{b/\sqrt n}{0}`, so
  :math:`x^*` is the (minimum-norm) least-squares solution of :math:`\tilde Ax=\tilde b`
  (``numpy.linalg.lstsq``) and :math:`f^*=f(x^*)`. When :math:`\lambda=0` and the residual
  :math:`\|Ax^*-b\|` is at rounding level (below :math:`10^{-12}\|b\|`) the data are consistent
  (``consistent = True``) and :math:`f^*=0` exactly: interpolation, so :math:`\Delta^{\inf}=0`.
* :math:`f_i^{\inf}=\frac{\lambda b_i^2}{2(\|a_i\|^2+\lambda)}`: the minimizer lies on the line
  :math:`x=sa_i` (an orthogonal component only adds to :math:`\|x\|^2`), and minimizing
  :math:`\frac12(s\|a_i\|^2-b_i)^2+\frac\lambda2s^2\|a_i\|^2` gives :math:`s=b_i/(\|a_i\|^2+\lambda)`.
  With :math:`\lambda=0` this is :math:`0` (or :math:`\tfrac12b_i^2` if :math:`a_i=0`).
* no Lipschitz constant (the gradient is unbounded).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import InvalidParameterError, check_nonnegative, check_positive_int
from ._base import Constant, Family
from ._catalog import register_function
from ._finite_sum import _check_design, _check_targets, _LinearModelSum, random_size_and_seed
from .regression_data import haar_matrix_with_given_cond, regression_targets, sq_matrix_with_given_cond

__all__ = ["LeastSquares", "Ridge"]

#: Eigenvalues below this fraction of the largest one are treated as exact zeros (rank deficiency);
#: ``eigh`` returns them as ±1e-16-sized noise.
_ZERO_EIGENVALUE_RTOL = 1e-12


class LeastSquares(_LinearModelSum):
    r""":math:`f_i(x)=\frac12(a_i^\top x-b_i)^2+\frac\lambda2\|x\|^2`, averaged over :math:`i`.

    All constants are tight and computed in closed form (module docstring). Build random instances
    with :meth:`random`.

    Parameters
    ----------
    A : array, shape (n, d)
    b : array, shape (n,)
    reg : float
        Ridge weight :math:`\lambda\ge0`.
    """

    def __init__(self, A: np.ndarray, b: np.ndarray, reg: float = 0.0, *, name: str = "least-squares",
                 description: str = "", sample_scale: float = 3.0):
        A = _check_design(A)
        n, d = A.shape
        b = _check_targets(b, n, "b")
        reg = float(check_nonnegative("reg", reg))
        row_sq = np.einsum("ij,ij->i", A, A)

        # f = 1/2 ||A~ x - b~||^2 with the stacked system of the module docstring; lstsq returns
        # the minimum-norm minimizer, also when A is rank-deficient and reg = 0
        stacked_A = np.vstack([A / np.sqrt(n), np.sqrt(reg) * np.eye(d)])
        stacked_b = np.concatenate([b / np.sqrt(n), np.zeros(d)])
        minimizer = np.linalg.lstsq(stacked_A, stacked_b, rcond=None)[0]

        H = A.T @ A / n + reg * np.eye(d)
        H = 0.5 * (H + H.T)
        self.hessian_matrix = H
        eig, vec = np.linalg.eigh(H)
        eig = np.where(np.abs(eig) <= _ZERO_EIGENVALUE_RTOL * max(abs(eig[-1]), 1e-300), 0.0, eig)
        self.eigenvalues, self.eigenvectors = eig, vec
        top, bottom = vec[:, -1], vec[:, 0]
        constants = {
            "smoothness": Constant(
                eig[-1], True, "lambda_max(A^T A)/n + reg: the Hessian A^T A/n + reg I is constant; "
                "attained along its top eigenvector", (minimizer, minimizer + top)),
            "strong_convexity": Constant(
                eig[0], True, "lambda_min(A^T A)/n + reg (0 if singular); attained along the bottom "
                "eigenvector", (minimizer, minimizer + bottom)),
        }
        positive = np.flatnonzero(eig > 0)
        if positive.size:
            k = positive[0]
            constants["pl"] = Constant(
                eig[k], True, "smallest positive eigenvalue of A^T A/n + reg I: grad f = H (x - x*) "
                "and f - f* = 1/2 (x-x*)^T H (x-x*); attained along that eigenvector",
                (minimizer + vec[:, k],))
        elif d:
            # H = 0: f is constant
            constants["lipschitz"] = Constant(0.0, True, "A = 0 and reg = 0: f is constant", (minimizer,))

        denominators = row_sq + reg
        with np.errstate(divide="ignore", invalid="ignore"):
            lower = np.where(denominators > 0, 0.5 * reg * b ** 2 / denominators, 0.5 * b ** 2)
        super().__init__(A, b, reg, dim=d, component_smoothness=row_sq + reg, component_lower_bounds=lower,
                         constants=constants, f_star=0.0, minimizer=minimizer, name=name,
                         sample_scale=sample_scale,
                         description=description or f"(1/2n)||Ax - b||^2 + ({reg:g}/2)||x||^2, A {n}x{d}")
        # f* = f(x*) with the same arithmetic as value(), so f(x) >= f* holds to rounding
        self.f_star = float(self.value(minimizer))
        residual = A @ minimizer - b
        # Consistent data without regularization (interpolation): the residual is rounding noise and
        # f* is exactly 0 (f is a sum of squares, so 0 is a valid lower bound); this makes
        # Delta^inf, and with it the constant C of every sampling scheme, exactly 0.
        self.consistent = bool(reg == 0 and np.linalg.norm(residual) <= 1e-12 * max(float(np.linalg.norm(b)), 1e-300))
        if self.consistent:
            self.f_star = 0.0

    @property
    def b(self) -> np.ndarray:
        """The responses :math:`b` (``targets``)."""
        return self.targets

    # phi_i(z) = 1/2 (z - b_i)^2
    def _loss(self, z, t):
        return 0.5 * (z - t) ** 2

    def _slope(self, z, t):
        return z - t

    def _curvature(self, z, t):
        return np.ones_like(z)

    def hessian(self, x: np.ndarray) -> np.ndarray:
        x = self._as_points(x)
        return np.broadcast_to(self.hessian_matrix, x.shape[:-1] + self.hessian_matrix.shape)

    def hvp(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.asarray(v) @ self.hessian_matrix  # symmetric

    @classmethod
    def search_families(cls) -> tuple:
        """Random Gaussian designs with n between d + 2 and 30 components: interpolating least
        squares, and ridge (regularization ``reg``, inconsistent targets)."""
        def build(p, dim, rho, rng):
            return LeastSquares.random(int(rng.integers(dim + 2, 31)), dim, seed=rng, name="least-squares")

        def build_ridge(p, dim, rho, rng):
            return Ridge.random(int(rng.integers(dim + 2, 31)), dim, reg=p["reg"], consistent=False, seed=rng,
                                name="ridge")
        return (Family("least-squares", build, dims=(1, 2, 3)),
                Family("ridge", build_ridge, {"reg": (1e-3, 1.0)}, dims=(1, 2, 3)))

    @classmethod
    def random(cls, n: int, d: int, *, reg: float = 0.0, consistent: bool = True, seed: int = 0,
               design: str = "gaussian", cond: float = 10.0, **kw: Any) -> LeastSquares | Ridge:
        r"""A random instance.

        Parameters
        ----------
        n, d : int
            Number of components and dimension.
        reg : float
        consistent : bool
            ``True``: :math:`b=Ax_\star` with :math:`x_\star\sim\mathcal N(0,I)` (interpolation when
            ``reg = 0``); ``False``: :math:`b\sim\mathcal N(0,I)`.
        seed : int or numpy.random.Generator
        design : {"gaussian", "given-cond", "haar-cond"}
            ``gaussian``: i.i.d. :math:`\mathcal N(0,1)` entries. ``given-cond``:
            :func:`sq_matrix_with_given_cond` (needs ``n == d``). ``haar-cond``:
            :func:`haar_matrix_with_given_cond` (needs ``n == d``; heterogeneous :math:`L_i`, the
            importance-sampling problem).
        cond : float
            Condition number of :math:`A` for the two ``*-cond`` designs.
        """
        n = check_positive_int("n", n)
        d = check_positive_int("d", d)
        rng = np.random.default_rng(seed)
        if design == "gaussian":
            A = rng.standard_normal((n, d))
        elif design in ("given-cond", "haar-cond"):
            if n != d:
                raise InvalidParameterError(f"design {design!r} builds a square matrix: n must equal d; got n={n}, d={d}")
            A = (sq_matrix_with_given_cond if design == "given-cond" else haar_matrix_with_given_cond)(d, cond, rng)
        else:
            raise InvalidParameterError(
                f"unknown design {design!r}; choose one of: gaussian, given-cond, haar-cond")
        b, _ = regression_targets(A, rng, consistent=consistent)
        return cls(A, b, reg=reg, **kw)


class Ridge(LeastSquares):
    r""":class:`LeastSquares` with :math:`\lambda>0`: strongly convex, and
    :math:`f_i^{\inf}=\frac{\lambda b_i^2}{2(\|a_i\|^2+\lambda)}>0` where :math:`b_i\ne0`."""

    def __init__(self, A: np.ndarray, b: np.ndarray, reg: float, *, name: str = "ridge", **kw: Any):
        reg_value = float(check_nonnegative("reg", reg))
        if reg_value <= 0:
            raise InvalidParameterError(f"reg must be > 0 for Ridge (allowed range: (0, inf)); got {reg!r}; "
                                        "use LeastSquares for reg = 0")
        super().__init__(A, b, reg_value, name=name, **kw)


# -- catalog entries ------------------------------------------------------------------------

def _random_least_squares(rng, instance, dim):
    """Interpolating least squares: a random Gaussian design with consistent targets."""
    n, seed = random_size_and_seed(rng, dim)
    return LeastSquares.random(n, dim, seed=seed)


def _random_ridge(rng, instance, dim):
    """Ridge with regularization uniform in [0.01, 0.5] and inconsistent targets."""
    n, seed = random_size_and_seed(rng, dim)
    return LeastSquares.random(n, dim, reg=float(rng.uniform(0.01, 0.5)), consistent=False, seed=seed)


register_function("least-squares", lambda n=20, d=5, reg=0.0, consistent=True, seed=0: LeastSquares.random(
    n, d, reg=reg, consistent=consistent, seed=seed, name="least-squares"),
                  "finite sum (1/2n)||Ax - b||^2, Gaussian A 20 x 5, consistent (interpolation)",
                  random=_random_least_squares, rank=130)
register_function("ridge", lambda n=20, d=5, reg=0.1, consistent=False, seed=0: Ridge.random(
    n, d, reg=reg, consistent=consistent, seed=seed, name="ridge"),
                  "finite sum (1/2n)||Ax - b||^2 + (0.1/2)||x||^2, Gaussian A 20 x 5, b ~ N(0, I)",
                  random=_random_ridge, rank=140)
