"""Non-convergence counterexamples: one module per construction, a registry by name.

Every construction is reachable as ``get_counterexample(name)`` and from the command line
(``samtheory counterexamples``, ``samtheory counterexample NAME``).
"""
from ._base import CheckReport, Counterexample, Interval, Parameter
from .cosine_noise import CosineNoise
from .cosine_stall import CosineStall
from .asymmetric_noise import AsymmetricNoise
from .hallucinated import HallucinatedMinimizer
from .quadratic_cycle import QuadraticCycle
from .valley import Valley
from .._validation import InvalidParameterError

COUNTEREXAMPLES = {ce.name: ce for ce in (QuadraticCycle(), CosineStall(), HallucinatedMinimizer(),
                                          AsymmetricNoise(), CosineNoise(), Valley())}


def get_counterexample(name: str) -> Counterexample:
    if isinstance(name, Counterexample):
        return name
    if name not in COUNTEREXAMPLES:
        from .._validation import unknown
        raise unknown("counterexample", name, COUNTEREXAMPLES)
    return COUNTEREXAMPLES[name]


__all__ = ["COUNTEREXAMPLES", "get_counterexample", "Counterexample", "CheckReport", "Interval", "Parameter",
           "QuadraticCycle", "CosineStall", "HallucinatedMinimizer", "AsymmetricNoise", "CosineNoise", "Valley"]
