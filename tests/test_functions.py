"""Every catalog entry: constants survive the self-falsification check, tight constants are
attained, and the check fails when a constant is made wrong."""
import mpmath
import numpy as np
import pytest

from samtheory import InvalidParameterError
from samtheory.functions import (CATALOG, CustomObjective, Quadratic, attained_value, check_constants,
                                 get_function)

NAMES = list(CATALOG)


@pytest.mark.parametrize("name", NAMES)
def test_catalog_constants_survive_falsification(name):
    f = get_function(name)
    report = check_constants(f, rng=1, n=4000)
    assert report.passed, str(report)


@pytest.mark.parametrize("name", NAMES)
def test_tight_constants_are_attained(name):
    f = get_function(name)
    for key, c in f.constants.items():
        if c.tight:
            assert c.witness is not None, f"{name}.{key} is claimed tight but has no witness"
            got = attained_value(f, key)
            assert got == pytest.approx(c.value, rel=1e-6, abs=1e-9), (name, key, got, c.value)


# A constant 2 % too good must be caught: smaller smoothness/Lipschitz, larger mu/PL.
WRONG = {"smoothness": 0.98, "lipschitz": 0.98, "strong_convexity": 1.02, "pl": 1.02}


@pytest.mark.parametrize("name", NAMES)
def test_wrong_constants_are_caught(name):
    f = get_function(name)
    for key, factor in WRONG.items():
        c = f.constants.get(key)
        if c is None or not c.tight or c.value == 0:
            continue
        report = check_constants(f, rng=2, n=4000, constants={key: c.value * factor})
        assert not report.passed, f"{name}: {key} x {factor} was not caught"


@pytest.mark.parametrize("name", NAMES)
def test_shapes_are_vectorized(name):
    f = get_function(name)
    x = f.sample_points(np.random.default_rng(0), 12).reshape(3, 4, f.dim)
    assert f.value(x).shape == (3, 4)
    assert f.grad(x).shape == (3, 4, f.dim)
    # batched evaluation equals pointwise evaluation
    flat = x.reshape(-1, f.dim)
    pointwise = np.array([f.grad(p[None])[0] for p in flat])
    np.testing.assert_allclose(f.grad(x).reshape(-1, f.dim), pointwise, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_hessian_matches_gradient_differences(name):
    f = get_function(name)
    try:
        f.hessian(np.zeros((1, f.dim)))
    except NotImplementedError:
        pytest.skip("no Hessian")
    rng = np.random.default_rng(3)
    x = f.sample_points(rng, 20)
    v = rng.standard_normal(x.shape)
    h = 1e-6
    fd = (f.grad(x + h * v) - f.grad(x - h * v)) / (2 * h)
    # asymmetric quadratic: f'' jumps at 0, so skip points within h of the kink
    keep = np.all(np.abs(x) > 1e-4, axis=-1) if name == "asymmetric-quadratic" else slice(None)
    np.testing.assert_allclose(f.hvp(x, v)[keep], fd[keep], rtol=1e-5, atol=1e-6)


def test_tags():
    assert "strongly-convex" in get_function("quadratic").tags
    assert "nonconvex" in get_function("cosine").tags and "lipschitz" in get_function("cosine").tags
    assert "locally-smooth" in get_function("hyperbola-valley").tags
    rank_def = get_function("quadratic-rank-deficient")
    assert rank_def.strong_convexity == 0 and rank_def.pl == 1.0 and "strongly-convex" not in rank_def.tags
    assert "pl" in get_function("pl-sine").tags and "nonconvex" in get_function("pl-sine").tags


def test_quadratic_reformulations_have_the_same_constants():
    eig = [0.0, 0.5, 2.0, 7.0]
    diag = Quadratic.diagonal(eig)
    dense = Quadratic.with_spectrum(eig, seed=5)
    for key in ("smoothness", "strong_convexity", "pl"):
        assert getattr(dense, key) == pytest.approx(getattr(diag, key), abs=1e-12)


def test_custom_objective_is_checked_like_any_other():
    f = CustomObjective(value=lambda x: np.sum(np.sqrt(1 + x ** 2), axis=-1) - x.shape[-1],
                        grad=lambda x: x / np.sqrt(1 + x ** 2), dim=2, f_star=0.0, minimizer=[0, 0],
                        smoothness=1.0, strong_convexity=0.0, lipschitz=np.sqrt(2), name="pseudo-huber")
    assert check_constants(f, rng=0).passed
    wrong = CustomObjective(value=f._value, grad=f._grad, dim=2, f_star=0.0, smoothness=0.5)
    assert not check_constants(wrong, rng=0).passed


def test_unknown_function_name():
    with pytest.raises(InvalidParameterError, match="unknown function 'nope'"):
        get_function("nope")


def test_invalid_quadratic():
    with pytest.raises(ValueError, match="positive semidefinite"):
        Quadratic.diagonal([-1.0, 1.0])


@pytest.mark.parametrize("theta", [0.05, 2.0, 1.5 * np.pi, 4.49])
def test_cosine_sam_fixed_points_are_fixed(theta):
    from samtheory import simulate
    from samtheory.functions import CosineFamily
    rho = 0.1
    for dim in (1, 2):
        f = CosineFamily(1.0, theta / rho, dim=dim)
        points = CosineFamily.sam_fixed_points(f, rho)
        assert points, "every angle has fixed points"
        for point in points:
            run = simulate(f, "sam", eta=0.1, rho=rho, steps=5, x0=point)
            # the perturbed point is a stationary point k pi / omega: the gradient there is sin(k pi) ~ 1e-16
            np.testing.assert_allclose(run.x.ravel(), point, atol=1e-14)
    stall = CosineFamily.stall_counterexample(rho=rho)
    assert any(np.isclose(p[0], rho) for p in CosineFamily.sam_fixed_points(stall, rho))  # x = rho, the stall


def test_log_cosh_is_accurate_near_its_minimum():
    from samtheory.functions.logcosh import _log_cosh
    z = np.array([1e-9, 1e-5, 1e-3, 0.5, 0.999, 1.0, 1.5, 30.0])
    with mpmath.workdps(40):  # the reference to 40 digits
        exact = np.array([float(mpmath.log(mpmath.cosh(mpmath.mpf(float(v))))) for v in z])
    # a few ulps of the value itself, also where it is z^2/2 ~ 1e-18 (the former formula
    # |z| + log1p(exp(-2|z|)) - log 2 left an absolute error of ~1e-16 there)
    np.testing.assert_allclose(_log_cosh(z), exact, rtol=4 * np.finfo(float).eps, atol=0)


def test_cosine_value_is_accurate_near_its_minimum():
    from samtheory.functions import CosineFamily
    f = CosineFamily(2.0, 250.0)
    x = np.array([[1e-9], [1e-6], [1e-3], [0.01]])
    with mpmath.workdps(40):
        exact = [float(2.0 / 250.0 ** 2 * (1 - mpmath.cos(250 * mpmath.mpf(float(v))))) for v in x.ravel()]
    np.testing.assert_allclose(f.value(x), exact, rtol=8 * np.finfo(float).eps, atol=0)
