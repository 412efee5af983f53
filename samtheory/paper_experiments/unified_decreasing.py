r"""Unified SAM, experiment 3: constant vs decreasing step sizes on ridge regression
(Oikonomou & Loizou, ICLR 2025; experiment 3 of the official code ``dimitris-oik/unifiedsam``).

**Problem.** Averaged ridge :math:`f=\frac1{2n}\|Ax-b\|^2+\frac r2\|x\|^2` with :math:`A` from
:func:`~samtheory.functions.sq_matrix_with_given_cond` (:math:`n=d=100`, cond(A) = 10, so the
eigenvalues of :math:`A^\top A/n` lie in [0.001, 0.1]), consistent :math:`b=Ax_\star` and
:math:`r=0.03`, hence :math:`\mu=0.031`, :math:`L=0.13`. The ridge term makes
:math:`\Delta^{\inf}>0`, so :math:`C>0`: constant steps can only reach a neighbourhood even for
USAM.

**Methods.** Unified SAM with one uniformly sampled component per step (:math:`A=L_{\max}`,
:math:`B=0`, :math:`L=L_{\max}`), :math:`\lambda\in\{0,0.5,1\}`:

* *constant*: :math:`(\bar\rho,\bar\gamma)` from the "new" rule
  (:func:`samtheory.stepsizes.new_rule`);
* *decreasing*: :math:`\rho_t=\min\{\bar\rho,\frac1{2t+1}\}`,
  :math:`\gamma_t=\min\{\bar\gamma,\frac{2t+1}{(t+1)^2\mu}\}` (:func:`samtheory.stepsizes.decreasing_rule`).
  The step leaves :math:`\bar\gamma` only after :math:`t_0\approx2/(\bar\gamma\mu)` (about
  1.6e5 iterations here), while the radius decreases after :math:`1/(2\bar\rho)` iterations: for
  λ > 0, where :math:`\rho` carries the :math:`\lambda^2\rho` neighbourhood, the gain is early; for
  λ = 0 it appears only after :math:`t_0`.

Bounds (dashed): for constant steps the derived PL bound (theorem ``unifiedsam.pl.constant-step``);
for decreasing steps the same one-step recursion :math:`r_{t+1}\le(1-\gamma_t\mu)r_t+N(\rho_t,\gamma_t)`
(theorem ``unifiedsam.pl.decreasing``), valid because :math:`\rho_t\le\bar\rho`,
:math:`\gamma_t\le\bar\gamma` and :math:`\gamma_{\max}` decreases in :math:`\rho`.

**Sizes.** As the reference: 10 000 epochs = :math:`10^6` iterations (the reference has 1 trial
for λ = 0 and 5 for the others; here every curve has 5). All 2 schedules x 3 values of λ x 5 trials
run in one batched simulation, about four minutes on one core. The length matters: the λ = 0
decreasing curve runs *above* the constant one until about :math:`3t_0`, because its steps start
shrinking before the constant run has reached its plateau; by :math:`10^6` it is about 3 times
below (the reference reports :math:`3\times10^{-5}` against :math:`7\times10^{-6}`).

``quick=True``: :math:`n=d=20`, 20 000 iterations, 3 trials and ridge weight :math:`r=0.3`. As in
experiment 2, the time scale :math:`1/(\bar\gamma\mu)` does not shrink with :math:`n` (μ is the ridge
weight); :math:`r=0.3` divides :math:`t_0` by about 40, so the quick run shows the same switch and
plateaus.
"""
from __future__ import annotations

import numpy as np

from .. import stepsizes as S
from .._validation import InvalidParameterError
from ..functions import Ridge, regression_targets, sq_matrix_with_given_cond
from ..sampling import FiniteSumSampling
from ..schedules import Schedule
from ..simulation import simulate
from . import _common as C

NAME = "unified-exp3-decreasing"
#: what ``samtheory reproduce --list`` says it reproduces
DESCRIPTION = "Unified SAM exp. 3: constant vs decreasing step sizes on ridge"
STEM = "unified_exp3_decreasing"

FULL = {"n": 100, "steps": 1_000_000, "trials": 5, "reg": 0.03}
QUICK = {"n": 20, "steps": 20_000, "trials": 3, "reg": 0.3}
KINDS = ("constant", "decreasing")


def build_problem(n, cond, reg, rng):
    A = sq_matrix_with_given_cond(n, cond, rng)
    b, _ = regression_targets(A, rng, consistent=True)
    x0 = rng.standard_normal(n)
    f = Ridge(A, b, reg, name="ridge-cond",
              description=f"(1/2n)||Ax - b||^2 + ({reg:g}/2)||x||^2, A {n}x{n} with cond(A) = {cond:g}, consistent b")
    return f, x0


def schedules(rho_bar, gamma_bar, mu):
    """Schedules of shape ``(2, len(rho_bar))``: row 0 constant, row 1 decreasing."""
    rb = np.asarray(rho_bar, dtype=float)
    gb = np.asarray(gamma_bar, dtype=float)
    kind = np.array([[0.0], [1.0]])
    rho = Schedule(lambda t: np.where(kind == 1, np.minimum(rb, 1.0 / (2 * t + 1)), rb + 0.0 * t),
                   "constant rho_bar | min(rho_bar, 1/(2t+1))", (2, rb.size))
    eta = Schedule(lambda t: np.where(kind == 1, np.minimum(gb, (2 * t + 1) / ((t + 1.0) ** 2 * mu)), gb + 0.0 * t),
                   "constant gamma_bar | min(gamma_bar, (2t+1)/((t+1)^2 mu))", (2, gb.size))
    return rho, eta


def run(outdir=None, quick=False, *, n=None, steps=None, trials=None, lambdas=(0.0, 0.5, 1.0), cond=10.0,
        reg=None, batch_size=1, seed=C.REFERENCE_SEED, progress=None, plot=True) -> dict:
    """Run experiment 3; write ``unified_exp3_decreasing.{png,pdf,json}`` to ``outdir``; return the
    JSON document. ``batch_size`` > 1 uses ``b``-nice sampling and its constants."""
    outdir = C.output_folder(outdir, quick)
    preset = QUICK if quick else FULL
    n = C.check_int("n", preset["n"] if n is None else n, minimum=2)
    steps = C.check_int("steps", preset["steps"] if steps is None else steps)
    trials = C.check_int("trials", preset["trials"] if trials is None else trials)
    lams = C.check_lambdas(lambdas)
    b = C.check_batch_size(batch_size, n)
    reg = preset["reg"] if reg is None else float(reg)
    if not reg > 0:
        raise InvalidParameterError(f"reg must be > 0 (ridge weight); got {reg!r}")

    doc = {"experiment": NAME, "quick": bool(quick)}
    with C.timed(doc):
        rng = np.random.default_rng(seed)
        f, x0 = build_problem(n, cond, reg, rng)
        sampling = FiniteSumSampling(f, "uniform" if b == 1 else "nice", b)
        c = sampling.expected_smoothness()
        mu, L = f.pl, c["L"]
        bars = [S.new_rule(mu, L, c["A"], c["B"], lam) for lam in lams]
        rho_bar = np.array([r.rho for r in bars])
        gamma_bar = np.array([r.gamma for r in bars])
        rho_s, eta_s = schedules(rho_bar, gamma_bar, mu)
        record_every = max(1, steps // 400)
        res = simulate(f, "unified", eta=eta_s, rho=rho_s, lam=lams[None, :], steps=steps, x0=x0, trajectories=trials,
                       oracle=sampling, seed=seed, record_every=record_every, progress=C.resolve_progress(progress))
        t = res.t
        delta = float(f.value(x0) - f.f_star)
        rel = res.loss_history / delta  # (records, kind, lambda, trial)
        rho_vals = rho_s.values(steps)
        eta_vals = eta_s.values(steps)

        tail = t >= 0.8 * steps
        curves = []
        for k, kind in enumerate(KINDS):
            for j, lam in enumerate(lams):
                stats = C.band(rel[:, k, j, :])
                ok = S.satisfies_pl_conditions(rho_bar[j], gamma_bar[j], mu, L, c["A"], c["B"], lam)
                if kind == "constant":
                    bound = C.pl_bound_constant(delta, t, rho=rho_bar[j], gamma=gamma_bar[j], mu=mu, L=L, C=c["C"], lam=lam)
                else:
                    bound = C.pl_bound_recursion(delta, rho_vals[:, k, j], eta_vals[:, k, j], mu=mu, L=L, C=c["C"], lam=lam)[t]
                bound = bound / delta
                curves.append({
                    "kind": kind, "lam": float(lam), "rho_bar": float(rho_bar[j]), "gamma_bar": float(gamma_bar[j]),
                    **C.stats_json(t, stats),
                    "plateau_mean_last_20pct": float(stats["mean"][tail].mean()),
                    "final_mean": float(stats["mean"][-1]),
                    "pl_conditions_hold": ok,
                    "theorem": C.PL_THEOREM_ID if kind == "constant" else C.PL_DECREASING_THEOREM_ID,
                    "bound": bound.tolist() if ok else None,
                    "measured_over_bound": C.bound_ratios(stats["mean"][1:], bound[1:]) if ok else None,
                })
        doc.update({
            "title": "Unified SAM, constant vs decreasing step sizes on ridge regression (Oikonomou & Loizou, ICLR 2025, experiment 3)",
            "problem": {"function": "ridge, averaged: (1/2n)||Ax-b||^2 + reg/2 ||x||^2", "n": n, "d": n,
                        "generator": "sq_matrix_with_given_cond", "cond_A": cond, "consistent": True, "reg": reg,
                        "mu": mu, "L": f.smoothness, "L_bar": f.L_bar, "L_max": f.L_max, "f_star": f.f_star,
                        "delta_inf": f.delta_inf, "delta": delta},
            "method": f"unified SAM, {'one uniform sample' if b == 1 else f'{b}-nice minibatch'} per step",
            "batch_size": b, "sampling_constants": c, "rule": "new",
            "decreasing_schedule": "rho_t = min(rho_bar, 1/(2t+1)), gamma_t = min(gamma_bar, (2t+1)/((t+1)^2 mu)), t = 0, 1, ...",
            "gamma_switch_time": [float(2 / (g * mu)) for g in gamma_bar],
            "steps": steps, "trials": trials, "seed": seed, "seeding": C.SEED_NOTE,
            "notes": ["Band: mean +- one std over trials of the normalized quantity.",
                      "quick mode uses reg = 0.3 so that the step-size switch time 2/(gamma_bar mu) drops below the horizon."],
            "t": t.tolist(), "curves": curves,
        })
    if plot:
        C.save_outputs(doc, outdir, STEM, _plot)
    return doc


def _plot(doc, outdir):
    t = np.asarray(doc["t"])
    pr = doc["problem"]
    lams = sorted({c["lam"] for c in doc["curves"]})
    fig, axes = C.new_figure(1, len(lams), size=(5.2 * len(lams), 5.0), sharey=True)
    colors = {"constant": C.PALETTE[0], "decreasing": C.PALETTE[1]}
    markevery = max(1, len(t) // 6)
    for ax, lam in zip(axes[0], lams):
        vacuous = []
        for c in (c for c in doc["curves"] if c["lam"] == lam):
            stats = {k: np.asarray(c[k]) for k in ("mean", "lower", "upper")}
            C.plot_band(ax, t, stats, color=colors[c["kind"]], marker="o" if c["kind"] == "constant" else "s",
                        markevery=markevery, label=f"{c['kind']} step sizes (measured)")
            if c["bound"] is not None:
                since = C.plot_relative_bound(ax, t, c["bound"], color=colors[c["kind"]],
                                              label=f"{c['kind']}: derived PL bound")
                if since is not None:
                    vacuous.append(f"{c['kind']} PL bound ≥ f(x₀) − f*\nat {since}: vacuous, not drawn")
        C.vacuous_note(ax, vacuous, y=0.85)
        c0 = next(c for c in doc["curves"] if c["lam"] == lam)
        ax.set_title(f"λ = {lam:g}:  ρ̄ = {c0['rho_bar']:.3g}, γ̄ = {c0['gamma_bar']:.3g}", fontsize=10)
        ax.set_yscale("log")
        ax.set_xlabel("iteration t")
        ax.grid(True, which="major", alpha=0.3)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 3))
    axes[0][0].set_ylabel(r"$(\mathbb{E}f(x_t)-f^*)\,/\,(f(x_0)-f^*)$")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=9)
    fig.suptitle("Unified SAM on ridge regression: constant step sizes stop at a neighbourhood, "
                 "decreasing ones keep going down\n"
                 f"n = d = {pr['n']}, cond(A) = {pr['cond_A']:g}, consistent b, reg = {pr['reg']:g}: μ = {pr['mu']:.3g}, "
                 f"L_max = {pr['L_max']:.3g};  one uniform sample per step;  mean ± std over {doc['trials']} trials;  "
                 "decreasing: ρ_t = min(ρ̄, 1/(2t+1)), γ_t = min(γ̄, (2t+1)/((t+1)²μ))", fontsize=10.5)
    return C.save_figure(fig, outdir, STEM)
