"""A new SAM variant is one new file: a module in samtheory/methods/ that registers a method is found
by samtheory.methods.discover() (samtheory._discovery), simulates with samtheory.simulate, is offered
by the explorer (samtheory.explorer's state) and is judged or refused by samtheory.check according to
its declared λ-equivalence to Unified SAM, with no other file edited."""
import sys
import textwrap

import numpy as np
import pytest

import samtheory.methods as methods
from samtheory import simulate
from samtheory.explorer import METHOD_LABELS, ExplorerState
from samtheory.explorer._readout import state_line
from samtheory.functions import get_function
from samtheory.methods import METHODS
from samtheory.theorems import Instance, check, get_theorem

HALF_SAM = '''
"""A user's SAM variant (one file): SAM with half the radius, epsilon = rho g / (2 ||g||)."""
from samtheory.methods import normalized, register_method


def half_ascent(g, rho, lam, eps):
    return 0.5 * rho * normalized(g, eps)


register_method("half-sam", half_ascent, label="Half-SAM", description="SAM with the ascent radius rho/2",
                unified_lam=None)
'''

USAM_REPLICA = '''
"""USAM written again, declared as Unified SAM at lambda = 0 (so that Unified SAM's theorems judge it)."""
from samtheory.methods import register_method


def plain_ascent(g, rho, lam, eps):
    return rho * g


register_method("usam-replica", plain_ascent, label="USAM replica", unified_lam=0.0)
'''

BUILT_IN = ["gd", "sgd", "sam", "usam", "unified"]


@pytest.fixture
def user_folder(tmp_path, monkeypatch):
    folder = tmp_path / "more_methods"
    folder.mkdir()
    (folder / "half_sam.py").write_text(textwrap.dedent(HALF_SAM))
    (folder / "usam_replica.py").write_text(textwrap.dedent(USAM_REPLICA))
    (folder / "_draft.py").write_text("raise RuntimeError('private modules are not imported')\n")
    # the folder becomes part of the package, as new files in samtheory/methods/ would be
    monkeypatch.setattr(methods, "__path__", [*methods.__path__, str(folder)])
    yield folder
    for name in ("half-sam", "usam-replica"):
        METHODS.pop(name, None)
    for module in ("half_sam", "usam_replica"):
        sys.modules.pop(f"samtheory.methods.{module}", None)


def test_the_built_in_methods_are_found_by_the_same_rule_and_keep_their_order():
    assert list(METHODS)[:5] == BUILT_IN
    assert methods.discover() == ["builtin"]  # the package's only public module, already imported
    assert [METHODS[name].label for name in BUILT_IN] == ["GD", "SGD", "SAM", "USAM", "Unified SAM"]


def test_a_new_module_is_found_simulated_explored_and_judged(user_folder):
    names = methods.discover()
    assert names == ["builtin", "half_sam", "usam_replica"] and "_draft" not in names
    assert list(METHODS)[:5] == BUILT_IN and list(METHODS)[5:] == ["half-sam", "usam-replica"]
    count = len(METHODS)
    methods.discover()  # again: nothing registered twice, nothing refused as a duplicate
    assert len(METHODS) == count

    # simulated: half the radius of SAM is SAM with rho/2, step for step (0.5 * 0.2 is 0.1 exactly)
    f = get_function("quadratic")
    half = simulate(f, "half-sam", eta=0.1, rho=0.2, steps=80, x0=[1.0, -2.0, 1.5], record_every=1, history=True)
    sam = simulate(f, "sam", eta=0.1, rho=0.1, steps=80, x0=[1.0, -2.0, 1.5], record_every=1, history=True)
    np.testing.assert_array_equal(half.x_history, sam.x_history)

    # explored: offered by the selector under its label, run, and named in the readout
    assert METHOD_LABELS["Half-SAM"] == "half-sam" and list(METHOD_LABELS)[:4] == ["GD", "SAM", "USAM", "Unified SAM"]
    model = ExplorerState("quadratic-cycle", method="half-sam")
    assert model.run() is not None and model.error is None
    assert state_line(model).startswith("Half-SAM  η=") and "λ=" not in state_line(model)
    assert model.instance().method == "half-sam" and model.instance().lam is None
    model.check_theorems()
    assert all(get_theorem(v.theorem).methods != ("sam",) for v in model.verdicts)  # SAM-only ones refuse it

    # judged: outside the Unified SAM family, a SAM theorem refuses it ...
    d1 = get_theorem("siyun.derived.d1")
    base = d1.instances[0]
    refused = check(d1, Instance(base.function, method="half-sam", eta=base.eta, rho=base.rho, steps=base.steps,
                                 x0=base.x0))
    assert refused.verdict == "not-applicable" and "covers methods sam, not half-sam" in refused.reason
    # ... while a method declared as Unified SAM at lambda = 0 is judged as USAM is, on the same run
    th = get_theorem("unifiedsam.pl.constant-step")
    inst = th.instances[0]
    replica, usam = (check(th, Instance(inst.function, method=name, eta=inst.eta, rho=inst.rho, steps=inst.steps,
                                        x0=inst.x0, trajectories=inst.trajectories, seed=inst.seed))
                     for name in ("usam-replica", "usam"))
    assert replica.verdict == usam.verdict == "holds" and replica.ratio == usam.ratio


def test_add_method_refuses_a_silent_replacement_and_non_methods():
    from samtheory import InvalidParameterError
    from samtheory.methods import add_method
    with pytest.raises(InvalidParameterError, match="method 'sam' exists; pass overwrite=True"):
        add_method(METHODS["sam"])
    with pytest.raises(InvalidParameterError, match="method must be a Method"):
        add_method("sam")
    original = METHODS["sam"]
    try:
        assert add_method(original, overwrite=True) is original and list(METHODS)[:5] == BUILT_IN
    finally:
        METHODS["sam"] = original
