"""Sweeps of a SAM-family method over a grid of hyperparameters, in chunks, on any executor
(in process, a process pool, a Dask cluster), and the regime maps drawn from them.

* :func:`sweep`: the grid x trajectories as an xarray Dataset (:mod:`._sweep`);
* :func:`classify`, :data:`REGIMES`: what each trajectory's tail does (:mod:`._regimes`);
* :func:`chunk_bytes`: a chunk's memory estimate (:mod:`._memory`);
* :func:`regime_map`: the figure of a sweep's regimes with the theory's boundaries (:mod:`._figure`).

See docs/sweeps.md.
"""
from ._grid import Grid, chunk_ranges
from ._memory import chunk_budget, chunk_bytes, chunk_for_limit, parse_bytes
from ._regimes import REGIMES, classify, label
from ._sweep import make_spec, sweep

__all__ = ["sweep", "Grid", "chunk_ranges", "classify", "REGIMES", "label", "chunk_bytes", "chunk_budget", "chunk_for_limit",
           "parse_bytes", "make_spec"]
