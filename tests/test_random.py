"""samtheory/_random.py: the random sources oracles draw from.

The numpy source must reproduce the calls the oracles made before the interface existed (so seeded
numpy results did not change); the JAX source must have the stated distributions (checked to 5
standard errors: a false alarm has probability below 1e-6 per check).
"""
import numpy as np
import pytest

from samtheory._random import JaxRandom, NumpyRandom, as_source, log_uniform

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


# -- b-subsets: the JAX sparse partial shuffle has numpy's law -----------------------------------------

def _subset_law_failures(rows, n, b, alpha=1e-6):
    r"""Which properties of uniform ordered ``b``-tuples without replacement the draws ``rows``
    (shape (N, b)) violate; ``[]`` when they pass.

    * no index repeats within a row, every index in ``[0, n)``;
    * each index is included with probability :math:`b/n` and each pair with
      :math:`b(b-1)/(n(n-1))` (the b-nice marginals, whatever the order): every one of the
      :math:`n+\binom n2` frequencies within :math:`z` binomial standard errors, :math:`z` the
      two-sided normal quantile at :math:`\alpha` split over the cells (Bonferroni), so a correct
      sampler fails with probability below :math:`\alpha` (normal approximation: every expected
      count is above 1000 in the uses below);
    * the ordered tuples are uniform over the :math:`n!/(n-b)!` of them (numpy's law: the first b
      entries of a uniform permutation): Pearson's chi-square below its :math:`1-\alpha` quantile.
    """
    from math import perm
    from scipy import stats
    rows = np.asarray(rows)
    N = rows.shape[0]
    failures = []
    if rows.min() < 0 or rows.max() >= n:
        failures.append("index out of range")
    if np.any(np.diff(np.sort(rows, axis=1), axis=1) == 0):
        failures.append("repeated index within a draw")
    member = np.zeros((N, n), dtype=bool)
    np.put_along_axis(member, rows, True, axis=1)
    single = member.mean(axis=0)
    iu = np.triu_indices(n, 1)
    pair = (member.T.astype(float) @ member / N)[iu]
    p1, p2 = b / n, b * (b - 1) / (n * (n - 1))
    z = stats.norm.isf(alpha / 2 / (n + len(pair)))
    if np.any(np.abs(single - p1) > z * np.sqrt(p1 * (1 - p1) / N)):
        failures.append(f"inclusion frequencies {single} differ from b/n = {p1}")
    if np.any(np.abs(pair - p2) > z * np.sqrt(p2 * (1 - p2) / N)):
        failures.append(f"pair frequencies differ from b(b-1)/(n(n-1)) = {p2}")
    codes = rows @ (n ** np.arange(b))
    counts = np.bincount(codes, minlength=n ** b)
    cells = perm(n, b)
    expected = N / cells
    observed = counts[counts > 0]
    chi2 = ((observed - expected) ** 2 / expected).sum() + expected * (cells - len(observed))
    if len(observed) > cells or chi2 > stats.chi2.isf(alpha, cells - 1):
        failures.append(f"ordered tuples not uniform (chi2 = {chi2:.0f} on {cells - 1} df)")
    return failures


N_DRAWS = 100_000  # n = 8, b = 3: 336 ordered tuples, ~300 draws each; pair counts ~10^4


@pytest.mark.parametrize("path", ["sparse", "permutation"])
def test_jax_subsets_have_numpys_law(path, monkeypatch):
    """Both JAX paths (the O(b^2) sparse partial shuffle and the full permutation it falls back to
    for large b) and numpy's permuted rows pass the same checks at a 1e-6 false-alarm rate each."""
    jax = pytest.importorskip("jax")
    import samtheory._random as random_module
    monkeypatch.setattr(random_module, "SPARSE_SHUFFLE_FACTOR", 10 ** 9 if path == "sparse" else 0)
    with jax.enable_x64(True):
        rows = np.asarray(JaxRandom(jax.random.key(3)).subsets(N_DRAWS, 8, 3))
    assert rows.shape == (N_DRAWS, 3)
    assert _subset_law_failures(rows, 8, 3) == []
    assert _subset_law_failures(NumpyRandom(np.random.default_rng(3)).subsets(N_DRAWS, 8, 3), 8, 3) == []


def test_jax_sparse_subsets_at_the_edges():
    """b = 1 (uniform index), b = n - 1, and a large n (the array of n is never built)."""
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        src = JaxRandom(jax.random.key(5))
        one = np.asarray(src.subsets(N_DRAWS, 8, 1))
        most = np.asarray(src.subsets(N_DRAWS, 5, 4))
        big = np.asarray(jax.jit(lambda k: JaxRandom(k).subsets(3, 10 ** 9, 4))(jax.random.key(1)))
    assert _subset_law_failures(one, 8, 1) == []
    assert _subset_law_failures(most, 5, 4) == []
    assert big.shape == (3, 4) and all(len(set(r)) == 4 for r in big) and big.max() < 10 ** 9


def test_subset_law_check_catches_wrong_samplers():
    """The check is not vacuous: with replacement (repeats; inclusion 1-(7/8)^3 = 0.33 instead of
    0.375, 18 standard errors off), a shuffle whose last step never picks n-1 (inclusion of n-1
    is 0), and a uniform *set* in a biased order (sorted: marginals right, tuples not) all fail."""
    rng = np.random.default_rng(0)
    with_replacement = rng.integers(0, 8, size=(N_DRAWS, 3))
    assert any("repeated" in f for f in _subset_law_failures(with_replacement, 8, 3))
    assert any("inclusion" in f for f in _subset_law_failures(with_replacement, 8, 3))
    off_by_one = NumpyRandom(rng).subsets(N_DRAWS, 7, 3)  # never draws index 7 of 8
    assert any("inclusion" in f for f in _subset_law_failures(off_by_one, 8, 3))
    sorted_sets = np.sort(NumpyRandom(rng).subsets(N_DRAWS, 8, 3), axis=1)
    assert [f for f in _subset_law_failures(sorted_sets, 8, 3) if "ordered" in f]
    assert not [f for f in _subset_law_failures(sorted_sets, 8, 3) if "inclusion" in f or "pair" in f]


def test_log_uniform_is_one_uniform_call_on_the_log_scale():
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    value = log_uniform(a, 0.1, 10.0)
    assert isinstance(value, float) and value == float(np.exp(b.uniform(np.log(0.1), np.log(10.0))))
    values = log_uniform(a, 0.1, 10.0, 4000)
    assert values.shape == (4000,) and np.all((0.1 <= values) & (values <= 10.0))
    # scale-free: log10 is uniform on [-1, 1], so half the draws are below 1 (to 5 standard errors)
    assert abs(np.mean(values < 1.0) - 0.5) < Z * 0.5 / np.sqrt(4000)
