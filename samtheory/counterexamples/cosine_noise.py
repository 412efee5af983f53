r"""E4: stochastic SAM on the cosine counterexample with bounded noise still stalls.

**Provenance.** DERIVED substitute (``docs/proofs/si-yun-lower-bounds.md`` §5, argued there and simulated here), not the
paper's own example.

**Construction.** The cosine family with :math:`\omega=\theta/\rho` (:mod:`.cosine_stall`) and
additive noise :math:`\xi=\pm\sigma` with :math:`\sigma<L\,|\sin\theta|` (below the gradient at the
stall points). Near a stall point :math:`\hat x` the ascent sign :math:`\mathrm{sign}(f'(x)+\xi)`
equals :math:`\mathrm{sign}f'(x)` for every noise value, so the expected update is deterministic
SAM's, which is GD on :math:`f(x-\rho)` there: the stall points stay attracting in expectation, and
the iterates fluctuate around them by :math:`\mathcal O(\sqrt\eta\,\sigma)`. Hence

.. math:: \mathbb E\|\nabla f(x_t)\|^2\ \to\ \frac{\beta^2\rho^2\sin^2\theta}{\theta^2}+\mathcal O(\eta\sigma^2),

a floor of order :math:`\beta^2\rho^2` (poster row P7 bounds the related measure
:math:`(\|\nabla f\|-\beta\rho)^2` by :math:`\mathcal O(1/\sqrt T)+5\beta^2\rho^2`, CONFIRMED (poster)).

**What is measured.** Monte-Carlo mean over chains (one per initialization spread over a period)
of the time average of :math:`\|\nabla f(x_t)\|^2` over the last half of the run, with its standard
error; the prediction is the deterministic stall level, approached as :math:`\eta\to0`.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import math

import numpy as np

from ..oracles import AdditiveNoise
from ..simulation import simulate
from ._base import POSITIVE, CheckReport, Counterexample, Interval, Parameter, finish_floor_sweep, mean_and_se
from .cosine_stall import CosineStall, stall_gradient

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from ..functions.cosine import CosineFamily
    from ..functions._base import Objective

#: standard errors allowed, plus the O(eta sigma^2) fluctuation term below
Z = 4.0


class CosineNoise(Counterexample):
    name = "cosine-noise"
    explorer = {"x0": 0.05, "steps": 150, "x0_range": (-0.25, 0.25)}
    title = "stochastic SAM stalls on the cosine counterexample with bounded +-sigma noise"
    setting = "stochastic, beta-smooth, L-Lipschitz, nonconvex"
    provenance = "DERIVED substitute (docs/proofs/si-yun-lower-bounds.md §5), not the paper's own example"
    methods = ("sam (independent samples)",)
    poster_row = "P7"
    floor_quantity = "E ||grad f||^2 (time average over the second half), Monte-Carlo mean"
    parameters = (
        Parameter("beta", 1.0, "smoothness beta", lambda p: POSITIVE, "beta must be > 0"),
        Parameter("rho", 0.1, "SAM radius (omega = 3 pi / (2 rho))", lambda p: POSITIVE, "rho must be > 0"),
        Parameter("sigma", lambda p: 0.5 * stall_gradient(p["beta"], p["rho"], 1.5 * math.pi),
                  "noise level (+-sigma); default half the stall gradient",
                  lambda p: Interval(0.0, stall_gradient(p["beta"], p["rho"], 1.5 * math.pi)),
                  "the noise must not flip the ascent sign at the stall points: sigma < 2 beta rho/(3 pi)"),
        Parameter("eta", 0.05, "step size", lambda p: Interval(0.0, 1.0 / p["beta"], high_closed=True),
                  "0 < eta beta <= 1 keeps the stall attracting with a small fluctuation"),
        Parameter("chains", 48, "chains (one per initialization over a period)", lambda p: Interval(10, 10 ** 5, True, True),
                  "at least 10 chains for a standard error", kind="int"),
        Parameter("seed", 0, "random seed", lambda p: Interval(0, 2 ** 63, True, False), "seed >= 0", kind="int"),
    )

    def _deterministic(self, p):
        return CosineStall(), {"beta": p["beta"], "rho": p["rho"], "eta": min(p["eta"], 1.0 / p["beta"])}

    def objective(self, **params: Any) -> CosineFamily:
        p = self.resolve(**params)
        ce, q = self._deterministic(p)
        return ce.objective(**q)

    def oracle(self, objective: Objective | None = None, **params: Any) -> AdditiveNoise:
        p = self.resolve(**params)
        return AdditiveNoise(objective or self.objective(**p), p["sigma"], "rademacher")

    def predict(self, **params: Any) -> dict[str, Any]:
        r"""Floor :math:`(2\beta\rho/(3\pi))^2` of :math:`\mathbb E\|\nabla f\|^2` as :math:`\eta\to0`, plus at most :math:`\eta\beta\sigma^2` at finite η."""
        p = self.resolve(**params)
        g = stall_gradient(p["beta"], p["rho"], 1.5 * math.pi)
        ce, q = self._deterministic(p)
        det = ce.predict(**q)  # the points the iterates fluctuate around: the deterministic stall points
        return {"gradsq": g ** 2, "fluctuation": p["eta"] * p["beta"] * p["sigma"] ** 2,
                "stall_points": det["stall_points"], "period": det["period"]}

    def steps_needed(self, **params: Any) -> float | None:
        p = self.resolve(**params)
        return math.ceil(40 / (p["eta"] * p["beta"]))

    def run(self, **params: Any) -> dict[str, Any]:
        p = self.resolve(**params)
        f = self.objective(**p)
        period = 2 * math.pi * p["rho"] / (1.5 * math.pi)
        x0 = (np.arange(p["chains"]) / p["chains"] - 0.5 + 0.00731) * period
        steps = int(math.ceil(40 / (p["eta"] * p["beta"])))
        r = simulate(f, "sam", eta=p["eta"], rho=p["rho"], steps=steps, x0=x0[:, None], trajectories=p["chains"],
                     oracle=self.oracle(f, **p), same_sample=False, seed=p["seed"], tail=0.5, record_every=None)
        mean, se = mean_and_se(r.gradsq_tail_mean)
        return {"mean": mean, "se": se, "steps": steps, "per_chain": r.gradsq_tail_mean.ravel()}

    def check(self, predicted: float | None = None, **params: Any) -> CheckReport:
        """The Monte-Carlo mean is within Z = 4 standard errors plus the fluctuation term eta beta sigma^2
        of the deterministic stall level (the noise moves the iterate around the stall point by
        O(sqrt(eta) sigma), changing ||grad f||^2 by at most that much in expectation)."""
        p = self.resolve(**params)
        pred = self.predict(**p)
        level = pred["gradsq"] if predicted is None else float(predicted)
        meas = self.cached("run", self.run, p)
        tol = Z * meas["se"] + pred["fluctuation"]
        criteria = [(f"E ||grad f||^2 = {meas['mean']:.6g} within {tol:.2g} of {level:.6g}",
                     abs(meas["mean"] - level) <= tol),
                     (f"every chain stays near a stall: min per-chain level {meas['per_chain'].min():.4g} > half the floor",
                      bool(meas["per_chain"].min() > 0.5 * level))]
        return CheckReport(self.name, all(h for _, h in criteria),
                           "E ||grad f||^2, time average over the last half, Monte-Carlo mean over chains",
                           level, meas["mean"], f"{Z:g} standard errors + eta beta sigma^2", p, criteria,
                           {"se": meas["se"], "steps": meas["steps"]}, baseline=self.cached("baseline", self.baseline, p))

    def baseline(self, **params: Any) -> CheckReport:
        """Deterministic GD (rho = 0) on the same function converges."""
        p = self.resolve(**params)
        ce, q = self._deterministic(p)
        report = ce.baseline(**q)
        report.name = self.name + " [GD]"
        return report

    def poster_term(self, **params: Any) -> tuple[str, float] | None:
        p = self.resolve(**params)
        return ("P7 (poster): 5 beta^2 rho^2 (on (||grad f|| - beta rho)^2)", 5 * (p["beta"] * p["rho"]) ** 2)

    def floor_vs_rho(self, rhos: ArrayLike | None = None, quick: bool = False, **params: Any) -> dict[str, Any]:
        p = self.resolve(**params)
        rhos = np.geomspace(0.01, 0.1, 3 if quick else 5) if rhos is None else np.asarray(rhos, float)
        measured, predicted = [], []
        for rho in rhos:
            q = self.resolve(**{"beta": p["beta"], "rho": float(rho), "eta": p["eta"], "chains": p["chains"], "seed": p["seed"]})
            measured.append(self.run(**q)["mean"])
            predicted.append(self.predict(**q)["gradsq"])
        return finish_floor_sweep(self, rhos, predicted, measured, {"beta": p["beta"], "eta": p["eta"]})
