"""Where the trajectories of :func:`samtheory.simulate` start, and the random streams they draw.

``np.random.SeedSequence(seed)`` is spawned into two: the first child's generator draws the
random starting points (only when ``x0`` is not given), the second's the oracle samples (module
docstring of :mod:`samtheory.simulation`). With ``streams=`` every grid point has its own pair,
spawned the same way from its own sequence, so that a point's numbers do not depend on the grid
it is run in.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._validation import InvalidParameterError, as_float_array


def point_sequences(streams, grid_shape):
    """``(init, step)`` sequences of every grid point from ``streams`` (simulate's parameter),
    spawned from copies so that the caller's sequences are not advanced."""
    streams = list(streams)
    size = math.prod(grid_shape)
    if len(streams) != size or not all(isinstance(s, np.random.SeedSequence) for s in streams):
        raise InvalidParameterError(f"streams must hold one numpy.random.SeedSequence per grid point "
                                    f"({size} for grid shape {tuple(grid_shape)}); got {len(streams)} items")
    return [tuple(np.random.SeedSequence(s.entropy, spawn_key=s.spawn_key, pool_size=s.pool_size).spawn(2))
            for s in streams]


def starting_points(objective, members, member_of_point, x0, init_seq, point_seqs, grid_shape, trajectories,
                    start_scale):
    """The starting points, one row per trajectory: ``x0`` broadcast, or drawn from the first
    random stream (per grid point with ``streams``; per member, around its own minimizer, for a
    stacked objective)."""
    n_total, dim = math.prod(grid_shape) * trajectories, objective.dim
    if x0 is not None:
        return validated_x0(x0, dim, grid_shape, trajectories).reshape(n_total, dim)
    if point_seqs is not None:  # each point from its own stream, at its own member
        x = np.empty((n_total, dim))
        for k, (point_init, _) in enumerate(point_seqs):
            rows = slice(k * trajectories, (k + 1) * trajectories)
            member = members.members[member_of_point[rows.start]] if members is not None else objective
            x[rows] = random_starts(member, np.random.default_rng(point_init), trajectories, start_scale)
        return x
    init_rng = np.random.default_rng(init_seq)
    if members is None:
        return random_starts(objective, init_rng, n_total, start_scale)
    x = np.empty((n_total, dim))
    for k, member in enumerate(members.members):  # member by member, each at its own scale
        at = member_of_point == k
        x[at] = random_starts(member, init_rng, int(at.sum()), start_scale)
    return x


def random_starts(objective, rng, n, start_scale=None):
    """``n`` random starting points around the minimizer (``objective.sample_points``), their
    spread rescaled to ``start_scale`` when it is given."""
    x = objective.sample_points(rng, n).reshape(n, objective.dim)
    if start_scale is not None:
        center = objective.minimizer if objective.minimizer is not None else 0.0
        x = center + (x - center) * (start_scale / objective.sample_scale)
    return x


def validated_x0(x0, dim, grid_shape, trajectories):
    """``x0`` as a float array of shape ``grid_shape + (trajectories, dim)`` (broadcast; a scalar
    is a 1-D point), or a clear error naming ``x0``."""
    arr = as_float_array("x0", x0)
    if arr.ndim == 0:
        if dim != 1:
            raise InvalidParameterError(f"x0 must have last dimension {dim} (the function's dimension); got a scalar")
        arr = arr.reshape(1)
    if arr.shape[-1] != dim:
        raise InvalidParameterError(
            f"x0 must have last dimension {dim} (the function's dimension); got shape {arr.shape}")
    batch_shape = tuple(grid_shape) + (trajectories,)
    try:
        arr = np.broadcast_to(arr, batch_shape + (dim,))
    except ValueError:
        raise InvalidParameterError(
            f"x0 of shape {arr.shape} does not broadcast to the batch shape {batch_shape + (dim,)} "
            "(grid_shape + (trajectories, dim))") from None
    return np.array(arr, dtype=float)


def step_source(step_seq, point_seqs, trajectories) -> Any:
    """The random source of the oracle samples: a numpy Generator, or the per-grid-point streams."""
    if point_seqs is None:
        return np.random.default_rng(step_seq)
    from ._random import PointwiseRandom
    return PointwiseRandom([np.random.default_rng(step) for _, step in point_seqs], trajectories)
