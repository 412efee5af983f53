"""Running checks: :func:`check` and :func:`check_many`, and the cache of simulations they share.

:func:`check` builds the instance's context, rules out instances outside the theorem's class and
preconditions (``not-applicable``), simulates (or reuses a caller's run, or a cached one) and
hands the run to the judges (:func:`samtheory.theorems._judges.judge`). :func:`check_many`
simulates together, as one vectorized grid, the instances that can share a run.
"""
from __future__ import annotations

from typing import Sequence, TYPE_CHECKING

import numpy as np

from .._validation import InvalidParameterError
from ..functions import Objective, stack
from ..functions._stack import stack_signature
from ..schedules import as_schedule
from ..simulation import simulate
from ._horizons import HorizonRuns, geometric_horizons, horizon_seed
from ._instance import Context, Instance, Rule, common_value, make_context
from ._judges import judge
from ._theorem import NotApplicable, Run, Theorem, Verdict, applicability

if TYPE_CHECKING:  # names used in annotations only
    from ..simulation import SimulationResult


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
    # T is read), each with its own stream (samtheory.theorems._horizons); each run picks its
    # backend by the "auto" rule, as any simulation does. (Applying the rule to the horizons'
    # total, so that they would compile once, sent verify's stochastic rate checks to JAX: peak
    # memory 460 MB against 232 MB on numpy, at no measurable gain in time.)
    runs = []
    for k, T in enumerate(horizons):
        arguments.update(eta=theorem.step_rule(ctx, T), steps=int(T), seed=horizon_seed(inst.seed, k))
        runs.append(simulate(ctx.objective, inst.method, **arguments))
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
        return judge(theorem, run, bound, label, params)
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
        ctx.delta = common_value(first if isinstance(result, HorizonRuns) else first[0])
    run = Run(ctx, result, tuple(horizons) if horizons is not None else None)
    return judge(theorem, run, bound, label, params)


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
            eta, result = _simulate_grid(theorem, group, objective, arguments)
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


def _simulate_grid(theorem, group, objective, arguments):
    """``(eta, result)``: the group's instances as one grid (one point per instance), or for step
    sizes chosen per horizon one grid per horizon, as :func:`check` runs each horizon alone."""
    first = group[0]
    if first.horizons is None:
        eta = np.array([float(inst.eta) for inst in group])
        return eta, simulate(objective, first.method, eta=eta, steps=first.steps, seed=first.seed, **arguments)
    eta = np.array([[float(theorem.step_rule(make_context(inst), T)) for inst in group] for T in first.horizons])
    return eta, HorizonRuns([simulate(objective, first.method, eta=eta[k], steps=int(T),
                                      seed=horizon_seed(first.seed, k), **arguments)
                             for k, T in enumerate(first.horizons)], first.horizons)


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
