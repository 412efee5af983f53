r"""The batched simulator of the SAM family.

:func:`simulate` runs many trajectories of one method at once: a batch of starting points times a
grid of hyperparameters :math:`(\eta,\rho,\lambda)`, deterministic or stochastic, and returns a
:class:`SimulationResult`.

The update itself is :func:`sam_step`, kept in one place so that a faster backend can replace it.

Measures recorded for every trajectory (with :math:`f^*` the objective's optimal value and the
*exact* :math:`f`, :math:`\nabla f` also in stochastic runs):

* ``loss`` :math:`f(x_T)-f^*` and ``gradsq`` :math:`\|\nabla f(x_T)\|^2` at the last iterate;
* ``loss_min`` :math:`\min_{0\le t\le T} f(x_t)-f^*`;
* ``loss_mean``, ``gradsq_mean``: :math:`\frac1T\sum_{t=0}^{T-1}` of each;
* ``loss_tail_mean``, ``gradsq_tail_mean``: the same over the last ``tail`` fraction of steps;
* curves every ``record_every`` steps (``t``, ``loss_history``, ``gradsq_history``), and the
  iterates themselves when ``history=True``.

**Random stream.** ``np.random.SeedSequence(seed)`` is spawned into two generators: the first
draws random starting points (only when ``x0`` is not given), the second the oracle samples, step
after step: at each step the ascent samples for all trajectories, then (independent-sample mode
only) the descent samples. The same seed therefore gives bit-identical results.

**Divergence.** A trajectory whose :math:`f(x_t)-f^*` becomes non-finite or exceeds
``divergence_threshold`` gets status ``"diverged"`` and the step where it happened; its measures
are ``nan``. The other trajectories go on; the run stops early only if all have diverged.
"""
from __future__ import annotations

import math

import numpy as np

from ._validation import (InvalidParameterError, as_float_array, check_positive_int,
                          check_nonnegative)
from .methods import get_method
from .schedules import Schedule, as_schedule


class SimulationResult(dict):
    """Result of :func:`simulate`: a dict whose keys are also attributes (like scipy's
    ``OptimizeResult``).

    Arrays indexed by trajectory have shape ``batch_shape = grid_shape + (trajectories,)``;
    ``grid_shape`` is the broadcast shape of the hyperparameter grids.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __dir__(self):
        return list(self.keys())

    def __repr__(self):
        keys = ", ".join(self.keys())
        return f"SimulationResult(method={self.get('method')!r}, batch_shape={self.get('batch_shape')}, keys=[{keys}])"

    @property
    def converged_mask(self):
        return self["status"] == "ok"

    def summary(self) -> dict:
        """JSON-ready summary: parameters, status counts and statistics of the measures."""
        ok = self["status"] == "ok"

        def stats(a):
            a = np.asarray(a)[ok]
            if a.size == 0:
                return None
            return {"mean": float(np.mean(a)), "min": float(np.min(a)), "max": float(np.max(a)),
                    "median": float(np.median(a))}

        statuses, counts = np.unique(self["status"], return_counts=True)
        return {
            "function": self["function"],
            "method": self["method"],
            "steps": self["steps"],
            "trajectories": self["trajectories"],
            "grid_shape": list(self["grid_shape"]),
            "parameters": self["parameters"],
            "oracle": self["oracle"],
            "same_sample": self["same_sample"],
            "seed": self["seed"],
            "conventions": self["conventions"],
            "status_counts": {str(s): int(c) for s, c in zip(statuses, counts)},
            "final_loss": stats(self["loss"]),
            "final_gradsq": stats(self["gradsq"]),
            "min_loss": stats(self["loss_min"]),
            "mean_loss": stats(self["loss_mean"]),
            "mean_gradsq": stats(self["gradsq_mean"]),
            "tail_mean_loss": stats(self["loss_tail_mean"]),
            "tail_mean_gradsq": stats(self["gradsq_tail_mean"]),
            "tail_fraction": self["tail"],
        }


def sam_step(x, eta, rho, lam, perturbation, ascent_grad, descent_grad, eps=0.0):
    r"""One step of the SAM family; the only place where the update is written.

    .. math:: g=\texttt{ascent\_grad}(x),\quad y=x+\texttt{perturbation}(g,\rho,\lambda),\quad
              x^+=x-\eta\,\texttt{descent\_grad}(y).

    Returns ``(x_next, g)`` so that deterministic runs can reuse :math:`g=\nabla f(x)`.
    ``perturbation=None`` is gradient descent: the descent gradient is :math:`g` itself.
    """
    g = ascent_grad(x)
    if perturbation is None:
        return x - eta * g, g
    y = x + perturbation(g, rho, lam, eps)
    return x - eta * descent_grad(y), g


def _param_table(schedule: Schedule, steps, grid_shape, trajectories, name):
    """Precompute a hyperparameter for the loop. Returns ``(value, kind)``:

    * ``"scalar"``: one float for every step and trajectory (the common case, cheapest);
    * ``"time"``: a ``(steps,)`` array, the same for every trajectory;
    * ``"static"``: an ``(N, 1)`` array, constant in time;
    * ``"grid"``: a ``(steps,) + shape`` array, expanded to ``(N, 1)`` at each step.
    """
    vals = schedule.values(steps)
    if not np.all(np.isfinite(vals)):
        raise InvalidParameterError(f"{name} schedule {schedule.name} produced non-finite values")
    constant_in_time = bool(np.all(vals == vals[:1]))
    if schedule.shape == ():
        if constant_in_time:
            return float(vals[0]), "scalar"
        return np.ascontiguousarray(vals, dtype=float), "time"
    if constant_in_time:
        return _expand_grid(vals[0], grid_shape, trajectories), "static"
    return vals, "grid"


def _expand_grid(values, grid_shape, trajectories):
    """Grid values (broadcastable to ``grid_shape``) -> one value per trajectory, shape (N, 1)."""
    v = np.broadcast_to(values, grid_shape).reshape(-1)
    return np.repeat(v, trajectories)[:, None]


def _expand(value, kind, t, grid_shape, trajectories):
    if kind in ("scalar", "static"):
        return value
    if kind == "time":
        return value[t]
    return _expand_grid(value[t], grid_shape, trajectories)


def _validate_x0(x0, dim, grid_shape, trajectories):
    arr = as_float_array("x0", x0)
    if arr.ndim == 0:
        if dim != 1:
            raise InvalidParameterError(f"x0 must have last dimension {dim} (the function's dimension); got a scalar")
        arr = arr.reshape(1)
    if arr.shape[-1] != dim:
        raise InvalidParameterError(
            f"x0 must have last dimension {dim} (the function's dimension); got shape {arr.shape}")
    batch_shape = tuple(grid_shape) + (trajectories,)
    try:
        arr = np.broadcast_to(arr, batch_shape + (dim,))
    except ValueError:
        raise InvalidParameterError(
            f"x0 of shape {arr.shape} does not broadcast to the batch shape {batch_shape + (dim,)} "
            "(grid_shape + (trajectories, dim))") from None
    return np.array(arr, dtype=float)


def simulate(objective, method="sam", *, eta, rho=0.0, lam=None, steps, x0=None, trajectories=1,
             oracle=None, same_sample=True, seed=0, eps=0.0, record_every="auto", history=False,
             tail=0.1, divergence_threshold=1e100, progress=False, start_scale=None):
    r"""Simulate a SAM-family method on many trajectories at once.

    Parameters
    ----------
    objective : Objective
        The function :math:`f`; its exact value and gradient give the recorded measures.
    method : str or Method
        ``"gd"``, ``"sgd"``, ``"sam"``, ``"usam"``, ``"unified"`` or a registered variant.
    eta, rho : float, array or Schedule
        Step size :math:`\eta>0` and radius :math:`\rho\ge0`. Arrays form a grid; schedules are
        functions of :math:`t` (:mod:`samtheory.schedules`).
    lam : float, array, Schedule, "1/t" or "1-1/t"
        Unified SAM mixing weight :math:`\lambda\in[0,1]` (``unified`` only; ignored otherwise).
    steps : int
        Number of steps :math:`T\ge1`.
    x0 : array_like, optional
        Starting point(s), broadcast to ``grid_shape + (trajectories, d)``. Default: random points
        around the minimizer (``objective.sample_points``) from the seed.
    trajectories : int
        Trajectories per grid point (≥ 1).
    oracle : Oracle, optional
        Stochastic gradients; required by ``sgd``, refused by ``gd``; makes ``sam``, ``usam`` and
        ``unified`` stochastic.
    same_sample : bool
        Stochastic runs: ``True`` uses the ascent sample again for the descent gradient; ``False``
        draws an independent one.
    seed : int
        Seed of the random stream (module docstring).
    eps : float
        ``0`` (default): zero perturbation where the ascent gradient is 0; ``> 0``: divide by
        :math:`\|g\|+\text{eps}` (PyTorch parity).
    record_every : int, "auto" or None
        Stride of the recorded curves; ``"auto"`` keeps about 200 points, ``None`` none.
    history : bool
        Also record the iterates at the recorded steps.
    tail : float
        Fraction of the last steps for the tail means, in (0, 1].
    divergence_threshold : float
        :math:`f(x_t)-f^*` above this counts as divergence.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    SimulationResult
    """
    meth = get_method(method)
    steps = check_positive_int("steps", steps)
    trajectories = check_positive_int("trajectories", trajectories)
    if oracle is None and meth.stochastic_only:
        raise InvalidParameterError(f"method {meth.name!r} is stochastic and needs an oracle "
                                    "(for example --noise gaussian --sigma 1, or a finite-sum sampling)")
    if oracle is not None and meth.deterministic_only:
        raise InvalidParameterError("method 'gd' is deterministic; with a stochastic oracle use 'sgd'")
    if oracle is not None and oracle.objective is not objective:
        raise InvalidParameterError("oracle.objective must be the objective being simulated")
    eps = float(check_nonnegative("eps", eps))
    tail = float(as_float_array("tail", tail))
    if not 0 < tail <= 1:
        raise InvalidParameterError(f"tail must lie in (0, 1]; got {tail}")

    eta_s = as_schedule("eta", eta, positive=True)
    rho_s = as_schedule("rho", rho)
    lam_s = as_schedule("lam", 1.0 if lam is None else lam, unit_interval=True)
    used = [eta_s, rho_s] + ([lam_s] if meth.uses_lam else [])
    try:
        grid_shape = np.broadcast_shapes(*(s.shape for s in used))
    except ValueError:
        raise InvalidParameterError("the grids of eta, rho and lam do not broadcast: shapes "
                                    + ", ".join(str(s.shape) for s in used)) from None
    tables = {}
    for name, sched in (("eta", eta_s), ("rho", rho_s), ("lam", lam_s)):
        tables[name] = _param_table(sched, steps, grid_shape, trajectories, name)
    if np.any(eta_s.values(steps) <= 0):
        raise InvalidParameterError("eta must be > 0 at every step (allowed range: (0, inf))")
    if np.any(rho_s.values(steps) < 0):
        raise InvalidParameterError("rho must be >= 0 at every step (allowed range: [0, inf))")
    lam_vals = lam_s.values(steps)
    if meth.uses_lam and np.any((lam_vals < 0) | (lam_vals > 1)):
        raise InvalidParameterError("lam must lie in [0, 1] at every step")

    batch_shape = tuple(grid_shape) + (trajectories,)
    n_total = math.prod(batch_shape)
    dim = objective.dim
    init_seq, step_seq = np.random.SeedSequence(seed).spawn(2)
    if x0 is None:
        init_rng = np.random.default_rng(init_seq)
        x = objective.sample_points(init_rng, n_total).reshape(n_total, dim)
        if start_scale is not None:
            center = objective.minimizer if objective.minimizer is not None else 0.0
            x = center + (x - center) * (start_scale / objective.sample_scale)
    else:
        x = _validate_x0(x0, dim, grid_shape, trajectories).reshape(n_total, dim)
    x_start = x.copy()
    rng = np.random.default_rng(step_seq)

    if record_every == "auto":
        record_every = max(1, steps // 200)
    elif record_every is not None:
        record_every = check_positive_int("record_every", record_every)
    record_times = [] if record_every is None else sorted(set(range(0, steps + 1, record_every)) | {steps})
    n_rec = len(record_times)
    loss_hist = np.full((n_rec, n_total), np.nan) if n_rec else None
    gradsq_hist = np.full((n_rec, n_total), np.nan) if n_rec else None
    x_hist = np.full((n_rec, n_total, dim), np.nan) if (n_rec and history) else None
    rec_index = {t: i for i, t in enumerate(record_times)}

    tail_start = steps - max(1, int(round(tail * steps)))
    loss_min = np.full(n_total, np.inf)
    loss_sum = np.zeros(n_total)
    gradsq_sum = np.zeros(n_total)
    loss_tail = np.zeros(n_total)
    gradsq_tail = np.zeros(n_total)
    status_diverged = np.zeros(n_total, dtype=bool)
    diverged_at = np.full(n_total, -1, dtype=np.int64)

    f, grad_f, f_star = objective.value, objective.grad, objective.f_star
    if oracle is None:
        ascent_grad = descent_grad = grad_f
    perturb = meth.perturbation

    bar = _progress_bar(steps, progress, f"{meth.name} on {objective.name}")
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            loss = f(x) - f_star
            if not np.all(loss <= divergence_threshold):
                newly = ~(loss <= divergence_threshold) & ~status_diverged
                diverged_at[newly] = t
                status_diverged |= newly
                if status_diverged.all():
                    break
            if oracle is None and t < steps:
                g_exact = None  # computed inside the step as the ascent gradient
            else:
                g_exact = grad_f(x)
            if t == steps:
                gradsq = np.einsum("ij,ij->i", g_exact, g_exact)
                _update_summaries(t, loss, gradsq, steps, tail_start, loss_min, loss_sum, gradsq_sum,
                                  loss_tail, gradsq_tail, final=True)
                if t in rec_index:
                    _store(rec_index[t], loss, gradsq, x, loss_hist, gradsq_hist, x_hist)
                break
            eta_t = _expand(*tables["eta"], t, grid_shape, trajectories)
            rho_t = _expand(*tables["rho"], t, grid_shape, trajectories)
            lam_t = _expand(*tables["lam"], t, grid_shape, trajectories)
            if oracle is not None:
                ascent_sample = oracle.draw(rng, n_total)
                descent_sample = ascent_sample if same_sample else (
                    oracle.draw(rng, n_total) if perturb is not None else ascent_sample)
                ascent_grad = lambda z, s=ascent_sample: oracle.grad(z, s)  # noqa: E731
                descent_grad = lambda z, s=descent_sample: oracle.grad(z, s)  # noqa: E731
            x_next, g = sam_step(x, eta_t, rho_t, lam_t, perturb, ascent_grad, descent_grad, eps)
            if g_exact is None:
                g_exact = g
            gradsq = np.einsum("ij,ij->i", g_exact, g_exact)
            _update_summaries(t, loss, gradsq, steps, tail_start, loss_min, loss_sum, gradsq_sum,
                              loss_tail, gradsq_tail, final=False)
            if t in rec_index:
                _store(rec_index[t], loss, gradsq, x, loss_hist, gradsq_hist, x_hist)
            x = x_next
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()

    n_tail = steps - tail_start
    final_loss = f(x) - f_star
    final_g = grad_f(x)
    with np.errstate(all="ignore"):
        final_gradsq = np.einsum("ij,ij->i", final_g, final_g)
    late = ~np.isfinite(final_loss) | ~(final_loss <= divergence_threshold)
    newly = late & ~status_diverged
    diverged_at[newly] = steps
    status_diverged |= late
    summaries = {
        "loss": final_loss, "gradsq": final_gradsq, "loss_min": loss_min,
        "loss_mean": loss_sum / steps, "gradsq_mean": gradsq_sum / steps,
        "loss_tail_mean": loss_tail / n_tail, "gradsq_tail_mean": gradsq_tail / n_tail,
    }
    for key, arr in summaries.items():
        arr = np.where(status_diverged, np.nan, arr)
        summaries[key] = arr.reshape(batch_shape)
    x_final = np.where(status_diverged[:, None], np.nan, x)
    status = np.where(status_diverged, "diverged", "ok").reshape(batch_shape)

    def describe(s, kind_value):
        value, kind = kind_value
        return s.name if kind != "scalar" else value

    params = {"eta": describe(eta_s, tables["eta"]), "rho": describe(rho_s, tables["rho"])}
    if meth.uses_lam:
        params["lam"] = describe(lam_s, tables["lam"])
    result = SimulationResult(
        function=objective.name, method=meth.name, steps=steps, trajectories=trajectories,
        grid_shape=tuple(grid_shape), batch_shape=batch_shape, parameters=params,
        oracle=None if oracle is None else oracle.describe(),
        same_sample=None if oracle is None else bool(same_sample), seed=seed,
        conventions={"zero_gradient": "perturbation 0 where the ascent gradient is 0" if eps == 0
                     else f"ascent divided by (||g|| + {eps})", "f_star": f_star},
        x=x_final.reshape(batch_shape + (dim,)), x0=x_start.reshape(batch_shape + (dim,)),
        status=status, diverged_at=diverged_at.reshape(batch_shape), tail=tail,
        t=np.asarray(record_times, dtype=np.int64),
        loss_history=None if loss_hist is None else loss_hist.reshape((n_rec,) + batch_shape),
        gradsq_history=None if gradsq_hist is None else gradsq_hist.reshape((n_rec,) + batch_shape),
        x_history=None if x_hist is None else x_hist.reshape((n_rec,) + batch_shape + (dim,)),
        **summaries,
    )
    return result


def _update_summaries(t, loss, gradsq, steps, tail_start, loss_min, loss_sum, gradsq_sum, loss_tail,
                      gradsq_tail, final):
    np.fmin(loss_min, loss, out=loss_min)
    if final:
        return
    loss_sum += loss
    gradsq_sum += gradsq
    if t >= tail_start:
        loss_tail += loss
        gradsq_tail += gradsq


def _store(i, loss, gradsq, x, loss_hist, gradsq_hist, x_hist):
    loss_hist[i] = loss
    gradsq_hist[i] = gradsq
    if x_hist is not None:
        x_hist[i] = x


class _TextBar:
    """A minimal progress bar on stderr (used when tqdm is not installed)."""

    def __init__(self, total, desc):
        import sys
        self.total, self.desc, self.n, self.stream = total, desc, 0, sys.stderr
        self.last = -1

    def update(self, k):
        self.n += k
        pct = int(100 * self.n / self.total)
        if pct != self.last:
            self.last = pct
            self.stream.write(f"\r{self.desc}: {pct:3d}% ({self.n}/{self.total})")
            self.stream.flush()

    def close(self):
        self.stream.write("\n")


def _progress_bar(total, enabled, desc):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
        return tqdm(total=total, desc=desc, leave=False)
    except ImportError:  # pragma: no cover - tqdm is optional
        return _TextBar(total, desc)
