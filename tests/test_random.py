"""samtheory/_random.py: the random sources oracles draw from.

The numpy source must reproduce the calls the oracles made before the interface existed (so seeded
numpy results did not change); the JAX source must have the stated distributions (checked to 5
standard errors: a false alarm has probability below 1e-6 per check).
"""
import numpy as np
import pytest

from samtheory._random import JaxRandom, NumpyRandom, as_source

Z = 5.0


def test_numpy_source_is_the_generator_called_as_before():
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    src = NumpyRandom(a)
    np.testing.assert_array_equal(src.normal((3, 2)), b.standard_normal((3, 2)))
    np.testing.assert_array_equal(src.signs((5, 1)), 2.0 * b.integers(0, 2, size=(5, 1)) - 1.0)
    np.testing.assert_array_equal(src.integers(9, (4, 2)), b.integers(0, 9, size=(4, 2)))
    p = np.array([0.2, 0.3, 0.5])
    np.testing.assert_array_equal(src.choice(3, (6, 1), p), b.choice(3, size=(6, 1), p=p))


def test_as_source_accepts_generators_seeds_and_sources_only():
    assert isinstance(as_source(np.random.default_rng(0)), NumpyRandom)
    assert isinstance(as_source(3), NumpyRandom)
    src = NumpyRandom(np.random.default_rng(0))
    assert as_source(src) is src
    with pytest.raises(TypeError, match="numpy Generator"):
        as_source("seed")


def test_numpy_subsets_are_distinct_and_uniform():
    rows = NumpyRandom(np.random.default_rng(1)).subsets(20_000, 6, 2)
    assert all(len(set(r)) == 2 for r in rows[:500])
    freq = np.array([(rows == i).any(axis=1).mean() for i in range(6)])
    p = 2 / 6
    assert np.all(np.abs(freq - p) <= Z * np.sqrt(p * (1 - p) / rows.shape[0]))


def test_jax_source_distributions():
    jax = pytest.importorskip("jax")
    n = 40_000
    with jax.enable_x64(True):
        src = JaxRandom(jax.random.key(0))
        normal = np.asarray(src.normal((n,)))
        signs = np.asarray(src.signs((n,)))
        ints = np.asarray(src.integers(7, (n,)))
        first = np.asarray(src.normal((4,)))
        again = np.asarray(src.normal((4,)))
        subsets = np.asarray(src.subsets(2000, 5, 3))
    assert normal.dtype == np.float64 and signs.dtype == np.float64
    assert abs(normal.mean()) <= Z / np.sqrt(n)
    assert abs(normal.var() - 1) <= Z * np.sqrt(2 / n)
    assert set(np.unique(signs)) == {-1.0, 1.0} and abs(signs.mean()) <= Z / np.sqrt(n)
    assert ints.min() == 0 and ints.max() == 6
    counts = np.bincount(ints, minlength=7) / n
    assert np.all(np.abs(counts - 1 / 7) <= Z * np.sqrt((1 / 7) * (6 / 7) / n))
    assert not np.array_equal(first, again)  # each call consumes a fresh subkey
    assert all(len(set(r)) == 3 for r in subsets)
