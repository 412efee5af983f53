r"""Figure ``pep-sam-worst-case``: the exact worst case of SAM against ρ, with D1 and simulation.

Setting: :math:`L`-smooth :math:`\mu`-strongly convex functions, :math:`L=1`, :math:`\mu=0.1`,
:math:`\eta=1/(2L)` (inside D1's preconditions), initial gap :math:`f(x_0)-f^*\le\Delta=10^{-4}` (small, so that the ρ² terms dominate),
measure :math:`f(x_T)-f^*`, for :math:`T=1` and :math:`T=3`, against the radius :math:`\rho`
(log-log). Curves:

* **PEP, exact** (:math:`T=1`): the gradient-norm sweep of :func:`samtheory.pep.worst_case`;
* **PEP, relaxation** (:math:`T=1,3`): the unit-vector relaxation, an upper bound on the worst case;
* **D1**: the registry's ``siyun.derived.d1`` bound :math:`\max\{(1-\eta\mu)^T\Delta,\beta^4\eta^2\rho^2/\mu\}`;
* **catalog, simulated**: the largest :math:`f(x_T)-f^*` that samtheory's simulator finds on the
  strongly convex catalog functions whose condition number is at most :math:`L/\mu`, each rescaled
  into the class (:math:`f/\beta`; SAM on :math:`f/\beta` with step :math:`\eta` is SAM on :math:`f`
  with step :math:`\eta/\beta`), from starts in random directions on the level set
  :math:`f(x_0)-f^*=\Delta`: a lower bound on the worst case;
* **1-D quadratics**: the worst over :math:`\tfrac\lambda2x^2`, :math:`\lambda\in[\mu,L]` (grid),
  from :math:`f(x_0)=\Delta`, also simulated: a lower bound.

The right panel is a table of one-step worst cases :math:`\max\|x_1-x^*\|^2` from
:math:`\|x_0-x^*\|^2\le1` of GD, USAM and SAM against :math:`\eta` (:math:`\rho=0.1`): for GD and
USAM the contraction factor (homogeneous), for SAM the value at initial radius 1.
"""
from __future__ import annotations

import numpy as np

STEM = "pep_sam_worst_case"
L, MU, DELTA = 1.0, 0.1, 1e-4
ETA = 1 / (2 * L)
HORIZONS = (1, 3)
TABLE_RHO = 0.1


def _catalog_members():
    """Strongly convex catalog functions that fit the class after dividing by their smoothness."""
    from ..functions import CATALOG, get_function
    out = []
    for name in CATALOG:
        f = get_function(name)
        beta, mu = f.smoothness, f.strong_convexity
        if beta and mu and mu / beta >= MU / L - 1e-12 and f.minimizer is not None:
            out.append(f)
    return out


def _starts_on_level_set(f, level, count, rng):
    """Points x with f(x) - f* = level, in random directions from the minimizer (bisection along each)."""
    from scipy.optimize import brentq
    x_star = np.asarray(f.minimizer, dtype=float)
    points = []
    for _ in range(count):
        d = rng.standard_normal(f.dim)
        d /= np.linalg.norm(d)
        gap = lambda s: float(f.value(x_star + s * d)) - f.f_star - level  # noqa: E731
        hi = 1.0
        while gap(hi) < 0:
            hi *= 2
        points.append(x_star + brentq(gap, 0.0, hi, xtol=1e-14, rtol=1e-14) * d)
    return np.array(points)


def simulated_catalog_worst(rhos, steps, starts, seed=0):
    """Largest f(x_T) - f* (in the class's scale) per rho and horizon over the catalog members."""
    from ..simulation import simulate
    rng = np.random.default_rng(seed)
    best = np.zeros((len(steps), len(rhos)))
    names = []
    for f in _catalog_members():
        beta = f.smoothness
        x0 = _starts_on_level_set(f, beta * DELTA, starts, rng)
        run = simulate(f, "sam", eta=ETA / beta, rho=np.asarray(rhos), steps=max(steps), x0=x0,
                       trajectories=starts, record_every=1, backend="numpy")
        loss = np.asarray(run.loss_history) / beta  # (T+1, n_rho, starts)
        for i, T in enumerate(steps):
            best[i] = np.maximum(best[i], np.nanmax(loss[T], axis=-1))
        names.append(f.name)
    return best, names


def one_dimensional_worst(rhos, steps, points=201):
    """Largest f(x_T) - f* over 1/2 lambda x^2, lambda in [mu, L], from f(x0) = Delta (simulated)."""
    from ..functions.quadratic import Quadratic
    from ..simulation import simulate
    best = np.zeros((len(steps), len(rhos)))
    for lam in np.linspace(MU, L, points):
        run = simulate(Quadratic.diagonal([lam]), "sam", eta=ETA, rho=np.asarray(rhos), steps=max(steps),
                       x0=[np.sqrt(2 * DELTA / lam)], record_every=1, backend="numpy")
        loss = np.asarray(run.loss_history).reshape(max(steps) + 1, len(rhos))
        for i, T in enumerate(steps):
            best[i] = np.maximum(best[i], loss[T])
    return best


def contraction_table(etas):
    """One-step worst ||x1 - x*||^2 with ||x0 - x*||^2 <= 1: GD, USAM and SAM (exact) per eta."""
    from . import worst_case
    rows = []
    for eta in etas:
        common = dict(steps=1, metric="distance", initial="distance", smoothness=L, strong_convexity=MU, eta=eta)
        gd = worst_case("gd", "smooth-strongly-convex", **common)
        usam = worst_case("usam", "smooth-strongly-convex", rho=TABLE_RHO, **common)
        sam = worst_case("sam", "smooth-strongly-convex", rho=TABLE_RHO, **common)
        rows.append({"eta": eta, "gd": gd.value, "usam": usam.value, "sam": sam.value,
                     "sam_relaxation": sam.upper_bound, "statuses": [gd.status, usam.status, sam.status]})
    return rows


def run(outdir=None, quick=False):
    """Compute the curves and the table, draw the figure, write PNG, PDF and JSON; return the JSON doc."""
    from ..paper_experiments._common import output_folder, save_figure, save_outputs, timed
    from .crosscheck import Entry, bound_value, pep_value
    outdir = output_folder(outdir, quick)
    rhos = np.logspace(-3, 0, 4 if quick else 10)
    etas = (0.5, 1.0) if quick else (0.25, 0.5, 1.0, 1.5)
    doc = {"setting": {"smoothness": L, "strong_convexity": MU, "eta": ETA, "delta": DELTA, "horizons": HORIZONS,
                       "measure": "f(x_T) - f*", "initial": "f(x0) - f* <= delta"},
           "rho": rhos.tolist(), "quick": bool(quick)}
    with timed(doc):
        curves = {}
        for T in HORIZONS:
            exact, relaxed, d1 = [], [], []
            for rho in rhos:
                entry = Entry("siyun.derived.d1", "sam", "smooth-strongly-convex", "loss", "loss", L, MU, eta=ETA,
                              rho=float(rho), radius=DELTA)
                d1.append(bound_value(entry, T)[0])
                relaxed.append(pep_value(entry, T, exact_steps=0)[0])
                exact.append(pep_value(entry, T, exact_steps=1)[0] if T == 1 else None)
            curves[T] = {"pep_exact": exact if T == 1 else None, "pep_relaxation": relaxed, "d1": d1}
        catalog, names = simulated_catalog_worst(rhos, HORIZONS, starts=16 if quick else 64)
        one_d = one_dimensional_worst(rhos, HORIZONS, points=41 if quick else 201)
        for i, T in enumerate(HORIZONS):
            curves[T]["catalog_simulated"] = catalog[i].tolist()
            curves[T]["quadratic_1d"] = one_d[i].tolist()
        doc["curves"] = {str(T): c for T, c in curves.items()}
        doc["catalog_functions"] = names
        doc["contraction_table"] = {"rho": TABLE_RHO, "rows": contraction_table(etas)}

    def plot(doc, outdir):
        from ..paper_experiments._common import PALETTE, new_figure
        fig, axes = new_figure(1, 3, size=(15.0, 4.8))
        for ax, T in zip(axes[0][:2], HORIZONS):
            c = doc["curves"][str(T)]
            ax.loglog(rhos, c["d1"], color="black", ls="--", lw=1.8, label="D1 bound (registry)")
            ax.loglog(rhos, c["pep_relaxation"], color=PALETTE[1], ls=":", lw=2.2, label="PEP relaxation (upper bound)")
            if c["pep_exact"] is not None:
                ax.loglog(rhos, c["pep_exact"], color=PALETTE[0], lw=2.2, marker="o", ms=4, label="PEP exact worst case")
            ax.loglog(rhos, c["catalog_simulated"], color=PALETTE[2], ls="none", marker="s", ms=5,
                      label="catalog, simulated (lower bound)")
            ax.loglog(rhos, c["quadratic_1d"], color=PALETTE[3], lw=1.5, ls="-.", label="1-D quadratics (lower bound)")
            ax.set_xlabel(r"radius $\rho$")
            ax.set_ylabel(rf"worst $f(x_{{{T}}})-f^*$")
            ax.set_title(f"SAM, T = {T}: L = {L:g}, μ = {MU:g}, η = 1/(2L), Δ = {DELTA:g}", fontsize=10)
            ax.grid(True, which="major", alpha=0.3)
            ax.legend(fontsize=8, loc="upper left")
        ax = axes[0][2]
        ax.axis("off")
        rows = doc["contraction_table"]["rows"]
        cells = [[f"{r['eta']:g}", f"{r['gd']:.4f}", f"{r['usam']:.4f}", f"{r['sam']:.4f}", f"{r['sam_relaxation']:.4f}"]
                 for r in rows]
        table = ax.table(cellText=cells, colLabels=["η", "GD", "USAM", "SAM", "SAM relax."], loc="center",
                         cellLoc="center")
        table.auto_set_font_size(False)
        table.set_fontsize(10)
        table.scale(1.0, 1.6)
        ax.set_title(f"one-step worst ‖x₁−x*‖² from ‖x₀−x*‖² ≤ 1\nL = {L:g}, μ = {MU:g}, ρ = {TABLE_RHO:g} (PEP, exact)", fontsize=10)
        return save_figure(fig, outdir, STEM)

    return save_outputs(doc, outdir, STEM, plot)
