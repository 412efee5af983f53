r"""Unified SAM, experiment 1: the deterministic λ sweep on least squares (Oikonomou & Loizou, ICLR 2025;
experiment 1 of the official code ``dimitris-oik/unifiedsam``).

**Problem.** :math:`f(x)=\tfrac12\|Ax-b\|^2` (the reference's *sum* form, no :math:`1/n`) with
:math:`A` from :func:`~samtheory.functions.sq_matrix_with_given_cond` (:math:`n=d=100`,
cond(A) = 10, so the eigenvalues of :math:`A^\top A` fill :math:`[0.1,10]`: :math:`\mu=0.1`,
:math:`L=10`) and consistent :math:`b=Ax_\star`, so :math:`f^*=0`. The package's
:class:`~samtheory.functions.LeastSquares` is the averaged form
:math:`\frac1{2n}\|\tilde A x-\tilde b\|^2`; taking :math:`\tilde A=\sqrt nA`,
:math:`\tilde b=\sqrt nb` gives exactly the sum form.

**Method.** Full-batch Unified SAM (:math:`A=0`, :math:`B=1`, :math:`C=0`: the constants of the
full-batch sampling), :math:`\lambda\in\{0,0.1,\dots,1\}`, step sizes from the "new" rule
(:func:`samtheory.stepsizes.new_rule`; the reference's printed table: :math:`\gamma=0.0125` for
every λ, :math:`\rho` from 0.0125 at λ = 0 to 0.025 for λ ≥ 0.3), 10 000 iterations, one run per λ
from the same :math:`x^0\sim\mathcal N(0,I)`.

**What the theory says** (derived PL bound, theorem ``unifiedsam.pl.constant-step``): the
neighbourhood is :math:`N/(\gamma\mu)` with :math:`N\propto\lambda^2\rho` when :math:`C=0`, so
λ = 0 (USAM) converges linearly to the minimum and every λ > 0 stops at a level that grows with λ.
The bound is drawn next to the measured curves; it is loose (the reference reports an observed
plateau near :math:`5\times10^{-8}` against a bound near :math:`10^{-2}` for λ = 1).

``quick=True`` runs the same code with :math:`n=d=30` and 8 000 iterations (the spectrum of
:math:`A^\top A` still fills [0.1, 10], so the time scale is unchanged).
"""
from __future__ import annotations

import numpy as np

from .. import stepsizes as S
from .._validation import InvalidParameterError
from ..functions import LeastSquares, regression_targets, sq_matrix_with_given_cond
from ..sampling import FiniteSumSampling
from ..simulation import simulate
from . import _common as C

NAME = "unified-exp1-lambda-sweep"
#: what ``samtheory reproduce --list`` says it reproduces
DESCRIPTION = "Unified SAM exp. 1: deterministic lambda sweep on least squares"
STEM = "unified_exp1_lambda_sweep"

FULL = {"n": 100, "steps": 10_000}
QUICK = {"n": 30, "steps": 8_000}
DEFAULT_LAMBDAS = tuple(np.round(np.linspace(0.0, 1.0, 11), 10))


def build_problem(n, cond, rng):
    """The sum-form least-squares problem and the starting point (in this order from ``rng``)."""
    A = sq_matrix_with_given_cond(n, cond, rng)
    b, _ = regression_targets(A, rng, consistent=True)
    x0 = rng.standard_normal(n)
    f = LeastSquares(np.sqrt(n) * A, np.sqrt(n) * b, reg=0.0, name="least-squares-sum",
                     description=f"1/2 ||Ax - b||^2, A {n}x{n} with cond(A) = {cond:g}, consistent b")
    return f, x0


def step_sizes(rule, mu, L, A, B, lam):
    if rule == "new":
        return S.new_rule(mu, L, A, B, lam)
    if rule == "old":
        return S.old_rule(mu, L, A, B, lam)
    raise InvalidParameterError(f"rule must be 'new' or 'old'; got {rule!r}")


def run(outdir=None, quick=False, *, n=None, steps=None, lambdas=DEFAULT_LAMBDAS, cond=10.0, rule="new",
        batch_size=None, trials=None, seed=C.REFERENCE_SEED, progress=None, plot=True) -> dict:
    """Run experiment 1, write ``unified_exp1_lambda_sweep.{png,pdf,json}`` to ``outdir`` and return
    the JSON document (a dict).

    ``batch_size`` (default ``n``: full batch, the reference setting) below ``n`` makes the runs
    stochastic with ``b``-nice sampling and its constants :math:`A,B` (the reference's ``run_exp``);
    ``trials`` (default 1 for the full batch, 5 otherwise) independent runs are then averaged.
    """
    outdir = C.output_folder(outdir, quick)
    preset = QUICK if quick else FULL
    n = C.check_int("n", preset["n"] if n is None else n, minimum=2)
    steps = C.check_int("steps", preset["steps"] if steps is None else steps)
    lams = C.check_lambdas(lambdas)
    b = C.check_batch_size(n if batch_size is None else batch_size, n)
    trials = C.check_int("trials", (1 if b == n else 5) if trials is None else trials)
    doc = {"experiment": NAME, "quick": bool(quick)}
    with C.timed(doc):
        rng = np.random.default_rng(seed)
        f, x0 = build_problem(n, cond, rng)
        sampling = FiniteSumSampling(f, "nice", batch_size=b)
        consts = sampling.expected_smoothness()  # full batch: A = 0, B = 1, C = 0
        mu, L = f.pl, consts["L"]
        if mu is None or mu <= 0:
            raise InvalidParameterError("the least-squares instance has no positive PL constant (mu = 0); "
                                        "the Unified SAM PL step-size rules need mu > 0")
        rules = [step_sizes(rule, mu, L, consts["A"], consts["B"], lam) for lam in lams]
        rho = np.array([r.rho for r in rules])
        gamma = np.array([r.gamma for r in rules])
        record_every = max(1, steps // 1000)
        res = simulate(f, "unified", eta=gamma[:, None], rho=rho[:, None], lam=lams[:, None], steps=steps, x0=x0,
                       trajectories=trials, oracle=None if b == n else sampling, seed=seed,
                       record_every=record_every, progress=C.resolve_progress(progress))
        t = res.t
        delta = float(f.value(x0) - f.f_star)
        # every trial starts at x0, so the mean of the normalized loss is the normalized mean loss
        rel_trials = res.loss_history[:, :, 0, :] / delta  # (records, lambdas, trials)
        stats = C.band(rel_trials)
        rel = stats["mean"]

        curves = []
        tail = t >= 0.8 * steps
        for j, lam in enumerate(lams):
            ok = S.satisfies_pl_conditions(rho[j], gamma[j], mu, L, consts["A"], consts["B"], lam)
            bound = C.pl_bound_constant(delta, t, rho=rho[j], gamma=gamma[j], mu=mu, L=L, C=consts["C"], lam=lam) / delta
            curves.append({
                "lam": float(lam), "rho": float(rho[j]), "gamma": float(gamma[j]), "rule": rules[j].rule,
                "relative_suboptimality": rel[:, j].tolist(),
                "band_lower": stats["lower"][:, j].tolist(), "band_upper": stats["upper"][:, j].tolist(),
                "final": float(rel[-1, j]), "plateau_mean_last_20pct": float(rel[tail, j].mean()),
                "at_half": float(rel[np.searchsorted(t, steps // 2), j]),
                "pl_conditions_hold": ok,
                "bound": bound.tolist() if ok else None,
                "bound_neighbourhood": float(S.pl_neighbourhood(rho[j], gamma[j], mu, L, consts["C"], lam) / delta),
                "measured_over_bound": C.bound_ratios(rel[1:, j], bound[1:]) if ok else None,
            })
        doc.update({
            "title": "Unified SAM, deterministic lambda sweep on least squares (Oikonomou & Loizou, ICLR 2025, experiment 1)",
            "problem": {"function": "1/2 ||Ax - b||^2 (sum form)", "n": n, "d": n, "cond_A": cond,
                        "consistent": True, "reg": 0.0, "mu": mu, "L": L, "f_star": f.f_star, "delta": delta},
            "method": "unified SAM, full batch" if b == n else f"unified SAM, {b}-nice sampling",
            "batch_size": b, "sampling_constants": consts, "rule": rule,
            "steps": steps, "trials": trials, "seed": seed, "seeding": C.SEED_NOTE,
            "theorem": C.PL_THEOREM_ID,
            "bound_formula": "(1-gamma mu)^t Delta + N sum_{s<t} (1-gamma mu)^s, N = stepsizes.pl_one_step_noise(rho, gamma, L, C, lam); "
                             "plotted and stored relative to Delta = f(x0) - f*",
            "t": t.tolist(), "curves": curves,
        })
    if plot:
        C.save_outputs(doc, outdir, STEM, _plot)
    return doc


def _plot(doc, outdir):
    from matplotlib import colormaps
    t = np.asarray(doc["t"])
    p = doc["problem"]
    fig, axes = C.new_figure(1, 2, size=(13.0, 5.0))
    ax, ax2 = axes[0]
    cmap = colormaps["viridis"]
    for c in doc["curves"]:
        stats = {"mean": np.asarray(c["relative_suboptimality"]), "lower": np.asarray(c["band_lower"]),
                 "upper": np.asarray(c["band_upper"])}
        C.plot_band(ax, t, stats, color=cmap(0.9 * c["lam"]), lw=1.6, label=f"λ = {c['lam']:.1f}  (ρ = {c['rho']:.4g})")
    ax.set_yscale("log")
    ax.set_title("measured, one run per λ" if doc["trials"] == 1 else f"measured, mean ± std over {doc['trials']} trials")
    ax.legend(fontsize=8, ncol=2, loc="upper right", title=f"γ = {doc['curves'][0]['gamma']:.4g} for every λ",
              title_fontsize=8)
    shown = [c for c in doc["curves"] if c["lam"] in (0.0, 0.5, 1.0)]
    for k, c in enumerate(shown):
        color = cmap(0.9 * c["lam"])
        ax2.semilogy(t, c["relative_suboptimality"], color=color, lw=1.8, label=f"λ = {c['lam']:.1f} measured")
        if c["bound"] is not None:
            ax2.semilogy(t, c["bound"], color=color, lw=1.4, ls="--", label=f"λ = {c['lam']:.1f} PL bound")
    ax2.set_title("measured (solid) vs derived PL bound (dashed)")
    ax2.legend(fontsize=8, loc="lower left")
    for a in (ax, ax2):
        a.set_xlabel("iteration t")
        a.set_ylabel(r"$(f(x_t)-f^*)\,/\,(f(x_0)-f^*)$")
        a.grid(True, which="major", alpha=0.3)
    fig.suptitle(f"Unified SAM, {'full batch' if doc['batch_size'] == p['n'] else 'batch ' + str(doc['batch_size'])}, on ½‖Ax−b‖² (n = d = {p['n']}, cond(A) = {p['cond_A']:g}, consistent; "
                 f"μ = {p['mu']:.3g}, L = {p['L']:.3g}), \"{doc['rule']}\" step sizes\n"
                 "λ = 0 keeps converging linearly; every λ > 0 stops at a plateau that grows with λ",
                 fontsize=11)
    return C.save_figure(fig, outdir, STEM)
