r"""What the tail of a trajectory does: the regime classifier behind the regime maps.

Given the last :math:`K+1` iterates :math:`x_{T-K},\dots,x_T` of each trajectory (the *tail
window*), its step size :math:`\eta` and :math:`\|\nabla f(x_T)\|`, :func:`classify` returns one
regime per trajectory, in this order of tests:

* **diverged**: the simulator stopped it (:math:`f(x_t)-f^*` non-finite or above the divergence
  threshold), an iterate in the window is non-finite, or it is escaping: no period, and
  :math:`\|x_t\|` grew at a share :data:`MONOTONE` of the window's steps and by more than the
  factor :data:`ESCAPING` over it (a geometric escape that has not crossed the threshold yet,
  e.g. :math:`|1-\eta\lambda(1+\rho\lambda)|=1.03` per step just past USAM's edge);
* **period** :math:`k` (:math:`k=1,\dots,8`, the smallest): :math:`\|x_t-x_{t-k}\|\le\tau` for
  every :math:`t` of the last :data:`CHECKED` steps, with :math:`\tau=` ``rtol`` :math:`(1+\max_t
  \|x_t\|)` for :math:`k=1` and :math:`\tau=` ``rtol`` :math:`\max_t\|x_t-\bar x\|` (the
  window's spread around its mean, about the cycle's amplitude) for :math:`k\ge2`, so that a small
  cycle is resolved to its own size. Period 1 is a fixed point, split into

  - **converged**: :math:`\|\nabla f(x_T)\|\le` ``grad_tol``, or no larger than
    :data:`DRIFT_FACTOR` times the drift :math:`\|x_T-x_{T-1}\|/\eta` (a trajectory still creeping
    towards a stationary point moves by about :math:`\eta\|\nabla f\|` per step);
  - **stalled**: a fixed point with a gradient far larger than its drift, the Si & Yun stall
    where SAM stops at a non-stationary point because :math:`\nabla f(x+\rho\,g/\|g\|)=0`;

  and period :math:`k\ge2` is a **cycle** with amplitude :math:`\max_j\|x_{T-j}-\bar x\|`,
  :math:`\bar x` the mean of its :math:`k` points (:math:`a` for SAM's 2-cycle :math:`\pm a`);
* **transient**: no period yet, but the tail is still settling, so :math:`T` steps were too few to
  tell. Measured by :math:`e_t=\min_{k\le8}\|x_t-x_{t-k}\|` (how far :math:`x_t` is from closing
  any cycle): transient when :math:`e_t` decreases steadily over the second half of the window
  (at a share :data:`MONOTONE` of its steps, however slowly: a slow contraction towards a fixed
  point or a cycle), when it is a drifting cycle (for some :math:`k\le8` the displacement
  :math:`x_t-x_{t-k}` is nearly constant: its change :math:`\|x_t-2x_{t-k}+x_{t-2k}\|` stays below
  :data:`NEAR` times the window's spread over the last :data:`CHECKED` steps, such as SAM's
  oscillation across a valley of minimizers while it drifts along it), or when :math:`\|x_t\|`
  grows by more than the factor :data:`ESCAPING` over the window, but not steadily;
* **chaotic**: bounded, no period :math:`\le8`, not a drifting cycle, not settling, and a
  finite-time Lyapunov exponent :math:`\Lambda_K` over the window (``lyapunov``, computed by
  :func:`samtheory.sweep._lyapunov.finite_time_lyapunov`) above :data:`LYAPUNOV_TOL`: nearby
  trajectories separate, by a factor :math:`e^{K\Lambda_K}>e^{64\cdot0.05}\approx25` over the
  window;
* **aperiodic**: the same, but :math:`\Lambda_K\le` :data:`LYAPUNOV_TOL` or not known (``nan``;
  stochastic runs, whose map changes with every sample, get none): a cycle of period above 8, a
  quasi-periodic orbit (:math:`\Lambda=0`), or an approach that is not steady. Not chaos, and not
  decided either.

Honest limits: near a stability edge the contraction towards the fixed point or cycle is
:math:`1-O(\text{distance to the edge})` per step, so cells next to an edge need many steps and
are often **transient** after :math:`T` of them; the classification of such a cell says "not
decided in :math:`T` steps", not "no limit".
"""
from __future__ import annotations

import numpy as np

#: regime names; the Dataset stores the index (``regime``) and the period separately
REGIMES = ("converged", "stalled", "cycle", "chaotic", "diverged", "transient", "aperiodic")
CONVERGED, STALLED, CYCLE, CHAOTIC, DIVERGED, TRANSIENT, APERIODIC = range(len(REGIMES))
#: the longest period looked for
MAX_PERIOD = 8
#: a period must hold at each of the last CHECKED steps of the window
CHECKED = 16
#: the tail window's length K (steps); at least CHECKED + MAX_PERIOD
TAIL_WINDOW = 64
#: a fixed point whose gradient is within this factor of its drift / eta is still converging
DRIFT_FACTOR = 100.0
#: settling: the cycle-closing distance e_t did not increase at this share of the steps of the
#: window's second half (and ended lower than it started there)
MONOTONE = 0.9
#: a drifting cycle: for some k <= 8, x_t - x_{t-k} changes by at most this fraction of the
#: window's spread per step (transient)
NEAR = 1e-3
#: escaping: the iterate's norm grew by more than this factor over the window (steadily: diverged)
ESCAPING = 2.0
#: chaotic: a finite-time Lyapunov exponent above this (nats per step). It leaves room for the
#: exponent's finite-time spread on orbits whose true exponent is 0 or negative (a long cycle, a
#: quasi-periodic orbit: O(1/K) per step from where the window starts and ends on the orbit) and
#: for the finite difference's rounding (about 1e-9, samtheory.sweep._lyapunov)
LYAPUNOV_TOL = 0.05


def classify(tail, eta, grad_norm, diverged=None, *, lyapunov=None, rtol=1e-9, grad_tol=1e-8):
    r"""Classify trajectories by their tail window (module docstring).

    Parameters
    ----------
    tail : array (n, K+1, d)
        The iterates :math:`x_{T-K},\dots,x_T` of ``n`` trajectories (``nan`` once diverged).
    eta : array (n,)
        Each trajectory's step size (its drift is measured in units of :math:`\eta`).
    grad_norm : array (n,)
        :math:`\|\nabla f(x_T)\|`.
    diverged : bool array (n,), optional
        Trajectories the simulator marked diverged.
    lyapunov : array (n,), optional
        The finite-time Lyapunov exponent of each tail (``nan`` where unknown); without it no
        trajectory is chaotic (bounded tails without a period are aperiodic).

    Returns
    -------
    dict of arrays (n,): ``regime`` (int8 index into :data:`REGIMES`), ``period`` (int8, 0 when
    none), ``amplitude`` (float, ``nan`` unless a cycle).
    """
    tail = np.asarray(tail, dtype=float)
    n, length, _ = tail.shape
    if length < CHECKED + MAX_PERIOD + 1:
        raise ValueError(f"the tail window must hold at least {CHECKED + MAX_PERIOD + 1} iterates; got {length}")
    eta = np.broadcast_to(np.asarray(eta, dtype=float), (n,))
    grad_norm = np.asarray(grad_norm, dtype=float)
    regime = np.full(n, TRANSIENT, dtype=np.int8)
    period = np.zeros(n, dtype=np.int8)
    amplitude = np.full(n, np.nan)

    with np.errstate(all="ignore"):
        bad = ~np.all(np.isfinite(tail), axis=(1, 2))
        if diverged is not None:
            bad |= np.asarray(diverged, dtype=bool)
        norms = np.linalg.norm(tail, axis=2)  # (n, K+1)
        tol = rtol * (1.0 + np.max(norms, axis=1))  # a fixed point: relative to where it is
        # a cycle: relative to its own size (a small cycle far from the origin is still resolved)
        spread = np.max(np.linalg.norm(tail - tail.mean(axis=1, keepdims=True), axis=2), axis=1)
        tol_cycle = rtol * spread
        # dev[k-1][:, t] = ||x_t - x_{t-k}|| over the window
        dev = [np.linalg.norm(tail[:, k:] - tail[:, :-k], axis=2) for k in range(1, MAX_PERIOD + 1)]
        undecided = ~bad
        for k in range(1, MAX_PERIOD + 1):
            bound = tol if k == 1 else tol_cycle
            closes = undecided & np.all(dev[k - 1][:, -CHECKED:] <= bound[:, None], axis=1)
            period[closes] = k
            undecided &= ~closes
        fixed = period == 1
        drift = dev[0][:, -1] / eta
        creeping = (grad_norm <= grad_tol) | (grad_norm <= DRIFT_FACTOR * drift)
        regime[fixed & creeping] = CONVERGED
        regime[fixed & ~creeping] = STALLED
        cyc = period >= 2
        regime[cyc] = CYCLE
        for k in range(2, MAX_PERIOD + 1):
            at = period == k
            if at.any():
                points = tail[at, -k:]  # (m, k, d)
                centre = points.mean(axis=1, keepdims=True)
                amplitude[at] = np.max(np.linalg.norm(points - centre, axis=2), axis=1)

        # no period: settling (transient) or not (chaotic)
        length_e = length - MAX_PERIOD
        closing = np.min(np.stack([d[:, d.shape[1] - length_e:] for d in dev]), axis=0)  # (n, length_e)
        half = closing[:, length_e // 2:]
        steadily = np.mean(np.diff(half, axis=1) <= 0, axis=1) >= MONOTONE
        settling = steadily & (half[:, -1] < half[:, 0])
        grew = norms[:, -1] > ESCAPING * np.maximum(norms[:, 0], tol)
        steady_growth = np.mean(np.diff(norms, axis=1) > 0, axis=1) >= MONOTONE
        escaping = undecided & grew & steady_growth
        # a drifting cycle: x_t - x_{t-k} nearly constant in t (second difference at lag k within
        # NEAR of the window's spread), e.g. SAM's oscillation across a valley of minimizers while
        # it drifts along it; a chaotic orbit's second differences are of the size of its spread
        second = [np.max(np.linalg.norm(tail[:, 2 * k:] - 2 * tail[:, k:-k] + tail[:, :-2 * k], axis=2)[:, -CHECKED:],
                         axis=1) for k in range(1, MAX_PERIOD + 1)]
        nearly = np.min(np.stack(second), axis=0) <= NEAR * spread
        free = undecided & ~bad & ~escaping
        unsettled = settling | grew | nearly
        if lyapunov is None:
            separating = np.zeros(n, dtype=bool)
        else:
            separating = np.asarray(lyapunov, dtype=float) > LYAPUNOV_TOL  # nan: unknown, not chaos
        regime[free & ~unsettled & separating] = CHAOTIC
        regime[free & ~unsettled & ~separating] = APERIODIC
        regime[free & unsettled] = TRANSIENT
        bad |= escaping
        regime[bad] = DIVERGED
        period[bad] = 0
    return {"regime": regime, "period": period, "amplitude": amplitude}


def label(regime, period):
    """A short readable label: ``"converged"``, ``"period-3"``, ``"diverged"``, ..."""
    name = REGIMES[int(regime)]
    return f"period-{int(period)}" if name == "cycle" else name
