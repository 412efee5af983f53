r"""Trajectories that leave the region where an objective's constants are claimed.

An objective whose constants hold only on the box :math:`\|x\|_\infty\le R` (``objective.region
= R``, tag ``locally-smooth``: the hyperbola valley, a :class:`~samtheory.functions.CustomObjective`
with ``region=``) is simulated like any other, but a trajectory whose iterate :math:`x_t`, perturbed
point :math:`y_t=x_t+\epsilon_t` (where the descent gradient is taken) or next iterate
:math:`x_{t+1}` lies outside the box gets the status ``"left-region"`` (its numbers are kept: the
run itself is fine, only the claimed constants do not cover it) and ``left_region_at``, the first
such step. A theorem check on such a run is ``not-applicable``.

The bookkeeping is two entries of the simulator's loop state, updated by :func:`track` inside the
step that both backends run (so it also compiles under JAX); objectives without a region carry
neither and pay nothing.
"""
from __future__ import annotations

import numpy as np

#: the loop-state entries (present only for objectives with a region)
KEYS = ("left_region", "left_region_at")


def initial(objective, x) -> dict:
    """Loop-state entries for starting points ``x`` (shape ``(n, d)``); ``{}`` without a region."""
    if getattr(objective, "region", None) is None:
        return {}
    outside = np.max(np.abs(x), axis=-1) > objective.region
    return {"left_region": outside, "left_region_at": np.where(outside, 0, -1).astype(np.int64)}


def carried(state) -> dict:
    """The entries of ``state`` to carry into the next state."""
    return {k: state[k] for k in KEYS if k in state}


def track(run, state, t, x, x_next, ascent_grad, rho, lam, xp) -> dict:
    """The entries after step ``t``: who has had ``x_t``, ``y_t`` or ``x_{t+1}`` outside the box.

    ``y_t`` is recomputed from the ascent gradient (for deterministic runs with measures that
    gradient is the one the state carries; otherwise one more gradient evaluation per step, paid
    only by objectives with a region)."""
    radius = run.objective.region
    outside = xp.max(xp.abs(x), axis=-1) > radius
    outside = outside | (xp.max(xp.abs(x_next), axis=-1) > radius)
    if run.perturbation is not None:
        y = x + run.perturbation(ascent_grad(x), rho, lam, run.eps)
        outside = outside | (xp.max(xp.abs(y), axis=-1) > radius)
    newly = outside & ~state["left_region"]
    return {"left_region": state["left_region"] | outside,
            "left_region_at": xp.where(newly, t, state["left_region_at"])}


def status(state, diverged) -> np.ndarray:
    """Per-trajectory status: ``"diverged"`` first, then ``"left-region"``, else ``"ok"``."""
    left = np.asarray(state["left_region"]) if "left_region" in state else np.zeros_like(diverged)
    return np.where(diverged, "diverged", np.where(left, "left-region", "ok"))


def first_step(state, diverged):
    """``left_region_at`` as a numpy array (-1: stayed inside, or diverged), or ``None`` without a
    region."""
    if "left_region_at" not in state:
        return None
    return np.where(diverged, -1, np.asarray(state["left_region_at"]))
