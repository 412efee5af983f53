"""samtheory/_starts.py: the starting points of a simulation and its random streams."""
import numpy as np
import pytest

from samtheory import InvalidParameterError, get_function
from samtheory._starts import point_sequences, random_starts, starting_points, step_source, validated_x0


def test_x0_is_broadcast_to_the_batch_or_refused_naming_x0():
    x = validated_x0([1.0, 2.0], 2, (3,), 4)
    assert x.shape == (3, 4, 2) and x.dtype == float and np.all(x[..., 1] == 2.0)
    assert validated_x0(0.5, 1, (), 2).shape == (2, 1)
    with pytest.raises(InvalidParameterError, match="x0 must have last dimension 2"):
        validated_x0(0.5, 2, (), 2)
    with pytest.raises(InvalidParameterError, match="x0 of shape"):
        validated_x0(np.ones((5, 2)), 2, (3,), 4)


def test_point_sequences_do_not_advance_the_callers_and_need_one_per_point():
    streams = [np.random.SeedSequence(7), np.random.SeedSequence(8)]
    first = point_sequences(streams, (2,))
    again = point_sequences(streams, (2,))
    assert [s.n_children_spawned for s in streams] == [0, 0]
    assert [tuple(q.generate_state(2).tolist() for q in pair) for pair in first] == \
           [tuple(q.generate_state(2).tolist() for q in pair) for pair in again]
    with pytest.raises(InvalidParameterError, match="streams must hold one numpy.random.SeedSequence per grid point"):
        point_sequences(streams, (3,))


def test_start_scale_rescales_the_spread_around_the_minimizer():
    f = get_function("quadratic-dense")
    plain = random_starts(f, np.random.default_rng(1), 50)
    scaled = random_starts(f, np.random.default_rng(1), 50, start_scale=3 * f.sample_scale)
    center = f.minimizer if f.minimizer is not None else 0.0
    np.testing.assert_allclose(scaled - center, 3 * (plain - center), rtol=1e-12)


def test_starting_points_from_the_first_stream_or_per_grid_point():
    f = get_function("cosine")
    init, _ = np.random.SeedSequence(4).spawn(2)
    x = starting_points(f, None, None, None, init, None, (2,), 3, None)
    assert x.shape == (6, 1)
    np.testing.assert_array_equal(x, random_starts(f, np.random.default_rng(init), 6))
    pairs = point_sequences([np.random.SeedSequence(k) for k in range(2)], (2,))
    per_point = starting_points(f, None, None, None, init, pairs, (2,), 3, None)
    np.testing.assert_array_equal(per_point[3:], random_starts(f, np.random.default_rng(pairs[1][0]), 3))
    assert isinstance(step_source(init, None, 3), np.random.Generator)
