"""Tests of :mod:`samtheory.closed_forms`: each closed form against the map it solves, applied by
hand (not through the simulator), and against the simulator's long-run behaviour."""
import numpy as np
import pytest

from samtheory.closed_forms import two_cycle_amplitude, two_cycle_loss
from samtheory.functions.quadratic import Quadratic
from samtheory.simulation import simulate


def sam_map_1d(x, eta, rho, curvature):
    """Deterministic SAM on f(x) = curvature x^2 / 2 in one dimension, written out by hand."""
    g = curvature * x
    y = x + rho * np.sign(g)
    return x - eta * curvature * y


@pytest.mark.parametrize("eta, rho, curvature", [(0.1, 0.05, 1.0), (0.3, 0.2, 4.0), (1.5, 1.0, 1.0), (0.01, 3.0, 150.0)])
def test_amplitude_is_a_2_cycle_of_the_sam_map(eta, rho, curvature):
    a = two_cycle_amplitude(eta, rho, curvature)
    assert a > 0
    # +a goes to -a and -a back to +a, to rounding
    assert sam_map_1d(a, eta, rho, curvature) == pytest.approx(-a, rel=1e-12)
    assert sam_map_1d(-a, eta, rho, curvature) == pytest.approx(a, rel=1e-12)
    # a 10 % larger amplitude is not a 2-cycle (the check above can fail)
    assert abs(sam_map_1d(1.1 * a, eta, rho, curvature) + 1.1 * a) > 1e-3 * a


@pytest.mark.parametrize("eta, rho, curvature", [(0.1, 0.05, 1.0), (0.3, 0.2, 4.0)])
def test_loss_is_half_curvature_times_amplitude_squared(eta, rho, curvature):
    a = two_cycle_amplitude(eta, rho, curvature)
    assert two_cycle_loss(eta, rho, curvature) == pytest.approx(0.5 * curvature * a * a, rel=1e-15)
    # the written-out form of the module docstring
    expected = curvature ** 3 * eta ** 2 * rho ** 2 / (2 * (2 - eta * curvature) ** 2)
    assert two_cycle_loss(eta, rho, curvature) == pytest.approx(expected, rel=1e-12)


def test_simulated_sam_ends_on_the_2_cycle_of_the_top_curvature():
    # along the top eigenvector SAM oscillates at +-a; the other coordinate is driven to it as well
    eta, rho, curvatures = 0.3, 0.1, [1.0, 4.0]
    f = Quadratic.diagonal(curvatures)
    run = simulate(f, "sam", eta=eta, rho=rho, steps=4000, x0=np.array([0.7, 0.7]))
    top = float(np.abs(np.asarray(run.x).reshape(-1, 2)[0, 1]))
    assert top == pytest.approx(two_cycle_amplitude(eta, rho, max(curvatures)), rel=1e-9)


def test_the_asymmetric_floor_is_the_loss_at_the_stall_point():
    from samtheory.closed_forms import asymmetric_floor, asymmetric_stall_point
    from samtheory.functions import AsymmetricQuadratic
    for mu, beta, rho in ((0.25, 1.0, 0.1), (0.1, 3.0, 0.5), (0.9, 1.0, 2.0)):
        point = asymmetric_stall_point(mu, beta, rho)
        assert -rho < point < 0  # on the flat side, inside the radius
        f = AsymmetricQuadratic(mu, beta)
        assert np.isclose(float(f.value(np.array([[point]]))[0]) - f.f_star, asymmetric_floor(mu, beta, rho), rtol=1e-14)
