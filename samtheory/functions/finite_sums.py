r"""Finite sums :math:`f(x)=\frac1n\sum_{i=1}^n f_i(x)`: least squares, ridge and logistic regression.

These are the objectives of the stochastic theory (Oikonomou & Loizou, ICLR 2025): every component
:math:`f_i` is :math:`L_i`-smooth and bounded below by :math:`f_i^{\inf}`, and a sampling scheme
(:mod:`samtheory.sampling`) picks components to build stochastic gradients.

**Quantities every finite sum carries** (class :class:`FiniteSum`):

* ``component_smoothness`` :math:`(L_1,\dots,L_n)`, with :math:`L_{\max}=\max_iL_i` and
  :math:`\bar L=\frac1n\sum_iL_i`;
* ``component_lower_bounds`` :math:`(f_1^{\inf},\dots,f_n^{\inf})`, :math:`f_i\ge f_i^{\inf}`, and
  :math:`\Delta^{\inf}=f^*-\frac1n\sum_if_i^{\inf}\ge0` (``delta_inf``), the quantity that enters the
  constant :math:`C=2A\Delta^{\inf}` of the ABC inequality. It vanishes under interpolation (every
  :math:`f_i` minimized at a common point);
* the constants of :mod:`samtheory.functions._base` for :math:`f` itself (smoothness, strong
  convexity, PL), and :math:`f^*`;
* :meth:`FiniteSum.sampled_grad`, the vectorized weighted minibatch gradient
  :math:`\frac1b\sum_{j=1}^b w_j\nabla f_{i_j}(x)`, one minibatch per trajectory.

**Linear models.** Both concrete families have the form

.. math::

    f_i(x)=\phi_i(a_i^\top x)+\tfrac{\lambda}{2}\|x\|^2,\qquad
    \nabla f_i(x)=\phi_i'(a_i^\top x)\,a_i+\lambda x,\qquad
    \nabla^2f_i(x)=\phi_i''(a_i^\top x)\,a_ia_i^\top+\lambda I,

with rows :math:`a_i^\top` of the data matrix :math:`A\in\mathbb R^{n\times d}` and ridge weight
:math:`\lambda\ge0` (``reg``; not the Unified-SAM mixing weight). If :math:`0\le\phi_i''\le c` then
:math:`\|\nabla^2f_i\|\le c\|a_i\|^2+\lambda` (the eigenvalue along :math:`a_i`) and

.. math::

    \nabla^2f(x)=\tfrac1nA^\top\mathrm{diag}\big(\phi''(Ax)\big)A+\lambda I
    \preceq \tfrac cnA^\top A+\lambda I .

Since :math:`\|\nabla g(x)-\nabla g(y)\|\le\sup_z\|\nabla^2g(z)\|\,\|x-y\|` and the ratio tends to
:math:`\|\nabla^2 g(z)u\|` for :math:`y=z+tu`, :math:`t\to0`, a Hessian bound that is *attained* at
some point is the tight smoothness constant.

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

**Problem generators** (written from a description of those of the official code
``dimitris-oik/unifiedsam``, not copied):
:func:`sq_matrix_with_given_cond`, :func:`haar_matrix_with_given_cond` and
:func:`regression_targets`.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import numpy as np
from scipy.special import expit

from .._array import is_jax, namespace

from .._validation import InvalidParameterError, check_nonnegative, check_positive_int
from ._base import Constant, Family, Objective

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike

__all__ = ["FiniteSum", "LeastSquares", "Ridge", "LogisticRegression", "sq_matrix_with_given_cond",
           "haar_matrix_with_given_cond", "regression_targets"]

#: Eigenvalues below this fraction of the largest one are treated as exact zeros (rank deficiency);
#: ``eigh`` returns them as ±1e-16-sized noise.
_ZERO_EIGENVALUE_RTOL = 1e-12


# ---------------------------------------------------------------------------------------------
# The base class
# ---------------------------------------------------------------------------------------------

class FiniteSum(Objective):
    r""":math:`f(x)=\frac1n\sum_{i=1}^n f_i(x)` with per-component constants (module docstring).

    Subclasses implement :meth:`component_values`, :meth:`component_grads` and
    :meth:`_weighted_grad_sum`; they usually also override :meth:`value` and :meth:`grad` with a
    faster formula than the mean over components.

    Parameters
    ----------
    dim : int
    component_smoothness : array_like, shape (n,)
        :math:`L_i\ge0`, the smoothness constant of :math:`f_i`.
    component_lower_bounds : array_like, shape (n,)
        :math:`f_i^{\inf}\le\inf f_i`.
    constants, f_star, minimizer, name, region, sample_scale, description
        As for :class:`~samtheory.functions.Objective`.
    """

    def __init__(self, dim: int, component_smoothness: np.ndarray, component_lower_bounds: np.ndarray, constants: Any,
                 f_star: float, minimizer: ArrayLike | None = None, **kw: Any):
        L = np.asarray(component_smoothness, dtype=float).reshape(-1)
        lower = np.asarray(component_lower_bounds, dtype=float).reshape(-1)
        if L.size == 0:
            raise InvalidParameterError("a finite sum needs at least one component (n >= 1)")
        if lower.shape != L.shape:
            raise InvalidParameterError(
                f"component_lower_bounds must have one entry per component ({L.size}); got {lower.size}")
        if np.any(L < 0) or not np.all(np.isfinite(L)):
            raise InvalidParameterError("component_smoothness must be finite and >= 0")
        self.n_components = int(L.size)
        self.component_smoothness = L
        self.component_lower_bounds = lower
        super().__init__(dim, constants, f_star, minimizer, **kw)

    # -- per-component constants --------------------------------------------------------------
    @property
    def L_max(self) -> float:
        """:math:`L_{\\max}=\\max_iL_i`: every minibatch average of components is this smooth."""
        return float(self.component_smoothness.max())

    @property
    def L_bar(self) -> float:
        """:math:`\\bar L=\\frac1n\\sum_iL_i`: the smoothness of every reweighted importance sample."""
        return float(self.component_smoothness.mean())

    @property
    def delta_inf(self) -> float:
        r""":math:`\Delta^{\inf}=f^*-\frac1n\sum_if_i^{\inf}\ge0`.

        It is nonnegative because :math:`f^*=\inf\frac1n\sum f_i\ge\frac1n\sum\inf f_i`; the clip at
        0 only removes rounding noise (of order :math:`10^{-16}|f^*|`) in the interpolation case.
        """
        return max(0.0, self.f_star - float(self.component_lower_bounds.mean()))

    # -- evaluation ------------------------------------------------------------------------------
    def component_values(self, x: np.ndarray) -> np.ndarray:
        """:math:`(f_1(x),\\dots,f_n(x))` for ``x`` of shape ``(..., d)``; shape ``(..., n)``."""
        raise NotImplementedError

    def component_grads(self, x: np.ndarray) -> np.ndarray:
        r""":math:`(\nabla f_1(x),\dots,\nabla f_n(x))`; shape ``(..., n, d)``."""
        raise NotImplementedError

    def value(self, x: np.ndarray) -> np.ndarray:
        return self.component_values(x).mean(axis=-1)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.component_grads(x).mean(axis=-2)

    def _weighted_grad_sum(self, x, idx, weights):
        r""":math:`\sum_jw_{tj}\nabla f_{i_{tj}}(x_t)` for validated ``x`` (T, d), ``idx`` and
        ``weights`` (T, b). Returns shape (T, d)."""
        raise NotImplementedError

    def sampled_grad(self, x: np.ndarray, idx: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
        r"""Minibatch gradients, one minibatch per trajectory:

        .. math:: g_t=\frac1b\sum_{j=1}^b w_{tj}\,\nabla f_{i_{tj}}(x_t).

        Parameters
        ----------
        x : array, shape (T, d)
            One point per trajectory.
        idx : integer array, shape (T, b)
            Component indices in ``[0, n)``; repeats are allowed (sampling with replacement).
        weights : array, shape (T, b)
            Weights :math:`w_{tj}` (1 for uniform schemes, :math:`1/(np_i)` for reweighted
            importance sampling).

        Returns
        -------
        array, shape (T, d)
        """
        if is_jax(x) or is_jax(idx) or is_jax(weights):
            # traced by the JAX backend: shapes and dtypes are static and are checked; the range of
            # idx would need concrete values, so it is not (out-of-range indices are clamped by JAX)
            xp = namespace(x, idx, weights)
            x, idx, weights = xp.asarray(x, dtype=float), xp.asarray(idx), xp.asarray(weights, dtype=float)
            if (x.ndim != 2 or x.shape[1] != self.dim or idx.ndim != 2 or idx.shape[0] != x.shape[0]
                    or idx.shape[1] < 1 or weights.shape != idx.shape):
                raise InvalidParameterError(
                    f"sampled_grad: need x (T, {self.dim}), idx and weights (T, b) with b >= 1; got shapes "
                    f"x {x.shape}, idx {idx.shape}, weights {weights.shape}")
            if not xp.issubdtype(idx.dtype, xp.integer):
                raise InvalidParameterError(f"idx must be an integer array; got dtype {idx.dtype}")
            return self._weighted_grad_sum(x, idx, weights) / idx.shape[1]
        x = np.asarray(x, dtype=float)
        idx = np.asarray(idx)
        weights = np.asarray(weights, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise InvalidParameterError(f"x must have shape (trajectories, {self.dim}); got {x.shape}")
        if idx.ndim != 2 or idx.shape[0] != x.shape[0] or idx.shape[1] < 1:
            raise InvalidParameterError(
                f"idx must have shape ({x.shape[0]}, b) with b >= 1 (one row per trajectory); got {idx.shape}")
        if not np.issubdtype(idx.dtype, np.integer):
            raise InvalidParameterError(f"idx must be an integer array; got dtype {idx.dtype}")
        if weights.shape != idx.shape:
            raise InvalidParameterError(f"weights must have the shape of idx {idx.shape}; got {weights.shape}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.n_components):
            raise InvalidParameterError(
                f"indices must lie in [0, {self.n_components - 1}]; got range [{idx.min()}, {idx.max()}]")
        return self._weighted_grad_sum(x, idx, weights) / idx.shape[1]

    def summary(self) -> dict:
        out = super().summary()
        out["finite_sum"] = {
            "n": self.n_components, "L_max": self.L_max, "L_bar": self.L_bar,
            "delta_inf": self.delta_inf,
        }
        return out


def _expit(z):
    """The logistic sigmoid, picked by namespace: ``scipy.special.expit`` on numpy arrays (so numpy
    results do not change), ``jax.scipy.special.expit`` on JAX arrays and tracers (scipy's ufunc
    cannot be traced)."""
    if is_jax(z):
        from jax.scipy.special import expit as jax_expit
        return jax_expit(z)
    return expit(z)


# ---------------------------------------------------------------------------------------------
# Linear models f_i(x) = phi_i(a_i^T x) + reg/2 ||x||^2
# ---------------------------------------------------------------------------------------------

class _LinearModelSum(FiniteSum):
    r"""Shared machinery of :math:`f_i(x)=\phi_i(a_i^\top x)+\frac\lambda2\|x\|^2`.

    Subclasses define the scalar loss through :meth:`_loss`, :meth:`_slope` (:math:`\phi'`) and
    :meth:`_curvature` (:math:`\phi''`), each taking margins ``z`` and the matching targets ``t``
    (responses :math:`b_i` or labels :math:`y_i`) of broadcastable shapes.
    """

    def __init__(self, A, targets, reg, **kw):
        self.A = A
        self.targets = targets
        self.reg = float(reg)
        self.row_norms_sq = np.einsum("ij,ij->i", A, A)
        super().__init__(**kw)

    def _loss(self, z, t):
        raise NotImplementedError

    def _slope(self, z, t):
        raise NotImplementedError

    def _curvature(self, z, t):
        raise NotImplementedError

    def _margins(self, x):
        return self._as_points(x) @ self.A.T

    def component_values(self, x):
        x = self._as_points(x)
        ridge = 0.5 * self.reg * namespace(x).einsum("...i,...i->...", x, x)
        return self._loss(x @ self.A.T, self.targets) + ridge[..., None]

    def component_grads(self, x):
        x = self._as_points(x)
        slope = self._slope(x @ self.A.T, self.targets)
        return slope[..., :, None] * self.A + self.reg * x[..., None, :]

    def value(self, x):
        x = self._as_points(x)
        ridge = 0.5 * self.reg * namespace(x).einsum("...i,...i->...", x, x)
        return self._loss(x @ self.A.T, self.targets).mean(axis=-1) + ridge

    def grad(self, x):
        x = self._as_points(x)
        slope = self._slope(x @ self.A.T, self.targets)
        return slope @ self.A / self.n_components + self.reg * x

    def hessian(self, x):
        x = self._as_points(x)
        w = self._curvature(x @ self.A.T, self.targets)
        H = np.einsum("ki,...k,kj->...ij", self.A, w, self.A) / self.n_components
        return H + self.reg * np.eye(self.dim)

    def hvp(self, x, v):
        x = self._as_points(x)
        w = self._curvature(x @ self.A.T, self.targets)
        return (w * (np.asarray(v) @ self.A.T)) @ self.A / self.n_components + self.reg * np.asarray(v)

    def _weighted_grad_sum(self, x, idx, weights):
        # Gather the sampled rows: (T, b, d). Memory T*b*d, which for minibatches (b << n) is far
        # below forming all n residuals per trajectory.
        xp = namespace(x, idx, weights)
        rows = xp.asarray(self.A)[idx]
        z = xp.einsum("tbd,td->tb", rows, x)
        coef = weights * self._slope(z, xp.asarray(self.targets)[idx])
        # the ridge term is part of every f_i, so it is weighted like the data term
        return xp.einsum("tb,tbd->td", coef, rows) + self.reg * weights.sum(axis=1)[:, None] * x


def _check_design(A, name="A"):
    try:
        A = np.asarray(A, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a real matrix; got {A!r}") from None
    if A.ndim != 2 or A.shape[0] < 1 or A.shape[1] < 1:
        raise InvalidParameterError(f"{name} must be a matrix of shape (n, d) with n, d >= 1; got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise InvalidParameterError(f"{name} must be finite")
    return A


def _check_targets(values, n, name):
    try:
        t = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a real vector; got {values!r}") from None
    if t.size != n:
        raise InvalidParameterError(f"{name} must have one entry per row of A ({n}); got {t.size}")
    t = t.reshape(n)
    if not np.all(np.isfinite(t)):
        raise InvalidParameterError(f"{name} must be finite")
    return t


# ---------------------------------------------------------------------------------------------
# Least squares and ridge
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Logistic regression
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Problem generators (after those of the official Unified SAM code)
# ---------------------------------------------------------------------------------------------

def _orthogonal_factor(rng, n):
    """The Q factor of an n x n Gaussian matrix (signs fixed so that it is Haar distributed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.where(np.diag(r) == 0, 1.0, np.diag(r)))


def sq_matrix_with_given_cond(n: int, cond: float, rng: np.random.Generator | int | None = None) -> np.ndarray:
    r"""A symmetric positive definite :math:`n\times n` matrix with condition number ``cond``.

    Take :math:`s_j` log-spaced in :math:`[\mathrm{cond}^{-1/4},\mathrm{cond}^{1/4}]`, orthogonal
    :math:`U,V` (Q factors of Gaussian matrices) and :math:`M=U\,\mathrm{diag}(s)\,V^\top`; return
    :math:`MM^\top=U\,\mathrm{diag}(s^2)\,U^\top`. Its eigenvalues are :math:`s_j^2`, log-spaced in
    :math:`[\mathrm{cond}^{-1/2},\mathrm{cond}^{1/2}]`, so its condition number is ``cond`` and
    that of :math:`A^\top A=A^2` is :math:`\mathrm{cond}^2`.

    Parameters
    ----------
    n : int
    cond : float
        :math:`\ge1`.
    rng : numpy.random.Generator, int or None
    """
    n = check_positive_int("n", n)
    cond = float(check_nonnegative("cond", cond))
    if cond < 1:
        raise InvalidParameterError(f"cond must be >= 1 (allowed range: [1, inf)); got {cond!r}")
    rng = np.random.default_rng(rng)
    s = np.logspace(-0.25 * np.log10(cond), 0.25 * np.log10(cond), n)
    U = _orthogonal_factor(rng, n)
    V = _orthogonal_factor(rng, n)
    M = (U * s) @ V.T
    out = M @ M.T
    return 0.5 * (out + out.T)  # exact symmetry despite rounding


def haar_matrix_with_given_cond(d: int, cond: float, rng: np.random.Generator | int | None = None,
                                smallest: float = 1.0) -> np.ndarray:
    r""":math:`A=QDQ^\top` with :math:`Q` Haar-orthogonal and
    :math:`D=\mathrm{diag}(\mu_A,\ \mu_A\,\mathrm{cond},\ U[\mu_A,2\mu_A]^{d-2})`, :math:`\mu_A` =
    ``smallest`` (1 in the reference).

    The generator of the reference's importance-sampling problem (``RidgeRegression_``): the
    eigenvalues of :math:`A` itself are :math:`\mu_A`, :math:`\mu_A\,\mathrm{cond}` and :math:`d-2`
    uniform draws in :math:`[\mu_A,2\mu_A]`, so :math:`\mathrm{cond}(A)=\mathrm{cond}` when
    ``cond >= 2``, and the rotated rows have very different norms (heterogeneous :math:`L_i`).

    Parameters
    ----------
    d : int
        :math:`\ge2`.
    cond : float
        :math:`\ge1`.
    rng : numpy.random.Generator, int or None
    smallest : float
        :math:`\mu_A>0`.
    """
    from scipy.stats import ortho_group

    d = check_positive_int("d", d, minimum=2)
    cond = float(check_nonnegative("cond", cond))
    if cond < 1:
        raise InvalidParameterError(f"cond must be >= 1 (allowed range: [1, inf)); got {cond!r}")
    smallest = float(check_nonnegative("smallest", smallest))
    if smallest <= 0:
        raise InvalidParameterError(f"smallest must be > 0 (allowed range: (0, inf)); got {smallest!r}")
    rng = np.random.default_rng(rng)
    spectrum = np.concatenate([[smallest, smallest * cond], smallest * rng.uniform(1.0, 2.0, size=d - 2)])
    Q = ortho_group.rvs(d, random_state=rng)
    out = (Q * spectrum) @ Q.T
    return 0.5 * (out + out.T)


def regression_targets(A: np.ndarray, rng: np.random.Generator | int | None = None,
                       consistent: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    r"""Responses for a design ``A``: :math:`b=Ax_\star`, :math:`x_\star\sim\mathcal N(0,I_d)` when
    ``consistent`` (returns ``(b, x_star)``), else :math:`b\sim\mathcal N(0,I_n)` (returns
    ``(b, None)``)."""
    A = _check_design(A)
    rng = np.random.default_rng(rng)
    if consistent:
        x_star = rng.standard_normal(int(A.shape[1]))
        return A @ x_star, x_star
    return rng.standard_normal(int(A.shape[0])), None
