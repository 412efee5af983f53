"""samtheory: verify the convergence theory of Sharpness-Aware Minimization against simulation.

Public namespace:

* :func:`simulate` and :class:`SimulationResult` — the batched SAM-family simulator;
* :mod:`samtheory.functions` — function classes with certified constants (:func:`get_function`);
* :mod:`samtheory.oracles`, :mod:`samtheory.sampling` — stochastic gradients;
* :mod:`samtheory.methods` — the methods and :func:`register_method`;
* :mod:`samtheory.schedules` — step-size, radius and λ schedules;
* :func:`explore` — the interactive counterexample explorer (:mod:`samtheory.explorer`).
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

from ._validation import InvalidParameterError
from .functions import Objective, check_constants, get_function
from .methods import Method, register_method
from .oracles import AdditiveNoise
from .simulate import SimulationResult, sam_step, simulate

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


__all__ = ["simulate", "SimulationResult", "sam_step", "get_function", "Objective", "check_constants",
           "AdditiveNoise", "Method", "register_method", "InvalidParameterError", "explore", "__version__"]
