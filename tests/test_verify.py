"""samtheory.verify: the registry run, its report formats, and reproducible random instances."""
import json

import numpy as np

from samtheory import verify as V
from samtheory.theorems import THEOREMS, check, make_context
from samtheory.theorems._core import applicability


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
