r"""Hallucinated minimizers: SAM on :math:`1-\cos x` converges to non-stationary points for :math:`\rho\in(\pi,2\pi)`.

**Provenance.** DERIVED (with :math:`-\cos x` as a necessity example in the spirit of Khanh et al.,
NeurIPS 2024; with :math:`\cos x` in "Sharpness-Aware Minimization Can Hallucinate Minimizers",
arXiv 2509.21818;
the phenomenon is the one named by "SAM can hallucinate minimizers", arXiv 2509.21818). Not the
paper's own construction.

**Construction.** :math:`f(x)=1-\cos x` (catalog ``"cosine-unit"``: :math:`\beta=L=1`, minima at
:math:`2\pi k`, maxima at :math:`\pi+2\pi k`), SAM with a constant radius :math:`\rho\in(\pi,2\pi)`,
larger than the distance :math:`\pi` between a minimizer and a maximizer.

**Sign conventions, derived here.** A point :math:`\hat x` with :math:`f'(\hat x)=\sin\hat x\ne0` is a
fixed point of SAM iff its ascent point :math:`\hat x+\rho\,\mathrm{sign}(\sin\hat x)` is a critical
point of :math:`f`; it attracts iff that point is a *minimum* (there the map is GD on
:math:`f(x\pm\rho)` with curvature :math:`f''(2\pi k)=1`, stable for :math:`0<\eta<2`). So

* :math:`\hat x=\rho+2\pi k` needs :math:`\sin\rho<0`, and :math:`\hat x=-\rho+2\pi k` needs
  :math:`-\sin\rho>0`: both hold exactly when :math:`\rho\in(\pi,2\pi)`;
* in :math:`(-\pi,\pi)` the two fixed points are :math:`\hat x=\pm(2\pi-\rho)`, with
  :math:`|f'(\hat x)|=|\sin\rho|` and :math:`f(\hat x)=1-\cos\rho`.

This agrees with the :math:`-\cos x` form (:math:`-\cos x` has the same gradient, so :math:`\hat x=-\rho` is
:math:`2\pi-\rho` shifted by :math:`-2\pi`) and with the :math:`\cos x` form (:math:`\cos x` is :math:`1-\cos x`
shifted by :math:`\pi`, and :math:`\pi-\rho` is :math:`-\rho` shifted by :math:`\pi`). It is also the
cosine-stall construction with :math:`\beta=\omega=1`, :math:`\theta=\rho`.

**What is measured.** The limit points and :math:`|f'|` of 48 initializations over one period
(tail means); all must converge to the predicted non-stationary points. There is no
floor-versus-:math:`\rho` sweep: :math:`\rho` is confined to :math:`(\pi,2\pi)` for this fixed
:math:`f` (the rescaled family of :mod:`.cosine_stall` carries the :math:`\rho^2` scaling).
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import math

import numpy as np

from ..functions import get_function
from .. import virtual_loss as vl
from ._base import CheckReport, Counterexample, Interval, Parameter, relative_error
from .cosine_stall import nearest_distance, run_stall

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from ..functions._base import Objective

RTOL = 1e-8


class HallucinatedMinimizer(Counterexample):
    name = "hallucinated-minimizer"
    explorer = {"x0": 1.0, "steps": 60, "x0_range": (-math.pi, math.pi)}
    title = "SAM converges to non-stationary points of 1 - cos x (rho in (pi, 2pi))"
    setting = "deterministic, smooth, Lipschitz, nonconvex (analytic)"
    provenance = "DERIVED (after arXiv 2509.21818, Hallucinate Minimizers), not the paper's own example"
    methods = ("sam",)
    poster_row = None
    floor_quantity = ""
    parameters = (
        Parameter("rho", 4.0, "SAM radius", lambda p: Interval(math.pi, 2 * math.pi),
                  "hallucinated fixed points exist iff rho exceeds the min-max distance pi and is below 2 pi"),
        Parameter("eta", 0.5, "step size", lambda p: Interval(0.0, 2.0),
                  "the fixed point attracts iff 0 < eta f''(2 pi k) = eta < 2"),
    )

    def objective(self, **params: Any) -> Objective:
        return get_function("cosine-unit")

    def predict(self, **params: Any) -> dict[str, Any]:
        r"""Fixed points :math:`\hat x=\pm(2\pi-\rho)+2\pi k` with :math:`|f'(\hat x)|=|\sin\rho|`, :math:`f(\hat x)=1-\cos\rho`."""
        p = self.resolve(**params)
        rho = p["rho"]
        xh = 2 * math.pi - rho
        return {"fixed_points": [xh, -xh], "grad": abs(math.sin(rho)), "gradsq": math.sin(rho) ** 2,
                "f_at_fixed_point": 1 - math.cos(rho), "period": 2 * math.pi,
                "ascent_points": [xh - rho, -xh + rho]}

    def run(self, **params: Any) -> dict[str, Any]:
        p = self.resolve(**params)
        out = run_stall(self.objective(), p["eta"], p["rho"], 1.0, 2 * math.pi)
        out["gradsq_min"], out["gradsq_max"] = float(out["gradsq"].min()), float(out["gradsq"].max())
        return out

    def check(self, predicted: float | None = None, **params: Any) -> CheckReport:
        """All initializations converge to +-(2 pi - rho) mod 2 pi with ``|f'| = |sin rho|`` (to 1e-8),
        and these are the minimizers of the virtual loss on one period, none of them stationary.
        Same tolerance argument as :meth:`CosineStall.check` (hyperbolic attractor)."""
        p = self.resolve(**params)
        pred = self.predict(**p)
        level = pred["gradsq"] if predicted is None else float(predicted)
        meas = self.cached("run", self.run, p)
        err = relative_error(meas["gradsq"], level)
        dist = nearest_distance(meas["limit"], pred["fixed_points"], 2 * math.pi)
        mins = vl.minimizers(self.objective(), p["rho"], (-math.pi + 1e-9, math.pi + 1e-9), grid=2001)
        vdist = nearest_distance([m.x for m in mins], pred["fixed_points"], 2 * math.pi)
        criteria = [
            (f"all {len(err)} initializations end with |f'|^2 within {RTOL:g} of sin^2(rho) "
             f"(worst relative error {err.max():.2g})", bool(np.all(err <= RTOL))),
            (f"every limit point is +-(2 pi - rho) mod 2 pi (max distance {dist.max():.2g})",
             bool(np.all(dist <= RTOL * 2 * math.pi))),
            (f"the virtual-loss minimizers on (-pi, pi] are exactly these points and are not stationary "
             f"({len(mins)} found)", bool(len(mins) == 2 and np.all(vdist <= 1e-9) and not any(m.stationary for m in mins))),
        ]
        return CheckReport(
            name=self.name, passed=all(h for _, h in criteria),
            quantity="|f'(x)|^2 at the limit (tail mean), min over 48 initializations",
            predicted=level, measured=meas["gradsq_min"],
            tolerance=f"relative {RTOL:g}: hyperbolic attractor, transient < 1e-14",
            params=p, criteria=criteria,
            details={"predicted_fixed_points": pred["fixed_points"],
                     "limit_points_mod_2pi": sorted(set(np.round(np.mod(meas["limit"] + math.pi, 2 * math.pi) - math.pi, 10).tolist())),
                     "virtual_loss_minimizers": [m.to_dict() for m in mins], "steps": meas["steps"]},
            baseline=self.cached("baseline", self.baseline, p))

    def baseline(self, **params: Any) -> CheckReport:
        """GD (rho = 0) converges to the true minimizers 2 pi k: ``|f'|^2 < 1e-20``."""
        p = self.resolve(**params)
        out = run_stall(self.objective(), p["eta"], 0.0, 1.0, 2 * math.pi, method="gd")
        worst = float(out["final_gradsq"].max())
        return CheckReport(self.name + " [GD]", worst < 1e-20, "|f'|^2 at the last GD iterate, max over 48 initializations",
                           0.0, worst, "GD converges linearly to a minimizer: below 1e-20", {**p, "rho": 0.0},
                           [(f"max |f'|^2 = {worst:.3g} < 1e-20", worst < 1e-20)], {"steps": out["steps"]})

    def floor_vs_rho(self, rhos: ArrayLike | None = None, quick: bool = False, **params: Any) -> None:
        """Not applicable: rho is confined to (pi, 2 pi) for this fixed f (returns None)."""
        return None
