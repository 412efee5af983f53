"""The registry of figure scripts behind ``samtheory reproduce``.

Each entry is a name and a callable ``run(outdir, quick) -> dict`` that writes its figures (PNG and
PDF) and a JSON file of the plotted numbers to ``outdir`` and returns that JSON document;
``quick=True`` runs the same code at a reduced size. Add an entry with :func:`register`.

The entries are, in this order: the paper experiments that :mod:`samtheory.paper_experiments`
finds by convention (a new one is one new file there, declaring ``NAME``, ``DESCRIPTION`` and
``run``; listed by name), then the PEP worst-case figure and the regime maps of
:mod:`samtheory.sweep`. Listing the registry imports the paper experiments' modules (numpy and the
simulator; matplotlib is imported only when a figure is drawn). :func:`discover` picks up an
experiment module added after the import, or one in a package of the user's.

**Where the files go.** Without an explicit ``outdir``, a full-size run writes to ``figures/`` (the
committed figures) and a quick run to ``figures/quick/`` (git-ignored), so a quick run, which the
tests use, never overwrites a committed full-size figure (:func:`output_folder`, from
:mod:`samtheory._io`). The JSON written next to the figures names its files relative to the
output folder, so it holds no path of the machine that made it.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import os
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from . import paper_experiments
from ._io import FIGURES_DIR, QUICK_DIR, output_folder  # noqa: F401  (re-exported: where the figures go)
from ._validation import InvalidParameterError


@dataclass(frozen=True)
class Entry:
    name: str
    run: Callable  # run(outdir, quick) -> dict
    description: str = ""


REGISTRY: dict = {}


def register(name: str, run: Callable[..., Any], description: str = "", overwrite: bool = False) -> Entry:
    """Add a figure script ``run(outdir, quick)`` under ``name``."""
    if name in REGISTRY and not overwrite:
        raise InvalidParameterError(f"reproduce: {name!r} is already registered")
    if not callable(run):
        raise InvalidParameterError("reproduce: run must be callable as run(outdir, quick)")
    REGISTRY[name] = Entry(name, run, description)
    return REGISTRY[name]


def names() -> list:
    return list(REGISTRY)


def get(name: str) -> Entry:
    if name not in REGISTRY:
        from ._validation import unknown
        raise unknown("figure script", name, REGISTRY)
    return REGISTRY[name]


#: Seconds each built-in entry took (full size, ``--quick``), for :func:`estimate_seconds` when
#: the output folder holds no earlier run of the entry. Full sizes of the unified, khanh and pep
#: entries are the ``runtime_seconds`` of the committed figure JSONs; the others were measured on
#: 2026-11-30 with ``samtheory reproduce ... --outdir /tmp/...`` on the project's 2-core machine
#: while other jobs ran (load average 10-12), so they are on the slow side (some quick runs took
#: longer than the full ones measured at another moment).
REFERENCE_SECONDS = {
    "unified-exp1-lambda-sweep": (2.7, 7.2),
    "unified-exp2-importance": (77.9, 40.1),
    "unified-exp3-decreasing": (241.3, 12.7),
    "khanh-fig1-quadratic": (1.3, 18.3),
    "khanh-appendix-robust-regression": (31.2, 17.3),
    "khanh-schedules": (21.4, 197.8),
    "siyun-fig1-valley": (87.4, 107.8),
    "siyun-fig2-virtual-loss": (43.2, 18.1),
    "siyun-fig6-examples": (89.1, 158.1),
    "siyun-floor-vs-rho": (105.3, 155.7),
    "pep-sam-worst-case": (209.7, 298.4),
    # the regime maps: quick runs timed on 2026-11-30 (load about 4, process start included); their
    # full-size time was not recorded, so an estimate says so rather than guess
    "sweep-regimes-quadratic": (None, 8.4),
    "sweep-regimes-cosine": (None, 9.5),
    "sweep-regimes-valley": (None, 10.1),
}


def stored_seconds(name: str, outdir: str | os.PathLike[str] = "figures", quick: bool = False) -> float | None:
    """The time of the last run of ``name`` at this size: the ``runtime_seconds`` its JSON in
    ``outdir`` records (its file is the name with ``_`` for ``-``), else
    :data:`REFERENCE_SECONDS`; ``None`` when neither knows."""
    import json
    import os
    path = os.path.join(outdir, name.replace("-", "_") + ".json")
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        if isinstance(doc, dict) and bool(doc.get("quick")) == bool(quick) and doc.get("runtime_seconds"):
            return float(doc["runtime_seconds"])
    except (OSError, ValueError):
        pass
    full, fast = REFERENCE_SECONDS.get(name, (None, None))
    return fast if quick else full


def estimate_seconds(names: Sequence[str], outdir: str | os.PathLike[str] = "figures",
                     quick: bool = False) -> tuple[float, list[str]]:
    """``(seconds, unknown)``: the summed :func:`stored_seconds` of ``names`` and the names
    without a stored time."""
    times = {name: stored_seconds(name, outdir, quick) for name in names}
    return sum(t for t in times.values() if t is not None), [n for n, t in times.items() if t is None]


def run(name: str, outdir: str | os.PathLike[str] | None = None, quick: bool = False) -> dict:
    """Run one entry into ``outdir`` (default :func:`output_folder`); returns its JSON document (with
    ``runtime_seconds``), whose ``files`` are relative to ``outdir``."""
    entry = get(name)
    outdir = output_folder(outdir, quick)
    start = time.perf_counter()
    doc = entry.run(outdir, quick)
    if isinstance(doc, dict):
        doc.setdefault("runtime_seconds", round(time.perf_counter() - start, 2))
    return doc


def discover(package: ModuleType | None = None) -> list[str]:
    """Find the paper experiments of ``package`` (default :mod:`samtheory.paper_experiments`, see
    :func:`samtheory.paper_experiments.discover`) and register each one not registered yet;
    returns the modules' names. Importing this module already registers those present then."""
    names = paper_experiments.discover(package)
    for name, run_entry in paper_experiments.EXPERIMENTS.items():
        if name not in REGISTRY:
            register(name, run_entry, paper_experiments.DESCRIPTIONS[name])
    return names


discover()


def _pep_figure(outdir=None, quick=False):
    from .pep._problem import require_pepit
    try:
        require_pepit()  # the extra "pep" (PEPit, cvxpy, Clarabel)
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
