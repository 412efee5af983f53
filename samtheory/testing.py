"""Assertions for users' own test suites, in the style of ``numpy.testing``.

Example (a complete pytest file)::

    import numpy as np
    from samtheory.functions import Quadratic
    from samtheory.testing import assert_bound_holds, assert_floor_at_least

    def test_d1_on_my_quadratic():
        f = Quadratic.with_spectrum([0.5, 1.0, 4.0], seed=0)
        assert_bound_holds("siyun.derived.d1", f, eta=0.1, rho=0.05, steps=500, x0=np.ones(3))

    def test_sam_stalls_on_the_cosine():
        assert_floor_at_least("siyun.deterministic.smooth.rho2-unavoidable", "cosine",
                              eta=0.5, rho=0.1, steps=1000, x0=[0.9])

Each assertion checks one theorem on one instance and raises ``AssertionError`` unless the
verdict is ``holds``; the message names the theorem, the instance, the verdict and its reason,
the first violating step and the margin.
"""
from __future__ import annotations

from .theorems import Instance, check, get_theorem

__all__ = ["assert_bound_holds", "assert_floor_at_least", "assert_not_applicable", "instance"]


def instance(function, **params) -> Instance:
    """An :class:`~samtheory.theorems.Instance` from a function (catalog name or objective) and
    keyword parameters (``method``, ``eta``, ``rho``, ``lam``, ``steps``, ``trajectories``,
    ``noise``, ``sigma``, ``sampling``, ``same_sample``, ``x0``, ``seed``, ``horizons``)."""
    return Instance(function, **params)


def _message(verdict):
    parts = [f"theorem {verdict.theorem!r} is {verdict.verdict.upper()} on instance {verdict.instance!r}",
             f"reason: {verdict.reason}"]
    if verdict.first_violation is not None:
        parts.append(f"first violating t: {verdict.first_violation}")
    if verdict.margin is not None:
        parts.append(f"margin (bound - measure): {verdict.margin:.6g}")
    if verdict.ratio is not None:
        parts.append(f"ratio (measure / bound): {verdict.ratio:.6g}")
    return "\n  ".join(parts)


def _run(theorem, function, params, expect_kind=None):
    th = get_theorem(theorem)
    if expect_kind is not None and th.kind not in expect_kind:
        raise TypeError(f"{th.id} is a {th.kind} result; use the assertion for that kind")
    return check(th, Instance(function, **params))


def assert_bound_holds(theorem, function, **params):
    """Assert that an upper bound, exact prediction or asymptotic property holds on the instance.

    Returns the :class:`~samtheory.theorems.Verdict` so the caller can inspect margins.
    """
    v = _run(theorem, function, params, expect_kind=("upper", "exact", "asymptotic"))
    if v.verdict != "holds":
        raise AssertionError(_message(v))
    return v


def assert_floor_at_least(theorem, function, **params):
    """Assert that a lower-bound theorem's floor is respected (the measure stays at or above it)."""
    v = _run(theorem, function, params, expect_kind=("lower",))
    if v.verdict != "holds":
        raise AssertionError(_message(v))
    return v


def assert_not_applicable(theorem, function, **params):
    """Assert that the theorem refuses the instance (outside its preconditions); returns the reason."""
    v = _run(theorem, function, params)
    if v.verdict != "not-applicable":
        raise AssertionError(f"expected {get_theorem(theorem).id} to be not applicable; got {v.verdict}: {v.reason}")
    return v.reason
