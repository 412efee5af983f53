"""The public API is annotated (PEP 484) and marked as typed (PEP 561, ``samtheory/py.typed``).

"Public" is what the API reference documents (docs/api.rst): every function and class exported by
the public modules below, and every public method of those classes. The type check itself is
``mypy`` (extra ``typecheck``, configured in pyproject.toml), which ``.ci/run`` runs.
"""
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PUBLIC_MODULES = [
    "samtheory", "samtheory.functions", "samtheory.methods", "samtheory.oracles", "samtheory.sampling",
    "samtheory.schedules", "samtheory.stepsizes", "samtheory.closed_forms", "samtheory.theorems",
    "samtheory.testing", "samtheory.counterexamples", "samtheory.virtual_loss", "samtheory.explorer",
    "samtheory.pep", "samtheory.reproduce", "samtheory.simulation",
]


def _exported(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items()
                 if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]
    return [getattr(module, n) for n in names]


def _public_functions():
    """(qualified name, function) for every exported function and public method, once each."""
    seen = {}
    for name in PUBLIC_MODULES:
        for obj in _exported(importlib.import_module(name)):
            if inspect.isfunction(obj):
                seen.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
            elif inspect.isclass(obj) and obj.__module__.startswith("samtheory"):
                for attr, value in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
                    func = func.fget if isinstance(func, property) else func
                    if inspect.isfunction(func):
                        seen.setdefault(f"{func.__module__}.{func.__qualname__}", func)
    return seen


def _missing_annotations(func):
    signature = inspect.signature(func)
    missing = [p.name for p in signature.parameters.values()
               if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    if func.__name__ != "__init__" and signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


def test_every_public_function_and_method_is_annotated():
    functions = _public_functions()
    assert len(functions) > 250  # the walk reaches the whole documented API
    unannotated = {name: missing for name, func in functions.items() if (missing := _missing_annotations(func))}
    assert not unannotated, f"unannotated parameters or returns: {unannotated}"


def test_the_check_sees_a_missing_annotation():
    def partly(x: int, y):
        return x

    assert _missing_annotations(partly) == ["y", "return"]


def test_py_typed_marker_is_shipped():
    assert (ROOT / "samtheory" / "py.typed").is_file()
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["samtheory"]

