"""The theorem registry and the verification engine.

* :data:`THEOREMS` — every entry by id; :func:`get_theorem`, :func:`register_theorem`,
  :func:`theorem` (the decorator), :func:`register_paper`.
* :func:`check` — check one theorem on one :class:`Instance`, returning a :class:`Verdict`.
* One module per source (:mod:`.si_yun`, :mod:`.unified_sam`, :mod:`.khanh`, :mod:`.literature`):
  every public module of this package is imported by :func:`discover`, so a new source is one new
  file here, with no index to edit.
"""
import importlib
from types import ModuleType

from .._discovery import import_modules
from ._check import check, check_many
from ._instance import Context, Instance, Rule, Sides, Terms, make_context
from ._theorem import CHECKS, KINDS, PAPERS, PROVENANCES, Inconclusive, NotApplicable, Theorem, Verdict
from .registry import THEOREMS, get_theorem, register_paper, register_theorem, theorem


def discover(package: ModuleType | None = None) -> list[str]:
    """Import every public module (no leading underscore) of ``package`` (default: this one), so
    that the entries they define with ``@theorem`` are registered; returns the modules' names in
    the order imported (alphabetical, so the registry's order does not depend on the file system).
    Importing a module twice does nothing, so calling this again only picks up new files."""
    return import_modules(package or importlib.import_module(__name__))


discover()

__all__ = ["THEOREMS", "get_theorem", "register_theorem", "register_paper", "theorem", "discover", "check",
           "check_many", "Instance", "Terms", "Sides", "Rule", "Theorem", "Verdict", "Context", "NotApplicable",
           "Inconclusive", "make_context", "PAPERS", "KINDS", "CHECKS", "PROVENANCES"]
