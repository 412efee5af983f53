"""Every method of :mod:`samtheory.methods` on the same problems (optax-style shared list): a
method registered in the package gets these tests without writing any."""
import numpy as np
import pytest
import samtheory

from samtheory import simulate
from samtheory.functions import Quadratic, get_function
from samtheory.methods import METHODS, get_method
from samtheory.oracles import AdditiveNoise

PROBLEMS = {
    "quadratic": lambda: Quadratic.diagonal([1.0, 3.0]),
    "cosine": lambda: get_function("cosine"),
    "logcosh": lambda: get_function("logcosh"),
}
NAMES = sorted(METHODS)


def _run(name, f, rho, **kw):
    method = get_method(name)
    oracle = AdditiveNoise(f, 0.0) if method.stochastic_only else None  # sigma = 0: exact gradients
    lam = 0.5 if method.uses_lam else None
    x0 = np.full(f.dim, 0.3)
    return simulate(f, name, eta=0.05, rho=rho, lam=lam, steps=60, x0=x0, oracle=oracle, **kw)


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("name", NAMES)
def test_with_radius_zero_every_method_is_gradient_descent(name, problem):
    # every SAM-family perturbation vanishes at rho = 0 (the perturbation is rho times a direction)
    f = PROBLEMS[problem]()
    gd = _run("gd", f, 0.0)
    run = _run(name, f, 0.0)
    assert np.array_equal(run.x, gd.x)


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("name", NAMES)
def test_every_method_descends_from_the_same_start_and_stays_finite(name, problem):
    f = PROBLEMS[problem]()
    run = _run(name, f, 0.01)
    assert run.status.tolist() == ["ok"]
    assert np.all(np.isfinite(run.x))
    # a small step and radius make progress from 0.3 on every problem of the list
    assert float(run.loss[0]) < float(f.value(np.full((1, f.dim), 0.3))[0] - f.f_star)


@pytest.mark.parametrize("name", [n for n in NAMES if METHODS[n].perturbation is not None])
def test_every_perturbation_keeps_the_shape_and_scales_with_the_radius(name):
    g = np.array([[3.0, -4.0], [0.0, 0.0], [1e-3, 2e-3]])
    method = METHODS[name]
    small = method.perturbation(g, 0.1, 0.5, 0.0)
    large = method.perturbation(g, 0.2, 0.5, 0.0)
    assert small.shape == g.shape
    assert np.allclose(large, 2 * small, rtol=1e-14, atol=0)
    assert np.array_equal(small[1], [0.0, 0.0])  # zero gradient: zero perturbation (the convention)


def test_a_method_carries_its_label_and_its_unified_sam_lambda():
    from samtheory.methods import METHODS, get_method
    assert [METHODS[n].label for n in ("gd", "sam", "usam", "unified")] == ["GD", "SAM", "USAM", "Unified SAM"]
    assert get_method("sam").unified_lam == 1.0 and get_method("usam").unified_lam == 0.0
    assert get_method("unified").unified_lam is None and get_method("gd").unified_lam is None
    assert get_method("sam").covered_by(("unified",)) and get_method("usam").covered_by(("unified",))
    assert not get_method("gd").covered_by(("unified", "sam", "usam"))


def test_a_registered_member_of_unified_sam_is_covered_where_its_lambda_is(tmp_path):
    from samtheory.methods import METHODS, register_method, sam_perturbation
    try:
        method = register_method("sam-twin", sam_perturbation, label="SAM twin", unified_lam=1)
        assert method.label == "SAM twin" and method.unified_lam == 1.0
        assert method.covered_by(("sam",)) and method.covered_by(("unified",))
        assert not method.covered_by(("usam",)) and not method.covered_by(("gd",))
        assert register_method("plain", sam_perturbation, overwrite=True).label == "plain"
        with pytest.raises(samtheory.InvalidParameterError, match="unified_lam must be a number in"):
            register_method("bad-lam", sam_perturbation, unified_lam=2.0)
    finally:
        for name in ("sam-twin", "plain", "bad-lam"):
            METHODS.pop(name, None)


def test_unified_sams_theorems_judge_a_registered_member_at_its_lambda():
    from samtheory.methods import METHODS, register_method, sam_perturbation
    from samtheory.theorems import Instance, check, get_theorem
    th = get_theorem("unifiedsam.pl.constant-step")
    inst = th.instances[0]
    try:
        register_method("sam-twin", sam_perturbation, unified_lam=1.0)
        twin, sam = (check(th, Instance(inst.function, method=name, eta=inst.eta, rho=inst.rho, steps=inst.steps,
                                         x0=inst.x0, trajectories=inst.trajectories, sampling=inst.sampling,
                                         same_sample=inst.same_sample, seed=inst.seed))
                     for name in ("sam-twin", "sam"))
        # the same step as SAM, so the same verdict on the same run; a method outside the family is refused
        assert twin.verdict == sam.verdict != "not-applicable" and twin.ratio == sam.ratio
        register_method("sign-sam", lambda g, rho, lam, eps: rho * np.sign(g), overwrite=True)
        outside = check(th, Instance(inst.function, method="sign-sam", eta=inst.eta, rho=inst.rho, steps=inst.steps,
                                     x0=inst.x0, trajectories=inst.trajectories, sampling=inst.sampling, seed=inst.seed))
        assert outside.verdict == "not-applicable" and "covers methods" in outside.reason
    finally:
        for name in ("sam-twin", "sign-sam"):
            METHODS.pop(name, None)
