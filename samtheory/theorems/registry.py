"""The theorem registry: every entry by its stable id, open to user additions."""
from __future__ import annotations

from typing import Any, Callable

import inspect

from .._validation import InvalidParameterError
from ._theorem import PAPERS, Theorem

THEOREMS: dict = {}


def register_paper(key: str, citation: str, overwrite: bool = False) -> str:
    """Add a paper that entries can cite as ``paper=key`` (``overwrite=True`` replaces one, e.g.
    when a notebook cell is run again). Returns ``key``.

    Example: ``register_paper("my-2026", "A. Author. A SAM bound. Venue 2026 (arXiv:...)")``, then
    ``@theorem(..., paper="my-2026", ...)``.
    """
    if not isinstance(key, str) or not key.strip():
        raise InvalidParameterError(f"paper key must be a non-empty string; got {key!r}")
    if not isinstance(citation, str) or not citation.strip():
        raise InvalidParameterError(f"citation must be a non-empty string; got {citation!r}")
    if key in PAPERS and not overwrite and PAPERS[key] != citation:
        raise InvalidParameterError(f"paper key {key!r} is already registered as {PAPERS[key]!r} "
                                    "(pass overwrite=True to replace it)")
    PAPERS[key] = citation
    return key


def register_theorem(theorem: Theorem, overwrite: bool = False) -> Theorem:
    """Add ``theorem`` to the registry (``overwrite=True`` to replace an id)."""
    if theorem.id in THEOREMS and not overwrite:
        raise InvalidParameterError(f"theorem id {theorem.id!r} is already registered")
    THEOREMS[theorem.id] = theorem
    return theorem


def theorem(**fields: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the decorated function is the bound, its docstring the entry's text.

    The function receives a :class:`~samtheory.theorems.Context`, states its preconditions
    with ``ctx.require``/``ctx.need`` and returns the bound (see ``Theorem``). ``overwrite=True``
    replaces an entry of the same id (a notebook cell run again).
    """
    overwrite = bool(fields.pop("overwrite", False))  # (a keyword of its own would clash with **fields for mypy)

    def wrap(bound):
        th = Theorem(bound=bound, doc=inspect.getdoc(bound) or "", **fields)
        register_theorem(th, overwrite=overwrite)
        bound.theorem = th
        return bound
    return wrap


def get_theorem(theorem_id: str) -> Theorem:
    if isinstance(theorem_id, Theorem):
        return theorem_id
    if theorem_id not in THEOREMS:
        from .._validation import suggest
        raise InvalidParameterError(f"unknown theorem id {theorem_id!r}{suggest(theorem_id, THEOREMS)}; "
                                    "`samtheory theorems` lists them")
    return THEOREMS[theorem_id]
