"""Reproductions of the numerical experiments of two source papers.

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

Every module has ``run(outdir, quick=False, **options) -> dict``: it writes ``<stem>.png``,
``<stem>.pdf`` and ``<stem>.json`` (the plotted numbers, parameters, constants and, where a bound
applies, measured/bound ratios) to ``outdir`` and returns the JSON document. ``quick=True`` runs
the same code at a reduced size (each module's docstring says what is reduced). Shared helpers are
in :mod:`._common`.

:data:`EXPERIMENTS` maps each experiment's name to ``callable(outdir, quick)``.
"""
from __future__ import annotations

from . import (khanh_quadratic, khanh_robust_regression, khanh_schedules, unified_decreasing, unified_importance,
               unified_lambda_sweep)

_MODULES = (unified_lambda_sweep, unified_importance, unified_decreasing, khanh_quadratic, khanh_robust_regression,
            khanh_schedules)


def _entry(module):
    def run(outdir=None, quick=False):
        return module.run(outdir, quick=quick)
    run.__name__ = module.NAME.replace("-", "_")
    run.__doc__ = (module.__doc__ or "").strip().split("\n\n")[0]
    return run


#: name -> callable(outdir, quick) returning the JSON document of the run.
EXPERIMENTS = {m.NAME: _entry(m) for m in _MODULES}

#: name -> module (for ``run(**options)`` with non-default options).
MODULES = {m.NAME: m for m in _MODULES}

__all__ = ["EXPERIMENTS", "MODULES"]
