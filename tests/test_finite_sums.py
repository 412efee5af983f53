"""Finite sums: per-component constants, f*, the sampled gradient, the generators and bad input."""
import json

import numpy as np
import pytest
from scipy.optimize import minimize, minimize_scalar

from samtheory import InvalidParameterError
from samtheory.functions import (FiniteSum, LeastSquares, LogisticRegression, Quadratic, Ridge,
                                 attained_value, check_constants, get_function,
                                 haar_matrix_with_given_cond, regression_targets, sq_matrix_with_given_cond)

CATALOG_FINITE_SUMS = ["least-squares", "ridge", "logistic"]


def problems():
    """The catalog entries plus the corner cases: rank-deficient (n < d), heterogeneous rows,
    logistic without regularization."""
    return {
        **{name: get_function(name) for name in CATALOG_FINITE_SUMS},
        "rank-deficient": LeastSquares.random(3, 5, seed=1),
        "heterogeneous": LeastSquares.random(8, 8, design="haar-cond", cond=10.0, reg=0.03, consistent=False,
                                             seed=2),
        "logistic-noreg": LogisticRegression.random(40, 3, reg=0.0, seed=3),
    }


PROBLEMS = problems()
ALL = list(PROBLEMS)


@pytest.fixture(params=ALL)
def problem(request):
    return PROBLEMS[request.param]


# -- the constants of f ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_constants_survive_falsification(name):
    f = PROBLEMS[name]
    report = check_constants(f, rng=0, n=3000)
    assert report.passed, str(report)


@pytest.mark.parametrize("name", ALL)
def test_tight_constants_are_attained_at_their_witness(name):
    f = PROBLEMS[name]
    tight = [key for key, c in f.constants.items() if c.tight]
    assert tight, "every finite sum has at least its smoothness tight"
    for key in tight:
        assert f.constants[key].witness is not None
        assert attained_value(f, key) == pytest.approx(f.constants[key].value, rel=1e-6, abs=1e-12), key


@pytest.mark.parametrize("name", CATALOG_FINITE_SUMS)
def test_catalog_entries_are_finite_sums_with_the_requested_sizes(name):
    f = get_function(name)
    assert isinstance(f, FiniteSum)
    sizes = {"least-squares": (20, 5, 0.0), "ridge": (20, 5, 0.1), "logistic": (30, 3, 0.05)}[name]
    assert (f.n_components, f.dim, f.reg) == sizes
    # seeded: the same instance every time
    np.testing.assert_array_equal(f.A, get_function(name).A)


def test_least_squares_constants_in_closed_form():
    f = PROBLEMS["ridge"]
    A, n, reg = f.A, f.n_components, f.reg
    eig = np.linalg.eigvalsh(A.T @ A)
    assert f.smoothness == pytest.approx(eig[-1] / n + reg, rel=1e-12)
    assert f.strong_convexity == pytest.approx(eig[0] / n + reg, rel=1e-12)
    assert f.pl == pytest.approx(eig[0] / n + reg, rel=1e-12)
    np.testing.assert_allclose(f.component_smoothness, np.sum(A ** 2, axis=1) + reg, rtol=1e-14)
    assert f.L_max == f.component_smoothness.max()
    assert f.L_bar == pytest.approx(f.component_smoothness.mean(), rel=1e-14)


def test_rank_deficient_least_squares_is_pl_but_not_strongly_convex():
    f = PROBLEMS["rank-deficient"]
    positive = np.linalg.eigvalsh(f.A.T @ f.A / 3)
    positive = positive[positive > 1e-10]
    assert f.strong_convexity == 0.0
    assert f.pl == pytest.approx(positive.min(), rel=1e-10)
    assert "pl" in f.tags and "strongly-convex" not in f.tags


def test_logistic_constants():
    f = PROBLEMS["logistic"]
    A, n, reg = f.A, f.n_components, f.reg
    assert f.smoothness == pytest.approx(np.linalg.eigvalsh(A.T @ A)[-1] / (4 * n) + reg, rel=1e-12)
    assert f.strong_convexity == reg and f.pl == reg
    np.testing.assert_allclose(f.component_smoothness, np.sum(A ** 2, axis=1) / 4 + reg, rtol=1e-14)
    # the Hessian bound is attained exactly at x = 0
    assert np.linalg.eigvalsh(f.hessian(np.zeros(f.dim)))[-1] == pytest.approx(f.smoothness, rel=1e-12)
    noreg = PROBLEMS["logistic-noreg"]
    assert noreg.strong_convexity == 0.0 and not noreg.constants["strong_convexity"].tight
    assert noreg.pl is None and noreg.lipschitz is not None


def test_wrong_logistic_constants_are_caught():
    # 2 % too good must show at the witnesses: the curvature tends to reg only far away
    f = PROBLEMS["logistic"]
    for key, factor in {"smoothness": 0.98, "strong_convexity": 1.02, "pl": 1.02}.items():
        report = check_constants(f, rng=5, n=1000, constants={key: f.constants[key].value * factor})
        assert not report.passed, key


# -- per-component constants ------------------------------------------------------------------------

def test_component_smoothness_holds_and_is_attained(problem):
    rng = np.random.default_rng(4)
    x = problem.sample_points(rng, 200)
    y = problem.sample_points(rng, 200)
    gx, gy = problem.component_grads(x), problem.component_grads(y)
    ratio = np.linalg.norm(gx - gy, axis=-1) / np.linalg.norm(x - y, axis=-1)[:, None]
    assert np.all(ratio <= problem.component_smoothness * (1 + 1e-10))
    # attained along a_i at x = 0 (where the logistic weight is 1/4, its maximum)
    directions = problem.A / np.maximum(np.linalg.norm(problem.A, axis=1, keepdims=True), 1e-300)
    t = 1e-5
    zero = np.zeros(problem.dim)
    moved = problem.component_grads(t * directions)  # (n points, n components, d)
    diff = moved[np.arange(problem.n_components), np.arange(problem.n_components)] - problem.component_grads(zero)
    np.testing.assert_allclose(np.linalg.norm(diff, axis=-1) / t, problem.component_smoothness, rtol=1e-6)


def test_component_lower_bounds_hold_and_are_attained(problem):
    rng = np.random.default_rng(5)
    x = problem.sample_points(rng, 500)
    assert np.all(problem.component_values(x) >= problem.component_lower_bounds - 1e-12)
    assert problem.delta_inf >= 0
    assert problem.delta_inf == pytest.approx(
        max(0.0, problem.f_star - problem.component_lower_bounds.mean()), abs=1e-15)
    if problem.reg == 0:
        return  # the infima are 0 and, for logistic, not attained
    # independently: minimize each f_i along its own line x = s a_i (the minimizer lies on it)
    for i in range(problem.n_components):
        a = problem.A[i]
        line = minimize_scalar(lambda s: problem.component_values(s * a)[i], bracket=(-1.0, 1.0),
                               tol=1e-12)
        assert problem.component_lower_bounds[i] == pytest.approx(line.fun, rel=1e-10, abs=1e-14)


def test_ridge_component_infimum_closed_form():
    f = PROBLEMS["ridge"]
    i = 3
    a, b_i, reg = f.A[i], f.b[i], f.reg
    x_i = b_i * a / (a @ a + reg)
    assert f.component_values(x_i)[i] == pytest.approx(f.component_lower_bounds[i], rel=1e-13)
    assert f.component_lower_bounds[i] == pytest.approx(reg * b_i ** 2 / (2 * (a @ a + reg)), rel=1e-14)


def test_interpolation_gives_zero_delta_inf():
    f = get_function("least-squares")
    assert f.consistent and f.f_star == 0.0 and f.delta_inf == 0.0
    np.testing.assert_allclose(f.component_grads(f.minimizer), 0.0, atol=1e-12)
    assert not PROBLEMS["ridge"].consistent and PROBLEMS["ridge"].delta_inf > 0


# -- f* -------------------------------------------------------------------------------------------

def test_least_squares_f_star_matches_normal_equations():
    for name in ("ridge", "heterogeneous"):
        f = PROBLEMS[name]
        n, d = f.A.shape
        x = np.linalg.solve(f.A.T @ f.A / n + f.reg * np.eye(d), f.A.T @ f.b / n)
        expected = np.sum((f.A @ x - f.b) ** 2) / (2 * n) + f.reg / 2 * x @ x
        assert f.f_star == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose(f.minimizer, x, rtol=1e-9, atol=1e-12)


def test_logistic_f_star_is_certified_and_matches_another_solver():
    for name in ("logistic", "logistic-noreg"):
        f = PROBLEMS[name]
        assert np.linalg.norm(f.grad(f.minimizer)) < 1e-12
        assert 0 <= f.f_star_error_bound < 1e-20
        other = minimize(lambda x: f.value(x), np.ones(f.dim), jac=lambda x: f.grad(x), method="BFGS",
                         options={"gtol": 1e-12})
        assert other.fun >= f.f_star - 1e-14
        assert other.fun == pytest.approx(f.f_star, rel=1e-10)


def test_logistic_without_regularization_on_separable_data():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((20, 2))
    y = np.where(A[:, 0] > 0, 1.0, -1.0)
    f = LogisticRegression(A, y, reg=0.0)
    assert f.f_star == 0.0 and f.minimizer is None
    assert np.all(f.component_lower_bounds == 0.0) and f.delta_inf == 0.0
    assert check_constants(f, rng=0, n=500).passed


# -- evaluation and the sampled gradient ----------------------------------------------------------

def test_value_and_grad_are_means_of_components(problem):
    x = problem.sample_points(np.random.default_rng(6), 7)
    np.testing.assert_allclose(problem.value(x), problem.component_values(x).mean(axis=-1), rtol=1e-12)
    np.testing.assert_allclose(problem.grad(x), problem.component_grads(x).mean(axis=-2), rtol=1e-11,
                               atol=1e-13)


def test_component_grads_match_finite_differences(problem):
    rng = np.random.default_rng(7)
    x = problem.sample_points(rng, 5)
    v = rng.standard_normal(x.shape)
    h = 1e-6
    fd = (problem.component_values(x + h * v) - problem.component_values(x - h * v)) / (2 * h)
    directional = np.einsum("pnd,pd->pn", problem.component_grads(x), v)
    np.testing.assert_allclose(directional, fd, rtol=1e-6, atol=1e-6)


def test_sampled_gradient_with_all_indices_and_unit_weights_is_the_full_gradient(problem):
    x = problem.sample_points(np.random.default_rng(8), 9)
    n = problem.n_components
    idx = np.tile(np.arange(n), (9, 1))
    np.testing.assert_allclose(problem.sampled_grad(x, idx, np.ones((9, n))), problem.grad(x),
                               rtol=1e-11, atol=1e-13)


def test_sampled_gradient_is_the_weighted_average_of_component_gradients(problem):
    rng = np.random.default_rng(9)
    x = problem.sample_points(rng, 6)
    idx = rng.integers(0, problem.n_components, size=(6, 4))
    weights = rng.uniform(0.5, 2.0, size=(6, 4))
    comp = problem.component_grads(x)  # (6, n, d)
    expected = np.einsum("tb,tbd->td", weights, comp[np.arange(6)[:, None], idx]) / 4
    np.testing.assert_allclose(problem.sampled_grad(x, idx, weights), expected, rtol=1e-12, atol=1e-13)


def test_sampled_gradient_rejects_bad_input():
    f = PROBLEMS["ridge"]
    x = np.zeros((3, f.dim))
    ok_idx, ok_w = np.zeros((3, 2), dtype=int), np.ones((3, 2))
    with pytest.raises(InvalidParameterError, match=r"indices must lie in \[0, 19\]"):
        f.sampled_grad(x, ok_idx + 20, ok_w)
    with pytest.raises(InvalidParameterError, match="indices must lie"):
        f.sampled_grad(x, ok_idx - 1, ok_w)
    with pytest.raises(InvalidParameterError, match="integer"):
        f.sampled_grad(x, ok_idx.astype(float), ok_w)
    with pytest.raises(InvalidParameterError, match="weights must have the shape"):
        f.sampled_grad(x, ok_idx, np.ones((3, 3)))
    with pytest.raises(InvalidParameterError, match="one row per trajectory"):
        f.sampled_grad(x, np.zeros((2, 2), dtype=int), np.ones((2, 2)))
    with pytest.raises(InvalidParameterError, match=r"x must have shape \(trajectories, 5\)"):
        f.sampled_grad(np.zeros(5), ok_idx, ok_w)


def test_summary_is_json_ready(problem):
    summary = problem.summary()
    json.dumps(summary)
    assert summary["finite_sum"]["n"] == problem.n_components
    assert summary["finite_sum"]["L_max"] == problem.L_max


# -- generators -----------------------------------------------------------------------------------

def test_sq_matrix_with_given_cond():
    A = sq_matrix_with_given_cond(12, 10.0, np.random.default_rng(0))
    np.testing.assert_array_equal(A, A.T)
    eig = np.linalg.eigvalsh(A)
    # eigenvalues s_j^2 with s_j log-spaced in [cond^-1/4, cond^1/4]
    np.testing.assert_allclose(eig, np.logspace(-0.25, 0.25, 12) ** 2, rtol=1e-10)
    assert np.linalg.cond(A) == pytest.approx(10.0, rel=1e-10)
    assert np.linalg.cond(A.T @ A) == pytest.approx(100.0, rel=1e-8)
    # seeded
    np.testing.assert_array_equal(A, sq_matrix_with_given_cond(12, 10.0, 0))


def test_haar_matrix_with_given_cond():
    A = haar_matrix_with_given_cond(9, 10.0, np.random.default_rng(1))
    np.testing.assert_array_equal(A, A.T)
    eig = np.linalg.eigvalsh(A)
    assert eig[0] == pytest.approx(1.0, rel=1e-10) and eig[-1] == pytest.approx(10.0, rel=1e-10)
    assert np.all((eig[1:-1] >= 1 - 1e-10) & (eig[1:-1] <= 2 + 1e-10))
    rows = np.sum(A ** 2, axis=1)
    assert rows.max() / rows.min() > 2  # heterogeneous L_i, the point of this generator


def test_regression_targets():
    A = np.random.default_rng(0).standard_normal((6, 3))
    b, x_star = regression_targets(A, 1, consistent=True)
    np.testing.assert_allclose(b, A @ x_star)
    b, x_star = regression_targets(A, 1, consistent=False)
    assert x_star is None and b.shape == (6,)
    f = LeastSquares.random(6, 6, design="given-cond", cond=4.0, seed=0)
    assert f.consistent and f.smoothness == pytest.approx(4.0 / 6, rel=1e-9)


# -- bad input ------------------------------------------------------------------------------------

def test_bad_constructor_input():
    A = np.ones((4, 2))
    with pytest.raises(InvalidParameterError, match="one entry per row of A"):
        LeastSquares(A, np.ones(3))
    with pytest.raises(InvalidParameterError, match="reg must be >= 0"):
        LeastSquares(A, np.ones(4), reg=-1.0)
    with pytest.raises(InvalidParameterError, match="reg must be > 0 for Ridge"):
        Ridge(A, np.ones(4), reg=0.0)
    with pytest.raises(InvalidParameterError, match="matrix of shape"):
        LeastSquares(np.ones(4), np.ones(4))
    with pytest.raises(InvalidParameterError, match=r"labels y must be \+1 or -1"):
        LogisticRegression(A, np.array([0, 1, 1, 0]), reg=0.1)
    with pytest.raises(InvalidParameterError, match="n must equal d"):
        LeastSquares.random(5, 3, design="given-cond")
    with pytest.raises(InvalidParameterError, match="unknown design"):
        LeastSquares.random(5, 3, design="toeplitz")
    with pytest.raises(InvalidParameterError, match="cond must be >= 1"):
        sq_matrix_with_given_cond(3, 0.5)
    with pytest.raises(InvalidParameterError, match="d must be an integer >= 2"):
        haar_matrix_with_given_cond(1, 10.0)
    assert not isinstance(Quadratic.diagonal([1.0]), FiniteSum)


def test_the_finite_sum_modules_and_their_overview_export_the_same_objects():
    # finite_sums.py was split (issue #16) into samtheory.functions._finite_sum (the base class),
    # least_squares, logistic_regression and regression_data; the old import paths still give the
    # very same classes and functions (tests/test_structure.py checks that there is no import cycle)
    import samtheory.functions as functions
    from samtheory.functions import _finite_sum, finite_sums, least_squares, logistic_regression, regression_data
    homes = {"FiniteSum": _finite_sum, "LeastSquares": least_squares, "Ridge": least_squares,
             "LogisticRegression": logistic_regression, "sq_matrix_with_given_cond": regression_data,
             "haar_matrix_with_given_cond": regression_data, "regression_targets": regression_data}
    assert set(finite_sums.__all__) == set(homes)
    for name, home in homes.items():
        assert getattr(finite_sums, name) is getattr(home, name) is getattr(functions, name), name
        assert name in home.__all__
    assert issubclass(least_squares.LeastSquares, _finite_sum.FiniteSum)
    assert issubclass(logistic_regression.LogisticRegression, _finite_sum.FiniteSum)
