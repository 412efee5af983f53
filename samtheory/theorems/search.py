r"""Worst-case search: how close can an admissible instance come to breaking a theorem?

A check on a few default instances says little about a bound: an instance far from the extremal
ones passes a false bound as easily as a true one. :func:`search` therefore *maximizes* the
closeness to violation over every instance the theorem admits and reports the largest value found:

=========== ======================================================================================
check       closeness (``ratio`` of the result; ≥ 1 means violated)
=========== ======================================================================================
``every-t`` measure / bound at the worst recorded t (Monte-Carlo mean for stochastic runs)
``rate``    growth of the scaled excess over the allowed growth, or measure / certificate
``floor``   floor / measure at the closest point
``exact``   relative error / tolerance
=========== ======================================================================================

For an upper bound the largest ratio is the bound's *measured tightness*: 0.99 means an instance
reached 99 % of it; 0.1 means the bound has at least a factor 10 of slack on everything tried.
Asymptotic entries (a limit) cannot be refuted by a finite run and are not searched.

**The space.** A candidate is a member of a function :class:`~samtheory.functions.Family` whose
tags include the theorem's class (every subclass of :class:`~samtheory.functions.Objective` that
declares families takes part, the user's included), a dimension, a method from the theorem's list
(λ for Unified SAM), η (as a multiple of 1/β), ρ, a start, a horizon and, for stochastic entries,
additive noise (kind, σ, same or independent samples) or finite-sum sampling. Only candidates
inside the preconditions are simulated: they are found the way the theorem states them, through
``ctx.require`` in its bound (a rejected candidate costs no simulation and is repaired by shrinking
η and ρ). Precondition boundaries are where bounds are tight, so a third of the candidates has η
pushed to the largest admissible value by bisection.

**The strategy.** A global phase of random candidates (60 % of the budget, and of the time limit),
then a batched local climb (:meth:`_SearchState.refine`, a (1 + λ) evolution strategy) on the
continuous coordinates (log of the family parameters, of η, ρ, σ; λ; the start) from the best
candidates found and from the best one in the neighbourhood regime. In the global phase each draw
(family, method, noise, horizon) gets 16 siblings with fresh η, start and ρ, and fresh family
parameters where the family's members stack (:func:`samtheory.functions.stack`); they are
simulated as one grid (:func:`~samtheory.theorems.check_many`): one vectorized run instead of
sixteen, and the local climb evaluates its moves the same way. A stochastic candidate whose
Monte-Carlo mean reaches the bound (the closest of its grid) is re-run alone with 4, 16, then 64
times the trajectories, each with a fresh seed, and reported violated only when such an
independent larger run is (mean − 5 standard errors above the bound, the rule of
:func:`~samtheory.theorems.check`). Extremal points get their own share of the draws: ρ = 0, η at
the edge of the preconditions, a family's extremal starts (``Family.starts``, e.g. SAM's fixed
points on the cosine) and (stochastic runs) a start at the minimizer.

**Two numbers per entry.** ``ratio`` is the largest closeness; ``tail_ratio`` (every-t bounds) the
largest share of the bound's neighbourhood term (its ρ² and noise terms, the limit as t → ∞) that
an instance used once the decaying terms were paid: the bound with that term cut to a share c fails
as soon as this exceeds c (see ``samtheory.theorems._judges._tail_ratio``).

**Reproducibility.** The search is deterministic given ``seed``. The worst candidate is returned as
an :class:`~samtheory.theorems.Instance` that :func:`~samtheory.theorems.check` reproduces exactly,
and as JSON that ``samtheory search ID --replay JSON`` re-checks (``result.command``).
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable

import numpy as np

from .._validation import InvalidParameterError
from ..functions import search_families
from ..functions._stack import stack_signature
from ..methods import get_method
from ._check import check, check_many
from ._instance import Instance, Rule
from ._judges import keeping_curves
from ._theorem import Theorem, Verdict, admissible
from .registry import get_theorem

#: Share of the budget spent on random candidates before local refinement.
GLOBAL_SHARE = 0.6
#: Trajectories of a stochastic candidate during the search, and the factor of the confirmation run.
SEARCH_TRAJECTORIES = 64
CONFIRM_FACTOR = 4
#: Re-runs of a stochastic candidate at or over the bound: 4x, then 16x the trajectories (at most
#: MAX_ESCALATIONS candidates per search, so the budget stays predictable).
ESCALATION_LEVELS = 3
#: A rate violation is confirmed on horizons this many times longer.
RATE_CONFIRM_FACTOR = 8
#: The search box's lower ends for eta * beta, and for rho and sigma: smaller values only move the
#: iterates below the float spacing of x (steps of 1e-21 vanish), where measures are rounding noise.
ETA_SCALE_MIN = 1e-6
RHO_MIN = 1e-8
MAX_ESCALATIONS = 6
#: Relative precision of the precondition edges found by bisection (:meth:`_Space.push_to_edge`):
#: a bound tight at the edge is then reached to within about this share.
EDGE_PRECISION = 1e-6
#: Local refinements for the largest closeness (best candidates of different families).
LOCAL_STARTS = 4
#: Moves per step of a local refinement (evaluated as one batch), and its first and largest step
#: (relative to each coordinate's magnitude, at least 1: coordinates are logs of the family
#: parameters, of eta, rho and sigma, lambda, and the start in the member's length scale).
LOCAL_POPULATION = 12
LOCAL_STEP = 0.1
LOCAL_STEP_MAX = 1.0
#: "tight" in the tightness table: an instance reached this share of the bound.
TIGHT = 0.9
#: Candidates per member in the global phase: one member of a family (with its rho), drawn with
#: this many choices of eta and start, simulated as one grid (:func:`~samtheory.theorems.check_many`).
SIBLINGS = 16
#: Work of one grid at most (trajectory-steps, about a second of numpy): a member whose candidates
#: are expensive (long horizons, many trajectories) gets fewer siblings, so that the search keeps
#: moving between members and stops near its time limit. Counted in work, not seconds, so that a
#: search without a time limit is the same on every machine.
GROUP_WORK = 2_000_000
#: Members whose objects the search keeps (building a finite sum costs milliseconds).
OBJECT_CACHE = 256

_NOISES = ("gaussian", "rademacher")
_SCHEMES = ("uniform", "nice", "replacement", "importance")


@dataclass
class Candidate:
    """One point of the search space; :meth:`instance` turns it into an :class:`Instance`.

    ``eta_scale`` is η·β (``None``: the theorem chooses η per horizon, or a default instance's
    rule ``eta_rule`` does). ``start`` is the start in the member's own length scale:
    x₀ = x* + ``sample_scale``·start (x* the minimizer, or 0), so that when the search moves a
    family parameter (the cosine's period, a curvature) the start keeps its place relative to the
    function's features. The other fields are the :class:`Instance` fields of the same name.
    """

    family: str
    dim: int
    data_seed: int
    params: dict
    method: str
    eta_scale: float | None
    rho: float
    lam: float | None
    start: list
    steps: int
    horizons: list | None = None
    noise: str | None = None
    sigma: float = 0.0
    same_sample: bool = True
    sampling: dict | None = None
    trajectories: int = 1
    seed: int = 0
    rule_from: int | None = None  # index of the default instance whose eta/rho rules are borrowed

    def objective(self):
        fam = search_families()[self.family]
        return fam.build(dict(self.params), self.dim, self.rho, np.random.default_rng(self.data_seed))

    def x0(self, objective):
        centre = objective.minimizer if objective.minimizer is not None else np.zeros(self.dim)
        return centre + objective.sample_scale * np.asarray(self.start, dtype=float)

    def instance(self, theorem, objective=None) -> Instance:
        obj = self.objective() if objective is None else objective
        beta = obj.smoothness or 1.0
        eta: float | Rule | None
        rho: float | Rule
        eta, rho = (None if self.eta_scale is None else self.eta_scale / beta), self.rho
        if self.rule_from is not None:
            template = theorem.instances[self.rule_from]
            eta = template.eta if isinstance(template.eta, Rule) else eta
            rho = template.rho if isinstance(template.rho, Rule) else rho
        return Instance(obj, method=self.method, eta=eta, rho=rho, lam=self.lam, steps=self.steps,
                        trajectories=self.trajectories, noise=self.noise, sigma=self.sigma,
                        sampling=self.sampling, same_sample=self.same_sample, x0=self.x0(obj),
                        seed=self.seed, horizons=None if self.horizons is None else tuple(self.horizons))

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text):
        try:
            data = json.loads(text)
            return cls(**data)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(f"replay: not a candidate of samtheory search ({exc})") from None


@dataclass
class SearchResult:
    """What :func:`search` found. ``ratio`` is the largest closeness to violation (see the module
    docstring), ``tail_ratio`` the largest share of the bound's neighbourhood term that an instance
    used (every-t bounds), ``worst`` the instance that reached ``ratio`` and ``worst_verdict`` its
    verdict; ``verdict`` is ``violated``, ``holds``, ``no-instance`` (no admissible candidate
    found) or ``not-searched`` (asymptotic entries)."""

    theorem: str
    verdict: str
    ratio: float | None = None
    tail_ratio: float | None = None
    worst: Instance | None = None
    worst_verdict: Verdict | None = None
    candidate: Candidate | None = None
    evaluations: int = 0
    rejected: int = 0
    seconds: float = 0.0
    seed: int = 0
    budget: int = 0
    reason: str = ""
    tail_candidate: Candidate | None = None

    @property
    def command(self) -> str | None:
        """The one-line command that re-checks the worst candidate."""
        if self.candidate is None:
            return None
        return f"samtheory search {self.theorem} --replay '{self.candidate.to_json()}'"

    @property
    def tightness(self) -> str:
        """'tight' (ratio >= 0.9), 'slack xN' or '' when nothing was judged."""
        if self.ratio is None or self.verdict in ("no-instance", "not-searched"):
            return ""
        if self.ratio >= TIGHT:
            return "tight"
        return f"slack x{1 / self.ratio:.3g}" if self.ratio > 0 else "slack (ratio <= 0)"

    def to_dict(self):
        from .._io import to_jsonable
        return to_jsonable({
            "theorem": self.theorem, "verdict": self.verdict, "ratio": self.ratio, "tail_ratio": self.tail_ratio,
            "tightness": self.tightness, "evaluations": self.evaluations, "rejected": self.rejected,
            "seconds": round(self.seconds, 3), "seed": self.seed, "budget": self.budget, "reason": self.reason,
            "worst": None if self.worst_verdict is None else self.worst_verdict.to_dict(),
            "candidate": None if self.candidate is None else asdict(self.candidate),
            "tail_candidate": None if self.tail_candidate is None else asdict(self.tail_candidate),
            "command": self.command})


# ----------------------------------------------------------------------------------------------
# closeness to violation
# ----------------------------------------------------------------------------------------------

def closeness(theorem, verdict: Verdict) -> float:
    """The quantity the search maximizes (module docstring); ``-inf`` when not judged."""
    # diverged runs are not judged (a pointwise bound such as D4 holds on a run that blows up);
    # the search counts them and says so in its result
    if verdict.verdict not in ("holds", "violated", "inconclusive"):
        return -math.inf
    if theorem.check == "floor":
        r = verdict.ratio
        return 1.0 / r if r is not None and r > 0 else (math.inf if verdict.verdict == "violated" else 0.0)
    if theorem.check == "exact":
        return float(verdict.details.get("relative_error", 0.0)) / theorem.tolerance
    r = verdict.ratio
    if r is None or not np.isfinite(r):
        return 1.0 if verdict.verdict == "violated" else 0.0
    return float(r)


# ----------------------------------------------------------------------------------------------
# drawing candidates
# ----------------------------------------------------------------------------------------------

def _log_uniform(rng, low, high):
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def admissible_families(theorem):
    """Families with at least one member (at the centre of its space) in the theorem's class."""
    out = []
    for fam in search_families().values():
        centre = {k: math.sqrt(lo * hi) for k, (lo, hi) in fam.space.items()}
        for dim in fam.dims:
            try:
                tags = fam.build(centre, dim, 0.1, np.random.default_rng(0)).tags
            except Exception:  # noqa: BLE001 - a user's family that cannot build is skipped
                continue
            if all(tag in tags for tag in theorem.function_class):
                out.append((fam, dim))
    return out


class _Space:
    """Draws, repairs and moves candidates for one theorem."""

    def __init__(self, theorem, rng):
        self.theorem, self.rng = theorem, rng
        self.families = admissible_families(theorem)
        self.methods = [m for m in theorem.methods]
        rate_rule = theorem.check == "rate" and theorem.step_rule is not None
        self.horizon_rule = rate_rule
        self.rule_templates = [i for i, inst in enumerate(theorem.instances)
                               if isinstance(inst.eta, Rule) or isinstance(inst.rho, Rule)]
        # whether candidates can share a simulation (check_many): not when the theorem runs its
        # own simulation
        self.batchable = not theorem.simulates
        self._family_queue = []  # the families of the current round, in drawing order
        self._families_seen = set()  # families whose first (extremal) member was drawn
        self._rho_dependent = {}  # family -> whether its members change with rho
        self._stackable = {}  # family -> whether its members share one simulation
        self._extremal = []  # the drawn candidates that are their family's first (extremal) member
        self._objects = {}  # member key -> objective (at most OBJECT_CACHE)

    # -- drawing ---------------------------------------------------------------------------
    def draw(self) -> Candidate | None:
        if not self.families:
            return None
        rng, th = self.rng, self.theorem
        # families in rounds (each once, in a shuffled order, then again), so that a short search
        # meets every family; then a dimension
        queue = self._family_queue
        if not queue:
            names = sorted({fam.name for fam, _ in self.families})
            queue.extend(names[i] for i in rng.permutation(len(names)))
        name = queue.pop(0)
        options = [(fam, dim) for fam, dim in self.families if fam.name == name]
        fam, dim = options[int(rng.integers(len(options)))]
        # a family's first member is its extremal one (every parameter that has special values at
        # one of them: the stall angle, a condition number of 1); later members take each special
        # value with probability 1/4
        seen = self._families_seen
        first = name not in seen
        seen.add(name)
        params = self._draw_params(fam, first)
        method = self.methods[int(rng.integers(len(self.methods)))]
        lam = None
        if get_method(method).uses_lam:
            lam = float(rng.choice([0.0, 1.0])) if rng.random() < 0.3 else float(rng.uniform(0, 1))
        stochastic = self._stochastic(method)
        noise, sigma, same, sampling = None, 0.0, True, None
        data_seed = int(rng.integers(1 << 30))
        if stochastic:
            same = bool(rng.random() < 0.5)
            finite_sum = hasattr(fam.build(params, dim, 0.1, np.random.default_rng(data_seed)), "n_components")
            if finite_sum and rng.random() < 0.5:
                scheme = _SCHEMES[int(rng.integers(len(_SCHEMES)))]
                sampling = {"scheme": scheme, "batch_size": int(rng.integers(1, 4)) if scheme == "nice" else 1}
            else:
                noise = _NOISES[int(rng.integers(2))]
                sigma = _log_uniform(rng, 1e-3, 3.0)
        # extremal points get their own share of the draws: rho = 0 isolates the noise and
        # contraction terms of a bound, and (stochastic runs) a start at the minimizer removes the
        # initial gap, leaving only the neighbourhood terms
        rho = self.draw_rho()
        cand = Candidate(family=fam.name, dim=dim, data_seed=data_seed, params=params, method=method,
                         eta_scale=None if self.horizon_rule else _log_uniform(rng, 1e-3, 2.0), rho=rho, lam=lam,
                         start=[], steps=int(round(_log_uniform(rng, 10, 1500))), noise=noise, sigma=sigma,
                         same_sample=same, sampling=sampling,
                         trajectories=SEARCH_TRAJECTORIES if stochastic else 1, seed=int(rng.integers(1 << 30)))
        if first:  # its siblings keep the special values (the stall angle) and vary the rest
            self._extremal.append(cand)
        if self.rule_templates and rng.random() < 0.5:
            cand.rule_from = self.rule_templates[int(rng.integers(len(self.rule_templates)))]
        try:
            obj = self.objective(cand)
        except Exception:  # noqa: BLE001 - parameters outside a user's family: skip
            return None
        cand.start = self._start(fam, obj, cand)
        if th.check == "rate":
            if self.horizon_rule:
                base = int(round(_log_uniform(self.rng, 30, 500)))
                cand.horizons = [base * 2 ** k for k in range(5)]
                cand.steps = cand.horizons[-1]
            else:
                cand.steps = int(round(_log_uniform(self.rng, 500, 8000)))
        return cand

    def _draw_params(self, fam, extremal=False):
        """Family parameters, each log-uniform in its range or, with probability 1/4 (always when
        ``extremal``), one of its special values."""
        rng, params = self.rng, {}
        for key, (low, high) in fam.space.items():
            specials = fam.specials.get(key, ())
            params[key] = (float(specials[int(rng.integers(len(specials)))]) if specials and (extremal or rng.random() < 0.25)
                           else _log_uniform(rng, low, high))
        return params

    def _stochastic(self, method):
        setting = self.theorem.setting
        if get_method(method).stochastic_only:
            return True
        if get_method(method).deterministic_only:
            return False
        if setting == "any":
            return bool(self.rng.random() < 0.5)
        return setting == "stochastic"

    def sibling(self, base) -> Candidate:
        """Another candidate of ``base``'s shape (family, dimension, method, noise, horizon), drawn
        as in :meth:`draw`: a fresh η and start, and a fresh member and ρ where the family stacks
        (its members then share one simulation, :func:`samtheory.functions.stack`; half the
        siblings of a family's first, extremal member keep its special values, such as the stall
        angle, and vary its other parameters); otherwise
        the same member, with a fresh ρ where the member does not depend on ρ. Siblings are
        simulated as one grid."""
        rng = self.rng
        fam = search_families()[base.family]
        cand = replace(base, seed=int(rng.integers(1 << 30)))
        if base.eta_scale is not None:
            cand.eta_scale = _log_uniform(rng, 1e-3, 2.0)
        if self.stackable(base):
            # half the siblings of a family's first (extremal) member keep its special values
            extremal = any(base is c for c in self._extremal) and rng.random() < 0.5
            cand.params = self._draw_params(fam, extremal=extremal)
            cand.rho = self.draw_rho()
        elif not self.rho_dependent(base):  # a member that does not depend on rho can share a rho grid
            cand.rho = self.draw_rho()
        cand.start = self._start(fam, self.objective(cand), cand)
        return cand

    def stackable(self, cand) -> bool:
        """Whether the members of the candidate's family share a simulation (declared parameters)."""
        known = self._stackable
        if cand.family not in known:
            try:
                known[cand.family] = stack_signature(self.objective(cand)) is not None
            except Exception:  # noqa: BLE001 - a member the family cannot build: one by one
                known[cand.family] = False
        return known[cand.family]

    def draw_rho(self) -> float:
        """ρ = 0 in 15 % of the draws (it isolates the noise and contraction terms of a bound), else
        log-uniform on [1e-3, 3]."""
        return 0.0 if self.rng.random() < 0.15 else _log_uniform(self.rng, 1e-3, 3.0)

    def rho_dependent(self, cand) -> bool:
        """Whether the family's members change with ρ (the cosine's ω = θ/ρ does): tried once per
        family by building one member at two radii and comparing values and gradients."""
        known = self._rho_dependent
        if cand.family not in known:
            fam = search_families()[cand.family]
            try:
                a, b = (fam.build(dict(cand.params), cand.dim, r, np.random.default_rng(cand.data_seed)) for r in (0.1, 0.37))
                points = np.random.default_rng(1).normal(size=(5, cand.dim)) * a.sample_scale
                known[cand.family] = not (np.array_equal(a.value(points), b.value(points))
                                          and np.array_equal(a.grad(points), b.grad(points)))
            except Exception:  # noqa: BLE001 - when in doubt, rebuild per radius
                known[cand.family] = True
        return known[cand.family]

    def _start(self, fam, obj, cand) -> list:
        """A start in the member's length scale (:class:`Candidate`): a quarter of the draws at one
        of the family's extremal points (``Family.starts``), a fifth of the stochastic ones at the
        minimizer (only the neighbourhood terms of a bound remain), the others at a distance
        log-uniform (the neighbourhood of the minimizer) or uniform on [0, 1] (the features one
        scale away) in a random direction."""
        rng = self.rng
        centre = obj.minimizer if obj.minimizer is not None else np.zeros(cand.dim)
        if fam.starts is not None and rng.random() < 0.25:
            points = list(fam.starts(obj, cand.rho))
            if points:
                point = np.asarray(points[int(rng.integers(len(points)))], dtype=float)
                return ((point - centre) / obj.sample_scale).tolist()
        if cand.trajectories > 1 and obj.minimizer is not None and rng.random() < 0.2:
            return [0.0] * cand.dim
        scale = float(rng.uniform(0, 1)) if rng.random() < 0.5 else _log_uniform(rng, 1e-3, 3.0)
        direction = rng.normal(size=cand.dim)
        return (scale * direction / max(np.linalg.norm(direction), 1e-12)).tolist()

    # -- preconditions -----------------------------------------------------------------------
    def objective(self, cand):
        """The candidate's member, built once per (family, parameters, dimension, data, and ρ for
        the families that depend on it)."""
        key = (cand.family, cand.dim, cand.data_seed, tuple(sorted(cand.params.items())),
               cand.rho if self.rho_dependent(cand) else None)
        cache = self._objects
        if key not in cache:
            if len(cache) >= OBJECT_CACHE:
                cache.pop(next(iter(cache)))
            cache[key] = cand.objective()
        return cache[key]

    def instance(self, cand):
        inst = cand.instance(self.theorem, self.objective(cand))
        if self.theorem.fuzz is not None:
            inst = self.theorem.fuzz(inst, np.random.default_rng(cand.seed))
        return inst

    def feasible(self, cand) -> bool:
        """Whether the candidate is inside the theorem's preconditions (no simulation)."""
        try:
            inst = self.instance(cand)
        except Exception:  # noqa: BLE001 - a member or start the family cannot build: outside
            return False
        return inst is not None and admissible(self.theorem, inst)

    def repair(self, cand) -> Candidate | None:
        """Shrink η, then ρ, by halves until the candidate is admissible (or give up)."""
        if self.feasible(cand):
            return cand
        for _ in range(12):
            if cand.eta_scale is not None:
                cand = replace(cand, eta_scale=cand.eta_scale / 2)
                if self.feasible(cand):
                    return cand
            if cand.rho > 0:
                cand = replace(cand, rho=cand.rho / 2)
                if self.feasible(cand):
                    return cand
        return None

    def push_to_edge(self, cand, key, iterations=40) -> Candidate:
        """The largest admissible value of ``key`` (``eta_scale`` or ``rho``) by bisection in log
        scale: precondition boundaries are where a bound is tightest."""
        value = getattr(cand, key)
        if value is None or value <= 0:
            return cand
        low, high = value, value
        for _ in range(30):  # find an inadmissible value above
            high *= 4
            if not self.feasible(replace(cand, **{key: high})):
                break
        else:
            return cand
        for _ in range(iterations):
            mid = math.sqrt(low * high)
            if self.feasible(replace(cand, **{key: mid})):
                low = mid
            else:
                high = mid
            if high / low < 1 + EDGE_PRECISION:
                break
        return replace(cand, **{key: low})

    # -- local moves -----------------------------------------------------------------------------
    def to_vector(self, cand):
        fam = search_families()[cand.family]
        z = [math.log(cand.params[k]) for k in fam.space]
        if cand.eta_scale is not None:
            z.append(math.log(cand.eta_scale))
        if cand.rho > 0:
            z.append(math.log(cand.rho))
        if cand.noise is not None:
            z.append(math.log(cand.sigma))
        if cand.lam is not None:
            z.append(cand.lam)
        return np.array(z + list(cand.start), dtype=float)

    def from_vector(self, cand, z):
        fam = search_families()[cand.family]
        z = list(z)
        params = {}
        for k, (low, high) in fam.space.items():
            params[k] = float(np.clip(math.exp(np.clip(z.pop(0), -700, 700)), low, high))
        changes = {"params": params}
        if cand.eta_scale is not None:
            changes["eta_scale"] = float(math.exp(np.clip(z.pop(0), math.log(ETA_SCALE_MIN), 5)))
        if cand.rho > 0:
            changes["rho"] = float(math.exp(np.clip(z.pop(0), math.log(RHO_MIN), 10)))
        if cand.noise is not None:
            changes["sigma"] = float(math.exp(np.clip(z.pop(0), math.log(RHO_MIN), 10)))
        if cand.lam is not None:
            changes["lam"] = float(np.clip(z.pop(0), 0.0, 1.0))
        changes["start"] = [float(v) for v in z]
        return replace(cand, **changes)


# ----------------------------------------------------------------------------------------------
# the search
# ----------------------------------------------------------------------------------------------

def search(theorem: str | Theorem, budget: int = 500, seed: int = 0, *, time_limit: float | None = None,
           progress: Callable[..., Any] | None = None) -> SearchResult:
    # the docstring is _search's (set below); the candidates' checks keep no curves: the search
    # reports numbers, and thinning curves would cost it a few milliseconds per candidate
    with keeping_curves(False):
        return _search(theorem, budget, seed, time_limit=time_limit, progress=progress)


def _search(theorem, budget=500, seed=0, *, time_limit=None, progress=None) -> SearchResult:
    """Search the instances ``theorem`` admits for the one closest to violating it.

    Parameters
    ----------
    theorem : str or Theorem
        A registry id or entry (a user's ``@theorem`` works, with or without default instances).
    budget : int
        Simulated evaluations (>= 1). Candidates rejected by the preconditions are not counted.
    seed : int
        Seed of the search (>= 0); the same seed gives the same result.
    time_limit : float or None
        Stop after this many seconds (the result says so in ``reason``).
    progress : callable or None
        ``progress(evaluations, budget, best_ratio)`` after each evaluation.

    Returns
    -------
    SearchResult
    """
    th = get_theorem(theorem)
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 1:
        raise InvalidParameterError(f"budget must be an integer >= 1; got {budget!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidParameterError(f"seed must be an integer >= 0; got {seed!r}")
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise InvalidParameterError(f"time_limit must be a number > 0 (seconds) or None; got {time_limit!r}")
    start = time.perf_counter()
    result = SearchResult(th.id, "holds", seed=int(seed), budget=int(budget))
    if th.check == "asymptotic":
        result.verdict = "not-searched"
        result.reason = "a limit statement cannot be refuted by a finite run; not searched"
        return result
    state = _SearchState(th, _Space(th, np.random.default_rng(int(seed))), int(budget), time_limit, start, progress)
    if not state.space.families:
        result.verdict = "no-instance"
        result.reason = f"no searchable function family has the tags {', '.join(th.function_class)}"
        return result
    state.global_phase()
    if not state.done():
        state.local_phase()
    return state.finish(result)


class _SearchState:
    def __init__(self, theorem, space, budget, time_limit, start, progress):
        self.th, self.space, self.budget = theorem, space, budget
        self.time_limit, self.start, self.progress = time_limit, start, progress
        self.evaluations = self.rejected = 0
        self.scored = []  # (closeness, candidate, verdict)
        self.best_tail = (-math.inf, None)
        self.violation = None
        self.timed_out = False
        self.errors = []  # (candidate, verdict) of checks that raised
        self.escalations = 0
        self.diverged = 0  # admissible candidates whose runs blew up (not judged)

    def done(self) -> bool:
        if self.violation is not None or self.evaluations >= self.budget:
            return True
        if self.time_limit is not None and time.perf_counter() - self.start > self.time_limit:
            self.timed_out = True
            return True
        return False

    def evaluate(self, cand) -> float:
        if self.done():
            return -math.inf
        if not self.space.feasible(cand):
            self.rejected += 1
            return -math.inf
        try:
            verdict = check(self.th, self.space.instance(cand))
        except Exception as exc:  # noqa: BLE001 - a crash on an admissible instance is reported, not fatal
            verdict = Verdict(self.th.id, cand.family, "error", f"{type(exc).__name__}: {exc}")
        return self._record(cand, verdict)

    def evaluate_many(self, cands) -> list:
        """Evaluate candidates together (one simulation for those that can share it); stops at
        the budget and at the first violation. Returns ``(closeness, verdict)`` per candidate,
        ``(-inf, None)`` for those not evaluated (inadmissible, or past the budget)."""
        out = [(-math.inf, None)] * len(cands)
        if self.done():
            return out
        admissible: list[Any] = []
        for index, cand in enumerate(cands):
            if self.evaluations + len(admissible) >= self.budget:
                break
            if self.space.feasible(cand):
                admissible.append(index)
            else:
                self.rejected += 1
        if not admissible:
            return out
        try:
            verdicts = check_many(self.th, [self.space.instance(cands[i]) for i in admissible], share_streams=True)
        except Exception:  # noqa: BLE001 - judge them one by one, so the one that raises is named
            for index in admissible:
                score = self.evaluate(cands[index])
                out[index] = (score, self.scored[-1][2] if np.isfinite(score) else None)
            return out
        # siblings share a member and a sample stream, so their Monte-Carlo means over the bound
        # are correlated: only the closest of a group is re-run on larger samples
        suspects = [k for k, (i, verdict) in enumerate(zip(admissible, verdicts)) if self._suspect(cands[i], verdict)]
        confirm = max(suspects, key=lambda k: closeness(self.th, verdicts[k]), default=None)
        for k, (index, verdict) in enumerate(zip(admissible, verdicts)):
            score = self._record(cands[index], verdict, confirm=k == confirm)
            out[index] = (score, self.scored[-1][2])
            if self.violation is not None:
                break
        return out

    def _suspect(self, cand, verdict) -> bool:
        """A stochastic run whose mean reached the bound: only larger runs can tell."""
        return (cand.trajectories > 1 and verdict.verdict in ("violated", "inconclusive")
                and closeness(self.th, verdict) >= 1)

    def _record(self, cand, verdict, confirm=True) -> float:
        """Count one evaluation, confirm what needs confirming (``confirm=False``: a stochastic
        suspect keeps closeness 1, unconfirmed), and keep its closeness."""
        if verdict.verdict == "error":
            self.errors.append((cand, verdict))
        self.evaluations += 1
        score = closeness(self.th, verdict)
        if verdict.verdict == "diverged":
            self.diverged += 1
        if self._suspect(cand, verdict):
            if confirm:
                cand, verdict, score = self._escalate(cand, verdict)
            else:
                score = 1.0
        elif verdict.verdict == "violated" and self.th.check == "rate":
            cand, verdict, score = self._longer_run(cand, verdict)
        elif verdict.verdict == "violated":  # deterministic and explicit: stands as it is
            self.violation = (cand, verdict)
        self.scored.append((score, cand, verdict))
        if verdict.tail_ratio is not None and verdict.tail_ratio > self.best_tail[0]:
            self.best_tail = (verdict.tail_ratio, cand)
        if self.progress is not None:
            self.progress(self.evaluations, self.budget, self.best())
        return score

    def _longer_run(self, cand, verdict):
        """A rate violation is read from finite horizons: it is reported only if it persists on
        horizons eight times longer (a run still in its transient would by then have started to
        decay; a false rate keeps growing)."""
        longer = replace(cand, steps=cand.steps * RATE_CONFIRM_FACTOR,
                         horizons=None if cand.horizons is None else [h * RATE_CONFIRM_FACTOR for h in cand.horizons])
        if not self.space.feasible(longer):
            return cand, verdict, 1.0
        again = check(self.th, self.space.instance(longer))
        if again.verdict == "violated":
            self.violation = (longer, again)
            return longer, again, closeness(self.th, again)
        return cand, again, min(closeness(self.th, again), 1.0)

    def _escalate(self, cand, verdict):
        """A stochastic candidate at or over the bound (by its Monte-Carlo mean) is re-run with
        4, 16, then 64 times the trajectories, each with a fresh seed: it is reported violated only when
        such an independent larger run is violated (mean − 5 SE above the bound), and an
        inconclusive mean over the bound gets the trajectories that can decide it. Returns the
        candidate, verdict and closeness of the last run."""
        if self.escalations >= MAX_ESCALATIONS:
            return cand, verdict, min(closeness(self.th, verdict), 1.0)
        self.escalations += 1
        steps = cand.steps
        if self.th.check == "every-t" and "worst_t" in verdict.details:
            # an every-t measure at t depends on the run up to t only: the larger runs stop just
            # after the step in question (a long run at 64x the trajectories would eat the budget)
            steps = min(cand.steps, int(verdict.details["worst_t"]) + 2)
        for level in range(1, ESCALATION_LEVELS + 1):
            bigger = replace(cand, trajectories=cand.trajectories * CONFIRM_FACTOR ** level, seed=cand.seed + level,
                             steps=steps)
            again = check(self.th, self.space.instance(bigger))
            score = closeness(self.th, again)
            if again.verdict == "violated":
                self.violation = (bigger, again)
                return bigger, again, score
            if score < 1:  # the larger run's mean is below the bound: not a violation
                break
        return cand, again, min(score, 1.0)

    def best(self):
        return max((s for s, _, _ in self.scored), default=None)

    def global_phase(self):
        rng = self.space.rng
        target = max(1, int(math.ceil(GLOBAL_SHARE * self.budget)))
        attempts = 0
        # with a time limit, the global phase also stops at its share of the time, so that the
        # local refinement (sequential runs, the slower kind per evaluation) gets the rest
        deadline = math.inf if self.time_limit is None else self.start + GLOBAL_SHARE * self.time_limit
        while (not self.done() and self.evaluations < target and attempts < 50 * self.budget
               and time.perf_counter() < deadline):
            attempts += 1
            base = self.space.draw()
            if base is None:
                continue
            # each member gets SIBLINGS choices of eta and start, simulated as one grid (where
            # check_many can: not for entries that run their own simulation)
            work = base.trajectories * (sum(base.horizons) if base.horizons else base.steps)  # one run per horizon
            siblings = min(SIBLINGS, max(1, GROUP_WORK // max(work, 1))) - 1 if self.space.batchable else 0
            group = [base] + [self.space.sibling(base) for _ in range(siblings)]
            prepared = []
            for cand in group:
                if time.perf_counter() > deadline:  # preparing can cost too (a bound over 1500 steps)
                    break
                cand = self.space.repair(cand)
                if cand is None:
                    self.rejected += 1
                    continue
                if cand.eta_scale is not None and rng.random() < 1 / 3:
                    cand = self.space.push_to_edge(cand, "eta_scale")
                if cand.rho > 0 and rng.random() < 1 / 4:
                    cand = self.space.push_to_edge(cand, "rho")
                prepared.append(cand)
            self.evaluate_many(prepared[:max(1, target - self.evaluations)])

    def local_phase(self):
        ranked = sorted((item for item in self.scored if np.isfinite(item[0])), key=lambda item: -item[0])
        starts, seen = [], set()
        for score, cand, _ in ranked:  # the best of the leading families: extremal points differ by family
            if cand.family not in seen:
                starts.append((cand, "closeness", score))
                seen.add(cand.family)
            if len(starts) == LOCAL_STARTS:
                break
        if self.best_tail[1] is not None:  # and the best start for the neighbourhood regime
            starts.append((self.best_tail[1], "tail", self.best_tail[0]))
        for k, (cand, key, score) in enumerate(starts):
            if self.done():
                return
            remaining = self.budget - self.evaluations
            self.refine(cand, key, score, stop=self.evaluations + max(1, remaining // (len(starts) - k)))

    def refine(self, cand, key, score, stop):
        r"""Climb from ``cand`` (of closeness, or neighbourhood ratio for ``key="tail"``, ``score``)
        until ``stop`` evaluations: a (1 + λ) evolution strategy on the continuous coordinates
        (:meth:`_Space.to_vector`). Each step evaluates :data:`LOCAL_POPULATION` moves as one batch
        (:meth:`evaluate_many`: one simulation for a family that stacks), half along single
        coordinates (a bound is often tight on a narrow ridge of one coordinate, such as the start at
        an unstable fixed point) and half in random directions; it moves to the best if it improves
        and doubles the step, else divides the step by 4, down to a relative step of 1e-9."""
        rng = self.space.rng
        z = self.space.to_vector(cand)
        scale = np.maximum(np.abs(z), 1.0)
        step = LOCAL_STEP
        while not self.done() and self.evaluations < stop and step > 1e-9:
            count = min(LOCAL_POPULATION, stop - self.evaluations)
            moves = np.zeros((count, len(z)))
            for m in range(count):
                if m % 2 == 0:
                    moves[m, int(rng.integers(len(z)))] = rng.choice([-1.0, 1.0])
                else:
                    moves[m] = rng.normal(size=len(z)) / math.sqrt(len(z))
            trials = [self.space.from_vector(cand, z + step * scale * move) for move in moves]
            results = self.evaluate_many(trials)
            values = [(-math.inf if verdict is None else
                       (verdict.tail_ratio if key == "tail" else value)) for value, verdict in results]
            values = [-math.inf if v is None or not np.isfinite(v) else v for v in values]
            best = int(np.argmax(values))
            if values[best] > score:
                score, z = values[best], z + step * scale * moves[best]
                step = min(2 * step, LOCAL_STEP_MAX)
            else:
                step /= 4

    def finish(self, result):
        result.evaluations, result.rejected = self.evaluations, self.rejected
        result.seconds = time.perf_counter() - self.start
        if self.violation is not None:
            cand, verdict = self.violation
            result.verdict, result.candidate, result.worst_verdict = "violated", cand, verdict
            result.ratio = closeness(self.th, verdict)
            result.reason = f"violated on a searched instance: {verdict.reason}"
        elif not self.scored:
            result.verdict = "no-instance"
            result.reason = (f"no admissible instance found in {self.rejected} candidates "
                             f"(the preconditions rejected every draw)")
        else:
            score, cand, verdict = max(self.scored, key=lambda item: item[0])
            note = ""
            if cand.trajectories > 1:
                # stochastic candidates were judged on samples shared by their grid: report the
                # lone run that check(worst) reproduces (an equally distributed estimate)
                verdict = check(self.th, self.space.instance(cand))
                score = closeness(self.th, verdict)
                if verdict.verdict == "violated":  # 5 standard errors over the bound: it stands
                    result.verdict = "violated"
                elif score > 1:
                    note = (f" (its Monte-Carlo mean reached {score:.4g} of the bound, within its standard "
                            "errors; larger runs did not confirm a violation)")
                    score = 1.0
            result.ratio, result.candidate, result.worst_verdict = score, cand, verdict
            result.reason = f"largest closeness {score:.4g} on {verdict.instance}{note}"
        if result.candidate is not None:
            result.worst = self.space.instance(result.candidate)
        if self.best_tail[1] is not None:
            result.tail_ratio, result.tail_candidate = self.best_tail
            if result.tail_candidate.trajectories > 1:  # the lone run, as for the worst candidate
                result.tail_ratio = check(self.th, self.space.instance(result.tail_candidate)).tail_ratio
        if self.diverged:
            result.reason += f"; {self.diverged} admissible candidates diverged (not judged)"
        if self.errors:
            result.reason += f"; {len(self.errors)} evaluations raised (first: {self.errors[0][1].reason})"
        if self.timed_out and result.verdict != "violated":
            result.reason += f" (stopped at the time limit after {self.evaluations} evaluations)"
        return result



search.__doc__ = _search.__doc__


def rebuild_worst(result: SearchResult) -> SearchResult:
    """Set ``result.worst`` from its candidate (a result that crossed a process boundary carries
    the candidate only)."""
    if result.worst is None and result.candidate is not None:
        th = get_theorem(result.theorem)
        result.worst = _Space(th, np.random.default_rng(0)).instance(result.candidate)
    return result


def replay(theorem, candidate) -> Verdict:
    """Re-check one candidate (a :class:`Candidate` or its JSON) on ``theorem``."""
    th = get_theorem(theorem)
    cand = Candidate.from_json(candidate) if isinstance(candidate, str) else candidate
    if cand.family not in search_families():
        raise InvalidParameterError(f"replay: unknown family {cand.family!r}")
    return check(th, _Space(th, np.random.default_rng(0)).instance(cand))
