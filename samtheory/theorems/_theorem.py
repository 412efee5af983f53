r"""Theorems and verdicts: what a registry entry states, how it is checked, and what a check returns.

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

from typing import Any

from dataclasses import dataclass, field

from ..methods import get_method
from ._instance import Context, Instance, make_context

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
    #: the measure compares trajectories in pairs (0–1, 2–3, …), e.g. the distance between two runs
    #: from different starts: the worst-case search then draws deterministic candidates as pairs
    #: of starts instead of one start
    paired: bool = False
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

    @property
    def measure_kind(self) -> Any:
        """The :class:`~samtheory.theorems.measures.MeasureKind` the entry's ``measure`` declares
        (quantity "loss" or "gradsq", aggregation "pointwise", "averaged" or "best"; see
        :func:`~samtheory.theorems.measures.declares`), or None for a measure that declares none."""
        from .measures import kind_of  # (measures reads runs; this module only states entries)
        return kind_of(self.measure)

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

def applicability(theorem: Theorem, ctx: Context) -> list:
    """Reasons why ``theorem`` does not apply to ``ctx`` (empty list: it applies)."""
    reasons = []
    tags = ctx.objective.tags
    for tag in theorem.function_class:
        if tag not in tags:
            reasons.append(f"needs a {tag} function; {ctx.objective.name} is {', '.join(sorted(tags))}")
    inst = ctx.instance
    # a method is covered by name, or as the member of Unified SAM it is (Method.unified_lam)
    if not get_method(inst.method).covered_by(theorem.methods):
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
