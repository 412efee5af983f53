"""samtheory.verify: the registry run, its report formats, and reproducible random instances."""
import json

import numpy as np
import pytest

from samtheory import verify as V
from samtheory.theorems import THEOREMS, check, make_context
from samtheory.theorems._theorem import applicability


def test_report_formats_and_exit_flag():
    report = V.verify_all(["literature.gd.pl"], selfchecks=False)
    assert report.counts["holds"] == len(THEOREMS["literature.gd.pl"].instances) and not report.failed
    doc = json.loads(report.to_json())
    assert doc["summary"]["passed"] and len(doc["results"]) == report.counts["holds"]
    assert "literature.gd.pl" in report.table() and "| `literature.gd.pl` |" in report.markdown()


def test_random_instances_are_reproducible_and_inside_the_preconditions():
    th = THEOREMS["siyun.derived.d1"]
    a = V.random_instance(th, V.fuzz_generator(3, th.id, 5))
    b = V.random_instance(th, V.fuzz_generator(3, th.id, 5))
    assert a is not None and a.eta == b.eta and a.rho == b.rho and np.array_equal(a.x0, b.x0)
    ctx = make_context(a)
    assert not applicability(th, ctx)
    th.bound(ctx)
    assert not ctx.unmet
    assert check(th, a).verdict == "holds"


def test_fuzz_counts_every_instance():
    counts, details = V.fuzz(2, ["literature.gd.smooth-convex"], seed=1)
    c = counts["literature.gd.smooth-convex"]
    assert sum(c.values()) == 2 and c["violated"] == 0
    assert all("fuzz_case" in v.details for v in details)


def _registered_copy(tid, new_id, instances, bound=None):
    import dataclasses
    from samtheory.theorems import THEOREMS, register_theorem
    th = THEOREMS[tid]
    changes = {"id": new_id, "instances": instances}
    if bound is not None:
        changes["bound"] = bound
    return register_theorem(dataclasses.replace(th, **changes), overwrite=True)


@pytest.mark.parametrize("case", ["not-applicable", "diverged"])
def test_verify_fails_when_a_default_check_does_not_hold(case):
    from samtheory.theorems import THEOREMS, Instance
    new_id = f"test.default-{case}"
    if case == "not-applicable":  # eta = 1 > 1/(2 beta) = 0.05: outside D1's preconditions
        _registered_copy("siyun.derived.d1", new_id, (Instance("quadratic", eta=1.0, rho=0.1, x0=np.ones(3), steps=50),))
    else:  # a bound without a step-size condition, on a run that blows up
        _registered_copy("siyun.derived.d3", new_id, (Instance("quadratic", eta=5.0, rho=0.1, x0=np.ones(3), steps=400),),
                         bound=lambda ctx: (lambda t: 1e300 + 0 * t))
    try:
        report = V.verify_all([new_id], selfchecks=False)
        assert report.rows[0].verdict == case
        assert report.failed and "FAILED" in report.table()
    finally:
        THEOREMS.pop(new_id, None)


def test_verify_with_search_reports_tightness_and_can_fail():
    report = V.verify_all(["siyun.derived.d2"], selfchecks=False, search_budget=60, search_seconds=30)
    assert report.searches and report.searches[0].ratio > 0.5 and not report.failed
    assert "Worst-case search" in report.table()
    doc = report.to_dict()
    assert doc["searches"][0]["theorem"] == "siyun.derived.d2"


def test_checks_and_searches_in_worker_processes_equal_the_sequential_ones():
    from samtheory.verify import verify_all
    ids = ["siyun.derived.d1", "siyun.derived.d2", "khanh.lemma-a"]
    # budget-bound searches (the time limit far away) are deterministic, so the processes that run
    # them must not change a number; the worst instance is rebuilt from its candidate
    kwargs = dict(selfchecks=False, search_budget=40, search_seconds=600, search_seed=2)
    forked_report, here_report = verify_all(ids, workers=2, **kwargs), verify_all(ids, workers=1, **kwargs)
    # the default checks too: the same verdicts, in registry order
    assert [str(r.to_dict()) for r in forked_report.rows] == [str(r.to_dict()) for r in here_report.rows]
    assert len(forked_report.rows) == sum(len(THEOREMS[i].instances) for i in ids)
    forked, here = forked_report.searches, here_report.searches
    assert [s.theorem for s in forked] == [s.theorem for s in here] == ids
    for a, b in zip(forked, here):
        assert (a.verdict, a.ratio, a.tail_ratio, a.candidate, a.evaluations) == \
               (b.verdict, b.ratio, b.tail_ratio, b.candidate, b.evaluations)
        assert a.worst is not None and check(THEOREMS[a.theorem], a.worst).ratio == a.worst_verdict.ratio


@pytest.mark.parametrize("tid", ["siyun.derived.d1", "siyun.derived.fixed-point", "literature.gd.smooth-convex"])
def test_fuzz_gives_the_verdicts_of_checking_each_instance_alone(tid):
    """fuzz simulates members of one family together (check_many): the same verdicts as one by one."""
    counts, details = V.fuzz(12, [tid], seed=3)
    th = THEOREMS[tid]
    alone = {}
    for k in range(12):
        inst = V.random_instance(th, V.fuzz_generator(3, tid, k))
        verdict = "no-instance" if inst is None else check(th, inst).verdict
        alone[verdict] = alone.get(verdict, 0) + 1
    assert {v: n for v, n in counts[tid].items() if n} == alone
