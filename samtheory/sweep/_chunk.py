r"""One chunk of a sweep: the work a worker does, as one vectorized pass per phase.

A chunk of grid points runs in two :func:`samtheory.simulate` calls, each over all of its points
and trajectories at once:

1. **phase 0**, :math:`T-K` steps from the starting points (the running summaries; the loss and
   :math:`\|\nabla f\|^2` curves too when the sweep keeps histories);
2. **phase 1**, the last :math:`K` steps from where phase 0 ended, recording every iterate: the
   tail window the regime classifier reads (:mod:`samtheory.sweep._regimes`).

Deterministic runs are the same numbers as one :math:`T`-step run (the update does not know where
a call starts). Each phase draws from its own per-point streams (phase index in the spawn key,
:mod:`samtheory.sweep._grid`), so a stochastic point's samples depend on its grid indices only.
:func:`run_chunk` is a module-level function of picklable arguments, so any
:class:`concurrent.futures.Executor` (processes, Dask workers) can run it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..simulation import simulate
from . import _lyapunov, _noise, _regimes

#: status codes of the Dataset's ``status`` variable
STATUSES = ("ok", "diverged", "left-region")


@dataclass(frozen=True)
class SweepSpec:
    """Everything a worker needs besides the chunk's point range (validated by ``sweep``)."""

    objective: object
    method: str
    grid: object  # Grid
    steps: int
    trajectories: int
    seed: int
    oracle: object = None
    fixed: tuple = ()  # (name, value) pairs of hyperparameters that are not grid axes
    tail_window: int = _regimes.TAIL_WINDOW
    history: bool = False
    record_every: int | None = None
    start_scale: float | None = None
    divergence_threshold: float = 1e100

    @property
    def head_steps(self):
        """Steps of phase 0 (0 when the whole run fits in the tail window)."""
        return max(0, self.steps - self.tail_window)

    @property
    def window(self):
        return self.steps - self.head_steps


def run_chunk(spec: SweepSpec, start: int, stop: int) -> dict:
    """Run grid points ``start .. stop-1``; returns ``{variable: array}``, each with leading axes
    ``(stop - start, trajectories)``, plus ``"start"`` and ``"stop"``."""
    grid, traj, dim = spec.grid, spec.trajectories, spec.objective.dim
    n_points = stop - start
    params = {**dict(spec.fixed), **spec.grid.values(start, stop)}
    oracle = spec.oracle
    if "sigma" in params:  # the sigma axis: the oracle's kind at each point's noise level
        oracle = _noise.GridNoise(spec.oracle, np.repeat(params.pop("sigma"), traj))
    common = dict(trajectories=traj, oracle=oracle, backend="numpy", tail=1.0,
                  divergence_threshold=spec.divergence_threshold, **params)
    out = {"start": start, "stop": stop}
    x0 = None
    loss_min = np.full((n_points, traj), np.inf)
    diverged_at = np.full((n_points, traj), -1, dtype=np.int64)
    left = np.zeros((n_points, traj), dtype=bool)
    if spec.head_steps:
        head = simulate(spec.objective, spec.method, steps=spec.head_steps,
                        streams=grid.streams(spec.seed, start, stop, 0),
                        record_every=spec.record_every if spec.history else None, start_scale=spec.start_scale,
                        **common)
        out["x0"] = head.x0
        loss_min = head.loss_min
        diverged_at = head.diverged_at
        left = head.status == "left-region"
        if spec.history:
            out["loss_history"], out["gradsq_history"] = np.moveaxis(head.loss_history, 0, -1), np.moveaxis(
                head.gradsq_history, 0, -1)
            out["t"] = head.t
        # a diverged trajectory's last iterate is nan: continue it from 0 and keep it diverged
        x0 = np.where(np.isfinite(head.x), head.x, 0.0)
    tail = simulate(spec.objective, spec.method, steps=spec.window, streams=grid.streams(spec.seed, start, stop, 1),
                    x0=x0, start_scale=spec.start_scale, record_every=1, history=True, **common)
    if x0 is None:
        out["x0"] = tail.x0
    diverged = (diverged_at >= 0) | (tail.status == "diverged")
    diverged_at = np.where(diverged_at >= 0, diverged_at,
                           np.where(tail.diverged_at >= 0, tail.diverged_at + spec.head_steps, -1))
    left |= tail.status == "left-region"
    status = np.where(diverged, 1, np.where(left, 2, 0)).astype(np.int8)
    window = np.moveaxis(tail.x_history, 0, -2)  # (points, traj, K+1, d)
    window = np.where(diverged[..., None, None], np.nan, window)
    eta = np.broadcast_to(np.asarray(params["eta"], dtype=float).reshape(
        (-1, 1) if np.ndim(params["eta"]) else ()), (n_points, traj))
    flat_window = window.reshape(n_points * traj, spec.window + 1, dim)
    lyapunov = np.full(n_points * traj, np.nan)
    if spec.oracle is None:  # a deterministic map: the exponent of its tail (stochastic runs: unknown)
        per_trajectory = {name: np.repeat(np.broadcast_to(np.asarray(params[name], dtype=float), (n_points,)), traj)
                          for name in ("eta", "rho", "lam") if params.get(name) is not None}
        step = _lyapunov.method_step(spec.objective, spec.method, per_trajectory["eta"], per_trajectory.get("rho", 0.0),
                                     per_trajectory.get("lam", 1.0))  # simulate's default lambda
        lyapunov = _lyapunov.finite_time_lyapunov(step, flat_window)
    regimes = _regimes.classify(flat_window, eta.reshape(-1), np.sqrt(tail.gradsq).reshape(-1), diverged.reshape(-1),
                                lyapunov=lyapunov)
    nan_if_diverged = lambda a: np.where(diverged, np.nan, a)  # noqa: E731
    out.update(
        x=np.where(diverged[..., None], np.nan, tail.x), status=status, diverged_at=diverged_at,
        loss=nan_if_diverged(tail.loss), gradsq=nan_if_diverged(tail.gradsq),
        loss_min=nan_if_diverged(np.fmin(loss_min, tail.loss_min)),
        loss_tail_mean=nan_if_diverged(tail.loss_tail_mean), gradsq_tail_mean=nan_if_diverged(tail.gradsq_tail_mean),
        lyapunov=lyapunov.reshape(n_points, traj),
        **{key: value.reshape(n_points, traj) for key, value in regimes.items()},
    )
    if spec.history:
        out["x_tail"] = window
    return out
