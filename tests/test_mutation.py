"""Fast tests of the mutation harness ``benchmarks/mutation.py`` (the harness itself runs minutes;
these take a few seconds): the catalogue, that patches really change behaviour and are undone,
the classification of verify runs, and the child mode end to end on a one-instance check."""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(ROOT, "benchmarks", "mutation.py")


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("samtheory_mutation_harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _state():
    """Identities of everything a mutant may patch."""
    from samtheory import simulation as sim
    from samtheory import _loop
    from samtheory.methods import METHODS
    from samtheory.oracles import AdditiveNoise
    from samtheory.theorems import THEOREMS
    return (dict(THEOREMS), dict(METHODS), _loop.sam_step, sim.Run, AdditiveNoise.__dict__["draw"])


def test_catalogue(mutation):
    from samtheory.theorems import THEOREMS
    names = [m.name for m in mutation.MUTANTS]
    assert len(names) >= 30 and len(set(names)) == len(names)
    assert {m.category for m in mutation.MUTANTS} == set(mutation.CATEGORIES)
    for m in mutation.MUTANTS:
        assert m.category in mutation.CATEGORIES and m.description and m.prefixes
        for prefix in m.prefixes:
            assert any(i.startswith(prefix) for i in THEOREMS), (m.name, prefix)
        if m.category != "simulator-fault":
            assert m.target in THEOREMS and any(m.target.startswith(p) for p in m.prefixes), m.name
            assert m.why_false, m.name
            assert m.equivalent or m.witness is not None, f"{m.name}: a scored registry mutant needs a witness"


def test_every_upper_bound_family_is_mutated(mutation):
    targets = {m.target for m in mutation.MUTANTS if m.target and not m.equivalent}
    D = "siyun.derived."
    for tid in (D + "d1", D + "d2", D + "d3", D + "fixed-point", D + "d5.nonconvex", D + "d6.nonconvex", D + "d5.pl",
                "siyun.deterministic.strongly-convex.upper", "siyun.deterministic.convex.upper",
                "siyun.deterministic.smooth.upper", "siyun.stochastic.strongly-convex.upper",
                "siyun.stochastic.convex.upper", "siyun.stochastic.smooth-lipschitz.upper"):
        assert tid in targets, tid
    for family in ("unifiedsam.", "khanh.", "literature.gd."):
        assert any(t.startswith(family) for t in targets), family
    kinds = {__import__("samtheory.theorems", fromlist=["THEOREMS"]).THEOREMS[t].kind for t in targets}
    assert {"upper", "lower", "exact"} <= kinds


def test_every_patch_is_undone(mutation):
    before = _state()
    for m in mutation.MUTANTS:
        with m.applied():
            pass
    after = _state()
    assert after[0] == before[0] and all(after[0][k] is before[0][k] for k in before[0])
    assert after[1] == before[1] and all(a is b for a, b in zip(after[2:], before[2:]))


def test_mutants_keep_the_default_instances_applicable(mutation):
    """A mutant changes what is claimed, never which default instances an entry accepts (a
    loosened precondition that rejected a schedule would be 'caught' for the wrong reason)."""
    from samtheory.theorems import NotApplicable, get_theorem, make_context

    def unmet(tid, inst):
        try:
            ctx = make_context(inst)
        except Exception:  # an instance the entry itself cannot build: not this test's business
            return None
        try:
            get_theorem(tid).bound(ctx)
        except NotApplicable as exc:
            ctx.unmet.append(str(exc))
        return list(ctx.unmet)

    for m in mutation.MUTANTS:
        if m.target is None:
            continue
        for inst in get_theorem(m.target).instances:
            before = unmet(m.target, inst)
            if before is None or before:
                continue
            with m.applied():
                assert unmet(m.target, inst) == [], (m.name, inst.describe())


def test_d2_mutant_scales_the_bound(mutation):
    from samtheory.theorems import Instance, get_theorem, make_context
    ctx = make_context(Instance("logcosh", eta=0.2, rho=0.1, x0=[1.0, -2.0, 1.5], steps=10))
    ctx.delta = 0.7
    t = np.arange(5)
    original = get_theorem("siyun.derived.d2").bound(ctx)(t)
    m = mutation.get_mutant("d2-x0.9")
    with m.applied():
        ctx2 = make_context(Instance("logcosh", eta=0.2, rho=0.1, x0=[1.0, -2.0, 1.5], steps=10))
        ctx2.delta = 0.7
        mutated = get_theorem("siyun.derived.d2").bound(ctx2)(t)
    np.testing.assert_allclose(mutated, 0.9 * original, rtol=1e-15)
    np.testing.assert_array_equal(get_theorem("siyun.derived.d2").bound(ctx)(t), original)


def test_radius_mutant_changes_the_trajectory(mutation):
    from samtheory import simulate
    from samtheory.functions import get_function
    f = get_function("quadratic")

    def run():
        return simulate(f, "sam", eta=0.1, rho=0.2, steps=50, x0=[1.0, -2.0, 1.5], backend="numpy").x[0]

    before = run()
    with mutation.get_mutant("sim-radius-x1.1").applied():
        during = run()
    assert np.max(np.abs(during - before)) > 1e-3
    np.testing.assert_array_equal(run(), before)


@pytest.mark.parametrize("name", ["d2-x0.9", "d3-eta-2/beta", "khanh-lemma-a-x0.9"])
def test_witness_confirms(mutation, name):
    w = mutation.check_witness(mutation.get_mutant(name))
    assert w["confirms"], w
    assert w["mutated"]["verdict"] == "violated" and w["original"]["verdict"] in ("holds", "not-applicable")


def test_verdict_records_and_classification(mutation):
    report = {"summary": {"verdicts": {"holds": 1}},
              "selfchecks": [{"name": "two-cycle", "verdict": "holds"}],
              "results": [{"theorem": "a", "instance": "x", "verdict": "holds", "details": {"verdict": "violated"}}],
              "searches": [{"theorem": "a", "verdict": "violated", "worst": {"verdict": "violated"}}]}
    records = mutation.verdict_records(report)
    assert sorted(records) == [("results", "a on x", "holds"), ("searches", "a", "violated"),
                               ("selfchecks", "two-cycle", "holds")]
    ok, fail = {"rc": 0, "report": {}}, {"rc": 1, "report": {}}
    assert mutation.classify_run({"rc": 1, "report": report}, ok) == "caught"
    na = {"results": [{"theorem": "a", "verdict": "not-applicable"}]}
    assert mutation.classify_run({"rc": 1, "report": na}, ok) == "caught-by-failure"
    assert mutation.classify_run({"rc": 0, "report": na}, ok) == "missed"
    assert mutation.classify_run({"rc": 1, "report": report}, fail) == "baseline-fails"
    assert mutation.classify_run({"rc": 1, "report": None}, ok) == "harness-error"
    assert mutation.classify_run({"rc": 3, "report": report}, ok) == "harness-error"
    assert mutation.combine(["missed", "caught-by-failure", "caught"]) == "caught"
    assert mutation.combine(["missed", "baseline-fails"]) == "baseline-fails"


def test_score_excludes_equivalent_mutants(mutation):
    rows = [{"name": "a", "category": "constant-cut", "equivalent": False, "outcome": "caught", "caught_via": "checks"},
            {"name": "b", "category": "constant-cut", "equivalent": False, "outcome": "caught-by-failure"},
            {"name": "c", "category": "simulator-fault", "equivalent": False, "outcome": "missed"},
            {"name": "d", "category": "constant-cut", "equivalent": True, "outcome": "caught"}]
    s = mutation.score(rows)
    assert s["score"]["total"] == 3 and s["score"]["caught"] == 1 and s["score"]["caught_incl_failure"] == 2
    assert s["per_category"]["constant-cut"]["total"] == 2 and s["equivalent"] == [{"name": "d", "outcome": "caught"}]


def test_atomic_write(mutation, tmp_path):
    path = tmp_path / "sub" / "out.json"
    mutation.atomic_write(str(path), '{"a": 1}\n')
    assert json.loads(path.read_text()) == {"a": 1} and os.listdir(path.parent) == ["out.json"]


def test_child_mode_applies_the_patch(tmp_path):
    """End to end on one instance where D2 is tight (f = x^2, eta = 1/(2 beta)): the mutated
    registry makes verify exit 1, the baseline exits 0."""
    args = ["verify", "siyun.derived.d2", "--function", "quadratic-1d", "--eta", "0.25", "--rho", "1e-6",
            "--x0", "1", "--steps", "50"]
    rcs = {}
    for name in ("d2-x0.9", "baseline"):
        out = tmp_path / f"{name}.json"
        proc = subprocess.run([sys.executable, HARNESS, "--run-mutant", name, "--", *args, "--json", str(out)],
                              capture_output=True, text=True, timeout=120)
        rcs[name] = (proc.returncode, json.loads(out.read_text())["results"][0]["verdict"])
    assert rcs == {"d2-x0.9": (1, "violated"), "baseline": (0, "holds")}
