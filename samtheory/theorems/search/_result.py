"""The search's candidates and what it reports: :class:`Candidate` (one point of the search space,
replayable as JSON), :class:`SearchResult` and :func:`closeness`, the quantity the search maximizes
(see :mod:`samtheory.theorems.search`)."""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from ..._validation import InvalidParameterError
from ...functions import search_families
from .._instance import Instance, Rule
from .._theorem import Verdict

#: "tight" in the tightness table: an instance reached this share of the bound.
TIGHT = 0.9


@dataclass
class Candidate:
    """One point of the search space; :meth:`instance` turns it into an :class:`Instance`.

    ``eta_scale`` is η·β (``None``: the theorem chooses η per horizon, or a default instance's
    rule ``eta_rule`` does). ``start`` is the start in the member's own length scale:
    x₀ = x* + ``sample_scale``·start (x* the minimizer, or 0), so that when the search moves a
    family parameter (the cosine's period, a curvature) the start keeps its place relative to the
    function's features; one point for every trajectory, or (a paired theorem's deterministic
    candidates, :attr:`~samtheory.theorems.Theorem.paired`) one point per trajectory. The other
    fields are the :class:`Instance` fields of the same name.
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

    @property
    def stochastic(self) -> bool:
        """Whether the candidate's gradients are sampled (additive noise or finite-sum sampling):
        its verdict is a Monte-Carlo estimate, so its trajectories are samples, not starts."""
        return self.noise is not None or self.sampling is not None

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
        from ..._io import to_jsonable
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
