"""The Khanh et al. experiments (samtheory.paper_experiments.khanh_*) at --quick size show what
khanh.md §5.2, §5.7 and §6 describe."""
import json

import numpy as np
import pytest

from samtheory import InvalidParameterError
from samtheory.paper_experiments import EXPERIMENTS, khanh_quadratic, khanh_robust_regression, khanh_schedules


@pytest.fixture(scope="module")
def schedules_run():
    return khanh_schedules.run(quick=True, plot=False, progress=False)


def test_registry_names():
    assert {"khanh-fig1-quadratic", "khanh-appendix-robust-regression", "khanh-schedules"} <= set(EXPERIMENTS)


def test_quadratic_gd_converges_and_sam_sits_on_the_two_cycle(tmp_path):
    doc = khanh_quadratic.run(tmp_path, quick=True, progress=False)
    a, value = doc["two_cycle"]["amplitude"], doc["two_cycle"]["f_value"]
    assert a == pytest.approx(0.05 * 10 * 0.1 / (2 - 0.05 * 10), rel=1e-15)
    # after 150 steps the other coordinate has decayed like 0.95^150: the cycle is reached to ~1e-6
    assert np.allclose(doc["sam_final_loss_over_cycle_value"], 1.0, rtol=1e-5)
    assert np.allclose(doc["sam_final_top_coordinate_abs_over_amplitude"], 1.0, rtol=1e-5)
    assert max(doc["gd_final_loss"]) < 1e-6
    # consecutive SAM iterates alternate in sign along the top eigenvector
    last = np.asarray(doc["sam_top_coordinate_last_12"]["values"])
    assert np.all(np.sign(last[1:]) == -np.sign(last[:-1]))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["khanh_fig1_quadratic.json", "khanh_fig1_quadratic.pdf", "khanh_fig1_quadratic.png"]
    json.loads((tmp_path / "khanh_fig1_quadratic.json").read_text())


def test_quadratic_refuses_a_step_beyond_the_gd_limit():
    with pytest.raises(InvalidParameterError, match="step"):
        khanh_quadratic.run(quick=True, step=0.25, plot=False)  # lambda_max = 10: limit 0.2


def test_robust_regression_constant_and_almost_constant_radius_agree():
    doc = khanh_robust_regression.run(quick=True, plot=False, progress=False)
    assert [p["n"] for p in doc["panels"]] == [2, 20, 50, 100]
    for panel in doc["panels"]:
        for c in panel["curves"]:
            assert c["mean"][-1] < c["mean"][0], (panel["n"], c["method"])  # f decreases
        if panel["n"] >= 20:
            # the paper's point (Remark 3.6): rho_k = C/k^p behaves like rho = C
            assert 0.8 < panel["final_ratio_sam_constant_over_sam_decaying"] < 1.25, panel["n"]


def test_robust_regression_bad_options():
    with pytest.raises(InvalidParameterError, match="step_exponent"):
        khanh_robust_regression.run(quick=True, step_exponent=0.4, plot=False)
    with pytest.raises(InvalidParameterError, match="C_rho"):
        khanh_robust_regression.run(quick=True, C_rho=0.0, plot=False)


def test_constant_steps_fail_the_properties(schedules_run):
    for prob in schedules_run["problems"]:
        const = next(c for c in prob["curves"] if c["schedule"] == "Constant")
        # the gradient norm, f - f* and the Cauchy tail stop decreasing (a 2-cycle)
        for key in ("min_grad", "min_grad_half", "max_grad_half", "loss", "cauchy_tail"):
            assert const["decay_K20_to_K2"][key] > 0.9, (prob["function"], key)
        assert min(const["final_grad_norm"]) > 1e-2, prob["function"]


def test_diminishing_steps_show_the_properties(schedules_run):
    for prob in schedules_run["problems"]:
        for c in prob["curves"]:
            if c["schedule"] == "Constant":
                continue
            for key in ("min_grad", "min_grad_half", "max_grad_half", "loss", "cauchy_tail"):
                assert c["decay_K20_to_K2"][key] < 0.5, (prob["function"], c["schedule"], key)
            assert max(c["final_grad_norm"]) < 1e-2, (prob["function"], c["schedule"])
            assert max(c["final_loss"]) < 1e-5, (prob["function"], c["schedule"])


def test_schedules_measures_on_a_known_sequence():
    # x^k = 1/k in 1-D with f = x^2/2: grad = x, f = x^2/2
    K = 100
    k = np.arange(1, K + 2, dtype=float)
    x = (1 / k)[:, None, None]
    grad = (1 / k)[:, None]
    loss = (0.5 / k ** 2)[:, None]
    idx = np.array([0, 9, 49, 100])
    m = khanh_schedules.measures(grad, loss, x, idx)
    assert np.allclose(m["min_grad"][:, 0], 1 / k[idx])
    assert np.allclose(m["max_grad_half"][:, 0], 1 / k[idx // 2])
    assert np.allclose(m["min_grad_half"][:, 0], 1 / k[idx])  # property (2): min over k/2 <= i <= k
    bumpy = grad.copy()
    bumpy[5] = 0.0  # a stationary iterate at i = 5 counts for (2) only while 5 is in [k/2, k]
    m2 = khanh_schedules.measures(bumpy, loss, x, idx)
    assert m2["min_grad_half"][1, 0] == 0.0 and m2["min_grad_half"][2, 0] == 1 / k[49]
    assert np.allclose(m["cauchy_tail"][:, 0], 1 / k[idx] - 1 / k[-1])
