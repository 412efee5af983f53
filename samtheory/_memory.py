"""Memory estimate of a simulation, checked before anything large is allocated.

:func:`check_simulation_memory` adds up what :func:`samtheory.simulate` will hold at once (the
iterates and running summaries of every trajectory, the temporaries of one step, the recorded
curves and iterates, the per-step tables of schedules that change with time) and refuses a run
that needs more than the memory available, with a message that says how much it needs, where it
goes, and how to make it smaller. Without it such a run either died with numpy's raw
``MemoryError`` for one huge array or, worse, swapped for minutes before the kernel killed it.

The estimate is deliberately simple (float64 everywhere, a fixed count of arrays per trajectory)
and errs on the large side; memory that an objective allocates inside ``value``/``grad`` (for
instance a finite sum's per-component residuals) is not known here and is not counted.
"""
from __future__ import annotations

import math
import os

from ._loop import auto_stride
from ._validation import InvalidParameterError

#: float64 arrays of length ``dim`` per trajectory alive during a step: iterates, start points,
#: the carried gradient, the ascent and descent gradients, the perturbed point, the update and an
#: oracle sample, plus one spare
VECTORS_PER_TRAJECTORY = 9
#: float64 (or int64/bool, counted as 8 bytes) scalars per trajectory: running summaries,
#: divergence bookkeeping, final measures and the result arrays built from them
SCALARS_PER_TRAJECTORY = 24
#: refuse above this share of the available memory (the interpreter, numpy and the caller's own
#: arrays need the rest)
SHARE = 0.8


def available_bytes():
    """Memory this process may still allocate: ``MemAvailable`` of ``/proc/meminfo`` (Linux),
    else free physical pages, capped by an address-space limit (``ulimit -v``) when one is set.
    ``None`` when nothing is known."""
    found = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    if found is None:
        try:
            found = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            found = None
    try:
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
            found = soft if found is None else min(found, soft)
    except (ImportError, ValueError, OSError):
        pass
    return found


def record_count(steps, record_every, measures, n_total=1, history_floats=0):
    """Recorded steps: those of the stride ``record_every`` (for ``"auto"``, the simulator's own
    rule, :func:`samtheory._loop.auto_stride`) plus the last step."""
    if not measures or record_every is None:
        return 0
    if record_every == "auto":
        k = auto_stride(steps, n_total, history_floats)
    elif isinstance(record_every, int) and not isinstance(record_every, bool) and record_every >= 1:
        k = record_every
    else:
        return 0  # invalid: simulate refuses it with its own message
    return steps // k + 1 + (1 if steps % k else 0)


def simulation_bytes(*, n_total, dim, steps, record_every="auto", history=False, measures=True,
                     table_elements=0) -> dict:
    """Bytes a simulation holds at once, by part: ``state``, ``records``, ``history`` and
    ``schedules`` (``table_elements``: the number of per-step schedule values), and ``total``."""
    n_rec = record_count(steps, record_every, measures, n_total, dim if history else 0)
    parts = {
        "state": 8 * n_total * (VECTORS_PER_TRAJECTORY * dim + SCALARS_PER_TRAJECTORY),
        "records": 8 * 2 * n_rec * n_total,
        "history": 8 * n_rec * n_total * dim if history else 0,
        # the values of a time-varying schedule are computed twice (table and range check)
        "schedules": 8 * 2 * table_elements,
    }
    parts["total"] = sum(parts.values())
    parts["recorded_steps"] = n_rec
    return parts


def _gib(n) -> str:
    if n >= 1000 * 2 ** 30:
        return f"{n / 2 ** 30:,.0f} GiB"
    return f"{n / 2 ** 30:.3g} GiB" if n >= 2 ** 30 else f"{n / 2 ** 20:.3g} MiB"


def check_simulation_memory(*, n_total, dim, steps, record_every="auto", history=False, measures=True,
                            table_elements=0, available=None) -> dict:
    """Refuse (:class:`~samtheory.InvalidParameterError`) a simulation whose estimate exceeds
    :data:`SHARE` of the available memory; returns the estimate otherwise. ``available``
    (bytes) overrides the measured amount (tests)."""
    need = simulation_bytes(n_total=n_total, dim=dim, steps=steps, record_every=record_every, history=history,
                            measures=measures, table_elements=table_elements)
    if available is None:
        available = available_bytes()
    if available is None or need["total"] <= SHARE * available:
        return need
    names = {"state": f"iterates and summaries of {n_total:,} trajectories (d={dim})",
             "records": f"curves at {need['recorded_steps']:,} recorded steps",
             "history": f"iterates at {need['recorded_steps']:,} recorded steps",
             "schedules": f"per-step tables of time-varying schedules over {steps:,} steps"}
    parts = ", ".join(f"{names[k]} {_gib(need[k])}" for k in names if need[k] > 0)
    advice = ["fewer trajectories (or run them in chunks and combine the results)"]
    if need["records"] + need["history"] > need["state"]:
        advice.insert(0, "record fewer steps (record_every=None, or a larger record_every)")
    if need["history"]:
        advice.insert(0, "history=False")
    if measures and need["records"]:
        advice.append("measures=False (update only, nothing recorded)")
    if need["schedules"] > need["state"]:
        advice.insert(0, "fewer steps, or constant eta/rho/lam (a constant takes no per-step table)")
    raise InvalidParameterError(
        f"this simulation needs about {_gib(need['total'])} of memory ({parts}), more than the "
        f"{_gib(SHARE * available)} it may use ({int(SHARE * 100)}% of {_gib(available)} available); "
        f"to reduce it: {'; '.join(advice)}")


def table_elements(schedules, steps) -> int:
    """Per-step values the simulator computes for ``schedules`` (constant ones take none)."""
    total = 0
    for s in schedules:
        if not getattr(s, "is_constant", False):
            total += steps * max(1, math.prod(s.shape))
    return total
