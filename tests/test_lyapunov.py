"""The finite-time Lyapunov exponent of a tail (samtheory.sweep._lyapunov) and the regime it
decides (chaotic only when positive beyond LYAPUNOV_TOL, else aperiodic): known cases with their
analytic exponents, and SAM on the cosine where it is positive."""
import numpy as np
import pytest

from samtheory.closed_forms import two_cycle_amplitude, two_cycle_contraction
from samtheory.functions import Quadratic, get_function
from samtheory import simulate
from samtheory.sweep import REGIMES, classify
from samtheory.sweep._lyapunov import finite_time_lyapunov, method_step
from samtheory.sweep._regimes import LYAPUNOV_TOL, TAIL_WINDOW

K = TAIL_WINDOW
CURVATURE = 2.0
#: SAM on the cosine stall member (omega = 15 pi, beta = 1) at eta = 5, rho = 0.3, from x0 = 0.01:
#: found by scanning the (eta, rho) map of `samtheory reproduce sweep-regimes-cosine`, whose
#: largest exponent (1.46 per step) sits in this corner
CHAOTIC_ETA, CHAOTIC_RHO = 5.0, 0.3


def _tail(objective, method, eta, rho, x0, steps=2000):
    run = simulate(objective, method, eta=eta, rho=rho, steps=steps, x0=np.array([x0], dtype=float), record_every=1,
                   history=True, backend="numpy")
    tail = np.moveaxis(run.x_history, 0, -2).reshape(1, -1, objective.dim)[:, -(K + 1):]
    return tail, float(np.sqrt(run.gradsq).ravel()[0])


def _exponent_and_regime(objective, method, eta, rho, x0):
    tail, grad_norm = _tail(objective, method, eta, rho, x0)
    exponent = finite_time_lyapunov(method_step(objective, method, eta, rho), tail)
    out = classify(tail, [eta], [grad_norm], lyapunov=exponent)
    return float(exponent[0]), REGIMES[out["regime"][0]], int(out["period"][0]), tail


def test_stable_fixed_point_of_gd_on_a_quadratic():
    """GD on lambda x^2 / 2 is x -> (1 - eta lambda) x: exponent log|1 - eta lambda|."""
    eta = 0.3
    exponent, regime, period, _ = _exponent_and_regime(Quadratic([[CURVATURE]]), "gd", eta, 0.0, [1.0])
    assert exponent == pytest.approx(np.log(two_cycle_contraction(eta, CURVATURE)), abs=1e-6)  # log 0.4
    assert exponent < 0 and (regime, period) == ("converged", 1)


@pytest.mark.parametrize("eta", [0.3, 0.9])
def test_stable_two_cycle_of_sam_on_a_quadratic(eta):
    """SAM's map x -> x - eta lambda (x + rho sign x) has slope 1 - eta lambda on both sides of 0:
    the exponent of its 2-cycle +-a is log|1 - eta lambda| (the transverse contraction)."""
    rho = 0.1
    exponent, regime, period, tail = _exponent_and_regime(Quadratic([[CURVATURE]]), "sam", eta, rho, [1.0])
    assert exponent == pytest.approx(np.log(two_cycle_contraction(eta, CURVATURE)), abs=1e-6)
    assert exponent < 0 and (regime, period) == ("cycle", 2)
    assert np.max(np.abs(tail)) == pytest.approx(two_cycle_amplitude(eta, rho, CURVATURE), rel=1e-9)


def test_sam_on_the_cosine_is_chaotic_with_a_positive_exponent():
    """The finite difference agrees with the analytic 1-D derivative of SAM's map,
    F'(x) = 1 - eta f''(x + rho sign f'(x)), averaged in log over the window."""
    cosine = get_function("cosine")
    eta, rho = CHAOTIC_ETA, CHAOTIC_RHO
    exponent, regime, period, tail = _exponent_and_regime(cosine, "sam", eta, rho, [0.01])
    x = tail[0, :-1]
    ascent = x + rho * np.sign(cosine.grad(x))
    curvature = np.array([cosine.hessian(point).ravel()[0] for point in ascent])
    analytic = float(np.mean(np.log(np.abs(1 - eta * curvature))))
    assert exponent == pytest.approx(analytic, rel=1e-5)
    assert exponent > 1.0 > LYAPUNOV_TOL  # measured: 1.33 per step
    assert (regime, period) == ("chaotic", 0)


def test_logistic_map_exponent_is_near_log_2():
    """x -> 4x(1-x) has exponent log 2; over a 64-step window the estimate is within 0.25 of it."""
    x = [0.3]
    for _ in range(K + 300):
        x.append(4 * x[-1] * (1 - x[-1]))
    tail = np.asarray(x[-(K + 1):]).reshape(1, -1, 1)
    exponent = finite_time_lyapunov(lambda z: 4 * z * (1 - z), tail)[0]
    assert abs(exponent - np.log(2)) < 0.25
    assert REGIMES[classify(tail, [0.1], [0.0], lyapunov=[exponent])["regime"][0]] == "chaotic"


def test_a_long_cycle_is_aperiodic_not_chaotic():
    """A stable period-11 cycle (beyond the classifier's 8) of a contracting map: exponent < 0."""
    points = 2.0 + np.sin(1.3 * np.arange(11))  # 11 distinct points, visited in this order

    # x -> the cycle's next point, plus a contraction 0.5 of the deviation from the nearest point
    def step(z):
        nearest = np.argmin(np.abs(z - points), axis=1)
        return points[(nearest + 1) % 11][:, None] + 0.5 * (z - points[nearest][:, None])
    tail = np.tile(points, 10)[:K + 1].reshape(1, -1, 1)
    exponent = finite_time_lyapunov(step, tail)[0]
    assert exponent == pytest.approx(np.log(0.5), abs=1e-9)
    out = classify(tail, [0.1], [1.0], lyapunov=[exponent])
    assert REGIMES[out["regime"][0]] == "aperiodic" and out["period"][0] == 0


def test_non_finite_tails_get_nan_and_the_others_their_exponent():
    tail = np.stack([np.zeros((K + 1, 1)), np.full((K + 1, 1), np.nan)])
    exponent = finite_time_lyapunov(lambda z: 0.5 * z, tail)
    assert exponent[0] == pytest.approx(np.log(0.5)) and np.isnan(exponent[1])


def test_sweep_stores_the_exponent_deterministic_only():
    pytest.importorskip("xarray")
    from samtheory.oracles import AdditiveNoise
    from samtheory.sweep import sweep
    grid = {"eta": [0.3, CHAOTIC_ETA], "rho": [0.1, CHAOTIC_RHO]}
    ds = sweep("cosine", "sam", grid, steps=500, trajectories=3, seed=0)
    exponent, regime = ds["lyapunov"].values, ds["regime"].values
    assert np.all(np.isfinite(exponent))
    chaotic = regime == REGIMES.index("chaotic")
    # the chaotic corner: every start separates at > 1 per step (measured 1.35-1.42 over 500 steps);
    # a start that wanders between the cosine's wells is still called transient (the norm grew)
    assert np.all(exponent[1, 1] > 1.0) and chaotic[1, 1].sum() >= 2
    assert np.all(exponent[chaotic] > LYAPUNOV_TOL)
    assert np.all(exponent[regime == REGIMES.index("cycle")] < 0)
    cosine = get_function("cosine")
    noisy = sweep(cosine, "sam", grid, steps=500, trajectories=3, seed=0, oracle=AdditiveNoise(cosine, 0.01))
    assert np.all(np.isnan(noisy["lyapunov"].values))
    assert not np.any(noisy["regime"].values == REGIMES.index("chaotic"))
