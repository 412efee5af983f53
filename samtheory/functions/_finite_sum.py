r"""The machinery every finite sum :math:`f(x)=\frac1n\sum_{i=1}^n f_i(x)` shares (the families are
in :mod:`samtheory.functions.least_squares` and :mod:`samtheory.functions.logistic_regression`;
:mod:`samtheory.functions.finite_sums` is their overview).

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
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import numpy as np

from .._array import is_jax, namespace
from .._validation import InvalidParameterError
from ._base import Objective

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike

__all__ = ["FiniteSum"]


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


def random_size_and_seed(rng: np.random.Generator, dim: int) -> tuple[int, int]:
    """The fuzzer's draw of a random linear-model problem's shape: a number of components ``n``
    in ``[dim + 2, 29]`` (more rows than unknowns) and a seed for the problem's data, in that
    order (the catalog's finite-sum entries share it)."""
    n = int(rng.integers(dim + 2, 30))
    return n, int(rng.integers(1 << 30))
