r"""Oikonomou & Loizou (ICLR 2025): Unified SAM, PL and nonconvex results under arbitrary sampling.

Unified SAM: :math:`x^{t+1}=x^t-\gamma_t\nabla f_{v_t}\big(x^t+\rho_t(1-\lambda+\lambda/\|g_t\|)g_t\big)`,
:math:`g_t=\nabla f_{v_t}(x^t)`, the same sample for ascent and descent. :math:`\lambda=0` is USAM,
:math:`\lambda=1` SAM.

The paper's theorem statements are not available to this project: the official README names Theorem 3.2
(PL, constant steps, linear convergence to a neighbourhood), 3.5 (PL, decreasing steps, O(1/t))
and 3.7 (nonconvex). The entries below are **derived** bounds that reproduce exactly the step-size
conditions of the official code (proofs in ``docs/proofs/unified-sam.md``, sympy checks in
``tests/test_proofs.py``); they are not the paper's constants.

The one-step inequality applies the descent lemma to f and the smoothness of the realization
:math:`f_v` at every iterate, wherever the trajectory goes, so every entry needs a **globally**
smooth f (function class ``globally-smooth``): a locally smooth objective such as
:math:`(xy-1)^2` is not applicable.

Constants: μ the PL constant; :math:`L` a smoothness constant valid for every realization
:math:`f_v` (:math:`L_{\max}` for uniform sampling, :math:`\bar L` for reweighted importance
sampling, the smoothness of f for deterministic runs and additive noise); :math:`A,B,C` of the
expected-smoothness inequality :math:`\mathbb E\|\nabla f_v(x)\|^2\le2A(f(x)-f^*)+B\|\nabla f(x)\|^2+C`.
"""
from __future__ import annotations

import numpy as np

from .. import stepsizes as S
from ..methods import get_method
from ..schedules import Schedule
from . import measures as M
from ._instance import Instance, Rule
from .registry import theorem

PAPER = "oikonomou-loizou-2025"
PROOF = "docs/proofs/unified-sam.md"


def _lam(ctx):
    """λ of the instance: the method's own (``Method.unified_lam``: 1 for SAM, 0 for USAM), else
    the constant ``lam`` of Unified SAM."""
    fixed = get_method(ctx.instance.method).unified_lam
    if fixed is not None:
        return fixed
    lam = ctx.instance.lam
    if not isinstance(lam, (int, float, np.floating)):
        ctx.unmet.append("needs a constant lambda (the lambda schedules are outside the derived result)")
        return 1.0
    return float(lam)


def _sampling_conditions(ctx):
    """What every Unified SAM entry needs of the oracle (docs/proofs/unified-sam.md): (ABC)
    constants of an unbiased estimator; the same sample for ascent and descent unless the noise is
    additive (then independent samples are covered with the same constants); and an L that bounds
    the smoothness of f."""
    from ..oracles import AdditiveNoise
    ctx.require(ctx.A is not None, "needs a sampling with expected-smoothness constants (A, B, C): "
                "an unbiased estimator")
    ctx.require(ctx.instance.same_sample or ctx.oracle is None or isinstance(ctx.oracle, AdditiveNoise),
                "the derived bound uses the same sample for ascent and descent (independent samples are "
                "covered only for additive noise)")
    if ctx.beta is not None and ctx.L is not None:
        ctx.require(ctx.L >= ctx.beta * (1 - 1e-12), "L must bound the smoothness of f")


def _pl_constants(ctx):
    ctx.need("pl")
    _sampling_conditions(ctx)
    return (ctx.pl or 1.0), (ctx.L or 1.0), (ctx.A or 0.0), (ctx.B or 0.0), (ctx.C or 0.0), _lam(ctx)


def rule(name):
    """A :class:`Rule` giving ``eta`` or ``rho`` by the "old" or "new" Unified SAM rule."""
    def choose(which):
        def f(ctx):
            mu, L, A, B, C, lam = _pl_constants(ctx)
            pair = S.new_rule(mu, L, A, B, lam) if name == "new" else S.old_rule(mu, L, A, B, lam)
            return pair.gamma if which == "eta" else pair.rho
        return f
    return {"eta": Rule(choose("eta"), f"{name} rule"), "rho": Rule(choose("rho"), f"{name} rule")}


def _check_conditions(ctx, rho, gamma, mu, L, A, B, lam):
    rmax = S.rho_max(mu, L, A, B, lam)
    ctx.require(rho < rmax, f"needs rho < rho_max = {rmax:.6g}")
    if rho < rmax:
        gmax = S.gamma_max(rho, mu, L, A, B, lam)
        ctx.require(gamma <= gmax * (1 + 1e-12), f"needs gamma <= gamma_max(rho) = {gmax:.6g}")


@theorem(
    id="unifiedsam.pl.constant-step", title="Unified SAM, PL, constant steps: linear rate to a neighbourhood",
    paper=PAPER, result="Theorem 3.2 (README numbering); bound and constants derived", provenance="derived",
    kind="upper", check="every-t", function_class=("pl", "globally-smooth"), methods=("unified", "sam", "usam"),
    setting="any", measure_name="E f(x_t) - f*", measure=M.loss, proof=PROOF,
    statement=r"\rho<\rho_{\max},\ \gamma\le\gamma_{\max}(\rho):\ \ \mathbb E f(x_t)-f^*\le(1-\gamma\mu)^t\Delta+N\sum_{s<t}(1-\gamma\mu)^s\le(1-\gamma\mu)^t\Delta+\frac{N}{\gamma\mu}",
    instances=(Instance("least-squares", method="unified", lam=0.0, x0=np.ones(5), steps=2000, **rule("new")),
               Instance("least-squares", method="unified", lam=0.5, x0=np.ones(5), steps=2000, **rule("old")),
               Instance("least-squares", method="sam", x0=np.ones(5), steps=2000, **rule("new")),
               Instance("ridge", method="unified", lam=0.5, x0=np.ones(5), steps=3000, trajectories=200,
                        sampling={"scheme": "uniform"}, **rule("new")),
               Instance("ridge", method="unified", lam=1.0, x0=np.ones(5), steps=3000, trajectories=200,
                        sampling={"scheme": "importance"}, **rule("old")),
               Instance("quadratic", method="unified", lam=0.3, x0=np.ones(3), steps=2000, trajectories=200,
                        noise="gaussian", sigma=0.5, **rule("new"))))
def pl_constant_step(ctx):
    r"""**Unified SAM on a PL function with constant steps** (derived).

    If :math:`f` is μ-PL and L-smooth, every :math:`f_v` is L-smooth, (ABC) holds and

    .. math:: \rho<\rho_{\max}=\frac{\mu}{L(\mu+2(B\mu+A)(1-\lambda)^2)},\qquad
              \gamma\le\gamma_{\max}(\rho)=\frac{\mu-L\rho(\mu+2(B\mu+A)(1-\lambda)^2)}{2L(B\mu+A)(2L^2\rho^2(1-\lambda)^2+1)},

    then :math:`r_{t+1}\le(1-\gamma\mu)r_t+N` for :math:`r_t=\mathbb Ef(x^t)-f^*`, with
    :math:`N=\gamma L\rho[(1-\lambda)^2C+\lambda^2]+L\gamma^2[(1+2L^2\rho^2(1-\lambda)^2)C+2L^2\rho^2\lambda^2]`,
    hence linear convergence to the neighbourhood :math:`N/(\gamma\mu)`. The conditions are those of
    the official code's "old" rule (provenance CODE) and are exactly what the one-step inequality
    needs (sympy check in the tests). Deterministic USAM (A = C = 0, λ = 0) has N = 0: exact linear
    convergence; any λ > 0 leaves a neighbourhood. Checked at every t (Monte-Carlo mean for
    stochastic runs).
    """
    mu, L, A, B, C, lam = _pl_constants(ctx)
    rho, gamma = ctx.instance.rho, ctx.instance.eta
    ctx.require(isinstance(rho, (int, float)) and isinstance(gamma, (int, float)),
                "constant rho and eta (gamma) are required; see unifiedsam.pl.decreasing for schedules")
    if ctx.unmet:
        return 0.0
    rho, gamma = float(rho), float(gamma)
    _check_conditions(ctx, rho, gamma, mu, L, A, B, lam)
    ctx.require(gamma * mu <= 1, "needs gamma mu <= 1 (to unroll the recursion)")
    N = S.pl_one_step_noise(rho, gamma, L, C, lam)
    q = 1 - gamma * mu

    def bound(t):
        t = np.asarray(t, dtype=float)
        geometric = np.where(q == 1, t, (1 - q ** t) / (1 - q)) if q != 1 else t
        return q ** t * ctx.delta + N * geometric
    return bound


def _schedule_values(param, steps):
    if isinstance(param, Schedule):
        return np.asarray(param.values(steps), dtype=float).reshape(steps)
    return np.full(steps, float(param))


def decreasing_rules(base="new"):
    """Instance fields for the decreasing schedules built on the "new"/"old" constants."""
    def schedule(which):
        def f(ctx):
            mu, L, A, B, C, lam = _pl_constants(ctx)
            rho_s, eta_s = S.decreasing_rule(mu, L, A, B, lam, base=base)
            return rho_s if which == "rho" else eta_s
        return f
    return {"eta": Rule(schedule("eta"), f"decreasing ({base})"), "rho": Rule(schedule("rho"), f"decreasing ({base})")}


@theorem(
    id="unifiedsam.pl.decreasing", title="Unified SAM, PL, decreasing steps: O(1/t) to the exact minimum",
    paper=PAPER, result="Theorem 3.5 (README numbering); bound and constants derived", provenance="derived",
    kind="upper", check="every-t", function_class=("pl", "globally-smooth"), methods=("unified", "sam", "usam"),
    setting="any", measure_name="E f(x_t) - f*", measure=M.loss, proof=PROOF,
    statement=r"\rho_t=\min\{\bar\rho,\tfrac1{2t+1}\},\ \gamma_t=\min\{\bar\gamma,\tfrac{2t+1}{(t+1)^2\mu}\}:\ r_{t+1}\le(1-\gamma_t\mu)r_t+N(\rho_t,\gamma_t),\ \ r_T\le\frac{t_0^2r_{t_0}}{T^2}+\frac1T\Big[\frac{LK_1}{\mu}+\frac{4LK_2}{\mu^2}\Big]",
    instances=(Instance("least-squares", method="unified", lam=1.0, x0=np.ones(5), steps=4000, **decreasing_rules()),
               Instance("least-squares", method="unified", lam=0.5, x0=np.ones(5), steps=4000, **decreasing_rules()),
               Instance("quadratic", method="unified", lam=0.5, x0=np.ones(3), steps=4000, trajectories=200,
                        noise="gaussian", sigma=0.5, **decreasing_rules())))
def pl_decreasing(ctx):
    r"""**Unified SAM on a PL function with the decreasing schedules** (derived).

    With :math:`(\bar\rho,\bar\gamma)` satisfying the constant-step conditions,
    :math:`\rho_t=\min\{\bar\rho,1/(2t+1)\}`, :math:`\gamma_t=\min\{\bar\gamma,(2t+1)/((t+1)^2\mu)\}`
    satisfy them at every t (γ_max is decreasing in ρ), so
    :math:`r_{t+1}\le(1-\gamma_t\mu)r_t+N(\rho_t,\gamma_t)`; this recursion is the bound checked at
    every t. Once γ_t is on its decreasing branch (t ≥ t₀), multiplying by (t+1)² and telescoping
    gives :math:`r_T\le t_0^2r_{t_0}/T^2+[LK_1/\mu+4LK_2/\mu^2]/T` with
    :math:`K_1=(1-\lambda)^2C+\lambda^2`, :math:`K_2=(1+2L^2\bar\rho^2(1-\lambda)^2)C+2L^2\bar\rho^2\lambda^2`:
    O(1/T) convergence to the exact minimum for every λ.
    """
    mu, L, A, B, C, lam = _pl_constants(ctx)
    if ctx.unmet:
        return 0.0
    steps = ctx.instance.steps
    rho_t = _schedule_values(ctx.instance.rho, steps)
    gamma_t = _schedule_values(ctx.instance.eta, steps)
    rmax = S.rho_max(mu, L, A, B, lam)
    ctx.require(np.all(rho_t < rmax), f"needs rho_t < rho_max = {rmax:.6g} at every t")
    if np.all(rho_t < rmax):
        gmax = S.gamma_max(rho_t, mu, L, A, B, lam)
        ctx.require(np.all(gamma_t <= gmax * (1 + 1e-12)), "needs gamma_t <= gamma_max(rho_t) at every t")
    ctx.require(np.all(gamma_t * mu <= 1), "needs gamma_t mu <= 1 at every t")
    N = S.pl_one_step_noise(rho_t, gamma_t, L, C, lam)  # elementwise over the schedule

    def bound(t):
        B_t = np.empty(steps + 1)
        B_t[0] = 0.0
        # B_t = r_0 prod(1 - gamma mu) + accumulated noise, computed as (factor, offset) so the
        # per-trajectory Delta enters linearly
        factor = np.concatenate([[1.0], np.cumprod(1 - gamma_t * mu)])
        for s in range(steps):
            B_t[s + 1] = (1 - gamma_t[s] * mu) * B_t[s] + N[s]
        idx = np.asarray(t).astype(int)
        return factor[idx] * ctx.delta + B_t[idx]
    return bound


def _weighted_avg_gradsq(run):
    """Σ_{t<T} w_t E||∇f(x_t)||² / Σ_{t<T} w_t with w_t = (1+q)^-(t+1), for every T ≥ 1."""
    g2 = M.gradsq(run)
    q = run.ctx._nonconvex_q
    w = (1 + q) ** -(np.arange(g2.shape[0]) + 1.0)
    num = np.cumsum(w[:, None] * g2, axis=0)
    den = np.cumsum(w)
    return (num / den[:, None])[:-1]


@theorem(
    id="unifiedsam.nonconvex", title="Unified SAM, nonconvex: weighted average of E||∇f||² ≤ 2Δ/(γW) + 2N/γ",
    paper=PAPER, result="Theorem 3.7 (README numbering); bound and constants derived", provenance="derived",
    kind="upper", check="every-t", function_class=("globally-smooth",), methods=("unified", "sam", "usam"),
    setting="any", measure_name="sum_{t<T} w_t E||grad f(x_t)||^2 / sum_{t<T} w_t, w_t = (1+q)^-(t+1)",
    measure=_weighted_avg_gradsq, proof=PROOF,
    statement=r"L\rho(1+2(1-\lambda)^2B)+2L\gamma MB\le1:\ \ \frac{\sum_{t<T}w_t\mathbb E\|\nabla f(x_t)\|^2}{\sum_{t<T}w_t}\le\frac{2\Delta}{\gamma W_T}+2L\rho[(1-\lambda)^2C+\lambda^2]+2L\gamma[MC+2L^2\rho^2\lambda^2]",
    instances=(Instance("robust-regression", method="unified", lam=0.5, eta=0.02, rho=0.02, x0=np.ones(5), steps=2000),
               Instance("cosine", method="sam", eta=0.1, rho=0.1, x0=[0.9], steps=2000, trajectories=100,
                        noise="gaussian", sigma=0.3),
               Instance("pl-sine", method="usam", eta=0.02, rho=0.02, x0=[2.5], steps=2000, trajectories=100,
                        noise="rademacher", sigma=1.0, same_sample=True)))
def nonconvex(ctx):
    r"""**Unified SAM on a nonconvex L-smooth function** (derived; no PL).

    With :math:`M=1+2L^2\rho^2(1-\lambda)^2`, under :math:`L\rho(1+2(1-\lambda)^2B)+2L\gamma MB\le1`
    the one-step inequality gives :math:`\delta_{t+1}\le(1+q)\delta_t-\frac\gamma2\mathbb E\|\nabla f(x_t)\|^2+N`
    with :math:`q=2A(\gamma L\rho(1-\lambda)^2+L\gamma^2M)`; weighting by :math:`w_t=(1+q)^{-(t+1)}`
    (Khaled & Richtárik) and telescoping bounds the weighted average by
    :math:`2\Delta/(\gamma W_T)+2N/\gamma` with :math:`W_T=\sum_{t<T}w_t\ge T(1+q)^{-T}`. With
    :math:`\gamma,\rho=\Theta(1/\sqrt T)` this is :math:`\mathcal O(1/\sqrt T)`; with constant ρ and
    λ > 0 a floor :math:`2L\rho\lambda^2` remains (the O(ρ) analogue of Si & Yun's O(ρ²) terms).
    """
    ctx.need("beta")
    _sampling_conditions(ctx)
    lam = _lam(ctx)
    rho, gamma = ctx.instance.rho, ctx.instance.eta
    ctx.require(isinstance(rho, (int, float)) and isinstance(gamma, (int, float)), "constant rho and eta required")
    if ctx.unmet:
        return 0.0
    rho, gamma = float(rho), float(gamma)
    L, A, B, C = ctx.L, ctx.A, ctx.B, ctx.C
    Mval = 1 + 2 * L ** 2 * rho ** 2 * (1 - lam) ** 2
    lhs = L * rho * (1 + 2 * (1 - lam) ** 2 * B) + 2 * L * gamma * Mval * B
    ctx.require(lhs <= 1 + 1e-12, f"needs L rho (1 + 2(1-lam)^2 B) + 2 L gamma M B <= 1 (it is {lhs:.4g})")
    q = 2 * A * (gamma * L * rho * (1 - lam) ** 2 + L * gamma ** 2 * Mval)
    ctx._nonconvex_q = q
    floor = 2 * L * rho * ((1 - lam) ** 2 * C + lam ** 2) + 2 * L * gamma * (Mval * C + 2 * L ** 2 * rho ** 2 * lam ** 2)

    def bound(t):
        T = np.asarray(t, dtype=float) + 1
        W = np.where(q == 0, T, (1 - (1 + q) ** -T) / q) if q > 0 else T
        return 2 * ctx.delta / (gamma * W) + floor
    return bound
