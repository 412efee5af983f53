r"""Regime maps as data: the regime of each grid cell, the measured stability edge, and the
theory's boundaries for an objective.

A cell's regime is the most common label of its trajectories (:func:`samtheory.sweep.label`),
grouped into :data:`CATEGORIES` for drawing. The theory's lines use two numbers of the objective:
its certified smoothness :math:`\beta` (GD edge :math:`2/\beta`) and the curvature :math:`\lambda`
at its minimizer (largest Hessian eigenvalue there: the SAM and USAM edges and the 2-cycle
amplitude of :mod:`samtheory.closed_forms`, exact on a quadratic, local elsewhere).
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .. import closed_forms
from ._regimes import APERIODIC, CHAOTIC, CONVERGED, CYCLE, DIVERGED, STALLED, TRANSIENT

#: what a map shows, in legend order
CATEGORIES = ("converged", "stalled", "period 2", "period 4", "other period 3-8", "chaotic", "aperiodic", "transient",
              "diverged")


def category(regime, period) -> int:
    """Index into :data:`CATEGORIES` of one trajectory's regime."""
    regime, period = int(regime), int(period)
    if regime == CYCLE:
        return {2: 2, 4: 3}.get(period, 4)
    return {CONVERGED: 0, STALLED: 1, CHAOTIC: 5, APERIODIC: 6, TRANSIENT: 7, DIVERGED: 8}[regime]


def cell_categories(dataset) -> np.ndarray:
    """The most common category of each grid cell (ties: the lower index), shape of the grid."""
    regime, period = dataset["regime"].values, dataset["period"].values
    grid_shape = regime.shape[:-1]
    out = np.empty(grid_shape, dtype=np.int8)
    for index in np.ndindex(grid_shape):
        counts = Counter(category(r, p) for r, p in zip(regime[index], period[index]))
        top = max(counts.values())
        out[index] = min(c for c, n in counts.items() if n == top)
    return out


def measured_edges(dataset) -> np.ndarray:
    r"""For each :math:`\rho` of an (eta, rho) map, the smallest :math:`\eta` from which every
    larger :math:`\eta` of the grid diverged (``nan`` when the largest did not)."""
    cells = cell_categories(dataset)  # (eta, rho)
    etas = dataset["eta"].values
    diverged = cells == CATEGORIES.index("diverged")
    edges = np.full(cells.shape[1], np.nan)
    for j in range(cells.shape[1]):
        column = diverged[:, j]
        if column[-1]:
            above = np.flatnonzero(~column)
            edges[j] = etas[0] if above.size == 0 else etas[above[-1] + 1]
    return edges


def curvature_at_minimizer(objective) -> float:
    """Largest eigenvalue of the Hessian at the objective's minimizer."""
    hessian = np.asarray(objective.hessian(np.asarray(objective.minimizer, dtype=float)))
    return float(np.linalg.eigvalsh(hessian.reshape(objective.dim, objective.dim))[-1])


def theory(objective, rho) -> dict:
    """The boundaries drawn on a map over ``rho`` (1-D array): ``gd_edge`` and ``sam_edge``
    (numbers), ``usam_edge`` (one η per ρ), and the constants used."""
    curvature = curvature_at_minimizer(objective)
    smoothness = objective.smoothness
    rho = np.asarray(rho, dtype=float)
    return {"curvature": curvature, "smoothness": smoothness,
            "gd_edge": None if smoothness is None else closed_forms.gd_stability_edge(smoothness),
            "sam_edge": closed_forms.sam_stability_edge(curvature),
            "usam_edge": closed_forms.usam_stability_edge(rho, curvature)}
