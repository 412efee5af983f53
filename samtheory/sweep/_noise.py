r"""The σ axis of a sweep: additive noise whose level varies over the grid's points.

A sweep with the grid axis ``sigma`` takes an :class:`samtheory.oracles.AdditiveNoise` oracle for
its kind (Gaussian or Rademacher); the axis replaces its σ. Within a chunk every trajectory of
point :math:`p` draws :math:`\xi=\sigma_p\,z/\sqrt d`, where :math:`z` is the unit draw
(:math:`\mathbb E\|z\|^2=d`) of the point's own stream, so :math:`\mathbb E\|\xi\|^2=\sigma_p^2`
as for ``AdditiveNoise(objective, sigma_p)``. The unit draws come from the point's grid indices
(:mod:`samtheory.sweep._grid`) and the scale is per point, so a point's numbers are the same in
every chunking. (They are the same samples as a lone ``AdditiveNoise(objective, sigma_p)`` run on
the point's stream up to rounding: :math:`\sigma(z/\sqrt d)` instead of :math:`(\sigma/\sqrt d)z`.)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..functions import Objective
from ..oracles import AdditiveNoise, Oracle


class GridNoise(Oracle):
    """``base``'s noise kind with one σ per row of the batch (``sigma``: shape ``(n,)``)."""

    objective: Objective

    def __init__(self, base: AdditiveNoise, sigma: np.ndarray):
        self.objective = base.objective
        self.unit = AdditiveNoise(base.objective, 1.0, base.kind)
        self.sigma = np.asarray(sigma, dtype=float)[:, None]
        self.variance = None  # one per row: no single sup over x

    def draw(self, rng: Any, n: int) -> Any:
        if n != self.sigma.shape[0]:
            raise ValueError(f"GridNoise holds {self.sigma.shape[0]} noise levels, not {n}")
        return self.sigma * self.unit.draw(rng, n)

    def grad(self, x: np.ndarray, sample: Any) -> np.ndarray:
        return self.objective.grad(x) + sample

    def describe(self) -> dict[str, Any]:
        return {"oracle": "additive-noise", "kind": self.unit.kind, "sigma": "grid axis sigma"}
