"""The simulator's self-checks hold, and each comparison fails when the expectation is wrong."""
import numpy as np
import pytest

from samtheory import selfcheck
from samtheory.functions import Quadratic


@pytest.mark.parametrize("check", selfcheck.CHECKS, ids=lambda c: c.__name__)
def test_selfcheck_holds(check):
    result = check()
    assert result.verdict == "holds", result.detail


def test_compare_fails_on_a_wrong_expectation():
    assert selfcheck.compare("x", 1.0, 1.0 + 1e-6, 1e-9, "demo").verdict == "violated"
    assert selfcheck.compare("x", np.nan, 0.0, 1.0, "nan is never a pass").verdict == "violated"
    assert selfcheck.compare("x", 1.0, 1.0 + 1e-13, 1e-12, "demo").verdict == "holds"


def test_two_cycle_check_fails_with_a_wrong_amplitude():
    wrong = lambda eta, rho, lam: 1.01 * selfcheck.two_cycle_amplitude(eta, rho, lam)  # noqa: E731
    assert selfcheck.check_two_cycle(amplitude=wrong).verdict == "violated"
    # the amplitude without the (2 - eta lambda) denominator, a plausible slip, is caught too
    slip = lambda eta, rho, lam: eta * rho * lam / 2  # noqa: E731
    assert selfcheck.check_two_cycle(amplitude=slip).verdict == "violated"


def test_reference_loop_is_a_real_loop():
    q = Quadratic.diagonal([1.0, 4.0])
    x0 = np.array([[1.0, -2.0]])
    x = x0[0].copy()
    for _ in range(3):  # SAM written out by hand
        g = q.grad(x)
        y = x + 0.1 * g / np.linalg.norm(g)
        x = x - 0.2 * q.grad(y)
    np.testing.assert_array_equal(selfcheck.reference_loop(q, "sam", 0.2, 0.1, 3, x0)[0], x)


def test_run_selfchecks_reports_errors_instead_of_raising(monkeypatch):
    def broken():
        raise RuntimeError("boom")
    monkeypatch.setattr(selfcheck, "CHECKS", (broken,))
    (res,) = selfcheck.run_selfchecks()
    assert res.verdict == "error" and "boom" in res.detail


@pytest.mark.parametrize("wrong", [lambda sigma, d: 2 * sigma ** 2,  # the 1/sqrt(d) scaling lost in 1-D
                                   lambda sigma, d: d * sigma ** 2,
                                   lambda sigma, d: 1.1 * sigma ** 2])
def test_noise_variance_check_fails_with_a_wrong_variance(wrong):
    assert selfcheck.check_noise_variance(variance=wrong).verdict == "violated"


def test_noise_variance_check_catches_a_noisier_oracle(monkeypatch):
    from samtheory.oracles import AdditiveNoise
    draw = AdditiveNoise.draw
    monkeypatch.setattr(AdditiveNoise, "draw", lambda self, rng, n: np.sqrt(2.0) * draw(self, rng, n))
    assert selfcheck.check_noise_variance().verdict == "violated"


@pytest.mark.parametrize("wrong", [lambda same: 1.0,  # samples always shared
                                   lambda same: 0.5,  # samples never shared
                                   lambda same: 1.0 if same else 0.6])
def test_same_sample_check_fails_with_a_wrong_expectation(wrong):
    assert selfcheck.check_same_sample(shared_fraction=wrong).verdict == "violated"
