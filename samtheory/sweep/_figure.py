r"""The regime-map figure: one panel per method over (η, ρ) on log axes, with the theory's lines.

Each cell is coloured by its most common regime (:mod:`samtheory.sweep._maps`); on top:

* the GD edge :math:`\eta=2/\beta` (certified smoothness :math:`\beta`);
* the SAM edge :math:`\eta\lambda=2` and the USAM edge :math:`\eta\lambda(1+\rho\lambda)=2`
  (:math:`\lambda` the curvature at the minimizer);
* contours of SAM's 2-cycle amplitude :math:`a=\eta\rho\lambda/(2-\eta\lambda)`
  (:func:`samtheory.closed_forms.two_cycle_amplitude`), below the SAM edge.
"""
from __future__ import annotations

import numpy as np

from .. import closed_forms
from ._maps import CATEGORIES, cell_categories, measured_edges, theory
from ._regimes import LYAPUNOV_TOL

COLORS = ("#2ca02c", "#ff7f0e", "#1f77b4", "#17becf", "#9467bd", "#d62728", "#f7b6d2", "#d9d9d9", "#404040")
AMPLITUDE_COLOR = "#ffd43b"
METHOD_NAMES = {"sam": "SAM", "usam": "USAM", "gd": "GD", "unified": "Unified SAM"}


def _edges(values):
    """Cell boundaries of log-spaced centres (geometric midpoints, extended at both ends)."""
    v = np.log(np.asarray(values, dtype=float))
    if v.size == 1:
        return np.exp(np.array([v[0] - 0.5, v[0] + 0.5]))
    mid = 0.5 * (v[1:] + v[:-1])
    return np.exp(np.concatenate([[2 * v[0] - mid[0]], mid, [2 * v[-1] - mid[-1]]]))


def draw(datasets, objective, outdir, stem, title=None, amplitude_levels=None) -> dict:
    """Draw ``datasets`` (``{method: Dataset over (eta, rho)}``, side by side) for ``objective``;
    writes ``outdir/stem.png`` and ``.pdf`` atomically; returns the plotted numbers (JSON-ready)
    with the written paths in ``"files"``."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    methods = list(datasets)
    from ..paper_experiments._common import new_figure, save_figure
    fig, axes = new_figure(1, len(methods), size=(5.6 * len(methods) + 0.4, 6.2))
    cmap = ListedColormap(COLORS)
    norm = BoundaryNorm(np.arange(len(CATEGORIES) + 1) - 0.5, len(CATEGORIES))
    doc = {"function": objective.name, "categories": list(CATEGORIES), "panels": {}}  # cells index categories
    for ax, method in zip(axes[0], methods):
        ds = datasets[method]
        eta, rho = ds["eta"].values, ds["rho"].values
        cells = cell_categories(ds)
        th = theory(objective, rho)
        lam = th["curvature"]
        ax.pcolormesh(_edges(eta), _edges(rho), cells.T, cmap=cmap, norm=norm, shading="flat")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(_edges(eta)[[0, -1]])
        ax.set_ylim(_edges(rho)[[0, -1]])
        rho_fine = np.geomspace(*_edges(rho)[[0, -1]], 200)
        ax.plot(closed_forms.usam_stability_edge(rho_fine, lam), rho_fine, color="white", lw=2.6)
        ax.plot(closed_forms.usam_stability_edge(rho_fine, lam), rho_fine, color="black", lw=1.4, ls="-")
        ax.axvline(th["sam_edge"], color="white", lw=2.6)
        ax.axvline(th["sam_edge"], color="black", lw=1.4, ls=(0, (1, 1.5)))
        if th["gd_edge"] is not None:
            ax.axvline(th["gd_edge"], color="white", lw=2.6)
            ax.axvline(th["gd_edge"], color="black", lw=1.4, ls=(0, (5, 3)))
        # 2-cycle amplitude contours where the cycle exists (eta * lam < 2)
        eta_fine = np.geomspace(*_edges(eta)[[0, -1]], 300)
        E, R = np.meshgrid(eta_fine, rho_fine, indexing="ij")
        with np.errstate(all="ignore"):
            amp = np.where(E * lam < 2, closed_forms.two_cycle_amplitude(E, R, lam), np.nan)
        levels = amplitude_levels or _levels(amp)
        if levels:
            cs = ax.contour(E, R, amp, levels=levels, colors=AMPLITUDE_COLOR, linewidths=0.9, linestyles="-")
            ax.clabel(cs, fmt=lambda v: f"a={v:g}", fontsize=8, inline=True)
        ax.set_xlabel(r"step size $\eta$")
        ax.set_ylabel(r"radius $\rho$")
        ax.set_title(f"{METHOD_NAMES.get(method, method)} on {objective.name}", fontsize=11)
        doc["panels"][method] = {
            "eta": eta.tolist(), "rho": rho.tolist(), "cells": cells.tolist(),
            "measured_edge_eta": measured_edges(ds).tolist(),
            "curvature_at_minimizer": lam, "smoothness": th["smoothness"], "gd_edge": th["gd_edge"],
            "sam_edge": th["sam_edge"], "usam_edge": th["usam_edge"].tolist(), "amplitude_levels": list(levels),
            "steps": int(ds.attrs["steps"]), "trajectories": int(ds.attrs["trajectories"]),
        }
    handles = [Patch(facecolor=c, edgecolor="#808080", label=n) for c, n in zip(COLORS, CATEGORIES)]
    handles += [Line2D([], [], color="black", lw=1.4, ls=(0, (5, 3)), label=r"GD edge $\eta=2/\beta$"),
                Line2D([], [], color="black", lw=1.4, ls=(0, (1, 1.5)),
                       label=r"SAM edge $\eta\lambda=2$ (on the GD edge if $\lambda=\beta$)"),
                Line2D([], [], color="black", lw=1.4, label=r"USAM edge $\eta\lambda(1+\rho\lambda)=2$"),
                Line2D([], [], color=AMPLITUDE_COLOR, lw=1.2,
                       label=r"2-cycle amplitude $a=\eta\rho\lambda/(2-\eta\lambda)$")]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8.5, frameon=False)
    first = next(iter(doc["panels"].values()))
    subtitle = (f"$\\lambda$ = {first['curvature_at_minimizer']:.4g} (curvature at the minimizer), "
                f"$\\beta$ = {first['smoothness']:.4g}; {first['steps']} steps, "
                f"{first['trajectories']} trajectories per cell, majority regime of the last 64 steps\n"
                f"chaotic: no period $\\leq$ 8 and a finite-time Lyapunov exponent above {LYAPUNOV_TOL:g} per step; "
                f"aperiodic: no period $\\leq$ 8, exponent below it")
    fig.suptitle((title + "\n" if title else "") + subtitle, fontsize=10)
    doc["files"] = save_figure(fig, outdir, stem)
    return doc


def _levels(amplitude):
    """Three round amplitude levels inside the range the map shows."""
    finite = amplitude[np.isfinite(amplitude) & (amplitude > 0)]
    if finite.size == 0:
        return []
    lo, hi = np.log10(np.quantile(finite, 0.15)), np.log10(np.quantile(finite, 0.85))
    return sorted({float(10.0 ** k) for k in np.round(np.linspace(lo, hi, 3))})


def regime_map(objective, methods=("sam", "usam"), *, eta, rho, steps, trajectories, seed=0, outdir="figures",
               stem=None, title=None, store=None, **sweep_options) -> dict:
    """Sweep ``methods`` over the (eta, rho) grid on ``objective`` and draw their regime maps side
    by side (:func:`draw`); writes ``stem.png``, ``.pdf`` and ``.json`` to ``outdir``; returns the
    JSON document. ``store``: a folder holding one sweep store per method (``store/METHOD``);
    ``sweep_options`` go to :func:`samtheory.sweep.sweep` (scheduler, chunk, ...)."""
    import os

    from ..functions import get_function
    from ..paper_experiments._common import json_path, prepare_outdir, relative_files, write_json
    from ._sweep import sweep

    objective = get_function(objective)
    outdir = prepare_outdir(outdir)
    stem = stem or f"sweep_regimes_{objective.name}"
    if store is not None:
        os.makedirs(store, exist_ok=True)
    datasets = {m: sweep(objective, m, {"eta": eta, "rho": rho}, steps=steps, trajectories=trajectories, seed=seed,
                         store=None if store is None else os.path.join(store, m), **sweep_options)
                for m in methods}
    doc = draw(datasets, objective, outdir, stem, title=title)
    # like every figure JSON: its files named relative to the output folder (no machine's paths)
    doc["files"] = relative_files(doc["files"] + [json_path(outdir, stem)], outdir)
    write_json(outdir, stem, doc)
    return doc


#: the registered maps of ``samtheory reproduce``: name -> (function, eta range, rho range, title)
REPRODUCE = {
    "sweep-regimes-quadratic": ("quadratic", (0.005, 0.5), (0.002, 2.0),
                                "Regimes on the diagonal quadratic, spectrum (1, 3, 10)"),
    "sweep-regimes-cosine": ("cosine", (0.05, 5.0), (0.002, 0.5),
                             "Regimes on the cosine family member with omega = 3 pi / (2 * 0.1) "
                             "(Si & Yun stall at rho = 0.1)"),
    "sweep-regimes-valley": ("hyperbola-valley", (0.002, 1.0), (0.002, 1.0),
                             "Regimes on the valley (xy - 1)^2 (Si & Yun Fig. 1)"),
}


def reproduce(name, outdir="figures", quick=False) -> dict:
    """Run one registered map (full: 48 x 48 cells, 8 trajectories, 2000 steps; quick: 12 x 12,
    4 trajectories, 600 steps)."""
    function, (eta_lo, eta_hi), (rho_lo, rho_hi), title = REPRODUCE[name]
    cells, trajectories, steps = (12, 4, 600) if quick else (48, 8, 2000)
    doc = regime_map(function, ("sam", "usam"), eta=np.geomspace(eta_lo, eta_hi, cells),
                     rho=np.geomspace(rho_lo, rho_hi, cells), steps=steps, trajectories=trajectories, seed=0,
                     outdir=outdir, stem=name.replace("-", "_"), title=title)
    return doc
