"""Applicability of the Unified SAM entries (samtheory/theorems/unified_sam.py).

Their proofs (docs/proofs/unified-sam.md §1) apply the descent lemma of f and the smoothness of
every realization at every iterate, wherever the trajectory goes, so a function that is smooth
only on a bounded region must be refused through the ``globally-smooth`` tag.
"""
import numpy as np
import pytest

from samtheory.functions import CustomObjective
from samtheory.theorems import Instance, check, get_theorem

UNIFIED = ["unifiedsam.pl.constant-step", "unifiedsam.pl.decreasing", "unifiedsam.nonconvex"]


def quartic_on_a_box(radius=2.0):
    """x²/2 + x⁴/4: 1-strongly convex and 1-PL on all of R, but f'' = 1 + 3x² is bounded only on
    a box, so its smoothness 1 + 3R² is local (tag ``locally-smooth``)."""
    return CustomObjective(value=lambda x: np.sum(x ** 2 / 2 + x ** 4 / 4, axis=-1), grad=lambda x: x + x ** 3,
                           dim=1, f_star=0.0, minimizer=[0.0], region=radius,
                           smoothness=1 + 3 * radius ** 2, strong_convexity=1.0, pl=1.0, name="quartic-box")


@pytest.mark.parametrize("tid", UNIFIED)
def test_hyperbola_valley_is_not_applicable(tid):
    th = get_theorem(tid)
    v = check(th, Instance("hyperbola-valley", method="sam", eta=0.01, rho=0.01, x0=[2.0, 0.5], steps=20))
    assert v.verdict == "not-applicable"
    assert "needs a globally-smooth function" in v.reason


@pytest.mark.parametrize("tid", UNIFIED)
def test_locally_smooth_pl_function_is_refused_for_global_smoothness_only(tid):
    f = quartic_on_a_box()
    assert {"pl", "strongly-convex", "locally-smooth"} <= f.tags and "globally-smooth" not in f.tags
    v = check(get_theorem(tid), Instance(f, method="sam", eta=0.001, rho=0.001, x0=[0.5], steps=20))
    assert v.verdict == "not-applicable"
    # the only missing class is global smoothness: every other hypothesis tag is present
    assert v.reason.count("needs a ") == 1 and v.reason.startswith("needs a globally-smooth function")
