r"""Our derived bounds D1, D2, D3′, D5/D6 and D5/D6 + β²ρ² as functions of the horizon :math:`T` and
step size :math:`\eta`: the poster rows P1, P3–P7 use them as certificates (and, without the
noise term, as envelopes) in their rate checks; P1's step-size rule lives here too, since it is
D1's schedule. Proofs in ``docs/proofs/si-yun-derived.md``."""
from __future__ import annotations

import math
from functools import partial

import numpy as np


def _p1_step(ctx, T):
    """η_T = ln(max{e, μ³ΔT²/(β⁴ρ²)})/(μT), the decreasing branch of the D1 schedule
    min{1/(2β), ·} (``docs/proofs/si-yun-derived.md`` §1). Every horizon must be on that branch: where the cap 1/(2β)
    is active the step is constant and the run is not yet in the regime the rate describes."""
    beta, mu, rho = ctx.beta, ctx.mu, float(ctx.rho)
    ctx.require(ctx.delta is not None, "needs a given starting point x0 (the step size uses Delta)")
    delta = float(np.max(ctx.delta)) if ctx.delta is not None else 1.0
    arg = max(math.e, mu ** 3 * delta * T ** 2 / (beta ** 4 * rho ** 2)) if rho > 0 else math.e
    eta = math.log(arg) / (mu * T)
    ctx.require(eta <= 1 / (2 * beta), f"horizon T = {T} is too small: the step ln(.)/(mu T) = {eta:.3g} exceeds 1/(2 beta)")
    return eta


def _d1_certificate(ctx, T, eta):
    """D1 at horizon T: f(x_T) − f* ≤ max{(1−ημ)^T Δ, β⁴η²ρ²/μ} (and min_t ≤ last)."""
    beta, mu, rho = ctx.beta, ctx.mu, float(ctx.rho)
    return np.maximum((1 - eta * mu) ** T * np.max(ctx.delta), beta ** 4 * eta ** 2 * rho ** 2 / mu), 0.0


def _d2_certificate(ctx, T, eta):
    """D2 at horizon T: (1/T)Σ||∇f||² ≤ 4Δ/(3ηT) + (2/3)β³ηρ²."""
    return 4 * np.max(ctx.delta) / (3 * eta * T) + (2 / 3) * ctx.beta ** 3 * eta * float(ctx.rho) ** 2, 0.0


def _d3_prime_certificate(ctx, T, eta):
    """D3′ at horizon T: (1/T)Σ||∇f||² ≤ 2Δ/(ηT) + β²ρ² for η ≤ 1/β (P4's additive constant
    exactly; ``docs/proofs/si-yun-derived.md`` §3′). None without a known f* (no Δ) or above 1/β."""
    if ctx.delta is None or not ctx.beta or eta > 1 / ctx.beta:
        return None
    additive = (ctx.beta * float(ctx.rho)) ** 2
    return 2 * np.max(ctx.delta) / (eta * T) + additive, additive


def _noise_constant(ctx):
    """c in the D5/D6 noise terms: the oracle must be additive noise (variance exactly sigma^2)."""
    if ctx.instance.noise is None:
        return None
    return 2.0 if ctx.instance.same_sample else 1.0


def _d56_pl_bound(ctx, T, eta, *, noise=True):
    """D5 (independent) / D6 (same sample), PL form, with mu = the strong-convexity constant:
    E f(x_T) - f* <= (1 - eta mu/2)^T Delta + 3 beta^2 rho^2/(2 mu) + c beta eta sigma^2/mu.
    ``noise=False`` drops the noise term (``Theorem.envelope``: the same curve for any oracle,
    including sampled finite sums whose variance bound is not known)."""
    c = _noise_constant(ctx) if noise else 0.0
    if c is None or eta > 1 / (4 * ctx.beta):
        return None
    beta, mu, rho = ctx.beta, ctx.mu, float(ctx.rho)
    additive = 3 * beta ** 2 * rho ** 2 / (2 * mu)
    noise_term = c * beta * eta * ctx.sigma ** 2 / mu if c else 0.0
    return (1 - eta * mu / 2) ** T * np.max(ctx.delta) + additive + noise_term, additive


def _d56_nonconvex_bound(ctx, T, eta, *, noise=True):
    """D5/D6 nonconvex form: (1/T)Σ E||∇f||² ≤ 4Δ/(ηT) + 3β²ρ² + 2cβησ² (``noise`` as above)."""
    c = _noise_constant(ctx) if noise else 0.0
    if c is None or eta > 1 / (4 * ctx.beta):
        return None
    beta, rho = ctx.beta, float(ctx.rho)
    additive = 3 * beta ** 2 * rho ** 2
    noise_term = 2 * c * beta * eta * ctx.sigma ** 2 if c else 0.0
    return 4 * np.max(ctx.delta) / (eta * T) + additive + noise_term, additive


def _p7_bound(ctx, T, eta, *, noise=True):
    """(a − b)² ≤ a² + b² for a, b ≥ 0, then D5/D6: ≤ 4Δ/(ηT) + 4β²ρ² + 2cβησ² (``noise`` as above)."""
    base = _d56_nonconvex_bound(ctx, T, eta, noise=noise)
    if base is None:
        return None
    extra = (ctx.beta * float(ctx.rho)) ** 2
    return base[0] + extra, base[1] + extra


_d56_pl_certificate, _d56_pl_envelope = partial(_d56_pl_bound, noise=True), partial(_d56_pl_bound, noise=False)
_d56_nonconvex_certificate = partial(_d56_nonconvex_bound, noise=True)
_d56_nonconvex_envelope = partial(_d56_nonconvex_bound, noise=False)
_p7_certificate, _p7_envelope = partial(_p7_bound, noise=True), partial(_p7_bound, noise=False)
