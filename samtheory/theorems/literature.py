r"""Checkable formulas from the wider literature (sources and proofs: ``docs/proofs/literature.md``).

* SAM on a quadratic ends in a 2-cycle along the top eigenvector, and the other directions
  contract at known rates (Bartlett, Long & Bousquet 2023; formulas derived and sanity-checked in
  ``docs/proofs/literature.md`` §1–2).
* The SAM edge of stability (Long & Bartlett) and the USAM edge (exact linear map).
* Tight gradient-descent baselines (:math:`\rho=0`) from the performance-estimation literature.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..closed_forms import two_cycle_amplitude
from ..functions import Constant, Objective, Quadratic
from . import measures as M
from ._instance import Instance, Rule, Sides
from ._theorem import Inconclusive
from .registry import theorem

PROOF = "docs/proofs/literature.md"


def _const(ctx, name):
    v = getattr(ctx.instance, name)
    if not isinstance(v, (int, float, np.floating)):
        ctx.unmet.append(f"{name} must be a constant number for this entry")
        return float("nan")
    return float(v)


def _top(ctx):
    obj = ctx.objective
    ctx.require(isinstance(obj, Quadratic), "needs a quadratic 1/2 (x-c)^T H (x-c)")
    if not isinstance(obj, Quadratic):
        return None, None, None
    lam, vec = obj.eigenvalues, obj.eigenvectors
    ctx.require(lam.size == 1 or lam[-1] > lam[-2], "needs a simple top eigenvalue")
    return obj, lam, vec


def _top_amplitude(run):
    x = run.result.x_history
    obj = run.ctx.objective
    z = (x.reshape(x.shape[0], -1, obj.dim) - obj.c) @ obj.eigenvectors
    return np.abs(z[..., -1])


@theorem(
    id="literature.quadratic.two-cycle", title="SAM on a quadratic ends in the 2-cycle ±a u₁, a = ηρλ₁/(2 − ηλ₁)",
    paper="bartlett-long-bousquet-2023", result="2-cycle (Bartlett, Long & Bousquet, JMLR 2023; docs/proofs/literature.md §1)", provenance="literature",
    kind="exact", check="exact", function_class=("strongly-convex",), methods=("sam",), setting="deterministic",
    measure_name="|<x_t - c, u_1>|", measure=_top_amplitude, needs_history=True, tolerance=1e-9,
    tolerance_reason="the cycle is approached geometrically; from mid-run the transient is below 1e-12",
    from_step=0.5, proof=PROOF,
    statement=r"0<\eta\lambda_1<2,\ |q_i|<1:\ x_t\to\pm a\,u_1,\ a=\frac{\eta\rho\lambda_1}{2-\eta\lambda_1},\ f\to\frac{\lambda_1a^2}2",
    instances=(Instance("quadratic", eta=0.1, rho=0.05, x0=[[1.0, -2.0, 1.5], [0.3, 0.2, -0.1]], trajectories=2, steps=2000),
               Instance("quadratic", eta=0.15, rho=0.2, x0=[1.0, -2.0, 1.5], steps=2000),
               Instance("quadratic-dense", eta=0.3, rho=0.1, x0=np.ones(5), steps=3000)))
def two_cycle(ctx):
    r"""**The SAM 2-cycle** (Bartlett, Long & Bousquet 2023; closed form derived in
    ``docs/proofs/literature.md`` §1). On :math:`f=\frac12(x-c)^\top H(x-c)` with a simple top eigenvalue and
    :math:`0<\eta\lambda_1<2`, SAM converges (for generic starts) to the cycle
    :math:`c\pm a\,u_1`, :math:`a=\eta\rho\lambda_1/(2-\eta\lambda_1)`: in 1-D the map is
    :math:`x^+=(1-\eta\lambda)x-\eta\lambda\rho\,\mathrm{sign}(x)` whose 2-cycle solves
    :math:`a(2-\eta\lambda)=\eta\lambda\rho`. Checked as :math:`|\langle x_t-c,u_1\rangle|=a` from mid-run."""
    obj, lam, vec = _top(ctx)
    eta, rho = _const(ctx, "eta"), _const(ctx, "rho")
    if obj is None or ctx.unmet:
        return 0.0
    slowest = _cycle_attracts(ctx, eta, lam)
    if slowest < 1:
        need = _transient_steps(ctx, eta, rho, lam, slowest)
        ctx.require(ctx.instance.steps / 2 >= need,
                    f"needs T/2 >= {need:.0f} steps for the transient to fall below 1e-12 (estimated from the contraction factors)")
    return two_cycle_amplitude(eta, rho, lam[-1])


def contraction_factors(eta, eigenvalues):
    r""":math:`q_i=1-\eta\lambda_i-(2-\eta\lambda_1)\lambda_i^2/\lambda_1^2` (``docs/proofs/literature.md`` §2)."""
    lam = np.asarray(eigenvalues, dtype=float)
    return 1 - eta * lam - (2 - eta * lam[-1]) * lam ** 2 / lam[-1] ** 2


def _transverse_ratio(run):
    """z_{t+1}/z_t along the slowest transverse direction (largest |q_i|; the others are then
    negligible), at the steps where the iterate is on the cycle (top coordinate within
    1e-7 a of ±a) and the transverse coordinates are small (|z| < 1e-4 a: the linearization error is
    c·z²/a² ≤ 1e-8 c, below 1e-6 for constants c ≤ 100) but well above the rounding of the iterates
    (|z| > 1e-9 a: rounding error eps·a/|z| ≤ 2e-7)."""
    x = run.result.x_history
    obj = run.ctx.objective
    eta, rho = float(run.ctx.instance.eta), float(run.ctx.instance.rho)
    lam1 = obj.eigenvalues[-1]
    a = two_cycle_amplitude(eta, rho, lam1)
    z = (x.reshape(x.shape[0], -1, obj.dim) - obj.c) @ obj.eigenvectors
    slowest = _slowest_direction(eta, obj.eigenvalues)
    top, coord = z[..., -1], z[..., slowest]
    others = np.max(np.abs(z[..., :-1]), axis=-1)
    on_cycle = (np.abs(np.abs(top) - a) < 1e-7 * a) & (others < 1e-4 * a) & (np.abs(coord) > 1e-9 * a)
    valid = on_cycle[:-1] & on_cycle[1:]
    if valid.sum() < 10:
        raise Inconclusive(f"the run reached the cycle regime on only {int(valid.sum())} steps; run longer")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = coord[1:] / coord[:-1]
    return ratio[valid][:, None]


def _start_near_cycle(inst, rng):
    """Fuzzing hook: start on the cycle with a 1e-5 a transverse perturbation, so the linear
    regime is observed before fast directions fall below rounding."""
    f = inst.function
    if not isinstance(f, Quadratic) or not isinstance(inst.eta, float) or not isinstance(inst.rho, float):
        return inst
    lam, vec = f.eigenvalues, f.eigenvectors
    a = two_cycle_amplitude(inst.eta, inst.rho, lam[-1])
    if not 0 < a < np.inf:
        return None
    x0 = f.c + a * vec[:, -1] + 1e-5 * a * vec[:, :-1].sum(axis=1)
    return replace(inst, x0=x0, trajectories=1)


@theorem(
    id="literature.quadratic.contraction", title="Around the 2-cycle the other directions contract by q_i = 1 − ηλ_i − (2 − ηλ₁)λ_i²/λ₁²",
    paper="bartlett-long-bousquet-2023", result="transverse contraction (derived, docs/proofs/literature.md §2)", provenance="literature",
    kind="exact", check="exact", function_class=("strongly-convex",), methods=("sam",), setting="deterministic",
    fuzz=_start_near_cycle, measure_name="z_{t+1}/z_t along the slowest transverse eigen-direction", measure=_transverse_ratio, needs_history=True, tolerance=1e-6,
    tolerance_reason="linearization O(z²/a²) and rounding O(eps a/|z|): only steps with 1e-9 a < |z| < 1e-4 a are used",
    proof=PROOF,
    statement=r"z_{t+1}=q_iz_t,\ \ q_i=1-\eta\lambda_i-(2-\eta\lambda_1)\lambda_i^2/\lambda_1^2",
    instances=(Instance("quadratic", eta=0.1, rho=0.05, x0=[1.0, -2.0, 1.5], steps=1500),
               Instance("quadratic", eta=0.15, rho=0.2, x0=[0.5, 1.0, -1.0], steps=1500)))
def contraction(ctx):
    r"""**Transverse contraction around the 2-cycle** (derived in ``docs/proofs/literature.md`` §2). Near
    :math:`\pm a u_1` the normalized ascent direction has transverse part :math:`Hz/(\lambda_1a)`, so
    each other eigen-coordinate evolves as :math:`z^+=q_iz` with
    :math:`q_i=1-\eta\lambda_i-\eta\rho\lambda_i^2/(\lambda_1a)=1-\eta\lambda_i-(2-\eta\lambda_1)\lambda_i^2/\lambda_1^2`."""
    obj, lam, vec = _top(ctx)
    eta = _const(ctx, "eta")
    if obj is None or ctx.unmet:
        return 0.0
    if not ctx.require(lam.size >= 2, "needs d >= 2 (a transverse direction)"):
        return 0.0
    slowest = _cycle_attracts(ctx, eta, lam)
    rho = _const(ctx, "rho")
    if slowest < 1:
        need = _transient_steps(ctx, eta, rho, lam, slowest)
        ctx.require(ctx.instance.steps >= need, f"needs T >= {need:.0f} steps to reach the cycle regime")
    return contraction_factors(eta, lam)[_slowest_direction(eta, lam)]


def _slowest_direction(eta, lam):
    """Index of the transverse eigen-direction with the largest |q_i|."""
    return int(np.argmax(np.abs(contraction_factors(eta, lam)[:-1])))


def _cycle_attracts(ctx, eta, lam):
    """The cycle attracts when 0 < eta lambda_1 < 2 and every transverse |q_i| < 1; returns the
    slowest contraction factor of the approach (1 when it does not attract)."""
    ok = ctx.require(0 < eta * lam[-1] < 2, f"needs 0 < eta lambda_1 < 2 (it is {eta * lam[-1]:.4g})")
    factors = [abs(1 - eta * lam[-1])]
    if lam.size >= 2:
        q = contraction_factors(eta, lam)[:-1]
        ok &= ctx.require(np.all(np.abs(q) < 1), f"needs |q_i| < 1 for the transverse directions (max {np.abs(q).max():.4g})")
        factors += list(np.abs(q))
    return max(factors) if ok else 1.0


def _transient_steps(ctx, eta, rho, lam, slowest):
    """Steps until the distance to the cycle has shrunk by 1e-12: the linear descent before the
    first sign change (at most ln(|x0|/a)/(eta lambda_min^+) steps, the slowest direction) plus
    the geometric approach at the slowest factor."""
    x0 = np.asarray(ctx.instance.x0, dtype=float).reshape(-1, ctx.objective.dim)
    a = two_cycle_amplitude(eta, rho, lam[-1])
    spread = float(np.max(np.linalg.norm(x0 - ctx.objective.c, axis=-1)))
    descent = max(0.0, np.log(max(spread, a) / a)) / (eta * lam[lam > 0].min())
    return descent + np.log(1e12 * max(1.0, spread / a)) / -np.log(slowest)


class TiltedValley(Objective):
    r""":math:`f(x,y)=\frac\lambda2x^2+G\,h_1(y)` with the Huber function :math:`h_1`: a quadratic
    direction next to one whose gradient is exactly :math:`\pm G` for :math:`|y|>1`.

    Constants: smoothness :math:`\max\{\lambda,G\}` (tight: curvatures λ and G·h₁'' ≤ G), convex
    (μ = 0), :math:`f^*=0` at the origin. The edge-of-stability setting of Long & Bartlett: while
    :math:`|y|>1`, SAM's x-coordinate follows an exact linear recursion.
    """

    def __init__(self, curvature=10.0, tilt=1.0, *, name="tilted-valley"):
        lam, G = float(curvature), float(tilt)
        self.curvature, self.tilt = lam, G
        big = np.argmax([lam, G])
        e = np.eye(2)[big] * 1e-7
        constants = {
            "smoothness": Constant(max(lam, G), True, "curvatures lambda and G h1'' <= G", (np.zeros(2), e)),
            "strong_convexity": Constant(0.0, True, "h1 is linear for |y| > 1", (np.array([0.0, 2.0]), np.array([0.0, 3.0]))),
        }
        super().__init__(2, constants, 0.0, np.zeros(2), name=name, sample_scale=2.0,
                         description=f"lambda/2 x^2 + G huber(y), lambda={lam:g}, G={G:g}")

    def value(self, x):
        x = self._as_points(x)
        a = np.abs(x[..., 1])
        hub = np.where(a <= 1, 0.5 * a ** 2, a - 0.5)
        return 0.5 * self.curvature * x[..., 0] ** 2 + self.tilt * hub

    def grad(self, x):
        x = self._as_points(x)
        return np.stack([self.curvature * x[..., 0], self.tilt * np.clip(x[..., 1], -1, 1)], axis=-1)


def sam_edge(eta, rho, gradient_norm):
    r""":math:`\lambda_{\rm SAM}=\frac{\|g\|}{2\rho}\big(\sqrt{1+8\rho/(\eta\|g\|)}-1\big)` (``docs/proofs/literature.md`` §3)."""
    return gradient_norm / (2 * rho) * (np.sqrt(1 + 8 * rho / (eta * gradient_norm)) - 1)


def _x_ratio(run):
    x = run.result.x_history
    x = x.reshape(x.shape[0], -1, 2)
    if np.any(np.abs(x[:, :, 1]) <= 1):
        raise Inconclusive("y reached the quadratic part of the Huber term; shorten the run or start further out")
    xs = x[:, :, 0]
    # ratios only where |x| is far above underflow (a fast-contracting x reaches 0 in the run)
    valid = (np.abs(xs[:-1]) > 1e-250) & (np.abs(xs[1:]) > 1e-250)
    if valid.sum() < 10:
        raise Inconclusive("x left the representable range within 10 steps")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = xs[1:] / xs[:-1]
    return ratio[valid][:, None]


def _edge_bound(ctx):
    obj = ctx.objective
    ctx.require(isinstance(obj, TiltedValley), "needs the tilted valley lambda/2 x^2 + G huber(y)")
    eta, rho = _const(ctx, "eta"), _const(ctx, "rho")
    if ctx.unmet:
        return 0.0
    lam, G = obj.curvature, obj.tilt
    x0 = np.asarray(ctx.instance.x0, dtype=float).reshape(-1, 2)
    ctx.require(np.all(np.abs(x0[:, 0]) <= 1e-10), "start with |x| <= 1e-10 (the recursion is exact up to O(x^2))")
    factor = abs(1 - eta * lam - eta * rho * lam ** 2 / G)
    ctx.require(np.max(np.abs(x0[:, 0])) * factor ** ctx.instance.steps < 1e-6,
                "run too long: |x| would exceed 1e-6, where the O(x^2) term reaches the tolerance")
    ctx.require(np.all(x0[:, 1] - eta * G * ctx.instance.steps > 1 + rho), "y must stay in the linear part of the Huber term")
    return 1 - eta * lam - eta * rho * lam ** 2 / G


EDGE = sam_edge(0.1, 0.05, 1.0)


@theorem(
    id="literature.sam-edge", title="SAM edge of stability: x grows iff λ > λ_SAM(‖g‖) < 2/η",
    paper="long-bartlett-2024", result="SAM edge (Long & Bartlett 2024; docs/proofs/literature.md §3)", provenance="literature",
    kind="exact", check="exact", function_class=("convex",), methods=("sam",), setting="deterministic",
    measure_name="x_{t+1}/x_t", measure=_x_ratio, needs_history=True, tolerance=1e-9,
    tolerance_reason="exact up to the relative change lambda^2 x^2/(2 G^2) of ||g||, below 1e-11 while |x| < 1e-6",
    proof=PROOF,
    statement=r"x^+=\big(1-\eta\lambda-\eta\rho\lambda^2/\|g\|\big)x:\ \text{stable iff }\lambda<\lambda_{\rm SAM}=\tfrac{\|g\|}{2\rho}\big(\sqrt{1+\tfrac{8\rho}{\eta\|g\|}}-1\big)",
    instances=(Instance(TiltedValley(0.98 * EDGE, 1.0), eta=0.1, rho=0.05, x0=[1e-12, 100.0], steps=200,
                        label="tilted-valley lambda=0.98 lambda_SAM sam eta=0.1 rho=0.05"),
               Instance(TiltedValley(1.02 * EDGE, 1.0), eta=0.1, rho=0.05, x0=[1e-12, 100.0], steps=200,
                        label="tilted-valley lambda=1.02 lambda_SAM sam eta=0.1 rho=0.05")))
def edge(ctx):
    r"""**The SAM edge of stability** (Long & Bartlett; formula derived in ``docs/proofs/literature.md`` §3).
    Along a direction of curvature λ next to a gradient of norm ‖g‖ from other directions, SAM
    multiplies the coordinate by :math:`1-\eta\lambda-\eta\rho\lambda^2/\|g\|` per step: stable iff
    :math:`\lambda<\lambda_{\rm SAM}=\frac{\|g\|}{2\rho}(\sqrt{1+8\rho/(\eta\|g\|)}-1)`, which is below GD's
    :math:`2/\eta`. On the tilted valley the recursion is exact while :math:`|y|>1` (up to
    :math:`O(x^2)` in ‖g‖); the instances sit at 0.98 and 1.02 of the edge."""
    return _edge_bound(ctx)


def _usam_ratio(run):
    x = run.result.x_history
    obj = run.ctx.objective
    z = (x.reshape(x.shape[0], -1, obj.dim) - obj.c) @ obj.eigenvectors
    with np.errstate(divide="ignore", invalid="ignore"):
        return z[1:, :, -1] / z[:-1, :, -1]


@theorem(
    id="literature.usam-edge", title="USAM on a quadratic: factor 1 − ηλ(1 + ρλ), stable iff ηλ(1 + ρλ) < 2",
    paper="dai-ahn-sra-2023", result="USAM stability (Dai, Ahn & Sra, NeurIPS 2023; docs/proofs/literature.md §4)", provenance="literature",
    kind="exact", check="exact", function_class=("strongly-convex",), methods=("usam",), setting="deterministic",
    measure_name="z_{t+1}/z_t along u_1", measure=_usam_ratio, needs_history=True, tolerance=1e-9,
    tolerance_reason="float64 rounding of a linear map", proof=PROOF,
    statement=r"x^+=(I-\eta H-\eta\rho H^2)x:\ \text{converges iff }\eta\lambda_i(1+\rho\lambda_i)<2\ \forall i",
    instances=(Instance("quadratic-1d", method="usam", eta=0.1, rho=0.1, function_args={"curvature": 9.0}, x0=[1.0], steps=100),
               Instance("quadratic-1d", method="usam", eta=0.1, rho=0.1, function_args={"curvature": 11.0}, x0=[1e-20], steps=100)))
def usam_edge(ctx):
    r"""**USAM stability** (exact): on a quadratic USAM is the linear map
    :math:`I-\eta H-\eta\rho H^2`, so each eigen-coordinate is multiplied by
    :math:`1-\eta\lambda_i(1+\rho\lambda_i)` and diverges once :math:`\eta\lambda(1+\rho\lambda)>2` —
    normalized SAM stays on its bounded 2-cycle there (Dai, Ahn & Sra 2023: normalization
    stabilizes)."""
    obj, lam, vec = _top(ctx)
    eta, rho = _const(ctx, "eta"), _const(ctx, "rho")
    if obj is None or ctx.unmet:
        return 0.0
    return 1 - eta * lam[-1] * (1 + rho * lam[-1])


# ---------------------------------------------------------------------------------------------
# gradient-descent baselines (rho = 0)
# ---------------------------------------------------------------------------------------------

_GD = dict(paper="gd-baselines", provenance="literature", setting="deterministic", methods=("gd",), proof=PROOF)


def _distance_sq(ctx):
    x0 = np.asarray(ctx.instance.x0, dtype=float).reshape(-1, ctx.objective.dim)
    return np.sum((x0 - ctx.objective.minimizer) ** 2, axis=-1)


@theorem(
    id="literature.gd.smooth-convex", title="GD, L-smooth convex: f(x_n) − f* ≤ L||x0 − x*||²/(4nLγ + 2) (tight)",
    result="Drori & Teboulle 2014 (PEPit example)", kind="upper", check="every-t", function_class=("convex", "globally-smooth"),
    measure_name="f(x_n) - f*", measure=M.loss,
    statement=r"\gamma\le\tfrac1L:\ f(x_n)-f^*\le\frac{L\|x_0-x^*\|^2}{4nL\gamma+2}",
    instances=(Instance("logcosh", method="gd", eta=0.5, x0=[[3.0, -2.0, 1.0], [0.5, 0.5, 0.5]], trajectories=2, steps=500),
               Instance("huber", method="gd", eta=1.0, x0=[4.0, -3.0], steps=500),
               Instance("quadratic-rank-deficient", method="gd", eta=0.25, x0=[1.0, 1.0, 1.0], steps=500)), **_GD)
def gd_smooth_convex(ctx):
    r"""**GD on L-smooth convex functions** (Drori & Teboulle 2014; tight, as coded in PEPit's
    gradient-descent example): :math:`f(x_n)-f^*\le\frac{L\|x_0-x^*\|^2}{4nL\gamma+2}` for
    :math:`0<\gamma\le1/L` and any minimizer :math:`x^*`. The ρ = 0 baseline that SAM reduces to."""
    ctx.need("beta")
    gamma = _const(ctx, "eta")
    L = ctx.beta or 1.0
    ctx.require(ctx.objective.minimizer is not None, "needs a known minimizer")
    ctx.require(ctx.instance.x0 is not None, "needs a given x0")
    ctx.require(gamma <= 1 / L * (1 + 1e-12), f"needs gamma <= 1/L = {1 / L:.4g}")
    if ctx.unmet:
        return 0.0
    r2 = _distance_sq(ctx)
    return lambda n: L * r2 / (4 * n * L * gamma + 2)


def _pair_histories(run):
    """The iterates as (steps + 1, trajectories, dim) and the squared distances of the pairs of
    trajectories (0–1, 2–3, …) at each step."""
    x = run.result.x_history
    x = x.reshape(x.shape[0], -1, x.shape[-1])
    return x, np.sum((x[:, 0::2] - x[:, 1::2]) ** 2, axis=-1)


def _pair_distance(run):
    d = _pair_histories(run)[1]
    return d / d[0]


def _pair_distance_rounding(run):
    r"""Rounding in :math:`\|x_n-y_n\|^2/\|x_0-y_0\|^2`. Each step :math:`x-\gamma\nabla f(x)` is
    rounded to a few ulps of the terms it is computed from, :math:`X+\gamma(\|\nabla f(0)\|+LX)` with
    X the largest iterate (4 ulps: the subtraction, the gradient's sum and products); the map is a
    contraction, so after n steps an iterate is off by at most n times that, :math:`\delta_n`. The
    difference of two runs is then off by :math:`2\delta_n`, and its square by
    :math:`4\delta_n\|x_n-y_n\|+4\delta_n^2`. Near a minimizer far from 0 (least squares) the
    difference shrinks while the rounding of the iterates does not: a search found a 1-D least-squares
    pair whose squared distance after 151 steps exceeded the (exact) contraction by 1.2e-9 relative,
    i.e. iterates off by 1e-16."""
    x, d = _pair_histories(run)
    eta = float(run.ctx.instance.eta)
    L = run.ctx.beta or 1.0
    X = float(np.max(np.abs(x), initial=0.0)) * np.sqrt(x.shape[-1])
    slope = M.value_and_slope_at_zero(run.ctx.objective)[1]
    delta = 4 * np.finfo(float).eps * (X + eta * (slope + L * X)) * np.arange(x.shape[0])[:, None]
    return (4 * delta * np.sqrt(d) + 4 * delta ** 2) / d[0]


@theorem(
    id="literature.gd.contraction", title="GD, μ-strongly convex L-smooth: ||x_n − y_n||² ≤ max((1−γL)², (1−γμ)²)^n ||x0 − y0||² (tight)",
    result="contraction of the gradient step (PEPit tutorial)", kind="upper", check="every-t",
    function_class=("strongly-convex", "globally-smooth"), measure_name="||x_n - y_n||^2 / ||x_0 - y_0||^2",
    measure=_pair_distance, needs_history=True, paired=True, rounding=_pair_distance_rounding,
    statement=r"\|x_n-y_n\|^2\le\max\{(1-\gamma L)^2,(1-\gamma\mu)^2\}^n\|x_0-y_0\|^2",
    instances=(Instance("quadratic-dense", method="gd", eta=0.3, x0=[[1, 0, 0, 0, 0], [0, 1, 0, 0, 1]], trajectories=2, steps=300),
               Instance("asymmetric-quadratic", method="gd", eta=1.5, x0=[[2.0], [-1.0], [0.5], [0.3]], trajectories=4, steps=300)),
    **_GD)
def gd_contraction(ctx):
    r"""**Contraction of GD** (tight; PEPit's gradient-descent contraction tutorial): for
    μ-strongly convex L-smooth f, two GD runs satisfy
    :math:`\|x_n-y_n\|^2\le\max\{(1-\gamma L)^2,(1-\gamma\mu)^2\}^n\|x_0-y_0\|^2` (trajectories are
    paired 0–1, 2–3, …)."""
    ctx.need("beta", "mu")
    gamma = _const(ctx, "eta")
    ctx.require(ctx.instance.trajectories % 2 == 0, "needs an even number of trajectories (pairs)")
    L, mu = ctx.beta or 1.0, ctx.mu or 0.0
    rate = max((1 - gamma * L) ** 2, (1 - gamma * mu) ** 2)

    def bound(n):
        with np.errstate(over="ignore"):  # gamma > 2/L expands: the bound overflows to inf, still true
            return rate ** n
    return bound


def _gd_nonconvex_measure(run):
    g2 = M.gradsq(run)
    loss = M.loss(run)
    best = np.minimum.accumulate(g2, axis=0)
    n = np.arange(g2.shape[0])[:, None]
    L = run.ctx.beta
    with np.errstate(divide="ignore", invalid="ignore"):
        slack = np.where(n > 0, 4 * L * (loss[0] - loss) / (3 * np.maximum(n, 1)), np.inf)
    return Sides(best[1:], slack[1:])


@theorem(
    id="literature.gd.nonconvex", title="GD, L-smooth, γ = 1/L: min_t ||∇f(x_t)||² ≤ (4/3)(L/n)(f(x0) − f(x_n))",
    result="Abbaszadehpeivasti, de Klerk & Zamani (PEPit nonconvex example; 'empirically tight')",
    kind="upper", check="every-t", function_class=("globally-smooth",),
    measure_name="min_{t<=n} ||grad f(x_t)||^2 - (4/3)(L/n)(f(x_0) - f(x_n))", measure=_gd_nonconvex_measure,
    statement=r"\gamma=\tfrac1L:\ \min_{0\le t\le n}\|\nabla f(x_t)\|^2\le\frac43\,\frac Ln\,(f(x_0)-f(x_n))",
    instances=(Instance("cosine", method="gd", eta=1.0, x0=[[0.9], [0.31], [-0.5]], trajectories=3, steps=300),
               Instance("pl-sine", method="gd", eta=1 / 8, x0=[[2.5], [-1.0]], trajectories=2, steps=300),
               Instance("robust-regression", method="gd", eta=Rule(lambda ctx: 1 / ctx.beta, "1/L"), x0=np.ones(5),
                        steps=300)), **_GD)
def gd_nonconvex(ctx):
    r"""**GD on L-smooth nonconvex functions** with γ = 1/L:
    :math:`\min_{0\le t\le n}\|\nabla f(x_t)\|^2\le\frac43\frac Ln(f(x_0)-f(x_n))` (the value of PEPit's
    nonconvex gradient-descent example, reported there as empirically tight). Checked as measure −
    bound ≤ 0 at every n."""
    ctx.need("beta")
    gamma = _const(ctx, "eta")
    if ctx.beta:
        ctx.require(abs(gamma * ctx.beta - 1) < 1e-12, f"the statement is for gamma = 1/L = {1 / ctx.beta:.4g}")
    return 0.0


@theorem(
    id="literature.gd.pl", title="GD, L-smooth μ-PL: f(x_n) − f* ≤ (1 − μγ(2 − Lγ))^n Δ",
    result="Polyak 1963; Karimi, Nutini & Schmidt 2016", kind="upper", check="every-t",
    function_class=("pl", "globally-smooth"), measure_name="f(x_n) - f*", measure=M.loss,
    statement=r"0<\gamma<\tfrac2L:\ f(x_n)-f^*\le(1-\mu\gamma(2-L\gamma))^n\,(f(x_0)-f^*)",
    instances=(Instance("pl-sine", method="gd", eta=0.1, x0=[[2.5], [-3.0]], trajectories=2, steps=300),
               Instance("quadratic-rank-deficient", method="gd", eta=0.3, x0=np.ones(3), steps=300),
               Instance("least-squares", method="gd", eta=0.05, x0=np.ones(5), steps=300)), **_GD)
def gd_pl(ctx):
    r"""**GD on L-smooth μ-PL functions** (Polyak 1963): the descent lemma gives
    :math:`f(x^+)\le f(x)-\gamma(1-\frac{L\gamma}2)\|\nabla f\|^2`, and PL
    :math:`\|\nabla f\|^2\ge2\mu(f-f^*)` turns it into the factor :math:`1-\mu\gamma(2-L\gamma)`."""
    ctx.need("beta", "pl")
    gamma = _const(ctx, "eta")
    L, mu = ctx.beta or 1.0, ctx.pl or 0.0
    ctx.require(0 < gamma < 2 / L, f"needs 0 < gamma < 2/L = {2 / L:.4g}")
    factor = 1 - mu * gamma * (2 - L * gamma)
    return lambda n: factor ** n * ctx.delta
