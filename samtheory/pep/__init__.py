r"""Exact worst cases of SAM-family methods by performance estimation (PEP).

:func:`worst_case` computes the largest value a performance measure can take after :math:`T`
steps of GD, USAM, SAM or Unified SAM over a whole function class, as a small semidefinite program
(Drori & Teboulle 2014; Taylor, Hendrickx & Glineur 2017), built with PEPit and solved with
Clarabel. See ``docs/pep.md`` for what is exact and what is a relaxation.

Needs the optional extra: ``pip install "samtheory[pep]"``. Importing this module does not; calling
:func:`worst_case` without the extra raises :class:`ImportError` saying how to install it.
"""
from ._problem import FUNCTION_CLASSES, INITIAL_CONDITIONS, MAX_EXACT_SAM_STEPS, METHODS, METRICS
from ._result import WorstCase
from ._worst_case import worst_case

__all__ = ["worst_case", "WorstCase", "METHODS", "FUNCTION_CLASSES", "METRICS", "INITIAL_CONDITIONS",
           "MAX_EXACT_SAM_STEPS"]
