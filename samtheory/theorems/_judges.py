r"""The judges: how a measured curve and a bound become a :class:`~samtheory.theorems.Verdict`.

One judge per check kind (see :mod:`samtheory.theorems._theorem` for the semantics of each):
``every-t`` (:func:`_judge_every_t`, with the neighbourhood ratio :func:`_tail_ratio`), ``rate``
(:func:`_judge_rate`, with the derived certificates and envelopes that may decide it), ``floor``,
``exact`` and ``asymptotic``. :func:`judge` evaluates the theorem's measure on a run and hands it
to the judge of its kind. Every judge also thins the curves a report draws (:func:`_curves`),
unless :func:`keeping_curves` turned that off.
"""
from __future__ import annotations

import contextlib
import contextvars
import math

import numpy as np

from ._instance import Sides, Terms
from ._theorem import RATE_SLACK, Z, Inconclusive, Verdict


def judge(theorem, run, bound, label, params):
    """Evaluate ``theorem``'s measure on ``run`` and judge it against ``bound`` by the theorem's check
    kind; an undecidable run (:class:`Inconclusive`, a non-finite measure) is ``inconclusive``."""
    try:
        raw = theorem.measure(run)
    except Inconclusive as exc:
        return Verdict(theorem.id, label, "inconclusive", str(exc), instance_params=params)
    sides = raw if isinstance(raw, Sides) else None
    if sides is not None and theorem.check != "every-t":
        raise TypeError(f"{theorem.id}: a measure given by its Sides is judged by every-t checks only")
    measured = np.asarray(raw.difference if sides is not None else raw, dtype=float)
    if not np.all(np.isfinite(measured)):
        # a comparison with nan is False, so a non-finite measure would pass silently
        bad = int(np.flatnonzero(~np.isfinite(measured.reshape(measured.shape[0], -1)).any(axis=1))[0])
        return Verdict(theorem.id, label, "inconclusive", f"the measure is not finite at index {bad}",
                       instance_params=params)
    judge_of_kind = {"every-t": _judge_every_t, "rate": _judge_rate, "floor": _judge_floor,
                     "exact": _judge_exact, "asymptotic": _judge_asymptotic}[theorem.check]
    verdict = judge_of_kind(theorem, run, measured, bound)
    if sides is not None:
        _ratio_of_sides(verdict, theorem, run, sides, bound)
    verdict.theorem, verdict.instance, verdict.instance_params = theorem.id, label, params
    return verdict


def _stats(values, stochastic):
    """Per-t aggregate over trajectories: returns (centre, half-width of the Z interval)."""
    if stochastic:
        n = values.shape[-1]
        mean = values.mean(axis=-1)
        se = values.std(axis=-1, ddof=1) / math.sqrt(n) if n > 1 else np.full(mean.shape, np.inf)
        return mean, Z * se
    return values, np.zeros_like(values)


def _bound_array(bound, t, shape):
    b = bound(t) if callable(bound) else bound
    return np.broadcast_to(np.asarray(b, dtype=float), shape)


def _judge_every_t(theorem, run, measured, bound):
    """measured: (n_t, n_traj) with rows t = 0..T (or the measure's own index via run)."""
    stochastic = run.ctx.stochastic
    t = np.arange(measured.shape[0])
    centre, half = _stats(measured, stochastic)
    rows = t if centre.ndim == 1 else t[:, None]
    b = _bound_array(bound, rows, centre.shape)
    floor = float_floor(run) if theorem.rounding is None else np.broadcast_to(theorem.rounding(run), centre.shape)
    slack = floor + _first_order_floor(run, centre) if theorem.rounding is None else floor
    tol = theorem.tolerance * np.abs(b) + slack
    if not stochastic:
        excess = centre - b
        bad = excess > tol
        status = "violated" if bad.any() else "holds"
    else:
        bad = (centre - half - b) > tol
        unsure = (centre + half - b) > tol
        status = "violated" if bad.any() else ("inconclusive" if unsure.any() else "holds")
        excess = centre - b
    # ratios are reported only where the bound is well above the float64 floor of the measure
    # (1e3 times it, so rounding moves a ratio by at most 1e-3): below it, f - f* is rounding noise
    resolvable = 1e3 * float(np.max(floor))
    verdict = _verdict_from_excess(status, excess, centre, b, t, bad, theorem, resolvable)
    terms = None
    if _keep_curves.get() and isinstance(bound, Terms) and len(bound.decaying) + len(bound.limit) > 1:
        terms = {**{name: term(rows) for name, term in bound.decaying.items()},
                 **{name: float(value) for name, value in bound.limit.items()}}
    verdict.curves = _curves(*_axis(run, t), centre, b, column=verdict.details.get("worst_trajectory", 0),
                             lower=centre - half if stochastic else None, upper=centre + half if stochastic else None,
                             terms=terms, marker=verdict.details.get("worst_t"))
    if isinstance(bound, Terms):
        decay = _bound_array(bound.decay, rows, centre.shape)
        limit = np.broadcast_to(bound.limit_value(), centre.shape)
        paid = decay if bound.combine == "sum" else 0.0  # in a maximum the limit term alone binds there
        verdict.tail_ratio = _tail_ratio(centre, decay + limit, limit, resolvable, theorem.ratio_from, paid=paid)
        return verdict
    try:
        limit = _bound_array(bound, np.full(rows.shape, 1e15), centre.shape)
    except (IndexError, ValueError, OverflowError):  # a bound tabulated over the run's steps only
        limit = None
    verdict.tail_ratio = None if limit is None else _tail_ratio(centre, b, limit, resolvable, theorem.ratio_from)
    return verdict


def _ratio_of_sides(verdict, theorem, run, sides, bound):
    """Replace the ratio of a ``smaller ≤ larger + bound`` measure (:class:`Sides`) by
    max smaller/(larger + bound), read from row ``theorem.ratio_from`` on where the denominator is
    above 1e3 times the measure's rounding (as ratios are in :func:`_judge_every_t`), so that
    rounding moves it by at most about 1e-3; ``None`` when no row qualifies (a violated verdict
    then keeps closeness 1 in the search)."""
    stochastic = run.ctx.stochastic
    smaller, _ = _stats(sides.smaller, stochastic)
    larger, _ = _stats(sides.larger, stochastic)
    t = np.arange(smaller.shape[0])
    denominator = larger + _bound_array(bound, t if smaller.ndim == 1 else t[:, None], smaller.shape)
    floor = float_floor(run) if theorem.rounding is None else np.broadcast_to(theorem.rounding(run), smaller.shape)
    ok = denominator > 1e3 * np.broadcast_to(floor, smaller.shape)
    ok[:min(theorem.ratio_from, ok.shape[0] - 1)] = False
    if not ok.any():
        verdict.ratio = None
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok, smaller / denominator, -np.inf)
    i, j = np.unravel_index(int(np.argmax(ratio)), ratio.shape) if ratio.ndim > 1 else (int(np.argmax(ratio)), 0)
    verdict.ratio = float(ratio[(i, j) if ratio.ndim > 1 else i])
    verdict.details["ratio_t"] = int(t[i])
    verdict.reason += f"; closest at t={int(t[i])}: the smaller side is {verdict.ratio:.4g} of the larger"


#: The neighbourhood ratio is read only where the decaying part of the bound is at most this share
#: of its limit term: there an additive bound (decay + limit) and a maximum (max{decay, limit}) agree
#: to 1 %, so the ratio says how far the limit term can be cut whatever the bound's form.
NEIGHBOURHOOD_TRANSIENT = 0.01


def _tail_ratio(centre, bound, limit, resolvable=0.0, ratio_from=1, paid=None):
    r"""How much of the bound's *neighbourhood term* the measure uses.

    Write the bound as :math:`b_t=(b_t-b_\infty)+b_\infty`: a part that decays with t (the
    :math:`\Delta` terms) and its limit :math:`b_\infty` (the ρ² and noise terms, evaluated at
    t = 1e15). Over the steps where the decaying part has fallen below ``NEIGHBOURHOOD_TRANSIENT``
    of the limit, the neighbourhood ratio is :math:`\max_t\,(m_t-(b_t-b_\infty))/b_\infty`: the
    share of the limit term the measure uses. It is < 1 when the bound holds, and it says how far
    the neighbourhood term could be cut: with :math:`b_\infty` replaced by :math:`c\,b_\infty` the
    bound fails as soon as the ratio exceeds c (up to the 1 % of decay left). D1's ρ² floor reaches
    about 0.49. None when the bound decays to 0 or the run never reaches that regime.

    ``bound`` here is decaying part + limit (a :class:`Terms` bound passes that sum whatever its
    form, so the rows are those where its decaying terms are small) and ``paid`` what the measure
    is charged for the decaying part (default: all of it; 0 for a maximum, where in those rows the
    limit term alone is the bound)."""
    decay = bound - limit
    ok = ((limit > resolvable) & np.isfinite(limit)
          & (decay <= NEIGHBOURHOOD_TRANSIENT * limit) & (decay >= -1e-12 * np.abs(limit)))
    ok[:ratio_from] = False
    if not ok.any():
        return None
    paid = decay if paid is None else np.broadcast_to(paid, decay.shape)
    return float(np.max((centre[ok] - paid[ok]) / limit[ok]))


def float_floor(run):
    """Absolute slack for values that sit at the float64 floor (e.g. f − f* ≈ 1e-30 when the
    bound decays to 1e-40): 1e-13 times the scale of f at the start, plus what rounding of the
    iterates alone puts into f or ∇f (:func:`_iterate_floor`; a run started at an interpolating
    minimizer has Δ ≈ 1e-33 and measures of the same size)."""
    res = run.result
    scale = abs(run.ctx.f_star) + float(np.nanmax(np.abs(res.loss_history[0]))) if res.loss_history is not None else 1.0
    return 1e-13 * scale + _iterate_floor(run)


def _first_order_floor(run, measured):
    r"""The first-order part of the iterates' rounding in measured values m (f − f* or
    :math:`\|\nabla f\|^2`, row by row), which :func:`float_floor` (second order, at a minimizer)
    leaves out: an iterate off by δx moves f by :math:`\|\nabla f\|\delta x\le\sqrt{2\beta m}\,\delta x`
    (β-smoothness with f*) and :math:`\|\nabla f\|^2` by :math:`2\beta\sqrt m\,\delta x`; a thousand
    times the larger, :math:`2\cdot10^3\beta\sqrt m\,\delta x` (β taken ≥ 1). The residuals of a
    least-squares sum carry ε|b| each whatever the iterate, which is such a δx: a search found GD's
    PL bound, an identity in 1-D, exceeded by 3e-22 at f − f* = 1e-13 (relative 3e-9; this slack
    there: 7e-6)."""
    beta, dx = _iterate_rounding(run)
    return 2e3 * beta * dx * np.sqrt(np.abs(np.asarray(measured, dtype=float)))


def _iterate_rounding(run):
    r"""(β taken ≥ 1, δx): iterates are known to :math:`\delta x=\varepsilon(1+\|x_0\|+\|x^*\|)`."""
    ctx = run.ctx
    x0 = np.asarray(ctx.instance.x0 if ctx.instance.x0 is not None else 0.0, dtype=float)
    minimizer = ctx.objective.minimizer
    size = 1.0 + float(np.max(np.abs(x0), initial=0.0)) + (0.0 if minimizer is None else float(np.max(np.abs(minimizer))))
    return max(1.0, float(ctx.beta or 1.0)), np.finfo(float).eps * size


def _iterate_floor(run):
    r"""What rounding alone can put into a measure of f − f* or :math:`\|\nabla f\|^2` at a
    minimizer: iterates are known to δx (:func:`_iterate_rounding`), so f to
    :math:`\beta\,\delta x^2` and :math:`\|\nabla f\|^2` to :math:`\beta^2\delta x^2`; a thousand
    times the larger of the two (β taken ≥ 1)."""
    beta, dx = _iterate_rounding(run)
    return 1e3 * (beta * dx) ** 2


def _verdict_from_excess(status, excess, centre, b, t, bad, theorem, resolvable=0.0):
    """Locate the reported point: the first violation if any, else the largest measure/bound
    ratio from row ``theorem.ratio_from`` on (row 0 of most bounds holds by construction)."""
    flat_excess = excess.reshape(excess.shape[0], -1)
    flat_c = centre.reshape(centre.shape[0], -1)
    flat_b = b.reshape(b.shape[0], -1)
    if bad.any():
        flat_bad = bad.reshape(bad.shape[0], -1)
        i = int(np.flatnonzero(flat_bad.any(axis=1))[0])
        j = int(np.argmax(flat_excess[i]))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(np.abs(flat_b) > resolvable, flat_c / flat_b, -np.inf)
        if not np.isfinite(ratio).any():  # bound identically 0: report the largest measure
            ratio = flat_excess.astype(float).copy()
        ratio[:min(theorem.ratio_from, ratio.shape[0] - 1)] = -np.inf
        i, j = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
        i, j = int(i), int(j)
    m = float(centre.reshape(centre.shape[0], -1)[i, j])
    bb = float(b.reshape(b.shape[0], -1)[i, j])
    first = None
    if bad.any():
        first = int(t[np.flatnonzero(bad.reshape(bad.shape[0], -1).any(axis=1))[0]])
    if bad.any() or abs(bb) > resolvable:
        ratio = m / bb if bb != 0 else (0.0 if m <= 0 else math.inf)
    else:  # no step had a bound above the measure's rounding: no ratio can be read off
        ratio = None
    details = {"worst_t": int(t[i])}
    if flat_c.shape[1] > 1:  # several trajectories judged one by one: which one is reported
        details["worst_trajectory"] = j
    return Verdict("", "", status, reason=f"worst at t={int(t[i])}: measure {m:.4g} vs bound {bb:.4g}",
                   margin=bb - m, ratio=ratio, first_violation=first, measure=m, bound=bb,
                   details=details)


#: Whether checks keep their curves (:attr:`Verdict.curves`) for reports. The worst-case search,
#: which judges thousands of candidates and keeps numbers only, turns it off
#: (:func:`keeping_curves`): thinning the curves costs a few milliseconds per check.
#: whether checks keep their curves: a context variable, not a global, because the search judges
#: batches in worker threads (search/_executor.py) whose blocks would otherwise interleave their
#: set and restore and leave the flag off for everything after
_keep_curves: contextvars.ContextVar[bool] = contextvars.ContextVar("keep_curves", default=True)


@contextlib.contextmanager
def keeping_curves(keep: bool):
    """Checks inside the block keep (``True``) or skip (``False``) their curves (in this thread
    or task only)."""
    token = _keep_curves.set(bool(keep))
    try:
        yield
    finally:
        _keep_curves.reset(token)


#: Points kept of each curve a verdict carries (:attr:`Verdict.curves`): geometric in t, so that
#: log axes show the transient and the tail alike, and a report of the default run stays small.
CURVE_POINTS = 120


def _thin(n, keep=()):
    """Indices of 0..n-1 kept for a curve: 0, n-1, about :data:`CURVE_POINTS` geometrically
    spaced ones between, and the indices in ``keep`` (the reported point)."""
    if n <= CURVE_POINTS:
        return np.arange(n)
    idx = np.concatenate([[0, n - 1], np.round(np.geomspace(1, n - 1, CURVE_POINTS - 2)), list(keep)])
    idx = np.unique(idx.astype(int))
    return idx[(idx >= 0) & (idx < n)]


def _axis(run, rows):
    """The x values of a measure's rows and their name: the horizons T when the measure has one
    row per horizon (a theorem that simulates each horizon), else the step t."""
    if run.horizons is not None and len(run.horizons) == len(rows):
        return np.asarray(run.horizons, dtype=float), "horizon T"
    return rows, "t"


def _curves(x, x_label, measure, bound=None, *, column=0, lower=None, upper=None, terms=None,
            bound_label="bound", start=0, marker=None, reference=None, reference_label=""):
    """The curves a report draws for one verdict, thinned (:func:`_thin`): ``measure`` (and its
    Monte-Carlo interval ``lower``/``upper``), ``bound`` and, for a :class:`Terms` bound, each
    term; all over ``x`` (the recorded t, the horizons or the grid). Arrays with one column per
    trajectory are read at ``column`` (the trajectory the verdict reports). ``reference`` is a
    constant drawn as a horizontal line (a rate's additive term, an asymptotic check's target).
    ``None`` when curves are not kept (:func:`keeping_curves`)."""
    if not _keep_curves.get():
        return None
    x = np.asarray(x, dtype=float)
    n = len(x)
    if x_label != "t":  # the reported row and the first checked row, as points of this axis
        marker = None if marker is None else float(x[int(np.clip(marker, 0, n - 1))])
        start = float(x[int(np.clip(start, 0, n - 1))]) if start else 0
    keep = [] if marker is None else [int(np.clip(np.searchsorted(x, marker), 0, n - 1))]
    idx = _thin(n, keep)

    def pick(values):
        if values is None:
            return None
        v = np.asarray(values, dtype=float)
        if v.ndim == 0 or v.shape[0] != n:
            v = np.broadcast_to(v, (n,) + np.shape(measure)[1:])
        v = v.reshape(n, -1)
        return [float(a) for a in v[:, min(column, v.shape[1] - 1)][idx]]

    out = {"x": [float(a) for a in x[idx]], "x_label": x_label, "measure": pick(measure), "bound": pick(bound),
           "bound_label": bound_label, "start": start, "marker": marker}
    if lower is not None and upper is not None:
        out["lower"], out["upper"] = pick(lower), pick(upper)
    if terms:
        out["terms"] = {name: pick(values) for name, values in terms.items()}
    if reference is not None:
        out["reference"], out["reference_label"] = float(reference), reference_label
    return out


def _judge_floor(theorem, run, measured, bound):
    stochastic = run.ctx.stochastic
    n_t = measured.shape[0]
    start = int(theorem.from_step * n_t) if theorem.from_step < 1 else int(theorem.from_step)
    t = np.arange(n_t)
    centre, half = _stats(measured, stochastic)
    if not stochastic and theorem.aggregate in ("max", "min") and centre.ndim == 2:
        centre = centre.max(axis=1) if theorem.aggregate == "max" else centre.min(axis=1)
        half = np.zeros_like(centre)
    b = _bound_array(bound, t if centre.ndim == 1 else t[:, None], centre.shape)
    tol = theorem.tolerance * np.abs(b)
    sl = slice(start, None)
    shortfall = (b - centre)[sl]
    bad = (b - (centre + half) > tol)[sl]
    unsure = (b - (centre - half) > tol)[sl]
    status = "violated" if bad.any() else ("inconclusive" if unsure.any() else "holds")
    v = _verdict_from_excess(status, shortfall, centre[sl], b[sl], t[sl], bad, theorem)
    v.margin = None if v.margin is None else -v.margin  # measure − floor (positive = room)
    v.reason = v.reason.replace("worst", "closest to the floor").replace("vs bound", "vs floor")
    v.details["from_step"] = start
    v.curves = _curves(*_axis(run, t), centre, b, column=v.details.get("worst_trajectory", 0),
                       lower=centre - half if stochastic else None, upper=centre + half if stochastic else None,
                       bound_label="floor", start=start, marker=v.details.get("worst_t"))
    return v


def _judge_exact(theorem, run, measured, bound):
    stochastic = run.ctx.stochastic
    n_t = measured.shape[0]
    start = int(theorem.from_step * n_t) if theorem.from_step < 1 else int(theorem.from_step)
    t = np.arange(n_t)
    centre, half = _stats(measured, stochastic)
    b = _bound_array(bound, t if centre.ndim == 1 else t[:, None], centre.shape)
    err = np.abs(centre - b)[start:]
    tol = theorem.tolerance * np.abs(b[start:]) + half[start:]
    bad = err > tol
    status = "violated" if bad.any() else "holds"
    v = _verdict_from_excess(status, err - tol, centre[start:], b[start:], t[start:], bad, theorem)
    v.details["relative_error"] = float(np.max(err / np.maximum(np.abs(b[start:]), 1e-300)))
    v.reason = (f"max relative error {v.details['relative_error']:.3g} "
                f"(tolerance {theorem.tolerance:.0e}: {theorem.tolerance_reason}) from step {start}")
    v.margin = None
    v.curves = _curves(*_axis(run, t), centre, b, column=v.details.get("worst_trajectory", 0),
                       lower=centre - half if stochastic else None, upper=centre + half if stochastic else None,
                       bound_label="prediction", start=start, marker=v.details.get("worst_t"))
    return v


def _fit_slope(x, y):
    x, y = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    return float(np.polyfit(x, y, 1)[0])


def _judge_rate(theorem, run, measured, additive):
    """measured: (n_horizons, n_traj) values m(T_i).

    With the scaled excess e_i = (m(T_i) − a)_+ · T_i^p / log^q T_i, the claimed rate means e is
    bounded. Finite data test it by comparing the largest e over the later half of the horizons
    with the largest over the earlier half: growth by more than κ = (T̄_late / T̄_early)^RATE_SLACK
    (T̄: geometric means of the halves) means the excess decays slower than claimed. Maxima, not a
    fitted slope, so that lucky small values (a best iterate landing near the minimizer) cannot
    fake a trend; the fitted slope is still reported as the exponent.
    """
    stochastic = run.ctx.stochastic
    T = np.asarray(run.horizons, dtype=float)
    centre, half = _stats(measured, stochastic)
    if not stochastic and centre.ndim == 2:
        centre = centre.max(axis=1)
        half = half.max(axis=1)
    a = float(additive)
    # values at the rounding level of the iterates (a run started at an interpolating minimizer
    # stays there up to ~1e-32) carry no rate: the excess is counted above a + that floor
    level = a + _iterate_floor(run)
    scale = T ** theorem.rate / np.log(T) ** theorem.log_power
    # right envelopes max_{j >= i}: for a nonincreasing rate r(T), m(T) <= a + C r(T) for all T
    # holds exactly when the envelope satisfies it, and the envelope removes early lucky dips
    right_max = lambda v: np.maximum.accumulate(v[::-1])[::-1]  # noqa: E731
    upper = np.maximum(right_max(centre + half) - level, 0.0) * scale  # excess, generous (for "holds")
    lower = np.maximum(right_max(centre - half) - level, 0.0) * scale  # excess, strict (for "violated")
    k = len(T) // 2
    early, late = slice(0, k), slice(len(T) - k, len(T))
    kappa = float(np.exp(np.mean(np.log(T[late])) - np.mean(np.log(T[early])))) ** RATE_SLACK
    details = {"horizons": T.astype(int).tolist(), "measure": centre.tolist(), "additive": a,
               "claimed_rate": theorem.rate, "log_power": theorem.log_power, "scaled_excess": upper.tolist(),
               "allowed_growth": kappa}
    v = Verdict("", "", "holds", measure=float(centre[-1]), bound=a, details=details)
    v.curves = _curves(T, "horizon T", centre, None, lower=centre - half if stochastic else None,
                       upper=centre + half if stochastic else None,
                       reference=a if a > 0 else None, reference_label="additive term a")
    pos = upper > 0
    slope = _fit_slope(T[pos], upper[pos]) if pos.sum() >= 3 else None
    v.exponent = None if slope is None else slope - theorem.rate
    claim = _rate_text(theorem.rate, theorem.log_power)
    if _certified(theorem, run, v, centre + half, a):
        if np.all(upper == 0):  # proven on this instance, but the instance tests no rate
            v.reason += f"; the measure never exceeds the additive term {a:.4g}, so the rate {claim} is not exercised"
        return v
    growth_lower = lower[late].max() / upper[early].max() if upper[early].max() > 0 else (np.inf if lower[late].max() > 0 else 0.0)
    growth_upper = upper[late].max() / lower[early].max() if lower[early].max() > 0 else (np.inf if upper[late].max() > 0 else 0.0)
    details["growth"] = float(growth_lower) if np.isfinite(growth_lower) else None
    v.ratio = float(min(growth_lower, 1e300) / kappa)  # >= 1: the excess grew faster than the claim allows
    if np.all(upper == 0):
        # below a + 0 at every horizon: consistent with the claim, but the rate term was never
        # exercised, so this instance cannot tell a true rate from a false one
        v.verdict = "inconclusive"
        v.reason = (f"measure below the additive term {a:.4g} at every horizon: the rate {claim} is not exercised "
                    f"(choose a larger initial gap, noise or smaller radius)")
        return v
    if growth_upper <= kappa:
        v.reason = (f"excess over {a:.4g} decays at least like {claim}: scaled excess grew by {growth_upper:.3g} "
                    f"<= {kappa:.3g} from the early to the late horizons" +
                    (f" (fitted exponent {v.exponent:.3g})" if v.exponent is not None else ""))
        return v
    if growth_lower > kappa and centre[-1] - half[-1] > a * (1 + theorem.tolerance) + (level - a):
        envelope = _envelope_values(theorem, run, a)
        if envelope is not None and np.all(centre - half <= envelope * (1 + theorem.tolerance)):
            details["envelope"] = envelope.tolist()
            v.verdict = "inconclusive"
            v.ratio = float(np.max((centre - half) / envelope))
            v.reason = (f"scaled excess grew by {growth_lower:.3g} > {kappa:.3g}, but the measure stays below "
                        f"{theorem.certificate_name} without its noise term, a curve of the claimed form "
                        f"(at most {v.ratio:.3g} of it): a plateau before the rate regime, not evidence of a "
                        f"slower rate; run longer horizons")
            return v
        v.verdict = "violated"
        v.first_violation = int(T[np.flatnonzero(lower > 0)[0]])
        v.reason = (f"measure {centre[-1]:.4g} at T={int(T[-1])} stays above the additive term {a:.4g} and the "
                    f"excess decays slower than {claim}: scaled excess grew by {growth_lower:.3g} > {kappa:.3g}")
        return v
    v.verdict = "inconclusive"
    v.reason = f"scaled excess grew by {growth_upper:.3g} (allowed {kappa:.3g}), not significantly: run longer"
    return v


def _certified(theorem, run, v, generous, additive) -> bool:
    """Whether the theorem's certificate decides the rate check ``v`` (its decay at least as fast
    as the claim, its additive part at most ``additive``): the measure, at the generous end of its
    interval, is below the certificate at every horizon. Records the certificate in ``v`` (its
    details and curves) whenever it applies, and the ratio and reason when it decides."""
    cert, cert_additive = _certificate_values(theorem, run) if _certificate_decides(theorem) else (None, None)
    if cert is None or cert_additive > additive * (1 + theorem.tolerance) + 1e-300:
        return False
    v.details["certificate"] = cert.tolist()
    if v.curves is not None:
        v.curves["bound"], v.curves["bound_label"] = [float(c) for c in cert], f"certificate {theorem.certificate_name}"
    if not np.all(generous <= cert * (1 + theorem.tolerance)):
        return False
    v.ratio = float(np.max(generous / cert))
    v.reason = (f"measure below the explicit bound {theorem.certificate_name} (decaying like "
                f"{_rate_text(*theorem.certificate_rate)}, additive term <= {additive:.4g}) at every horizon; "
                f"largest ratio {v.ratio:.3g}")
    return True


def _rate_text(p, q):
    return f"T^-{p:g}" + (f" log^{q:g} T" if q else "")


def _certificate_decides(theorem) -> bool:
    """A certificate decides a rate claim only when its proven decay T^-p' log^q' T is at least as
    fast as the claimed T^-p log^q T: p' > p, or p' = p and q' <= q."""
    return theorem.certificate is not None and _certificate_decides_rate(theorem)


def _certificate_decides_rate(theorem) -> bool:
    """Whether ``certificate_rate`` is at least as fast as the claimed rate (see above)."""
    if theorem.certificate_rate is None:
        return False
    p_cert, q_cert = theorem.certificate_rate
    return p_cert > theorem.rate or (p_cert == theorem.rate and q_cert <= theorem.log_power)


def _certificate_values(theorem, run):
    """The certificate at each horizon (largest initial gap over the trajectories) and its additive
    part, or (None, None)."""
    if theorem.certificate is None:
        return None, None
    ctx = run.ctx
    out, additive = [], 0.0
    for T in run.horizons:
        eta = theorem.step_rule(ctx, T) if theorem.step_rule is not None else float(ctx.instance.eta)
        got = theorem.certificate(ctx, T, eta)
        if got is None:
            return None, None
        value, add = got
        out.append(float(np.max(value)))
        additive = max(additive, float(add))
    return np.array(out), additive


def _envelope_values(theorem, run, additive):
    """The envelope at each horizon (largest initial gap over the trajectories), or None when the
    theorem has none, its rate is slower than the claim or its additive part exceeds the claimed
    ``additive`` term (see ``Theorem.envelope``)."""
    if theorem.envelope is None or not _certificate_decides_rate(theorem):
        return None
    ctx = run.ctx
    out = []
    for T in run.horizons:
        eta = theorem.step_rule(ctx, T) if theorem.step_rule is not None else float(ctx.instance.eta)
        got = theorem.envelope(ctx, T, eta)
        if got is None or got[1] > additive * (1 + theorem.tolerance) + 1e-300:
            return None
        out.append(float(np.max(got[0])))
    return np.array(out)


def _judge_asymptotic(theorem, run, measured, bound):
    """measured: (n_grid,) or (n_grid, n_traj) values q(k_i) on the grid returned by bound().

    A limit statement cannot be refuted by a finite run (the quantity may still be in its
    transient), so the outcomes are ``holds`` (it fell by the required factor with a negative
    log–log slope) or ``inconclusive`` (it did not, yet: run longer); never ``violated``.
    """
    grid = np.asarray(bound, dtype=float)
    q = measured if measured.ndim == 1 else measured.max(axis=1)
    details = {"grid": grid.astype(int).tolist(), "values": q.tolist(), "required_decay": theorem.decay}
    q0 = q[0]
    v = Verdict("", "", "holds", measure=float(q[-1]), bound=float(theorem.decay * q0), details=details)
    v.curves = _curves(grid, "k", q, None, reference=theorem.decay * q0,
                       reference_label=f"target: {theorem.decay:g} x its first value")
    pos = q > 0
    slope = _fit_slope(grid[pos], q[pos]) if pos.sum() >= 3 else -np.inf
    v.exponent = slope if np.isfinite(slope) else None
    span = f"k = {int(grid[0])}..{int(grid[-1])}"
    if q[-1] == 0 or (q[-1] <= theorem.decay * q0 and slope < 0):
        share = q[-1] / q0 if q0 else 0.0
        v.reason = (f"consistent with the limit: over {span} it fell to {100 * share:.3g} % of its first value "
                    f"(target: at most {100 * theorem.decay:g} %), fitted log-log slope {slope:.3g}")
        return v
    v.verdict = "inconclusive"
    v.reason = (f"not yet at the target: over {span} it went {q0:.3g} -> {q[-1]:.3g}, "
                f"{100 * q[-1] / q0 if q0 else math.inf:.3g} % of its first value (target: at most "
                f"{100 * theorem.decay:g} %; log-log slope {slope:.3g}); a finite run cannot refute a limit: run longer")
    return v
