"""Sampling schemes for finite sums: unbiasedness, the b-nice sampler, the biased importance variant,
the ABC inequality checked with exact expectations, validation, and a run of the simulator."""
import itertools
import json
from math import comb

import numpy as np
import pytest

from samtheory import InvalidParameterError, simulate
from samtheory.functions import LeastSquares, Quadratic, get_function
from samtheory.sampling import SCHEMES, FiniteSumSampling

# A heterogeneous problem (row norms differ a lot), where importance sampling matters, and a small
# one on which every b-nice subset can be enumerated for every b.
HETEROGENEOUS = LeastSquares.random(10, 10, design="haar-cond", cond=10.0, reg=0.03, consistent=False, seed=0)
SMALL = LeastSquares.random(6, 3, reg=0.2, consistent=False, seed=1)

PROBLEMS = {
    "least-squares": get_function("least-squares"),
    "ridge": get_function("ridge"),
    "logistic": get_function("logistic"),
    "heterogeneous": HETEROGENEOUS,
    "small": SMALL,
}

UNBIASED_CONFIGS = [("uniform", 1), ("nice", 3), ("replacement", 3), ("importance", 1)]


# -- exact expectations by enumeration (independent of the sampler's own code) ----------------------

def support(objective, scheme, b, reweight=True):
    """Every possible sample of a scheme as ``(idx (S, b), weights (S, b), probability (S,))``."""
    n = objective.n_components
    if scheme == "uniform":
        idx = np.arange(n)[:, None]
        return idx, np.ones((n, 1)), np.full(n, 1.0 / n)
    if scheme == "importance":
        p = objective.component_smoothness / objective.component_smoothness.sum()
        w = 1.0 / (n * p) if reweight else np.ones(n)
        return np.arange(n)[:, None], w[:, None], p
    if scheme == "nice":
        idx = np.array(list(itertools.combinations(range(n), b)))
        return idx, np.ones(idx.shape), np.full(len(idx), 1.0 / comb(n, b))
    if scheme == "replacement":
        idx = np.array(list(itertools.product(range(n), repeat=b)))
        return idx, np.ones(idx.shape), np.full(len(idx), float(n) ** -b)
    raise ValueError(scheme)


def exact_moments(objective, scheme, b, x, reweight=True):
    """Exact E[grad f_v(x)] and E||grad f_v(x)||^2 at one point x, by summing over the support."""
    idx, weights, prob = support(objective, scheme, b, reweight)
    grads = objective.sampled_grad(np.tile(x, (len(idx), 1)), idx, weights)
    return prob @ grads, prob @ np.sum(grads ** 2, axis=1)


def test_enumeration_sums_to_one_and_matches_the_without_replacement_identity():
    # the enumeration itself must be right before it judges anything
    f = SMALL
    x = np.array([0.3, -1.0, 2.0])
    g_all = f.component_grads(x)
    n = f.n_components
    for b in range(1, n + 1):
        _, _, prob = support(f, "nice", b)
        assert prob.sum() == pytest.approx(1.0, rel=1e-14)
        mean, second = exact_moments(f, "nice", b, x)
        np.testing.assert_allclose(mean, f.grad(x), rtol=1e-12, atol=1e-14)
        identity = ((n - b) / (b * (n - 1)) * np.mean(np.sum(g_all ** 2, axis=1))
                    + n * (b - 1) / (b * (n - 1)) * np.sum(f.grad(x) ** 2))
        assert second == pytest.approx(identity, rel=1e-12)


def abc_sides(sampler, x, constants):
    """(lhs, rhs) of E||grad f_v||^2 <= 2A (f - f*) + B ||grad f||^2 + C at one point."""
    f = sampler.objective
    _, lhs = exact_moments(f, sampler.scheme, sampler.batch_size, x, sampler.reweight)
    g = f.grad(x)
    rhs = 2 * constants["A"] * (f.value(x) - f.f_star) + constants["B"] * g @ g + constants["C"]
    return lhs, rhs


def evaluation_points(objective, count=12, seed=0):
    """Points at three scales around the minimizer, plus the minimizer itself (where only C is left)."""
    pts = objective.sample_points(np.random.default_rng(seed), count)
    return np.vstack([pts, objective.minimizer[None]])


ABC_CASES = [(name, scheme, b) for name in PROBLEMS for scheme, b in
             [("uniform", 1), ("importance", 1), ("nice", 2), ("nice", 3), ("replacement", 2)]]
ABC_CASES += [("small", "nice", b) for b in (1, 4, 5, 6)] + [("small", "replacement", b) for b in (1, 3, 4)]


@pytest.mark.parametrize("name,scheme,b", ABC_CASES)
def test_abc_inequality_holds_with_exact_expectations(name, scheme, b):
    f = PROBLEMS[name]
    sampler = FiniteSumSampling(f, scheme, b)
    constants = sampler.expected_smoothness()
    for x in evaluation_points(f):
        lhs, rhs = abc_sides(sampler, x, constants)
        # rounding slack only: both sides are sums of ~n^b float64 terms
        assert lhs <= rhs * (1 + 1e-10) + 1e-12, (x, lhs, rhs)


@pytest.mark.parametrize("scheme,b", [("uniform", 1), ("importance", 1), ("nice", 3), ("replacement", 2)])
def test_abc_check_fails_when_A_is_ten_times_too_small(scheme, b):
    # consistent least squares: C = 0, so 2A (f - f*) must carry the whole second moment
    f = PROBLEMS["least-squares"]
    sampler = FiniteSumSampling(f, scheme, b)
    constants = dict(sampler.expected_smoothness())
    assert constants["C"] == 0.0
    constants["A"] /= 10
    violated = [lhs > rhs * (1 + 1e-10) + 1e-12 for lhs, rhs in (abc_sides(sampler, x, constants)
                                                                  for x in evaluation_points(f))]
    assert any(violated)


def test_full_batch_makes_the_abc_inequality_an_identity():
    f = PROBLEMS["ridge"]
    sampler = FiniteSumSampling(f, "nice", f.n_components)
    constants = sampler.expected_smoothness()
    assert (constants["A"], constants["B"], constants["C"]) == (0.0, 1.0, 0.0)
    assert constants["L"] == f.smoothness
    for x in evaluation_points(f, count=4):
        lhs, rhs = abc_sides(sampler, x, constants)
        assert lhs == pytest.approx(rhs, rel=1e-12)


# -- the constants --------------------------------------------------------------------------------

def test_uniform_gives_L_max_and_importance_gives_L_bar():
    f = HETEROGENEOUS
    uniform = FiniteSumSampling(f, "uniform").expected_smoothness()
    importance = FiniteSumSampling(f, "importance").expected_smoothness()
    assert uniform["A"] == pytest.approx(f.L_max, rel=1e-14) and uniform["B"] == 0.0
    assert importance["A"] == pytest.approx(f.L_bar, rel=1e-14) and importance["B"] == 0.0
    assert uniform["L"] == f.L_max and importance["L"] == f.L_bar
    assert importance["A"] < uniform["A"] / 2  # the point of importance sampling on this problem
    for c in (uniform, importance):
        assert c["C"] == pytest.approx(2 * c["A"] * f.delta_inf, rel=1e-14)


def test_minibatch_constants():
    f = PROBLEMS["ridge"]
    n = f.n_components
    nice = FiniteSumSampling(f, "nice", 4).expected_smoothness()
    assert nice["A"] == pytest.approx((n - 4) / (4 * (n - 1)) * f.L_max, rel=1e-14)
    assert nice["B"] == pytest.approx(n * 3 / (4 * (n - 1)), rel=1e-14)
    assert nice["L"] == f.L_max
    replacement = FiniteSumSampling(f, "replacement", 4).expected_smoothness()
    assert replacement["A"] == pytest.approx(f.L_max / 4, rel=1e-14)
    assert replacement["B"] == 0.75
    # b-nice with b = 1 is uniform single-element sampling
    one = FiniteSumSampling(f, "nice", 1).expected_smoothness()
    assert one["A"] == pytest.approx(f.L_max, rel=1e-14) and one["B"] == 0.0


def test_interpolation_gives_C_zero_for_every_scheme():
    f = PROBLEMS["least-squares"]
    for scheme, b in UNBIASED_CONFIGS:
        assert FiniteSumSampling(f, scheme, b).expected_smoothness()["C"] == 0.0


def test_every_realization_is_L_smooth():
    # L is a smoothness constant of every f_v: check each realization on random pairs
    f = HETEROGENEOUS
    rng = np.random.default_rng(3)
    x, y = f.sample_points(rng, 50), f.sample_points(rng, 50)
    for scheme in ("uniform", "importance"):
        sampler = FiniteSumSampling(f, scheme)
        idx, weights, _ = support(f, scheme, 1)
        L = sampler.expected_smoothness()["L"]
        for i in range(f.n_components):
            gi = lambda z: f.sampled_grad(z, np.full((len(z), 1), i), np.full((len(z), 1), weights[i, 0]))  # noqa: E731
            ratio = np.linalg.norm(gi(x) - gi(y), axis=1) / np.linalg.norm(x - y, axis=1)
            assert np.all(ratio <= L * (1 + 1e-10))


def test_biased_importance_has_no_abc_constants():
    sampler = FiniteSumSampling(HETEROGENEOUS, "importance", reweight=False)
    assert not sampler.unbiased
    with pytest.raises(InvalidParameterError, match="biased"):
        sampler.expected_smoothness()


# -- Monte-Carlo unbiasedness ---------------------------------------------------------------------

DRAWS = 20_000


def monte_carlo(sampler, x, seed=0):
    """Mean of DRAWS stochastic gradients at x and its per-coordinate standard error."""
    sample = sampler.draw(np.random.default_rng(seed), DRAWS)
    grads = sampler.grad(np.tile(x, (DRAWS, 1)), sample)
    return grads.mean(axis=0), grads.std(axis=0, ddof=1) / np.sqrt(DRAWS)


@pytest.mark.parametrize("name", ["ridge", "logistic", "heterogeneous"])
@pytest.mark.parametrize("scheme,b", UNBIASED_CONFIGS)
def test_unbiased_schemes_have_mean_grad_f(name, scheme, b):
    # 5 standard errors: a false alarm has probability ~6e-7 per coordinate (and the seed is fixed)
    f = PROBLEMS[name]
    x = f.minimizer + np.linspace(-1.0, 1.0, f.dim)
    mean, se = monte_carlo(FiniteSumSampling(f, scheme, b), x)
    assert np.all(np.abs(mean - f.grad(x)) <= 5 * se + 1e-12), (mean, f.grad(x), se)


def test_unweighted_importance_estimates_the_gradient_of_the_tilted_sum():
    f = HETEROGENEOUS
    sampler = FiniteSumSampling(f, "importance", reweight=False)
    p = f.component_smoothness / f.component_smoothness.sum()
    x = f.minimizer + np.linspace(-1.0, 1.0, f.dim)
    # grad of sum_i p_i f_i by central differences of the component values, independent of any gradient code
    h = 1e-6
    eye = np.eye(f.dim)
    tilted = np.array([(p @ f.component_values(x + h * e) - p @ f.component_values(x - h * e)) / (2 * h)
                       for e in eye])
    exact_mean, _ = exact_moments(f, "importance", 1, x, reweight=False)
    np.testing.assert_allclose(exact_mean, tilted, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(sampler.expected_gradient(x), exact_mean, rtol=1e-12, atol=1e-14)
    mean, se = monte_carlo(sampler, x)
    assert np.all(np.abs(mean - tilted) <= 5 * se + 1e-12)
    # ... and it is not the gradient of f: far outside the Monte-Carlo error
    assert np.max(np.abs(mean - f.grad(x)) / se) > 20
    # the bias does not vanish at the minimizer: grad f(x*) = 0 but the tilted gradient is not
    assert np.linalg.norm(sampler.expected_gradient(f.minimizer)) > 1e-2


# -- the b-nice sampler ---------------------------------------------------------------------------

@pytest.mark.parametrize("b", [2, 7, 19, 20])
def test_nice_sampler_never_repeats_an_index(b):
    f = PROBLEMS["ridge"]
    idx, weights = FiniteSumSampling(f, "nice", b).draw(np.random.default_rng(0), 5000)
    assert idx.shape == (5000, b) and np.all(weights == 1.0)
    assert np.all(np.diff(np.sort(idx, axis=1), axis=1) > 0)
    assert idx.min() >= 0 and idx.max() < f.n_components


def test_nice_sampler_is_uniform_over_subsets():
    # every 2-subset of 5 elements (10 of them) equally likely: counts within 5 standard errors
    f = LeastSquares.random(5, 2, seed=0)
    draws = 50_000
    idx, _ = FiniteSumSampling(f, "nice", 2).draw(np.random.default_rng(1), draws)
    codes = np.sort(idx, axis=1) @ np.array([5, 1])
    counts = np.bincount(codes, minlength=25)[[5 * i + j for i, j in itertools.combinations(range(5), 2)]]
    p = 1 / 10
    assert counts.sum() == draws
    assert np.all(np.abs(counts - draws * p) <= 5 * np.sqrt(draws * p * (1 - p)))


def test_other_samplers_draw_valid_samples():
    f = HETEROGENEOUS
    rng = np.random.default_rng(2)
    idx, w = FiniteSumSampling(f, "replacement", 10).draw(rng, 2000)
    assert idx.shape == (2000, 10)
    assert np.any(np.diff(np.sort(idx, axis=1), axis=1) == 0)  # with replacement: repeats occur
    idx, w = FiniteSumSampling(f, "importance").draw(rng, 2000)
    p = f.component_smoothness / f.component_smoothness.sum()
    np.testing.assert_allclose(w[:, 0], 1 / (f.n_components * p[idx[:, 0]]))
    idx, w = FiniteSumSampling(f, "importance", reweight=False).draw(rng, 10)
    assert np.all(w == 1.0)


# -- interface ------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", SCHEMES)
def test_describe_is_json_ready(scheme):
    for reweight in (True, False):
        description = FiniteSumSampling(PROBLEMS["logistic"], scheme, reweight=reweight).describe()
        json.dumps(description)
        assert description["scheme"] == scheme


def test_bad_input():
    f = PROBLEMS["ridge"]
    with pytest.raises(InvalidParameterError, match="unknown sampling scheme 'stratified'"):
        FiniteSumSampling(f, "stratified")
    with pytest.raises(InvalidParameterError, match=r"batch_size must lie in \[1, 20\]"):
        FiniteSumSampling(f, "nice", 21)
    with pytest.raises(InvalidParameterError, match=r"batch_size must lie in \[1, 20\]"):
        FiniteSumSampling(f, "replacement", 21)
    for bad in (0, -3, 2.5, True):
        with pytest.raises(InvalidParameterError, match="batch_size must be an integer >= 1"):
            FiniteSumSampling(f, "nice", bad)
    with pytest.raises(InvalidParameterError, match="batch_size must be 1"):
        FiniteSumSampling(f, "uniform", 2)
    with pytest.raises(InvalidParameterError, match="batch_size must be 1"):
        FiniteSumSampling(f, "importance", 4)
    with pytest.raises(InvalidParameterError, match="objective must be a FiniteSum"):
        FiniteSumSampling(Quadratic.diagonal([1.0, 2.0]), "uniform")
    with pytest.raises(InvalidParameterError, match="reweight must be True or False"):
        FiniteSumSampling(f, "importance", reweight="no")


# -- the simulator --------------------------------------------------------------------------------

def test_sgd_interpolates_consistent_least_squares():
    # interpolation (C = 0): SGD with a constant step below 1/L_max converges linearly to f* = 0
    f = get_function("least-squares")
    sampler = FiniteSumSampling(f, "uniform")
    assert sampler.expected_smoothness()["C"] == 0.0
    res = simulate(f, "sgd", eta=0.5 / f.L_max, steps=3000, oracle=sampler, trajectories=8, seed=0)
    assert res.oracle["scheme"] == "uniform"
    assert np.all(res.status == "ok")
    assert np.all(res.loss < 1e-6)
    assert np.all(res.loss_history[0] > 1e-2)  # it started far away


def test_stochastic_sam_with_minibatches_reaches_a_neighbourhood_on_ridge():
    # no interpolation (C > 0): with a constant step the loss falls far below its start but stalls
    # at a noise floor instead of converging
    f = get_function("ridge")
    sampler = FiniteSumSampling(f, "nice", 5)
    x0 = f.minimizer + 2.0
    kwargs = dict(eta=0.05, rho=0.01, steps=2000, oracle=sampler, trajectories=8, seed=1, same_sample=False)
    res = simulate(f, "sam", x0=x0, **kwargs)
    start = f.value(x0) - f.f_star
    assert np.all(res.status == "ok")
    assert np.all(res.loss_tail_mean < 1e-2 * start)
    assert np.all(res.loss_tail_mean > 1e-6)
    again = simulate(f, "sam", x0=x0, **kwargs)
    np.testing.assert_array_equal(res.x, again.x)
