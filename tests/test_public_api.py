"""The top-level namespace of :mod:`samtheory` (``samtheory/__init__.py``): what ``import
samtheory`` presents, and that it stays light."""
import subprocess
import sys

import samtheory


def test_every_public_name_resolves_and_is_documented_in_the_package_docstring():
    for name in samtheory.__all__:
        assert getattr(samtheory, name) is not None, name
        if name != "__version__":
            assert name in samtheory.__doc__, f"{name} is public but missing from the package docstring"
    assert set(samtheory.__all__) <= set(dir(samtheory))


def test_the_verification_names_are_the_engines_own_objects():
    from samtheory.counterexamples import get_counterexample
    from samtheory.theorems import THEOREMS, Instance, check
    from samtheory.theorems.search import search
    from samtheory.verify import verify_all
    assert samtheory.check is check and samtheory.Instance is Instance and samtheory.THEOREMS is THEOREMS
    assert samtheory.search is search and samtheory.verify_all is verify_all
    assert samtheory.get_counterexample is get_counterexample


def test_a_check_through_the_top_level_names():
    verdict = samtheory.check(samtheory.get_theorem("literature.usam-edge"),
                              samtheory.get_theorem("literature.usam-edge").instances[0])
    assert verdict.verdict == "holds"


def test_import_samtheory_does_not_load_the_verification_engine():
    # sympy and the registry cost about a second: a user who only simulates must not pay for them
    code = "import sys, samtheory; print('sympy' in sys.modules, 'samtheory.theorems' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_submodules_are_reachable_as_attributes_and_unknown_names_raise():
    assert samtheory.sampling.__name__ == "samtheory.sampling"
    assert samtheory.theorems.__name__ == "samtheory.theorems"
    try:
        samtheory.no_such_name
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown attribute must raise AttributeError")


def test_simulate_is_the_function_and_its_module_is_samtheory_simulation():
    # the module was renamed from samtheory/simulate.py, which the function of the same name
    # shadowed (`import samtheory.simulate` gave the function); the function stays where it was
    import importlib

    import pytest
    simulation = importlib.import_module("samtheory.simulation")
    assert callable(samtheory.simulate) and samtheory.simulate is simulation.simulate
    assert samtheory.SimulationResult is simulation.SimulationResult
    assert samtheory.sam_step is simulation.sam_step
    from samtheory import SimulationResult, simulate
    assert simulate is simulation.simulate and SimulationResult is simulation.SimulationResult
    # in a fresh interpreter: no module answers to the old name, and the attribute is untouched
    code = ("import samtheory\n"
            "try:\n    import samtheory.simulate\nexcept ModuleNotFoundError as exc:\n    print(exc.name)\n"
            "print(type(samtheory.simulate).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["samtheory.simulate", "function"]
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("samtheory.simulate")
