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
