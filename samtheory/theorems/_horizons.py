r"""One simulation per horizon, for ``rate`` checks whose theorem chooses the step size per horizon.

A rate statement such as P6, :math:`\frac1T\sum_{t<T}\mathbb E\|\nabla f(x_t)\|^2\le\mathcal
O(T^{-1/2})+4\beta^2\rho^2` with :math:`\eta_T=\min\{1/(4\beta),1/(\beta\sqrt T)\}`, is a statement
about :math:`K` different runs: horizon :math:`T_i` runs :math:`T_i` steps with its own
:math:`\eta_{T_i}`, and its measure is read at :math:`t=T_i`. Nothing after :math:`T_i` is ever
read. Running the :math:`K` runs as one grid carried every row to :math:`\max_iT_i`: on the
geometric grid :math:`T_i=T_{\max}/2^{K-1-i}` that is :math:`K\,T_{\max}` trajectory-steps per
trajectory where :math:`\sum_iT_i<2T_{\max}` suffice (3× the work and 6× the recorded memory for
:math:`K=6`). :class:`HorizonRuns` holds the :math:`K` runs instead, each only as long as its
horizon.

Random streams: horizon :math:`i` of an instance with seed :math:`s` draws from the seed
:func:`horizon_seed` ``(s, i)`` (a ``numpy.random.SeedSequence`` of the pair), so the horizons are
independent of each other and the same seed gives the same numbers.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import numpy as np


def horizon_seed(seed: int | None, index: int) -> int | None:
    """The seed of horizon ``index`` of a run seeded with ``seed`` (``None``: fresh entropy)."""
    if seed is None:
        return None
    return int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1, np.uint32)[0])


class HorizonRuns:
    """The simulations of one rate check, one per horizon: ``results[i]`` ran ``horizons[i]`` steps.

    It offers what the check reads of a whole run: the per-trajectory ``status``,
    ``diverged_at`` and ``left_region_at`` stacked over the horizons (shape ``(K,) + batch``), and
    :meth:`runs`, the per-horizon :class:`~samtheory.theorems._theorem.Run` objects a measure reads
    (:func:`samtheory.theorems.measures.horizon` does so). A measure that reads
    ``run.result.*_history`` directly gets an error that says to wrap it with ``horizon``.
    """

    def __init__(self, results: Sequence[Any], horizons: Sequence[int]):
        if len(results) != len(horizons):
            raise ValueError(f"one result per horizon: got {len(results)} results for {len(horizons)} horizons")
        self.results = tuple(results)
        self.horizons = tuple(int(T) for T in horizons)

    def _stacked(self, key):
        return np.stack([np.asarray(r[key]) for r in self.results])

    @property
    def status(self) -> np.ndarray:
        return self._stacked("status")

    @property
    def diverged_at(self) -> np.ndarray:
        return self._stacked("diverged_at")

    @property
    def left_region_at(self) -> np.ndarray:
        return self._stacked("left_region_at")

    @property
    def batch_shape(self) -> tuple:
        return (len(self.results),) + tuple(self.results[0].batch_shape)

    def initial_losses(self) -> np.ndarray | None:
        """:math:`f(x_0)-f^*` of every trajectory of the first horizon (all horizons start alike)."""
        history = self.results[0].loss_history
        return None if history is None else np.asarray(history[0])

    def runs(self, run: Any) -> list:
        """``run`` (a Run over these results) split into one Run per horizon."""
        return [replace(run, result=result, horizons=(T,)) for result, T in zip(self.results, self.horizons)]

    def grid_point(self, index: int, axis: int = 0, *, eta: Sequence[float] | None = None, **parameters: Any) -> "HorizonRuns":
        """Point ``index`` of grid axis ``axis`` of every horizon's run (``eta``: its step size at
        each horizon), as :meth:`samtheory.SimulationResult.grid_point` does for one run."""
        points = []
        for k, result in enumerate(self.results):
            extra = dict(parameters) if eta is None else {**parameters, "eta": float(eta[k])}
            points.append(result.grid_point(index, axis=axis, **extra))
        return HorizonRuns(points, self.horizons)

    def freeze(self) -> None:
        """Make every array read-only (the check cache shares results between checks)."""
        for result in self.results:
            for value in result.values():
                if isinstance(value, np.ndarray):
                    value.flags.writeable = False

    def __getattr__(self, name: str) -> Any:
        # only reached for attributes this class does not define (e.g. gradsq_history)
        raise AttributeError(
            f"a rate check whose step size depends on the horizon runs one simulation per horizon; "
            f"'{name}' has no single value across them: read per-T curves through "
            f"samtheory.theorems.measures.horizon(curve), which evaluates each horizon's own run")


def geometric_horizons(steps, count=6):
    """Horizons ``steps / 2^k`` (k = count-1, ..., 0), the grid of ``rate`` checks."""
    hs = sorted({max(2, int(round(steps / 2 ** k))) for k in range(count)})
    return tuple(hs)
