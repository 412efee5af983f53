"""samtheory: verify the convergence theory of Sharpness-Aware Minimization against simulation.

A map of the public namespace (everything in ``__all__``; the verification names are imported on
first use, so ``import samtheory`` stays light):

Simulate
    :func:`simulate` and :class:`SimulationResult` — the batched SAM-family simulator;
    :func:`sam_step` — the one place the update is written; :mod:`samtheory.schedules`.
Functions, methods, oracles
    :func:`get_function`, :class:`Objective`, :func:`check_constants` (:mod:`samtheory.functions`:
    function classes with certified constants); :class:`Method`, :func:`register_method`
    (:mod:`samtheory.methods`); :class:`AdditiveNoise` (:mod:`samtheory.oracles`) and finite-sum
    sampling (:mod:`samtheory.sampling`).
Verify
    :data:`THEOREMS`, :func:`get_theorem`, :func:`theorem` (register your own) — the registry;
    :class:`Instance` and :func:`check` — one theorem on one instance, a :class:`Verdict`;
    :func:`search` — the worst case of an entry over the instances it admits; :func:`verify_all` —
    what ``samtheory verify`` runs (:mod:`samtheory.theorems`, :mod:`samtheory.verify`).
Counterexamples and exploration
    :func:`get_counterexample`, :data:`COUNTEREXAMPLES` (:mod:`samtheory.counterexamples`);
    :func:`explore` — the interactive explorer.
Errors
    :class:`InvalidParameterError` — every bad argument, naming the parameter and its range.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

from ._validation import InvalidParameterError
from .functions import Objective, check_constants, get_function
from .methods import Method, register_method
from .oracles import AdditiveNoise
from .simulation import SimulationResult, sam_step, simulate

if TYPE_CHECKING:  # names used in annotations only
    from .explorer import Explorer

try:  # one source of the version: the package metadata (pyproject.toml)
    from importlib.metadata import PackageNotFoundError, version as _version
    __version__ = _version("samtheory")
except PackageNotFoundError:  # pragma: no cover - imported from a source tree that was never installed
    __version__ = "0+unknown"


def explore(target: str | Objective = "cosine-stall", **initial: Any) -> Explorer:
    """Open the interactive explorer for a counterexample name or a 1-D/2-D Objective and return it
    (:class:`samtheory.explorer.Explorer`; matplotlib is imported only here)."""
    from .explorer import explore as _explore
    return _explore(target, **initial)


#: Public names imported on first use (PEP 562): the verification engine pulls in sympy and the
#: registry, which a user who only simulates does not need to pay for.
_LAZY = {
    "THEOREMS": "samtheory.theorems", "get_theorem": "samtheory.theorems", "theorem": "samtheory.theorems",
    "Instance": "samtheory.theorems", "check": "samtheory.theorems", "Verdict": "samtheory.theorems",
    "search": "samtheory.theorems.search", "verify_all": "samtheory.verify",
    "COUNTEREXAMPLES": "samtheory.counterexamples", "get_counterexample": "samtheory.counterexamples",
}
#: Subpackages and modules reachable as attributes without importing them first.
_SUBMODULES = ("theorems", "counterexamples", "sampling", "oracles", "methods", "schedules", "functions")


def __getattr__(name):
    import importlib
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"samtheory.{name}")
    raise AttributeError(f"module 'samtheory' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


__all__ = ["simulate", "SimulationResult", "sam_step", "get_function", "Objective", "check_constants",
           "AdditiveNoise", "Method", "register_method", "InvalidParameterError", "explore", "__version__",
           *_LAZY]
