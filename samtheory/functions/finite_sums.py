r"""Finite sums :math:`f(x)=\frac1n\sum_{i=1}^n f_i(x)`: least squares, ridge and logistic regression.

These are the objectives of the stochastic theory (Oikonomou & Loizou, ICLR 2025): every component
:math:`f_i` is :math:`L_i`-smooth and bounded below by :math:`f_i^{\inf}`, and a sampling scheme
(:mod:`samtheory.sampling`) picks components to build stochastic gradients.

Where each part lives (this module gathers them, so ``from samtheory.functions.finite_sums import
LeastSquares`` keeps working):

* :class:`FiniteSum`, the per-component constants (:math:`L_i`, :math:`f_i^{\inf}`,
  :math:`\Delta^{\inf}`) and the minibatch gradient, and the linear models
  :math:`f_i(x)=\phi_i(a_i^\top x)+\frac\lambda2\|x\|^2` with their smoothness argument:
  :mod:`samtheory.functions._finite_sum`;
* :class:`LeastSquares` and :class:`Ridge` (every constant tight, in closed form):
  :mod:`samtheory.functions.least_squares`;
* :class:`LogisticRegression` (:math:`f^*` numerical, with an error bound):
  :mod:`samtheory.functions.logistic_regression`;
* the problem generators :func:`sq_matrix_with_given_cond`, :func:`haar_matrix_with_given_cond`
  and :func:`regression_targets`: :mod:`samtheory.functions.regression_data`.
"""
from __future__ import annotations

from ._finite_sum import FiniteSum
from .least_squares import LeastSquares, Ridge
from .logistic_regression import LogisticRegression
from .regression_data import haar_matrix_with_given_cond, regression_targets, sq_matrix_with_given_cond

__all__ = ["FiniteSum", "LeastSquares", "Ridge", "LogisticRegression", "sq_matrix_with_given_cond",
           "haar_matrix_with_given_cond", "regression_targets"]

