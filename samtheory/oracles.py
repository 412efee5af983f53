r"""Stochastic gradient oracles.

An oracle returns unbiased stochastic gradients :math:`\nabla f(x;\xi)` of an objective
:math:`f(x)=\mathbb E_\xi f(x;\xi)`. The simulator asks it for a sample :math:`\xi` (``draw``) and
then for gradients at any point with that sample (``grad``). This split is what lets SAM use the
*same* sample for its ascent and descent gradients, or *independent* samples.

This module holds the interface and additive noise with exactly known variance,

.. math::

    \nabla f(x;\xi)=\nabla f(x)+\xi,\qquad \mathbb E\xi=0,\quad \mathbb E\|\xi\|^2=\sigma^2 .

* ``gaussian``: :math:`\xi\sim\mathcal N(0,\tfrac{\sigma^2}{d}I_d)`.
* ``rademacher``: :math:`\xi=\tfrac{\sigma}{\sqrt d}(s_1,\dots,s_d)` with independent signs
  :math:`s_i=\pm1`; in 1-D this is the :math:`\pm\sigma` noise of the asymmetric quadratic (``docs/proofs/si-yun-lower-bounds.md`` §3). Here
  :math:`\|\xi\|=\sigma` exactly.

With additive noise every component :math:`f(\cdot;\xi)=f+\langle\xi,\cdot\rangle` has the
smoothness of :math:`f`. Finite sums with sampling schemes live in :mod:`samtheory.sampling`.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import numpy as np

from ._random import as_source
from ._validation import check_choice, check_nonnegative

if TYPE_CHECKING:  # names used in annotations only
    from .functions._base import Objective


class Oracle:
    """Interface of a stochastic gradient oracle.

    Attributes
    ----------
    objective : Objective
        The expected objective :math:`f` (its exact value and gradient are used for the recorded
        measures).
    variance : float or None
        :math:`\\sup_x \\mathbb E\\|\\nabla f(x;\\xi)-\\nabla f(x)\\|^2` when known exactly.
    """

    objective: Objective | None = None
    variance: float | None = None

    def draw(self, rng: Any, n: int) -> Any:
        """Draw ``n`` independent samples (one per trajectory).

        ``rng`` is a random source of :mod:`samtheory._random` (a numpy ``Generator`` is accepted
        and wrapped); write the draw with its methods so that it also runs in the JAX backend."""
        raise NotImplementedError

    def grad(self, x: np.ndarray, sample: Any) -> np.ndarray:
        """Stochastic gradients at ``x`` (shape ``(n, d)``) with the samples ``sample``."""
        raise NotImplementedError

    def describe(self) -> dict:
        raise NotImplementedError


class AdditiveNoise(Oracle):
    """:math:`\\nabla f(x)+\\xi` with :math:`\\mathbb E\\|\\xi\\|^2=\\sigma^2` exactly (module docstring).

    Parameters
    ----------
    objective : Objective
    sigma : float
        Noise level :math:`\\sigma\\ge0`.
    kind : {"gaussian", "rademacher"}
    """

    KINDS = ("gaussian", "rademacher")
    objective: Objective

    def __init__(self, objective: Objective, sigma: float, kind: str = "gaussian"):
        self.objective = objective
        self.sigma = float(check_nonnegative("sigma", sigma))
        self.kind = check_choice("noise", kind, self.KINDS)
        self.variance = self.sigma ** 2

    def draw(self, rng: Any, n: int) -> Any:
        source = as_source(rng)
        d = self.objective.dim
        scale = self.sigma / np.sqrt(d)
        if self.kind == "gaussian":
            return scale * source.normal((n, d))
        return scale * source.signs((n, d))

    def grad(self, x: np.ndarray, sample: Any) -> np.ndarray:
        return self.objective.grad(x) + sample

    def describe(self) -> dict[str, Any]:
        return {"oracle": "additive-noise", "kind": self.kind, "sigma": self.sigma, "variance": self.variance}
