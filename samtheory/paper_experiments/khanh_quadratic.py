r"""Khanh et al., Figure 1 analogue: GD vs SAM with constant step size and radius on a strongly
convex quadratic (Khanh et al., NeurIPS 2024, their Figure 1 and the example before it).

The paper's exact function and parameters are not known to this project (UNCONFIRMED); this is
an analogue with :math:`f(x)=\tfrac12(x_1^2+10x_2^2)`, step :math:`t=0.05` (:math:`t\lambda_{\max}=0.5`),
radius :math:`\rho=0.1`, and 5 starting points :math:`x^1\sim\mathcal N(0,I_2)`.

GD converges linearly. SAM (normalized) with constant :math:`t,\rho` does not: the iterates lock
onto the top eigenvector and bounce between :math:`\pm a\,v_{\max}`, the stable 2-cycle of
:math:`x^{k+1}=(1-t\lambda)x^k-t\lambda\rho\,\mathrm{sign}(x^k)` with

.. math:: a=\frac{t\lambda_{\max}\rho}{2-t\lambda_{\max}},\qquad f=\frac{\lambda_{\max}a^2}{2}>0,

(``docs/proofs/literature.md`` §1; here :math:`a=1/30`, :math:`f=1/180`), drawn as a dotted line. So
:math:`\|\nabla f(x^k)\|\not\to0` and :math:`x^k` does not converge: properties (1)–(5) all fail.
``quick=True`` runs 150 instead of 300 iterations and 3 starting points.
"""
from __future__ import annotations

import numpy as np

from ..closed_forms import two_cycle_amplitude, two_cycle_loss
from ..functions import Quadratic
from ..simulation import simulate
from . import _common as C

NAME = "khanh-fig1-quadratic"
#: what ``samtheory reproduce --list`` says it reproduces
DESCRIPTION = "Khanh et al. Fig. 1 analogue: GD vs SAM with constant steps on a quadratic"
STEM = "khanh_fig1_quadratic"

FULL = {"steps": 300, "trials": 5}
QUICK = {"steps": 150, "trials": 3}


def two_cycle(t, lam_max, rho):
    """Amplitude and function value of the SAM 2-cycle along the top eigenvector."""
    return two_cycle_amplitude(t, rho, lam_max), two_cycle_loss(t, rho, lam_max)


def run(outdir=None, quick=False, *, steps=None, trials=None, eigenvalues=(1.0, 10.0), step=0.05, rho=0.1,
        seed=C.REFERENCE_SEED, progress=None, plot=True) -> dict:
    outdir = C.output_folder(outdir, quick)
    preset = QUICK if quick else FULL
    steps = C.check_int("steps", preset["steps"] if steps is None else steps)
    trials = C.check_int("trials", preset["trials"] if trials is None else trials)
    f = Quadratic.diagonal(eigenvalues, name="quadratic")
    lam_max = float(f.eigenvalues[-1])
    if not 0 < step * lam_max < 2:
        from .._validation import InvalidParameterError
        raise InvalidParameterError(f"step must lie in (0, 2/lambda_max) = (0, {2 / lam_max:.4g}) so that GD converges; got {step!r}")
    doc = {"experiment": NAME, "quick": bool(quick)}
    with C.timed(doc):
        rng = np.random.default_rng(seed)
        x0 = rng.standard_normal((trials, f.dim))
        prog = C.resolve_progress(progress)
        runs = {}
        for method, r in (("gd", 0.0), ("sam", rho)):
            runs[method] = simulate(f, method, eta=step, rho=r, steps=steps, x0=x0, trajectories=trials, seed=seed,
                                    record_every=1, history=True, progress=prog)
        t = runs["gd"].t + 1  # the paper counts iterates from k = 1
        a, f_cycle = two_cycle(step, lam_max, rho)
        curves = {}
        for method, res in runs.items():
            stats = C.band(res.loss_history)
            curves[method] = {**C.stats_json(t, stats), "final_loss": res.loss.tolist()}
        sam = runs["sam"]
        top = np.argmax(f.eigenvalues)
        last = sam.x_history[-12:, :, top]
        doc.update({
            "title": "Khanh et al. Figure 1 analogue: GD vs SAM with constant step on a strongly convex quadratic",
            "function": f"1/2 x^T diag{tuple(float(e) for e in eigenvalues)} x", "step": step, "rho": rho,
            "steps": steps, "trials": trials, "seed": seed, "seeding": C.SEED_NOTE,
            "starting_points": x0.tolist(),
            "two_cycle": {"amplitude": a, "f_value": f_cycle,
                          "formula": "a = t lam_max rho / (2 - t lam_max), f = lam_max a^2 / 2"},
            "sam_final_loss_over_cycle_value": (sam.loss / f_cycle).tolist(),
            "sam_final_top_coordinate_abs_over_amplitude": (np.abs(sam.x[:, top]) / a).tolist(),
            "gd_final_loss": runs["gd"].loss.tolist(),
            "sam_top_coordinate_last_12": {"k": (t[-12:]).tolist(), "values": last.tolist()},
            "t": t.tolist(), "curves": curves,
        })
        if plot:
            outdir = C.prepare_outdir(outdir)
            doc["files"] = _plot(doc, outdir, eigenvalues)
    if plot:
        doc["files"] = C.relative_files(doc["files"] + [C.json_path(outdir, STEM)], outdir)
        C.write_json(outdir, STEM, doc)
    return doc


def _plot(doc, outdir, eigenvalues):
    t = np.asarray(doc["t"])
    fig, axes = C.new_figure(1, 2, size=(12.0, 4.6))
    ax, ax2 = axes[0]
    for method, color, label in (("gd", C.PALETTE[0], "GD"), ("sam", C.PALETTE[1], f"SAM, ρ = {doc['rho']:g}")):
        c = doc["curves"][method]
        C.plot_band(ax, t, {k: np.asarray(c[k]) for k in ("mean", "lower", "upper")}, color=color, label=label)
    ax.axhline(doc["two_cycle"]["f_value"], color="0.2", ls=":", lw=1.5,
               label=f"2-cycle value λ_max a²/2 = {doc['two_cycle']['f_value']:.4g}")
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel(r"$f(x^k)-f^*$")
    ax.set_title(f"mean ± std over {doc['trials']} starting points")
    ax.legend(fontsize=9, loc="lower left")  # below the GD descent: no curve there
    ax.grid(True, alpha=0.3)
    last = doc["sam_top_coordinate_last_12"]
    k = np.asarray(last["k"])
    vals = np.asarray(last["values"])
    for j in range(vals.shape[1]):
        ax2.plot(k, vals[:, j], marker="o", ms=3, lw=0.8, color=C.PALETTE[1], alpha=0.7,
                 label="SAM iterates (one line per start)" if j == 0 else None)
    a = doc["two_cycle"]["amplitude"]
    for s in (1, -1):
        ax2.axhline(s * a, color="0.2", ls=":", lw=1.5, label=f"±a = ±{a:.4g}" if s == 1 else None)
    ax2.set_xlabel("iteration k")
    ax2.set_ylabel("coordinate of $x^k$ along the top eigenvector")
    ax2.set_title("SAM, last 12 iterations: a 2-cycle ±a, no convergence")
    ax2.set_ylim(-1.9 * a, 1.9 * a)
    ax2.legend(fontsize=9, loc="upper center", ncol=2)
    ax2.grid(True, alpha=0.3)
    ev = ", ".join(f"{e:g}" for e in eigenvalues)
    fig.suptitle(f"GD vs SAM with constant step t = {doc['step']:g} and radius ρ = {doc['rho']:g} on the strongly convex "
                 f"f(x) = ½ xᵀ diag({ev}) x\nGD converges linearly; SAM bounces between ±a·v_max with "
                 "a = tλρ/(2 − tλ) (docs/proofs/literature.md §1)", fontsize=11)
    return C.save_figure(fig, outdir, STEM)
