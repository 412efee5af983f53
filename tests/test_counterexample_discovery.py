"""A new counterexample is one new file: a module in samtheory/counterexamples/ defining a
Counterexample subclass is found by discover() (samtheory._discovery), checked, and explored,
with no index edited; register_counterexample() adds one defined elsewhere."""
import gc
import sys
import textwrap

import pytest

import samtheory.counterexamples as counterexamples
from samtheory import InvalidParameterError
from samtheory._discovery import concrete_subclasses, import_modules
from samtheory.counterexamples import COUNTEREXAMPLES, Counterexample, get_counterexample, register_counterexample
from samtheory.explorer import ExplorerState

MODULE = '''
"""A user's construction: SAM's 2-cycle on a steeper quadratic, by default (one file)."""
from samtheory.counterexamples._base import Interval, Parameter, POSITIVE
from samtheory.counterexamples.quadratic_cycle import QuadraticCycle


class SteepCycle(QuadraticCycle):
    name = "steep-cycle"
    title = "SAM 2-cycle on 4 x^2"
    explorer = {"x0": 0.5, "steps": 40, "x0_range": (-1.0, 1.0)}
    parameters = (
        Parameter("lam", 8.0, "curvature", lambda p: POSITIVE, "curvature must be > 0"),
        Parameter("rho", 0.1, "SAM radius", lambda p: POSITIVE, "every rho > 0"),
        Parameter("eta", lambda p: 0.8 / p["lam"], "step size", lambda p: Interval(0.0, 2.0 / p["lam"]),
                  "the 2-cycle attracts for 0 < eta*lambda < 2"),
    )
'''


@pytest.fixture
def user_folder(tmp_path, monkeypatch):
    folder = tmp_path / "more_counterexamples"
    folder.mkdir()
    (folder / "steep_cycle.py").write_text(textwrap.dedent(MODULE))
    (folder / "_draft.py").write_text("raise RuntimeError('private modules are not imported')\n")
    monkeypatch.setattr(counterexamples, "__path__", [*counterexamples.__path__, str(folder)])
    yield folder
    COUNTEREXAMPLES.pop("steep-cycle", None)
    sys.modules.pop("samtheory.counterexamples.steep_cycle", None)
    gc.collect()  # the class would otherwise stay a subclass that a later discover() registers


def test_the_catalog_is_found_by_the_same_rule():
    assert list(COUNTEREXAMPLES) == ["asymmetric-noise", "cosine-noise", "cosine-stall", "hallucinated-minimizer",
                                     "quadratic-cycle", "valley"]  # alphabetical by module
    assert import_modules(counterexamples) == ["asymmetric_noise", "cosine_noise", "cosine_stall", "hallucinated",
                                               "quadratic_cycle", "valley"]


def test_a_new_module_is_found_checked_and_explored(user_folder):
    names = counterexamples.discover()
    assert "steep_cycle" in names and "_draft" not in names
    steep = get_counterexample("steep-cycle")
    assert type(steep).__name__ == "SteepCycle"
    report = steep.check()  # predicted against simulated, as for the catalog's own
    assert report.passed, report
    assert report.predicted == pytest.approx(steep.predict()["floor"])
    model = ExplorerState("steep-cycle")
    assert model.preset == {"x0": 0.5, "steps": 40, "x0_range": (-1.0, 1.0)}
    assert model.run() is not None and model.error is None
    assert model.ranges()["x0"] == (-1.0, 1.0)
    count = len(COUNTEREXAMPLES)
    counterexamples.discover()  # again: nothing registered twice
    assert len(COUNTEREXAMPLES) == count


def test_register_counterexample_refuses_bad_input_and_silent_replacement():
    with pytest.raises(InvalidParameterError, match="instance of a Counterexample subclass"):
        register_counterexample("quadratic-cycle")
    with pytest.raises(InvalidParameterError, match="exists; pass overwrite=True"):
        register_counterexample(type(get_counterexample("valley"))())
    original = COUNTEREXAMPLES["valley"]
    try:
        again = register_counterexample(type(original)(), overwrite=True)
        assert COUNTEREXAMPLES["valley"] is again
    finally:
        COUNTEREXAMPLES["valley"] = original


def test_concrete_subclasses_skip_the_abstract_ones():
    class Base(Counterexample):
        abstract = True

    class Leaf(Base):
        name = "leaf"

    found = concrete_subclasses(Counterexample)
    assert Leaf in found and Base not in found
    del Base, Leaf, found
    gc.collect()
    assert not any(cls.__name__ == "Leaf" for cls in concrete_subclasses(Counterexample))
