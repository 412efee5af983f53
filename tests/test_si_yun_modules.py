"""samtheory.theorems.si_yun is a package split by result family: each module registers its own
entries, in the registry order of the poster (P1-P7), the rho^2 constructions, then D1-D6."""
import importlib

from samtheory.theorems import THEOREMS

FAMILIES = {
    "samtheory.theorems.si_yun.deterministic": ("siyun.deterministic.", {"P1", "P2", "P3", "P4"}),
    "samtheory.theorems.si_yun.stochastic": ("siyun.stochastic.", {"P5", "P6", "P7"}),
}


def entries_of(module_name):
    module = importlib.import_module(module_name)
    return [tid for tid, th in THEOREMS.items() if th.doc and th.bound.__module__ == module.__name__]


def test_each_module_registers_its_family():
    for name, (prefix, rows) in FAMILIES.items():
        ids = entries_of(name)
        assert ids and all(tid.startswith(prefix) and "rho2-unavoidable" not in tid for tid in ids), (name, ids)
        assert {THEOREMS[tid].result.split("row ")[-1][:2] for tid in ids} == rows
    unavoidable = entries_of("samtheory.theorems.si_yun.unavoidable")
    assert unavoidable and all(tid.endswith("rho2-unavoidable") for tid in unavoidable)
    derived = entries_of("samtheory.theorems.si_yun.derived")
    assert {"siyun.derived.d1", "siyun.derived.d2", "siyun.derived.d5.pl", "siyun.derived.d6.nonconvex"} <= set(derived)


def test_the_registry_keeps_the_order_of_the_results():
    siyun = [tid for tid in THEOREMS if tid.startswith("siyun.")]
    families = [THEOREMS[tid].bound.__module__.rsplit(".", 1)[-1] for tid in siyun]
    first = {family: families.index(family) for family in set(families)}
    assert sorted(first, key=first.get) == ["deterministic", "stochastic", "unavoidable", "derived"]
    assert families == sorted(families, key=first.get)  # each family's entries are contiguous


def test_every_family_reads_the_shared_constants():
    from samtheory.theorems.si_yun import _shared
    assert _shared.PAPER == "si-yun-2023"
    assert {THEOREMS[tid].paper for tid in THEOREMS if tid.startswith("siyun.")} == {_shared.PAPER}
