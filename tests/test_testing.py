"""samtheory.testing: assertions pass on true statements and fail loudly, with the facts, on false ones."""
import dataclasses

import numpy as np
import pytest

import samtheory.testing as stt
from samtheory.functions import Quadratic
from samtheory.theorems import THEOREMS, register_theorem


def test_assert_bound_holds_returns_the_verdict():
    v = stt.assert_bound_holds("siyun.derived.d1", Quadratic.diagonal([0.5, 2.0]), eta=0.2, rho=0.1, steps=300,
                               x0=[1.0, -1.0])
    assert v.verdict == "holds" and 0 < v.ratio <= 1


def test_assert_bound_holds_fails_with_theorem_instance_t_and_margin():
    base = THEOREMS["siyun.derived.d1"]
    wrong = dataclasses.replace(base, id="test.too-good-d1",
                                bound=lambda ctx: (lambda t, b=base.bound(ctx): 0.01 * b(t)))
    register_theorem(wrong, overwrite=True)
    try:
        with pytest.raises(AssertionError) as exc:
            stt.assert_bound_holds("test.too-good-d1", "quadratic", eta=0.05, rho=0.1, steps=500, x0=[1.0, -2.0, 1.5])
    finally:
        del THEOREMS["test.too-good-d1"]
    text = str(exc.value)
    assert "test.too-good-d1" in text and "VIOLATED" in text and "quadratic" in text
    assert "first violating t" in text and "margin" in text


def test_assert_floor_and_not_applicable():
    stt.assert_floor_at_least("siyun.stochastic.smooth-lipschitz.rho2-unavoidable", "cosine", eta=0.25, rho=0.1,
                              noise="rademacher", sigma=0.01, x0=[0.9], trajectories=20, steps=500)
    reason = stt.assert_not_applicable("siyun.derived.d3", "cosine", eta=0.5, rho=0.1, steps=10, x0=[0.9])
    assert "eta <= 1/(4 beta)" in reason
    with pytest.raises(AssertionError, match="expected siyun.derived.d3 to be not applicable"):
        stt.assert_not_applicable("siyun.derived.d3", "cosine", eta=0.25, rho=0.1, steps=10, x0=[0.9])


def test_kind_mismatch_is_a_type_error():
    with pytest.raises(TypeError, match="lower result"):
        stt.assert_bound_holds("siyun.deterministic.smooth.rho2-unavoidable", "cosine", eta=0.5, rho=0.1, steps=10)
    with pytest.raises(TypeError, match="upper result"):
        stt.assert_floor_at_least("siyun.derived.d3", "cosine", eta=0.25, rho=0.1, steps=10)


# -- claimed constants of user functions (check_constants) -------------------------------------

A = np.array([0.5, 2.0])  # f = sum a_i x_i^2 / 2: smoothness 2, strong convexity and PL 0.5


def diagonal_custom(smoothness, name="my-quadratic"):
    from samtheory.functions import CustomObjective
    return CustomObjective(value=lambda x: 0.5 * np.sum(A * x ** 2, axis=-1), grad=lambda x: A * x, dim=2,
                           f_star=0.0, minimizer=[0.0, 0.0], smoothness=smoothness, strong_convexity=0.5, pl=0.5,
                           name=name)


D1 = dict(eta=0.2, rho=0.1, steps=300, x0=[1.0, -1.0])


def test_custom_objective_with_too_small_smoothness_is_rejected_naming_it():
    with pytest.raises(AssertionError) as exc:
        stt.assert_bound_holds("siyun.derived.d1", diagonal_custom(1.0), **D1)
    text = str(exc.value)
    assert "falsified" in text and "smoothness" in text and "my-quadratic" in text
    assert "strong convexity" not in text  # only the wrong claim is named
    # the same for lower-bound assertions (before any simulation)
    with pytest.raises(AssertionError, match="falsified.*smoothness"):
        stt.assert_floor_at_least("siyun.deterministic.smooth.rho2-unavoidable", diagonal_custom(1.0), **D1)


def test_custom_objective_with_correct_constants_passes():
    v = stt.assert_bound_holds("siyun.derived.d1", diagonal_custom(2.0), **D1)
    assert v.verdict == "holds"


def test_check_constants_can_be_turned_off_and_the_failure_then_says_claims_are_unverified():
    # beta = 0.6 is wrong (the truth is 2): unchecked, the D1 floor beta^4 eta^2 rho^2 / mu is
    # too small for the SAM cycle on this quadratic, so the theorem appears violated
    with pytest.raises(AssertionError) as exc:
        stt.assert_bound_holds("siyun.derived.d1", diagonal_custom(0.6), check_constants=False, **D1)
    text = str(exc.value)
    assert "VIOLATED" in text and "falsified" not in text
    assert "unverified user claims" in text and "smoothness=0.6" in text


def test_checked_custom_claims_are_still_called_claims_on_failure():
    base = THEOREMS["siyun.derived.d1"]
    wrong = dataclasses.replace(base, id="test.too-good-d1-custom",
                                bound=lambda ctx: (lambda t, b=base.bound(ctx): 0.01 * b(t)))
    register_theorem(wrong, overwrite=True)
    try:
        with pytest.raises(AssertionError) as exc:
            stt.assert_bound_holds("test.too-good-d1-custom", diagonal_custom(2.0), **D1)
    finally:
        del THEOREMS["test.too-good-d1-custom"]
    text = str(exc.value)
    assert "VIOLATED" in text and "are user claims" in text and "does not prove them" in text
    assert "unverified" not in text


def test_check_constants_true_checks_any_objective():
    from samtheory.functions import Constant
    f = Quadratic.diagonal([0.5, 2.0])
    f.constants["smoothness"] = Constant(0.6, False, "deliberately wrong (the truth is 2)")
    with pytest.raises(AssertionError, match="falsified.*smoothness"):
        stt.assert_bound_holds("siyun.derived.d1", f, check_constants=True, **D1)
    # default: only user functions are checked first; a catalog class is trusted, so the wrong
    # constant now reaches the theorem (and the message does not speak of user claims)
    with pytest.raises(AssertionError) as exc:
        stt.assert_bound_holds("siyun.derived.d1", f, **D1)
    assert "falsified" not in str(exc.value) and "user claims" not in str(exc.value)
