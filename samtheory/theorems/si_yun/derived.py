r"""Our explicit-constant bounds D1–D6 for practical SAM (``siyun.derived.*``), checked at every
step; proofs in ``docs/proofs/si-yun-derived.md``."""
from __future__ import annotations


import numpy as np

from .. import measures as M
from .._instance import Instance, Terms
from ..registry import theorem
from ._shared import PAPER, DERIVED_PROOF, X3, _const


# ---------------------------------------------------------------------------------------------
# D1–D6: explicit constants (derived)
# ---------------------------------------------------------------------------------------------

@theorem(
    id="siyun.derived.d1", title="D1: f(x_T) − f* ≤ max{(1−ημ)^T Δ, β⁴η²ρ²/μ}",
    paper=PAPER, result="D1 (derived, docs/proofs/si-yun-derived.md §1)", provenance="derived", kind="upper", check="every-t",
    function_class=("strongly-convex", "globally-smooth"), methods=("sam",), setting="deterministic",
    measure_name="f(x_t) - f*", measure=M.loss, proof=DERIVED_PROOF,
    statement=r"\eta\le\tfrac1{2\beta}:\ f(x_t)-f^*\le\max\{(1-\eta\mu)^t\Delta,\ \beta^4\eta^2\rho^2/\mu\}",
    instances=(Instance("quadratic", eta=0.05, rho=0.1, x0=X3, steps=1500),
               Instance("quadratic-dense", eta=0.1, rho=0.2, x0=np.ones(5), steps=1500),
               Instance("asymmetric-quadratic", eta=0.5, rho=0.3, x0=[3.0], steps=1500),
               # the floor regime (the search's tail candidate): a cycle that uses 0.49 of the floor
               Instance("asymmetric-quadratic", function_args=dict(mu=0.99, beta=1.0), eta=0.01, rho=1.0,
                        x0=[1e-4], steps=3000)))
def d1(ctx):
    r"""**D1.** Deterministic SAM, β-smooth μ-strongly convex f, any :math:`0<\eta\le\frac1{2\beta}`,
    :math:`\rho\ge0`: :math:`f(x_t)-f^*\le\max\{(1-\eta\mu)^t\Delta,\beta^4\eta^2\rho^2/\mu\}` at every t.
    Derived (not the paper's constants); proof in ``docs/proofs/si-yun-derived.md``."""
    ctx.need("beta", "mu")
    ctx.require(ctx.mu is not None and ctx.mu > 0, "needs mu > 0")
    eta, rho = _const(ctx, "eta"), _const(ctx, "rho")
    if ctx.beta:
        ctx.require(eta <= 1 / (2 * ctx.beta), f"needs eta <= 1/(2 beta) = {1 / (2 * ctx.beta):.4g}")
    beta, mu = ctx.beta or 0.0, ctx.mu or 1.0
    return Terms(decaying={"contraction": lambda t: (1 - eta * mu) ** t * ctx.delta},
                 limit={"floor": beta ** 4 * eta ** 2 * rho ** 2 / mu}, combine="max")


@theorem(
    id="siyun.derived.d2", title="D2: (1/T)Σ||∇f||² ≤ 4Δ/(3ηT) + (2/3)β³ηρ²",
    paper=PAPER, result="D2 (derived, docs/proofs/si-yun-derived.md §2)", provenance="derived", kind="upper", check="every-t",
    function_class=("convex", "globally-smooth"), methods=("sam",), setting="deterministic",
    measure_name="(1/T) sum_{t<T} ||grad f(x_t)||^2", measure=M.avg_gradsq_from_one, proof=DERIVED_PROOF,
    statement=r"\eta\le\tfrac1{2\beta}:\ \frac1T\sum_{t<T}\|\nabla f(x_t)\|^2\le\frac{4\Delta}{3\eta T}+\frac23\beta^3\eta\rho^2",
    instances=(Instance("logcosh", eta=0.2, rho=0.1, x0=X3, steps=1500),
               Instance("huber", eta=0.5, rho=0.2, x0=[3.0, -2.0], steps=1500),
               Instance("quadratic-rank-deficient", eta=0.1, rho=0.1, x0=X3, steps=1500),
               # the neighbourhood regime: SAM's 2-cycle at eta beta = 1/2 uses 0.37 of (2/3) beta^3 eta rho^2
               Instance("quadratic-1d", function_args=dict(curvature=1.0), eta=0.5, rho=1.0, x0=[1e-3], steps=1000)))
def d2(ctx):
    r"""**D2.** Deterministic SAM, β-smooth convex f, :math:`\eta\le\frac1{2\beta}`:
    :math:`\frac1T\sum_{t<T}\|\nabla f(x_t)\|^2\le\frac{4\Delta}{3\eta T}+\frac23\beta^3\eta\rho^2` for every T.
    Derived; proof in ``docs/proofs/si-yun-derived.md``."""
    ctx.need("beta")
    eta, rho = _const(ctx, "eta"), _const(ctx, "rho")
    if ctx.beta:
        ctx.require(eta <= 1 / (2 * ctx.beta), f"needs eta <= 1/(2 beta) = {1 / (2 * ctx.beta):.4g}")
    beta = ctx.beta or 0.0
    return lambda t: 4 * ctx.delta / (3 * eta * (t + 1)) + (2 / 3) * beta ** 3 * eta * rho ** 2


@theorem(
    id="siyun.derived.d3", title="D3: (1/T)Σ||∇f||² ≤ 4Δ/(ηT) + 3β²ρ²",
    paper=PAPER, result="D3 (derived, docs/proofs/si-yun-derived.md §3)", provenance="derived", kind="upper", check="every-t",
    function_class=("globally-smooth",), methods=("sam",), setting="deterministic",
    measure_name="(1/T) sum_{t<T} ||grad f(x_t)||^2", measure=M.avg_gradsq_from_one, proof=DERIVED_PROOF,
    statement=r"\eta\le\tfrac1{4\beta}:\ \frac1T\sum_{t<T}\|\nabla f(x_t)\|^2\le\frac{4\Delta}{\eta T}+3\beta^2\rho^2",
    instances=(Instance("cosine", eta=0.25, rho=0.1, x0=[[0.31], [0.9], [-0.5]], trajectories=3, steps=1500),
               Instance("pl-sine", eta=0.03, rho=0.05, x0=[2.5], steps=1500),
               Instance("robust-regression", eta=0.05, rho=0.05, x0=np.ones(5), steps=1500)))
def d3(ctx):
    r"""**D3.** Deterministic SAM, β-smooth f bounded below, :math:`\eta\le\frac1{4\beta}`:
    :math:`\frac1T\sum_{t<T}\|\nabla f(x_t)\|^2\le\frac{4\Delta}{\eta T}+3\beta^2\rho^2`.
    Derived; proof in ``docs/proofs/si-yun-derived.md``."""
    ctx.need("beta")
    eta, rho = _const(ctx, "eta"), _const(ctx, "rho")
    if ctx.beta:
        ctx.require(eta <= 1 / (4 * ctx.beta), f"needs eta <= 1/(4 beta) = {1 / (4 * ctx.beta):.4g}")
    beta = ctx.beta or 0.0
    return lambda t: 4 * ctx.delta / (eta * (t + 1)) + 3 * beta ** 2 * rho ** 2


def _fixed_point_terms(run):
    """(||∇f(x_t)||, ||x_{t+1} − x_t||/η, ||x_t|| + ||x_{t+1}||) for t < T, from the iterates."""
    x = run.result.x_history
    x = x.reshape(x.shape[0], -1, x.shape[-1])
    eta = float(run.ctx.instance.eta)
    size = M.norm(x)
    return M.norm(run.ctx.objective.grad(x[:-1])), M.norm(np.diff(x, axis=0)) / eta, (size[:-1] + size[1:]) / eta


def _fixed_point_measure(run):
    """||∇f(x_t)|| − ||x_{t+1} − x_t||/η for t < T (equals ||∇f|| at a fixed point)."""
    grad_norm, step, _ = _fixed_point_terms(run)
    return grad_norm - step


def _fixed_point_rounding(run):
    """The measure subtracts two norms computed from rounded iterates: ||x_{t+1} - x_t|| carries an
    absolute error up to a few ulps of |x_t| + |x_{t+1}| (divided by eta), and ||grad f(x_t)|| a few
    ulps of the terms it is summed from, about beta |x_t| + ||grad f(0)|| (near a minimizer x* != 0
    of a ridge sum they cancel to ~1e-17, which a bound beta rho = 0 would otherwise call a
    violation); 8 eps times these covers both (plus 8 subnormal spacings, for iterates that have
    decayed into the subnormal range)."""
    grad_norm, _, size = _fixed_point_terms(run)
    eta = float(run.ctx.instance.eta)
    x = run.result.x_history
    x = x.reshape(x.shape[0], -1, x.shape[-1])[:-1]
    terms = (run.ctx.beta or 0.0) * M.norm(x) + M.value_and_slope_at_zero(run.ctx.objective)[1]
    # below 2.2e-308 floats are subnormal: their spacing is absolute (4.9e-324), not relative
    subnormal = 8 * np.finfo(float).smallest_subnormal * (1 + 1 / eta)
    return 8 * np.finfo(float).eps * (size + grad_norm + terms) + subnormal


@theorem(
    id="siyun.derived.fixed-point", title="D4: SAM can only stall where ||∇f|| ≤ βρ",
    paper=PAPER, result="D4 (derived, docs/proofs/si-yun-derived.md §4)", provenance="derived", kind="upper", check="every-t",
    function_class=("globally-smooth",), methods=("sam",), setting="deterministic",
    measure_name="||grad f(x_t)|| - ||x_{t+1} - x_t|| / eta", measure=_fixed_point_measure, needs_history=True,
    rounding=_fixed_point_rounding, ratio_from=0,
    proof=DERIVED_PROOF, statement=r"\|\nabla f(x_t)\|\le\beta\rho+\|x_{t+1}-x_t\|/\eta\ \ (\text{so }\|\nabla f\|\le\beta\rho\text{ at fixed points})",
    instances=(Instance("cosine", eta=0.5, rho=0.1, x0=[[0.31], [0.9], [-0.5]], trajectories=3, steps=500),
               Instance("cosine-unit", eta=0.3, rho=4.0, x0=[[-3.7], [2.0]], trajectories=2, steps=500),
               Instance("quadratic", eta=0.1, rho=0.05, x0=X3, steps=500)))
def fixed_point(ctx):
    r"""**D4.** For any iterate, :math:`\|\nabla f(x_t)\|\le\beta\rho+\|x_{t+1}-x_t\|/\eta`; in particular a
    non-stationary fixed point of SAM has :math:`\|\nabla f\|\le\beta\rho`. Derived:
    :math:`x_{t+1}-x_t=-\eta\nabla f(y_t)` and :math:`\|\nabla f(x_t)-\nabla f(y_t)\|\le\beta\rho`."""
    ctx.need("beta")
    rho = _const(ctx, "rho")
    _const(ctx, "eta")
    return (ctx.beta or 0.0) * rho


def _d56(ctx, same_sample):
    ctx.need("beta")
    eta, rho = _const(ctx, "eta"), _const(ctx, "rho")
    ctx.require(ctx.instance.noise is not None,
                "needs an additive-noise oracle (variance bounded by sigma^2 everywhere, components beta-smooth)")
    ctx.require(bool(ctx.instance.same_sample) == same_sample,
                "D6 is for same-sample SAM" if same_sample else "D5 is for independent-sample SAM")
    if ctx.beta:
        ctx.require(eta <= 1 / (4 * ctx.beta), f"needs eta <= 1/(4 beta) = {1 / (4 * ctx.beta):.4g}")
    return eta, rho, (ctx.beta or 0.0), ctx.sigma


def _d56_nonconvex(same_sample):
    def bound(ctx):
        eta, rho, beta, sigma = _d56(ctx, same_sample)
        c = 4 if same_sample else 2
        return lambda t: 4 * ctx.delta / (eta * (t + 1)) + 3 * beta ** 2 * rho ** 2 + c * beta * eta * sigma ** 2
    return bound


def _d56_pl(same_sample):
    def bound(ctx):
        eta, rho, beta, sigma = _d56(ctx, same_sample)
        ctx.need("pl")
        mu = ctx.pl or 1.0
        c = 2 if same_sample else 1
        return lambda t: ((1 - eta * mu / 2) ** t * ctx.delta + 3 * beta ** 2 * rho ** 2 / (2 * mu)
                          + c * beta * eta * sigma ** 2 / mu)
    return bound


_STOCH = dict(paper=PAPER, provenance="derived", kind="upper", check="every-t", methods=("sam",),
              setting="stochastic", proof=DERIVED_PROOF)

#: D5/D6 PL in their neighbourhood regime, rounded from the worst-case search's tail candidates
#: (samtheory search siyun.derived.d5.pl / d6.pl, budget 600, seed 0): once (1 - eta mu/2)^t Delta
#: has decayed, E f - f* uses about 0.3 (D5) and 0.19 (D6) of the rho^2 and noise terms
_NEIGHBOURHOOD_PL = {
    False: Instance("quadratic-1d", function_args=dict(curvature=0.25), eta=0.55, rho=0.025, noise="rademacher",
                    sigma=0.08, x0=[-0.58], trajectories=256, steps=600, same_sample=False),
    True: Instance("quadratic-1d", function_args=dict(curvature=3.5), eta=0.07, rho=0.2, noise="gaussian",
                   sigma=2.5, x0=[0.0], trajectories=256, steps=400, same_sample=True),
}

for _same, _tag, _row in ((False, "d5", "D5"), (True, "d6", "D6")):
    _nc = _d56_nonconvex(_same)
    _nc.__doc__ = (rf"""**{_row}, nonconvex.** Stochastic SAM with {'the same sample for ascent and descent' if _same else 'independent ascent and descent samples'},
    β-smooth f, unbiased gradients with variance ≤ σ², :math:`\eta\le\frac1{{4\beta}}`:
    :math:`\frac1T\sum_{{t<T}}\mathbb E\|\nabla f(x_t)\|^2\le\frac{{4\Delta}}{{\eta T}}+3\beta^2\rho^2+{4 if _same else 2}\beta\eta\sigma^2`.
    Derived; proof in ``docs/proofs/si-yun-derived.md``.""")
    theorem(id=f"siyun.derived.{_tag}.nonconvex", title=f"{_row}: stochastic, (1/T)ΣE||∇f||² ≤ 4Δ/(ηT) + 3β²ρ² + {4 if _same else 2}βησ²",
            result=f"{_row} (derived, docs/proofs/si-yun-derived.md §{6 if _row == 'D5' else 7})", function_class=("globally-smooth",),
            measure_name="(1/T) sum_{t<T} E||grad f(x_t)||^2", measure=M.avg_gradsq_from_one,
            statement=rf"\frac1T\sum_{{t<T}}\mathbb E\|\nabla f(x_t)\|^2\le\frac{{4\Delta}}{{\eta T}}+3\beta^2\rho^2+{4 if _same else 2}\beta\eta\sigma^2",
            instances=(Instance("cosine", eta=0.25, rho=0.1, noise="gaussian", sigma=0.5, x0=[0.9],
                                trajectories=100, steps=1500, same_sample=_same),
                       Instance("pl-sine", eta=0.03, rho=0.05, noise="rademacher", sigma=1.0, x0=[2.5],
                                trajectories=100, steps=1500, same_sample=_same),
                       # the noise term alone (rho = 0, started at the minimizer; the search's tail
                       # candidate for D5): 0.28 of it used with independent samples, 0.14 with one
                       Instance("pl-sine", eta=0.027, rho=0.0, noise="gaussian", sigma=0.07, x0=[0.0],
                                trajectories=256, steps=600, same_sample=_same)), **_STOCH)(_nc)
    _pl = _d56_pl(_same)
    _pl.__doc__ = (rf"""**{_row}, PL.** As {_row} nonconvex, with f μ-PL:
    :math:`\mathbb Ef(x_t)-f^*\le(1-\frac{{\eta\mu}}2)^t\Delta+\frac{{3\beta^2\rho^2}}{{2\mu}}+\frac{{{'2' if _same else ''}\beta\eta\sigma^2}}{{\mu}}`.
    Derived; proof in ``docs/proofs/si-yun-derived.md``.""")
    theorem(id=f"siyun.derived.{_tag}.pl", title=f"{_row}: stochastic PL, E f − f* ≤ (1−ημ/2)^tΔ + 3β²ρ²/(2μ) + {'2' if _same else ''}βησ²/μ",
            result=f"{_row} (derived, docs/proofs/si-yun-derived.md §{6 if _row == 'D5' else 7})", function_class=("pl", "globally-smooth"),
            measure_name="E f(x_t) - f*", measure=M.loss,
            statement=rf"\mathbb Ef(x_t)-f^*\le(1-\tfrac{{\eta\mu}}2)^t\Delta+\frac{{3\beta^2\rho^2}}{{2\mu}}+\frac{{{'2' if _same else ''}\beta\eta\sigma^2}}{{\mu}}",
            instances=(Instance("asymmetric-quadratic", eta=0.05, rho=0.1, noise="rademacher", sigma=1.0, x0=[2.0],
                                trajectories=200, steps=1500, same_sample=_same),
                       Instance("pl-sine", eta=0.03, rho=0.05, noise="gaussian", sigma=1.0, x0=[2.5],
                                trajectories=100, steps=1500, same_sample=_same),
                       _NEIGHBOURHOOD_PL[_same]), **_STOCH)(_pl)
