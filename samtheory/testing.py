"""Assertions for users' own test suites, in the style of ``numpy.testing``.

Example (a complete pytest file)::

    import numpy as np
    from .functions import Quadratic
    from .testing import assert_bound_holds, assert_floor_at_least

    def test_d1_on_my_quadratic():
        f = Quadratic.with_spectrum([0.5, 1.0, 4.0], seed=0)
        assert_bound_holds("siyun.derived.d1", f, eta=0.1, rho=0.05, steps=500, x0=np.ones(3))

    def test_sam_stalls_on_the_cosine():
        assert_floor_at_least("siyun.deterministic.smooth.rho2-unavoidable", "cosine",
                              eta=0.5, rho=0.1, steps=1000, x0=[0.9])

Each assertion checks one theorem on one instance and raises ``AssertionError`` unless the
verdict is ``holds``; the message names the theorem, the instance, the verdict and its reason,
the first violating step and the margin.

**Constants of your own functions.** A verdict is only as good as the constants of the function
(β, μ, PL, Lipschitz): the bounds are computed from them. The catalog's constants are derived
from the formulas; the constants given to a :class:`~samtheory.functions.CustomObjective` are the
user's *claims*. ``assert_bound_holds`` and ``assert_floor_at_least`` therefore take a
keyword-only option ``check_constants``:

* ``None`` (default): on for a :class:`~samtheory.functions.CustomObjective`, off otherwise;
* ``True`` / ``False``: force it on / off (for any function).

When on, :func:`samtheory.functions.check_constants` (seeded, so the outcome is reproducible) first
tries to falsify every claimed constant on random points and pairs, and the assertion raises
``AssertionError`` naming each falsified claim (e.g. ``smoothness``) before any theorem is
checked. When the function is a ``CustomObjective``, a failure message also says that its
constants are user claims: *unverified* if ``check_constants`` was not run, and otherwise only
not falsified on random samples, which does not prove them. A wrong claim, not the theorem, may
then be the cause of the failure.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

from ._validation import InvalidParameterError
from .functions import CustomObjective
from .functions import check_constants as _check_constants
from .theorems import Instance, check, get_theorem

if TYPE_CHECKING:  # names used in annotations only
    from .functions._base import Objective
    from .theorems import Verdict

__all__ = ["assert_bound_holds", "assert_floor_at_least", "assert_not_applicable", "instance"]


def instance(function: str | Objective, **params: Any) -> Instance:
    """An :class:`~samtheory.theorems.Instance` from a function (catalog name or objective) and
    keyword parameters (``method``, ``eta``, ``rho``, ``lam``, ``steps``, ``trajectories``,
    ``noise``, ``sigma``, ``sampling``, ``same_sample``, ``x0``, ``seed``, ``horizons``)."""
    return Instance(function, **params)


#: seed of the falsification run of ``check_constants`` (a fixed seed keeps assertions reproducible)
CONSTANTS_SEED = 0


def _message(verdict, note=None):
    parts = [f"theorem {verdict.theorem!r} is {verdict.verdict.upper()} on instance {verdict.instance!r}",
             f"reason: {verdict.reason}"]
    if verdict.first_violation is not None:
        parts.append(f"first violating t: {verdict.first_violation}")
    if verdict.margin is not None:
        parts.append(f"margin (bound - measure): {verdict.margin:.6g}")
    if verdict.ratio is not None:
        parts.append(f"ratio (measure / bound): {verdict.ratio:.6g}")
    if note:
        parts.append(note)
    return "\n  ".join(parts)


def _claims(objective):
    return ", ".join(f"{k}={c.value:.6g}" for k, c in objective.constants.items()) or "none"


def _verify_constants(objective):
    """Run check_constants; raise AssertionError naming every falsified claim."""
    report = _check_constants(objective, rng=CONSTANTS_SEED)
    failures = report.failures()
    if failures:
        lines = [f"claimed constants of {objective.name!r} are falsified by samtheory.functions.check_constants "
                 f"(no theorem was checked): {', '.join(c.name for c in failures)}"]
        for c in failures:
            lines.append(f"{c.name}: claimed {c.claimed:.6g}; {c.violations} of {c.samples} samples violate it "
                         f"(worst lhs/rhs {c.worst_ratio:.6g} at {c.worst_point})")
        raise AssertionError("\n  ".join(lines))


def _run(theorem, function, params, expect_kind=None, check_constants=None):
    th = get_theorem(theorem)
    if expect_kind is not None and th.kind not in expect_kind:
        raise TypeError(f"{th.id} is a {th.kind} result; use the assertion for that kind")
    inst = Instance(function, **params)
    try:
        objective = inst.objective()
    except InvalidParameterError:  # check() reports the invalid instance as not-applicable
        objective = None
    custom = isinstance(objective, CustomObjective)
    run_check = objective is not None and (custom if check_constants is None else bool(check_constants))
    if run_check:
        _verify_constants(objective)
    note = None
    if custom:
        if run_check:
            note = (f"note: the constants of {objective.name!r} ({_claims(objective)}) are user claims; "
                    f"check_constants found no counterexample on random samples, which does not prove them")
        else:
            note = (f"note: the constants of {objective.name!r} ({_claims(objective)}) are unverified user claims "
                    f"(check_constants was not run): a wrong claim, not the theorem, may cause this failure")
    return check(th, inst), note


def assert_bound_holds(theorem: str, function: str | Objective, *, check_constants: bool | None = None,
                       **params: Any) -> Verdict:
    """Assert that an upper bound, exact prediction or asymptotic property holds on the instance.

    ``check_constants`` (keyword-only): ``None`` runs
    :func:`samtheory.functions.check_constants` first for a
    :class:`~samtheory.functions.CustomObjective` only; ``True``/``False`` force it on/off. A
    falsified claimed constant raises ``AssertionError`` naming it.

    Returns the :class:`~samtheory.theorems.Verdict` so the caller can inspect margins.
    """
    v, note = _run(theorem, function, params, expect_kind=("upper", "exact", "asymptotic"),
                   check_constants=check_constants)
    if v.verdict != "holds":
        raise AssertionError(_message(v, note))
    return v


def assert_floor_at_least(theorem: str, function: str | Objective, *, check_constants: bool | None = None,
                          **params: Any) -> Verdict:
    """Assert that a lower-bound theorem's floor is respected (the measure stays at or above it).

    ``check_constants`` as for :func:`assert_bound_holds`.
    """
    v, note = _run(theorem, function, params, expect_kind=("lower",), check_constants=check_constants)
    if v.verdict != "holds":
        raise AssertionError(_message(v, note))
    return v


def assert_not_applicable(theorem: str, function: str | Objective, **params: Any) -> Verdict:
    """Assert that the theorem refuses the instance (outside its preconditions); returns the reason."""
    v, _ = _run(theorem, function, params, check_constants=False)
    if v.verdict != "not-applicable":
        raise AssertionError(f"expected {get_theorem(theorem).id} to be not applicable; got {v.verdict}: {v.reason}")
    return v.reason
