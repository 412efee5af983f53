"""Non-convergence counterexamples: one module per construction, a registry by name.

Every construction is reachable as ``get_counterexample(name)`` and from the command line
(``samtheory counterexamples``, ``samtheory counterexample NAME``). A new construction is one new
module in this folder defining a subclass of :class:`Counterexample` with a ``name``: :func:`discover`
imports every public module here and registers each such subclass (alphabetically by module),
with no index to edit. A construction defined elsewhere (a notebook) joins with
:func:`register_counterexample`.
"""
from __future__ import annotations

import sys
from types import ModuleType

from .._discovery import concrete_subclasses, import_modules
from .._validation import InvalidParameterError
from ._base import CheckReport, Counterexample, Interval, Parameter

#: name -> the construction (an instance of its Counterexample subclass)
COUNTEREXAMPLES: dict[str, Counterexample] = {}


def register_counterexample(counterexample: Counterexample, *, overwrite: bool = False) -> Counterexample:
    """Add ``counterexample`` (an instance of a :class:`Counterexample` subclass with a ``name``)
    to :data:`COUNTEREXAMPLES`; ``overwrite=True`` replaces an entry of that name (a notebook
    cell run again)."""
    if not isinstance(counterexample, Counterexample) or not counterexample.name:
        raise InvalidParameterError(f"counterexample must be an instance of a Counterexample subclass with a name; "
                                    f"got {counterexample!r}")
    if counterexample.name in COUNTEREXAMPLES and not overwrite:
        raise InvalidParameterError(f"counterexample {counterexample.name!r} exists; pass overwrite=True to replace it")
    COUNTEREXAMPLES[counterexample.name] = counterexample
    return counterexample


def discover(package: ModuleType | None = None) -> list[str]:
    """Import every public module of ``package`` (default: this one) and register each
    :class:`Counterexample` subclass with a ``name`` not registered yet, in the order of the
    modules (alphabetical) and of the classes in them; returns the modules' names."""
    package = package or sys.modules[__name__]
    names = import_modules(package)
    modules = {f"{package.__name__}.{name}": k for k, name in enumerate(names)}
    found = [cls for cls in concrete_subclasses(Counterexample)
             if getattr(cls, "name", "") and getattr(cls, "name") not in COUNTEREXAMPLES]
    for cls in sorted(found, key=lambda cls: modules.get(cls.__module__, len(modules))):
        register_counterexample(cls())
    return names


def get_counterexample(name: str | Counterexample) -> Counterexample:
    if isinstance(name, Counterexample):
        return name
    if name not in COUNTEREXAMPLES:
        from .._validation import unknown
        raise unknown("counterexample", name, COUNTEREXAMPLES)
    return COUNTEREXAMPLES[name]


discover()

from .asymmetric_noise import AsymmetricNoise  # noqa: E402 - re-exported classes (already imported by discover)
from .cosine_noise import CosineNoise  # noqa: E402
from .cosine_stall import CosineStall  # noqa: E402
from .hallucinated import HallucinatedMinimizer  # noqa: E402
from .quadratic_cycle import QuadraticCycle  # noqa: E402
from .valley import Valley  # noqa: E402

__all__ = ["COUNTEREXAMPLES", "get_counterexample", "register_counterexample", "discover", "Counterexample",
           "CheckReport", "Interval", "Parameter", "QuadraticCycle", "CosineStall", "HallucinatedMinimizer",
           "AsymmetricNoise", "CosineNoise", "Valley"]
