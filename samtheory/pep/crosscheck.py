r"""Registry bounds against exact worst cases: is each bound above the PEP value, and by how much?

For a registry entry whose function class, method and measure a PEP can express, the worst case
:math:`W_T` of the measure after :math:`T` steps over the whole class is computed by
:func:`samtheory.pep.worst_case` and compared with the entry's bound :math:`B_T`, evaluated by
the entry's own ``bound`` function (so the formula is the registry's, not a copy):

* :math:`B_T\ge W_T` with :math:`W_T` exact: the bound **holds** on the whole class at that
  :math:`T`, and :math:`B_T/W_T\ge1` is its *proved* slack (1 = tight);
* :math:`B_T\ge W_T` with :math:`W_T` a relaxation (an upper bound on the worst case): it still
  **holds**, and :math:`B_T/W_T` is a lower bound on the slack;
* :math:`B_T<W_T` with :math:`W_T` exact: the bound is **violated**, and the PEP worst case (its
  iterates and gradients) is the witness;
* :math:`B_T<W_T` with :math:`W_T` a relaxation: **inconclusive**.

The bound functions read their constants from a :class:`samtheory.theorems.Context`; here it is
built on the quadratic :math:`\tfrac12(\mu x_1^2+Lx_2^2)`, which only *carries* the constants
:math:`L`, :math:`\mu` and the initial gap (:math:`\Delta=f(x_0)-f^*` or
:math:`\|x_0-x^*\|^2`): no bound evaluated here depends on the function beyond them.

Initial radius :math:`R\ne1`. The PEP fixes the initial condition at 1. Substituting
:math:`\tilde f(z)=f(\sqrt R z)/R` (same :math:`L,\mu`) maps a run from radius :math:`R` to one
from radius 1 with the same :math:`\eta`; GD and USAM keep :math:`\rho`, SAM's normalized step
becomes :math:`\rho/\sqrt R`, and every measure here scales by :math:`R`. So
:math:`W_T(R,\rho)=R\,W_T(1,\rho/\sqrt R)` for SAM and :math:`R\,W_T(1,\rho)` for GD/USAM.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, cast

import numpy as np

from .._validation import InvalidParameterError

#: relative solver error allowed before a bound below the PEP value counts (see tests/test_pep.py)
SOLVER_RTOL = 1e-6


@dataclass(frozen=True)
class Entry:
    """How one registry entry is asked as a PEP.

    ``index(T)`` is the argument of the entry's bound function for horizon T (the registry's
    measures index rows differently: ``f(x_t)`` by t, running averages over t < T by T - 1).
    ``paired``: the entry compares two runs (trajectories 0 and 1); the PEP's second run sits at
    the minimizer, a fixed point of the method.
    """

    theorem: str
    method: str
    function_class: str
    metric: str
    initial: str
    smoothness: float
    strong_convexity: float
    eta: float
    rho: float = 0.0
    radius: float = 1.0
    offset: int = 0
    paired: bool = False
    note: str = ""

    def index(self, T: int) -> int:
        return T + self.offset

    def describe(self) -> str:
        params = f"L={self.smoothness:g}, mu={self.strong_convexity:g}, eta={self.eta:g}"
        if self.method != "gd":
            params += f", rho={self.rho:g}"
        return f"{self.method} on {self.function_class}, {self.metric} from {self.initial} <= {self.radius:g}, {params}"


#: The default report. Entries and parameters inside each entry's preconditions.
ENTRIES = (
    Entry("literature.gd.smooth-convex", "gd", "smooth-convex", "loss", "distance", 1.0, 0.0, eta=1.0,
          note="tight (Drori & Teboulle 2014): the ratio should be 1"),
    Entry("literature.gd.contraction", "gd", "smooth-strongly-convex", "distance", "distance", 1.0, 0.1, eta=1.5,
          paired=True, note="the entry pairs two GD runs; the PEP takes the second at x* (a fixed point), a special case"),
    Entry("siyun.derived.d1", "sam", "smooth-strongly-convex", "loss", "loss", 1.0, 0.1, eta=0.5, rho=0.1),
    Entry("siyun.derived.d1", "sam", "smooth-strongly-convex", "loss", "loss", 1.0, 0.1, eta=0.5, rho=0.1,
          radius=1e-4, note="small initial gap: the rho^2 floor of D1 dominates"),
    Entry("siyun.derived.d2", "sam", "smooth-convex", "gradsq-avg", "loss", 1.0, 0.0, eta=0.5, rho=0.1, offset=-1),
    Entry("siyun.derived.d3", "sam", "smooth", "gradsq-avg", "loss", 1.0, 0.0, eta=0.25, rho=0.1, offset=-1,
          note="nonconvex class: the PEP is a relaxation, so only 'holds' or 'inconclusive'"),
)

#: registry entries not in the report, and why
NOT_EXPRESSIBLE = {
    "literature.gd.nonconvex": "its measure subtracts (4/3)(L/n)(f(x0) - f(x_n)), not one of the PEP metrics",
    "literature.gd.pl": "PL functions have no exact interpolation conditions (PEPit's PL classes are relaxations)",
    "unifiedsam.*": "PL or stochastic settings",
    "siyun.stochastic.*, siyun.derived.d5/d6": "stochastic gradients",
    "siyun.deterministic.*.upper": "rates with unknown O(.) constants, not explicit bounds",
    "khanh.*": "measures with schedules or differences of consecutive losses",
}


@dataclass
class Check:
    """One (entry, T) comparison."""

    theorem: str
    steps: int
    setting: str
    bound: float | None
    pep: float | None
    exact: bool
    verdict: str
    ratio: float | None
    seconds: float
    reason: str = ""
    witness: dict | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        out = {"theorem": self.theorem, "steps": self.steps, "setting": self.setting, "bound": self.bound,
               "pep": self.pep, "pep_exact": self.exact, "verdict": self.verdict, "ratio": self.ratio,
               "seconds": self.seconds, "reason": self.reason}
        if self.witness is not None:
            out["witness"] = self.witness
        return out


def _carrier_context(entry: Entry, T: int):
    """The registry Context of ``entry`` at horizon ``T`` on the constant-carrying quadratic."""
    from ..functions.quadratic import Quadratic
    from ..theorems import Instance
    from ..theorems import make_context
    f = Quadratic.diagonal([entry.strong_convexity, entry.smoothness], name="pep-constants")
    x0: list[float] | list[list[float]]
    if entry.initial == "distance":
        x0 = [math.sqrt(entry.radius), 0.0]  # ||x0 - x*||^2 = R
    else:
        x0 = [0.0, math.sqrt(2 * entry.radius / entry.smoothness)]  # f(x0) - f* = R
    trajectories = 1
    if entry.paired:  # the pair (x0, x*) for entries that compare two runs
        x0, trajectories = [x0, [0.0, 0.0]], 2
    inst = Instance(f, method=entry.method, eta=entry.eta, rho=entry.rho, steps=T, x0=x0, trajectories=trajectories)
    return make_context(inst, f)


def bound_value(entry: Entry, T: int):
    """``(B_T, unmet)``: the entry's bound at horizon T, and its unmet preconditions (if any)."""
    from ..theorems import get_theorem
    theorem = get_theorem(entry.theorem)
    ctx = _carrier_context(entry, T)
    bound = cast(Callable[..., Any], theorem.bound)(ctx)  # declared `object` in Theorem; it maps a Context to the bound
    if ctx.unmet:
        return None, list(ctx.unmet)
    value = bound(entry.index(T)) if callable(bound) else bound
    return float(np.asarray(value, dtype=float).reshape(-1)[0]), []


def pep_value(entry: Entry, T: int, *, exact_steps: int = 1):
    r"""The worst case :math:`W_T` at the entry's initial radius (scaling above).

    Normalized methods are solved exactly (the gradient-norm sweep) for ``T <= exact_steps`` and by
    the unit-vector relaxation beyond."""
    from . import worst_case
    normalized = entry.method == "sam"
    R = entry.radius
    if entry.method == "unified" and R != 1:
        raise InvalidParameterError("radius != 1 is not supported for 'unified' (its step mixes scalings)")
    rho = entry.rho / math.sqrt(R) if normalized else entry.rho
    mode = "exact" if normalized and T <= exact_steps and entry.function_class != "smooth" else "relaxation"
    result = worst_case(entry.method, entry.function_class, steps=T, metric=entry.metric, initial=entry.initial,
                        smoothness=entry.smoothness, strong_convexity=entry.strong_convexity, eta=entry.eta,
                        rho=rho, mode=mode)
    value = None if result.value is None else R * result.value
    return value, result


def check_entry(entry: Entry, T: int, *, exact_steps: int = 1) -> Check:
    """Compare the entry's bound with the PEP worst case at horizon ``T`` (module docstring)."""
    start = time.perf_counter()
    bound, unmet = bound_value(entry, T)
    setting = entry.describe()
    if bound is None:
        return Check(entry.theorem, T, setting, None, None, False, "not-applicable", None,
                     time.perf_counter() - start, "; ".join(unmet))
    value, result = pep_value(entry, T, exact_steps=exact_steps)
    seconds = time.perf_counter() - start
    if value is None or not result.ok:
        return Check(entry.theorem, T, setting, bound, value, result.exact, "error", None, seconds,
                     f"PEP solver status {result.status}")
    ratio = bound / value if value > 0 else (math.inf if bound > 0 else 1.0)
    kind = "exact worst case" if result.exact else "relaxation (an upper bound on the worst case)"
    if bound >= value * (1 - SOLVER_RTOL) - 1e-12:
        verdict = "holds"
        reason = f"bound {bound:.6g} >= PEP {value:.6g} ({kind}); slack ratio {ratio:.4g}"
        witness = None
    elif result.exact:
        verdict = "violated"
        reason = f"bound {bound:.6g} < exact worst case {value:.6g}; the PEP witness is attached"
        witness = result.to_dict()
    else:
        verdict = "inconclusive"
        reason = f"bound {bound:.6g} < relaxation {value:.6g}, which may be above the true worst case"
        witness = None
    return Check(entry.theorem, T, setting, bound, value, result.exact, verdict, ratio, seconds, reason, witness)


def crosscheck(entries=ENTRIES, horizons=range(1, 6), *, exact_steps=1, progress=None) -> list:
    r"""Run :func:`check_entry` for every entry and horizon; return the list of :class:`Check`.

    Parameters
    ----------
    entries : sequence of Entry
        Default :data:`ENTRIES`.
    horizons : iterable of int
        The horizons :math:`T` (default 1..5).
    exact_steps : int
        SAM is solved exactly (gradient-norm sweep, 5-12 s at T = 1, two to three minutes at
        T = 2) up to this T and by the unit-vector relaxation beyond (fractions of a second).
    progress : callable, optional
        ``progress(done, total, label)``.
    """
    horizons = list(horizons)
    total = len(entries) * len(horizons)
    out = []
    for entry in entries:
        for T in horizons:
            out.append(check_entry(entry, T, exact_steps=exact_steps))
            if progress is not None:
                progress(len(out), total, f"{entry.theorem} T={T}")
    return out


def table(checks) -> str:
    """Plain-text table of the checks."""
    rows = [(c.theorem, str(c.steps), f"{c.bound:.6g}" if c.bound is not None else "-",
             f"{c.pep:.6g}" if c.pep is not None else "-", "exact" if c.exact else "relax",
             f"{c.ratio:.4g}" if c.ratio is not None else "-", c.verdict) for c in checks]
    headers = ("theorem", "T", "bound", "PEP", "PEP kind", "bound/PEP", "verdict")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])
