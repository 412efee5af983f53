r"""Si & Yun (NeurIPS 2023) figure reproductions, built on :mod:`samtheory.counterexamples`.

* ``siyun-fig1-valley`` — Fig. 1: GD, USAM and SAM on :math:`(xy-1)^2` over its contours, with the
  hyperbola :math:`xy=1` (the function is CONFIRMED as the paper's; the parameters are ours).
* ``siyun-fig2-virtual-loss`` — Fig. 2: virtual loss plots, deterministic (cosine stall, both
  labelled forms) and stochastic (asymmetric quadratic with ±σ noise).
* ``siyun-fig6-examples`` — Fig. 6: SAM on each example function, the trajectory as a yellow line
  over f, and :math:`f-f^*` or :math:`\|\nabla f\|^2` against t with the predicted floor dashed.
* ``siyun-floor-vs-rho`` — per counterexample, the measured floor against ρ on log–log axes with
  the fitted slope and the poster's upper-bound additive term.

The constructions are DERIVED substitutes (``docs/proofs/si-yun-lower-bounds.md``), not the paper's
own examples, whose
formulas are not available; every title says so. Each ``run(outdir, quick)`` writes PNG, PDF and a
JSON of the plotted numbers and returns the JSON document.
"""
from __future__ import annotations

import math
import textwrap

import numpy as np

from .. import virtual_loss as vl
from ..counterexamples import COUNTEREXAMPLES
from ..functions import HyperbolaValley
from ..oracles import AdditiveNoise
from ..simulation import simulate
from ._common import PALETTE, log_indices, new_figure, output_folder, prepare_outdir, save_figure, save_outputs

YELLOW = "#E6B800"


def _finish(doc, fig, outdir, stem):
    return save_outputs(doc, outdir, stem, lambda doc, outdir: save_figure(fig, outdir, stem))


def _time_average(values, t_index):
    """Mean of ``values[k // 2 : k + 1]`` at each index k of ``t_index`` (the average over the
    second half of the run so far: an oscillation's level, free of the transient)."""
    csum = np.concatenate([[0.0], np.cumsum(values)])
    lo = t_index // 2
    return (csum[t_index + 1] - csum[lo]) / (t_index + 1 - lo)


def fig1_valley(outdir=None, quick=False, progress=None):
    """GD, USAM and SAM trajectories on (xy - 1)^2 over its contour plot, with xy = 1, and the loss
    against t with SAM's predicted time-averaged level.

    Every step is simulated and recorded (two coordinates per step), then a geometrically spaced
    subset is plotted and stored: dense at the start, where GD and USAM converge within a few
    hundred steps and SAM leaves the start, sparse later, so the transient is visible on the
    log-t axis."""
    outdir = prepare_outdir(output_folder(outdir, quick))
    f = HyperbolaValley()
    valley = COUNTEREXAMPLES["valley"]
    eta, rho, steps = 0.02, 0.1, 20000 if quick else 200000
    start = [2.0, 0.25]
    level = valley.predict(eta=eta, rho=rho, x0=start[0], y0=start[1])["sam_level"]
    styles = {"gd": ("GD", PALETTE[0], 5.0, "-", 0.45), "usam": ("USAM (ρ = 0.1)", PALETTE[2], 1.6, "--", 1.0),
              "sam": ("SAM (ρ = 0.1)", PALETTE[1], 1.8, "-", 1.0)}
    shown = log_indices(steps + 1, 400)
    runs = {}
    for method, (label, color, lw, ls, alpha) in styles.items():
        r = simulate(f, method, eta=eta, rho=rho if method != "gd" else 0.0, steps=steps, x0=start, history=True,
                     record_every=1, tail=0.1)
        loss = r.loss_history[:, 0]
        runs[method] = {"label": label, "color": color, "lw": lw, "ls": ls, "alpha": alpha,
                        "path": r.x_history[shown, 0, :], "t": r.t[shown], "loss": loss[shown],
                        "time_average": _time_average(loss, shown), "final": r.x[0],
                        "tail_loss": float(r.loss_tail_mean[0])}
    fig, axes = new_figure(1, 2, size=(13.0, 5.6))
    ax, ax2 = axes[0]
    g = np.linspace(0.05, 2.6, 400)
    X, Y = np.meshgrid(g, g)
    Z = (X * Y - 1) ** 2
    cs = ax.contourf(X, Y, np.log10(Z + 1e-6), levels=30, cmap="Greys")
    fig.colorbar(cs, ax=ax, label="log₁₀(f + 10⁻⁶)")
    xs = np.linspace(0.38, 2.6, 200)
    inset = ax.inset_axes([0.56, 0.40, 0.40, 0.34])  # GD and USAM end close together: zoom on them
    for target in (ax, inset):
        target.plot(xs, 1 / xs, color="black", lw=1.2, ls=":", label="minimizers xy = 1")
        for m, d in runs.items():
            target.plot(d["path"][:, 0], d["path"][:, 1], color=d["color"], lw=d["lw"], ls=d["ls"], alpha=d["alpha"],
                        label=d["label"])
            target.plot(*d["final"], marker="o", color=d["color"], mec="black", ms=6, ls="none")
        target.plot(*start, marker="s", color="black", ms=6, ls="none", label="start (2, 0.25)")
    ax.plot([1], [1], marker="*", color="black", ms=13, ls="none", label="flattest minimizer (1, 1)")
    inset.set(xlim=(1.97, 2.07), ylim=(0.22, 0.53))
    inset.tick_params(labelsize=7)
    ax.indicate_inset_zoom(inset, edgecolor="0.3")
    ax.set(xlim=(0.05, 2.6), ylim=(0.05, 2.6), xlabel="x", ylabel="y", aspect="equal",
           title=f"trajectories (η = {eta}, {steps} steps; ● = last iterate)")
    ax.title.set_fontsize(10)
    ax.legend(loc="upper right", fontsize=8)
    for m, d in runs.items():
        t1 = np.maximum(d["t"], 1)
        ax2.plot(t1, np.maximum(d["loss"], 1e-32), color=d["color"], lw=1.0 if m == "sam" else d["lw"] * 0.5,
                 ls=d["ls"], alpha=0.55 if m == "sam" else 1.0, label=d["label"] + (" (iterates)" if m == "sam" else ""))
    sam = runs["sam"]
    ax2.plot(np.maximum(sam["t"], 1), sam["time_average"], color="black", lw=1.8,
             label="SAM, time average of f over [t/2, t]")
    ax2.axhline(level, color=PALETTE[3], ls="--", lw=1.8,
                label=f"predicted time-averaged SAM level at (1, 1): {level:.3g}")
    ax2.set(xscale="log", yscale="log", xlabel="iteration t", ylabel="f(x_t) − f*  (f* = 0)", ylim=(1e-33, 10),
            title="loss: GD and USAM converge, SAM keeps oscillating")
    ax2.title.set_fontsize(10)
    ax2.legend(fontsize=8, loc="center right")  # the empty band between SAM's level and GD's floor
    ax2.grid(alpha=0.3)
    fig.suptitle("Fig. 1 (Si & Yun) on f(x, y) = (xy − 1)²: SAM drifts along the valley to the flattest minimizer "
                 "and oscillates there", fontsize=11.5)
    doc = {"name": "siyun-fig1-valley", "quick": bool(quick), "eta": eta, "rho": rho, "steps": steps, "start": start,
           "predicted_sam_time_average": level,
           "recording": "every step simulated; the stored and plotted steps t are geometrically spaced (dense at the start)",
           "runs": {m: {"label": d["label"], "final": d["final"], "tail_mean_loss": d["tail_loss"], "t": d["t"],
                        "loss": d["loss"], "time_average_loss": d["time_average"], "path": d["path"]}
                    for m, d in runs.items()}}
    return _finish(doc, fig, outdir, "siyun_fig1_valley")


def fig2_virtual_loss(outdir=None, quick=False, progress=None):
    """Deterministic and stochastic virtual loss plots with the SAM limit points."""
    outdir = prepare_outdir(output_folder(outdir, quick))
    cs, an = COUNTEREXAMPLES["cosine-stall"], COUNTEREXAMPLES["asymmetric-noise"]
    pc = cs.resolve()
    fc = cs.objective()
    period = 2 * math.pi / fc.omega
    x = np.linspace(-period, period, 1201)
    J_int = vl.virtual_loss(fc, x, pc["rho"], form="integral", x_ref=0.0, J_ref=0.0)
    J_comp = vl.composition_loss(fc, x, pc["rho"])
    # At a critical point sign f'(x) = 0 and the composition form is f(x) itself, a single-sample
    # spike to f (a vertical segment on the plot); the form is the one-sided limit elsewhere, so
    # break the line there instead of drawing the spike.
    J_comp_shown = np.where(fc.grad(x[:, None])[:, 0] == 0, np.nan, J_comp)
    mins_c = vl.minimizers(fc, pc["rho"], (-period, period))
    # starts offset from the critical points (a start exactly at a minimizer stays there by the zero-gradient convention)
    r = simulate(fc, "sam", eta=pc["eta"], rho=pc["rho"], steps=500,
                 x0=(np.linspace(-period, period, 9) + 0.0731 * period)[:-1, None], trajectories=8, record_every=None)
    pa = an.resolve()
    fa = an.objective()
    xa = np.linspace(-3 * pa["rho"], 2 * pa["rho"], 801)
    J_s = vl.virtual_loss(fa, xa, pa["rho"], noise="rademacher", sigma=pa["sigma"], x_ref=0.0, J_ref=0.0)
    mins_a = vl.minimizers(fa, pa["rho"], (-2 * pa["rho"], 2 * pa["rho"]), noise="rademacher", sigma=pa["sigma"])
    chains = 100 if quick else 400
    ra = simulate(fa, "sam", eta=pa["eta"], rho=pa["rho"], steps=4000 if quick else 20000, x0=[0.0],
                  trajectories=chains, oracle=AdditiveNoise(fa, pa["sigma"], "rademacher"), same_sample=False, seed=0,
                  record_every=None)
    fig, axes = new_figure(1, 2, size=(12.0, 4.8))
    ax, ax2 = axes[0]
    ax.plot(x, fc.value(x[:, None]), color="black", lw=2, label="f")
    ax.plot(x, J_int, color=PALETTE[1], lw=2, label="J_f, integral form (continuous)")
    ax.plot(x, J_comp_shown, color=PALETTE[0], lw=1.2, ls="--", label="J_f, composition form f(x + ρ sign f′(x))")
    for k, m in enumerate(mins_c):
        ax.axvline(m.x, color=PALETTE[1], lw=0.8, ls=":", label="minimizers of J_f" if k == 0 else None)
    ax.plot(r.x.ravel(), fc.value(r.x.reshape(-1, 1)), "o", color=YELLOW, mec="black", ms=7, label="SAM limit points")
    ax.set(xlabel="x", ylabel="f(x) and J_f(x)", title=f"deterministic: cosine, ω = 3π/(2ρ), ρ = {pc['rho']}",
           ylim=(None, 1.6 * float(np.max(fc.value(x[:, None])))))  # room for the legend above the curves
    ax.legend(fontsize=8, loc="upper center", ncol=2)
    ax.grid(alpha=0.3)
    ax2.plot(xa, fa.value(xa[:, None]), color="black", lw=2, label="f (μ = 0.25 for x < 0, β = 1 for x ≥ 0)")
    ax2.plot(xa, J_s, color=PALETTE[1], lw=2, label="J (expected SAM direction, ±σ noise)")
    sam_mean = float(ra.x.mean())
    sam_se = float(ra.x.std() / np.sqrt(ra.x.size))
    # the chain mean and the minimizer of J nearly coincide: draw the mean as a wide translucent band
    # (± 2 standard errors, at least a visible width) under a dark dotted minimizer line
    half = max(2 * sam_se, 0.004 * (xa[-1] - xa[0]))
    ax2.axvspan(sam_mean - half, sam_mean + half, color=YELLOW, alpha=0.55, lw=0, zorder=1,
                label=f"mean of {chains} SAM chains: {sam_mean:.4f} (± 2 s.e.)")
    for m in mins_a:
        ax2.axvline(m.x, color="black", lw=1.3, ls=(0, (2, 2)), zorder=3, label=f"minimizer of J: x = {m.x:.4f}")
    ax2.set(xlabel="x", ylabel="f(x) and J(x)", title=f"stochastic: asymmetric quadratic, ρ = {pa['rho']}, σ = {pa['sigma']:g}")
    ax2.legend(fontsize=8, loc="upper center")
    ax2.grid(alpha=0.3)
    fig.suptitle("Fig. 2 (Si & Yun) analogue: SAM on f is gradient descent on the virtual loss J_f; "
                 "its minimizers are where SAM stalls (constructions derived, not the paper's)", fontsize=10.5)
    doc = {"name": "siyun-fig2-virtual-loss",
           "deterministic": {"x": x, "f": fc.value(x[:, None]), "J_integral": J_int, "J_composition": J_comp,
                             "minimizers": [m.x for m in mins_c], "sam_limits": r.x.ravel()},
           "stochastic": {"x": xa, "f": fa.value(xa[:, None]), "J": J_s, "minimizers": [m.x for m in mins_a],
                          "sam_mean": sam_mean, "sam_mean_standard_error": sam_se, "chains": chains}}
    return _finish(doc, fig, outdir, "siyun_fig2_virtual_loss")


#: where each row's right-hand legend covers no data (the curves rise to the floor or fall onto it)
LEGEND_SPOT = {"quadratic-cycle": "upper right", "cosine-stall": "center right", "hallucinated-minimizer": "center right",
               "asymmetric-noise": "upper right", "cosine-noise": "lower right"}


def fig6_examples(outdir=None, quick=False, progress=None):
    """SAM on each 1-D example: trajectory (yellow) over f, and the measure against t with the floor."""
    from matplotlib.ticker import NullFormatter  # (imported where drawn: listing the figures stays light)
    outdir = prepare_outdir(output_folder(outdir, quick))
    rows = []
    specs = (("quadratic-cycle", "f - f*", "loss"), ("cosine-stall", "||grad f||^2", "gradsq"),
             ("hallucinated-minimizer", "||grad f||^2", "gradsq"), ("asymmetric-noise", "E f - f*", "loss"),
             ("cosine-noise", "E ||grad f||^2", "gradsq"))
    fig, axes = new_figure(len(specs), 2, size=(11.5, 3.0 * len(specs)))
    for k, (name, ylabel, measure) in enumerate(specs):
        ce = COUNTEREXAMPLES[name]
        p = ce.resolve()
        f = ce.objective(**p)
        oracle = ce.oracle(objective=f, **p)
        pred = ce.predict(**p)
        floor = pred.get("floor", pred.get("gradsq", pred.get("level")))
        rho = p.get("rho", 4.0)
        eta = p["eta"] if name != "asymmetric-noise" else p["eta"]
        steps = 3000 if oracle is None else (20000 if quick else 60000)
        chains = 1 if oracle is None else (50 if quick else 200)
        # starts away from the stall points (0.9 = rho + 6 periods would already be one)
        x0 = {"quadratic-cycle": [1.5], "cosine-stall": [0.87], "hallucinated-minimizer": [-3.0],
              "asymmetric-noise": [0.3], "cosine-noise": [0.87]}[name]
        r = simulate(f, "sam", eta=eta, rho=rho, steps=steps, x0=x0, trajectories=chains, oracle=oracle,
                     same_sample=False, seed=1, history=True,
                     record_every=1 if oracle is None else max(1, steps // 1500))  # every step: both phases of a 2-cycle
        path = r.x_history[:, 0, 0]
        curve = (r.loss_history if measure == "loss" else r.gradsq_history).reshape(len(r.t), -1).mean(axis=1)
        if name in ("cosine-stall", "cosine-noise"):  # periodic: show two periods either side of the path
            period = 2 * math.pi / f.omega
            xs = np.linspace(path.min() - 2 * period, path.max() + 2 * period, 600)
        else:
            lo, hi = float(min(path.min(), -abs(path).max())), float(max(path.max(), abs(path).max()))
            span = max(hi - lo, 4 * rho)
            xs = np.linspace(lo - 0.15 * span, hi + 0.15 * span, 600)
        axl, axr = axes[k]
        axl.plot(xs, f.value(xs[:, None]), color="black", lw=1.5, label="f")
        # iterates as dots: a line between far-apart iterates would be a chord off the graph of f
        axl.plot(path, f.value(path[:, None]), "o", color=YELLOW, ms=3.5, mec="none", label="SAM iterates (chain 1)")
        axl.plot(path[-1:], f.value(path[-1:, None]), "o", color=YELLOW, mec="black", ms=7, label="last iterate")
        if name == "quadratic-cycle":  # the 2-cycle at +-a is tiny next to the start: zoom on it
            a = float(pred["amplitude"])
            inset = axl.inset_axes([0.36, 0.40, 0.30, 0.45])
            zs = np.linspace(-2.2 * a, 2.2 * a, 200)
            inset.plot(zs, f.value(zs[:, None]), color="black", lw=1.2)
            tail = path[-20:]
            inset.plot(tail, f.value(tail[:, None]), "o", color=YELLOW, mec="black", ms=6)
            for sign in (-1, 1):
                inset.axvline(sign * a, color=PALETTE[1], ls="--", lw=1)
            inset.set_title(f"2-cycle ±a, a = ηλρ/(2 − ηλ) = {a:.3g}", fontsize=7.5)
            inset.tick_params(labelsize=6.5)
            inset.set_xlim(zs[0], zs[-1])
            inset.set_ylim(-0.1 * f.value(np.array([[2.2 * a]]))[0], 1.3 * f.value(np.array([[2.2 * a]]))[0])
            axl.indicate_inset_zoom(inset, edgecolor="0.4")
        axl.set(xlabel="x", ylabel="f(x)", title=f"{ce.name}: {ce.title}"[:95])
        axl.title.set_fontsize(9)
        axr.loglog(r.t + 1, np.maximum(curve, 1e-30), color=PALETTE[0], lw=1.5,
                   label=ylabel + (f" (mean of {chains} chains)" if chains > 1 else ""))
        floor_label = f"predicted floor {floor:.3g}"
        if "fluctuation" in pred:  # cosine-noise: at finite eta the level may sit up to eta beta sigma^2 lower
            floor_label += f"\n(finite-η correction ηβσ² = {pred['fluctuation'] / floor:.1%}: not resolved)"
        axr.axhline(floor, color=PALETTE[1], ls="--", lw=1.5, label=floor_label)
        axr.set(xlabel="iteration t + 1 (log axis)", ylabel=ylabel, title=f"η = {eta:.3g}, ρ = {rho:.3g}")
        axr.title.set_fontsize(9)
        axr.yaxis.set_minor_formatter(NullFormatter())  # minor labels crowd a short log axis
        axr.legend(fontsize=8, loc=LEGEND_SPOT[name])
        axr.grid(alpha=0.3)
        rows.append({"name": name, "eta": eta, "rho": rho, "floor": floor, "t": r.t, "measure": curve, "path": path})
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower left", ncol=3, fontsize=9)  # one key for the left column
    fig.suptitle("Fig. 6 (Si & Yun) analogue: SAM on each example function (derived constructions); "
                 "left: the iterates on f, right: the measure against t", fontsize=11)
    return _finish({"name": "siyun-fig6-examples", "examples": rows}, fig, outdir, "siyun_fig6_examples")


def floor_vs_rho(outdir=None, quick=False, progress=None):
    """Measured floor against rho (log-log) per counterexample, with the fitted slope and the poster term."""
    from matplotlib.ticker import NullFormatter
    outdir = prepare_outdir(output_folder(outdir, quick))
    names = ("quadratic-cycle", "cosine-stall", "asymmetric-noise", "cosine-noise", "valley")
    fig, axes = new_figure(2, 3, size=(13.0, 8.0))
    axes[1][2].axis("off")
    sweeps = []
    for k, name in enumerate(names):
        sw = COUNTEREXAMPLES[name].floor_vs_rho(quick=quick)
        sweeps.append(sw)
        ax = axes[k // 3][k % 3]
        rho = np.asarray(sw["rho"])
        ax.loglog(rho, sw["measured"], "o-", color=PALETTE[0], lw=2, label=f"measured, slope {sw['slope']:.3f}")
        ax.loglog(rho, sw["predicted"], "--", color=PALETTE[1], lw=1.5, label="predicted floor")
        if sw.get("poster_term"):
            ax.loglog(rho, sw["poster_term"], ":", color="black", lw=1.5,
                      label=sw["poster_label"].split(";")[0].split(":")[0].split(")")[0] + ") upper-bound term")
        ax.set(xlabel="radius ρ", ylabel=textwrap.fill(sw["quantity"], 38),
               title=name if sw.get("poster_term") else f"{name} (no poster row: not globally smooth)")
        ax.yaxis.label.set_fontsize(8)
        ax.xaxis.set_minor_formatter(NullFormatter())  # minor labels collide on a decade-wide axis
        decades = [10.0 ** e for e in range(-4, 2) if rho.min() <= 10.0 ** e <= rho.max()]
        if len(decades) < 2:  # a range inside one decade would show a single label: use 1-2-5 ticks
            ticks = [m * 10.0 ** e for e in range(-4, 2) for m in (1, 2, 5) if rho.min() * 0.95 <= m * 10.0 ** e <= rho.max() * 1.05]
            ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
        ax.legend(fontsize=7.5, loc="upper left")  # the curves rise from the lower left to the upper right
        ax.grid(alpha=0.3, which="both")
    fig.suptitle("The O(rho^2) floors are attained: measured floor vs rho (log-log, slope 2) under the poster's "
                 "upper-bound additive terms (dotted)", fontsize=11)
    return _finish({"name": "siyun-floor-vs-rho", "sweeps": sweeps}, fig, outdir, "siyun_floor_vs_rho")


#: name -> (figure script, what ``samtheory reproduce --list`` says it reproduces)
FIGURES = {"siyun-fig1-valley": (fig1_valley, "Si & Yun Fig. 1: GD, USAM and SAM on (xy - 1)^2"),
           "siyun-fig2-virtual-loss": (fig2_virtual_loss, "Si & Yun Fig. 2: deterministic and stochastic virtual loss"),
           "siyun-fig6-examples": (fig6_examples, "Si & Yun Fig. 6: SAM on each example function"),
           "siyun-floor-vs-rho": (floor_vs_rho, "counterexample floors against rho, slope 2, under the poster terms")}
