r"""E2: deterministic SAM on a smooth Lipschitz nonconvex function stalls where :math:`|f'|=\Theta(\beta\rho)`.

**Provenance.** DERIVED substitute (``docs/proofs/si-yun-lower-bounds.md`` §2; the SAM literature uses the same function
up to a shift). It is *not* the paper's own example, whose formula is not available.

**Construction.** The cosine family of the catalog with :math:`\omega=\theta/\rho`,

.. math:: f(x)=\frac{\beta}{\omega^2}\big(1-\cos\omega x\big),\qquad \theta\in(\pi,2\pi),

which is :math:`\beta`-smooth, :math:`(\beta/\omega)`-Lipschitz, with minima at :math:`2\pi k/\omega`
(:math:`f^*=0`). At :math:`\hat x=\rho+2\pi k/\omega` the gradient is
:math:`f'(\hat x)=(\beta/\omega)\sin\theta<0`, so the ascent point :math:`\hat x-\rho` is a minimizer and
SAM's step there is zero: :math:`\hat x` (and its mirror image :math:`-\rho+2\pi k/\omega`) is a fixed
point of SAM although it is not stationary. Near it SAM is GD on :math:`f(x-\rho)`, whose curvature
there is :math:`\beta`, so it attracts for :math:`0<\eta\beta<2`. The stall gradient is

.. math:: |f'(\hat x)|=\frac{\beta\rho\,|\sin\theta|}{\theta},\qquad
          \theta=\tfrac{3\pi}2:\ \frac{2\beta\rho}{3\pi}\approx0.212\,\beta\rho,

largest over :math:`\theta\in(\pi,2\pi)` where :math:`\tan\theta=\theta` (:math:`\theta\approx4.4934`,
:math:`\approx0.2172\,\beta\rho`; :func:`optimal_theta`). So
:math:`\frac1T\sum_t\|\nabla f(x_t)\|^2\to\beta^2\rho^2\sin^2\theta/\theta^2`: the additive
:math:`\Theta(\beta^2\rho^2)` of poster row P4 (CONFIRMED (poster): upper bound :math:`\beta^2\rho^2`)
cannot be removed.

**What is measured.** For 48 initializations spread over one period, the mean of
:math:`\|\nabla f(x_t)\|^2` over the last 10 % of the steps, and the limit points; the check asks
that *every* initialization stalls at the predicted level (the worst case over initializations).
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import math

import numpy as np
from scipy import optimize

from ..functions import CosineFamily
from ..simulation import simulate
from .. import virtual_loss as vl
from ._base import (MAX_STEPS, POSITIVE, CheckReport, Counterexample, Interval, Parameter, contraction_rate,
                    finish_floor_sweep, relative_error)

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike

#: relative tolerance on the stall level; see :meth:`CosineStall.check`
RTOL = 1e-8


def optimal_theta():
    r"""The :math:`\theta\in(\pi,3\pi/2)` with :math:`\tan\theta=\theta` (≈ 4.493409), which maximizes
    the stall gradient :math:`|\sin\theta|/\theta` over :math:`(\pi,2\pi)`; solved by Brent's method
    on :math:`\theta\cos\theta-\sin\theta`."""
    return optimize.brentq(lambda t: t * math.cos(t) - math.sin(t), math.pi, 1.5 * math.pi, xtol=1e-15)


def stall_gradient(beta, rho, theta):
    r""":math:`\beta\rho|\sin\theta|/\theta`."""
    return beta * rho * abs(math.sin(theta)) / theta


def stall_steps(eta, beta):
    r"""Steps for the transient to fall below 1e-14 at contraction :math:`|1-\eta\beta|` (may
    exceed the :data:`MAX_STEPS` that :func:`run_stall` runs; ``inf`` if float64 cannot contract)."""
    rate = contraction_rate(eta * beta)
    if math.isinf(rate):
        return 400
    return math.ceil(3 * math.log(1e14) / rate) + 500 if rate > 0 else math.inf


def nearest_distance(points, centers, period):
    """Distance of each point to the nearest element of ``centers + period * Z``."""
    points = np.asarray(points, float).ravel()
    d = np.full(points.shape, np.inf)
    for c in centers:
        z = (points - c) / period
        d = np.minimum(d, np.abs(z - np.round(z)) * period)
    return d


def run_stall(f, eta, rho, beta, period, n_init=48, method="sam", steps=None):
    """Run ``method`` from ``n_init`` points spread over one period; per-initialization tail-mean
    gradient norms and limit points."""
    x0 = (np.arange(n_init) / n_init - 0.5 + 0.00731) * period
    if steps is None:
        steps = min(MAX_STEPS, stall_steps(eta, beta))
    r = simulate(f, method, eta=eta, rho=rho, steps=steps, x0=x0[:, None], trajectories=n_init, tail=0.1,
                 record_every=None)
    return {"gradsq": r.gradsq_tail_mean.ravel(), "limit": r.x.ravel(), "final_gradsq": r.gradsq.ravel(),
            "steps": steps, "x0": x0}


class CosineStall(Counterexample):
    name = "cosine-stall"
    explorer = {"x0": 0.062, "steps": 60, "x0_range": (-0.25, 0.25)}
    title = "SAM stalls on beta/omega^2 (1 - cos omega x), omega = theta/rho"
    setting = "deterministic, beta-smooth, L-Lipschitz, nonconvex"
    provenance = "DERIVED substitute (docs/proofs/si-yun-lower-bounds.md §2), not the paper's own example"
    methods = ("sam",)
    poster_row = "P4"
    floor_quantity = "||grad f||^2 (tail mean), min over initializations"
    parameters = (
        Parameter("beta", 1.0, "smoothness beta", lambda p: POSITIVE, "beta must be > 0"),
        Parameter("rho", 0.1, "SAM radius (omega = theta/rho)", lambda p: POSITIVE, "rho must be > 0"),
        Parameter("theta", 1.5 * math.pi, "omega*rho; 3pi/2 by default, tan(theta) = theta is the worst case",
                  lambda p: Interval(math.pi, 2 * math.pi),
                  "the stall points x = +-rho + 2 pi k/omega have the right gradient sign only for theta in (pi, 2 pi)"),
        Parameter("eta", 0.5, "step size", lambda p: Interval(0.0, 2.0 / p["beta"]),
                  "the stall point attracts iff 0 < eta*beta < 2"),
    )

    def objective(self, **params: Any) -> CosineFamily:
        p = self.resolve(**params)
        return CosineFamily.stall_counterexample(p["beta"], p["rho"], p["theta"], name="cosine")

    def predict(self, **params: Any) -> dict[str, Any]:
        r"""Stall level :math:`\|\nabla f\|^2=(\beta\rho\sin\theta/\theta)^2` at :math:`\hat x=\pm\rho+2\pi k/\omega`."""
        p = self.resolve(**params)
        beta, rho, theta = p["beta"], p["rho"], p["theta"]
        omega = theta / rho
        g = stall_gradient(beta, rho, theta)
        return {"gradsq": g ** 2, "grad": g, "stall_points": [rho, -rho], "period": 2 * math.pi / omega,
                "f_at_stall": beta / omega ** 2 * (1 - math.cos(theta)), "omega": omega,
                "optimal_theta": optimal_theta(), "optimal_ratio": abs(math.sin(optimal_theta())) / optimal_theta()}

    def steps_needed(self, **params: Any) -> float | None:
        p = self.resolve(**params)
        return stall_steps(p["eta"], p["beta"])

    def run(self, **params: Any) -> dict[str, Any]:
        p = self.resolve(**params)
        pred = self.predict(**p)
        out = run_stall(self.objective(**p), p["eta"], p["rho"], p["beta"], pred["period"])
        out["gradsq_min"], out["gradsq_max"] = float(out["gradsq"].min()), float(out["gradsq"].max())
        return out

    def _virtual_minimizers(self, p, pred):
        f = self.objective(**p)
        P = pred["period"]
        return vl.minimizers(f, p["rho"], (-0.5 * P + 1e-9 * P, 0.5 * P + 1e-9 * P), grid=2001)

    def check(self, predicted: float | None = None, **params: Any) -> CheckReport:
        """Every initialization stalls at the predicted level, at a predicted stall point.

        Tolerance 1e-8 (relative on the level; times the period on the positions): the stall
        point is a hyperbolic attractor with contraction ``|1 - eta*beta|``, the step count leaves
        less than 1e-14, and rounding does not accumulate in a contracting map.
        """
        p = self.resolve(**params)
        pred = self.predict(**p)
        level = pred["gradsq"] if predicted is None else float(predicted)
        meas = self.cached("run", self.run, p)
        err = relative_error(meas["gradsq"], level)
        dist = nearest_distance(meas["limit"], pred["stall_points"], pred["period"])
        mins = self._virtual_minimizers(p, pred)
        vdist = nearest_distance([m.x for m in mins], pred["stall_points"], pred["period"])
        criteria = [
            (f"all {len(err)} initializations stall with ||grad f||^2 within {RTOL:g} of the prediction "
             f"(worst relative error {err.max():.2g})", bool(np.all(err <= RTOL))),
            (f"every limit point is a predicted stall point +-rho + 2 pi k/omega (max distance "
             f"{dist.max():.2g}, allowed {RTOL:g} x period)", bool(np.all(dist <= RTOL * pred["period"]))),
            (f"the minimizers of the virtual loss J_f on one period are the stall points "
             f"({len(mins)} found, max distance {vdist.max() if len(vdist) else float('nan'):.2g}), none stationary",
             bool(len(mins) == 2 and np.all(vdist <= 1e-9 * pred["period"]) and not any(m.stationary for m in mins))),
        ]
        return CheckReport(
            name=self.name, passed=all(h for _, h in criteria),
            quantity="||grad f||^2, tail mean over the last 10% of steps; min over 48 initializations",
            predicted=level, measured=meas["gradsq_min"],
            tolerance=f"relative {RTOL:g}: hyperbolic attractor, transient < 1e-14, rounding does not accumulate",
            params=p, criteria=criteria,
            details={"gradsq_max": meas["gradsq_max"], "steps": meas["steps"],
                     "limit_points": sorted(set(np.round(meas["limit"], 12).tolist())),
                     "virtual_loss_minimizers": [m.to_dict() for m in mins],
                     "ratio_to_beta2rho2": meas["gradsq_min"] / (p["beta"] * p["rho"]) ** 2},
            baseline=self.cached("baseline", self.baseline, p))

    def baseline(self, **params: Any) -> CheckReport:
        """GD (rho = 0) from the same initializations reaches ||grad f||^2 < 1e-20."""
        p = self.resolve(**params)
        pred = self.predict(**p)
        out = run_stall(self.objective(**p), p["eta"], 0.0, p["beta"], pred["period"], method="gd")
        worst = float(out["final_gradsq"].max())
        return CheckReport(self.name + " [GD]", worst < 1e-20, "||grad f||^2 at the last GD iterate, max over 48 initializations",
                           0.0, worst, "GD converges linearly to a minimizer: below 1e-20", {**p, "rho": 0.0},
                           [(f"max ||grad f||^2 = {worst:.3g} < 1e-20", worst < 1e-20)], {"steps": out["steps"]})

    def poster_term(self, **params: Any) -> tuple[str, float] | None:
        p = self.resolve(**params)
        return ("P4 (poster): beta^2 rho^2", (p["beta"] * p["rho"]) ** 2)

    def floor_vs_rho(self, rhos: ArrayLike | None = None, quick: bool = False, **params: Any) -> dict[str, Any]:
        p = self.resolve(**params)
        rhos = np.geomspace(0.01, 0.1, 4 if quick else 7) if rhos is None else np.asarray(rhos, float)
        measured, predicted = [], []
        for rho in rhos:
            q = {**p, "rho": float(rho)}
            pred = self.predict(**q)
            out = run_stall(self.objective(**q), q["eta"], q["rho"], q["beta"], pred["period"], n_init=12)
            measured.append(float(out["gradsq"].min()))
            predicted.append(pred["gradsq"])
        return finish_floor_sweep(self, rhos, predicted, measured, p)
