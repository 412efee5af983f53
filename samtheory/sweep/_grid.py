r"""The grid of a sweep: named axes, their points in C order, chunks and per-point seeds.

A grid is an ordered mapping ``{axis: values}`` over the hyperparameters that
:func:`samtheory.simulate` broadcasts (η ``eta``, ρ ``rho``, λ ``lam``) and the noise level σ
``sigma`` of an additive-noise oracle (:mod:`samtheory.sweep._noise`). Its points are numbered
in C order (the last axis fastest), point :math:`p` having the multi-index
:math:`(i_1,\dots,i_m)=` ``numpy.unravel_index(p, shape)``. A chunk is a run of consecutive point
numbers ``[start, stop)``: one vectorized ``simulate`` call holds all of them.

**Seeds.** Point :math:`(i_1,\dots,i_m)` draws its starting points and oracle samples from
``SeedSequence(entropy=seed, spawn_key=(i_1, ..., i_m, phase))`` (``phase`` numbers the
``simulate`` calls a point goes through). The stream depends on the point's indices only, never on
which chunk, worker or executor ran it, so every chunking gives the same numbers.
"""
from __future__ import annotations

import math

import numpy as np

from .._validation import InvalidParameterError, check_positive_int, check_seed

#: the axes a grid may have: the hyperparameters :func:`samtheory.simulate` takes as arrays, and
#: the noise level of an additive-noise oracle
AXES = ("eta", "rho", "lam", "sigma")


class Grid:
    """Named 1-D axes of a sweep (module docstring). ``Grid({"eta": [...], "rho": [...]})``."""

    def __init__(self, axes):
        if not isinstance(axes, dict) or not axes:
            raise InvalidParameterError(f"grid must be a non-empty dict of axes among {', '.join(AXES)}; got {axes!r}")
        self.axes = {}
        for name, values in axes.items():
            if name not in AXES:
                raise InvalidParameterError(f"grid axis {name!r} is not one of {', '.join(AXES)}")
            arr = np.atleast_1d(np.asarray(values, dtype=float))
            if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
                raise InvalidParameterError(f"grid axis {name!r} must be a non-empty 1-D list of finite numbers; "
                                            f"got shape {arr.shape}")
            self.axes[name] = arr
        self.names = tuple(self.axes)
        self.shape = tuple(a.size for a in self.axes.values())
        self.size = math.prod(self.shape)

    def values(self, start, stop):
        """``{axis: values}`` of points ``start .. stop-1``, each a 1-D array of ``stop - start``."""
        index = np.unravel_index(np.arange(start, stop), self.shape)
        return {name: self.axes[name][i] for name, i in zip(self.names, index)}

    def streams(self, seed, start, stop, phase):
        """One :class:`numpy.random.SeedSequence` per point ``start .. stop-1`` (module docstring)."""
        index = np.unravel_index(np.arange(start, stop), self.shape)
        return [np.random.SeedSequence(seed, spawn_key=tuple(int(i[k]) for i in index) + (phase,))
                for k in range(stop - start)]

    def describe(self) -> dict:
        return {name: values.tolist() for name, values in self.axes.items()}


def chunk_ranges(points, chunk):
    """Split the point numbers ``points`` (sorted) into runs of consecutive numbers of at most
    ``chunk`` points each: ``[(start, stop), ...]``."""
    chunk = check_positive_int("chunk", chunk)
    ranges, points = [], np.asarray(points, dtype=np.int64)
    if points.size == 0:
        return ranges
    breaks = np.flatnonzero(np.diff(points) != 1) + 1
    for run in np.split(points, breaks):
        for lo in range(0, run.size, chunk):
            block = run[lo:lo + chunk]
            ranges.append((int(block[0]), int(block[-1]) + 1))
    return ranges


def check_sweep_seed(seed):
    return check_seed("seed", seed)
