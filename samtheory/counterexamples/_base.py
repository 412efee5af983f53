r"""Common machinery of the counterexample library.

A :class:`Counterexample` bundles one non-convergence construction:

* the objective (a factory taking :math:`\rho` and the other parameters), the method(s) and the
  oracle it runs;
* its parameters with defaults and **valid ranges** (:class:`Interval`); a value outside its range
  raises :class:`~samtheory.InvalidParameterError` whose message states the range;
* :meth:`~Counterexample.predict`: the closed-form limit behaviour (floor, fixed point, cycle
  amplitude), with the formula in the subclass docstring;
* :meth:`~Counterexample.run`: a simulation that measures the same quantity robustly (cycle
  levels, time averages over a tail, worst cases over many initializations, Monte-Carlo means with
  confidence intervals), **never a single last iterate**, which can land near the optimum by luck
  (the "lucky-landing" caveat of the 2-cycle, ``docs/proofs/si-yun-lower-bounds.md`` §1);
* :meth:`~Counterexample.check`: predicted against measured with a stated, justified tolerance, plus
  :meth:`~Counterexample.baseline`, the same function under GD (:math:`\rho=0`), which converges;
* :meth:`~Counterexample.floor_vs_rho`: the measured floor over a decade of :math:`\rho` with the
  fitted log–log slope and the poster's upper-bound additive term for the same setting.

Provenance: every construction here is a DERIVED substitute (``docs/proofs/si-yun-lower-bounds.md``,
arXiv 2509.21818 for the hallucinated minimizer), not the paper's own example, whose formulas are not
available. The poster's
additive terms (:math:`\beta^2\rho^2`, :math:`2\beta^2\rho^2/\mu`, :math:`4\beta^2\rho^2`,
:math:`5\beta^2\rho^2`) are CONFIRMED (poster) and drawn as the upper bounds that the
constructions sit below.
"""
from __future__ import annotations

from typing import Any, Callable, TYPE_CHECKING

import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import InvalidParameterError, as_float_array
from .._io import to_jsonable

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from ..functions._base import Objective
    from ..oracles import Oracle


# ---------------------------------------------------------------------------------------------
# Parameters and their valid ranges
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Interval:
    """A real interval; ``low_closed``/``high_closed`` say whether the ends belong to it."""

    low: float
    high: float
    low_closed: bool = False
    high_closed: bool = False

    def __contains__(self, value):
        v = float(value)
        above = v >= self.low if self.low_closed else v > self.low
        below = v <= self.high if self.high_closed else v < self.high
        return above and below

    def __str__(self):
        def num(v):
            if math.isinf(v):
                return "inf" if v > 0 else "-inf"
            return f"{v:.6g}"
        return f"{'[' if self.low_closed else '('}{num(self.low)}, {num(self.high)}{']' if self.high_closed else ')'}"

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "low_closed": self.low_closed,
                "high_closed": self.high_closed, "text": str(self)}


POSITIVE = Interval(0.0, math.inf)

#: The most steps a construction's check may simulate: :meth:`Counterexample.validate` refuses
#: parameters that would need more (a step size of 1e-9 asks for 4e10 steps: days, not seconds).
MAX_STEPS = 10 ** 7


@dataclass(frozen=True)
class Parameter:
    """One parameter of a construction. ``valid(params)`` returns its :class:`Interval` (it may
    depend on the parameters declared before it) and ``why`` says where the range comes from."""

    name: str
    default: float | Callable[[dict[str, Any]], float]
    description: str
    valid: object = None  # callable(params) -> Interval
    why: str = ""
    kind: str = "float"  # "float" or "int"


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------

@dataclass
class CheckReport:
    """Predicted against simulated for one construction.

    Attributes
    ----------
    name : str
        Counterexample name.
    passed : bool
        Whether every criterion held.
    quantity : str
        What is compared (for example "cycle level f - f*, tail mean").
    predicted, measured : float
        The headline numbers.
    tolerance : str
        The criterion and why it is what it is.
    criteria : list of (str, bool)
        Each criterion with its outcome.
    details : dict
        Everything else (per-initialization values, confidence intervals, ...).
    baseline : CheckReport or None
        GD (rho = 0) on the same function.
    """

    name: str
    passed: bool
    quantity: str
    predicted: float
    measured: float
    tolerance: str
    params: dict
    criteria: list = field(default_factory=list)
    details: dict = field(default_factory=dict)
    baseline: "CheckReport | None" = None

    @property
    def ok(self) -> bool:
        """Passed, including the baseline."""
        return self.passed and (self.baseline is None or self.baseline.passed)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable({
            "name": self.name, "passed": self.passed, "ok": self.ok, "quantity": self.quantity,
            "predicted": self.predicted, "measured": self.measured, "tolerance": self.tolerance,
            "params": self.params, "criteria": [{"criterion": c, "holds": h} for c, h in self.criteria],
            "details": self.details, "baseline": None if self.baseline is None else self.baseline.to_dict(),
        })

    def format(self) -> str:
        lines = [f"{self.name}: {'PASS' if self.passed else 'FAIL'}",
                 "  parameters: " + ", ".join(f"{k}={_fmt(v)}" for k, v in self.params.items()),
                 f"  quantity:   {self.quantity}",
                 f"  predicted:  {_fmt(self.predicted)}",
                 f"  measured:   {_fmt(self.measured)}",
                 f"  tolerance:  {self.tolerance}"]
        for text, holds in self.criteria:
            lines.append(f"    [{'ok' if holds else 'FAIL'}] {text}")
        if self.baseline is not None:
            lines.append("  baseline (rho = 0):")
            lines.extend("  " + line for line in self.baseline.format().splitlines())
        return "\n".join(lines)

    def __str__(self):
        return self.format()


def _fmt(v):
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    if isinstance(v, (list, tuple, np.ndarray)):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    return str(v)


# ---------------------------------------------------------------------------------------------
# Statistics helpers
# ---------------------------------------------------------------------------------------------

def contraction_rate(eta_times_curvature) -> float:
    r""":math:`-\log|1-a|` for :math:`a=\eta\beta\in(0,2)`, accurate for tiny :math:`a` (``log1p``);
    ``inf`` at :math:`a=1`, ``0`` when :math:`a` is too small to move :math:`1-a` in float64
    (whatever needs ``1/rate`` steps then needs infinitely many)."""
    a = float(eta_times_curvature)
    if a == 1.0:
        return math.inf
    return -math.log1p(-a) if a < 1 else -math.log(a - 1.0)


def loglog_slope(x, y):
    """Least-squares slope and intercept of ``log y`` against ``log x`` (natural logs)."""
    lx, ly = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    slope, intercept = np.polyfit(lx, ly, 1)
    return float(slope), float(intercept)


def mean_and_se(samples):
    """Mean and standard error of independent samples (one per Monte-Carlo chain)."""
    a = np.asarray(samples, dtype=float).ravel()
    return float(a.mean()), float(a.std(ddof=1) / np.sqrt(a.size)) if a.size > 1 else float("nan")


def relative_error(measured, predicted):
    measured, predicted = np.asarray(measured, float), np.asarray(predicted, float)
    return np.abs(measured - predicted) / np.maximum(np.abs(predicted), np.finfo(float).tiny)


# ---------------------------------------------------------------------------------------------
# The base class
# ---------------------------------------------------------------------------------------------

class Counterexample:
    """Base class; see the module docstring. Subclasses set the class attributes and implement
    :meth:`objective`, :meth:`predict`, :meth:`run`, :meth:`check` and :meth:`baseline`."""

    #: registry name
    name = ""
    #: one-line title for listings and figure titles
    title = ""
    #: "deterministic" or "stochastic" and the function class
    setting = ""
    #: where it comes from (every construction here is a DERIVED substitute)
    provenance = ""
    #: methods simulated by :meth:`run` (the first is the one the prediction is about)
    methods: tuple[str, ...] = ("sam",)
    #: the poster row whose additive term bounds the floor from above, or None
    poster_row: str | None = None
    #: the measured quantity plotted against rho
    floor_quantity = ""
    parameters: tuple = ()
    #: the explorer's starting state where the construction's parameters do not say it (all
    #: optional): ``x0`` the start, ``steps`` the horizon, ``x0_range`` the start slider's range,
    #: ``steps_max`` the horizon slider's end, ``eta``/``rho`` starting values that replace the
    #: construction's defaults (``samtheory explore NAME``). Kept short so that an update is fast.
    explorer: dict[str, Any] = {}

    # -- parameters -----------------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}

    def valid_ranges(self, **params: Any) -> dict[str, Interval | None]:
        """``{name: Interval}`` evaluated at ``params`` (ranges may depend on other parameters)."""
        full = self.resolve(**params)
        return {p.name: p.valid(full) if p.valid else None for p in self.parameters}

    def resolve(self, **params: Any) -> dict[str, Any]:
        """Fill defaults, reject unknown names, and check each value against its valid range.

        Raises :class:`~samtheory.InvalidParameterError` naming the parameter, the value, the
        valid range and where the range comes from.
        """
        names = [p.name for p in self.parameters]
        unknown = [k for k in params if k not in names]
        if unknown:
            from .._validation import suggest
            raise InvalidParameterError(
                f"{self.name}: unknown parameter {unknown[0]!r}{suggest(unknown[0], names)}; "
                f"its parameters are: {', '.join(names)}")
        full: dict[str, Any] = {}
        for p in self.parameters:
            value = params.get(p.name, None)
            if value is None:
                value = p.default
            if callable(value):
                value = value(full)
            if p.kind == "int":
                if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))
                        or not math.isfinite(value) or int(value) != value):
                    raise InvalidParameterError(f"{self.name}: {p.name} must be an integer; got {value!r}")
                value = int(value)
            else:
                arr = as_float_array(p.name, value)
                if arr.ndim != 0:
                    raise InvalidParameterError(f"{self.name}: {p.name} must be a single number; got {value!r}")
                value = float(arr)
            full[p.name] = value
            if p.valid is not None:
                interval = p.valid(full)
                if value not in interval:
                    why = f" ({p.why})" if p.why else ""
                    raise InvalidParameterError(
                        f"{self.name}: {p.name}={value:g} is outside its valid range {interval}{why}")
        return full

    def validate(self, **params: Any) -> dict[str, Any]:
        """:meth:`resolve`, then refuse parameters the check cannot run with: more simulated
        steps than :data:`MAX_STEPS` (:meth:`steps_needed`), or a prediction that float64 cannot
        evaluate (overflow, division by zero). Returns the resolved parameters."""
        p = self.resolve(**params)
        steps = self.steps_needed(**p)
        if steps is not None and not steps <= MAX_STEPS:
            raise InvalidParameterError(
                f"{self.name}: these parameters ({', '.join(f'{k}={v:g}' for k, v in params.items()) or 'defaults'}) "
                f"need {steps:.3g} simulated steps, more than the {MAX_STEPS:.0e} a check may take; "
                "use a larger step size eta")
        try:
            with np.errstate(all="raise"):
                self.predict(**p)
        except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
            raise InvalidParameterError(
                f"{self.name}: the prediction cannot be evaluated in float64 at "
                f"{', '.join(f'{k}={v:g}' for k, v in params.items()) or 'the defaults'} ({exc}); "
                "choose parameters nearer 1 in scale") from None
        return p

    def steps_needed(self, **params: Any) -> float | None:
        """Steps the check simulates at ``params`` (``None``: bounded by the construction)."""
        return None

    def describe(self) -> dict:
        """JSON-ready description (used by ``samtheory counterexamples --json``)."""
        defaults = self.resolve()
        ranges = self.valid_ranges()
        return to_jsonable({
            "name": self.name, "title": self.title, "setting": self.setting,
            "provenance": self.provenance, "methods": list(self.methods), "poster_row": self.poster_row,
            "prediction": (self.predict.__doc__ or "").strip().splitlines()[0] if self.predict.__doc__ else "",
            "parameters": [{"name": p.name, "default": defaults[p.name], "description": p.description,
                            "valid_range": None if ranges[p.name] is None else ranges[p.name],
                            "why": p.why} for p in self.parameters],
        })

    # -- memoized simulations ---------------------------------------------------------------------
    def cached(self, kind: str, func: Callable[..., Any], params: dict[str, Any]) -> Any:
        """``func(**params)`` memoized per instance on ``(kind, params)``.

        Every simulation is seeded, so the same parameters give the same numbers; the cache only
        saves time when a check is repeated with another ``predicted`` value (as the tests do to
        show that a wrong prediction fails). At most 16 entries are kept.
        """
        cache = self.__dict__.setdefault("_cache", {})
        key = (kind, tuple(sorted(params.items())))
        if key not in cache:
            if len(cache) >= 16:
                cache.pop(next(iter(cache)))
            cache[key] = func(**params)
        return cache[key]

    # -- to implement -------------------------------------------------------------------------
    def objective(self, **params: Any) -> Objective:
        raise NotImplementedError

    def oracle(self, **params: Any) -> Oracle | None:
        """The stochastic oracle, or ``None`` for deterministic constructions."""
        return None

    def predict(self, **params: Any) -> dict:
        raise NotImplementedError

    def run(self, **params: Any) -> dict:
        raise NotImplementedError

    def check(self, predicted: float | None = None, **params: Any) -> CheckReport:
        """Compare :meth:`predict` with :meth:`run`. ``predicted`` replaces the headline predicted
        number (used to show that the check fails when the prediction is wrong)."""
        raise NotImplementedError

    def baseline(self, **params: Any) -> CheckReport:
        raise NotImplementedError

    def poster_term(self, **params: Any) -> tuple[str, float] | None:
        """``(label, value)`` of the poster's additive upper-bound term for this setting, or None."""
        return None

    def floor_vs_rho(self, rhos: ArrayLike | None = None, quick: bool = False, **params: Any) -> dict | None:
        """Measured floor for a decade of rho, the fitted log-log slope and the poster term."""
        raise NotImplementedError

    def __repr__(self):
        return f"<Counterexample {self.name!r}: {self.title}>"


def finish_floor_sweep(ce, rhos, predicted, measured, params, extra=None):
    """Common tail of :meth:`Counterexample.floor_vs_rho`: fit the slope, add the poster term."""
    rhos = np.asarray(rhos, float)
    measured = np.asarray(measured, float)
    slope, intercept = loglog_slope(rhos, measured)
    poster = [ce.poster_term(**{**params, "rho": float(r)}) for r in rhos]
    out = {
        "name": ce.name, "quantity": ce.floor_quantity, "rho": rhos.tolist(),
        "predicted": np.asarray(predicted, float).tolist(), "measured": measured.tolist(),
        "slope": slope, "log_intercept": intercept,
        "poster_row": ce.poster_row,
        "poster_label": poster[0][0] if poster and poster[0] else None,
        "poster_term": [p[1] for p in poster] if poster and poster[0] else None,
        "params": {k: v for k, v in params.items() if k != "rho"},
    }
    if extra:
        out.update(extra)
    return to_jsonable(out)
