"""Symbolic (sympy) checks of the algebraic steps of the proofs in docs/proofs/*.md.

Each test asserts an identity (difference simplifies to 0) or an inequality (an explicit
nonnegative form, or a sign on a dense grid of exact rationals), and ties the formulas of the
proofs to the functions of the package that the registry uses, so that a change of either
side fails here.
"""
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from samtheory import stepsizes as S
from samtheory.theorems import THEOREMS
from samtheory.theorems import khanh as KH
from samtheory.theorems import literature as LIT
from samtheory import closed_forms as SY
from samtheory.theorems import make_context

pos = dict(positive=True)
L, mu, rho, gamma, lam, A, B, C = sp.symbols("L mu rho gamma lambda A B C", **pos)
beta, eta, sigma, Delta, T = sp.symbols("beta eta sigma Delta T", **pos)


def zero(expr):
    return sp.simplify(sp.expand(expr)) == 0


def assert_rel_close(actual, expected, rtol):
    """Elementwise |actual - expected| <= rtol |expected| with no absolute floor.

    ``np.allclose``/``np.isclose`` add ``atol=1e-8`` by default, which swamps values of order
    1e-9 and below (the P2 floors are 1e-9 .. 1e-12): a value off by a factor 4 would pass.
    Every numeric comparison of this file is relative (or its absolute slack is justified on
    the spot), so that a wrong constant fails at every scale.
    """
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=rtol, atol=0)


# ============================================================================================
# Unified SAM (docs/proofs/unified-sam.md)
# ============================================================================================

k = B * mu + A
M = 1 + 2 * L ** 2 * rho ** 2 * (1 - lam) ** 2
K_gamma = gamma * L * rho * (1 - lam) ** 2 + L * gamma ** 2 * M
GAMMA_MAX = (mu - L * rho * (mu + 2 * k * (1 - lam) ** 2)) / (2 * L * k * (2 * L ** 2 * rho ** 2 * (1 - lam) ** 2 + 1))
RHO_MAX = mu / (L * (mu + 2 * k * (1 - lam) ** 2))


def test_unified_young_and_step_bounds_are_sums_of_squares():
    a, b, G, F = sp.symbols("a b G F", nonnegative=True)
    # (a+b)^2 <= 2a^2 + 2b^2
    assert zero(2 * a ** 2 + 2 * b ** 2 - (a + b) ** 2 - (a - b) ** 2)
    # Young with weight L rho: L rho F u <= (L rho/2) F^2 + (L rho/2) u^2, and u^2/2 <= (1-lam)^2 G^2 + lam^2
    u = (1 - lam) * G + lam
    assert zero(L * rho * (F ** 2 / 2 + u ** 2 / 2) - L * rho * F * u - L * rho * (F - u) ** 2 / 2)
    assert zero(((1 - lam) ** 2 * G ** 2 + lam ** 2) - u ** 2 / 2 - ((1 - lam) * G - lam) ** 2 / 2)
    # ||h||^2 <= 2||g||^2 + 2 L^2 rho^2 u^2 <= 2M||g||^2 + 4 L^2 rho^2 lam^2
    step = 2 * G ** 2 + 4 * L ** 2 * rho ** 2 * ((1 - lam) ** 2 * G ** 2 + lam ** 2)
    assert zero(step - (2 * M * G ** 2 + 4 * L ** 2 * rho ** 2 * lam ** 2))


def test_unified_noise_term_matches_package():
    N_proof = C * K_gamma + gamma * L * rho * lam ** 2 + 2 * L ** 3 * gamma ** 2 * rho ** 2 * lam ** 2
    N_doc = gamma * L * rho * ((1 - lam) ** 2 * C + lam ** 2) + L * gamma ** 2 * (M * C + 2 * L ** 2 * rho ** 2 * lam ** 2)
    assert zero(N_proof - N_doc)
    assert zero(N_proof - S.pl_one_step_noise(rho, gamma, L, C, lam))  # the package accepts symbols
    # the neighbourhood radius of the package is N/(gamma mu)
    assert zero(N_proof / (gamma * mu) - S.pl_neighbourhood(rho, gamma, mu, L, C, lam))


def test_unified_coefficient_condition_is_exactly_gamma_max():
    c = -gamma + gamma * L * rho / 2 + (k / mu) * K_gamma
    affine = sp.expand(2 * mu / gamma * (c + gamma / 2))
    assert zero(affine - (-mu + L * rho * mu + 2 * k * L * rho * (1 - lam) ** 2 + 2 * k * L * gamma * M))
    # affine in gamma with positive slope 2 k L M, root gamma_max: c <= -gamma/2 <=> gamma <= gamma_max
    assert sp.degree(affine, gamma) == 1
    slope = sp.diff(affine, gamma)
    assert zero(slope - 2 * k * L * M)
    root = sp.solve(sp.Eq(affine, 0), gamma)
    assert len(root) == 1 and zero(root[0] - GAMMA_MAX)
    # gamma_max > 0 <=> rho < rho_max: the numerator is affine decreasing in rho with root rho_max
    num = mu - L * rho * (mu + 2 * k * (1 - lam) ** 2)
    rroot = sp.solve(sp.Eq(num, 0), rho)
    assert len(rroot) == 1 and zero(rroot[0] - RHO_MAX)
    assert sp.diff(num, rho).is_negative
    # the package's formulas are these
    f_g = sp.lambdify((rho, mu, L, A, B, lam), GAMMA_MAX)
    f_r = sp.lambdify((mu, L, A, B, lam), RHO_MAX)
    rng = np.random.default_rng(0)
    for _ in range(300):
        m = rng.uniform(0.01, 1)
        Lv = m + rng.uniform(0, 10)
        a, b, lv = rng.uniform(0, 5), rng.uniform(0, 2), rng.uniform(0, 1)
        rv = rng.uniform(0, 1.2) * S.rho_max(m, Lv, a, b, lv)
        assert math.isclose(f_r(m, Lv, a, b, lv), S.rho_max(m, Lv, a, b, lv), rel_tol=1e-12)
        # relative only: gamma_max can be close to 0 (rho near rho_max; smallest |value| here is
        # ~7e-6), where an absolute slack would hide a wrong formula. rel_tol 1e-9 leaves room for
        # the cancellation in the numerator mu - L rho (...) near its root.
        assert math.isclose(f_g(rv, m, Lv, a, b, lv), S.gamma_max(rv, m, Lv, a, b, lv), rel_tol=1e-9, abs_tol=0)
        assert (S.gamma_max(rv, m, Lv, a, b, lv) > 0) == (rv < S.rho_max(m, Lv, a, b, lv))


def test_unified_one_step_factor_after_pl():
    # f - (gamma/2)||grad||^2 with ||grad||^2 >= 2 mu (f - f*) gives (1 - gamma mu)
    r = sp.symbols("r", nonnegative=True)
    assert zero((r - gamma / 2 * 2 * mu * r) - (1 - gamma * mu) * r)
    # gamma <= gamma_max <= mu/(2 L k): numerator <= mu, denominator >= 2 L k
    diff = sp.simplify(mu / (2 * L * k) - GAMMA_MAX)
    vals = [sp.Rational(p, q) for p, q in [(1, 10), (1, 3), (1, 1), (3, 1)]]
    for Lv, mv, av, bv, lv in itertools.product([1, 3], [sp.Rational(1, 10), 1], vals[:2], vals[:3], [0, sp.Rational(1, 2), 1]):
        if mv > Lv:
            continue
        rm = RHO_MAX.subs({L: Lv, mu: mv, A: av, B: bv, lam: lv})
        for frac in [0, sp.Rational(1, 3), sp.Rational(9, 10)]:
            assert diff.subs({L: Lv, mu: mv, A: av, B: bv, lam: lv, rho: frac * rm}) >= 0


def test_new_rule_satisfies_old_conditions_symbolically():
    s = sp.symbols("s", positive=True)  # s = min{1, mu/(2k(1-lam)^2)} <= 1, s 2k(1-lam)^2 <= mu
    r = s / (4 * L)
    lhs = L * r * (mu + 2 * k * (1 - lam) ** 2)
    # L rho (mu + 2k(1-lam)^2) = s mu/4 + s 2k(1-lam)^2/4 <= mu/4 + mu/4
    assert zero(lhs - (s * mu / 4 + s * 2 * k * (1 - lam) ** 2 / 4))
    # 2 L^2 rho^2 (1-lam)^2 = s^2 (1-lam)^2 / 8 <= 1/8
    assert zero(2 * L ** 2 * r ** 2 * (1 - lam) ** 2 - s ** 2 * (1 - lam) ** 2 / 8)
    # with numerator >= mu/2 and denominator <= (9/4) L k: gamma_max >= 2 mu/(9 L k) >= mu/(8 L k)
    assert sp.Rational(2, 9) > sp.Rational(1, 8)
    assert zero((mu / 2) / (sp.Rational(9, 4) * L * k) - 2 * mu / (9 * L * k))


def test_new_rule_satisfies_old_conditions_on_a_grid():
    grid = [0.01, 0.1, 0.5, 1.0, 4.0]
    count = 0
    for m, extra, a, b, lv in itertools.product(grid, [0.0, 0.5, 10.0], [0.0] + grid, [0.0, 0.5, 1.0], [0.0, 0.25, 0.5, 0.9, 1.0]):
        if a == 0 and b == 0:
            continue
        Lv = m + extra
        new = S.new_rule(m, Lv, a, b, lv)
        assert new.rho < S.rho_max(m, Lv, a, b, lv)
        assert new.gamma <= S.gamma_max(new.rho, m, Lv, a, b, lv) * (1 + 1e-12)
        assert S.satisfies_pl_conditions(new.rho, new.gamma, m, Lv, a, b, lv)
        # exact-rational recomputation of the two inequalities
        mq, Lq, aq, bq, lq = (Fraction(v).limit_denominator(10 ** 6) for v in (m, Lv, a, b, lv))
        kq = bq * mq + aq
        sq = Fraction(1) if lq == 1 else min(Fraction(1), mq / (2 * kq * (1 - lq) ** 2))
        rq = sq / (4 * Lq)
        gq = min(Fraction(2), mq / (8 * kq)) / Lq
        numq = mq - Lq * rq * (mq + 2 * kq * (1 - lq) ** 2)
        gmaxq = numq / (2 * Lq * kq * (2 * Lq ** 2 * rq ** 2 * (1 - lq) ** 2 + 1))
        assert numq >= mq / 2 and gq <= gmaxq
        count += 1
    assert count > 1000


def test_gamma_max_is_decreasing_in_rho():
    num = mu - L * rho * (mu + 2 * k * (1 - lam) ** 2)
    den = 2 * L * k * (2 * L ** 2 * rho ** 2 * (1 - lam) ** 2 + 1)
    assert zero(GAMMA_MAX - num / den)
    # quotient rule: d = (num' den - num den')/den^2 with num' < 0, den' >= 0
    d = (sp.diff(num, rho) * den - num * sp.diff(den, rho)) / den ** 2
    assert sp.diff(num, rho).is_negative and sp.diff(den, rho).is_nonnegative
    f = sp.lambdify((rho, mu, L, A, B, lam), d)
    for Lv, mv, av, bv, lv in itertools.product([1.0, 5.0], [0.05, 0.5], [0.0, 2.0], [0.0, 1.0], [0.0, 0.5, 1.0]):
        if av == 0 and bv == 0:
            continue
        rm = S.rho_max(mv, Lv, av, bv, lv)
        for fr in np.linspace(0, 0.999, 30):
            assert f(fr * rm, mv, Lv, av, bv, lv) <= 0


def test_decreasing_schedule_identities():
    t = sp.symbols("t", nonnegative=True, integer=True)
    g_t = (2 * t + 1) / ((t + 1) ** 2 * mu)
    r_t = 1 / (2 * t + 1)
    assert zero(1 - g_t * mu - t ** 2 / (t + 1) ** 2)
    assert zero((t + 1) ** 2 * g_t * r_t - 1 / mu)
    assert zero(4 / mu ** 2 - (t + 1) ** 2 * g_t ** 2 - (4 * t + 3) / ((t + 1) ** 2 * mu ** 2))
    assert zero(sp.diff((2 * t + 1) / (t + 1) ** 2, t) + 2 * t / (t + 1) ** 3)
    assert zero((t + 1) ** 2 - (2 * t + 1) - t ** 2)  # gamma_t mu <= 1
    # telescoping: sum_{t=t0}^{T-1} [(t+1)^2 r_{t+1} - t^2 r_t] = T^2 r_T - t0^2 r_{t0}
    rr = sp.Function("r")
    t0, TT = 3, 9
    tel = sum((s + 1) ** 2 * rr(s + 1) - s ** 2 * rr(s) for s in range(t0, TT))
    assert sp.expand(tel - (TT ** 2 * rr(TT) - t0 ** 2 * rr(t0))) == 0


@pytest.mark.parametrize("lv", [0.0, 0.5, 1.0])
def test_decreasing_schedule_closed_form_on_the_worst_case_recursion(lv):
    mv, Lv, av, bv, cv = 0.1, 1.0, 1.0, 0.0, 0.3
    rho_s, gamma_s = S.decreasing_rule(mv, Lv, av, bv, lv, base="new")
    steps = 6000
    rt, gt = rho_s.values(steps), gamma_s.values(steps)
    gmax = np.array([S.gamma_max(rv_, mv, Lv, av, bv, lv) for rv_ in rt[::50]])
    assert np.all(gt[::50] <= gmax * (1 + 1e-12)) and np.all(rt < S.rho_max(mv, Lv, av, bv, lv))
    rbar = S.new_rule(mv, Lv, av, bv, lv).rho
    r = np.empty(steps + 1)
    r[0] = 5.0
    for s in range(steps):
        r[s + 1] = (1 - gt[s] * mv) * r[s] + S.pl_one_step_noise(rt[s], gt[s], Lv, cv, lv)
    # gt ~ 1e-3..1e-2: the default atol=1e-8/rtol=1e-5 of np.isclose would be loose; on the branch
    # the package computes the same expression, so the values agree to rounding (rtol 1e-12)
    on_branch = np.nonzero(np.isclose(gt, (2 * np.arange(steps) + 1) / ((np.arange(steps) + 1) ** 2 * mv),
                                      rtol=1e-12, atol=0))[0]
    t0 = int(on_branch[0])
    assert np.all(np.diff(on_branch) == 1)  # stays on the decreasing branch
    K1 = (1 - lv) ** 2 * cv + lv ** 2
    K2 = (1 + 2 * Lv ** 2 * rbar ** 2 * (1 - lv) ** 2) * cv + 2 * Lv ** 2 * rbar ** 2 * lv ** 2
    Tg = np.arange(t0 + 1, steps + 1)
    closed = t0 ** 2 * r[t0] / Tg ** 2 + (Lv * K1 / mv + 4 * Lv * K2 / mv ** 2) / Tg
    assert np.all(r[t0 + 1:] <= closed * (1 + 1e-12))
    # and the bound is not vacuous: O(1/T)
    assert r[-1] * steps < 2 * (Lv * K1 / mv + 4 * Lv * K2 / mv ** 2) + t0 ** 2 * r[t0]


def test_unified_nonconvex_condition_and_weights():
    c = -gamma + gamma * L * rho / 2 + B * K_gamma
    cond = L * rho * (1 + 2 * (1 - lam) ** 2 * B) + 2 * L * gamma * M * B
    assert zero(2 / gamma * (c + gamma / 2) - (cond - 1))
    q, s, TT = sp.symbols("q s T", positive=True)
    W = sp.summation((1 + q) ** (-(s + 1)), (s, 0, TT - 1))
    assert zero(sp.simplify(W - (1 - (1 + q) ** (-TT)) / q))
    # the floor 2N/gamma of the code
    N = S.pl_one_step_noise(rho, gamma, L, C, lam)
    floor = 2 * L * rho * ((1 - lam) ** 2 * C + lam ** 2) + 2 * L * gamma * (M * C + 2 * L ** 2 * rho ** 2 * lam ** 2)
    assert zero(2 * N / gamma - floor)


def test_unified_nonconvex_bound_matches_code():
    th = THEOREMS["unifiedsam.nonconvex"]
    inst = th.instances[1]  # cosine, sam, gaussian noise
    ctx = make_context(inst)
    bound = th.bound(ctx)
    assert not ctx.unmet
    Lv, Av, Bv, Cv = ctx.L, ctx.A, ctx.B, ctx.C
    rv, gv, lv = float(inst.rho), float(inst.eta), 1.0
    subs = {L: Lv, A: Av, B: Bv, C: Cv, rho: rv, gamma: gv, lam: lv}
    qv = float((2 * A * K_gamma).subs(subs))
    Nv = S.pl_one_step_noise(rv, gv, Lv, Cv, lv)
    for t in [0, 9, 999]:
        Tn = t + 1
        W = Tn if qv == 0 else (1 - (1 + qv) ** -Tn) / qv
        assert math.isclose(float(bound(t)), 2 * ctx.delta / (gv * W) + 2 * Nv / gv, rel_tol=1e-12)


# ============================================================================================
# Si & Yun, derived bounds (docs/proofs/si-yun-derived.md)
# ============================================================================================

G2, GD, D2 = sp.symbols("G2 GD D2", real=True)  # ||g||^2, <g,d>, ||d||^2


def test_d1_one_step_expansion():
    # f - eta <g, g+d> + beta eta^2/2 ||g+d||^2
    lhs = -eta * (G2 + GD) + beta * eta ** 2 / 2 * (G2 + 2 * GD + D2)
    rhs = -eta * (1 - beta * eta / 2) * G2 - eta * (1 - beta * eta) * GD + beta * eta ** 2 / 2 * D2
    assert zero(lhs - rhs)


def test_d1_case_a_bracket():
    th, s = sp.symbols("theta s", nonnegative=True)
    # bracket -(1 - beta eta) ||g||/(beta rho) + beta eta/2 with ||g|| = beta^2 eta rho + s beta rho
    g = beta ** 2 * eta * rho + s * beta * rho
    bracket = -(1 - beta * eta) * g / (beta * rho) + beta * eta / 2
    assert zero(bracket.subs(eta, th / beta) - (th * (th - sp.Rational(1, 2)) - (1 - th) * s))
    for thv in [sp.Rational(k, 20) for k in range(1, 11)]:  # theta in (0, 1/2]
        for sv in [0, sp.Rational(1, 7), 3]:
            assert thv * (thv - sp.Rational(1, 2)) - (1 - thv) * sv <= 0
    # factor after PL: 1 - 2 mu eta (3/4) = 1 - 3/2 eta mu <= 1 - eta mu
    assert zero(1 - 2 * mu * eta * sp.Rational(3, 4) - (1 - sp.Rational(3, 2) * eta * mu))
    # 1 - beta eta/2 >= 3/4 and 1 - beta eta >= 1/2 at beta eta = 1/2 (monotone in eta)
    assert (1 - beta * eta / 2).subs(eta, 1 / (2 * beta)) == sp.Rational(3, 4)


def test_d1_case_b_arithmetic():
    lhs = beta ** 4 * eta ** 2 * rho ** 2 / (2 * mu) + beta ** 3 * eta ** 2 * rho ** 2 / 2
    rhs = beta ** 4 * eta ** 2 * rho ** 2 / mu
    assert zero(rhs - lhs - beta ** 3 * eta ** 2 * rho ** 2 * (beta - mu) / (2 * mu))


def test_d1_code_bound():
    th = THEOREMS["siyun.derived.d1"]
    inst = th.instances[0]
    ctx = make_context(inst)
    b = th.bound(ctx)
    bv, mv, ev, rv = ctx.beta, ctx.mu, float(inst.eta), float(inst.rho)
    for t in [0, 5, 100, 10 ** 6]:
        assert math.isclose(float(b(t)), max((1 - ev * mv) ** t * ctx.delta, bv ** 4 * ev ** 2 * rv ** 2 / mv), rel_tol=1e-12)


def test_d2_constants():
    Tn = sp.symbols("T", positive=True)
    total = (Delta + Tn * beta ** 3 * eta ** 2 * rho ** 2 / 2) / (sp.Rational(3, 4) * eta * Tn)
    assert zero(total - (4 * Delta / (3 * eta * Tn) + sp.Rational(2, 3) * beta ** 3 * eta * rho ** 2))


def test_d3_d5_d6_one_step_constants():
    x = sp.symbols("x", positive=True)  # x = beta eta
    # -eta<g,h> + beta eta^2/2 ||h||^2 with <g,h> >= G/2 - b/2, ||h||^2 <= 2G + 2b  (b = beta^2 rho^2)
    Gs, bs = sp.symbols("G b", nonnegative=True)
    expr = -eta * (Gs / 2 - bs / 2) + beta * eta ** 2 / 2 * (2 * Gs + 2 * bs)
    assert zero(expr - (-eta * (sp.Rational(1, 2) - beta * eta) * Gs + eta * bs * (sp.Rational(1, 2) + beta * eta)))
    # at beta eta = 1/4: -eta/4 and 3/4; monotone in beta eta, so these are the worst values on (0, 1/4]
    assert (sp.Rational(1, 2) - x).subs(x, sp.Rational(1, 4)) == sp.Rational(1, 4)
    assert (sp.Rational(1, 2) + x).subs(x, sp.Rational(1, 4)) == sp.Rational(3, 4)
    # the inner-product bound: ||g||^2 - beta rho ||g|| >= ||g||^2/2 - beta^2 rho^2/2
    g = sp.symbols("g", nonnegative=True)
    assert zero((g ** 2 - beta * rho * g) - (g ** 2 / 2 - beta ** 2 * rho ** 2 / 2) - (g - beta * rho) ** 2 / 2)
    Tn = sp.symbols("T", positive=True)
    for noise, c_nc, c_pl in [(beta / 2 * eta ** 2 * sigma ** 2, 2, 1), (beta * eta ** 2 * sigma ** 2, 4, 2)]:
        const = sp.Rational(3, 4) * eta * beta ** 2 * rho ** 2 + noise
        avg = (Delta + Tn * const) / (eta / 4 * Tn)
        assert zero(avg - (4 * Delta / (eta * Tn) + 3 * beta ** 2 * rho ** 2 + c_nc * beta * eta * sigma ** 2))
        assert zero(2 * const / (eta * mu) - (3 * beta ** 2 * rho ** 2 / (2 * mu) + c_pl * beta * eta * sigma ** 2 / mu))
    # D6 second moment: 2(||g||^2 + sigma^2) + 2 beta^2 rho^2 gives the beta eta^2 sigma^2 noise term
    assert zero(beta * eta ** 2 / 2 * 2 * sigma ** 2 - beta * eta ** 2 * sigma ** 2)


def test_d3_prime_polarization_and_constants():
    # <g, h> = (||g||^2 + ||h||^2 - ||h - g||^2)/2 for vectors (here in R^3, componentwise symbols)
    gs, hs = sp.symbols("g0:3", real=True), sp.symbols("h0:3", real=True)
    dot = lambda u, v: sum(a * b for a, b in zip(u, v))  # noqa: E731
    d = [h - g for g, h in zip(gs, hs)]
    assert zero(dot(gs, hs) - (dot(gs, gs) + dot(hs, hs) - dot(d, d)) / 2)
    # the one-step bound: -eta <g,h> + beta eta^2/2 ||h||^2 = -eta/2 G - eta/2 (1 - beta eta) H + eta/2 D
    Gs, Hs, Ds = sp.symbols("G H D", nonnegative=True)
    assert zero((-eta * (Gs + Hs - Ds) / 2 + beta * eta ** 2 / 2 * Hs)
                - (-eta / 2 * Gs - eta / 2 * (1 - beta * eta) * Hs + eta / 2 * Ds))
    # summed and divided by eta T / 2
    Tn = sp.symbols("T", positive=True)
    assert zero((Delta + Tn * eta * beta ** 2 * rho ** 2 / 2) / (eta * Tn / 2) - (2 * Delta / (eta * Tn) + beta ** 2 * rho ** 2))


def test_d3_prime_code_bound():
    from samtheory.theorems.si_yun._certificates import _d3_prime_certificate
    th = THEOREMS["siyun.deterministic.smooth.upper"]
    inst = th.instances[1]
    ctx = make_context(inst)
    bv, ev, rv = ctx.beta, float(inst.eta), float(inst.rho)
    for T in [1, 50, 4000]:
        value, additive = _d3_prime_certificate(ctx, T, ev)
        assert math.isclose(float(value), 2 * float(np.max(ctx.delta)) / (ev * T) + bv ** 2 * rv ** 2, rel_tol=1e-12)
        assert math.isclose(additive, bv ** 2 * rv ** 2, rel_tol=1e-12)
    assert _d3_prime_certificate(ctx, 10, 1.01 / bv) is None  # outside eta <= 1/beta


@pytest.mark.parametrize("tid,c", [("siyun.derived.d5.nonconvex", 2), ("siyun.derived.d6.nonconvex", 4),
                                   ("siyun.derived.d5.pl", 1), ("siyun.derived.d6.pl", 2)])
def test_d5_d6_code_constants(tid, c):
    th = THEOREMS[tid]
    inst = th.instances[0]
    ctx = make_context(inst)
    b = th.bound(ctx)
    assert not ctx.unmet
    bv, ev, rv, sv = ctx.beta, float(inst.eta), float(inst.rho), ctx.sigma
    for t in [0, 7, 1000]:
        if tid.endswith("nonconvex"):
            expect = 4 * ctx.delta / (ev * (t + 1)) + 3 * bv ** 2 * rv ** 2 + c * bv * ev * sv ** 2
        else:
            mv = ctx.pl
            expect = (1 - ev * mv / 2) ** t * ctx.delta + 3 * bv ** 2 * rv ** 2 / (2 * mv) + c * bv * ev * sv ** 2 / mv
        assert math.isclose(float(b(t)), expect, rel_tol=1e-12)


def test_d4_on_the_cosine_family():
    from samtheory.functions.cosine import CosineFamily
    f = CosineFamily(beta=1.0, omega=7.0)
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, size=(2000, 1))
    for rv, ev in [(0.1, 0.5), (0.4, 1.3)]:
        g = f.grad(x)
        y = x + rv * np.sign(g)
        step = np.abs(ev * f.grad(y)) / ev
        # the right side is >= beta rho >= 0.1, so the absolute 1e-12 only absorbs rounding
        assert np.all(np.abs(g) <= f.beta * rv + step + 1e-12)


def test_d4_is_sharp_at_unstable_cosine_fixed_points():
    # si-yun-derived.md §4 "Sharpness": x0 = pi/omega - rho, omega = theta/rho, theta in (0, pi)
    x, th = sp.symbols("x theta", positive=True)
    om = th / rho
    fp = beta / om * sp.sin(om * x)
    x0 = sp.pi / om - rho
    assert sp.simplify(fp.subs(x, x0 + rho)) == 0  # perturbed point is a zero of f'
    assert zero(sp.diff(fp, x).subs(x, x0 + rho) + beta)  # ... a maximizer: slope 1 + eta beta
    ratio = sp.simplify(fp.subs(x, x0) / (beta * rho))
    assert zero(ratio - sp.sin(th) / th) and sp.limit(ratio, th, 0) == 1
    # one SAM step of the package's cosine leaves x0 in place; the ratio approaches 1
    from samtheory.functions.cosine import CosineFamily
    bv, rv, ev = 1.0, 0.1, 0.3
    for thv, expect in [(1.0, 0.8414709848), (0.1, 0.9983341665), (0.01, 0.9999833334)]:
        f = CosineFamily(beta=bv, omega=thv / rv)
        xv = np.array([np.pi / f.omega - rv])
        g = f.grad(xv)
        xn = xv - ev * f.grad(xv + rv * np.sign(g))
        assert abs(xn[0] - xv[0]) <= 1e-15 * abs(xv[0])
        assert math.isclose(abs(g[0]) / (bv * rv), expect, rel_tol=1e-9)
        # unstable: a start 1e-6 away is pushed further away
        y = xv + 1e-6
        assert abs(y - ev * f.grad(y + rv * np.sign(f.grad(y))) - xv)[0] > 1e-6 * (1 + ev * bv) * (1 - 1e-6)
    # the C^{1,1} triangle-wave remark: attained exactly
    def tri(xv):
        u = (xv + rv) % (4 * rv)
        return np.where(u <= 2 * rv, bv * rv - bv * u, bv * u - 3 * bv * rv)
    grid = np.linspace(-1, 1, 20001)
    assert np.max(np.abs(np.diff(tri(grid))) / np.diff(grid)) <= bv * (1 + 1e-9)
    assert tri(-rv) == bv * rv and tri(0.0) == 0.0


# ============================================================================================
# Si & Yun, lower bounds (docs/proofs/si-yun-lower-bounds.md)
# ============================================================================================

def test_two_cycle_amplitude_and_p2_floor():
    a = eta * lam * rho / (2 - eta * lam)
    assert zero(a * (2 - eta * lam) - eta * lam * rho)
    assert zero((1 - eta * lam) * a - eta * lam * rho + a)  # a -> -a
    # lambda a^2/2 >= lambda^3 eta^2 rho^2 / 8 since (2 - eta lambda) <= 2
    x = sp.symbols("x", positive=True)  # x = eta lambda in (0, 2)
    gap = (lam * (x * rho / (2 - x)) ** 2 / 2 - lam * x ** 2 * rho ** 2 / 8)
    assert zero(gap - lam * x ** 2 * rho ** 2 * (4 - (2 - x) ** 2) / (8 * (2 - x) ** 2))
    # eta = ln T/(lambda T): lambda^3 eta^2 rho^2 / 8 = lambda rho^2 ln^2 T / (8 T^2)
    Tn = sp.symbols("T", positive=True)
    assert zero((lam ** 3 * eta ** 2 * rho ** 2 / 8).subs(eta, sp.log(Tn) / (lam * Tn)) - lam * rho ** 2 * sp.log(Tn) ** 2 / (8 * Tn ** 2))
    assert sp.log(3) > 1
    # the code's bound
    th = THEOREMS["siyun.deterministic.strongly-convex.lower"]
    inst = th.instances[1]
    ctx = make_context(inst)
    b = th.bound(ctx)
    # the floors are 2.5e-9 .. 2.4e-12, below np.allclose's default atol=1e-8: compare relatively
    assert_rel_close(b, [ctx.beta * float(inst.rho) ** 2 / (8 * Tv ** 2) for Tv in inst.horizons], rtol=1e-14)


def test_rel_close_rejects_wrong_values_at_the_p2_scale():
    # the P2 floors are below np.allclose's default atol; the helper must still reject a
    # wrong constant there (x1.5, x4) and even a relative error just above its rtol
    th = THEOREMS["siyun.deterministic.strongly-convex.lower"]
    b = np.asarray(th.bound(make_context(th.instances[1])), dtype=float)
    assert b.max() < 1e-8
    assert_rel_close(b, b, rtol=1e-14)
    for factor in (1.5, 4.0, 1 + 1e-12):
        with pytest.raises(AssertionError):
            assert_rel_close(b, b * factor, rtol=1e-14)


def test_p2_general_step_remark():
    Dv, rv, lv = sp.Rational(2), sp.Rational(1, 10), sp.Rational(3)
    for Tv in [3, 10, 100]:
        thresh = Dv / (2 * Tv * (Dv + rv))
        # cycle value at the threshold step exceeds the claimed floor
        val = lv * (thresh * rv) ** 2 / 8
        assert val >= lv * rv ** 2 * Dv ** 2 / (32 * Tv ** 2 * (Dv + rv) ** 2)
        # small steps: x_s >= D/2 for s <= T (exact iteration at the threshold)
        xs = Dv
        for _ in range(Tv):
            xs = (1 - thresh) * xs - thresh * rv
            assert xs >= Dv / 2


def test_cosine_stall():
    x, om, th = sp.symbols("x omega theta", positive=True)
    f = beta / om ** 2 * (1 - sp.cos(om * x))
    fp = sp.diff(f, x)
    w = 3 * sp.pi / (2 * rho)
    assert sp.simplify(fp.subs(om, w).subs(x, 0)) == 0  # perturbed point rho - rho = 0
    assert sp.simplify(fp.subs(om, w).subs(x, rho) + 2 * beta * rho / (3 * sp.pi)) == 0  # f'(rho) = -2 beta rho/(3 pi)
    assert zero((fp.subs(om, w).subs(x, rho)) ** 2 - 4 * beta ** 2 * rho ** 2 / (9 * sp.pi ** 2))
    assert zero(sp.diff(fp, x).subs(x, 0) - beta)  # f''(0) = beta: S'(x^) = 1 - eta beta
    # period of f' is 4 rho/3
    assert sp.simplify(2 * sp.pi / w - 4 * rho / 3) == 0
    # theta family: phi = -sin(theta)/theta, phi' = 0 <=> tan theta = theta
    phi = -sp.sin(th) / th
    dphi = sp.diff(phi, th)
    assert zero(dphi * th ** 2 - (sp.sin(th) - th * sp.cos(th)))
    root = sp.nsolve(sp.tan(th) - th, th, 4.49)
    assert math.pi < root < 1.5 * math.pi and abs(float(root) - 4.493409457909064) < 1e-12
    assert abs(float(phi.subs(th, root)) + math.cos(float(root))) < 1e-12
    assert abs(float(phi.subs(th, root)) - 0.21723362821122166) < 1e-12
    assert float(phi.subs(th, root)) > 2 / (3 * math.pi)
    # the maximizer beats every theta on a grid of (pi, 2 pi)
    grid = np.linspace(math.pi + 1e-6, 2 * math.pi - 1e-6, 10001)
    # phi(theta*) ~ 0.217: the absolute 1e-15 is a few ulps of it (rounding of sin/theta only)
    assert np.max(-np.sin(grid) / grid) <= float(phi.subs(th, root)) + 1e-15
    # the package's stall floor
    th_reg = THEOREMS["siyun.deterministic.smooth.rho2-unavoidable"]
    ctx = make_context(th_reg.instances[1])
    assert math.isclose(th_reg.bound(ctx), 4 * ctx.beta ** 2 * 0.02 ** 2 / (9 * math.pi ** 2), rel_tol=1e-12)
    assert math.isclose(ctx.lipschitz, 2 * ctx.beta * 0.02 / (3 * math.pi), rel_tol=1e-9)


def _fp(x, m, b):
    return sp.Piecewise((m * x, x < 0), (b * x, True))


def test_asymmetric_root_floor_and_modes():
    x = sp.symbols("x", real=True)
    m, b = sp.symbols("mu beta", positive=True)
    # for |x| < rho: f'(x+rho) = beta (x+rho), f'(x-rho) = mu (x-rho)
    v = sp.Rational(1, 2) * b * (x + rho) + sp.Rational(1, 2) * m * (x - rho)
    xbar = sp.solve(sp.Eq(v, 0), x)[0]
    assert zero(xbar + rho * (b - m) / (b + m))
    assert zero(m / 2 * xbar ** 2 - m / 2 * rho ** 2 * ((b - m) / (b + m)) ** 2)
    # |xbar| < rho
    assert zero(rho - (-xbar) - 2 * m * rho / (b + m))
    # same sample: 1/2 (f'(x+rho) + sigma) + 1/2 (f'(x-rho) - sigma) = v; independent: E xi' = 0
    same = sp.Rational(1, 2) * (b * (x + rho) + sigma) + sp.Rational(1, 2) * (m * (x - rho) - sigma)
    indep = sp.Rational(1, 4) * sum(b * (x + rho) + e for e in (sigma, -sigma)) + sp.Rational(1, 4) * sum(m * (x - rho) + e for e in (sigma, -sigma))
    assert zero(same - v) and zero(indep - v)
    # PL: f'^2 >= 2 mu f on both pieces
    assert zero((m * x) ** 2 - 2 * m * (m / 2 * x ** 2))
    assert zero((b * x) ** 2 - 2 * m * (b / 2 * x ** 2) - b * (b - m) * x ** 2)
    # the package's floors
    for mv, bv, rv in [(0.25, 1.0, 0.1), (0.5, 3.0, 0.7)]:
        assert math.isclose(SY.asymmetric_floor(mv, bv, rv), float((m / 2 * xbar ** 2).subs({m: mv, b: bv, rho: rv})), rel_tol=1e-12)
    th = THEOREMS["siyun.stochastic.convex.rho2-unavoidable"]
    ctx = make_context(th.instances[0])
    assert math.isclose(th.bound(ctx), 0.25 ** 2 * 0.1 ** 2 * (0.75 / 1.25) ** 2, rel_tol=1e-12)


def _fair_coin_moments(eta_v, mu_v, beta_v, rho_v, sig_v, steps, same):
    """Exact E x_t and E f(x_t) of the fair-coin process by enumerating all noise paths."""
    def fp(x):
        return mu_v * x if x < 0 else beta_v * x

    def f(x):
        return 0.5 * (mu_v if x < 0 else beta_v) * x * x
    xbar = -rho_v * (beta_v - mu_v) / (beta_v + mu_v)
    dist = {xbar: 1.0}
    out = []
    for _ in range(steps):
        new = {}
        outcomes = [(s, s * sig_v, 0.5) for s in (1, -1)] if same else \
            [(s, e, 0.25) for s in (1, -1) for e in (sig_v, -sig_v)]
        for xv, p in dist.items():
            for s, e, w in outcomes:
                xn = round(xv - eta_v * (fp(xv + rho_v * s) + e), 15)
                new[xn] = new.get(xn, 0.0) + p * w
        dist = new
        out.append((sum(p * xv for xv, p in dist.items()), sum(p * f(xv) for xv, p in dist.items())))
    return xbar, 0.5 * mu_v * xbar ** 2, out


@pytest.mark.parametrize("same", [True, False])
def test_asymmetric_fair_coin_floor_exact_enumeration(same):
    for eta_v in [0.3, 0.9]:  # eta beta < 1
        xbar, floor, out = _fair_coin_moments(eta_v, 0.25, 1.0, 0.3, 1.0, 9 if same else 6, same)
        for Ex, Ef in out:
            # relative slack for the rounding of the path sums (E x_1 = xbar exactly in exact
            # arithmetic); xbar = -0.18, floor ~ 4e-3
            assert Ex <= xbar + 1e-12 * abs(xbar)
            assert Ef >= floor * (1 - 1e-12)
        assert out[-1][1] > floor  # strict after the first step: the bound is not vacuous


def test_asymmetric_tail_bound_numbers():
    b, m, r, s, e, Tn = 1.0, 0.25, 0.1, 1.0, 0.01, 4000
    xbar = -r * (b - m) / (b + m)
    c = b * r + s
    rp, rm = s / b - xbar, s / m + xbar
    P = Tn * (math.exp(-rp ** 2 * (b + m) / (4 * e * c ** 2)) + 2 * math.exp(-rm ** 2 * m / (2 * e * c ** 2)))
    alpha = e * c ** 2 / (2 * m)
    Ey8 = math.factorial(8) * math.e ** 4 / 4 ** 4 * alpha ** 4
    Ef4 = b ** 4 / 16 * 2 ** 7 * (xbar ** 8 + Ey8)
    corr = Ef4 ** 0.25 * P ** 0.75
    floor = SY.asymmetric_floor(m, b, r)
    assert P <= 1.0e-9 * 1.0001 and corr <= 7e-8 and corr / floor < 2e-4
    # the optimization of s in E y^8 <= 8! e^{alpha s^2}/s^8: s^2 = 4/alpha
    sv, al = sp.symbols("s alpha", positive=True)
    g = sp.log(sp.factorial(8)) + al * sv ** 2 - 8 * sp.log(sv)
    crit = sp.solve(sp.diff(g, sv), sv)
    assert len(crit) == 1 and zero(crit[0] ** 2 - 4 / al)
    # the upward-tail optimization: min_s s^2 eta c^2/(beta+mu) - s r = -r^2 (beta+mu)/(4 eta c^2)
    cc, rr_ = sp.symbols("c r", positive=True)
    h = sv ** 2 * eta * cc ** 2 / (beta + mu) - sv * rr_
    s_opt = sp.solve(sp.diff(h, sv), sv)[0]
    assert zero(h.subs(sv, s_opt) + rr_ ** 2 * (beta + mu) / (4 * eta * cc ** 2))


def test_no_invariant_interval():
    # x^+ <= b at x = b for the outcome s = -1, xi' = -sigma needs f'(b - rho) >= sigma
    bb = sp.symbols("b", positive=True)
    xplus = bb - eta * (beta * (bb - rho) - sigma)  # b - rho >= 0 branch
    assert zero(sp.solve(sp.Eq(xplus, bb), bb)[0] - (rho + sigma / beta))


def test_p7_floor():
    val = (1 - 2 / (3 * sp.pi)) ** 2
    assert abs(float(val) - 0.6206) < 1e-4
    th = THEOREMS["siyun.stochastic.smooth-lipschitz.rho2-unavoidable"]
    ctx = make_context(th.instances[0])
    assert math.isclose(th.bound(ctx), float(val) * (ctx.beta * 0.1) ** 2, rel_tol=1e-9)


# ============================================================================================
# Khanh et al. (docs/proofs/khanh.md)
# ============================================================================================

def test_descent_with_error_polarization():
    a, bb, c = sp.symbols("a b c", real=True)  # ||grad||^2, <grad, g>, ||g||^2
    t = sp.symbols("t", positive=True)
    assert zero((-t * bb + t / 2 * c) - t / 2 * ((c - 2 * bb + a) - a))


def test_usam_bracket():
    t, nu = sp.symbols("t nu", positive=True)
    Gs, GE, E2 = sp.symbols("G GE E2", real=True)
    lhs = -t * (Gs + GE) + L * t ** 2 / 2 * (Gs + 2 * GE + E2)
    rhs = -t * (1 - L * t / 2) * Gs - t * (1 - L * t) * GE + L * t ** 2 / 2 * E2
    assert zero(lhs - rhs)
    c = lambda tv, rv: 1 - L * tv / 2 - sp.Abs(1 - L * tv) * L * rv - L * tv / 2 * (L * rv) ** 2  # noqa: E731
    assert sp.simplify(c(1 / (2 * L), 1 / (2 * L))) == sp.Rational(7, 16)
    crude = lambda tv, rv: 1 - L * tv / 2 - L * rv - L ** 3 * tv * rv ** 2 / 2  # noqa: E731
    assert sp.simplify(crude(1 / (2 * L), 1 / (2 * L))) == sp.Rational(3, 16)
    # min over the box rho, t <= 1/(2L) is 7/16: for L t <= 1, c(t, 1/(2L)) = 1/2 - L t/8
    u = sp.symbols("u", positive=True)  # u = L t <= 1
    cu = 1 - u / 2 - (1 - u) / 2 - u / 8
    assert zero(cu - (sp.Rational(1, 2) - u / 8))
    for Lv in [1.0, 4.0]:
        tt, rr_ = np.meshgrid(np.linspace(0, 0.5 / Lv, 101), np.linspace(0, 0.5 / Lv, 101))
        vals = KH._usam_bracket(Lv, tt, rr_)
        assert abs(vals.min() - 7 / 16) < 1e-12 and np.all(vals >= 3 / 16)
        assert math.isclose(KH._usam_bracket(Lv, 0.5 / Lv, 0.5 / Lv), 7 / 16, rel_tol=1e-12)


def test_convex_one_step():
    g, t = sp.symbols("g t", nonnegative=True)
    lhs = -t * g ** 2 + L * t ** 2 / 2 * (g + L * rho) ** 2
    rhs = -t * (1 - L * t) * g ** 2 + L ** 3 * t ** 2 * rho ** 2
    assert zero(rhs - lhs - L * t ** 2 / 2 * (g - L * rho) ** 2)


def test_kl_step_inequality_cases():
    rng = np.random.default_rng(2)
    for _ in range(20000):
        q = rng.uniform(0.05, 0.95)
        c = rng.uniform(0.1, 5)
        t, g, Dk, u = rng.uniform(0, 2), rng.uniform(0, 5), rng.uniform(0, 3), rng.uniform(0, 2)
        # hypothesis t g^2 <= (2/(1-q)) D (c g + u^q): shrink t until it holds
        cap = 2 / (1 - q) * Dk * (c * g + u ** q)
        if t * g ** 2 > cap:
            t = cap / g ** 2 if g > 0 else t
        # relative slack for the rounding of the shrunk t (an absolute +1e-9 would excuse a wrong
        # inequality whenever both sides are tiny, e.g. g ~ 0)
        assert t * g <= (4 * c / (1 - q) * Dk + t * u ** q / c) * (1 + 1e-12)


def test_schedule_conditions_p_series():
    kk = sp.symbols("k", positive=True, integer=True)
    for expo, conv in [(0.5, False), (1.0, False), (1.2, True), (2.0, True)]:
        assert KH.series_converges(expo) == conv
    a, p, q = sp.symbols("a p q", positive=True)
    # with a = 1 the KL exponent a + q(a + 2p - 1) is 1 + 2 p q > 1
    assert zero((a + q * (a + 2 * p - 1)).subs(a, 1) - (1 + 2 * p * q))
    # tail bound: sum_{i>=k} i^{-s} <= k^{-s} + k^{1-s}/(s-1)
    s = sp.Rational(3, 2)
    for kv in [1, 5, 50]:
        tail = float(sp.zeta(s) - sum(sp.Integer(i) ** (-s) for i in range(1, kv)))
        assert tail <= kv ** -1.5 + kv ** -0.5 / 0.5 + 1e-12
    # a + p > 1 implies a + 2p > 1
    assert sp.simplify((a + 2 * p) - (a + p) - p) == 0


# ============================================================================================
# Literature (docs/proofs/literature.md)
# ============================================================================================

def test_two_cycle_error_recursion():
    x = sp.symbols("x", positive=True)
    a = eta * lam * rho / (2 - eta * lam)
    xn = (1 - eta * lam) * x - eta * lam * rho  # x > 0, next is negative
    assert zero((xn + a) - (1 - eta * lam) * (x - a))


def test_transverse_factor_series_and_bound():
    l1, l2, z, dl, a = sp.symbols("lambda1 lambda2 z delta a", positive=True)
    eps = sp.symbols("epsilon", positive=True)
    n2 = l2 * z / sp.sqrt(l1 ** 2 * (a + dl) ** 2 + l2 ** 2 * z ** 2)
    lead = sp.series(n2.subs({z: eps * z, dl: eps * dl}), eps, 0, 2).removeO()
    assert zero(lead - eps * l2 * z / (l1 * a))
    amp = eta * rho * l1 / (2 - eta * l1)
    q_lin = 1 - eta * l2 - eta * rho * l2 ** 2 / (l1 * amp)
    q_doc = 1 - eta * l2 - (2 - eta * l1) * l2 ** 2 / l1 ** 2
    assert zero(q_lin - q_doc)
    # the package
    f = sp.lambdify((eta, l1, l2), q_doc)
    for ev, lams in [(0.1, [1.0, 3.0, 10.0]), (0.15, [0.5, 2.0, 9.0])]:
        # same closed form evaluated twice: agreement to rounding, relative (no atol floor)
        assert_rel_close(LIT.contraction_factors(ev, lams)[:-1], [f(ev, lams[-1], li) for li in lams[:-1]], rtol=1e-14)
    # |q| < 1: 1 - q = s r + (2 - s) r^2 and 1 + q = (1 - r)(2 + (2 - s) r)
    r, s = sp.symbols("r s", positive=True)
    qq = 1 - s * r - (2 - s) * r ** 2
    assert zero(1 - qq - (s * r + (2 - s) * r ** 2))
    assert zero(1 + qq - (1 - r) * (2 + (2 - s) * r))
    # on the cycle the u1 factor of the exact identity is -1
    assert zero(1 - eta * l1 - eta * rho * l1 ** 2 / (l1 * amp) + 1)


def test_sam_edge():
    x, G, lv = sp.symbols("x G lambda_", positive=True)
    ratio = 1 - eta * lv - eta * rho * lv ** 2 / sp.sqrt(lv ** 2 * x ** 2 + G ** 2)
    ser = sp.series(ratio, x, 0, 4).removeO()
    assert zero(ser - (1 - eta * lv - eta * rho * lv ** 2 / G + eta * rho * lv ** 4 * x ** 2 / (2 * G ** 3)))
    edge = G / (2 * rho) * (sp.sqrt(1 + 8 * rho / (eta * G)) - 1)
    assert zero(sp.expand(eta * edge + eta * rho * edge ** 2 / G) - 2)
    assert zero(sp.limit(edge, rho, 0) - 2 / eta)
    assert zero((eta * lv + eta * rho * lv ** 2 / G).subs(lv, 2 / eta) - (2 + 4 * rho / (eta * G)))
    f = sp.lambdify((eta, rho, G), edge)
    for ev, rv, gv in [(0.1, 0.05, 1.0), (0.3, 0.5, 2.0)]:
        assert math.isclose(LIT.sam_edge(ev, rv, gv), f(ev, rv, gv), rel_tol=1e-14)
        assert LIT.sam_edge(ev, rv, gv) < 2 / ev


def test_usam_linear_map():
    lv = sp.symbols("lambda_", positive=True)
    z = sp.symbols("z", real=True)
    grad_at_perturbed = lv * (z + rho * lv * z)
    assert zero((z - eta * grad_at_perturbed) - (1 - eta * lv * (1 + rho * lv)) * z)
    assert abs(0.1 * 11 * (1 + 0.1 * 11) - 2.31) < 1e-12 and 0.1 * 11 < 2


def test_gd_contraction_identity():
    u, w = sp.symbols("u w", real=True)
    rng = np.random.default_rng(3)
    for uv, wv in rng.uniform(-3, 3, size=(2000, 2)):
        wv = abs(wv)
        # an identity up to rounding of O(1) numbers: relative, no absolute floor (values >= 0.04 here)
        assert math.isclose(abs(uv - wv / 2) + wv / 2, max(abs(uv), abs(uv - wv)), rel_tol=1e-13)
    # u - w = 1 - gamma L
    assert zero(((1 - gamma * mu) - gamma * (L - mu)) - (1 - gamma * L))


def test_gd_pl_factor():
    r = sp.symbols("r", nonnegative=True)
    factor = 1 - 2 * mu * gamma * (1 - L * gamma / 2)
    assert zero(factor - (1 - mu * gamma * (2 - L * gamma)))
    # gamma (2 - L gamma) <= 1/L: 1/L - gamma(2 - L gamma) = (1 - L gamma)^2 / L
    assert zero(1 / L - gamma * (2 - L * gamma) - (1 - L * gamma) ** 2 / L)


def test_gd_nonconvex_one_dimensional_n1_consistency():
    g, s = sp.symbols("g s", nonnegative=True)
    # for g in [0, 1]: int_0^1 max(g - s, s) ds = 1/2 + g^2/4
    integral = sp.integrate(g - s, (s, 0, g / 2)) + sp.integrate(s, (s, g / 2, 1))
    assert zero(integral - (sp.Rational(1, 2) + g ** 2 / 4))
    ratio = g ** 2 / (sp.Rational(1, 2) + g ** 2 / 4)
    assert sp.diff(ratio, g).subs(g, sp.Rational(1, 2)) > 0  # increasing on (0, 1]
    assert ratio.subs(g, 1) == sp.Rational(4, 3)
