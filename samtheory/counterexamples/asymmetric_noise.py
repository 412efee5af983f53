r"""E3: stochastic SAM on a strongly convex function keeps an :math:`\Omega(\rho^2)` floor as :math:`\eta\to0`.

**Provenance.** DERIVED substitute (``docs/proofs/si-yun-lower-bounds.md`` §3), not the paper's own example, whose
formula is not available.

**Construction.** The asymmetric quadratic (catalog ``"asymmetric-quadratic"``)

.. math:: f(x)=\tfrac\mu2x^2\ (x<0),\qquad \tfrac\beta2x^2\ (x\ge0),\qquad 0<\mu<\beta,

which is :math:`\beta`-smooth and :math:`\mu`-strongly convex with :math:`x^*=0`, and the oracle
:math:`f'(x)+\xi`, :math:`\xi=\pm\sigma` with probability 1/2 (``AdditiveNoise(kind="rademacher")``;
unbiased, variance :math:`\sigma^2`, every component :math:`\beta`-smooth). Where
:math:`|f'(x)|<\sigma` the ascent sign is a fair coin, so for **same-sample** and
**independent-sample** SAM alike the expected step is GD on the stochastic virtual loss
:math:`J(x)=\frac12f(x+\rho)+\frac12f(x-\rho)` (:mod:`samtheory.virtual_loss`), whose minimizer is

.. math:: \bar x=-\rho\,\frac{\beta-\mu}{\beta+\mu},\qquad
          f(\bar x)-f^*=\frac\mu2\rho^2\Big(\frac{\beta-\mu}{\beta+\mu}\Big)^2 .

As :math:`\eta\to0` the iterates concentrate at :math:`\bar x`, so
:math:`\mathbb E f(x_t)-f^*\to f(\bar x)` — a floor independent of :math:`\eta`, approached from
above (Jensen: in the linear region the stationary mean of :math:`x` is exactly :math:`\bar x`).
SGD (:math:`\rho=0`) instead has :math:`\mathbb E f=\mathcal O(\eta\sigma^2)\to0`. The floor sits
below the poster's P5 term :math:`2\beta^2\rho^2/\mu` (CONFIRMED (poster)).

**Finite-η model (for choosing η).** Near :math:`\bar x` the expected step contracts by
:math:`1-\eta k`, :math:`k=(\beta+\mu)/2`, and the step noise has variance
:math:`V_{\rm same}=(\sigma+h)^2` or :math:`V_{\rm indep}=\sigma^2+h^2`, :math:`h=2\beta\mu\rho/(\beta+\mu)`,
so the stationary spread is :math:`s^2=\eta V/(k(2-\eta k))` and
:math:`\mathbb E f\approx f(\bar x)+\frac\mu2s^2` — linear in :math:`\eta`. The valid step sizes are
those with :math:`s\le d/3`, :math:`d` the distance from :math:`\bar x` to the nearest kink (0, where
the curvature of :math:`f` changes; :math:`-\rho`, where the expected step changes slope; the edge
:math:`-\sigma/\mu` of the fair-coin region).

**What is measured.** For three step sizes :math:`\eta,\eta/2,\eta/4`, the Monte-Carlo mean over
independent chains (started uniformly in :math:`[-\rho,\rho]`) of each chain's time average of
:math:`f(x_t)-f^*` over the last two thirds of the run (after a burn-in of five relaxation times),
with its standard error; then a weighted linear fit in :math:`\eta` whose intercept is the
:math:`\eta\to0` limit.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import math

import numpy as np
from scipy import special

from ..closed_forms import asymmetric_floor as floor, asymmetric_stall_point as limit_point
from ..functions import AsymmetricQuadratic
from ..oracles import AdditiveNoise
from ..simulation import simulate
from .. import virtual_loss as vl
from ._base import POSITIVE, CheckReport, Counterexample, Interval, Parameter, finish_floor_sweep

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from ..functions._base import Objective

#: model tolerance on the eta -> 0 intercept, relative to the floor; see AsymmetricNoise.check
MODEL_RTOL = 0.02
#: number of standard errors allowed
Z = 3.0


def _kink_distance(mu, beta, rho, sigma):
    xb = abs(limit_point(mu, beta, rho))
    return min(xb, rho - xb, sigma / mu - xb)


def _noise_variance(mu, beta, rho, sigma):
    h = 2 * beta * mu * rho / (beta + mu)
    return {"same_sample": (sigma + h) ** 2, "independent_samples": sigma ** 2 + h ** 2}


#: largest number of steps a check may take (burn-in of 5 relaxation times at eta/4, then twice that)
MAX_STEPS = 150_000


def min_step(mu, beta):
    """Smallest eta whose run (60 / (eta k) steps) fits in :data:`MAX_STEPS`."""
    return 60 / (0.5 * (beta + mu) * MAX_STEPS)


def max_sigma(mu, beta, rho):
    """Largest sigma for which the largest valid eta is still at least :func:`min_step`."""
    k = 0.5 * (beta + mu)
    xb = abs(limit_point(mu, beta, rho))
    s2 = (min(xb, rho - xb) / 3) ** 2
    h = 2 * beta * mu * rho / (beta + mu)
    return math.sqrt(max(2 * s2 * k / min_step(mu, beta) - s2 * k * k, 0.0)) - h


def max_step(mu, beta, rho, sigma):
    r"""Largest :math:`\eta` with stationary spread :math:`s\le d/3` (module docstring)."""
    k = 0.5 * (beta + mu)
    s2 = (_kink_distance(mu, beta, rho, sigma) / 3) ** 2
    V = max(_noise_variance(mu, beta, rho, sigma).values())
    return 2 * s2 * k / (V + s2 * k ** 2)


def finite_eta_prediction(mu, beta, rho, sigma, eta, mode):
    r""":math:`\mathbb E f(X)` for :math:`X\sim\mathcal N(\bar x,s^2)`, :math:`s^2=\eta V/(k(2-\eta k))`
    (the linearized stationary law; an approximation whose error is second order in :math:`\eta`)."""
    k = 0.5 * (beta + mu)
    s2 = eta * _noise_variance(mu, beta, rho, sigma)[mode] / (k * (2 - eta * k))
    m, s = limit_point(mu, beta, rho), math.sqrt(s2)
    left = (m * m + s2) * special.ndtr(-m / s) - m * s * math.exp(-0.5 * (m / s) ** 2) / math.sqrt(2 * math.pi)
    return 0.5 * mu * left + 0.5 * beta * (m * m + s2 - left)


def _weighted_line(x, y, se):
    """Weighted least squares y = a + b x; returns a, b, se_a, se_b."""
    x, y, w = np.asarray(x, float), np.asarray(y, float), 1.0 / np.asarray(se, float) ** 2
    A = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(A.T @ (w[:, None] * A))
    a, b = cov @ (A.T @ (w * y))
    return float(a), float(b), float(math.sqrt(cov[0, 0])), float(math.sqrt(cov[1, 1]))


class AsymmetricNoise(Counterexample):
    name = "asymmetric-noise"
    # starts at f = 0.005, 11 times the floor: the chains cross the minimizer, dip below the floor
    # and climb back onto it on the flat side (time scale 1/(eta mu) = 1000 steps)
    explorer = {"x0": 0.1, "steps": 3000, "x0_range": (-0.3, 0.3)}
    title = "stochastic SAM floor on the asymmetric quadratic with +-sigma noise"
    setting = "stochastic, beta-smooth and mu-strongly convex"
    provenance = "DERIVED substitute (docs/proofs/si-yun-lower-bounds.md §3), not the paper's own example"
    methods = ("sam (same sample)", "sam (independent samples)", "sgd (rho = 0)")
    poster_row = "P5"
    floor_quantity = "E f(x_t) - f* as eta -> 0 (intercept of the fit in eta)"
    parameters = (
        Parameter("beta", 1.0, "curvature for x >= 0 (smoothness)", lambda p: POSITIVE, "beta must be > 0"),
        Parameter("mu", 0.25, "curvature for x < 0 (strong convexity)", lambda p: Interval(0.0, p["beta"]),
                  "the floor needs asymmetric curvature 0 < mu < beta"),
        Parameter("rho", 0.1, "SAM radius", lambda p: POSITIVE, "rho must be > 0"),
        Parameter("sigma", lambda p: 2 * p["beta"] * p["rho"], "noise level (+-sigma); default 2 beta rho",
                  lambda p: Interval(2 * p["mu"] * abs(limit_point(p["mu"], p["beta"], p["rho"])),
                                     max_sigma(p["mu"], p["beta"], p["rho"]), high_closed=True),
                  "x_bar must lie well inside the fair-coin region |f'(x)| < sigma (sigma > 2 mu |x_bar|), and "
                  f"larger noise needs step sizes so small that the run would exceed {MAX_STEPS} steps"),
        Parameter("eta", lambda p: max_step(p["mu"], p["beta"], p["rho"], p["sigma"]),
                  "largest of the three step sizes eta, eta/2, eta/4 (default: the largest valid)",
                  lambda p: Interval(min_step(p["mu"], p["beta"]),
                                     max_step(p["mu"], p["beta"], p["rho"], p["sigma"]) * (1 + 1e-12), True, True),
                  "the stationary spread must stay below a third of the distance from x_bar to the nearest kink, "
                  f"where E f is linear in eta; a smaller eta would need more than {MAX_STEPS} steps"),
        Parameter("chains", 400, "Monte-Carlo chains per step size", lambda p: Interval(10, 10 ** 6, True, True),
                  "at least 10 chains for a standard error", kind="int"),
        Parameter("seed", 0, "random seed", lambda p: Interval(0, 2 ** 63, True, False), "seed >= 0", kind="int"),
    )

    def objective(self, **params: Any) -> AsymmetricQuadratic:
        p = self.resolve(**params)
        return AsymmetricQuadratic(p["mu"], p["beta"])

    def oracle(self, objective: Objective | None = None, **params: Any) -> AdditiveNoise:
        p = self.resolve(**params)
        return AdditiveNoise(objective or self.objective(**p), p["sigma"], "rademacher")

    def predict(self, **params: Any) -> dict[str, Any]:
        r"""Floor :math:`\frac\mu2\rho^2((\beta-\mu)/(\beta+\mu))^2` at :math:`\bar x=-\rho(\beta-\mu)/(\beta+\mu)` as :math:`\eta\to0`."""
        p = self.resolve(**params)
        mu, beta, rho, sigma = p["mu"], p["beta"], p["rho"], p["sigma"]
        etas = [p["eta"], p["eta"] / 2, p["eta"] / 4]
        return {"floor": floor(mu, beta, rho), "limit_point": limit_point(mu, beta, rho), "etas": etas,
                "finite_eta": {m: [finite_eta_prediction(mu, beta, rho, sigma, e, m) for e in etas]
                               for m in ("same_sample", "independent_samples")},
                "sgd_finite_eta": None, "eta_max": max_step(mu, beta, rho, sigma)}

    def _simulate(self, p, rhos, same_sample):
        f = self.objective(**p)
        oracle = self.oracle(f, **p)
        etas = np.array([p["eta"], p["eta"] / 2, p["eta"] / 4])
        k = 0.5 * (p["beta"] + p["mu"])
        burn = int(math.ceil(5 / (etas.min() * k)))
        steps = 3 * burn
        n = p["chains"]
        x0 = np.linspace(-p["rho"], p["rho"], n)[:, None]
        rho_grid = np.asarray(rhos, float).reshape(-1, 1)
        r = simulate(f, "sam", eta=etas.reshape(1, -1), rho=rho_grid, steps=steps, x0=x0, trajectories=n,
                     oracle=oracle, same_sample=same_sample, seed=p["seed"] + (0 if same_sample else 1),
                     tail=2 / 3, record_every=max(1, steps // 600), history=True)
        tail = r.t >= steps - 2 * burn
        mean_x = r.x_history[tail].mean(axis=0)[..., 0]  # (rho, eta, chains): time average per chain
        return etas, r.loss_tail_mean, mean_x, steps

    def run(self, **params: Any) -> dict[str, Any]:
        """Monte-Carlo means and standard errors for both modes and for SGD, at eta, eta/2, eta/4."""
        p = self.resolve(**params)
        out = {}
        etas, loss_same, x_same, steps = self._simulate(p, [p["rho"], 0.0], True)
        _, loss_ind, x_ind, _ = self._simulate(p, [p["rho"]], False)
        n = p["chains"]
        for key, loss, xs in (("same_sample", loss_same[0], x_same[0]), ("independent_samples", loss_ind[0], x_ind[0]),
                              ("sgd", loss_same[1], x_same[1])):
            means = loss.mean(axis=-1)
            ses = loss.std(axis=-1, ddof=1) / math.sqrt(n)
            a, b, sa, sb = _weighted_line(etas, means, ses)
            out[key] = {"eta": etas.tolist(), "mean": means.tolist(), "se": ses.tolist(),
                        "intercept": a, "intercept_se": sa, "slope": b, "slope_se": sb,
                        "mean_x": xs.mean(axis=-1).tolist(), "mean_x_se": (xs.std(axis=-1, ddof=1) / math.sqrt(n)).tolist()}
        out["steps"] = steps
        return out

    def check(self, predicted: float | None = None, **params: Any) -> CheckReport:
        """For both SAM modes: the eta -> 0 intercept equals the floor, the approach is from above, and
        the chains' mean position is the virtual-loss minimizer x_bar; SGD's intercept is 0.

        Tolerances: 3 standard errors (Monte-Carlo) plus 2 % of the floor for the model error of the
        straight-line extrapolation (the neglected second-order term in eta is below 1 % at the
        largest valid eta, where the spread is a third of the distance to the nearest kink).
        """
        p = self.resolve(**params)
        pred = self.predict(**p)
        fl = pred["floor"] if predicted is None else float(predicted)
        meas = self.cached("run", self.run, p)
        mins = vl.minimizers(self.objective(**p), p["rho"], (-2 * p["rho"], 2 * p["rho"]), noise="rademacher",
                             sigma=p["sigma"])
        criteria = []
        for mode in ("same_sample", "independent_samples"):
            m = meas[mode]
            tol = Z * m["intercept_se"] + MODEL_RTOL * pred["floor"]
            criteria.append((f"{mode}: eta -> 0 intercept {m['intercept']:.5g} within {tol:.2g} of the floor {fl:.5g}",
                             abs(m["intercept"] - fl) <= tol))
            above = (m["mean"][0] - fl) / m["se"][0]
            criteria.append((f"{mode}: approached from above: at eta the mean is {above:.1f} standard errors above "
                             f"the floor (> {Z:g}), and no mean is more than {Z:g} below it",
                             above > Z and all(mu_ + Z * se >= fl for mu_, se in zip(m["mean"], m["se"]))))
            dx = abs(m["mean_x"][-1] - pred["limit_point"])
            tol_x = Z * m["mean_x_se"][-1] + 0.02 * abs(pred["limit_point"])
            criteria.append((f"{mode}: mean position {m['mean_x'][-1]:.5g} at eta/4 is the virtual-loss minimizer "
                             f"x_bar = {pred['limit_point']:.5g} (within {tol_x:.2g})", dx <= tol_x))
        sg = meas["sgd"]
        tol = Z * sg["intercept_se"] + MODEL_RTOL * pred["floor"]
        criteria.append((f"SGD (rho = 0) eta -> 0 intercept {sg['intercept']:.3g} is 0 (within {tol:.2g}): "
                         "the floor is SAM's, not the noise's", abs(sg["intercept"]) <= tol))
        criteria.append((f"the stochastic virtual loss has one minimizer on (-2 rho, 2 rho), at x_bar "
                         f"({[round(mm.x, 12) for mm in mins]})",
                         len(mins) == 1 and abs(mins[0].x - pred["limit_point"]) <= 1e-9 * p["rho"]))
        mean_intercept = 0.5 * (meas["same_sample"]["intercept"] + meas["independent_samples"]["intercept"])
        return CheckReport(
            name=self.name, passed=all(h for _, h in criteria),
            quantity="E f(x_t) - f*: Monte-Carlo mean of tail time averages at eta, eta/2, eta/4, extrapolated to eta -> 0 "
                     "(mean of the two SAM modes)",
            predicted=fl, measured=mean_intercept,
            tolerance=f"{Z:g} standard errors + {MODEL_RTOL:.0%} of the floor (straight-line extrapolation in eta)",
            params=p, criteria=criteria,
            details={"simulation": meas, "finite_eta_model": pred["finite_eta"], "limit_point": pred["limit_point"],
                     "virtual_loss_minimizers": [mm.to_dict() for mm in mins],
                     "poster_P5_term": 2 * p["beta"] ** 2 * p["rho"] ** 2 / p["mu"]},
            baseline=self.cached("baseline", self.baseline, p))

    def baseline(self, **params: Any) -> CheckReport:
        """Deterministic GD (rho = 0, no noise) converges: f - f* < 1e-20 at the end."""
        p = self.resolve(**params)
        f = self.objective(**p)
        x0 = np.linspace(-1.0, 1.0, 9)[:, None] + 0.0137
        steps = int(math.ceil(math.log(1e-12) / math.log(1 - p["eta"] * p["mu"]))) + 10
        r = simulate(f, "gd", eta=p["eta"], steps=steps, x0=x0, trajectories=len(x0), record_every=None)
        worst = float(np.max(r.loss))
        return CheckReport(self.name + " [GD]", worst < 1e-20, "f - f* at the last GD iterate, max over 9 initializations",
                           0.0, worst, "GD converges linearly at rate 1 - eta*mu: below 1e-20",
                           {"mu": p["mu"], "beta": p["beta"], "eta": p["eta"], "rho": 0.0},
                           [(f"max f - f* = {worst:.3g} < 1e-20", worst < 1e-20)], {"steps": steps})

    def poster_term(self, **params: Any) -> tuple[str, float] | None:
        p = self.resolve(**params)
        return ("P5 (poster): 2 beta^2 rho^2 / mu", 2 * p["beta"] ** 2 * p["rho"] ** 2 / p["mu"])

    def floor_vs_rho(self, rhos: ArrayLike | None = None, quick: bool = False, **params: Any) -> dict[str, Any]:
        """eta -> 0 intercepts (same-sample SAM) for a decade of rho at a fixed sigma.

        sigma = 2 beta rho for each rho (the default; the floor does not depend on sigma as long as x_bar
        is in the fair-coin region), so that every rho runs with the same largest valid eta."""
        p = self.resolve(**params)
        rhos = np.geomspace(0.05, 0.5, 3 if quick else 4) if rhos is None else np.asarray(rhos, float)
        chains = params.get("chains") or (60 if quick else 200)
        measured, predicted, se = [], [], []
        for rho in rhos:
            q = self.resolve(**{**{k: v for k, v in p.items() if k not in ("eta", "sigma", "chains")},
                                "rho": float(rho), "sigma": 2 * p["beta"] * float(rho), "chains": chains})
            etas, loss, _, _ = self._simulate(q, [q["rho"]], True)
            means = loss[0].mean(axis=-1)
            ses = loss[0].std(axis=-1, ddof=1) / math.sqrt(chains)
            a, _, sa, _ = _weighted_line(etas, means, ses)
            measured.append(a)
            se.append(sa)
            predicted.append(floor(q["mu"], q["beta"], q["rho"]))
        # eta is chosen per rho, so it is not passed on (the poster term does not depend on it)
        common = {k: v for k, v in p.items() if k not in ("eta", "sigma", "chains")}
        return finish_floor_sweep(self, rhos, predicted, measured, common,
                                  extra={"measured_se": se, "chains": chains, "sigma": "2 beta rho"})
