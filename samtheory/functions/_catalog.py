r"""The catalog of named instances: each family module registers its own entries.

A catalog entry is a name, a factory of its default instance (keyword arguments override the
defaults), a one-line description, and optionally a *random draw*: a callable
``random(rng, instance, dim)`` returning a random member of the entry's family, used by the
fuzzing of :mod:`samtheory.verify`. It receives

* ``rng``, the fuzzer's :class:`numpy.random.Generator` (the draw's calls on it are part of the
  reproducible fuzz stream, so a draw must not change once published);
* ``instance``, the theorem instance being randomized (a draw may read its radius ``rho``, as the
  cosine stall construction does, whose frequency is tied to it);
* ``dim``, a dimension in :math:`\{1,\dots,5\}` already drawn by the fuzzer for every entry, which
  a family of fixed dimension ignores.

Entries of one class differ ("quadratic", "quadratic-1d" and "quadratic-rank-deficient" are all
:class:`~samtheory.functions.Quadratic`), so the draw belongs to the entry, not to the class.

The order of :data:`CATALOG` (listings, :func:`~samtheory.functions.catalog`, the PEP figure's
members) is by each entry's declared ``rank``, smaller first, then by registration; an entry
registered without a rank comes after the ranked ones. The ranks keep the simple, classic cases
first regardless of the alphabetical order in which the family modules are discovered.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .._validation import InvalidParameterError
from ._base import Objective

if TYPE_CHECKING:  # names used in annotations only
    import numpy as np

#: ``random(rng, instance, dim) -> Objective``: a random member of an entry's family.
RandomDraw = Callable[["np.random.Generator", Any, int], "Objective"]


@dataclass(frozen=True)
class CatalogEntry:
    """What :func:`register_function` records for a name (``CATALOG`` keeps factory and description)."""

    name: str
    factory: Callable[..., Objective]
    description: str
    random: RandomDraw | None = None
    rank: float = math.inf


#: name -> (factory, one-line description), in rank order. Factories take keyword overrides.
CATALOG: dict[str, tuple[Callable[..., Objective], str]] = {}
#: name -> the full entry registered for it (its random draw and rank).
ENTRIES: dict[str, CatalogEntry] = {}


def register_function(name: str, factory: Callable[..., Objective], description: str, *,
                      random: RandomDraw | None = None, rank: float | None = None,
                      overwrite: bool = False) -> CatalogEntry:
    """Add the catalog entry ``name``: ``get_function(name, **overrides)`` then returns
    ``factory(**overrides)``, ``samtheory functions`` lists ``description``, and the fuzzer draws
    random members with ``random(rng, instance, dim)`` (none: it reuses the default instance).
    ``rank`` orders the listing (smaller first; none: after the ranked entries, in registration
    order). ``overwrite=True`` replaces an entry of that name (a notebook cell run again).

    Example: ``register_function("my-quadratic", lambda scale=2.0: Quadratic.diagonal([scale]),
    "1-D quadratic, curvature 2")``.
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameterError(f"name must be a non-empty string; got {name!r}")
    if isinstance(factory, Objective):
        raise InvalidParameterError(f"factory of function {name!r} must be a callable that builds the instance, "
                                    f"not an Objective; wrap it: factory=lambda: f")
    if not callable(factory):
        raise InvalidParameterError(f"factory of function {name!r} must be callable (it builds the default "
                                    f"instance); got {factory!r}")
    if not isinstance(description, str):
        raise InvalidParameterError(f"description of function {name!r} must be a string; got {description!r}")
    if random is not None and not callable(random):
        raise InvalidParameterError(f"random of function {name!r} must be None or callable "
                                    f"random(rng, instance, dim); got {random!r}")
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, (int, float)) or math.isnan(rank)):
        raise InvalidParameterError(f"rank of function {name!r} must be a number or None; got {rank!r}")
    if name in CATALOG and not overwrite:
        raise InvalidParameterError(f"function {name!r} is already in the catalog; pass overwrite=True to replace it")
    entry = CatalogEntry(name, factory, description, random, math.inf if rank is None else float(rank))
    ENTRIES[name] = entry
    CATALOG[name] = (factory, description)
    _sort_catalog()
    return entry


def _sort_catalog() -> None:
    """Reorder :data:`CATALOG` in place (other modules hold it) by rank; the sort is stable, so
    equal ranks keep registration order, and a name set in ``CATALOG`` by hand (no entry) stays,
    unranked."""
    items = sorted(CATALOG.items(), key=lambda item: ENTRIES[item[0]].rank if item[0] in ENTRIES else math.inf)
    CATALOG.clear()
    CATALOG.update(items)


def random_draw(name: str) -> RandomDraw | None:
    """The random draw registered for catalog entry ``name``, or ``None`` when it has none (or
    when ``CATALOG[name]`` was since replaced by hand with another factory, which the draw may not
    describe)."""
    entry = ENTRIES.get(name)
    if entry is None or entry.random is None or CATALOG.get(name, (None,))[0] is not entry.factory:
        return None
    return entry.random
