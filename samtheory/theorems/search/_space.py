"""The search space of one theorem: :class:`CandidateSpace` draws candidates (with extremal points:
ρ = 0, η pushed to the edge of the preconditions, a family's extremal starts), repairs those the
preconditions reject, and maps them to and from the vectors the local climb moves
(see :mod:`samtheory.theorems.search`)."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..._random import log_uniform
from ...functions import search_families
from ...functions._stack import stack_signature
from ...methods import get_method
from .._instance import Rule
from .._theorem import admissible
from ._result import Candidate

#: Trajectories of a stochastic candidate during the search.
SEARCH_TRAJECTORIES = 64
#: The search box's lower ends for eta * beta, and for rho and sigma: smaller values only move the
#: iterates below the float spacing of x (steps of 1e-21 vanish), where measures are rounding noise.
ETA_SCALE_MIN = 1e-6
RHO_MIN = 1e-8
#: Relative precision of the precondition edges found by bisection (:meth:`CandidateSpace.push_to_edge`):
#: a bound tight at the edge is then reached to within about this share.
EDGE_PRECISION = 1e-6
#: Members whose objects the search keeps (building a finite sum costs milliseconds).
OBJECT_CACHE = 256

_NOISES = ("gaussian", "rademacher")
_SCHEMES = ("uniform", "nice", "replacement", "importance")


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


class CandidateSpace:
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
                sigma = log_uniform(rng, 1e-3, 3.0)
        # extremal points get their own share of the draws: rho = 0 isolates the noise and
        # contraction terms of a bound, and (stochastic runs) a start at the minimizer removes the
        # initial gap, leaving only the neighbourhood terms
        rho = self.draw_rho()
        cand = Candidate(family=fam.name, dim=dim, data_seed=data_seed, params=params, method=method,
                         eta_scale=None if self.horizon_rule else log_uniform(rng, 1e-3, 2.0), rho=rho, lam=lam,
                         start=[], steps=int(round(log_uniform(rng, 10, 1500))), noise=noise, sigma=sigma,
                         same_sample=same, sampling=sampling,
                         trajectories=SEARCH_TRAJECTORIES if stochastic else (2 if th.paired else 1),
                         seed=int(rng.integers(1 << 30)))
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
                base = int(round(log_uniform(self.rng, 30, 500)))
                cand.horizons = [base * 2 ** k for k in range(5)]
                cand.steps = cand.horizons[-1]
            else:
                cand.steps = int(round(log_uniform(self.rng, 500, 8000)))
        return cand

    def _draw_params(self, fam, extremal=False):
        """Family parameters, each log-uniform in its range or, with probability 1/4 (always when
        ``extremal``), one of its special values."""
        rng, params = self.rng, {}
        for key, (low, high) in fam.space.items():
            specials = fam.specials.get(key, ())
            params[key] = (float(specials[int(rng.integers(len(specials)))]) if specials and (extremal or rng.random() < 0.25)
                           else log_uniform(rng, low, high))
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
            cand.eta_scale = log_uniform(rng, 1e-3, 2.0)
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
        return 0.0 if self.rng.random() < 0.15 else log_uniform(self.rng, 1e-3, 3.0)

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
        scale away) in a random direction. A paired theorem's deterministic candidate gets one
        such start per trajectory (:attr:`~samtheory.theorems.Theorem.paired`)."""
        if self.theorem.paired and not cand.stochastic:
            return [self._one_start(fam, obj, cand) for _ in range(cand.trajectories)]
        return self._one_start(fam, obj, cand)

    def _one_start(self, fam, obj, cand) -> list:
        rng = self.rng
        centre = obj.minimizer if obj.minimizer is not None else np.zeros(cand.dim)
        if fam.starts is not None and rng.random() < 0.25:
            points = list(fam.starts(obj, cand.rho))
            if points:
                point = np.asarray(points[int(rng.integers(len(points)))], dtype=float)
                return ((point - centre) / obj.sample_scale).tolist()
        if cand.stochastic and obj.minimizer is not None and rng.random() < 0.2:
            return [0.0] * cand.dim
        scale = float(rng.uniform(0, 1)) if rng.random() < 0.5 else log_uniform(rng, 1e-3, 3.0)
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
        return np.array(z + list(np.ravel(cand.start)), dtype=float)

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
        changes["start"] = np.reshape(np.asarray(z, dtype=float), np.shape(cand.start)).tolist()
        return replace(cand, **changes)
