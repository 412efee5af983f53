"""The Unified SAM experiments (samtheory.paper_experiments.unified_*) at --quick size reproduce the
qualitative claims of unified-sam.md §4, and bad input is refused with a message naming the
parameter. Each quick experiment runs once per module (fixtures), without plotting."""
import json

import numpy as np
import pytest

from samtheory import InvalidParameterError
from samtheory import stepsizes as S
from samtheory.functions import Ridge, haar_matrix_with_given_cond, regression_targets
from samtheory.paper_experiments import EXPERIMENTS, unified_decreasing, unified_importance, unified_lambda_sweep
from samtheory.sampling import FiniteSumSampling


@pytest.fixture(scope="module")
def exp1():
    return unified_lambda_sweep.run(quick=True, plot=False, progress=False)


@pytest.fixture(scope="module")
def exp2():
    return unified_importance.run(quick=True, plot=False, progress=False)


@pytest.fixture(scope="module")
def exp3():
    return unified_decreasing.run(quick=True, plot=False, progress=False)


def curve(doc, **match):
    found = [c for c in doc["curves"] if all(c[k] == v for k, v in match.items())]
    assert len(found) == 1, match
    return found[0]


# -- experiment 1: deterministic lambda sweep -----------------------------------------------------

def test_exp1_step_sizes_are_the_reference_table(exp1):
    # unified-sam.md §4.2 ("new" rule, mu = 0.1, L = 10): gamma = 0.0125 for every lambda
    expected_rho = {0.0: 0.0125, 0.1: 0.015432, 0.2: 0.019531, 0.3: 0.025, 1.0: 0.025}
    assert exp1["problem"]["mu"] == pytest.approx(0.1, rel=1e-9)
    assert exp1["problem"]["L"] == pytest.approx(10.0, rel=1e-9)
    for lam, rho in expected_rho.items():
        c = curve(exp1, lam=lam)
        assert c["rho"] == pytest.approx(rho, rel=5e-5)
        assert c["gamma"] == pytest.approx(0.0125, rel=1e-12)


def test_exp1_usam_keeps_converging_linearly(exp1):
    t = np.asarray(exp1["t"])
    y = np.log(curve(exp1, lam=0.0)["relative_suboptimality"])
    T = t[-1]
    late = (t >= T / 2)
    slope_first, slope_second = (np.polyfit(t[late & (t < 3 * T / 4)], y[late & (t < 3 * T / 4)], 1)[0],
                                 np.polyfit(t[t >= 3 * T / 4], y[t >= 3 * T / 4], 1)[0])
    # a straight line on the log scale: the rate over the last quarter matches the previous quarter
    assert slope_second < 0
    assert slope_second == pytest.approx(slope_first, rel=0.3)
    assert np.exp(y[-1]) < 1e-9


def test_exp1_every_positive_lambda_plateaus_in_lambda_order(exp1):
    t = np.asarray(exp1["t"])
    usam_final = curve(exp1, lam=0.0)["final"]
    plateaus = []
    for c in exp1["curves"]:
        if c["lam"] == 0:
            continue
        y = np.asarray(c["relative_suboptimality"])
        at_90 = y[np.searchsorted(t, 0.9 * t[-1])]
        assert y[-1] / at_90 > 0.9, c["lam"]          # flat over the last tenth
        assert y[-1] > 10 * usam_final, c["lam"]       # well above USAM
        plateaus.append(c["plateau_mean_last_20pct"])
    assert np.all(np.diff(plateaus) > 0)                # ordered by lambda


def test_exp1_derived_pl_bound_holds(exp1):
    for c in exp1["curves"]:
        assert c["pl_conditions_hold"]
        assert c["measured_over_bound"]["bound_holds"], c["lam"]


# -- experiment 2: importance sampling -------------------------------------------------------------

def test_exp2_importance_sampling_is_faster_at_first(exp2):
    for lam in (0.5, 1.0):
        uniform = curve(exp2, sampler="uniform", lam=lam)["early"]["mean"]
        for sampler in ("importance", "importance-unweighted"):
            assert curve(exp2, sampler=sampler, lam=lam)["early"]["mean"] < 0.5 * uniform, (sampler, lam)


def test_exp2_unweighted_plateaus_at_its_biased_fixed_point_and_reweighted_does_not(exp2):
    bias = exp2["biased_fixed_point"]["relative_suboptimality"]
    assert bias > 0
    for lam in (0.5, 1.0):
        unweighted = curve(exp2, sampler="importance-unweighted", lam=lam)
        assert 0.8 < unweighted["plateau_over_biased_fixed_point"] < 1.6, lam
        reweighted = curve(exp2, sampler="importance", lam=lam)
        assert reweighted["plateau_mean_last_20pct"] < 0.25 * bias, lam
        assert reweighted["final_mean"] < 0.25 * unweighted["final_mean"], lam


def test_exp2_bounds_for_the_unbiased_samplers_only(exp2):
    for c in exp2["curves"]:
        if c["unbiased"]:
            assert c["pl_conditions_hold"] and c["measured_over_bound"]["bound_holds"], (c["sampler"], c["lam"])
        else:
            assert "bound" not in c


def test_biased_fixed_point_is_the_minimizer_of_the_weighted_sum():
    rng = np.random.default_rng(0)
    A = haar_matrix_with_given_cond(8, 10.0, rng)
    b, _ = regression_targets(A, rng, consistent=False)
    f = Ridge(A, b, 0.1)
    p = FiniteSumSampling(f, "importance").probabilities
    x_p = unified_importance.biased_fixed_point(f, p)
    weighted_grad = np.einsum("i,id->d", p, f.component_grads(x_p))
    assert np.linalg.norm(weighted_grad) < 1e-12 * max(1.0, np.linalg.norm(f.component_grads(x_p)))
    assert f.value(x_p) - f.f_star > 1e-6  # a different point from x*


def test_exp2_old_rule_matches_the_reference_table():
    # unified-sam.md §4.3 printed constants: mu = 0.04, L_bar = 3.3016, L_max = 8.4140
    mu, L_bar, L_max = 0.04, 3.3016, 8.4140
    s = S.old_rule(mu, L_max, L_max, 0.0, 0.5)
    assert (s.rho, s.gamma) == (pytest.approx(5.5968e-4, rel=2e-4), pytest.approx(1.4125e-4, rel=2e-4))
    s = S.old_rule(mu, L_max, L_bar, 0.0, 0.5)
    assert (s.rho, s.gamma) == (pytest.approx(1.4058e-3, rel=2e-4), pytest.approx(3.5995e-4, rel=2e-4))


# -- experiment 3: decreasing step sizes -------------------------------------------------------------

def test_exp3_decreasing_steps_go_below_the_constant_plateau(exp3):
    for lam in (0.0, 0.5, 1.0):
        const = curve(exp3, kind="constant", lam=lam)
        dec = curve(exp3, kind="decreasing", lam=lam)
        assert dec["final_mean"] < 0.5 * const["plateau_mean_last_20pct"], lam
        assert dec["final_mean"] < 0.5 * const["final_mean"], lam


def test_exp3_bounds_hold(exp3):
    for c in exp3["curves"]:
        assert c["pl_conditions_hold"] and c["measured_over_bound"]["bound_holds"], (c["kind"], c["lam"])


# -- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lambdas", [[0.5, 1.2], [-0.1], []])
def test_lambda_outside_unit_interval_is_refused(lambdas):
    with pytest.raises(InvalidParameterError, match="lambdas"):
        unified_lambda_sweep.run(quick=True, lambdas=lambdas, plot=False)


def test_lambda_outside_unit_interval_in_the_step_size_rules():
    for rule in (S.new_rule, S.old_rule):
        with pytest.raises(InvalidParameterError, match="lam"):
            rule(0.1, 10.0, 0.0, 1.0, 1.5)


@pytest.mark.parametrize("batch_size", [0, -3, 31, 1000])
def test_batch_size_outside_1_to_n_is_refused(batch_size):
    with pytest.raises(InvalidParameterError, match="batch_size"):
        unified_lambda_sweep.run(quick=True, batch_size=batch_size, plot=False)  # quick: n = 30
    with pytest.raises(InvalidParameterError, match="batch_size"):
        unified_decreasing.run(quick=True, batch_size=batch_size, plot=False)  # quick: n = 20


def test_batch_size_in_the_samplers():
    f = Ridge(np.eye(3), np.ones(3), 0.1)
    for b in (0, 4):
        with pytest.raises(InvalidParameterError, match="batch_size"):
            FiniteSumSampling(f, "nice", batch_size=b)


def test_rules_that_need_mu_positive_refuse_mu_zero():
    for call in (lambda: S.new_rule(0.0, 10.0, 0.0, 1.0, 0.5), lambda: S.old_rule(0.0, 10.0, 0.0, 1.0, 0.5),
                 lambda: S.decreasing_rule(0.0, 10.0, 0.0, 1.0, 0.5), lambda: S.rho_max(0.0, 10.0, 0.0, 1.0, 0.5)):
        with pytest.raises(InvalidParameterError, match="mu must be > 0"):
            call()


def test_other_bad_options_name_the_parameter():
    with pytest.raises(InvalidParameterError, match="rule"):
        unified_lambda_sweep.run(quick=True, rule="newest", plot=False)
    with pytest.raises(InvalidParameterError, match="steps"):
        unified_importance.run(quick=True, steps=0, plot=False)
    with pytest.raises(InvalidParameterError, match="batch_size must be 1"):
        unified_importance.run(quick=True, batch_size=2, plot=False)
    with pytest.raises(InvalidParameterError, match="reg"):
        unified_decreasing.run(quick=True, reg=0.0, plot=False)


# -- files --------------------------------------------------------------------------------------------

def test_registry_names_and_files(tmp_path):
    assert {"unified-exp1-lambda-sweep", "unified-exp2-importance", "unified-exp3-decreasing"} <= set(EXPERIMENTS)
    doc = unified_lambda_sweep.run(tmp_path, quick=True, n=10, steps=200, progress=False)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["unified_exp1_lambda_sweep.json", "unified_exp1_lambda_sweep.pdf", "unified_exp1_lambda_sweep.png"]
    stored = json.loads((tmp_path / "unified_exp1_lambda_sweep.json").read_text())
    assert stored["curves"][0]["relative_suboptimality"] == doc["curves"][0]["relative_suboptimality"]
    assert (tmp_path / "unified_exp1_lambda_sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
