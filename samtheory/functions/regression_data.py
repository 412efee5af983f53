r"""Problem generators for the finite sums (written from a description of those of the official code
``dimitris-oik/unifiedsam``, not copied):
:func:`sq_matrix_with_given_cond`, :func:`haar_matrix_with_given_cond` and
:func:`regression_targets`.
"""
from __future__ import annotations

import numpy as np

from .._validation import InvalidParameterError, check_nonnegative, check_positive_int
from ._finite_sum import _check_design

__all__ = ["sq_matrix_with_given_cond", "haar_matrix_with_given_cond", "regression_targets"]


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
