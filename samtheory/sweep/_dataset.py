"""The xarray Dataset of a sweep, assembled from its chunks' results.

Dimensions: the grid's axes (``eta``, ``rho``, ``lam``, as coordinates with their values), then
``trajectory``; ``coordinate`` for points in :math:`\\mathbb R^d`; with histories also ``t`` (the
recorded steps of the loss curves) and ``window`` (the tail window's iterates). The variables are
per-trajectory summaries (their meaning in each variable's ``description`` attribute); the
Dataset's attributes hold the sweep's parameters, and ``regimes`` / ``statuses`` the names of the
integer codes of ``regime`` and ``status``.
"""
from __future__ import annotations

import numpy as np

from ._chunk import STATUSES
from ._regimes import REGIMES

DESCRIPTIONS = {
    "x0": "starting point",
    "x": "last iterate x_T (nan if diverged)",
    "status": "index into attrs['statuses']: ok, diverged, left-region (left the box its constants hold on)",
    "diverged_at": "step at which f - f* became non-finite or exceeded the threshold (-1: never)",
    "loss": "f(x_T) - f*",
    "gradsq": "||grad f(x_T)||^2",
    "loss_min": "min over t <= T of f(x_t) - f*",
    "loss_tail_mean": "mean of f(x_t) - f* over the tail window (the last K steps)",
    "gradsq_tail_mean": "mean of ||grad f(x_t)||^2 over the tail window",
    "regime": "index into attrs['regimes'] (samtheory.sweep._regimes)",
    "period": "period k of the tail (1 fixed point, 2..8 cycle, 0 none)",
    "lyapunov": "finite-time Lyapunov exponent of the tail window, nats per step (nan: stochastic or diverged)",
    "amplitude": "cycle amplitude max_j ||x_{T-j} - mean|| over its k points (nan unless period >= 2)",
    "loss_history": "f(x_t) - f* at the recorded steps t",
    "gradsq_history": "||grad f(x_t)||^2 at the recorded steps t",
    "x_tail": "the tail window x_{T-K}, ..., x_T",
}


def assemble(chunks, grid, trajectories, attrs):
    """One Dataset from chunk results covering every grid point exactly once or more (a point
    stored twice, by runs with different chunkings, holds the same numbers; the last one wins)."""
    import xarray as xr

    size = grid.size
    covered = np.zeros(size, dtype=bool)
    arrays = {}
    t = None
    for chunk in chunks:
        start, stop = int(chunk["start"]), int(chunk["stop"])
        covered[start:stop] = True
        for key, value in chunk.items():
            if key in ("start", "stop"):
                continue
            if key == "t":
                t = np.asarray(value)
                continue
            value = np.asarray(value)
            if key not in arrays:
                fill = np.nan if value.dtype.kind == "f" else 0
                arrays[key] = np.full((size,) + value.shape[1:], fill, dtype=value.dtype)
            arrays[key][start:stop] = value
    if not covered.all():
        missing = np.flatnonzero(~covered)
        raise ValueError(f"the chunks cover {covered.sum()} of {size} grid points (first missing: {missing[0]})")

    dims = grid.names + ("trajectory",)
    extra = {"x0": ("coordinate",), "x": ("coordinate",), "loss_history": ("t",), "gradsq_history": ("t",),
             "x_tail": ("window", "coordinate")}
    variables = {}
    for key, value in arrays.items():
        value = value.reshape(grid.shape + value.shape[1:])
        variables[key] = xr.Variable(dims + extra.get(key, ()), value, {"description": DESCRIPTIONS.get(key, "")})
    coords = {name: (name, values) for name, values in grid.axes.items()}
    coords["trajectory"] = ("trajectory", np.arange(trajectories))
    if t is not None:
        coords["t"] = ("t", t)
    return xr.Dataset(variables, coords=coords,
                      attrs={**attrs, "regimes": list(REGIMES), "statuses": list(STATUSES)})
