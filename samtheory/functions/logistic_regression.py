r"""Logistic regression as a finite sum (the setting of :mod:`samtheory.functions.finite_sums`).

**Logistic regression** (:class:`LogisticRegression`), labels :math:`y_i\in\{\pm1\}`,
:math:`\phi_i(z)=\log(1+e^{-y_iz})` (evaluated as ``logaddexp(0, -y z)``),
:math:`\phi_i'(z)=-y_i\sigma(-y_iz)`, :math:`\phi_i''(z)=\sigma(z)\sigma(-z)\in(0,\tfrac14]` with
equality at :math:`z=0` (:math:`\sigma` the logistic sigmoid). This is the standard loss; the
reference code's factor :math:`\tfrac12` and :math:`\|x\|` regularizer (``dimitris-oik/unifiedsam``) are not
copied.

* :math:`L_i=\tfrac14\|a_i\|^2+\lambda` — tight: :math:`\nabla^2f_i(0)` has this eigenvalue along
  :math:`a_i`.
* smoothness :math:`\lambda_{\max}(A^\top A)/(4n)+\lambda` — tight: at :math:`x=0` every margin is
  :math:`0`, so every weight :math:`\phi_i''` equals :math:`\tfrac14` *at the same point* and
  :math:`\nabla^2f(0)=A^\top A/(4n)+\lambda I` attains the bound above. The witness is the pair
  :math:`(0,tu_{\max})`, :math:`t=10^{-5}`, whose difference quotient is within
  :math:`O(t^2\|a_i\|^4)` of the bound.
* strong convexity :math:`\mu=\lambda` — tight for :math:`\lambda>0` as an infimum: far out along a
  direction :math:`u` with every :math:`a_i^\top u\ne0` all weights :math:`\phi_i''` decay like
  :math:`e^{-|a_i^\top x|}`, so the curvature tends to :math:`\lambda`. The witness pair lies where
  every :math:`|a_i^\top x|\ge40`, i.e. within :math:`e^{-40}` of :math:`\lambda`. With
  :math:`\lambda=0` the claim is :math:`\mu=0` (convex), marked not tight (no finite witness of a
  relative accuracy at :math:`0`).
* PL :math:`\lambda` (from strong convexity; only for :math:`\lambda>0`) — tight: far out,
  :math:`f(x)\approx\frac\lambda2\|x\|^2+g^\top x+k` and the PL ratio is
  :math:`\lambda+O(1/\|x\|^2)`; the witness point is moved out until the ratio is within
  :math:`10^{-9}` relative of :math:`\lambda`.
* Lipschitz (only for :math:`\lambda=0`): :math:`\|\nabla f\|=\frac1n\|A^\top(y\odot\sigma(-y\odot Ax))\|
  \le\min\{\|A\|_2/\sqrt n,\ \frac1n\sum_i\|a_i\|\}` — a bound, not tight.
* :math:`f^*` **numerically**: L-BFGS-B (``scipy.optimize.minimize``) with the analytic gradient and
  tolerances at machine precision, then Newton steps with the analytic Hessian until the gradient
  stops decreasing. For :math:`\lambda>0`, strong convexity certifies
  :math:`0\le f(\hat x)-f^*\le\|\nabla f(\hat x)\|^2/(2\lambda)`, stored as ``f_star_error_bound``
  (typically below 1e-30). For :math:`\lambda=0`: if the data are strictly linearly separable (a
  linear program finds :math:`x` with :math:`y_ia_i^\top x\ge1`), :math:`f^*=0` is not attained and
  no minimizer is stored; otherwise the minimization above is run and the bound uses the Hessian at
  :math:`\hat x` (a local estimate, not a certificate).
* :math:`f_i^{\inf}` for :math:`\lambda>0` by a 1-D minimization: on the line :math:`x=s\,y_ia_i` the
  optimality condition is :math:`\lambda s=\sigma(-s\|a_i\|^2)`, whose left side minus right side
  is increasing, negative at :math:`s=0` and positive at :math:`s=1/\lambda`; bisection (vectorized
  over :math:`i`) finds the root to machine precision. With :math:`\lambda=0`, :math:`f_i^{\inf}=0`
  (not attained), or :math:`\log2` if :math:`a_i=0`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from .._array import is_jax, namespace
from .._validation import InvalidParameterError, check_nonnegative, check_positive_int
from ._base import Constant, Family
from ._catalog import register_function
from ._finite_sum import _check_design, _check_targets, _LinearModelSum, random_size_and_seed

__all__ = ["LogisticRegression"]


def _expit(z):
    """The logistic sigmoid, picked by namespace: ``scipy.special.expit`` on numpy arrays (so numpy
    results do not change), ``jax.scipy.special.expit`` on JAX arrays and tracers (scipy's ufunc
    cannot be traced)."""
    if is_jax(z):
        from jax.scipy.special import expit as jax_expit
        return jax_expit(z)
    return expit(z)


class LogisticRegression(_LinearModelSum):
    r""":math:`f_i(x)=\log(1+e^{-y_ia_i^\top x})+\frac\lambda2\|x\|^2` with labels :math:`y_i=\pm1`.

    :math:`f^*` is computed numerically (module docstring); ``f_star_error_bound`` bounds its error.

    Parameters
    ----------
    A : array, shape (n, d)
    y : array of ±1, shape (n,)
    reg : float
        Ridge weight :math:`\lambda\ge0`.
    """

    def __init__(self, A: np.ndarray, y: np.ndarray, reg: float = 0.0, *, name: str = "logistic", description: str = "",
                 sample_scale: float = 3.0):
        A = _check_design(A)
        n, d = A.shape
        y = _check_targets(y, n, "y")
        if not np.all(np.abs(y) == 1):
            raise InvalidParameterError("labels y must be +1 or -1")
        reg = float(check_nonnegative("reg", reg))
        row_sq = np.einsum("ij,ij->i", A, A)
        # the attributes the evaluation methods need, before the minimization that uses them
        self.A, self.targets, self.reg, self.n_components, self.dim, self.name = A, y, reg, n, d, name

        eig, vec = np.linalg.eigh(A.T @ A)
        top = vec[:, -1]
        smooth = eig[-1] / (4 * n) + reg
        step = 1e-5  # the witness pair (0, t u_max): error O(t^2 ||a_i||^4), rounding O(1e-16 / t)
        constants = {
            "smoothness": Constant(
                smooth, True, "lambda_max(A^T A)/(4n) + reg: phi'' <= 1/4 with equality at margin 0, "
                "and at x = 0 all margins vanish, so Hess f(0) = A^T A/(4n) + reg I attains the bound",
                (np.zeros(d), step * top)),
        }
        if reg > 0:
            direction, radius = self._far_direction(A)
            far_pair = (radius * direction, (radius + 1.0) * direction)
            constants["strong_convexity"] = Constant(
                reg, True, "Hess f >= reg I since phi'' > 0; the curvature tends to reg where all "
                "margins are large (weights decay like exp(-|margin|))", far_pair)
        else:
            constants["strong_convexity"] = Constant(
                0.0, False, "convex (phi'' > 0); 0 is approached only at infinity")
            lip = min(np.sqrt(eig[-1] / n), float(np.sqrt(row_sq).mean()))
            constants["lipschitz"] = Constant(
                lip, False, "||grad f|| = ||A^T (y * sigmoid(-y*Ax))||/n <= min(||A||_2/sqrt(n), mean ||a_i||)")

        f_star, minimizer, error_bound = self._minimize(A, y, reg)
        self.f_star, self.minimizer = f_star, minimizer  # _pl_witness evaluates f - f*
        if reg > 0:
            constants["pl"] = Constant(
                reg, True, "strong convexity gives PL with reg; tight: far out f ~ reg/2 ||x||^2 + "
                "linear, and the PL ratio is reg + O(1/||x||^2)", (self._pl_witness(direction, radius),))

        if reg > 0:
            lower = self._component_infima(row_sq, reg)
        else:
            lower = np.where(row_sq > 0, 0.0, np.log(2.0))
        self.f_star_error_bound = error_bound
        super().__init__(A, y, reg, dim=d, component_smoothness=row_sq / 4 + reg, component_lower_bounds=lower,
                         constants=constants, f_star=f_star, minimizer=minimizer, name=name,
                         sample_scale=sample_scale,
                         description=description or f"mean log(1 + exp(-y a^T x)) + ({reg:g}/2)||x||^2, A {n}x{d}"
                                                    " (f* numerical)")

    @property
    def y(self) -> np.ndarray:
        """The labels :math:`y_i=\\pm1` (``targets``)."""
        return self.targets

    # phi_i(z) = log(1 + exp(-y_i z))
    def _loss(self, z, t):
        return namespace(z).logaddexp(0.0, -t * z)

    def _slope(self, z, t):
        return -t * _expit(-t * z)

    def _curvature(self, z, t):
        return expit(z) * expit(-z)

    # -- helpers of the constructor ---------------------------------------------------------------
    @staticmethod
    def _far_direction(A):
        """A unit direction ``u`` with every ``|a_i^T u|`` (over the nonzero rows) bounded away from 0
        (best of 256 seeded random directions), and the radius ``R`` beyond which every such margin
        exceeds 40 in absolute value along ``u``. Zero rows do not matter: they add nothing to the
        Hessian."""
        d = A.shape[1]
        rows = A[np.einsum("ij,ij->i", A, A) > 0]
        candidates = np.random.default_rng(12345).standard_normal((256, d))
        candidates /= np.linalg.norm(candidates, axis=1, keepdims=True)
        if rows.shape[0] == 0:  # A = 0: the curvature is reg everywhere
            return candidates[0], 1.0
        smallest = np.abs(candidates @ rows.T).min(axis=1)
        best = int(np.argmax(smallest))
        # on the segment the margins are s a_i^T u with s >= R, so |margin| >= R * smallest = 40
        return candidates[best], 40.0 / smallest[best]

    def _pl_witness(self, direction, radius):
        """Move out along ``direction`` until the PL ratio is within 1e-9 relative of ``reg``."""
        point = radius * direction
        for _ in range(40):
            g = self.grad(point)
            ratio = g @ g / (2 * (self.value(point) - self.f_star))
            if abs(ratio - self.reg) <= 1e-9 * self.reg:
                break
            point = 4.0 * point
        return point

    def _minimize(self, A, y, reg):
        """f*, the minimizer (or None) and a bound on f(x^) - f* (module docstring)."""
        from scipy.optimize import linprog, minimize

        n, d = A.shape
        if reg == 0:
            # strictly separable data: f -> 0 along the separating direction, never attained
            lp = linprog(np.zeros(d), A_ub=-(y[:, None] * A), b_ub=-np.ones(n), bounds=[(None, None)] * d,
                         method="highs")
            if lp.status == 0:
                return 0.0, None, 0.0

        def fun(x):
            return float(self.value(x)), self.grad(x)

        res = minimize(fun, np.zeros(d), jac=True, method="L-BFGS-B",
                       options={"ftol": 1e-15, "gtol": 1e-14, "maxiter": 10_000, "maxcor": 30})
        x = res.x
        g = self.grad(x)
        # Newton polishing: quadratic convergence from an L-BFGS-B point, stops when the gradient
        # no longer decreases (rounding floor)
        for _ in range(30):
            step = np.linalg.lstsq(self.hessian(x), g, rcond=None)[0]
            x_new = x - step
            g_new = self.grad(x_new)
            if not np.linalg.norm(g_new) < np.linalg.norm(g):
                break
            x, g = x_new, g_new
        curvature = reg if reg > 0 else float(np.linalg.eigvalsh(self.hessian(x))[0])
        gnorm = float(np.linalg.norm(g))
        if not np.all(np.isfinite(x)) or gnorm > 1e-8 * max(1.0, float(np.abs(A).max())) or curvature <= 0:
            raise InvalidParameterError(
                f"logistic regression: the minimizer was not found (gradient norm {gnorm:.3g}); with reg = 0 "
                "the infimum may not be attained, use reg > 0")
        return float(self.value(x)), x, gnorm ** 2 / (2 * curvature)

    @staticmethod
    def _component_infima(row_sq, reg):
        r"""Vectorized bisection for :math:`\lambda s=\sigma(-s\|a_i\|^2)` on :math:`[0,1/\lambda]`."""
        lo = np.zeros_like(row_sq)
        hi = np.full_like(row_sq, 1.0 / reg)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            positive = reg * mid - expit(-mid * row_sq) > 0
            hi = np.where(positive, mid, hi)
            lo = np.where(positive, lo, mid)
            if np.all(hi - lo <= 4 * np.finfo(float).eps * np.maximum(hi, 1e-300)):
                break
        s = 0.5 * (lo + hi)
        return np.logaddexp(0.0, -s * row_sq) + 0.5 * reg * s ** 2 * row_sq

    @classmethod
    def search_families(cls) -> tuple:
        """Random Gaussian features and noisy labels, n between d + 2 and 30, regularization ``reg``."""
        def build(p, dim, rho, rng):
            return cls.random(int(rng.integers(dim + 2, 31)), dim, reg=p["reg"], seed=rng)
        return (Family("logistic", build, {"reg": (1e-3, 1.0)}, dims=(1, 2, 3)),)

    @classmethod
    def random(cls, n: int, d: int, *, reg: float = 0.05, seed: int = 0, label_noise: float = 1.0,
               **kw: Any) -> LogisticRegression:
        r"""Gaussian features :math:`a_i\sim\mathcal N(0,I_d)`, labels
        :math:`y_i=\mathrm{sign}(a_i^\top w+\epsilon_i)` with :math:`w\sim\mathcal N(0,I_d)` and
        :math:`\epsilon_i\sim\mathcal N(0,\texttt{label\_noise}^2)` (sign 0 counts as +1)."""
        n = check_positive_int("n", n)
        d = check_positive_int("d", d)
        label_noise = float(check_nonnegative("label_noise", label_noise))
        rng = np.random.default_rng(seed)
        A = rng.standard_normal((n, d))
        w = rng.standard_normal(d)
        y = np.where(A @ w + label_noise * rng.standard_normal(n) >= 0, 1.0, -1.0)
        return cls(A, y, reg=reg, **kw)


# -- catalog entries ------------------------------------------------------------------------

def _random_member(rng, instance, dim):
    """Random features and labels, regularization uniform in [0.01, 0.5]."""
    n, seed = random_size_and_seed(rng, dim)
    return LogisticRegression.random(n, dim, reg=float(rng.uniform(0.01, 0.5)), seed=seed)


register_function("logistic", lambda n=30, d=3, reg=0.05, seed=0: LogisticRegression.random(
    n, d, reg=reg, seed=seed, name="logistic"),
                  "finite sum of logistic losses + (0.05/2)||x||^2, Gaussian A 30 x 3 (f* numerical)",
                  random=_random_member, rank=150)
