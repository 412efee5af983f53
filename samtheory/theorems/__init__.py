"""The theorem registry and the verification engine.

* :data:`THEOREMS` — every entry by id; :func:`get_theorem`, :func:`register_theorem`.
* :func:`check` — check one theorem on one :class:`Instance`, returning a :class:`Verdict`.
* One module per source: :mod:`.si_yun`, :mod:`.unified_sam`, :mod:`.khanh`, :mod:`.literature`.
"""
from ._core import (CHECKS, KINDS, PAPERS, PROVENANCES, Context, Inconclusive, Instance, NotApplicable,
                    Rule, Terms, Theorem, Verdict, check, check_many, make_context)
from .registry import THEOREMS, get_theorem, register_theorem, theorem
from . import khanh, literature, si_yun, unified_sam  # noqa: F401,E402  (register their entries)

__all__ = ["THEOREMS", "get_theorem", "register_theorem", "theorem", "check", "check_many", "Instance", "Terms",
           "Rule", "Theorem",
           "Verdict", "Context", "NotApplicable", "Inconclusive", "make_context", "PAPERS", "KINDS",
           "CHECKS", "PROVENANCES"]
