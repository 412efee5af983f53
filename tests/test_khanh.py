"""Applicability of the Khanh et al. entries (samtheory/theorems/khanh.py) with respect to smoothness.

Every entry whose proof (docs/proofs/khanh.md) uses the descent lemma with the global constant L
along the trajectory must refuse a function that is smooth only on a bounded region. Lemma C is
the exception: it uses only the monotonicity of the gradient of a convex f (no smoothness).
"""
import numpy as np
import pytest

from samtheory.functions import CustomObjective
from samtheory.schedules import power
from samtheory.theorems import Instance, check, get_theorem

NEEDS_GLOBAL = ["khanh.lemma-a", "khanh.lemma-b", "khanh.lyapunov", "khanh.usam-descent", "khanh.convex.iterates",
                "khanh.property-1", "khanh.property-2", "khanh.property-3", "khanh.property-4", "khanh.property-5"]


def quartic_on_a_box(radius=2.0):
    """x²/2 + x⁴/4: strongly convex with a unique minimizer, smooth only on the box |x| <= R."""
    return CustomObjective(value=lambda x: np.sum(x ** 2 / 2 + x ** 4 / 4, axis=-1), grad=lambda x: x + x ** 3,
                           dim=1, f_star=0.0, minimizer=[0.0], region=radius,
                           smoothness=1 + 3 * radius ** 2, strong_convexity=1.0, pl=1.0, name="quartic-box")


@pytest.mark.parametrize("tid", NEEDS_GLOBAL)
def test_hyperbola_valley_is_not_applicable(tid):
    th = get_theorem(tid)
    v = check(th, Instance("hyperbola-valley", method=th.methods[0], eta=power(0.01, 1.0), rho=power(0.01, 0.5),
                           x0=[2.0, 0.5], steps=20))
    assert v.verdict == "not-applicable"
    assert "needs a globally-smooth function" in v.reason


def test_convex_iterates_refuses_a_locally_smooth_convex_function():
    f = quartic_on_a_box()
    assert {"convex", "unique-minimizer", "locally-smooth"} <= f.tags
    v = check(get_theorem("khanh.convex.iterates"),
              Instance(f, eta=power(0.01, 0.75), rho=0.01, x0=[0.5], steps=64))
    assert v.verdict == "not-applicable"
    assert v.reason.count("needs a ") == 1 and v.reason.startswith("needs a globally-smooth function")


def test_lemma_c_needs_no_smoothness():
    # convexity alone: the locally smooth quartic is accepted
    f = quartic_on_a_box()
    v = check(get_theorem("khanh.lemma-c"), Instance(f, eta=0.01, rho=0.05, x0=[0.5], steps=50))
    assert v.verdict == "holds", v.reason

