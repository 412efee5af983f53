r"""The poster's "tight in terms of ρ": explicit constructions of ours on which the ρ² terms are
attained (``siyun.*.rho2-unavoidable``; proofs in ``docs/proofs/si-yun-lower-bounds.md``)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...closed_forms import asymmetric_floor, asymmetric_stall_point
from .. import measures as M
from .._instance import Instance
from .._theorem import Inconclusive
from ..registry import theorem
from ._shared import PAPER, POSTER, LOWER_PROOF, _const


# ---------------------------------------------------------------------------------------------
# The rho^2 terms are unavoidable (constructions derived in docs/proofs/si-yun-lower-bounds.md)
# ---------------------------------------------------------------------------------------------

@theorem(
    id="siyun.deterministic.smooth.rho2-unavoidable", title="Deterministic SAM stalls with ||∇f||² = 4β²ρ²/(9π²)",
    paper=PAPER, result=POSTER + "P4, 'tight in terms of rho' (construction: cosine stall, derived)",
    provenance="derived", kind="lower", check="exact", function_class=("1d", "nonconvex", "lipschitz"),
    methods=("sam",), setting="deterministic", measure_name="||grad f(x_t)||^2 over the second half of the run",
    measure=M.gradsq, from_step=0.5, tolerance=1e-9,
    tolerance_reason="the stall attracts at the rate |1 - eta beta| < 1; after half the run the residual is below rounding",
    statement=r"f=\tfrac\beta{\omega^2}(1-\cos\omega x),\ \omega=\tfrac{3\pi}{2\rho}:\ \ \|\nabla f(x_t)\|^2\to\tfrac{4}{9\pi^2}\beta^2\rho^2>0",
    proof=LOWER_PROOF,
    instances=(Instance("cosine", eta=0.5, rho=0.1, x0=[[0.31], [0.9], [-0.5]], trajectories=3, steps=2000),
               Instance("cosine", eta=0.5, rho=0.02, function_args={"rho": 0.02, "beta": 2.0},
                        x0=[[0.01], [0.05]], trajectories=2, steps=2000)))
def stall(ctx):
    r"""The β²ρ² term of P4 cannot be removed (poster: "tight in terms of ρ").

    *Construction (derived, ``docs/proofs/si-yun-lower-bounds.md`` §2).* :math:`f(x)=\frac\beta{\omega^2}(1-\cos\omega x)` with
    :math:`\omega=3\pi/(2\rho)` is β-smooth and :math:`L=2\beta\rho/(3\pi)`-Lipschitz. The points
    :math:`\hat x\equiv\rho` (mod :math:`4\rho/3`) are fixed points of SAM (the perturbed point is a
    minimizer) and attract for :math:`0<\eta\beta<2`, with :math:`\|\nabla f(\hat x)\|^2=
    \frac{4}{9\pi^2}\beta^2\rho^2`. Since :math:`|f'|\le L` everywhere this level is the largest
    possible, and it is *attained in the limit*: the lower bound is the exact limit from starts in
    a stall basin, checked (every trajectory, second half of the run) as an exact prediction. So
    no bound of the form :math:`\mathcal O(1/T)+c\,\beta^2\rho^2` can hold with
    :math:`c<4/(9\pi^2)`.
    """
    ctx.need("beta", "lipschitz")
    rho, eta = _const(ctx, "rho"), _const(ctx, "eta")
    omega = getattr(ctx.objective, "omega", None)
    ctx.require(omega is not None and abs(omega * rho - 1.5 * np.pi) < 1e-9,
                "needs the cosine family with omega = 3 pi / (2 rho) (pass function_args={'rho': rho})")
    ctx.require(0 < eta * (ctx.beta or 0) < 2, "the stall attracts only for 0 < eta beta < 2")
    return 4 * (ctx.beta or 0) ** 2 * rho ** 2 / (9 * np.pi ** 2)


def _require_fair_coin_region(run):
    """The proof needs every iterate (and its perturbed points) where |f'| < sigma, so that the
    ascent sign is a fair coin; a run that left that region cannot decide."""
    x = run.result.x_history
    obj, rho, sigma = run.ctx.objective, float(run.ctx.rho), run.ctx.sigma
    worst = float(np.max(obj.beta * (np.abs(x) + rho)))
    if worst >= sigma:
        raise Inconclusive(f"an iterate left the fair-coin region: beta (|x| + rho) reached {worst:.3g} >= sigma = {sigma:g}")


def _asym_loss_measure(run):
    _require_fair_coin_region(run)
    return M.tail_average(M.loss(run), fraction=1.0)


def _asym_start(ctx):
    mu, beta = ctx.objective.mu, ctx.objective.beta
    return asymmetric_stall_point(mu, beta, float(ctx.rho))


def _start_at_xbar(inst, rng):
    """Fuzzing hook: the lower bound is stated for x0 = x_bar and noise that dominates |f'|."""
    f = inst.function
    if not hasattr(f, "mu") or not isinstance(inst.rho, float):
        return inst
    xbar = asymmetric_stall_point(f.mu, f.beta, inst.rho)
    sigma = max(inst.sigma, 2 * f.beta * (abs(xbar) + inst.rho))
    eta = min(inst.eta, 0.5 / f.beta) if isinstance(inst.eta, float) else inst.eta
    return replace(inst, x0=[xbar], sigma=sigma, eta=eta)


def _asym_preconditions(ctx):
    obj = ctx.objective
    ok = ctx.require(hasattr(obj, "mu") and hasattr(obj, "beta") and obj.name == "asymmetric-quadratic",
                     "the construction is the asymmetric quadratic")
    rho = _const(ctx, "rho")
    ctx.require(ctx.instance.noise == "rademacher", "the construction uses +-sigma (rademacher) noise")
    if ok:
        xbar = _asym_start(ctx)
        x0 = ctx.instance.x0
        ctx.require(x0 is not None and np.allclose(np.asarray(x0, float), xbar),
                    f"the lower bound is stated for the start x0 = x_bar = {xbar:.6g}")
        eta = _const(ctx, "eta")
        ctx.require(eta * obj.beta < 1, "needs eta beta < 1 (the mean map is then increasing)")
        # the fair-coin region must contain x_bar +- rho with room: |f'| < sigma there
        ctx.require(obj.beta * (abs(xbar) + rho) < ctx.sigma, "needs sigma > beta (|x_bar| + rho)")
    return rho


@theorem(
    id="siyun.stochastic.strongly-convex.rho2-unavoidable",
    title="Stochastic SAM on the asymmetric quadratic: E f − f* ≥ (μ/2)ρ²((β−μ)/(β+μ))²",
    paper=PAPER, result=POSTER + "P5, 'tight in terms of rho' (construction: asymmetric quadratic, derived)",
    provenance="derived", kind="lower", check="floor", function_class=("strongly-convex", "1d"),
    methods=("sam",), setting="stochastic", measure_name="E of the time average of f(x_t) - f*",
    measure=_asym_loss_measure, tolerance=1e-12, needs_history=True, fuzz=_start_at_xbar, tolerance_reason="float64 rounding",
    statement=r"\mathbb E f(x_t)-f^*\ \ge\ \frac\mu2\rho^2\Big(\frac{\beta-\mu}{\beta+\mu}\Big)^2\ \text{for all }t\ (x_0=\bar x)",
    proof=LOWER_PROOF,
    instances=(Instance("asymmetric-quadratic", eta=0.01, rho=0.1, noise="rademacher", sigma=1.0,
                        x0=[-0.06], trajectories=400, steps=4000, same_sample=False),
               Instance("asymmetric-quadratic", eta=0.01, rho=0.1, noise="rademacher", sigma=1.0,
                        x0=[-0.06], trajectories=400, steps=4000, same_sample=True)))
def asymmetric_unavoidable(ctx):
    r"""The 2β²ρ²/μ term of P5 cannot be removed (poster: "tight in terms of ρ").

    *Construction (derived, ``docs/proofs/si-yun-lower-bounds.md`` §3).* :math:`f=\frac\mu2x^2` (x<0), :math:`\frac\beta2x^2`
    (x≥0), stochastic gradients :math:`f'(x)+\xi`, :math:`\xi=\pm\sigma`. Where :math:`|f'|<\sigma` the
    ascent sign is a fair coin and, for both sampling modes, the expected update direction is
    :math:`v(x)=\frac12f'(x+\rho)+\frac12f'(x-\rho)`, a convex increasing function with root
    :math:`\bar x=-\rho\frac{\beta-\mu}{\beta+\mu}`. Started at :math:`\bar x`, Jensen's inequality and
    the monotone mean map give :math:`\mathbb Ex_t\le\bar x<0`, hence
    :math:`\mathbb Ef(x_t)\ge f(\mathbb Ex_t)\ge f(\bar x)` for every t, whatever η (with ηβ < 1).

    *What exactly is proved.* The argument is for the process whose ascent sign is a fair coin,
    which coincides with SAM on every path that stays where :math:`|f'|<\sigma`; SAM leaves that
    region with small positive probability (no interval is invariant), so for SAM itself the floor
    holds up to an exit correction bounded in ``docs/proofs/si-yun-lower-bounds.md`` (below 2e-4 of
    the floor for the default instances). The check therefore judges only runs whose every path
    stayed in the region, and reports ``inconclusive`` otherwise.
    """
    ctx.need("beta", "mu")
    rho = _asym_preconditions(ctx)
    obj = ctx.objective
    return asymmetric_floor(getattr(obj, "mu", 0.0), getattr(obj, "beta", 0.0), rho)


def _asym_grad_measure(run):
    _require_fair_coin_region(run)
    return M.tail_average(M.gradsq(run), fraction=1.0)


@theorem(
    id="siyun.stochastic.convex.rho2-unavoidable",
    title="Stochastic SAM on the asymmetric quadratic: E||∇f||² ≥ μ²ρ²((β−μ)/(β+μ))²",
    paper=PAPER, result=POSTER + "P6, 'tight in terms of rho' (construction: asymmetric quadratic, derived)",
    provenance="derived", kind="lower", check="floor", function_class=("convex", "1d"),
    methods=("sam",), setting="stochastic", measure_name="E of the time average of ||grad f(x_t)||^2",
    measure=_asym_grad_measure, tolerance=1e-12, needs_history=True, fuzz=_start_at_xbar, tolerance_reason="float64 rounding",
    statement=r"\mathbb E\|\nabla f(x_t)\|^2\ \ge\ 2\mu\,(\mathbb Ef(x_t)-f^*)\ \ge\ \mu^2\rho^2\Big(\frac{\beta-\mu}{\beta+\mu}\Big)^2",
    proof=LOWER_PROOF,
    instances=(Instance("asymmetric-quadratic", eta=0.01, rho=0.1, noise="rademacher", sigma=1.0,
                        x0=[-0.06], trajectories=400, steps=4000, same_sample=False),))
def asymmetric_gradient_unavoidable(ctx):
    r"""The 4β²ρ² term of P6 cannot be removed: on the same construction, PL
    (:math:`f'^2\ge2\mu f`) turns the function-value floor into
    :math:`\mathbb E\|\nabla f\|^2\ge\mu^2\rho^2((\beta-\mu)/(\beta+\mu))^2` (derived; the
    asymmetric quadratic is convex, so it lies in P6's class). Same scope as the function-value
    entry: proved for paths that stay in the fair-coin region, which the check requires."""
    ctx.need("beta", "mu")
    rho = _asym_preconditions(ctx)
    obj = ctx.objective
    mu = getattr(obj, "mu", 0.0)
    return 2 * mu * asymmetric_floor(mu, getattr(obj, "beta", 0.0), rho)


@theorem(
    id="siyun.stochastic.smooth-lipschitz.rho2-unavoidable",
    title="Stochastic SAM, (||∇f|| − βρ)² ≥ (βρ − L)² on an L-Lipschitz f with L < βρ",
    paper=PAPER, result=POSTER + "P7, 'tight in terms of rho' (construction: cosine + bounded noise, derived)",
    provenance="derived", kind="lower", check="floor", function_class=("lipschitz", "globally-smooth"),
    methods=("sam",), setting="stochastic", measure_name="(1/T) sum_{t<T} E(||grad f(x_t)|| - beta rho)^2",
    measure=lambda run: M.avg_gap_sq(run)[1:], tolerance=1e-12, tolerance_reason="float64 rounding",
    statement=r"L<\beta\rho\ \Rightarrow\ (\|\nabla f(x)\|-\beta\rho)^2\ge(\beta\rho-L)^2=\big(1-\tfrac{2}{3\pi}\big)^2\beta^2\rho^2\text{ for the cosine with }\omega=\tfrac{3\pi}{2\rho}",
    proof=LOWER_PROOF,
    instances=(Instance("cosine", eta=0.25, rho=0.1, noise="rademacher", sigma=0.01, x0=[0.9],
                        trajectories=100, steps=2000, same_sample=False),))
def lipschitz_unavoidable(ctx):
    r"""The 5β²ρ² term of P7 cannot be pushed below :math:`(\beta\rho-L)^2`.

    *Argument (derived).* For an L-Lipschitz f with :math:`L<\beta\rho`,
    :math:`\|\nabla f\|\le L` everywhere, so :math:`(\|\nabla f(x)\|-\beta\rho)^2\ge(\beta\rho-L)^2` at
    every point, whatever the algorithm. On the cosine family with :math:`\omega=3\pi/(2\rho)`,
    :math:`L=2\beta\rho/(3\pi)` and the floor is :math:`(1-\frac2{3\pi})^2\beta^2\rho^2\approx0.62\beta^2\rho^2`;
    with bounded noise :math:`|\xi|<L` SAM still stalls at the points of E2, where the measure
    equals the floor (``docs/proofs/si-yun-lower-bounds.md`` §5). The statement is about the measure of P7: its floor is of order
    β²ρ², so the poster's additive term cannot be of smaller order.
    """
    ctx.need("beta", "lipschitz")
    rho = _const(ctx, "rho")
    beta, lip = ctx.beta or 0.0, ctx.lipschitz or 0.0
    ctx.require(lip < beta * rho, f"needs L < beta rho (L = {lip:.4g}, beta rho = {beta * rho:.4g})")
    return (beta * rho - lip) ** 2
