"""Function classes with certified constants, and the catalog of named instances.

Each public module here defines one family (a subclass of :class:`Objective` with its derived
constants) and registers its named default instances itself, at the bottom of the module:

``register_function(name, factory, description, random=draw, rank=...)``

:func:`discover` imports every public module of this folder (alphabetically, by
:func:`samtheory._discovery.import_modules`), so a new family is one new file, with no index to
edit. :data:`CATALOG` maps each name to ``(factory, description)``, ordered by the entries'
declared ``rank`` (the simple, classic cases first); :func:`get_function` builds one instance
(with keyword overrides, e.g. ``get_function("cosine", beta=2.0)``) and :func:`catalog` every
default one. An entry's ``random(rng, instance, dim)`` draws a random member of its family for the
fuzzing of :mod:`samtheory.verify` (see :mod:`samtheory.functions._catalog`); an entry defined
elsewhere (a notebook) joins with the same public :func:`register_function`.
"""
from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from .._discovery import import_modules
from .._validation import InvalidParameterError
from ._base import (CONSTANT_NAMES, Constant, ConstantsReport, Family, Objective, attained_value,
                    check_constants)
from ._catalog import CATALOG, CatalogEntry, random_draw, register_function
from ._stack import StackedObjective, stack


def discover(package: ModuleType | None = None) -> list[str]:
    """Import every public module of ``package`` (default: this one), alphabetically; each
    registers its catalog entries with :func:`register_function` as it is imported (a module
    already imported is not run again). Returns the modules' names."""
    return import_modules(package or sys.modules[__name__])


discover()

from .asymmetric_quadratic import AsymmetricQuadratic  # noqa: E402 - re-exported classes (already imported by discover)
from .cosine import CosineFamily  # noqa: E402
from .custom import CustomObjective  # noqa: E402
from .finite_sums import (FiniteSum, LeastSquares, LogisticRegression, Ridge, haar_matrix_with_given_cond,  # noqa: E402
                          regression_targets, sq_matrix_with_given_cond)
from .huber import Huber  # noqa: E402
from .hyperbola_valley import HyperbolaValley  # noqa: E402
from .logcosh import LogCosh  # noqa: E402
from .pl_sine import PLSine  # noqa: E402
from .quadratic import Quadratic  # noqa: E402
from .robust_regression import RobustRegression  # noqa: E402

__all__ = ["Objective", "Family", "search_families", "Constant", "ConstantsReport", "check_constants", "attained_value",
           "CONSTANT_NAMES", "Quadratic", "CosineFamily", "PLSine", "AsymmetricQuadratic", "LogCosh",
           "Huber", "RobustRegression", "HyperbolaValley", "CustomObjective", "CATALOG", "CatalogEntry",
           "register_function", "random_draw", "discover",
           "get_function", "catalog", "stack", "StackedObjective", "FiniteSum", "LeastSquares", "Ridge", "LogisticRegression",
           "sq_matrix_with_given_cond", "haar_matrix_with_given_cond", "regression_targets"]


def get_function(name: str | Objective, **overrides: Any) -> Objective:
    """Build the catalog instance ``name``; keyword arguments override its defaults."""
    if isinstance(name, Objective):
        return name
    if name not in CATALOG:
        from .._validation import unknown
        raise unknown("function", name, CATALOG)
    factory, _ = CATALOG[name]
    try:
        return factory(**overrides)
    except TypeError as exc:
        raise InvalidParameterError(f"function {name!r}: {exc}") from None


def catalog() -> list[Objective]:
    """Default instances of every catalog entry, in catalog order."""
    return [get_function(name) for name in CATALOG]


def search_families() -> dict[str, Family]:
    """Every :class:`Family` declared by a subclass of :class:`Objective` (the package's and the
    user's, found by walking the subclasses), by family name; a subclass that inherits its parent's
    families does not list them twice."""
    found: dict[str, Family]
    found, stack = {}, [Objective]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for fam in cls.search_families():
            found.setdefault(fam.name, fam)
    return dict(sorted(found.items()))
