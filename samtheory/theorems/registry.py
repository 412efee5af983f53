"""The theorem registry: every entry by its stable id, open to user additions."""
from __future__ import annotations

from typing import Any, Callable

import inspect

from .._validation import InvalidParameterError
from ._core import Theorem

THEOREMS: dict = {}


def register_theorem(theorem: Theorem, overwrite: bool = False) -> Theorem:
    """Add ``theorem`` to the registry (``overwrite=True`` to replace an id)."""
    if theorem.id in THEOREMS and not overwrite:
        raise InvalidParameterError(f"theorem id {theorem.id!r} is already registered")
    THEOREMS[theorem.id] = theorem
    return theorem


def theorem(**fields: Any) -> Callable[[Callable[..., Any]], Theorem]:
    """Decorator: the decorated function is the bound, its docstring the entry's text.

    The function receives a :class:`~samtheory.theorems._core.Context`, states its preconditions
    with ``ctx.require``/``ctx.need`` and returns the bound (see ``Theorem``).
    """
    def wrap(bound):
        th = Theorem(bound=bound, doc=inspect.getdoc(bound) or "", **fields)
        register_theorem(th)
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
