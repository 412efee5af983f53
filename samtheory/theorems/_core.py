r"""The verification engine: theorems, instances, measures and verdicts.

A :class:`Theorem` states a bound on a *measure* of SAM-family iterates (for example
:math:`\frac1T\sum_{t<T}\|\nabla f(x_t)\|^2`) for a function class, under *preconditions* on the
hyperparameters and constants. An :class:`Instance` picks a function, a method and
hyperparameters. :func:`check` simulates the instance, evaluates the measure and the bound, and
returns a :class:`Verdict`.

Checking semantics (``Theorem.check``):

``every-t``
    Explicit-constant upper bound: the measure must be at or below the bound at every recorded
    :math:`t` (deterministic: every trajectory; stochastic: the Monte-Carlo mean, see below).
``rate``
    :math:`\mathcal O(\cdot)` bound with an explicit additive term :math:`a` (possibly 0) and a
    claimed decay :math:`T^{-p}\log^qT`: on a geometric grid of horizons :math:`T_i`, the scaled
    excess :math:`(m(T_i)-a)_+\,T_i^p/\log^qT_i` must not grow: its maximum over the later half
    of the grid may exceed the maximum over the earlier half by at most the factor
    :math:`(\bar T_{\rm late}/\bar T_{\rm early})^{0.2}` (:data:`RATE_SLACK`). The fitted exponent
    is reported, and the ratio is that growth over the allowed growth (≥ 1 violates). A derived
    certificate decides instead when its proven decay is at least as fast as the claim. A run whose
    measure never exceeds :math:`a` does not exercise the rate and is ``inconclusive``.
``floor``
    Lower bound: the measure stays at or above the predicted floor from a stated time on.
``exact``
    Exact prediction: the measure equals the prediction within a stated relative tolerance.
``asymptotic``
    A quantity tends to 0: on a geometric grid of :math:`k` it must decrease by the factor
    ``decay`` relative to its first value and have a negative fitted slope. A finite run cannot
    refute a limit, so the outcome is ``holds`` or ``inconclusive``, never ``violated``.

**Stochastic measures** are Monte-Carlo means over the trajectories, with standard errors. A
bound is *violated* only if the mean minus :data:`Z` standard errors exceeds it, *holds* if the
mean plus :data:`Z` standard errors is below it, and is *inconclusive* in between (and the same,
mirrored, for lower bounds).

**Verdicts**: ``holds``, ``violated``, ``inconclusive``, ``not-applicable`` (with the reason) or
``diverged``; each with the margin (bound − measure), the ratio (measure / bound) at the worst
point, and the first violating :math:`t`.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, TYPE_CHECKING

import contextlib
import math
from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import InvalidParameterError
from ..functions import Objective, get_function, stack
from ..functions._stack import stack_signature
from ..oracles import AdditiveNoise
from ..schedules import Schedule, as_schedule
from ..simulation import AUTO_JAX_SECONDS, predicted_numpy_seconds, simulate
from ._horizons import HorizonRuns, horizon_seed

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from ..oracles import Oracle
    from ..simulation import SimulationResult

#: Relative slack for explicit deterministic inequalities: float64 rounding over a few thousand
#: steps accumulates to ~1e-13 relative; 1e-9 stays far below any error of a constant.
RTOL = 1e-9
#: Standard errors of the Monte-Carlo mean required before a stochastic verdict is final. With
#: z = 5 a single comparison errs with probability below 6e-7, so even a union over 10^4 recorded
#: steps keeps the chance of a false "violated" below 1 %.
Z = 5.0
#: Allowed growth exponent of the scaled excess (m(T) - a)_+ T^p / log^q T across the horizons of
#: a ``rate`` check. A finite geometric grid (about 1.5 decades) on a curve made of several power
#: laws has local slopes that differ from the asymptotic exponent; 0.2 covers that curvature,
#: while a bound whose additive term is too small leaves an excess that does not decay at all,
#: so its scaled excess grows like T^p with p ≥ 0.5.
RATE_SLACK = 0.2

PAPERS = {
    "si-yun-2023": "D. Si, C. Yun. Practical Sharpness-Aware Minimization Cannot Converge All the Way "
                   "to Optima. NeurIPS 2023 (arXiv:2306.09850).",
    "oikonomou-loizou-2025": "D. Oikonomou, N. Loizou. Sharpness-Aware Minimization: General Analysis "
                             "and Improved Rates. ICLR 2025 (arXiv:2503.02225).",
    "khanh-2024": "P. D. Khanh, H.-C. Luong, B. S. Mordukhovich, D. B. Tran. Fundamental Convergence "
                  "Analysis of Sharpness-Aware Minimization. NeurIPS 2024 (arXiv:2401.08060).",
    "bartlett-long-bousquet-2023": "P. L. Bartlett, P. M. Long, O. Bousquet. The Dynamics of "
                                   "Sharpness-Aware Minimization. JMLR 24(316), 2023 (arXiv:2210.01513).",
    "long-bartlett-2024": "P. M. Long, P. L. Bartlett. Sharpness-Aware Minimization and the Edge of "
                          "Stability (arXiv:2309.12488).",
    "dai-ahn-sra-2023": "Y. Dai, K. Ahn, S. Sra. The Crucial Role of Normalization in Sharpness-Aware "
                        "Minimization. NeurIPS 2023 (arXiv:2305.15287).",
    "gd-baselines": "Drori & Teboulle 2014; Taylor, Hendrickx & Glineur 2017; Polyak 1963; "
                    "Abbaszadehpeivasti, de Klerk & Zamani 2022 (as coded in PEPit's examples).",
}
PROVENANCES = ("poster", "derived", "literature")
KINDS = ("upper", "lower", "exact", "asymptotic")
CHECKS = ("every-t", "rate", "floor", "exact", "asymptotic")


class NotApplicable(Exception):
    """Raised by a theorem's bound when an instance is outside its preconditions."""


class Inconclusive(Exception):
    """Raised by a measure when the run cannot decide (e.g. a proof's region was left)."""


# ----------------------------------------------------------------------------------------------
# instances and context
# ----------------------------------------------------------------------------------------------

class Rule:
    """A hyperparameter chosen from the instance's constants, e.g. a theorem's step-size rule.

    ``Rule(lambda ctx: 1 / (4 * ctx.beta), "1/(4 beta)")`` in an :class:`Instance` is resolved
    when the context is built (after the function and the sampling constants are known).
    """

    def __init__(self, choose: Callable[..., Any], name: str):
        self.choose, self.name = choose, name

    def __repr__(self):
        return f"Rule({self.name})"


class Terms:
    r"""A bound written as its terms: ``decaying`` ones (functions of t, the :math:`\Delta` terms)
    and ``limit`` ones (constants: the ρ² and noise terms), combined by a sum or a maximum.

    A bound function may return a plain function of t; :func:`check` then takes it to be a sum
    (decaying part :math:`b_t-b_\infty`, limit :math:`b_\infty`). A bound of another form states
    its terms, so that the neighbourhood ratio (``Verdict.tail_ratio``) reads the right ones::

        return Terms(decaying={"contraction": lambda t: (1 - eta * mu) ** t * ctx.delta},
                     limit={"floor": beta ** 4 * eta ** 2 * rho ** 2 / mu}, combine="max")

    Calling it gives the bound: the sum, or the maximum, of all its terms at t.
    """

    def __init__(self, decaying: Callable[..., Any] | None = None, limit: float = None, combine: str = "sum"):
        if combine not in ("sum", "max"):
            raise ValueError(f"combine must be 'sum' or 'max'; got {combine!r}")
        self.decaying, self.limit, self.combine = dict(decaying or {}), dict(limit or {}), combine

    def decay(self, t: ArrayLike) -> Any:
        """The decaying part at t (the sum, or the maximum, of the decaying terms; 0 if none)."""
        parts = [np.asarray(term(t), dtype=float) for term in self.decaying.values()]
        if not parts:
            return np.zeros(np.shape(t))
        return sum(parts) if self.combine == "sum" else np.maximum.reduce(np.broadcast_arrays(*parts))

    def limit_value(self) -> float:
        """The limit as t → ∞: the sum, or the maximum, of the limit terms."""
        values = [float(v) for v in self.limit.values()] or [0.0]
        return sum(values) if self.combine == "sum" else max(values)

    def __call__(self, t):
        decay, limit = self.decay(t), self.limit_value()
        return decay + limit if self.combine == "sum" else np.maximum(decay, limit)

    def __repr__(self):
        return f"Terms({', '.join([*self.decaying, *self.limit])}; {self.combine})"


@dataclass(frozen=True)
class Instance:
    """One concrete setting to check a theorem on.

    ``function`` is a catalog name (with ``function_args`` overrides) or an :class:`Objective`.
    ``noise``/``sigma`` add stochastic gradients; ``sampling`` (a dict of
    :class:`samtheory.sampling.FiniteSumSampling` arguments) samples a finite sum. ``eta`` and
    ``rho`` are numbers or schedules. ``horizons``: for theorems whose step size depends on
    :math:`T`, the geometric grid of :math:`T` (the step size is then chosen by the theorem).
    """

    function: object
    method: str = "sam"
    eta: object = None
    rho: object = 0.0
    lam: object = None
    steps: int = 1000
    trajectories: int = 1
    noise: str | None = None
    sigma: float = 0.0
    sampling: dict | None = None
    same_sample: bool = True
    x0: object = None
    seed: int = 0
    function_args: dict = field(default_factory=dict)
    horizons: tuple | None = None
    label: str = ""

    def describe(self) -> str:
        if self.label:
            return self.label
        name = self.function if isinstance(self.function, str) else self.function.name
        parts = [name, self.method]
        for key in ("eta", "rho", "lam"):
            v = getattr(self, key)
            if v is not None and not (key == "rho" and v == 0.0):
                parts.append(f"{key}={_fmt(v)}")
        if self.noise:
            parts.append(f"{self.noise} sigma={self.sigma:g}")
        if self.sampling:
            parts.append("sampling=" + ",".join(f"{k}={v}" for k, v in self.sampling.items()))
        if self.noise or self.sampling:
            parts.append("same-sample" if self.same_sample else "independent-samples")
        if self.horizons:
            parts.append(f"T={min(self.horizons)}..{max(self.horizons)}")
        else:
            parts.append(f"T={self.steps}")
        return " ".join(parts)

    def validate(self) -> "Instance":
        """Raise :class:`~samtheory.InvalidParameterError` (naming the field, the value and the
        allowed range) when the instance is not a well-formed setting at all, as opposed to one
        outside a theorem's preconditions (which :func:`check` reports as ``not-applicable``).
        Returns the instance. The CLI calls it before checking, so that a malformed instance is
        a usage error rather than a "not-applicable" verdict."""
        from .. import _validation as V
        from ..methods import get_method
        method = get_method(self.method)
        stochastic = self.noise is not None or self.sampling is not None
        if self.noise is not None and self.sampling is not None:
            raise InvalidParameterError("noise and sampling are two oracles; give one of them")
        if self.noise is not None:
            V.check_choice("noise", self.noise, AdditiveNoise.KINDS)
            V.check_nonnegative("sigma", self.sigma)
        elif self.sigma not in (None, 0, 0.0):
            raise InvalidParameterError(f"sigma={self.sigma!r} needs noise (gaussian or rademacher)")
        if method.stochastic_only and not stochastic:
            raise InvalidParameterError(f"method {method.name!r} is stochastic and needs noise (or a sampling)")
        if method.deterministic_only and stochastic:
            raise InvalidParameterError(f"method {method.name!r} is deterministic; with noise use 'sgd'")
        if not self.same_sample and not stochastic:
            raise InvalidParameterError("independent samples need a stochastic oracle (noise or a sampling)")
        if self.eta is not None and not isinstance(self.eta, (Rule, Schedule)):
            V.check_positive("eta", self.eta)
        if not isinstance(self.rho, (Rule, Schedule)):
            V.check_nonnegative("rho", self.rho)
        if self.lam is not None and not isinstance(self.lam, (Rule, Schedule, str)):
            V.check_unit_interval("lam", self.lam)
        if self.lam is not None and not method.uses_lam:
            raise InvalidParameterError(f"lam is used by method 'unified' only; method {method.name!r} ignores it")
        V.check_positive_int("steps", self.steps)
        V.check_positive_int("trajectories", self.trajectories)
        V.check_seed("seed", self.seed)
        if self.horizons is not None:
            if len(self.horizons) == 0:
                raise InvalidParameterError("horizons must not be empty")
            for T in self.horizons:
                V.check_positive_int("horizons", T, minimum=2)
        if self.x0 is not None:
            x0 = V.as_float_array("x0", self.x0)
            dim = self.objective().dim
            if x0.shape[-1:] != (dim,):
                raise InvalidParameterError(f"x0 must have {dim} coordinates (the function's dimension); "
                                            f"got shape {x0.shape}")
        return self

    def objective(self) -> Objective:
        if isinstance(self.function, Objective):
            return self.function
        return get_function(self.function, **self.function_args)

    def oracle(self, objective: Objective) -> Oracle | None:
        if self.noise is not None:
            return AdditiveNoise(objective, self.sigma, self.noise)
        if self.sampling is not None:
            from ..sampling import FiniteSumSampling
            return FiniteSumSampling(objective, **self.sampling)
        return None

    def to_dict(self) -> dict[str, Any]:
        out = {"label": self.describe(), "function": self.function if isinstance(self.function, str)
               else self.function.name, "method": self.method, "eta": _jsonable(self.eta),
               "rho": _jsonable(self.rho), "lam": _jsonable(self.lam), "steps": self.steps,
               "trajectories": self.trajectories, "seed": self.seed}
        if self.noise:
            out.update(noise=self.noise, sigma=self.sigma, same_sample=self.same_sample)
        if self.sampling:
            out.update(sampling=self.sampling, same_sample=self.same_sample)
        if self.function_args:
            out["function_args"] = {k: _jsonable(v) for k, v in self.function_args.items()}
        if self.x0 is not None:  # the start makes a run reproducible (reports print it as --x0)
            out["x0"] = np.asarray(self.x0, dtype=float).tolist()
        if self.horizons:
            out["horizons"] = [int(T) for T in self.horizons]
        return out


def _fmt(v):
    if isinstance(v, (int, float, np.floating)):
        return f"{float(v):.4g}"
    return getattr(v, "name", str(v))


def _jsonable(v):
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, (list, tuple, np.ndarray)):
        return np.asarray(v, dtype=float).tolist()
    return getattr(v, "name", str(v))


@dataclass
class Context:
    """The numbers a bound is a function of: constants of the function and the sampling, the
    hyperparameters, the horizon and the initial gap. Attributes are ``None`` when unknown."""

    objective: Objective
    instance: Instance
    oracle: object
    beta: float | None
    mu: float | None
    pl: float | None
    lipschitz: float | None
    f_star: float
    eta: object
    rho: object
    lam: object
    sigma: float
    steps: int
    stochastic: bool
    # expected smoothness (ABC) and the smoothness valid for every realization f_v
    A: float | None = None
    B: float | None = None
    C: float | None = None
    L: float | None = None
    # initial gap f(x0) - f*: a number, or one per trajectory; set from x0 when given and from
    # the simulation's first record otherwise (bounds read it lazily, after the run)
    delta: object = None
    unmet: list = field(default_factory=list)
    #: the subset of ``unmet`` that is about the function lacking a constant or a class
    missing: list = field(default_factory=list)

    def require(self, condition: bool, reason: str) -> None:
        """Record an unmet precondition (all of them are collected, not just the first)."""
        if not bool(condition):
            self.unmet.append(reason)
        return bool(condition)

    def need(self, *names: str) -> None:
        """The constants must exist; a missing one makes the theorem not applicable."""
        labels = {"beta": "smoothness", "mu": "strong convexity", "pl": "PL constant",
                  "lipschitz": "Lipschitz constant", "A": "expected-smoothness constant A"}
        ok = True
        for n in names:
            if getattr(self, n) is None:
                reason = f"the function has no {labels.get(n, n)} ({self.objective.name})"
                self.unmet.append(reason)
                self.missing.append(reason)
                ok = False
        return ok


def make_context(instance: Instance, objective: Objective = None) -> Context:
    obj = objective or instance.objective()
    oracle = instance.oracle(obj)
    ctx = Context(objective=obj, instance=instance, oracle=oracle, beta=obj.smoothness,
                  mu=obj.strong_convexity, pl=obj.pl, lipschitz=obj.lipschitz, f_star=obj.f_star,
                  eta=instance.eta, rho=instance.rho, lam=instance.lam,
                  sigma=float(instance.sigma) if instance.noise else 0.0, steps=instance.steps,
                  stochastic=oracle is not None)
    if instance.x0 is not None:
        x0 = np.asarray(instance.x0, dtype=float)
        if x0.shape[-1:] == (obj.dim,):
            ctx.delta = _common(obj.value(x0) - obj.f_star)
    _set_sampling_constants(ctx, oracle, obj)
    rules = {k: getattr(instance, k) for k in ("eta", "rho", "lam") if isinstance(getattr(instance, k), Rule)}
    if rules:
        values = {}
        for key, rule in rules.items():
            try:
                chosen = rule.choose(ctx)
                values[key] = chosen if isinstance(chosen, Schedule) else float(chosen)
            except (InvalidParameterError, TypeError, ZeroDivisionError) as exc:
                raise InvalidParameterError(f"{key} rule {rule.name}: {exc}") from None
        resolved = replace(instance, **values)
        note = ", ".join(f"{k} by {r.name}" for k, r in rules.items())
        ctx.instance = replace(resolved, label=f"{resolved.describe()} [{note}]")
        for key, v in values.items():
            setattr(ctx, key, v)
    return ctx


def _set_sampling_constants(ctx, oracle, obj):
    if oracle is None:
        ctx.A, ctx.B, ctx.C, ctx.L = 0.0, 1.0, 0.0, obj.smoothness
    elif isinstance(oracle, AdditiveNoise):
        # E||grad f + xi||^2 = ||grad f||^2 + sigma^2 and every f + <xi, .> has f's smoothness
        ctx.A, ctx.B, ctx.C, ctx.L = 0.0, 1.0, oracle.variance, obj.smoothness
    elif hasattr(oracle, "expected_smoothness"):
        try:
            abc = oracle.expected_smoothness()
            ctx.A, ctx.B, ctx.C, ctx.L = abc["A"], abc["B"], abc["C"], abc["L"]
        except InvalidParameterError:
            pass  # e.g. the biased (unweighted) importance sampler: no ABC constants


def _common(values):
    """A single number when all entries agree, else the flat array."""
    values = np.asarray(values, dtype=float).reshape(-1)
    return float(values[0]) if np.all(values == values[0]) else values


# ----------------------------------------------------------------------------------------------
# theorems
# ----------------------------------------------------------------------------------------------

@dataclass
class Theorem:
    """A registry entry. See the module docstring for ``check``; the fields are the contract.

    ``bound(ctx)`` returns the bound as a function of the horizon/step index (``every-t``,
    ``floor``, ``exact``), or the additive term (``rate``); it calls ``ctx.require``/``ctx.need``
    for preconditions. ``measure(run)`` returns the measured values (see :class:`Run`).
    """

    id: str
    title: str
    paper: str
    result: str
    provenance: str
    kind: str
    check: str
    function_class: tuple
    methods: tuple
    setting: str  # "deterministic", "stochastic" or "any"
    measure_name: str
    measure: object
    bound: object
    statement: str
    instances: tuple = ()
    proof: str | None = None
    notes: str = ""
    aggregate: str = "max"  # across trajectories for deterministic runs: "max", "min" or "each"
    rate: float = 0.0  # claimed decay exponent p (rate checks)
    log_power: float = 0.0  # q in T^-p log^q T (rate checks)
    tolerance: float = RTOL  # relative tolerance (every-t / exact / floor)
    tolerance_reason: str = "float64 rounding (RTOL)"
    from_step: int = 0  # floor / exact checks start at this step (fraction if < 1)
    decay: float = 1e-2  # asymptotic checks: required decrease of the quantity
    step_rule: object = None  # rate checks: eta as a function of (ctx, T)
    #: rate checks: an explicit bound, ``certificate(ctx, T, eta) -> (value, additive part)`` (a
    #: derived entry's bound at horizon T), or None. When its proven decay ``certificate_rate`` is
    #: at least as fast as the claim, its additive part at most the claimed additive term and the
    #: measure below it at every horizon, the O(·) statement holds on the instance and no growth
    #: test is needed.
    certificate: object = None
    certificate_name: str = ""
    #: the decay (p, q) of the certificate's excess over its additive part, T^-p log^q T, as its
    #: proof establishes it; a certificate decides only a claim it is at least as fast as.
    certificate_rate: tuple | None = None
    #: rate checks: ``envelope(ctx, T, eta) -> (value, additive part)``, a curve of the claimed form whose constants
    #: come from the instance (for D5/D6: the certificate without its noise term), or None. It is
    #: no proof (the noise constant it omits may be unknown, e.g. for sampled finite sums) and never
    #: makes a check hold; it keeps the growth test from calling "violated" a measure that stays
    #: below it at every horizon: such a measure is consistent with the claim for the envelope's
    #: constant, and its scaled excess grows only because it approaches the envelope from below
    #: (a plateau before the rate regime). Used only when ``certificate_rate`` is at least as fast
    #: as the claim and the additive part is at most the claimed additive term (so that a claim
    #: whose additive term was cut is still caught).
    envelope: object = None
    #: every-t checks: ``rounding(run)`` -> absolute slack for float64 rounding in the measure,
    #: broadcastable to it (default: 1e-13 times the scale of f, for measures of f - f*)
    rounding: object = None
    #: every-t checks: the first step whose measure/bound ratio says how tight the bound is. 1 by
    #: default, since at t = 0 most bounds hold by construction (Δ against max{Δ, ·}); 0 for
    #: bounds whose first step is a genuine instance of the inequality (D4)
    ratio_from: int = 1
    fuzz: object = None  # fuzz(rng) -> Instance
    needs_history: bool = False
    simulates: bool = False  # the measure runs its own simulations (e.g. one per horizon)
    doc: str = ""

    def __post_init__(self):
        if self.provenance not in PROVENANCES:
            raise ValueError(f"{self.id}: provenance must be one of {PROVENANCES}")
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind must be one of {KINDS}")
        if self.check not in CHECKS:
            raise ValueError(f"{self.id}: check must be one of {CHECKS}")
        if self.provenance == "derived" and not self.proof:
            raise ValueError(f"{self.id}: a derived entry needs a written proof in docs/")
        if self.paper not in PAPERS:
            raise ValueError(f"{self.id}: unknown paper key {self.paper!r}")

    def describe(self) -> dict:
        return {"id": self.id, "title": self.title, "paper": PAPERS[self.paper], "result": self.result,
                "provenance": self.provenance, "kind": self.kind, "check": self.check,
                "function_class": list(self.function_class), "methods": list(self.methods),
                "setting": self.setting, "measure": self.measure_name, "statement": self.statement,
                "proof": self.proof, "notes": self.notes, "default_instances": len(self.instances)}


@dataclass
class Run:
    """What a measure sees: the simulation result(s), the context and the objective."""

    ctx: Context
    result: object
    horizons: tuple | None = None


@dataclass
class Verdict:
    theorem: str
    instance: str
    verdict: str
    reason: str = ""
    margin: float | None = None
    ratio: float | None = None
    first_violation: int | None = None
    exponent: float | None = None
    measure: float | None = None
    bound: float | None = None
    details: dict = field(default_factory=dict)
    instance_params: dict = field(default_factory=dict)
    #: every-t bounds: the share of the bound's limit term (its neighbourhood: ρ² and noise terms)
    #: that the measure uses once the decaying part of the bound is paid (see ``_tail_ratio``)
    tail_ratio: float | None = None
    #: the measure and the bound over t (or over the horizons / the grid), thinned to at most
    #: :data:`CURVE_POINTS` points for reports and plots (:func:`_curves`); not part of the JSON
    curves: dict | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        from .._io import to_jsonable
        return to_jsonable({"theorem": self.theorem, "instance": self.instance, "verdict": self.verdict,
                            "reason": self.reason, "margin": self.margin, "ratio": self.ratio,
                            "tail_ratio": self.tail_ratio,
                            "first_violation": self.first_violation, "exponent": self.exponent,
                            "measure": self.measure, "bound": self.bound, "details": self.details,
                            "parameters": self.instance_params})


# ----------------------------------------------------------------------------------------------
# running and judging
# ----------------------------------------------------------------------------------------------

def applicability(theorem: Theorem, ctx: Context) -> list:
    """Reasons why ``theorem`` does not apply to ``ctx`` (empty list: it applies)."""
    reasons = []
    tags = ctx.objective.tags
    for tag in theorem.function_class:
        if tag not in tags:
            reasons.append(f"needs a {tag} function; {ctx.objective.name} is {', '.join(sorted(tags))}")
    inst = ctx.instance
    if inst.method not in theorem.methods:
        reasons.append(f"covers methods {', '.join(theorem.methods)}, not {inst.method}")
    if theorem.setting == "deterministic" and ctx.stochastic:
        reasons.append("is a deterministic result; the instance is stochastic")
    if theorem.setting == "stochastic" and not ctx.stochastic:
        reasons.append("is a stochastic result; the instance is deterministic (give a noise oracle)")
    return reasons


def admissible(theorem: Theorem, instance: Instance) -> bool:
    """Whether ``instance`` is inside ``theorem``'s class and preconditions, decided without
    simulating (the bound and the step-size rules are evaluated, as :func:`check` does first).
    Fuzzing and the worst-case search draw only such instances."""
    try:
        ctx = make_context(instance)
        if applicability(theorem, ctx):
            return False
        theorem.bound(ctx)
        if theorem.step_rule is not None and instance.horizons and not ctx.unmet:
            for T in instance.horizons:
                theorem.step_rule(ctx, T)
    except Exception:  # noqa: BLE001 - any refusal (NotApplicable, invalid values) means outside
        return False
    return not ctx.unmet


#: Simulations of catalog instances kept for the next checks of the same instance: the registry
#: states several properties of one run (Khanh et al.'s five properties of SAM's iterates on one
#: schedule), and a check reads its run without changing it (the arrays are made read-only).
SIMULATION_CACHE = 4
#: ... and at most this many bytes of arrays: the oldest are dropped first, and a run larger than
#: this is not kept at all (a rate check's dense records reach 100 MB; keeping four of those
#: was most of verify's peak memory).
SIMULATION_CACHE_BYTES = 64 * 2 ** 20
_simulations: dict = {}


def _nbytes(result) -> int:
    """The bytes held by the arrays of a simulation result (or of every run of a HorizonRuns)."""
    parts = result.results if isinstance(result, HorizonRuns) else (result,)
    return sum(v.nbytes for part in parts for v in part.values() if isinstance(v, np.ndarray))


def _simulation_key(ctx, theorem, horizons):
    """What determines the run :func:`_simulate` makes (``None``: not cached). Only instances of
    catalog functions (rebuilt from their name, so equal names mean equal functions); step sizes,
    radii and weights enter as their values at every step, so two schedules with one name but
    different values never share a run."""
    inst = ctx.instance
    if not isinstance(inst.function, str):
        return None
    steps = int(max(horizons)) if horizons is not None else inst.steps
    parts = [inst.function, sorted((k, repr(v)) for k, v in inst.function_args.items()), inst.method, steps,
             inst.trajectories, inst.noise, float(inst.sigma), repr(sorted((inst.sampling or {}).items())),
             bool(inst.same_sample), repr(inst.seed), bool(theorem.needs_history),
             None if inst.x0 is None else np.asarray(inst.x0, dtype=float).tobytes()]
    if horizons is not None:
        parts.append(tuple(float(theorem.step_rule(ctx, T)) for T in horizons))
    for name in ("eta", "rho", "lam"):
        value = getattr(inst, name)
        if name == "eta" and horizons is not None:
            continue
        if value is None or isinstance(value, (int, float)):
            parts.append(value)
        else:
            try:
                parts.append(np.asarray(as_schedule(name, value).values(steps), dtype=float).tobytes())
            except Exception:  # noqa: BLE001 - a value this key cannot describe: simulate afresh
                return None
    return repr(parts)


def _simulate(ctx: Context, theorem: Theorem, horizons=None):
    key = _simulation_key(ctx, theorem, horizons)
    if key is not None and key in _simulations:
        return _simulations[key]
    result = _run(ctx, theorem, horizons)
    if key is not None:
        if isinstance(result, HorizonRuns):
            result.freeze()
        else:
            for value in result.values():
                if isinstance(value, np.ndarray):
                    value.flags.writeable = False
        _simulations[key] = result
        while len(_simulations) > SIMULATION_CACHE or (
                _simulations and sum(map(_nbytes, _simulations.values())) > SIMULATION_CACHE_BYTES):
            _simulations.pop(next(iter(_simulations)))
    return result


def _run(ctx: Context, theorem: Theorem, horizons=None):
    inst = ctx.instance
    arguments = dict(rho=inst.rho, lam=inst.lam, x0=inst.x0, trajectories=inst.trajectories, oracle=ctx.oracle,
                     same_sample=inst.same_sample, record_every=1, history=theorem.needs_history)
    if horizons is None:
        return simulate(ctx.objective, inst.method, eta=inst.eta, steps=inst.steps, seed=inst.seed, **arguments)
    # step sizes chosen per horizon: horizon T runs T steps with its own step size (nothing after
    # T is read), each with its own stream (samtheory.theorems._horizons). The runs differ only in
    # length and step size, so they share one compiled program, and the "auto" rule is applied to
    # their total (one run alone may look too short to be worth compiling)
    total = sum(predicted_numpy_seconds(int(T), inst.trajectories, ctx.objective.dim, ctx.oracle is not None)
                for T in horizons)
    backend = "jax" if total >= AUTO_JAX_SECONDS else "numpy"
    runs = []
    for k, T in enumerate(horizons):
        arguments.update(eta=theorem.step_rule(ctx, T), steps=int(T), seed=horizon_seed(inst.seed, k))
        try:
            runs.append(simulate(ctx.objective, inst.method, backend=backend, **arguments))
        except InvalidParameterError:
            if backend == "numpy":
                raise
            backend = "numpy"  # JAX is not installed or cannot trace this run
            runs.append(simulate(ctx.objective, inst.method, backend=backend, **arguments))
    return HorizonRuns(runs, horizons)


def check(theorem: Theorem, instance: Instance, result: SimulationResult | None = None) -> Verdict:
    """Check ``theorem`` on ``instance`` and return a :class:`Verdict`.

    ``result``, optional: a :class:`~samtheory.SimulationResult` of exactly this instance,
    recorded at every step (``record_every=1``, ``history=True`` if the theorem needs the
    iterates), reused instead of simulating again (the explorer passes the run it draws). It is
    ignored when it cannot be that run (other length, batch, method or function) and for
    theorems that choose their own step sizes per horizon.
    """
    label = instance.describe()
    params = instance.to_dict()
    try:
        ctx = make_context(instance)
    except InvalidParameterError as exc:
        return Verdict(theorem.id, label, "not-applicable", f"invalid instance: {exc}", instance_params=params)
    instance = ctx.instance
    label, params = instance.describe(), instance.to_dict()
    reasons = applicability(theorem, ctx)
    if reasons:
        return Verdict(theorem.id, label, "not-applicable", "; ".join(reasons), instance_params=params,
                       details={"missing_class_or_constant": any("needs a" in r for r in reasons)})
    horizons = instance.horizons if theorem.check == "rate" and theorem.step_rule is not None else None
    if theorem.check == "rate" and horizons is None:
        horizons = geometric_horizons(instance.steps)
    # preconditions are evaluated before simulating; step-size rules may add their own
    try:
        bound = theorem.bound(ctx)
        # step-size rules only for instances inside the preconditions (a rule may divide by ρ)
        if horizons is not None and theorem.step_rule is not None and not ctx.unmet:
            for T in horizons:
                theorem.step_rule(ctx, T)
    except NotApplicable as exc:
        ctx.unmet.append(str(exc))
    if ctx.unmet:
        return Verdict(theorem.id, label, "not-applicable", "; ".join(dict.fromkeys(ctx.unmet)),
                       instance_params=params, details={"missing_class_or_constant": bool(ctx.missing)})
    if theorem.simulates:
        run = Run(ctx, None, tuple(horizons) if horizons is not None else instance.horizons)
        return _judge(theorem, run, bound, label, params)
    if not _reusable(result, ctx, theorem, horizons if theorem.step_rule is not None else None):
        result = _simulate(ctx, theorem, horizons if theorem.step_rule is not None else None)
    left = result.status == "left-region"
    if np.any(left) and not np.any(result.status == "diverged"):
        # the constants are claimed on a box only, and this run used points outside it
        first = int(np.asarray(result.left_region_at)[left].min())
        return Verdict(theorem.id, label, "not-applicable",
                       f"{int(left.sum())} of {left.size} trajectories left the region |x|_inf <= "
                       f"{ctx.objective.region:g} where the constants of {ctx.objective.name} hold (first at step "
                       f"{first}); the theorem's constants do not cover the run", instance_params=params)
    diverged = result.status == "diverged"
    if np.any(diverged):
        return Verdict(theorem.id, label, "diverged",
                       f"{int(diverged.sum())} of {result.status.size} trajectories diverged (first at step "
                       f"{int(result.diverged_at[diverged].min())})", instance_params=params)
    first = result.initial_losses() if isinstance(result, HorizonRuns) else result.loss_history
    if first is not None:
        ctx.delta = _common(first if isinstance(result, HorizonRuns) else first[0])
    run = Run(ctx, result, tuple(horizons) if horizons is not None else None)
    return _judge(theorem, run, bound, label, params)


def check_many(theorem: Theorem, instances: Sequence[Instance], *, share_streams: bool = False) -> list:
    """:func:`check` for many instances, simulating together those that can share one run.

    Instances of one objective, or of members of one stackable family
    (:func:`samtheory.functions.stack`), with one method, λ, length and start shape and whose η
    and ρ are numbers become the points of one grid: one vectorized simulation instead of one per
    instance, which removes the per-step Python overhead that dominates short runs. Each grid
    point is then judged by :func:`check` as if it had run alone. Deterministic points are the
    same numbers as the lone run (every update is elementwise in the trajectories).

    Stochastic instances are checked one by one unless ``share_streams=True``: then those with
    the same oracle (noise kind and σ, or sampling) and sample mode are grouped too, and their
    samples come from one stream for the whole grid, so each verdict is that of an equally
    distributed but different sample path than ``check(instance)`` would draw (the search uses
    this for speed and re-checks what it reports on the lone run). Rate checks whose step size the
    theorem chooses per horizon are grouped over the same given ``horizons`` (one grid of the
    instances per horizon, each run as long as its horizon); theorems that simulate themselves are
    always checked one by one.

    Returns the verdicts in the order of ``instances``.
    """
    instances = list(instances)
    verdicts = [None] * len(instances)
    groups = {}
    resolved = [_with_rules_resolved(inst) for inst in instances]
    for index, inst in enumerate(resolved):
        key = _grid_key(theorem, inst, share_streams)
        if key is None:
            verdicts[index] = check(theorem, instances[index])
        else:
            groups.setdefault(key, []).append(index)
    for members in groups.values():
        if len(members) == 1:
            verdicts[members[0]] = check(theorem, instances[members[0]])
            continue
        group = [resolved[i] for i in members]
        first = group[0]
        rho = np.array([float(inst.rho) for inst in group])
        x0 = np.stack([np.broadcast_to(np.asarray(inst.x0, dtype=float), (inst.trajectories, first.function.dim))
                       for inst in group])
        try:
            objectives = [inst.function for inst in group]
            objective = objectives[0] if all(f is objectives[0] for f in objectives) else stack(objectives)
            arguments = dict(rho=rho, lam=first.lam, x0=x0, trajectories=first.trajectories,
                             oracle=first.oracle(objective), same_sample=first.same_sample, record_every=1,
                             history=theorem.needs_history, backend="numpy")
            if first.horizons is None:  # a 1-D grid: one point per instance
                eta = np.array([float(inst.eta) for inst in group])
                result = simulate(objective, first.method, eta=eta, steps=first.steps, seed=first.seed, **arguments)
            else:  # step sizes chosen per horizon: one grid per horizon, as check runs each horizon alone
                eta = np.array([[float(theorem.step_rule(make_context(inst), T)) for inst in group]
                                for T in first.horizons])
                result = HorizonRuns([simulate(objective, first.method, eta=eta[k], steps=int(T),
                                               seed=horizon_seed(first.seed, k), **arguments)
                                      for k, T in enumerate(first.horizons)], first.horizons)
        except Exception:  # noqa: BLE001 - an instance the grid cannot hold: check each alone
            for i in members:
                verdicts[i] = check(theorem, instances[i])
            continue
        for position, i in enumerate(members):
            if isinstance(result, HorizonRuns):
                point = result.grid_point(position, eta=eta[:, position], rho=float(resolved[i].rho))
            else:
                point = result.grid_point(position, eta=resolved[i].eta, rho=float(resolved[i].rho))
            verdicts[i] = check(theorem, instances[i], result=point)
    return verdicts


def _with_rules_resolved(inst):
    """The instance with its η/ρ/λ rules replaced by their values (as :func:`check` resolves
    them); the instance itself when it has none or they cannot be resolved here."""
    if not any(isinstance(getattr(inst, k), Rule) for k in ("eta", "rho", "lam")):
        return inst
    try:
        return make_context(inst).instance
    except Exception:  # noqa: BLE001 - check() reports the problem on this instance alone
        return inst


def _grid_key(theorem, inst, share_streams=False):
    """What instances must share to be simulated as one grid (``None``: check it alone)."""
    if theorem.simulates:
        return None
    per_horizon = theorem.check == "rate" and theorem.step_rule is not None
    stochastic = inst.noise is not None or inst.sampling is not None
    if (stochastic and not share_streams) or (inst.horizons is not None) != per_horizon:
        return None  # (a theorem with a step rule is grouped only over given horizons)
    if not isinstance(inst.function, Objective) or inst.x0 is None:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
               for v in ((inst.rho,) if per_horizon else (inst.eta, inst.rho))):
        return None
    if inst.lam is not None and not isinstance(inst.lam, (int, float)):
        return None
    oracle = None
    if stochastic:  # the seed is the group's: its points get samples of one shared stream
        oracle = (inst.noise, float(inst.sigma), None if inst.sampling is None else tuple(sorted(inst.sampling.items())),
                  bool(inst.same_sample))
    # no seed otherwise: with a given start and no oracle, the seed draws nothing
    # members of one stackable family share a run (samtheory.functions.stack), other objects their own
    family = stack_signature(inst.function) or id(inst.function)
    return (family, inst.method, inst.lam, inst.steps, inst.trajectories, np.shape(inst.x0), oracle,
            inst.horizons)


def _reusable(result, ctx, theorem, horizons=None) -> bool:
    """Whether a caller's simulation can stand for the one :func:`check` would run: the same
    function, method, length, batch, recording and η, ρ (for step sizes chosen per horizon: one
    grid point per horizon, ``parameters["eta"]`` the tuple of the rule's step sizes)."""
    if result is None or (theorem.step_rule is not None) != isinstance(result, HorizonRuns):
        return False
    inst = ctx.instance
    if isinstance(result, HorizonRuns):  # one run per horizon, each with the rule's step size
        if horizons is None or result.horizons != tuple(int(T) for T in horizons):
            return False
        return all(_same_run(part, ctx, theorem, int(T), {"eta": float(theorem.step_rule(ctx, T)), "rho": inst.rho})
                   for part, T in zip(result.results, horizons))
    return _same_run(result, ctx, theorem, inst.steps, {"eta": inst.eta, "rho": inst.rho})


def _same_run(result, ctx, theorem, steps, params) -> bool:
    """Whether ``result`` is one run of ``ctx.instance`` over ``steps`` steps with these η and ρ."""
    inst = ctx.instance
    batch = (inst.trajectories,)
    return (result.get("t") is not None and len(result.t) == steps + 1
            and tuple(result.batch_shape) == batch and result.steps == steps
            and result.method == inst.method and result.function == ctx.objective.name
            and (result.x_history is not None or not theorem.needs_history)
            and all(result.parameters.get(k) == params[k] for k in ("eta", "rho")
                    if isinstance(params[k], (int, float, tuple))))


def _judge(theorem, run, bound, label, params):
    try:
        measured = np.asarray(theorem.measure(run), dtype=float)
    except Inconclusive as exc:
        return Verdict(theorem.id, label, "inconclusive", str(exc), instance_params=params)
    if not np.all(np.isfinite(measured)):
        # a comparison with nan is False, so a non-finite measure would pass silently
        bad = int(np.flatnonzero(~np.isfinite(measured.reshape(measured.shape[0], -1)).any(axis=1))[0])
        return Verdict(theorem.id, label, "inconclusive", f"the measure is not finite at index {bad}",
                       instance_params=params)
    judge = {"every-t": _judge_every_t, "rate": _judge_rate, "floor": _judge_floor,
             "exact": _judge_exact, "asymptotic": _judge_asymptotic}[theorem.check]
    verdict = judge(theorem, run, measured, bound)
    verdict.theorem, verdict.instance, verdict.instance_params = theorem.id, label, params
    return verdict


def geometric_horizons(steps, count=6):
    """Horizons ``steps / 2^k`` (k = count-1, ..., 0), the grid of ``rate`` checks."""
    hs = sorted({max(2, int(round(steps / 2 ** k))) for k in range(count)})
    return tuple(hs)


def _stats(values, stochastic):
    """Per-t aggregate over trajectories: returns (centre, half-width of the Z interval)."""
    if stochastic:
        n = values.shape[-1]
        mean = values.mean(axis=-1)
        se = values.std(axis=-1, ddof=1) / math.sqrt(n) if n > 1 else np.full(mean.shape, np.inf)
        return mean, Z * se
    return values, np.zeros_like(values)


def _bound_array(bound, t, shape):
    b = bound(t) if callable(bound) else bound
    return np.broadcast_to(np.asarray(b, dtype=float), shape)


def _judge_every_t(theorem, run, measured, bound):
    """measured: (n_t, n_traj) with rows t = 0..T (or the measure's own index via run)."""
    stochastic = run.ctx.stochastic
    t = np.arange(measured.shape[0])
    centre, half = _stats(measured, stochastic)
    rows = t if centre.ndim == 1 else t[:, None]
    b = _bound_array(bound, rows, centre.shape)
    floor = _float_floor(run) if theorem.rounding is None else np.broadcast_to(theorem.rounding(run), centre.shape)
    tol = theorem.tolerance * np.abs(b) + floor
    if not stochastic:
        excess = centre - b
        bad = excess > tol
        status = "violated" if bad.any() else "holds"
    else:
        bad = (centre - half - b) > tol
        unsure = (centre + half - b) > tol
        status = "violated" if bad.any() else ("inconclusive" if unsure.any() else "holds")
        excess = centre - b
    # ratios are reported only where the bound is well above the float64 floor of the measure
    # (1e3 times it, so rounding moves a ratio by at most 1e-3): below it, f - f* is rounding noise
    resolvable = 1e3 * float(np.max(floor))
    verdict = _verdict_from_excess(status, excess, centre, b, t, bad, theorem, resolvable)
    terms = None
    if _keep_curves and isinstance(bound, Terms) and len(bound.decaying) + len(bound.limit) > 1:
        terms = {**{name: term(rows) for name, term in bound.decaying.items()},
                 **{name: float(value) for name, value in bound.limit.items()}}
    verdict.curves = _curves(*_axis(run, t), centre, b, column=verdict.details.get("worst_trajectory", 0),
                             lower=centre - half if stochastic else None, upper=centre + half if stochastic else None,
                             terms=terms, marker=verdict.details.get("worst_t"))
    if isinstance(bound, Terms):
        decay = _bound_array(bound.decay, rows, centre.shape)
        limit = np.broadcast_to(bound.limit_value(), centre.shape)
        paid = decay if bound.combine == "sum" else 0.0  # in a maximum the limit term alone binds there
        verdict.tail_ratio = _tail_ratio(centre, decay + limit, limit, resolvable, theorem.ratio_from, paid=paid)
        return verdict
    try:
        limit = _bound_array(bound, np.full(rows.shape, 1e15), centre.shape)
    except (IndexError, ValueError, OverflowError):  # a bound tabulated over the run's steps only
        limit = None
    verdict.tail_ratio = None if limit is None else _tail_ratio(centre, b, limit, resolvable, theorem.ratio_from)
    return verdict


#: The neighbourhood ratio is read only where the decaying part of the bound is at most this share
#: of its limit term: there an additive bound (decay + limit) and a maximum (max{decay, limit}) agree
#: to 1 %, so the ratio says how far the limit term can be cut whatever the bound's form.
NEIGHBOURHOOD_TRANSIENT = 0.01


def _tail_ratio(centre, bound, limit, resolvable=0.0, ratio_from=1, paid=None):
    r"""How much of the bound's *neighbourhood term* the measure uses.

    Write the bound as :math:`b_t=(b_t-b_\infty)+b_\infty`: a part that decays with t (the
    :math:`\Delta` terms) and its limit :math:`b_\infty` (the ρ² and noise terms, evaluated at
    t = 1e15). Over the steps where the decaying part has fallen below ``NEIGHBOURHOOD_TRANSIENT``
    of the limit, the neighbourhood ratio is :math:`\max_t\,(m_t-(b_t-b_\infty))/b_\infty`: the
    share of the limit term the measure uses. It is < 1 when the bound holds, and it says how far
    the neighbourhood term could be cut: with :math:`b_\infty` replaced by :math:`c\,b_\infty` the
    bound fails as soon as the ratio exceeds c (up to the 1 % of decay left). D1's ρ² floor reaches
    about 0.49. None when the bound decays to 0 or the run never reaches that regime.

    ``bound`` here is decaying part + limit (a :class:`Terms` bound passes that sum whatever its
    form, so the rows are those where its decaying terms are small) and ``paid`` what the measure
    is charged for the decaying part (default: all of it; 0 for a maximum, where in those rows the
    limit term alone is the bound)."""
    decay = bound - limit
    ok = ((limit > resolvable) & np.isfinite(limit)
          & (decay <= NEIGHBOURHOOD_TRANSIENT * limit) & (decay >= -1e-12 * np.abs(limit)))
    ok[:ratio_from] = False
    if not ok.any():
        return None
    paid = decay if paid is None else np.broadcast_to(paid, decay.shape)
    return float(np.max((centre[ok] - paid[ok]) / limit[ok]))


def _float_floor(run):
    """Absolute slack for values that sit at the float64 floor (e.g. f − f* ≈ 1e-30 when the
    bound decays to 1e-40): 1e-13 times the scale of f at the start, plus what rounding of the
    iterates alone puts into f or ∇f (:func:`_iterate_floor`; a run started at an interpolating
    minimizer has Δ ≈ 1e-33 and measures of the same size)."""
    res = run.result
    scale = abs(run.ctx.f_star) + float(np.nanmax(np.abs(res.loss_history[0]))) if res.loss_history is not None else 1.0
    return 1e-13 * scale + _iterate_floor(run)


def _iterate_floor(run):
    r"""What rounding alone can put into a measure of f − f* or :math:`\|\nabla f\|^2`: iterates
    are known to :math:`\delta x=\varepsilon(1+\|x_0\|+\|x^*\|)`, so f to
    :math:`\beta\,\delta x^2` and :math:`\|\nabla f\|^2` to :math:`\beta^2\delta x^2`; a thousand times
    the larger of the two (β taken ≥ 1)."""
    ctx = run.ctx
    x0 = np.asarray(ctx.instance.x0 if ctx.instance.x0 is not None else 0.0, dtype=float)
    minimizer = ctx.objective.minimizer
    size = 1.0 + float(np.max(np.abs(x0), initial=0.0)) + (0.0 if minimizer is None else float(np.max(np.abs(minimizer))))
    beta = max(1.0, float(ctx.beta or 1.0))
    return 1e3 * beta ** 2 * (np.finfo(float).eps * size) ** 2


def _verdict_from_excess(status, excess, centre, b, t, bad, theorem, resolvable=0.0):
    """Locate the reported point: the first violation if any, else the largest measure/bound
    ratio from row ``theorem.ratio_from`` on (row 0 of most bounds holds by construction)."""
    flat_excess = excess.reshape(excess.shape[0], -1)
    flat_c = centre.reshape(centre.shape[0], -1)
    flat_b = b.reshape(b.shape[0], -1)
    if bad.any():
        flat_bad = bad.reshape(bad.shape[0], -1)
        i = int(np.flatnonzero(flat_bad.any(axis=1))[0])
        j = int(np.argmax(flat_excess[i]))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(np.abs(flat_b) > resolvable, flat_c / flat_b, -np.inf)
        if not np.isfinite(ratio).any():  # bound identically 0: report the largest measure
            ratio = flat_excess.astype(float).copy()
        ratio[:min(theorem.ratio_from, ratio.shape[0] - 1)] = -np.inf
        i, j = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
        i, j = int(i), int(j)
    m = float(centre.reshape(centre.shape[0], -1)[i, j])
    bb = float(b.reshape(b.shape[0], -1)[i, j])
    first = None
    if bad.any():
        first = int(t[np.flatnonzero(bad.reshape(bad.shape[0], -1).any(axis=1))[0]])
    if bad.any() or abs(bb) > resolvable:
        ratio = m / bb if bb != 0 else (0.0 if m <= 0 else math.inf)
    else:  # no step had a bound above the measure's rounding: no ratio can be read off
        ratio = None
    details = {"worst_t": int(t[i])}
    if flat_c.shape[1] > 1:  # several trajectories judged one by one: which one is reported
        details["worst_trajectory"] = j
    return Verdict("", "", status, reason=f"worst at t={int(t[i])}: measure {m:.4g} vs bound {bb:.4g}",
                   margin=bb - m, ratio=ratio, first_violation=first, measure=m, bound=bb,
                   details=details)


#: Whether checks keep their curves (:attr:`Verdict.curves`) for reports. The worst-case search,
#: which judges thousands of candidates and keeps numbers only, turns it off
#: (:func:`keeping_curves`): thinning the curves costs a few milliseconds per check.
_keep_curves = True


@contextlib.contextmanager
def keeping_curves(keep: bool):
    """Checks inside the block keep (``True``) or skip (``False``) their curves."""
    global _keep_curves
    previous, _keep_curves = _keep_curves, bool(keep)
    try:
        yield
    finally:
        _keep_curves = previous


#: Points kept of each curve a verdict carries (:attr:`Verdict.curves`): geometric in t, so that
#: log axes show the transient and the tail alike, and a report of the default run stays small.
CURVE_POINTS = 120


def _thin(n, keep=()):
    """Indices of 0..n-1 kept for a curve: 0, n-1, about :data:`CURVE_POINTS` geometrically
    spaced ones between, and the indices in ``keep`` (the reported point)."""
    if n <= CURVE_POINTS:
        return np.arange(n)
    idx = np.concatenate([[0, n - 1], np.round(np.geomspace(1, n - 1, CURVE_POINTS - 2)), list(keep)])
    idx = np.unique(idx.astype(int))
    return idx[(idx >= 0) & (idx < n)]


def _axis(run, rows):
    """The x values of a measure's rows and their name: the horizons T when the measure has one
    row per horizon (a theorem that simulates each horizon), else the step t."""
    if run.horizons is not None and len(run.horizons) == len(rows):
        return np.asarray(run.horizons, dtype=float), "horizon T"
    return rows, "t"


def _curves(x, x_label, measure, bound=None, *, column=0, lower=None, upper=None, terms=None,
            bound_label="bound", start=0, marker=None, reference=None, reference_label=""):
    """The curves a report draws for one verdict, thinned (:func:`_thin`): ``measure`` (and its
    Monte-Carlo interval ``lower``/``upper``), ``bound`` and, for a :class:`Terms` bound, each
    term; all over ``x`` (the recorded t, the horizons or the grid). Arrays with one column per
    trajectory are read at ``column`` (the trajectory the verdict reports). ``reference`` is a
    constant drawn as a horizontal line (a rate's additive term, an asymptotic check's target).
    ``None`` when curves are not kept (:func:`keeping_curves`)."""
    if not _keep_curves:
        return None
    x = np.asarray(x, dtype=float)
    n = len(x)
    if x_label != "t":  # the reported row and the first checked row, as points of this axis
        marker = None if marker is None else float(x[int(np.clip(marker, 0, n - 1))])
        start = float(x[int(np.clip(start, 0, n - 1))]) if start else 0
    keep = [] if marker is None else [int(np.clip(np.searchsorted(x, marker), 0, n - 1))]
    idx = _thin(n, keep)

    def pick(values):
        if values is None:
            return None
        v = np.asarray(values, dtype=float)
        if v.ndim == 0 or v.shape[0] != n:
            v = np.broadcast_to(v, (n,) + np.shape(measure)[1:])
        v = v.reshape(n, -1)
        return [float(a) for a in v[:, min(column, v.shape[1] - 1)][idx]]

    out = {"x": [float(a) for a in x[idx]], "x_label": x_label, "measure": pick(measure), "bound": pick(bound),
           "bound_label": bound_label, "start": start, "marker": marker}
    if lower is not None and upper is not None:
        out["lower"], out["upper"] = pick(lower), pick(upper)
    if terms:
        out["terms"] = {name: pick(values) for name, values in terms.items()}
    if reference is not None:
        out["reference"], out["reference_label"] = float(reference), reference_label
    return out


def _judge_floor(theorem, run, measured, bound):
    stochastic = run.ctx.stochastic
    n_t = measured.shape[0]
    start = int(theorem.from_step * n_t) if theorem.from_step < 1 else int(theorem.from_step)
    t = np.arange(n_t)
    centre, half = _stats(measured, stochastic)
    if not stochastic and theorem.aggregate in ("max", "min") and centre.ndim == 2:
        centre = centre.max(axis=1) if theorem.aggregate == "max" else centre.min(axis=1)
        half = np.zeros_like(centre)
    b = _bound_array(bound, t if centre.ndim == 1 else t[:, None], centre.shape)
    tol = theorem.tolerance * np.abs(b)
    sl = slice(start, None)
    shortfall = (b - centre)[sl]
    bad = (b - (centre + half) > tol)[sl]
    unsure = (b - (centre - half) > tol)[sl]
    status = "violated" if bad.any() else ("inconclusive" if unsure.any() else "holds")
    v = _verdict_from_excess(status, shortfall, centre[sl], b[sl], t[sl], bad, theorem)
    v.margin = None if v.margin is None else -v.margin  # measure − floor (positive = room)
    v.reason = v.reason.replace("worst", "closest to the floor").replace("vs bound", "vs floor")
    v.details["from_step"] = start
    v.curves = _curves(*_axis(run, t), centre, b, column=v.details.get("worst_trajectory", 0),
                       lower=centre - half if stochastic else None, upper=centre + half if stochastic else None,
                       bound_label="floor", start=start, marker=v.details.get("worst_t"))
    return v


def _judge_exact(theorem, run, measured, bound):
    stochastic = run.ctx.stochastic
    n_t = measured.shape[0]
    start = int(theorem.from_step * n_t) if theorem.from_step < 1 else int(theorem.from_step)
    t = np.arange(n_t)
    centre, half = _stats(measured, stochastic)
    b = _bound_array(bound, t if centre.ndim == 1 else t[:, None], centre.shape)
    err = np.abs(centre - b)[start:]
    tol = theorem.tolerance * np.abs(b[start:]) + half[start:]
    bad = err > tol
    status = "violated" if bad.any() else "holds"
    v = _verdict_from_excess(status, err - tol, centre[start:], b[start:], t[start:], bad, theorem)
    v.details["relative_error"] = float(np.max(err / np.maximum(np.abs(b[start:]), 1e-300)))
    v.reason = (f"max relative error {v.details['relative_error']:.3g} "
                f"(tolerance {theorem.tolerance:.0e}: {theorem.tolerance_reason}) from step {start}")
    v.margin = None
    v.curves = _curves(*_axis(run, t), centre, b, column=v.details.get("worst_trajectory", 0),
                       lower=centre - half if stochastic else None, upper=centre + half if stochastic else None,
                       bound_label="prediction", start=start, marker=v.details.get("worst_t"))
    return v


def _fit_slope(x, y):
    x, y = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    return float(np.polyfit(x, y, 1)[0])


def _judge_rate(theorem, run, measured, additive):
    """measured: (n_horizons, n_traj) values m(T_i).

    With the scaled excess e_i = (m(T_i) − a)_+ · T_i^p / log^q T_i, the claimed rate means e is
    bounded. Finite data test it by comparing the largest e over the later half of the horizons
    with the largest over the earlier half: growth by more than κ = (T̄_late / T̄_early)^RATE_SLACK
    (T̄: geometric means of the halves) means the excess decays slower than claimed. Maxima, not a
    fitted slope, so that lucky small values (a best iterate landing near the minimizer) cannot
    fake a trend; the fitted slope is still reported as the exponent.
    """
    stochastic = run.ctx.stochastic
    T = np.asarray(run.horizons, dtype=float)
    centre, half = _stats(measured, stochastic)
    if not stochastic and centre.ndim == 2:
        centre = centre.max(axis=1)
        half = half.max(axis=1)
    a = float(additive)
    # values at the rounding level of the iterates (a run started at an interpolating minimizer
    # stays there up to ~1e-32) carry no rate: the excess is counted above a + that floor
    level = a + _iterate_floor(run)
    scale = T ** theorem.rate / np.log(T) ** theorem.log_power
    # right envelopes max_{j >= i}: for a nonincreasing rate r(T), m(T) <= a + C r(T) for all T
    # holds exactly when the envelope satisfies it, and the envelope removes early lucky dips
    right_max = lambda v: np.maximum.accumulate(v[::-1])[::-1]  # noqa: E731
    upper = np.maximum(right_max(centre + half) - level, 0.0) * scale  # excess, generous (for "holds")
    lower = np.maximum(right_max(centre - half) - level, 0.0) * scale  # excess, strict (for "violated")
    k = len(T) // 2
    early, late = slice(0, k), slice(len(T) - k, len(T))
    kappa = float(np.exp(np.mean(np.log(T[late])) - np.mean(np.log(T[early])))) ** RATE_SLACK
    details = {"horizons": T.astype(int).tolist(), "measure": centre.tolist(), "additive": a,
               "claimed_rate": theorem.rate, "log_power": theorem.log_power, "scaled_excess": upper.tolist(),
               "allowed_growth": kappa}
    v = Verdict("", "", "holds", measure=float(centre[-1]), bound=a, details=details)
    v.curves = _curves(T, "horizon T", centre, None, lower=centre - half if stochastic else None,
                       upper=centre + half if stochastic else None,
                       reference=a if a > 0 else None, reference_label="additive term a")
    pos = upper > 0
    slope = _fit_slope(T[pos], upper[pos]) if pos.sum() >= 3 else None
    v.exponent = None if slope is None else slope - theorem.rate
    claim = _rate_text(theorem.rate, theorem.log_power)
    cert, cert_additive = _certificate_values(theorem, run) if _certificate_decides(theorem) else (None, None)
    if cert is not None and cert_additive <= a * (1 + theorem.tolerance) + 1e-300:
        details["certificate"] = cert.tolist()
        if v.curves is not None:
            v.curves["bound"], v.curves["bound_label"] = [float(c) for c in cert], f"certificate {theorem.certificate_name}"
        if np.all(centre + half <= cert * (1 + theorem.tolerance)):
            v.ratio = float(np.max((centre + half) / cert))
            v.reason = (f"measure below the explicit bound {theorem.certificate_name} (decaying like "
                        f"{_rate_text(*theorem.certificate_rate)}, additive term <= {a:.4g}) at every horizon; "
                        f"largest ratio {v.ratio:.3g}")
            return v
    growth_lower = lower[late].max() / upper[early].max() if upper[early].max() > 0 else (np.inf if lower[late].max() > 0 else 0.0)
    growth_upper = upper[late].max() / lower[early].max() if lower[early].max() > 0 else (np.inf if upper[late].max() > 0 else 0.0)
    details["growth"] = float(growth_lower) if np.isfinite(growth_lower) else None
    v.ratio = float(min(growth_lower, 1e300) / kappa)  # >= 1: the excess grew faster than the claim allows
    if np.all(upper == 0):
        # below a + 0 at every horizon: consistent with the claim, but the rate term was never
        # exercised, so this instance cannot tell a true rate from a false one
        v.verdict = "inconclusive"
        v.reason = (f"measure below the additive term {a:.4g} at every horizon: the rate {claim} is not exercised "
                    f"(choose a larger initial gap, noise or smaller radius)")
        return v
    if growth_upper <= kappa:
        v.reason = (f"excess over {a:.4g} decays at least like {claim}: scaled excess grew by {growth_upper:.3g} "
                    f"<= {kappa:.3g} from the early to the late horizons" +
                    (f" (fitted exponent {v.exponent:.3g})" if v.exponent is not None else ""))
        return v
    if growth_lower > kappa and centre[-1] - half[-1] > a * (1 + theorem.tolerance) + (level - a):
        envelope = _envelope_values(theorem, run, a)
        if envelope is not None and np.all(centre - half <= envelope * (1 + theorem.tolerance)):
            details["envelope"] = envelope.tolist()
            v.verdict = "inconclusive"
            v.ratio = float(np.max((centre - half) / envelope))
            v.reason = (f"scaled excess grew by {growth_lower:.3g} > {kappa:.3g}, but the measure stays below "
                        f"{theorem.certificate_name} without its noise term, a curve of the claimed form "
                        f"(at most {v.ratio:.3g} of it): a plateau before the rate regime, not evidence of a "
                        f"slower rate; run longer horizons")
            return v
        v.verdict = "violated"
        v.first_violation = int(T[np.flatnonzero(lower > 0)[0]])
        v.reason = (f"measure {centre[-1]:.4g} at T={int(T[-1])} stays above the additive term {a:.4g} and the "
                    f"excess decays slower than {claim}: scaled excess grew by {growth_lower:.3g} > {kappa:.3g}")
        return v
    v.verdict = "inconclusive"
    v.reason = f"scaled excess grew by {growth_upper:.3g} (allowed {kappa:.3g}), not significantly: run longer"
    return v


def _rate_text(p, q):
    return f"T^-{p:g}" + (f" log^{q:g} T" if q else "")


def _certificate_decides(theorem) -> bool:
    """A certificate decides a rate claim only when its proven decay T^-p' log^q' T is at least as
    fast as the claimed T^-p log^q T: p' > p, or p' = p and q' <= q."""
    return theorem.certificate is not None and _certificate_decides_rate(theorem)


def _certificate_decides_rate(theorem) -> bool:
    """Whether ``certificate_rate`` is at least as fast as the claimed rate (see above)."""
    if theorem.certificate_rate is None:
        return False
    p_cert, q_cert = theorem.certificate_rate
    return p_cert > theorem.rate or (p_cert == theorem.rate and q_cert <= theorem.log_power)


def _certificate_values(theorem, run):
    """The certificate at each horizon (largest initial gap over the trajectories) and its additive
    part, or (None, None)."""
    if theorem.certificate is None:
        return None, None
    ctx = run.ctx
    out, additive = [], 0.0
    for T in run.horizons:
        eta = theorem.step_rule(ctx, T) if theorem.step_rule is not None else float(ctx.instance.eta)
        got = theorem.certificate(ctx, T, eta)
        if got is None:
            return None, None
        value, add = got
        out.append(float(np.max(value)))
        additive = max(additive, float(add))
    return np.array(out), additive


def _envelope_values(theorem, run, additive):
    """The envelope at each horizon (largest initial gap over the trajectories), or None when the
    theorem has none, its rate is slower than the claim or its additive part exceeds the claimed
    ``additive`` term (see ``Theorem.envelope``)."""
    if theorem.envelope is None or not _certificate_decides_rate(theorem):
        return None
    ctx = run.ctx
    out = []
    for T in run.horizons:
        eta = theorem.step_rule(ctx, T) if theorem.step_rule is not None else float(ctx.instance.eta)
        got = theorem.envelope(ctx, T, eta)
        if got is None or got[1] > additive * (1 + theorem.tolerance) + 1e-300:
            return None
        out.append(float(np.max(got[0])))
    return np.array(out)


def _judge_asymptotic(theorem, run, measured, bound):
    """measured: (n_grid,) or (n_grid, n_traj) values q(k_i) on the grid returned by bound().

    A limit statement cannot be refuted by a finite run (the quantity may still be in its
    transient), so the outcomes are ``holds`` (it fell by the required factor with a negative
    log–log slope) or ``inconclusive`` (it did not, yet: run longer); never ``violated``.
    """
    grid = np.asarray(bound, dtype=float)
    q = measured if measured.ndim == 1 else measured.max(axis=1)
    details = {"grid": grid.astype(int).tolist(), "values": q.tolist(), "required_decay": theorem.decay}
    q0 = q[0]
    v = Verdict("", "", "holds", measure=float(q[-1]), bound=float(theorem.decay * q0), details=details)
    v.curves = _curves(grid, "k", q, None, reference=theorem.decay * q0,
                       reference_label=f"target: {theorem.decay:g} x its first value")
    pos = q > 0
    slope = _fit_slope(grid[pos], q[pos]) if pos.sum() >= 3 else -np.inf
    v.exponent = slope if np.isfinite(slope) else None
    span = f"k = {int(grid[0])}..{int(grid[-1])}"
    if q[-1] == 0 or (q[-1] <= theorem.decay * q0 and slope < 0):
        share = q[-1] / q0 if q0 else 0.0
        v.reason = (f"consistent with the limit: over {span} it fell to {100 * share:.3g} % of its first value "
                    f"(target: at most {100 * theorem.decay:g} %), fitted log-log slope {slope:.3g}")
        return v
    v.verdict = "inconclusive"
    v.reason = (f"not yet at the target: over {span} it went {q0:.3g} -> {q[-1]:.3g}, "
                f"{100 * q[-1] / q0 if q0 else math.inf:.3g} % of its first value (target: at most "
                f"{100 * theorem.decay:g} %; log-log slope {slope:.3g}); a finite run cannot refute a limit: run longer")
    return v


def with_instance(instance: Instance, **changes) -> Instance:
    return replace(instance, **changes)
