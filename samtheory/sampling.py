r"""Stochastic gradients of finite sums by sampling components (arbitrary sampling).

For :math:`f(x)=\frac1n\sum_{i=1}^nf_i(x)` (a :class:`~samtheory.functions.FiniteSum`) a sampling
scheme draws a random vector :math:`v\in\mathbb R^n_{\ge0}` and the stochastic gradient is that of
:math:`f_v=\frac1n\sum_iv_if_i` (arbitrary sampling, Gower et al. 2019, as used by Oikonomou & Loizou, ICLR 2025). The scheme is unbiased when
:math:`\mathbb E[v_i]=1` for every :math:`i`: then :math:`\mathbb E\nabla f_v=\nabla f`.

======================== ========================================== ================================
scheme                   sample                                     :math:`f_v`
======================== ========================================== ================================
``uniform``              one index, :math:`p_i=1/n`                 :math:`f_i`
``nice`` (b-nice)        a uniform subset :math:`S`, :math:`|S|=b`,  :math:`\frac1b\sum_{i\in S}f_i`
                         without replacement
``replacement``          :math:`b` i.i.d. uniform indices            :math:`\frac1b\sum_{j=1}^bf_{i_j}`
``importance``           one index, :math:`p_i=L_i/\sum_jL_j`       :math:`\frac{f_i}{np_i}=\frac{\bar L}{L_i}f_i`
                                                                    (``reweight=True``) or :math:`f_i`
======================== ========================================== ================================

A sample, as returned by :meth:`FiniteSumSampling.draw`, is the pair ``(idx, weights)`` of arrays of
shape ``(trajectories, b)``; the gradient is
:math:`\frac1b\sum_jw_j\nabla f_{i_j}` (:meth:`~samtheory.functions.FiniteSum.sampled_grad`).

**The biased importance variant.** With ``reweight=False`` the index is drawn with
:math:`p_i\propto L_i` but not reweighted, as in the Unified SAM official code (``dimitris-oik/unifiedsam``;
Q2). Its mean is :math:`\sum_ip_i\nabla f_i=\nabla\big(\sum_ip_if_i\big)`, the gradient of a
*different* function, whose minimizer is not :math:`x^*`: the method then converges to a biased
point. It is offered for parity only.

**ABC constants** (:meth:`FiniteSumSampling.expected_smoothness`). Every unbiased scheme here
satisfies, for all :math:`x`,

.. math::

    \mathbb E\|\nabla f_v(x)\|^2\le 2A\,(f(x)-f^*)+B\,\|\nabla f(x)\|^2+C,\qquad C=2A\Delta^{\inf},

with :math:`\Delta^{\inf}=f^*-\frac1n\sum_if_i^{\inf}` (Khaled & Richtárik
2020). Two facts give all of them:

1. an :math:`L_i`-smooth :math:`f_i\ge f_i^{\inf}` has :math:`\|\nabla f_i(x)\|^2\le2L_i(f_i(x)-f_i^{\inf})`
   (descent lemma at :math:`x-\nabla f_i(x)/L_i`; no convexity needed), so
   :math:`\frac1n\sum_ic_i\|\nabla f_i\|^2\le2\max_ic_iL_i\cdot\frac1n\sum_i(f_i-f_i^{\inf})
   =2\max_ic_iL_i\,\big(f(x)-f^*+\Delta^{\inf}\big)` for weights :math:`c_i\ge0`;
2. the second moment of each sampled average, with :math:`g_i=\nabla f_i(x)`,
   :math:`\bar g=\nabla f(x)`:

   * single element with probabilities :math:`p`:
     :math:`\mathbb E\|\tfrac{g_i}{np_i}\|^2=\frac1n\sum_i\frac{1}{np_i}\|g_i\|^2`, so
     :math:`A=\max_i\frac{L_i}{np_i}`, :math:`B=0` — uniform: :math:`A=L_{\max}`; importance:
     :math:`A=\bar L` (every :math:`L_i/(np_i)` equals :math:`\bar L`);
   * :math:`b`-nice (without replacement):
     :math:`\mathbb E\|\frac1b\sum_{i\in S}g_i\|^2=\frac{n-b}{b(n-1)}\frac1n\sum_i\|g_i\|^2+\frac{n(b-1)}{b(n-1)}\|\bar g\|^2`,
     so :math:`A=\frac{n-b}{b(n-1)}L_{\max}`, :math:`B=\frac{n(b-1)}{b(n-1)}`; the full batch
     :math:`b=n` gives :math:`A=0`, :math:`B=1`, :math:`C=0`;
   * :math:`b` i.i.d. uniform draws: the cross terms of independent draws are
     :math:`\|\bar g\|^2`, so :math:`\mathbb E\|\frac1b\sum_jg_{i_j}\|^2=\frac1b\frac1n\sum_i\|g_i\|^2+(1-\frac1b)\|\bar g\|^2`,
     :math:`A=L_{\max}/b`, :math:`B=1-1/b`.

The same dictionary gives ``L``, a smoothness constant of *every* realization :math:`f_v`:
:math:`L_{\max}` for averages of components (uniform, nice, replacement), :math:`\bar L` for
reweighted importance sampling (:math:`\frac{\bar L}{L_i}f_i` is :math:`\bar L`-smooth), and the
smoothness of :math:`f` itself for the full batch (:math:`f_v=f`). The reference code's table
(Oikonomou & Loizou, ICLR 2025) uses the same :math:`A,B`; it keeps :math:`L_{\max}` for importance sampling,
which is also valid but larger.

For the biased variant no constants are returned: the ABC inequality is a statement about an
unbiased estimator of :math:`\nabla f`.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import numpy as np

from ._random import as_source
from ._validation import InvalidParameterError, check_choice, check_positive_int
from .functions.finite_sums import FiniteSum
from .oracles import Oracle

if TYPE_CHECKING:  # names used in annotations only
    from .functions._base import Objective

__all__ = ["FiniteSumSampling", "SCHEMES"]

#: The sampling schemes, in the order of the module docstring.
SCHEMES = ("uniform", "nice", "replacement", "importance")
#: Schemes that draw a single component per sample.
_SINGLE_ELEMENT = ("uniform", "importance")


class FiniteSumSampling(Oracle):
    """Stochastic gradients of a finite sum by sampling its components (module docstring).

    Parameters
    ----------
    objective : FiniteSum
    scheme : {"uniform", "nice", "replacement", "importance"}
    batch_size : int
        :math:`b\\in[1,n]`. Must be 1 for the single-element schemes ``uniform`` and
        ``importance``.
    reweight : bool
        ``importance`` only: ``True`` (default) weights the sampled component by :math:`1/(np_i)`,
        which makes the estimator unbiased; ``False`` is the unweighted, biased variant of the
        reference code. For the other schemes every weight is 1 either way.

    Attributes
    ----------
    probabilities : array, shape (n,)
        Probability of each component being (one of the) sampled: :math:`p_i` for single-element
        schemes, :math:`b/n` for ``nice``, and for ``replacement`` the probability of each draw, 1/n.
    sample_smoothness : float
        A smoothness constant of every realization :math:`f_v` (``L`` of :meth:`expected_smoothness`).
    unbiased : bool
    """

    objective: FiniteSum
    variance = None  # E||grad f_v - grad f||^2 grows with ||x|| for finite sums: no uniform bound

    def __init__(self, objective: Objective, scheme: str = "uniform", batch_size: int = 1, reweight: bool = True):
        if not isinstance(objective, FiniteSum):
            raise InvalidParameterError(
                f"objective must be a FiniteSum (least squares, ridge, logistic regression, ...); "
                f"got {type(objective).__name__}")
        self.objective = objective
        self.scheme = check_choice("sampling scheme", scheme, SCHEMES)
        n = objective.n_components
        self.batch_size = check_positive_int("batch_size", batch_size)
        if self.batch_size > n:
            raise InvalidParameterError(
                f"batch_size must lie in [1, {n}] (the number of components); got {batch_size}")
        if self.scheme in _SINGLE_ELEMENT and self.batch_size != 1:
            raise InvalidParameterError(
                f"scheme {self.scheme!r} draws a single component: batch_size must be 1; got {batch_size} "
                "(use 'nice' or 'replacement' for minibatches)")
        if not isinstance(reweight, (bool, np.bool_)):
            raise InvalidParameterError(f"reweight must be True or False; got {reweight!r}")
        self.reweight = bool(reweight)

        L = objective.component_smoothness
        if self.scheme == "importance":
            if not L.sum() > 0:
                raise InvalidParameterError("importance sampling needs some component smoothness L_i > 0")
            self.probabilities = L / L.sum()
            with np.errstate(divide="ignore"):
                # components with p_i = 0 are never drawn (then L_i = 0 and grad f_i = 0: a lower
                # bounded function with a constant gradient is constant), so their weight is unused
                self._component_weights = np.where(self.probabilities > 0, 1.0 / (n * self.probabilities), 0.0)
        else:
            self.probabilities = np.full(n, self.batch_size / n if self.scheme == "nice" else 1.0 / n)
            self._component_weights = np.ones(n)
        self.unbiased = self.scheme != "importance" or self.reweight

        if self.scheme == "importance" and self.reweight:
            self.sample_smoothness = objective.L_bar
        elif self.scheme == "nice" and self.batch_size == n and objective.smoothness is not None:
            self.sample_smoothness = objective.smoothness  # f_v = f
        else:
            self.sample_smoothness = objective.L_max

    # -- the Oracle interface ---------------------------------------------------------------------
    def draw(self, rng: Any, n: int) -> Any:
        """``n`` independent samples ``(idx, weights)``, each of shape ``(n, batch_size)``."""
        source = as_source(rng)
        xp = source.xp
        n_comp, b = self.objective.n_components, self.batch_size
        if self.scheme == "uniform" or self.scheme == "replacement":
            idx = source.integers(n_comp, (n, b))
        elif self.scheme == "nice":
            if b == n_comp:
                # the only subset of size n: no randomness to draw
                idx = xp.broadcast_to(xp.arange(n_comp), (n, n_comp)).copy()
            else:
                # independent uniform permutations (Fisher-Yates per row); their first b entries are
                # a uniform b-subset, distinct by construction
                idx = source.subsets(n, n_comp, b)
        else:  # importance
            idx = source.choice(n_comp, (n, 1), self.probabilities)
        if self.scheme == "importance" and self.reweight:
            weights = xp.asarray(self._component_weights)[idx]
        else:
            weights = xp.ones(idx.shape)
        return idx, weights

    def grad(self, x: np.ndarray, sample: Any) -> np.ndarray:
        idx, weights = sample
        return self.objective.sampled_grad(x, idx, weights)

    # -- theory -----------------------------------------------------------------------------------
    def expected_gradient(self, x: np.ndarray) -> np.ndarray:
        r"""The exact mean :math:`\mathbb E\nabla f_v(x)` of the estimator, shape like ``x``.

        :math:`\nabla f` for the unbiased schemes; :math:`\sum_ip_i\nabla f_i(x)` for unweighted
        importance sampling.
        """
        if self.unbiased:
            return self.objective.grad(x)
        return np.einsum("i,...id->...d", self.probabilities, self.objective.component_grads(x))

    def expected_smoothness(self) -> dict:
        r"""The ABC constants and the realization smoothness ``L`` (module docstring).

        Returns
        -------
        dict
            ``A``, ``B``, ``C`` (floats), ``L``, and ``delta_inf`` (:math:`\Delta^{\inf}`, the factor
            in :math:`C=2A\Delta^{\inf}`).

        Raises
        ------
        InvalidParameterError
            For unweighted importance sampling (``reweight=False``), which is biased.
        """
        obj = self.objective
        n, b = obj.n_components, self.batch_size
        if not self.unbiased:
            raise InvalidParameterError(
                "expected_smoothness: importance sampling with reweight=False is a biased estimator "
                "(its mean is the gradient of sum_i p_i f_i, not of f); the ABC inequality is defined "
                "for unbiased estimators. Use reweight=True.")
        L = obj.component_smoothness
        if self.scheme in _SINGLE_ELEMENT:
            drawn = self.probabilities > 0
            A = float(np.max(L[drawn] / (n * self.probabilities[drawn])))
            B = 0.0
        elif self.scheme == "nice":
            if b == n:  # full batch: f_v = f
                A, B = 0.0, 1.0
            else:
                A = (n - b) / (b * (n - 1)) * obj.L_max
                B = n * (b - 1) / (b * (n - 1))
        else:  # replacement
            A = obj.L_max / b
            B = 1.0 - 1.0 / b
        delta = obj.delta_inf
        return {"A": float(A), "B": float(B), "C": float(2 * A * delta), "L": float(self.sample_smoothness),
                "delta_inf": float(delta)}

    def describe(self) -> dict:
        out = {"oracle": "finite-sum-sampling", "scheme": self.scheme, "batch_size": self.batch_size,
               "n": self.objective.n_components, "reweight": self.reweight, "unbiased": self.unbiased,
               "sample_smoothness": float(self.sample_smoothness)}
        out["expected_smoothness"] = self.expected_smoothness() if self.unbiased else None
        return out

    def __repr__(self):
        return (f"<FiniteSumSampling {self.scheme} b={self.batch_size} on {self.objective.name!r}"
                f"{'' if self.unbiased else ' (biased)'}>")
