"""samtheory.theorems._horizons: a rate check whose step size depends on the horizon runs each
horizon alone, exactly as long as the horizon, and reads each run's own curve at its horizon."""
import sys

import numpy as np
import pytest

from samtheory import simulate
from samtheory.theorems import Instance, check, check_many, get_theorem
from samtheory.theorems import _check
from samtheory.theorems import make_context
from samtheory.theorems._theorem import Run
from samtheory.theorems._horizons import HorizonRuns, horizon_seed

P1 = "siyun.deterministic.strongly-convex.upper"  # deterministic, eta chosen per horizon
P6 = "siyun.stochastic.convex.upper"  # stochastic, eta chosen per horizon


def small(theorem_id, **changes):
    """A short version of the entry's first default instance (P1's step rule needs T >= 200)."""
    inst = get_theorem(theorem_id).instances[0]
    fields = dict(function=inst.function, rho=inst.rho, x0=inst.x0, trajectories=inst.trajectories,
                  noise=inst.noise, sigma=inst.sigma, same_sample=inst.same_sample, seed=inst.seed,
                  horizons=(200, 400, 800) if theorem_id == P1 else (40, 80, 160))
    fields.update(changes)
    return Instance(fields.pop("function"), **fields)


def test_horizon_seed_is_deterministic_and_distinct():
    assert horizon_seed(None, 3) is None
    seeds = [horizon_seed(7, k) for k in range(6)]
    assert seeds == [horizon_seed(7, k) for k in range(6)]
    assert len(set(seeds)) == 6 and horizon_seed(8, 0) not in seeds


@pytest.mark.parametrize("theorem_id", [P1, P6])
def test_each_horizon_is_its_own_run_of_exactly_that_length(theorem_id):
    theorem, inst = get_theorem(theorem_id), small(theorem_id)
    ctx = make_context(inst)
    result = _check._run(ctx, theorem, inst.horizons)
    assert isinstance(result, HorizonRuns) and result.horizons == inst.horizons
    for k, (part, T) in enumerate(zip(result.results, inst.horizons)):
        assert part.steps == T and len(part.t) == T + 1
        assert part.parameters["eta"] == pytest.approx(theorem.step_rule(ctx, T), rel=0, abs=0)
        # the same numbers as the lone run with the horizon's own seed
        alone = simulate(ctx.objective, inst.method, eta=theorem.step_rule(ctx, T), rho=inst.rho, steps=T,
                         x0=inst.x0, trajectories=inst.trajectories, oracle=ctx.oracle, same_sample=inst.same_sample,
                         seed=horizon_seed(inst.seed, k), record_every=1, backend="numpy")
        np.testing.assert_array_equal(part.gradsq_history, alone.gradsq_history)
    assert result.status.shape == (len(inst.horizons), inst.trajectories)


def test_the_measure_reads_each_horizon_at_its_own_end():
    theorem, inst = get_theorem(P6), small(P6)
    ctx = make_context(inst)
    result = _check._run(ctx, theorem, inst.horizons)
    measured = theorem.measure(Run(ctx, result, inst.horizons))
    assert measured.shape == (len(inst.horizons), inst.trajectories)
    for row, part, T in zip(measured, result.results, inst.horizons):
        # (1/T) sum_{t<T} ||grad f(x_t)||^2 of that run, computed here by hand
        np.testing.assert_allclose(row, part.gradsq_history[:T].mean(axis=0), rtol=1e-12)


def test_check_many_equals_check_for_deterministic_instances():
    theorem = get_theorem(P1)
    instances = [small(P1, x0=np.full(3, scale)) for scale in (0.5, 1.0, 2.0)]
    together = check_many(theorem, instances)
    for inst, verdict in zip(instances, together):
        alone = check(theorem, inst)
        assert (verdict.verdict, verdict.ratio) == (alone.verdict, alone.ratio)
        assert verdict.details["measure"] == alone.details["measure"]


def test_reading_a_whole_history_says_to_use_the_horizon_wrapper():
    theorem, inst = get_theorem(P1), small(P1)
    result = _check._run(make_context(inst), theorem, inst.horizons)
    with pytest.raises(AttributeError, match="measures.horizon"):
        result.gradsq_history  # noqa: B018 - the access is the test


def test_a_run_over_the_cache_budget_is_not_kept(monkeypatch):
    theorem, inst = get_theorem(P1), small(P1)
    monkeypatch.setattr(_check, "_simulations", {})
    monkeypatch.setattr(_check, "SIMULATION_CACHE_BYTES", 1000)
    check(theorem, inst)
    assert _check._simulations == {}
    monkeypatch.setattr(_check, "SIMULATION_CACHE_BYTES", 10 ** 9)
    check(theorem, inst)
    assert len(_check._simulations) == 1
    kept = next(iter(_check._simulations.values()))
    assert isinstance(kept, HorizonRuns) and not kept.results[0].gradsq_history.flags.writeable


def test_runs_of_different_lengths_share_one_compiled_program():
    pytest.importorskip("jax")
    from samtheory import _jax_backend
    from samtheory.functions import get_function
    objective = get_function("cosine")
    # USAM with a small step contracts to the minimizer, so last-bit differences between XLA and
    # numpy stay last-bit (normalized SAM bounces around it and would amplify them)
    simulate(objective, "usam", eta=0.1, rho=0.05, steps=300, trajectories=4, record_every=1, backend="jax")
    before = len(_jax_backend._cache)
    for steps in (77, 1000, 5000):
        jax_run = simulate(objective, "usam", eta=0.1, rho=0.05, steps=steps, trajectories=4, record_every=1,
                           backend="jax")
        numpy_run = simulate(objective, "usam", eta=0.1, rho=0.05, steps=steps, trajectories=4, record_every=1,
                             backend="numpy")
        assert len(jax_run.t) == steps + 1
        # the equivalence tolerance of tests/test_jax_backend.py (XLA may contract an FMA differently)
        np.testing.assert_allclose(jax_run.loss_history, numpy_run.loss_history, rtol=1e-12, atol=1e-12)
    assert len(_jax_backend._cache) == before, "a new length recompiled"
    assert "jax" in sys.modules
