r"""Khanh et al., appendix-figure analogue: GD vs SAM with a constant radius vs SAM with an
"almost constant" radius on nonconvex robust regression (Khanh et al., NeurIPS 2024, Remark 3.6 and its appendix figure).

**Problem.** :math:`f(x)=\sum_{i=1}^m\log\big(1+(Ax-b)_i^2\big)` with :math:`m=n` and
:math:`n\in\{2,20,50,100\}`; :math:`A` and :math:`b` have i.i.d. :math:`\mathcal N(0,1)` entries,
:math:`x^1=0` (our choice; the paper's own parameters are unknown to this project).
Because :math:`A` is square and (almost surely) invertible, :math:`\bar x=A^{-1}b` makes every
residual zero, so :math:`f^*=0` is known exactly and :math:`f(x^k)`, what the paper plots, is also
the suboptimality :math:`f(x^k)-f^*`. The function is nonconvex (:math:`\phi''<0` for residuals
above 1) with :math:`L=2\|A\|_2^2`.

**Methods.** Step :math:`t_k=1/(Lk^{0.6})` for all three (:math:`\sum t_k=\infty`,
:math:`\sum t_k^2<\infty`):

* GD (SAM with :math:`\rho=0`);
* SAM with constant :math:`\rho=C=0.5`;
* SAM with :math:`\rho_k=C/k^{p}`, :math:`p=0.1`: then :math:`\sum t_k\rho_k^2<\infty` and
  :math:`\sum t_k\rho_k<\infty` (:math:`0.6+0.1\le1` fails the latter; ``docs/proofs/khanh.md`` §6 uses
  :math:`a+p>1` for it, so only the weaker (N-a) conditions hold here), yet numerically it behaves
  like the constant radius, the point of Remark 3.6.

**Trials.** 5 independent data sets :math:`(A,b)` per dimension, from child seeds of
``SeedSequence(3107)``. Between data sets :math:`f(x^k)` differs by orders of magnitude (for
:math:`n=2` some runs reach :math:`10^{-11}` while others sit near a non-global local minimum), so
the curves are the *geometric* mean over data sets, with the band
:math:`\exp(\text{mean}\pm\text{std})` of :math:`\log f(x^k)`, drawn as two thin dotted edges (three
filled bands on top of each other would merge). ``quick=True``: 2 000 instead of 20 000 iterations
and 2 data sets.

**Why the curves coincide for n ≥ 20.** With :math:`L=2\|A\|_2^2\approx8n` the steps are small,
and the flattest direction at :math:`\bar x` (curvature :math:`2\sigma_{\min}(A)^2`, tiny for a
square Gaussian matrix) contracts by about :math:`\exp(-2\sigma_{\min}^2\sum_kt_k)`; after
20 000 steps this exponent is about :math:`10^{-3}`, and reaching :math:`\bar x` would take some
:math:`10^{12}` steps (:func:`transient_measures`; the panel says so). The runs therefore end while
f is still far above :math:`f^*`, in a transient where the radius cannot matter; running longer
does not help within any reasonable time. For :math:`n=2` the runs do reach the regime where ρ
matters, and there the two SAM radii stay at the same SAM floor above GD.
"""
from __future__ import annotations

import numpy as np

from .._validation import InvalidParameterError
from ..functions import RobustRegression
from ..schedules import Schedule, power
from ..simulation import simulate
from . import _common as C

NAME = "khanh-appendix-robust-regression"
#: what ``samtheory reproduce --list`` says it reproduces
DESCRIPTION = "Khanh et al. appendix analogue: GD vs SAM, rho = C vs rho_k = C/k^p, on robust regression"
STEM = "khanh_appendix_robust_regression"

FULL = {"steps": 20_000, "trials": 5}
QUICK = {"steps": 2_000, "trials": 2}
METHODS = ("GD", "SAM, constant ρ = C", "SAM, ρ_k = C/k^p")


def build_problem(n, rng):
    A = rng.standard_normal((n, n))
    b = rng.standard_normal(n)
    xbar = np.linalg.solve(A, b)
    return RobustRegression(A, solution=xbar, name=f"robust-regression-{n}")


def transient_measures(f, L, steps, step_exponent, x_sam, C_rho):
    r"""Has the run left its transient, so that ρ can matter? Near :math:`\bar x` the function is
    the quadratic :math:`(x-\bar x)^\top A^\top A(x-\bar x)` (:math:`\phi''(0)=2`), whose flattest
    direction has curvature :math:`\lambda=2\sigma_{\min}(A)^2` and contracts by about
    :math:`\exp(-\lambda\sum_{k\le K}t_k)`. Returns

    * ``flat_direction_progress`` :math:`\lambda\sum_{k\le K}t_k` (well below 1: the iterates have
      not approached :math:`\bar x` along that direction, and f is still far above :math:`f^*`);
    * ``steps_needed``: the K at which :math:`\lambda\sum_{k\le K}t_k=10`, from
      :math:`\sum_{k\le K}k^{-a}\approx K^{1-a}/(1-a)` (an estimate, not run);
    * ``gradient_perturbation`` :math:`\|\nabla f(x+C\hat g)-\nabla f(x)\|/\|\nabla f(x)\|` at the
      final iterate of the constant-radius run (:math:`\hat g=\nabla f(x)/\|\nabla f(x)\|`): how
      much SAM's ascent step changes the gradient there.
    """
    lam = 2.0 * float(np.linalg.svd(f.A, compute_uv=False).min()) ** 2
    k = np.arange(1, steps + 1, dtype=float)
    progress = lam * float(np.sum(1.0 / (L * k ** step_exponent)))
    needed = (10.0 * L * (1.0 - step_exponent) / lam) ** (1.0 / (1.0 - step_exponent))
    g = f.grad(x_sam)
    norm = float(np.linalg.norm(g))
    perturbation = float(np.linalg.norm(f.grad(x_sam + C_rho * g / norm) - g) / norm) if norm > 0 else float("inf")
    return {"flat_curvature": lam, "flat_direction_progress": progress, "steps_needed": needed,
            "gradient_perturbation": perturbation}


def radius_schedule(C_rho, p):
    """Grid of 3 radii: 0 (GD), C, C/k^p (k = t + 1)."""
    scale = np.array([0.0, C_rho, C_rho])
    expo = np.array([0.0, 0.0, p])
    return Schedule(lambda t: scale / (t + 1.0) ** expo, f"(0, {C_rho}, {C_rho}/k^{p})", (3,))


def run(outdir=None, quick=False, *, dims=(2, 20, 50, 100), steps=None, trials=None, C_rho=0.5, p=0.1,
        step_exponent=0.6, seed=C.REFERENCE_SEED, progress=None, plot=True) -> dict:
    outdir = C.output_folder(outdir, quick)
    preset = QUICK if quick else FULL
    steps = C.check_int("steps", preset["steps"] if steps is None else steps)
    trials = C.check_int("trials", preset["trials"] if trials is None else trials)
    dims = [C.check_int("n (dimension)", int(n)) for n in dims]
    if not C_rho > 0:
        raise InvalidParameterError(f"C_rho (the radius constant C) must be > 0; got {C_rho!r}")
    if not 0 < p < 1:
        raise InvalidParameterError(f"p (radius exponent) must lie in (0, 1); got {p!r}")
    if not 0.5 < step_exponent <= 1:
        raise InvalidParameterError(f"step_exponent must lie in (1/2, 1] so that sum t_k = inf and sum t_k^2 < inf; got {step_exponent!r}")
    doc = {"experiment": NAME, "quick": bool(quick)}
    prog = C.resolve_progress(progress)
    with C.timed(doc):
        seeds = np.random.SeedSequence(seed).spawn(len(dims))
        panels = []
        for n, ss in zip(dims, seeds):
            losses, consts = [], []
            for trial_seq in ss.spawn(trials):
                rng = np.random.default_rng(trial_seq)
                f = build_problem(n, rng)
                L = f.smoothness
                res = simulate(f, "sam", eta=power(1.0 / L, step_exponent), rho=radius_schedule(C_rho, p), steps=steps,
                               x0=np.zeros(n), trajectories=1, seed=seed, record_every=1, progress=prog)
                losses.append(res.loss_history[:, :, 0])  # (records, 3)
                consts.append({"L": L, "f_x1": float(f.value(np.zeros(n))),
                               **transient_measures(f, L, steps, step_exponent, res.x.reshape(3, n)[1], C_rho)})
            losses = np.stack(losses, axis=-1)  # (records, 3, trials)
            k = res.t + 1
            idx = C.log_indices(len(k), 250)
            curves = []
            for j, name in enumerate(METHODS):
                stats = C.band(losses[idx, j, :], geometric=True)
                curves.append({"method": name, **C.stats_json(k[idx], stats),
                               "final_geometric_mean": float(stats["mean"][-1]),
                               "final_mean": float(losses[-1, j, :].mean()),
                               "final_per_trial": losses[-1, j, :].tolist()})
            final = [c["final_geometric_mean"] for c in curves]
            progress = [c["flat_direction_progress"] for c in consts]
            panels.append({"n": n, "m": n, "constants_per_trial": consts, "curves": curves,
                           "flat_direction_progress_median": float(np.median(progress)),
                           "steps_needed_median": float(np.median([c["steps_needed"] for c in consts])),
                           "gradient_perturbation_median": float(np.median([c["gradient_perturbation"] for c in consts])),
                           "final_ratio_sam_constant_over_sam_decaying": final[1] / final[2],
                           "final_ratio_sam_decaying_over_gd": final[2] / final[0]})
        doc.update({
            "title": "Khanh et al. appendix analogue: GD vs SAM (rho = C) vs SAM (rho_k = C/k^p) on sum log(1 + (Ax-b)_i^2)",
            "function": "sum_i log(1 + (Ax - b)_i^2), A (n x n) and b i.i.d. N(0,1); f* = 0 at A^{-1} b",
            "statistics": "geometric mean over data sets; band exp(mean +- std of log f)",
            "x1": "0", "step_size": f"t_k = 1/(L k^{step_exponent}), L = 2 ||A||_2^2", "C": C_rho, "p": p,
            "steps": steps, "trials": trials, "trials_are": "independent data sets (A, b)",
            "seed": seed, "seeding": "child seeds of numpy SeedSequence(3107), one per dimension and data set",
            "notes": ["The paper's C, p, m, step sizes and data are unknown to this project (UNCONFIRMED); these are our choices.",
                      "With m = n the data are consistent, so f(x_k) = f(x_k) - f*."],
            "panels": panels,
        })
    if plot:
        C.save_outputs(doc, outdir, STEM, _plot)
    return doc


def _power_of_ten(value):
    """``2×10^12`` for 2e12: readable in a figure."""
    exponent = int(np.floor(np.log10(value)))
    return f"{value / 10 ** exponent:.0f}×10^{exponent}"


def _plot(doc, outdir):
    panels = doc["panels"]
    ncols = 2 if len(panels) > 1 else 1
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = C.new_figure(nrows, ncols, size=(6.2 * ncols, 4.3 * nrows))
    styles = [(C.PALETTE[0], "-", None), (C.PALETTE[1], "-", None), (C.PALETTE[2], "--", None)]
    for ax, panel in zip(axes.ravel(), panels):
        for c, (color, ls, marker) in zip(panel["curves"], styles):
            stats = {k: np.asarray(c[k]) for k in ("mean", "lower", "upper")}
            label = c["method"].replace("C", f"{doc['C']:g}", 1) if "constant" in c["method"] else (
                c["method"].replace("C/k^p", f"{doc['C']:g}/k^{doc['p']:g}") if "ρ_k" in c["method"] else c["method"])
            k = np.asarray(c["t"])
            ax.plot(k, stats["mean"], color=color, ls=ls, lw=2.0, label=label)
            # the band as two thin edges: three filled bands on top of each other merge into one mass
            for edge in ("lower", "upper"):
                ax.plot(k, stats[edge], color=color, ls=":", lw=0.9, alpha=0.9)
        progress = panel.get("flat_direction_progress_median")
        if progress is not None and progress < 1:  # still in the transient: say why the curves coincide
            ax.text(0.98, 0.97, f"still in the transient: λ_min Σ_(k≤K) t_k = {progress:.2g} ≪ 1\n"
                    f"(λ_min = 2σ_min(A)², median over data sets); reaching x̄\n"
                    f"needs about K = {_power_of_ten(panel['steps_needed_median'])} steps, so ρ cannot matter yet",
                    transform=ax.transAxes, ha="right", va="top", fontsize=8,
                    bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9})
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"n = m = {panel['n']}")
        ax.set_xlabel("iteration k")
        ax.set_ylabel(r"$f(x^k)$  $(= f(x^k) - f^*)$")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8.5, loc="lower left")
    for ax in axes.ravel()[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(f"SAM with ρ_k = C/k^p behaves like SAM with constant ρ = C (C = {doc['C']:g}, p = {doc['p']:g}); "
                 "GD for comparison\n"
                 "f(x) = Σᵢ log(1 + (Ax − b)ᵢ²), A and b i.i.d. N(0, 1), x¹ = 0, t_k = 1/(L k^0.6); "
                 f"geometric mean over {doc['trials']} data sets, band (dotted) exp(mean ± std of log f)", fontsize=11)
    return C.save_figure(fig, outdir, STEM)
