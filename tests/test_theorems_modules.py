"""The private modules of the verification engine and of the worst-case search, piece by piece.

The engine is layered: _instance (Rule, Terms, Instance, Context, make_context) <- _theorem
(Theorem, Run, Verdict, applicability, admissible) <- _judges (one judge per check kind) <- _check
(check, check_many, the simulation cache). The search package: search._result (Candidate,
SearchResult, closeness) <- search._space (CandidateSpace) and search._state (SearchState) <-
search/__init__ (search, replay, rebuild_worst). End to end they are exercised by
tests/test_theorems.py, tests/test_horizons.py and tests/test_search.py; here each keeps its place."""
import ast
import importlib
import pathlib
import types

import numpy as np
import pytest

import samtheory
from samtheory import theorems
from samtheory.theorems import _check, _instance, _judges, _theorem
from samtheory.theorems._instance import common_value

THEOREMS_DIR = pathlib.Path(theorems.__file__).parent
#: each private module of the engine, and the engine modules it may import (lower layers only)
LAYERS = {"_instance": set(), "_theorem": {"_instance"}, "_judges": {"_instance", "_theorem"},
          "_check": {"_horizons", "_instance", "_judges", "_theorem"}}


def _relative_imports(path):
    """The modules of the same package a module imports (``from .x import ...``)."""
    tree = ast.parse(path.read_text())
    return {node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module}


@pytest.mark.parametrize("module", sorted(LAYERS))
def test_each_engine_module_imports_only_the_layers_below_it(module):
    imported = _relative_imports(THEOREMS_DIR / f"{module}.py")
    engine = {name for name in imported if name in LAYERS or name == "_horizons"}
    assert engine <= LAYERS[module], f"{module} imports {sorted(engine - LAYERS[module])}"


def test_the_package_exports_are_the_engine_modules_own_objects():
    assert theorems.__all__ == ["THEOREMS", "get_theorem", "register_theorem", "register_paper", "theorem",
                                "discover", "check", "check_many", "Instance", "Terms", "Sides", "Rule", "Theorem",
                                "Verdict", "Context", "NotApplicable", "Inconclusive", "make_context", "PAPERS",
                                "KINDS", "CHECKS", "PROVENANCES"]
    assert theorems.check is _check.check and theorems.check_many is _check.check_many
    assert theorems.Instance is _instance.Instance and theorems.make_context is _instance.make_context
    assert theorems.Sides is _instance.Sides and theorems.Terms is _instance.Terms
    assert theorems.Verdict is _theorem.Verdict and theorems.PAPERS is _theorem.PAPERS
    assert not hasattr(theorems, "_core")
    with pytest.raises(ImportError):
        importlib.import_module("samtheory.theorems._core")


def test_common_value_is_one_number_when_all_agree_else_the_flat_array():
    assert common_value([[2.0, 2.0], [2.0, 2.0]]) == 2.0 and isinstance(common_value([2.0, 2.0]), float)
    np.testing.assert_array_equal(common_value([[1.0], [3.0]]), [1.0, 3.0])


def _run_of(theorem_id):
    th = theorems.get_theorem(theorem_id)
    return th, _theorem.Run(_instance.make_context(th.instances[0]), None)


def test_judge_reports_an_undecidable_or_non_finite_measure_as_inconclusive():
    th, run = _run_of("siyun.derived.d1")

    def refuses(_run):
        raise theorems.Inconclusive("left the proof's region")
    undecided = _judges.judge(_theorem_with(th, measure=refuses), run, lambda t: 1.0, "label", {})
    assert (undecided.verdict, undecided.reason) == ("inconclusive", "left the proof's region")
    nan_at_2 = _judges.judge(_theorem_with(th, measure=lambda _run: np.array([1.0, 1.0, np.nan, 1.0])),
                             run, lambda t: 1.0, "label", {})
    assert nan_at_2.verdict == "inconclusive" and nan_at_2.reason.endswith("index 2")
    assert nan_at_2.theorem == th.id and nan_at_2.instance == "label"


def _theorem_with(theorem, **changes):
    import dataclasses
    return dataclasses.replace(theorem, **changes)


def test_the_every_t_judge_finds_the_first_violation_and_keeps_curves_only_when_asked():
    th, run = _run_of("siyun.derived.d1")
    measured = np.array([[0.5], [0.4], [0.9], [0.2]])
    def bound(t):  # 1 at t = 0, then 0.5
        return np.where(t == 0, 1.0, 0.5)
    every_t = _theorem_with(th, check="every-t", rounding=lambda _run: 0.0)
    verdict = _judges.judge(_theorem_with(every_t, measure=lambda _run: measured), run, bound, "x", {})
    assert verdict.verdict == "violated" and verdict.first_violation == 2
    assert verdict.ratio == pytest.approx(0.9 / 0.5) and verdict.curves["measure"] == [0.5, 0.4, 0.9, 0.2]
    with _judges.keeping_curves(False):
        quiet = _judges.judge(_theorem_with(every_t, measure=lambda _run: measured), run, bound, "x", {})
    assert quiet.curves is None and quiet.ratio == verdict.ratio


def test_search_resolves_to_the_package_and_its_function_under_both_import_styles():
    import samtheory.theorems.search as search_module
    from samtheory.theorems.search import search
    assert isinstance(search_module, types.ModuleType) and search_module.__path__  # a package
    assert theorems.search is search_module  # the attribute of samtheory.theorems is the module
    assert callable(search) and search is search_module.search and samtheory.search is search
    assert "Search the instances" in search.__doc__


def test_search_modules_hold_their_parts():
    from samtheory.theorems import search as package
    from samtheory.theorems.search import _result, _space, _state
    assert package.SearchResult is _result.SearchResult and package.Candidate is _result.Candidate
    assert package.closeness is _result.closeness and package.CandidateSpace is _space.CandidateSpace
    assert package.SearchState is _state.SearchState
    # the result layer knows nothing of how candidates are drawn or searched
    imported = _relative_imports(THEOREMS_DIR / "search" / "_result.py")
    assert not imported & {"_space", "_state"}
    assert "_state" not in _relative_imports(THEOREMS_DIR / "search" / "_space.py")


def test_a_candidate_space_repairs_its_draws_into_admissible_instances():
    from samtheory.theorems.search._space import CandidateSpace
    th = theorems.get_theorem("siyun.derived.d1")
    space = CandidateSpace(th, np.random.default_rng(3))
    repaired = [space.repair(space.draw()) for _ in range(8)]
    kept = [cand for cand in repaired if cand is not None]
    assert kept, "no draw could be repaired"
    assert all(space.feasible(cand) and _theorem.admissible(th, space.instance(cand)) for cand in kept)


def test_keeping_curves_is_per_thread_and_always_restored():
    import threading
    seen = []
    started, release = threading.Event(), threading.Event()

    def worker():
        with _judges.keeping_curves(False):
            started.set()
            release.wait(5)
            seen.append(_judges._keep_curves.get())

    thread = threading.Thread(target=worker)
    with _judges.keeping_curves(False):
        thread.start()
        started.wait(5)
    # the main thread left its block while the worker is still inside its own
    release.set()
    thread.join(5)
    assert seen == [False] and _judges._keep_curves.get() is True
