r"""E1: deterministic SAM on a strongly convex quadratic ends in a 2-cycle with an :math:`\eta^2\rho^2` floor.

**Provenance.** DERIVED substitute (``docs/proofs/si-yun-lower-bounds.md`` §1; the cycle is the one of Bartlett, Long &
Bousquet, JMLR 2023, ``docs/proofs/literature.md`` §1). It is *not* the paper's own lower-bound example, whose formula
is not available.

**Construction.** :math:`f(x)=\frac\lambda2x^2` in 1-D (:math:`\beta=\mu=\lambda`), SAM with constant
:math:`\eta\in(0,2/\lambda)` and :math:`\rho>0`. The update is
:math:`x_{t+1}=(1-\eta\lambda)x_t-\eta\lambda\rho\,\mathrm{sign}(x_t)`, and every start except the
measure-zero set of trajectories that hit 0 exactly approaches the 2-cycle :math:`\pm c`:

.. math::

    c=\frac{\eta\lambda\rho}{2-\eta\lambda},\qquad
    f(\pm c)-f^*=\frac{\lambda^3\eta^2\rho^2}{2(2-\eta\lambda)^2}.

The deviation from the cycle shrinks by :math:`|1-\eta\lambda|` per step.

**Rate.** With :math:`\eta_T=\min\{\frac1{2\lambda},\,\kappa\ln T/(\mu T)\}` the floor is
:math:`\approx\lambda\rho^2\kappa^2\ln^2T/(8T^2)` (here :math:`\mu=\lambda`), so
:math:`T^2(f-f^*)` grows like :math:`\ln^2T`: the :math:`\tilde\Theta(1/T^2)` of poster rows P1/P2
(CONFIRMED (poster)) for this instance. :meth:`QuadraticCycle.rate_scaling` measures it.

**What is measured.** The cycle level: the mean of :math:`f(x_t)-f^*` over the last 10 % of the
steps, for each of 12 initializations spread over :math:`[-1,1]`; the number of steps is chosen so
that the remaining transient is below :math:`10^{-13}` of the cycle amplitude. Never a single last
iterate (a lucky landing near 0 is possible for a finely tuned :math:`\eta` and :math:`T`).
"""
from __future__ import annotations

from typing import Any, Iterable, TYPE_CHECKING, cast

import math

import numpy as np

from ..closed_forms import two_cycle_amplitude, two_cycle_loss
from ..functions import Quadratic
from ..simulation import simulate
from ._base import (MAX_STEPS, POSITIVE, CheckReport, Counterexample, Interval, Parameter, contraction_rate,
                    finish_floor_sweep, relative_error)

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike

#: relative tolerance of the cycle-level comparison; see :meth:`QuadraticCycle.check`
RTOL = 1e-8


def cycle_amplitude(lam, eta, rho):
    r""":math:`c=\eta\lambda\rho/(2-\eta\lambda)` (:func:`samtheory.closed_forms.two_cycle_amplitude`)."""
    return two_cycle_amplitude(eta, rho, lam)


def cycle_floor(lam, eta, rho):
    r""":math:`\lambda^3\eta^2\rho^2/(2(2-\eta\lambda)^2)` (:func:`samtheory.closed_forms.two_cycle_loss`)."""
    return two_cycle_loss(eta, rho, lam)


class QuadraticCycle(Counterexample):
    name = "quadratic-cycle"
    explorer = {"x0": 1.0, "steps": 60, "x0_range": (-2.0, 2.0)}
    title = "SAM 2-cycle on lambda/2 x^2"
    setting = "deterministic, beta-smooth and mu-strongly convex (beta = mu = lambda)"
    provenance = "DERIVED substitute (docs/proofs/si-yun-lower-bounds.md §1; Bartlett-Long-Bousquet 2-cycle), not the paper's own example"
    methods = ("sam",)
    poster_row = "P1/P2"
    floor_quantity = "cycle level f - f* (tail mean)"
    parameters = (
        Parameter("lam", 2.0, "curvature lambda of f = lambda/2 x^2", lambda p: POSITIVE, "curvature must be > 0"),
        Parameter("rho", 0.1, "SAM radius", lambda p: POSITIVE, "the cycle exists for every rho > 0"),
        Parameter("eta", lambda p: 0.8 / p["lam"], "step size (default 0.8/lambda)",
                  lambda p: Interval(0.0, 2.0 / p["lam"]),
                  "the 2-cycle attracts for 0 < eta*lambda < 2; GD itself diverges beyond 2/lambda"),
    )

    def objective(self, **params: Any) -> Quadratic:
        p = self.resolve(**params)
        return Quadratic.diagonal([p["lam"]], name="quadratic-1d")

    def predict(self, **params: Any) -> dict[str, Any]:
        r"""Cycle amplitude :math:`c=\eta\lambda\rho/(2-\eta\lambda)` and floor :math:`\lambda^3\eta^2\rho^2/(2(2-\eta\lambda)^2)`."""
        p = self.resolve(**params)
        lam, eta, rho = p["lam"], p["eta"], p["rho"]
        return {"floor": cycle_floor(lam, eta, rho), "amplitude": cycle_amplitude(lam, eta, rho),
                "cycle": [cycle_amplitude(lam, eta, rho), -cycle_amplitude(lam, eta, rho)],
                "contraction": abs(1 - eta * lam)}

    @staticmethod
    def _initializations(n=12):
        # spread over [-1, 1], avoiding 0 (a fixed point by the zero-gradient convention)
        return np.linspace(-1.0, 1.0, n)[:, None] + 0.0137

    def steps_needed(self, **params: Any) -> float:
        """Steps after which the transient is below 1e-13 of the cycle amplitude (at most
        :data:`~samtheory.counterexamples._base.MAX_STEPS`, which :meth:`validate` enforces)."""
        p = self.resolve(**params)
        c = cycle_amplitude(p["lam"], p["eta"], p["rho"])
        rate = contraction_rate(p["eta"] * p["lam"])
        if math.isinf(rate):
            return 20
        with np.errstate(all="ignore"):
            need = math.log((1.0 + 2 * p["rho"] + c) / (1e-13 * c)) / rate if rate > 0 and c > 0 else math.inf
        return int(math.ceil(1.2 * need) + 20) if math.isfinite(need) else math.inf

    def run(self, **params: Any) -> dict[str, Any]:
        """Simulate SAM from 12 initializations; per-initialization cycle levels (tail means)."""
        p = self.resolve(**params)
        f = self.objective(**p)
        x0 = self._initializations()
        steps = cast(int, min(self.steps_needed(**p), MAX_STEPS))  # an int, or inf capped by the int MAX_STEPS
        r = simulate(f, "sam", eta=p["eta"], rho=p["rho"], steps=steps, x0=x0, trajectories=len(x0),
                     tail=0.1, record_every=None)
        levels = r.loss_tail_mean.ravel()
        amplitude = np.abs(r.x.ravel())  # after convergence every iterate sits at +-c
        return {"levels": levels, "level_min": float(levels.min()), "level_max": float(levels.max()),
                "amplitude_min": float(amplitude.min()), "amplitude_max": float(amplitude.max()),
                "steps": steps, "initializations": x0.ravel().tolist()}

    def check(self, predicted: float | None = None, **params: Any) -> CheckReport:
        """Every initialization's cycle level equals the closed form to 1e-8 (relative).

        Justification of the tolerance: the deviation from the cycle contracts geometrically and
        the step count leaves less than 1e-13 of the amplitude; float64 rounding does not
        accumulate in a contracting map, so agreement is at the 1e-13 level and 1e-8 leaves a
        margin of five orders while still catching any wrong formula.
        """
        p = self.resolve(**params)
        pred = self.predict(**p)
        floor = pred["floor"] if predicted is None else float(predicted)
        meas = self.cached("run", self.run, p)
        err = relative_error(meas["levels"], floor)
        amp_err = float(max(relative_error(meas["amplitude_min"], pred["amplitude"]),
                            relative_error(meas["amplitude_max"], pred["amplitude"])))
        criteria = [
            (f"every initialization's cycle level within {RTOL:g} (relative) of the floor "
             f"(worst error {err.max():.2g})", bool(np.all(err <= RTOL))),
            (f"cycle amplitude |x| equals eta*lambda*rho/(2-eta*lambda) to {RTOL:g} (error {amp_err:.2g})",
             bool(amp_err <= RTOL)),
            ("the floor is positive: SAM does not converge", bool(meas["level_min"] > 0)),
        ]
        return CheckReport(
            name=self.name, passed=all(h for _, h in criteria),
            quantity="cycle level f - f* (tail mean over the last 10% of steps), min over 12 initializations",
            predicted=floor, measured=meas["level_min"],
            tolerance=f"relative {RTOL:g}: geometric convergence leaves < 1e-13, float64 rounding does not accumulate",
            params=p, criteria=criteria,
            details={"level_max": meas["level_max"], "amplitude_predicted": pred["amplitude"],
                     "amplitude_measured": [meas["amplitude_min"], meas["amplitude_max"]], "steps": meas["steps"]},
            baseline=self.cached("baseline", self.baseline, p))

    def baseline(self, **params: Any) -> CheckReport:
        """GD (rho = 0) from the same initializations converges: f - f* < 1e-20 at the end."""
        p = self.resolve(**params)
        f = self.objective(**p)
        x0 = self._initializations()
        r_ = abs(1 - p["eta"] * p["lam"])
        steps = 20 if r_ == 0 else int(min(10 ** 6, math.ceil(math.log(1e-12) / math.log(r_)) + 20))
        r = simulate(f, "gd", eta=p["eta"], steps=steps, x0=x0, trajectories=len(x0), record_every=None)
        worst = float(np.max(r.loss))
        return CheckReport(self.name + " [GD]", worst < 1e-20, "f - f* at the last GD iterate, max over 12 initializations",
                           0.0, worst, "GD converges linearly at rate |1 - eta*lambda|: below 1e-20",
                           {**p, "rho": 0.0}, [(f"max f - f* = {worst:.3g} < 1e-20", worst < 1e-20)],
                           {"steps": steps})

    def poster_term(self, **params: Any) -> tuple[str, float] | None:
        p = self.resolve(**params)
        lam, eta, rho = p["lam"], p["eta"], p["rho"]
        # P1 has no additive rho^2 term; D1 (DERIVED) bounds f - f* by beta^4 eta^2 rho^2 / mu
        return ("D1 (DERIVED) beta^4 eta^2 rho^2/mu; poster P1 has no additive term", lam ** 3 * eta ** 2 * rho ** 2)

    def floor_vs_rho(self, rhos: ArrayLike | None = None, quick: bool = False, **params: Any) -> dict[str, Any]:
        p = self.resolve(**params)
        rhos = np.geomspace(0.01, 0.1, 4 if quick else 7) if rhos is None else np.asarray(rhos, float)
        measured, predicted = [], []
        for rho in rhos:
            q = {**p, "rho": float(rho)}
            measured.append(self.run(**q)["level_min"])
            predicted.append(self.predict(**q)["floor"])
        return finish_floor_sweep(self, rhos, predicted, measured, p)

    def rate_scaling(self, Ts: Iterable[float] | None = None, kappa: float = 2.0, quick: bool = False,
                     **params: Any) -> dict[str, Any]:
        r"""The :math:`\tilde\Theta(1/T^2)` behaviour: for each horizon :math:`T`, run SAM for :math:`T`
        steps with :math:`\eta_T=\min\{1/(2\lambda),\kappa\ln T/(\lambda T)\}` and report

        * ``floor``: the cycle level :math:`\lambda^3\eta_T^2\rho^2/(2(2-\eta_T\lambda)^2)`;
        * ``level``: the measured mean of :math:`f-f^*` over the last 10 % of the :math:`T` steps
          (start :math:`x_0=1`), and ``best_worst_case``: the best iterate
          :math:`\min_{t\le T}f(x_t)-f^*` maximized over initializations (a grid on
          :math:`[-1,1]` plus the cycle point, which attains the floor at every step);
        * ``T2_level = T^2 * level`` and ``T2_level_over_log2 = T^2 level / ln^2 T``, which tends to
          :math:`\lambda\rho^2\kappa^2/8` (the ``limit`` key).
        """
        p = self.resolve(**params)
        lam, rho = p["lam"], p["rho"]
        if Ts is None:
            Ts = [100, 316, 1000, 3162, 10000] if quick else [100, 316, 1000, 3162, 10000, 31623, 100000]
        f = self.objective(**p)
        rows = []
        for T in Ts:
            T = int(T)
            eta = min(1 / (2 * lam), kappa * math.log(T) / (lam * T))
            c = cycle_amplitude(lam, eta, rho)
            floor = cycle_floor(lam, eta, rho)
            x0 = np.concatenate([np.linspace(-1, 1, 8) + 0.0137, [c]])[:, None]
            r = simulate(f, "sam", eta=eta, rho=rho, steps=T, x0=x0, trajectories=len(x0), tail=0.1,
                         record_every=None)
            level = float(r.loss_tail_mean.ravel()[np.argmin(np.abs(x0.ravel() - 1.0137))])
            best_worst = float(np.max(r.loss_min))
            rows.append({"T": T, "eta": eta, "floor": floor, "level": level, "best_worst_case": best_worst,
                         "T2_floor": T ** 2 * floor, "T2_level": T ** 2 * level,
                         "T2_level_over_log2": T ** 2 * level / math.log(T) ** 2})
        return {"rows": rows, "kappa": kappa, "limit": lam * rho ** 2 * kappa ** 2 / 8, "params": p}
