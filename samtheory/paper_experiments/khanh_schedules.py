r"""Khanh et al.'s step-size schedules Constant, Diminish 1, 2, 3 (NeurIPS 2024; their official code) for SAM on
analytic nonconvex functions, and the fundamental convergence properties (1)–(5) measured along the
runs (proofs of the sufficient conditions in ``docs/proofs/khanh.md`` §5).

**Schedules** (:mod:`samtheory.schedules`, stepped every iteration, :math:`e=k-1`):
Constant :math:`t_k=t_0`; Diminish 1 :math:`t_0/(e+1)`; Diminish 2 :math:`t_0/e^{0.5001}`;
Diminish 3 :math:`t_0/(m\ln m)`, :math:`m=3+\lfloor(e-1)/5\rfloor`. The radius is constant,
:math:`\rho_k=\rho`, as in the paper's experiments (``radius_exponent`` > 0 gives
:math:`\rho_k=\rho/k^{p}` instead).

**Functions** (both analytic, hence KL; nonconvex; :math:`f^*=0` known):

* ``cosine``: :math:`\sum_{i=1}^2(1-\cos x_i)` (:math:`L=1`), :math:`x^1\sim U(-2.5,2.5)^2`. In 1-D,
  SAM with diminishing steps can land *exactly* on the minimizer in floating point (where
  :math:`x=t_k\sin(x+\rho)` to within one ulp) and then stays there, which hides the rates on
  log axes; in 2-D the normalized ascent couples the coordinates and this does not happen.
* ``robust-regression``: :math:`\sum_{i=1}^{20}\log(1+(Ax-b)_i^2)`, :math:`A\in\mathbb R^{20\times2}`
  with entries :math:`\mathcal N(0,1/20)` and consistent data (:meth:`RobustRegression.random`),
  :math:`x^1=\bar x+\xi`, :math:`\xi\sim\mathcal N(0,I_2)`.

Both use :math:`t_0=1/L` and :math:`\rho=0.1`. With :math:`t_k=t_0/k` the distance to a minimizer
with curvature :math:`\mu` shrinks like :math:`k^{-t_0\mu}`, so a small :math:`t_0\mu` would make
Diminish 1 crawl; :math:`t_0=1/L` is the largest step the theory allows throughout.

**Measured properties**, each as a function of :math:`k` on log–log axes (mean over starting
points, ±1 std band):

* (1) :math:`\min_{i\le k}\|\nabla f(x^i)\|` (:math:`\liminf\|\nabla f(x^k)\|=0`);
* (2) :math:`\min_{k/2\le i\le k}\|\nabla f(x^i)\|` (every accumulation point is stationary; the
  measure of the registry entry ``khanh.property-2``);
* (3) :math:`\max_{k/2\le i\le k}\|\nabla f(x^i)\|` (:math:`\lim\|\nabla f(x^k)\|=0`; with
  boundedness it implies (2));
* (4) :math:`f(x^k)-f^*`: here every diminishing run ends at a global minimizer (checked: final
  gradient and value are recorded in the JSON), so :math:`f(x^k)\to f(\bar x)=f^*` is property (4);
* (5) the Cauchy tail :math:`r_k=\max_{k\le i\le K}\|x^i-x^K\|`, within a factor 2 of the tail
  diameter :math:`\max_{i,j\ge k}\|x^i-x^j\|` (:math:`r_k\le\mathrm{diam}\le2r_k`), drawn for
  :math:`k\le K/2` (near :math:`K` it is 0 by construction).

**What to expect.** With the Constant schedule SAM ends on a 2-cycle around the minimizer
(amplitude about :math:`t\rho/(2-t\lambda)` along the top curvature direction, ``docs/proofs/literature.md`` §1): the
gradient norm, :math:`f-f^*` and the Cauchy tail stay bounded away from 0, so (3)–(5) fail (and
(1) with them). The Diminish schedules make :math:`t_k\to0` with :math:`\sum t_k=\infty`; near the
minimizer the functions are locally strongly convex, where this suffices with a constant radius
(the regime of the convex Theorem 3.2 of Khanh et al.), and all measured quantities decrease to 0, slowly
(Diminish 3 the slowest, :math:`\sum_{k\le K}t_k\sim\ln\ln K`). The nonconvex theorem itself asks
for :math:`\sum t_k\rho_k^2<\infty`, which a constant radius does not satisfy.

``quick=True``: :math:`10^4` instead of :math:`10^5` iterations and 3 instead of 5 starting points.
"""
from __future__ import annotations

import numpy as np

from .._validation import InvalidParameterError
from ..functions import CosineFamily, RobustRegression
from ..schedules import Schedule, constant, diminish1, diminish2, diminish3, power
from ..simulation import simulate
from . import _common as C

NAME = "khanh-schedules"
#: what ``samtheory reproduce --list`` says it reproduces
DESCRIPTION = "Khanh et al. schedules Constant / Diminish 1-3 and properties (1)-(5)"
STEM = "khanh_schedules"

FULL = {"steps": 100_000, "trials": 5}
QUICK = {"steps": 10_000, "trials": 3}
SCHEDULES = ("Constant", "Diminish 1", "Diminish 2", "Diminish 3")
PROPERTIES = (
    ("min_grad", r"(1) $\min_{i\leq k}\|\nabla f(x^i)\|$"),
    ("min_grad_half", r"(2) $\min_{k/2\leq i\leq k}\|\nabla f(x^i)\|$"),
    ("max_grad_half", r"(3) $\max_{k/2\leq i\leq k}\|\nabla f(x^i)\|$"),
    ("loss", r"(4) $f(x^k)-f^*$"),
    ("cauchy_tail", r"(5) $\max_{k\leq i\leq K}\|x^i-x^K\|$"),
)


def stacked_step_schedule(t0):
    """The four schedules as one grid of shape (4,)."""
    parts = [constant(t0), diminish1(t0), diminish2(t0), diminish3(t0)]
    return Schedule(lambda t: np.concatenate([np.broadcast_to(s.formula(t), t.shape) for s in parts], axis=-1),
                    "Constant | Diminish 1 | Diminish 2 | Diminish 3", (len(parts),))


def problems(rng, trials):
    """(key, objective, t0, rho, starting points) for each function."""
    cos = CosineFamily(1.0, 1.0, dim=2, name="cosine-2d")
    rr = RobustRegression.random(20, 2, seed=rng)
    x_cos = rng.uniform(-2.5, 2.5, size=(trials, 2))
    x_rr = rr.minimizer + rng.standard_normal((trials, rr.dim))
    return [
        {"key": "cosine", "label": "Σᵢ (1 − cos xᵢ) in 2-D (L = 1)", "objective": cos, "t0": 1.0 / cos.smoothness,
         "rho": 0.1, "x0": x_cos},
        {"key": "robust-regression", "label": f"Σ log(1 + (Ax − b)ᵢ²), A 20×2, consistent (L = {rr.smoothness:.3g})",
         "objective": rr, "t0": 1.0 / rr.smoothness, "rho": 0.1, "x0": x_rr},
    ]


def measures(grad_norm, loss, x, k_eval):
    r"""The five property measures at the steps ``k_eval`` (0-based indices) for one trajectory
    set: ``grad_norm`` and ``loss`` of shape (K+1, trials), ``x`` of shape (K+1, trials, d).
    (2) is measured as in the registry entry ``khanh.property-2``: every accumulation point is a
    limit of iterates near some k, so :math:`\min_{k/2\le i\le k}\|\nabla f(x^i)\|\to0` says those
    iterates become stationary."""
    K = loss.shape[0] - 1
    running_min = np.minimum.accumulate(grad_norm, axis=0)
    half_min = np.stack([grad_norm[k // 2:k + 1].min(axis=0) for k in k_eval])
    half_max = np.stack([grad_norm[k // 2:k + 1].max(axis=0) for k in k_eval])
    dist = np.linalg.norm(x - x[-1], axis=-1)  # ||x^i - x^K||
    tail = np.maximum.accumulate(dist[::-1], axis=0)[::-1]  # max_{i >= k}
    del K
    return {"min_grad": running_min[k_eval], "min_grad_half": half_min, "max_grad_half": half_max, "loss": loss[k_eval],
            "cauchy_tail": tail[k_eval]}


def run(outdir=None, quick=False, *, steps=None, trials=None, radius_exponent=0.0, seed=C.REFERENCE_SEED,
        progress=None, plot=True) -> dict:
    outdir = C.output_folder(outdir, quick)
    preset = QUICK if quick else FULL
    steps = C.check_int("steps", preset["steps"] if steps is None else steps, minimum=10)
    trials = C.check_int("trials", preset["trials"] if trials is None else trials)
    if not 0 <= radius_exponent < 1:
        raise InvalidParameterError(f"radius_exponent must lie in [0, 1); got {radius_exponent!r}")
    doc = {"experiment": NAME, "quick": bool(quick)}
    prog = C.resolve_progress(progress)
    with C.timed(doc):
        rng = np.random.default_rng(seed)
        out = []
        k_all = np.arange(steps + 1)
        k_eval = C.log_indices(steps + 1, 200)
        for prob in problems(rng, trials):
            f = prob["objective"]
            rho = prob["rho"] if radius_exponent == 0 else power(prob["rho"], radius_exponent)
            res = simulate(f, "sam", eta=stacked_step_schedule(prob["t0"]), rho=rho, steps=steps, x0=prob["x0"],
                           trajectories=trials, seed=seed, record_every=1, history=True, progress=prog)
            curves = []
            for j, name in enumerate(SCHEDULES):
                gn = np.sqrt(res.gradsq_history[:, j, :])
                meas = measures(gn, res.loss_history[:, j, :], res.x_history[:, j, :, :], k_eval)
                entry = {"schedule": name, "k": (k_all[k_eval] + 1).tolist(),
                         "final_grad_norm": np.sqrt(res.gradsq[j]).tolist(), "final_loss": res.loss[j].tolist(),
                         "final_x": res.x[j].tolist()}
                for key, _ in PROPERTIES:
                    entry[key] = C.stats_json(k_all[k_eval] + 1, C.band(meas[key]))
                    entry[key].pop("t")
                # decay over the second half of the log-spaced range: value at K/2 divided by value at K/20
                i_hi = int(np.searchsorted(k_eval, steps // 2))
                i_lo = int(np.searchsorted(k_eval, steps // 20))
                entry["decay_K20_to_K2"] = {key: float(entry[key]["mean"][i_hi] / entry[key]["mean"][i_lo])
                                            if entry[key]["mean"][i_lo] > 0 else None for key, _ in PROPERTIES}
                curves.append(entry)
            out.append({"function": prob["key"], "label": prob["label"], "t0": prob["t0"], "rho": prob["rho"],
                        "L": f.smoothness, "x1": prob["x0"].tolist(), "curves": curves})
        doc.update({
            "title": "Khanh et al. schedules Constant / Diminish 1-3 for SAM on analytic nonconvex functions: properties (1)-(5)",
            "schedules": {"Constant": "t0", "Diminish 1": "t0/(e+1)", "Diminish 2": "t0 at e=0, then t0/e^0.5001",
                          "Diminish 3": "t0 at e=0, then t0/(m ln m), m = 3 + floor((e-1)/5)",
                          "stepping": "every iteration, e = k - 1"},
            "radius": "constant rho" if radius_exponent == 0 else f"rho / k^{radius_exponent}",
            "steps": steps, "trials": trials, "seed": seed, "seeding": C.SEED_NOTE,
            "notes": ["cauchy_tail is r_k = max_{k<=i<=K} ||x^i - x^K||, within a factor 2 of the tail diameter; plotted for k <= K/2.",
                      "min_grad_half is property (2), min over k/2 <= i <= k of ||grad f(x^i)|| (as khanh.property-2)."],
            "problems": out,
        })
        if plot:
            outdir = C.prepare_outdir(outdir)
            doc["files"] = []
            for prob in out:
                doc["files"] += _plot(doc, prob, outdir)
    if plot:
        doc["files"] = C.relative_files(doc["files"] + [C.json_path(outdir, STEM)], outdir)
        C.write_json(outdir, STEM, doc)
    return doc


def _plot(doc, prob, outdir):
    fig, axes = C.new_figure(2, 3, size=(15.0, 8.0))
    K = doc["steps"]
    for ax, (key, title) in zip(axes.ravel(), PROPERTIES):
        for j, c in enumerate(prob["curves"]):
            k = np.asarray(c["k"])
            stats = {s: np.asarray(c[key][s]) for s in ("mean", "lower", "upper")}
            keep = k <= K // 2 + 1 if key == "cauchy_tail" else np.ones(k.size, bool)
            positive = stats["mean"] > 0
            keep &= positive
            C.plot_band(ax, k[keep], {s: v[keep] for s, v in stats.items()}, color=C.PALETTE[j], label=c["schedule"],
                        linestyle="-" if j else "--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("iteration k")
        ax.grid(True, which="major", alpha=0.3)
    # the sixth panel holds the legend and what each measure checks, off the data
    key_ax = axes[1][2]
    key_ax.axis("off")
    handles, labels = axes[0][0].get_legend_handles_labels()
    key_ax.legend(handles, labels, loc="upper left", fontsize=10, title="step-size schedule", frameon=False)
    key_ax.text(0.0, 0.52, "properties (Khanh et al., NeurIPS 2024):\n"
                "(1) liminf ‖∇f(xᵏ)‖ = 0\n(2) accumulation points are stationary\n(3) lim ‖∇f(xᵏ)‖ = 0\n"
                "(4) f(xᵏ) converges (here to f*)\n(5) xᵏ converges (Cauchy tail, k ≤ K/2)\n\n"
                "each measure must go to 0; bands ± 1 std",
                transform=key_ax.transAxes, va="top", fontsize=9.5)
    radius = f"ρ = {prob['rho']:g}" if doc["radius"] == "constant rho" else f"ρ_k = {prob['rho']:g}/k^p"
    fig.suptitle(f"SAM on {prob['label']}, t₀ = {prob['t0']:.3g}, {radius}, mean ± std over {doc['trials']} starting points\n"
                 "Constant steps: SAM ends on a 2-cycle, the measures stay bounded away from 0; "
                 "Diminish 1–3: all go to 0, at rates set by t_k", fontsize=11)
    stem = f"{STEM}_{prob['function'].replace('-', '_')}"
    return C.save_figure(fig, outdir, stem)
