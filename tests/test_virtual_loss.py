"""Virtual loss: SAM on f is GD on J_f, and J_f's minimizers are SAM's limit points."""
import numpy as np
import pytest

from samtheory import simulate, virtual_loss as vl
from samtheory.functions import AsymmetricQuadratic, CosineFamily, CustomObjective, Quadratic
from samtheory.oracles import AdditiveNoise


@pytest.mark.parametrize("f, rho", [(CosineFamily.stall_counterexample(1.0, 0.1), 0.1),
                                    (CosineFamily(1.0, 1.0), 4.0), (Quadratic.diagonal([2.0]), 0.3)])
def test_sam_on_f_is_gd_on_J_step_by_step(f, rho):
    eta, steps = 0.3, 60
    r = simulate(f, "sam", eta=eta, rho=rho, steps=steps, x0=[[0.913], [-0.377], [1.71]], trajectories=3,
                 history=True, record_every=1)
    x = r.x_history[:, :, 0]
    for t in range(steps):
        away = np.abs(f.grad(x[t][:, None])[:, 0]) > 1e-12  # away from critical points of f
        gd = x[t] - eta * vl.virtual_gradient(f, x[t], rho)
        np.testing.assert_allclose(x[t + 1][away], gd[away], rtol=1e-12, atol=1e-15)
        # J' (by differences of the integral form) is the virtual gradient
    h = 1e-6
    xs = np.array([0.37, -0.81, 1.3])
    xs = xs[np.abs(f.grad(xs[:, None])[:, 0]) > 1e-3]
    dJ = (vl.virtual_loss(f, xs + h, rho) - vl.virtual_loss(f, xs - h, rho)) / (2 * h)
    np.testing.assert_allclose(dJ, vl.virtual_gradient(f, xs, rho), rtol=1e-6, atol=1e-9)


def test_minimizers_match_simulated_limit_points():
    f = CosineFamily.stall_counterexample(1.0, 0.1)
    period = 2 * np.pi / f.omega
    mins = vl.minimizers(f, 0.1, (-period / 2 + 1e-9, period / 2 + 1e-9))
    # the stall points +-rho, reduced modulo the period 4 rho / 3: +-rho/3
    assert sorted(round(m.x, 9) for m in mins) == [-0.033333333, 0.033333333] and not any(m.stationary for m in mins)
    r = simulate(f, "sam", eta=0.5, rho=0.1, steps=500, x0=np.linspace(-period / 2, period / 2, 21)[:, None] + 0.001,
                 trajectories=21, record_every=None)
    limits = (r.x[:, 0] + period / 2) % period - period / 2
    assert np.all(np.min(np.abs(limits[:, None] - np.array([m.x for m in mins])[None]), axis=1) < 1e-9)


def test_quadratic_closed_form():
    f = Quadratic.diagonal([2.0])
    x = np.linspace(-1, 1, 41)
    J = vl.virtual_loss(f, x, 0.3, x_ref=0.0, J_ref=0.0)
    np.testing.assert_allclose(J, vl.quadratic_virtual_loss(x, 2.0, 0.3), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(J, x ** 2 + 2.0 * 0.3 * np.abs(x), rtol=1e-9, atol=1e-12)  # lambda/2 x^2 + lambda rho |x|


def test_stochastic_virtual_loss_minimizer_and_both_modes():
    f = AsymmetricQuadratic(0.25, 1.0)
    xs = np.linspace(-0.2, 0.1, 7)
    same = vl.virtual_gradient(f, xs, 0.1, noise="rademacher", sigma=1.0, mode="same_sample")
    indep = vl.virtual_gradient(f, xs, 0.1, noise="rademacher", sigma=1.0, mode="independent_samples")
    np.testing.assert_allclose(same, indep, rtol=1e-12)
    np.testing.assert_allclose(same, 0.5 * f.grad((xs + 0.1)[:, None])[:, 0] + 0.5 * f.grad((xs - 0.1)[:, None])[:, 0])
    (m,) = vl.minimizers(f, 0.1, (-0.2, 0.2), noise="rademacher", sigma=1.0)
    assert abs(m.x + 0.06) < 1e-12
    # Gaussian noise by quadrature: the expected direction is a probability-weighted mix
    g = vl.virtual_gradient(f, np.array([0.05]), 0.1, noise="gaussian", sigma=0.5)
    assert f.grad(np.array([[-0.05]]))[0, 0] < g[0] < f.grad(np.array([[0.15]]))[0, 0]
    # the mean of many SAM chains sits at the minimizer of the stochastic virtual loss
    r = simulate(f, "sam", eta=2e-3, rho=0.1, steps=6000, x0=[-0.06], trajectories=400, same_sample=False,
                 oracle=AdditiveNoise(f, 1.0, "rademacher"), seed=3, record_every=None)
    assert abs(r.x.mean() + 0.06) < 5 * r.x.std() / np.sqrt(400) + 2e-3


def test_user_defined_objective():
    f = CustomObjective(value=lambda x: 1 - np.cos(x[..., 0]), grad=lambda x: np.sin(x), dim=1, f_star=0.0,
                        smoothness=1.0)
    mins = vl.minimizers(f, 4.0, (-np.pi + 0.01, np.pi - 0.01))
    assert any(not m.stationary for m in mins)  # hallucinated minimizers of 1 - cos x at rho = 4


def test_bad_input():
    with pytest.raises(ValueError):
        vl.virtual_loss(Quadratic.diagonal([1.0, 2.0]), np.zeros(3), 0.1)  # not 1-D
    with pytest.raises(ValueError, match="rho"):
        vl.virtual_gradient(Quadratic.diagonal([1.0]), np.zeros(3), -0.1)
