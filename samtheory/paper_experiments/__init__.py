"""Reproductions of the numerical experiments and figures of three source papers, one module each
(or one module for a paper's set of figures), found by convention.

Unified SAM (Oikonomou & Loizou, ICLR 2025; the numpy experiments of their official code):

* :mod:`.unified_lambda_sweep` — experiment 1, the deterministic λ sweep on least squares;
* :mod:`.unified_importance` — experiment 2, uniform vs importance sampling on ridge regression,
  with the reference code's unweighted (biased) importance sampler as a labelled parity option;
* :mod:`.unified_decreasing` — experiment 3, constant vs decreasing step sizes on ridge regression.

Khanh, Luong, Mordukhovich & Tran (NeurIPS 2024; their analytic experiments):

* :mod:`.khanh_quadratic` — Figure 1 analogue, GD vs SAM with constant steps on a quadratic;
* :mod:`.khanh_robust_regression` — appendix analogue, GD vs SAM with a constant and an almost
  constant radius on :math:`\\sum\\log(1+(Ax-b)_i^2)`;
* :mod:`.khanh_schedules` — the schedules Constant, Diminish 1-3 and the properties (1)-(5).

Si & Yun (NeurIPS 2023): :mod:`.siyun_figures`, Figures 1, 2 and 6 and the floors against ρ.

**The convention** (a new experiment is one new file here). :func:`discover` imports every public
module (no leading underscore) of this package and reads what it declares, either

* one experiment: ``NAME`` (its name on the command line), ``DESCRIPTION`` (one line for
  ``samtheory reproduce --list``) and ``run(outdir=None, quick=False, **options) -> dict``; or
* several figures: ``FIGURES``, a dict ``name -> (run, description)`` of such functions.

A ``run`` writes ``<stem>.png``, ``<stem>.pdf`` and ``<stem>.json`` (the plotted numbers,
parameters, constants and, where a bound applies, measured/bound ratios) to ``outdir`` and returns
the JSON document; ``quick=True`` runs the same code at a reduced size (each module's docstring
says what is reduced). Shared helpers are in :mod:`._common`. The entries are ordered by name, and
:mod:`samtheory.reproduce` lists and runs every one of them (``samtheory reproduce NAME``).

:data:`EXPERIMENTS` maps each name to ``callable(outdir, quick)``, :data:`DESCRIPTIONS` to its
line and :data:`MODULES` to the module that declares it.
"""
from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Callable

from .._discovery import import_modules
from .._validation import InvalidParameterError

#: name -> callable(outdir, quick) returning the JSON document of the run.
EXPERIMENTS: dict[str, Callable[..., Any]] = {}

#: name -> one line saying what the entry reproduces (``samtheory reproduce --list``).
DESCRIPTIONS: dict[str, str] = {}

#: name -> module (for ``run(**options)`` with non-default options).
MODULES: dict[str, ModuleType] = {}


def declared(module: ModuleType) -> list[tuple[str, Callable[..., Any], str]]:
    """``(name, run, description)`` of each experiment ``module`` declares (see the module
    docstring); a public module of the package that declares none is an error, named."""
    if hasattr(module, "FIGURES"):
        return [(name, run, description) for name, (run, description) in module.FIGURES.items()]
    if all(hasattr(module, attr) for attr in ("NAME", "DESCRIPTION", "run")):
        return [(module.NAME, module.run, module.DESCRIPTION)]
    raise InvalidParameterError(f"paper experiment module {module.__name__} declares neither NAME, DESCRIPTION "
                                "and run(outdir, quick) nor FIGURES = {name: (run, description)}")


def _entry(name: str, run: Callable[..., Any], description: str) -> Callable[..., Any]:
    def run_entry(outdir=None, quick=False):
        return run(outdir, quick=quick)
    run_entry.__name__ = name.replace("-", "_")
    run_entry.__doc__ = description
    return run_entry


def discover(package: ModuleType | None = None) -> list[str]:
    """Import every public module of ``package`` (default: this one) and add the experiments they
    declare and :data:`EXPERIMENTS` lacks, in the order of their names; returns the modules'
    names (alphabetical). Calling it again only adds what new files declare; a name declared by
    two modules is an error."""
    package = package or sys.modules[__name__]
    names = import_modules(package)
    found = {}
    for module_name in names:
        module = sys.modules[f"{package.__name__}.{module_name}"]
        for name, run, description in declared(module):
            owner = MODULES.get(name) or found.get(name, (None,))[0]
            if owner is not None and owner is not module:
                raise InvalidParameterError(f"paper experiment {name!r} is declared by {owner.__name__} and by "
                                            f"{module.__name__}; names must be unique")
            if name not in EXPERIMENTS:
                found[name] = (module, run, description)
    for name in sorted(found):
        module, run, description = found[name]
        EXPERIMENTS[name], DESCRIPTIONS[name], MODULES[name] = _entry(name, run, description), description, module
    return names


discover()

__all__ = ["EXPERIMENTS", "DESCRIPTIONS", "MODULES", "declared", "discover"]
