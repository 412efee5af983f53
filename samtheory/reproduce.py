"""The registry of figure scripts behind ``samtheory reproduce``.

Each entry is a name and a callable ``run(outdir, quick) -> dict`` that writes its figures (PNG and
PDF) and a JSON file of the plotted numbers to ``outdir`` and returns that JSON document;
``quick=True`` runs the same code at a reduced size. Add an entry with :func:`register`.

The built-in entries are the paper experiments of :mod:`samtheory.paper_experiments`; their
modules are imported only when an entry runs, so listing the registry stays cheap.
"""
from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from typing import Callable

from ._validation import InvalidParameterError


@dataclass(frozen=True)
class Entry:
    name: str
    run: Callable  # run(outdir, quick) -> dict
    description: str = ""


REGISTRY: dict = {}


def register(name, run, description="", overwrite=False) -> Entry:
    """Add a figure script ``run(outdir, quick)`` under ``name``."""
    if name in REGISTRY and not overwrite:
        raise InvalidParameterError(f"reproduce: {name!r} is already registered")
    if not callable(run):
        raise InvalidParameterError("reproduce: run must be callable as run(outdir, quick)")
    REGISTRY[name] = Entry(name, run, description)
    return REGISTRY[name]


def names() -> list:
    return list(REGISTRY)


def get(name) -> Entry:
    if name not in REGISTRY:
        from ._validation import unknown
        raise unknown("figure script", name, REGISTRY)
    return REGISTRY[name]


def run(name, outdir="figures", quick=False) -> dict:
    """Run one entry; returns its JSON document (with ``runtime_seconds``)."""
    entry = get(name)
    start = time.perf_counter()
    doc = entry.run(outdir, quick)
    if isinstance(doc, dict):
        doc.setdefault("runtime_seconds", round(time.perf_counter() - start, 2))
    return doc


def _paper_experiment(module):
    def run_module(outdir="figures", quick=False):
        mod = importlib.import_module(f"samtheory.paper_experiments.{module}")
        return mod.run(outdir, quick=quick)
    return run_module


for _name, _module, _description in (
        ("unified-exp1-lambda-sweep", "unified_lambda_sweep",
         "Unified SAM exp. 1: deterministic lambda sweep on least squares"),
        ("unified-exp2-importance", "unified_importance",
         "Unified SAM exp. 2: uniform vs importance sampling (reweighted and unweighted) on ridge"),
        ("unified-exp3-decreasing", "unified_decreasing",
         "Unified SAM exp. 3: constant vs decreasing step sizes on ridge"),
        ("khanh-fig1-quadratic", "khanh_quadratic",
         "Khanh et al. Fig. 1 analogue: GD vs SAM with constant steps on a quadratic"),
        ("khanh-appendix-robust-regression", "khanh_robust_regression",
         "Khanh et al. appendix analogue: GD vs SAM, rho = C vs rho_k = C/k^p, on robust regression"),
        ("khanh-schedules", "khanh_schedules",
         "Khanh et al. schedules Constant / Diminish 1-3 and properties (1)-(5)")):
    register(_name, _paper_experiment(_module), _description)


def _siyun_figure(name):
    def run_figure(outdir="figures", quick=False):
        from .paper_experiments.siyun_figures import FIGURES
        return FIGURES[name][0](outdir, quick=quick)
    return run_figure


for _name, _description in (("siyun-fig1-valley", "Si & Yun Fig. 1: GD, USAM and SAM on (xy - 1)^2"),
                            ("siyun-fig2-virtual-loss", "Si & Yun Fig. 2: deterministic and stochastic virtual loss"),
                            ("siyun-fig6-examples", "Si & Yun Fig. 6: SAM on each example function"),
                            ("siyun-floor-vs-rho", "counterexample floors against rho, slope 2, under the poster terms")):
    register(_name, _siyun_figure(_name), _description)


def _pep_figure(outdir="figures", quick=False):
    from .pep._problem import _pepit
    try:
        _pepit()  # the extra "pep" (PEPit, cvxpy, Clarabel)
    except ImportError as exc:  # a one-line usage error on the command line, not a traceback
        raise InvalidParameterError(f"pep-sam-worst-case: {exc}") from None
    from .pep.figure import run as run_figure
    return run_figure(outdir, quick=quick)


register("pep-sam-worst-case", _pep_figure,
         "exact worst case of SAM (PEP) against rho with D1, simulation and 1-D quadratics; GD/USAM/SAM "
         "one-step table (needs pip install \"samtheory[pep]\")")


def _sweep_map(name):
    def run_map(outdir="figures", quick=False):
        from .sweep._figure import reproduce as run_regime_map  # needs xarray (extra 'distributed')
        return run_regime_map(name, outdir, quick=quick)
    return run_map


for _name, _description in (
        ("sweep-regimes-quadratic", "regime map of SAM and USAM over (eta, rho) on the diagonal quadratic, with the "
                                    "GD/SAM/USAM edges and 2-cycle amplitudes (needs pip install \"samtheory[distributed]\")"),
        ("sweep-regimes-cosine", "regime map of SAM and USAM on the cosine family (the Si & Yun stall member) "
                                 "(needs the extra 'distributed')"),
        ("sweep-regimes-valley", "regime map of SAM and USAM on the valley (xy - 1)^2 (needs the extra 'distributed')")):
    register(_name, _sweep_map(_name), _description)
