r"""Unified SAM, experiment 2: uniform vs importance sampling on ridge regression
(Oikonomou & Loizou, ICLR 2025; experiment 2 of the official code ``dimitris-oik/unifiedsam``).

**Problem.** Per-sample ridge :math:`f_i(x)=\tfrac12(a_i^\top x-b_i)^2+\tfrac{r}{2}\|x\|^2`,
:math:`f=\frac1n\sum_if_i`, with :math:`A=QDQ^\top` from
:func:`~samtheory.functions.haar_matrix_with_given_cond` (:math:`\mu_A=1`, :math:`L_A=10`, the
rest of the spectrum uniform in [1, 2]: rows of very different norms, so heterogeneous
:math:`L_i=\|a_i\|^2+r`), :math:`b\sim\mathcal N(0,I)` (not consistent), :math:`r=3/n`,
:math:`n=d=100`. Then :math:`\mu=4/n=0.04`.

**Methods.** Unified SAM with one sample per step (:math:`b=1`), :math:`\lambda\in\{0.5,1\}`, and
three samplers:

* *uniform*: :math:`p_i=1/n` (ABC constants :math:`A=L_{\max}`, :math:`B=0`);
* *importance, reweighted*: :math:`p_i=L_i/\sum_jL_j` and gradient :math:`\nabla f_i/(np_i)`, an
  unbiased estimator of :math:`\nabla f` (:math:`A=\bar L`, :math:`B=0`);
* *importance, unweighted*: the same :math:`p_i` without the weight, as in the reference code
  (its quirk Q2, kept here only as a labelled parity option). Its mean is
  :math:`\sum_ip_i\nabla f_i=\nabla\big(\sum_ip_if_i\big)`, the gradient of a different function, so
  it converges to :math:`x_p=\arg\min\sum_ip_if_i\neq x^*` and its suboptimality stalls at
  :math:`f(x_p)-f^*`, computed here in closed form (normal equations of the weighted problem) and
  drawn as a dotted line.

Step sizes: the "old" rule :math:`\rho=\tfrac12\rho_{\max}`, :math:`\gamma=\gamma_{\max}(\rho)` with
:math:`L=L_{\max}` for every sampler and :math:`A` of the sampler (the unweighted variant uses the
importance constants), which is what the reference's stored figures were made with. Both importance
variants therefore take the same, larger steps than uniform sampling.

The derived PL bound (theorem ``unifiedsam.pl.constant-step``) is drawn for the two unbiased
samplers, with :math:`C=2A\Delta^{\inf}` from
:meth:`~samtheory.sampling.FiniteSumSampling.expected_smoothness` and :math:`L=L_{\max}` (a valid
smoothness constant of every sampled function for both). There is no such bound for the biased
sampler.

**Sizes.** The reference runs 3000 epochs = 300 000 iterations with 5 trials. The simulator's cost
per step hardly depends on the number of trajectories, so all 3 samplers x 2 values of λ x 5 trials
run in one batched simulation (:class:`~samtheory.paper_experiments._common.BlockSampling`);
300 000 iterations take about a minute on one core, so the full run keeps the reference size.

``quick=True``: :math:`n=d=20`, 20 000 iterations, 3 trials, and ridge weight :math:`r=15/n`
instead of :math:`3/n`. The reduction in *size* alone cannot make a quick run show the plateaus:
the time scale :math:`1/(\gamma\mu)` of this problem family is set by :math:`\mu`, :math:`\bar L` and
:math:`L_{\max}`, which scale together with :math:`n` (:math:`\gamma\mu\approx\mu^2/(4L_{\max}\bar L)`
stays near :math:`10^{-5}`). The larger ridge weight raises :math:`\mu` five-fold and makes the run
about twenty times faster, while keeping the heterogeneous :math:`L_i` that importance sampling
exploits.
"""
from __future__ import annotations

import numpy as np

from .. import stepsizes as S
from .._validation import InvalidParameterError
from ..functions import Ridge, haar_matrix_with_given_cond, regression_targets
from ..sampling import FiniteSumSampling
from ..simulation import simulate
from . import _common as C

NAME = "unified-exp2-importance"
#: what ``samtheory reproduce --list`` says it reproduces
DESCRIPTION = "Unified SAM exp. 2: uniform vs importance sampling (reweighted and unweighted) on ridge"
STEM = "unified_exp2_importance"

FULL = {"n": 100, "steps": 300_000, "trials": 5, "reg_times_n": 3.0}
QUICK = {"n": 20, "steps": 20_000, "trials": 3, "reg_times_n": 15.0}

SAMPLERS = (
    {"key": "uniform", "label": "uniform sampling", "scheme": "uniform", "reweight": True},
    {"key": "importance", "label": "importance sampling, reweighted (unbiased)", "scheme": "importance",
     "reweight": True},
    {"key": "importance-unweighted", "label": "importance sampling, unweighted (reference code; biased)",
     "scheme": "importance", "reweight": False},
)


def build_problem(n, cond, reg, rng):
    A = haar_matrix_with_given_cond(n, cond, rng)
    b, _ = regression_targets(A, rng, consistent=False)
    x0 = rng.standard_normal(n)
    f = Ridge(A, b, reg, name="ridge-haar",
              description=f"(1/2n)||Ax - b||^2 + ({reg:.4g}/2)||x||^2, A = Q D Q^T {n}x{n}, D = (1, {cond:g}, U[1,2]), b ~ N(0, I)")
    return f, x0


def biased_fixed_point(f, p):
    r""":math:`x_p=\arg\min_x\sum_ip_if_i(x)` for ridge components: the normal equations
    :math:`(\sum_ip_ia_ia_i^\top+rI)x=\sum_ip_ib_ia_i`."""
    A, b = f.A, f.b
    H = (A.T * p) @ A + f.reg * np.eye(f.dim)
    return np.linalg.solve(H, (A.T * p) @ b)


def run(outdir=None, quick=False, *, n=None, steps=None, trials=None, lambdas=(0.5, 1.0), cond=10.0,
        reg=None, rule="old", batch_size=1, seed=C.REFERENCE_SEED, progress=None, plot=True) -> dict:
    """Run experiment 2; write ``unified_exp2_importance.{png,pdf,json}`` to ``outdir``; return the
    JSON document. ``reg`` defaults to ``reg_times_n / n`` of the preset (module docstring)."""
    outdir = C.output_folder(outdir, quick)
    preset = QUICK if quick else FULL
    n = C.check_int("n", preset["n"] if n is None else n, minimum=2)
    steps = C.check_int("steps", preset["steps"] if steps is None else steps)
    trials = C.check_int("trials", preset["trials"] if trials is None else trials)
    lams = C.check_lambdas(lambdas)
    b = C.check_batch_size(batch_size, n)
    if b != 1:
        raise InvalidParameterError(f"batch_size must be 1 in this experiment (single-element uniform and importance "
                                    f"sampling); got {batch_size}")
    if rule not in ("old", "new"):
        raise InvalidParameterError(f"rule must be 'old' or 'new'; got {rule!r}")
    reg = preset["reg_times_n"] / n if reg is None else float(reg)
    if not reg > 0:
        raise InvalidParameterError(f"reg must be > 0 (ridge weight); got {reg!r}")

    doc = {"experiment": NAME, "quick": bool(quick)}
    with C.timed(doc):
        rng = np.random.default_rng(seed)
        f, x0 = build_problem(n, cond, reg, rng)
        mu, L_max, L_bar = f.pl, f.L_max, f.L_bar
        samplings = [FiniteSumSampling(f, s["scheme"], 1, reweight=s["reweight"]) for s in SAMPLERS]
        unbiased = {s["key"]: smp.expected_smoothness() for s, smp in zip(SAMPLERS, samplings) if smp.unbiased}
        A_of = {"uniform": L_max, "importance": L_bar, "importance-unweighted": L_bar}
        rule_fn = S.old_rule if rule == "old" else S.new_rule
        steps_table = np.array([[rule_fn(mu, L_max, A_of[s["key"]], 0.0, lam) for lam in lams] for s in SAMPLERS])
        rho = np.vectorize(lambda r: r.rho)(steps_table)
        gamma = np.vectorize(lambda r: r.gamma)(steps_table)

        oracle = C.BlockSampling(samplings, block=len(lams) * trials)
        record_every = max(1, steps // 400)
        res = simulate(f, "unified", eta=gamma, rho=rho, lam=lams[None, :], steps=steps, x0=x0, trajectories=trials,
                       oracle=oracle, seed=seed, record_every=record_every, progress=C.resolve_progress(progress))
        t = res.t
        delta = float(f.value(x0) - f.f_star)
        rel = res.loss_history / delta  # (records, samplers, lambdas, trials)

        p = samplings[1].probabilities
        x_p = biased_fixed_point(f, p)
        bias_rel = float((f.value(x_p) - f.f_star) / delta)

        problem = {"t": t, "tail": t >= 0.8 * steps, "early": int(np.searchsorted(t, max(1, steps // 20))),
                   "mu": mu, "L_max": L_max, "delta": delta, "bias_rel": bias_rel, "rule": rule}
        curves = [_curve(rel[:, i, j, :], s, samplings[i], unbiased.get(s["key"]), lam, rho[i, j],
                         gamma[i, j], problem)
                  for i, s in enumerate(SAMPLERS) for j, lam in enumerate(lams)]

        doc.update({
            "title": "Unified SAM, uniform vs importance sampling on ridge regression (Oikonomou & Loizou, ICLR 2025, experiment 2)",
            "problem": {"function": "ridge, averaged: (1/2n)||Ax-b||^2 + reg/2 ||x||^2", "n": n, "d": n,
                        "generator": "haar_matrix_with_given_cond", "mu_A": 1.0, "L_A": cond, "reg": reg,
                        "consistent": False, "mu": mu, "L": f.smoothness, "L_bar": L_bar, "L_max": L_max,
                        "f_star": f.f_star, "delta_inf": f.delta_inf, "delta": delta},
            "method": "unified SAM, one sample per step, same sample for ascent and descent",
            "step_size_rule": f"{rule} rule with L = L_max for every sampler; A = L_max (uniform) or L_bar (importance, both variants); B = 0",
            "steps": steps, "trials": trials, "seed": seed, "seeding": C.SEED_NOTE,
            "biased_fixed_point": {"definition": "x_p = argmin sum_i p_i f_i, p_i = L_i / sum_j L_j",
                                   "relative_suboptimality": bias_rel},
            "theorem": C.PL_THEOREM_ID,
            "notes": ["The unweighted importance sampler reproduces the reference code's quirk Q2 (no 1/(n p_i) weight); "
                      "it is biased and is shown only for parity.",
                      "Band: mean +- one std over trials of the normalized quantity (the reference's quirk Q4 is not copied).",
                      "quick mode uses reg = 15/n instead of 3/n so that the plateaus appear within 20 000 iterations"],
            "t": t.tolist(), "curves": curves,
        })
    if plot:
        C.save_outputs(doc, outdir, STEM, _plot)
    return doc


def _curve(rel, s, sampling, abc, lam, rho, gamma, problem):
    """The JSON entry of one sampler and one λ: the band of ``rel`` (records x trials) and, for an
    unbiased sampler, the PL bound when its conditions hold; for a biased one, its plateau over
    the biased fixed point. ``problem`` holds ``t``, the ``tail`` mask, the ``early`` record,
    ``mu``, ``L_max``, ``delta``, ``bias_rel`` and the step-size ``rule``."""
    t, tail, early, delta = problem["t"], problem["tail"], problem["early"], problem["delta"]
    mu, L_max = problem["mu"], problem["L_max"]
    stats = C.band(rel)
    entry = {"sampler": s["key"], "label": s["label"], "lam": float(lam), "rho": float(rho),
             "gamma": float(gamma), "rule": problem["rule"], "unbiased": sampling.unbiased,
             **C.stats_json(t, stats),
             "early": {"t": int(t[early]), "mean": float(stats["mean"][early])},
             "plateau_mean_last_20pct": float(stats["mean"][tail].mean()),
             "final_mean": float(stats["mean"][-1])}
    if not sampling.unbiased:
        entry["biased_fixed_point_relative"] = problem["bias_rel"]
        entry["plateau_over_biased_fixed_point"] = entry["plateau_mean_last_20pct"] / problem["bias_rel"]
        return entry
    ok = S.satisfies_pl_conditions(rho, gamma, mu, L_max, abc["A"], abc["B"], lam)
    entry["abc_constants"] = abc
    entry["pl_conditions_hold"] = ok
    if ok:
        bound = C.pl_bound_constant(delta, t, rho=rho, gamma=gamma, mu=mu, L=L_max, C=abc["C"], lam=lam) / delta
        entry["bound"] = bound.tolist()
        entry["bound_neighbourhood"] = float(S.pl_neighbourhood(rho, gamma, mu, L_max, abc["C"], lam) / delta)
        entry["measured_over_bound"] = C.bound_ratios(stats["mean"][1:], bound[1:])
    return entry


def _plot(doc, outdir):
    t = np.asarray(doc["t"])
    pr = doc["problem"]
    lams = sorted({c["lam"] for c in doc["curves"]})
    fig, axes = C.new_figure(1, len(lams), size=(6.6 * len(lams), 5.4), sharey=True)
    colors = {"uniform": C.PALETTE[0], "importance": C.PALETTE[2], "importance-unweighted": C.PALETTE[1]}
    markevery = max(1, len(t) // 6)
    markers = {"uniform": "o", "importance": "s", "importance-unweighted": "^"}
    for ax, lam in zip(axes[0], lams):
        vacuous = []
        for c in (c for c in doc["curves"] if c["lam"] == lam):
            stats = {k: np.asarray(c[k]) for k in ("mean", "lower", "upper")}
            C.plot_band(ax, t, stats, color=colors[c["sampler"]], marker=markers[c["sampler"]], markevery=markevery,
                        label=f"{c['label']}\n  ρ = {c['rho']:.3g}, γ = {c['gamma']:.3g}")
            if c.get("bound") is not None:
                since = C.plot_relative_bound(ax, t, c["bound"], color=colors[c["sampler"]],
                                              label=f"PL bound, {c['sampler']} (derived)")
                if since is not None:
                    vacuous.append(f"PL bound, {c['sampler']}: ≥ f(x₀) − f* at {since}\n"
                                   f"  (neighbourhood {c['bound_neighbourhood']:.2g}): vacuous, not drawn")
        C.vacuous_note(ax, vacuous)
        ax.axhline(doc["biased_fixed_point"]["relative_suboptimality"], color="0.2", ls=":", lw=1.5,
                   label="f(x_p) − f*, x_p = argmin Σ p_i f_i\n  (fixed point of the unweighted sampler)")
        ax.set_yscale("log")
        ax.set_title(f"λ = {lam:g}")
        ax.set_xlabel("iteration t")
        ax.grid(True, which="major", alpha=0.3)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 3))
    handles, labels = axes[0][0].get_legend_handles_labels()
    # the step sizes differ between panels only through rho; name the pairs per panel in the legend
    fig.legend(handles, [lab.split("\n  ρ")[0] for lab in labels], loc="outside lower center", ncol=3, fontsize=8.5)
    for ax, lam in zip(axes[0], lams):
        text = "\n".join(f"{c['sampler']}: ρ = {c['rho']:.3g}, γ = {c['gamma']:.3g}"
                         for c in doc["curves"] if c["lam"] == lam)
        ax.text(0.02, 0.02, text, transform=ax.transAxes, ha="left", va="bottom", fontsize=8,
                bbox={"boxstyle": "round", "fc": "white", "ec": "0.7", "alpha": 0.9})
    axes[0][0].set_ylabel(r"$(\mathbb{E}f(x_t)-f^*)\,/\,(f(x_0)-f^*)$")
    fig.suptitle("Unified SAM on ridge regression: importance sampling p_i ∝ L_i is faster at first; "
                 "without the 1/(n p_i) weight it stalls near the dotted level\n"
                 f"n = d = {pr['n']}, Haar A (μ_A = 1, L_A = {pr['L_A']:g}), reg = {pr['reg']:.3g}: μ = {pr['mu']:.3g}, "
                 f"L̄ = {pr['L_bar']:.3g}, L_max = {pr['L_max']:.3g};  one sample per step, "
                 f"\"{doc['curves'][0]['rule']}\" step-size rule;  mean ± std over {doc['trials']} trials", fontsize=10.5)
    return C.save_figure(fig, outdir, STEM)
