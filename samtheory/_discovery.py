"""Finding a subpackage's members by convention, so that a contribution is one new file.

A public module (no leading underscore) placed in a subpackage that uses :func:`import_modules`
is imported when the subpackage is, and whatever it defines registers itself: theorems through
``@theorem``, counterexamples as subclasses of
:class:`~samtheory.counterexamples.Counterexample`. There is no index to edit (benchopt's
convention), and the order is alphabetical by module, so it does not depend on the file system.
"""
from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def import_modules(package: ModuleType) -> list[str]:
    """Import every public module of ``package`` (alphabetically) and return their names.
    Importing a module twice does nothing, so calling this again only picks up new files."""
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_"))
    for name in names:
        importlib.import_module(f"{package.__name__}.{name}")
    return names


def concrete_subclasses(base: type) -> list[type]:
    """Every subclass of ``base`` (at any depth) that is not marked abstract with a class
    attribute ``abstract = True`` in its own body, in the order they were defined within each
    level of the hierarchy."""
    found: list[type] = []
    stack: list[type] = list(reversed(base.__subclasses__()))
    while stack:
        cls = stack.pop()
        if not cls.__dict__.get("abstract", False):
            found.append(cls)
        stack.extend(reversed(cls.__subclasses__()))
    return found
