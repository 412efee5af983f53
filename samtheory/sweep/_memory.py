r"""Memory of one chunk, estimated before it is submitted, and the chunk size that fits a limit.

A chunk of :math:`p` grid points with :math:`m` trajectories each holds :math:`n=pm` trajectories
in :math:`d` dimensions. Its peak is the larger of its two phases (:mod:`samtheory.sweep._chunk`),
each estimated by the simulator's own model :func:`samtheory._memory.simulation_bytes` (iterates,
running summaries, one step's temporaries, recorded curves and iterates), plus what the chunk
returns:

* phase 0: :math:`T-K` steps, curves only when histories are kept;
* phase 1: :math:`K` steps recording every iterate: :math:`(K+1)\,n\,(d+2)` floats, and for
  the classifier two copies of the window and the differences :math:`\|x_t-x_{t-k}\|`,
  :math:`k\le8`, with their stacked copy: :math:`(K+1)\,n\,(18+2d)` floats more;
* the result: :data:`RESULT_FLOATS` floats and :math:`2d` coordinates per trajectory, plus the
  tail window and curves when histories are kept.

Every term is linear in :math:`p`, so the largest chunk under a limit is one division
(:func:`chunk_for_limit`). The limit is a whole worker's, as Dask counts it: a chunk gets
:data:`CHUNK_SHARE` of it minus :data:`WORKER_OVERHEAD` (:func:`chunk_budget`), so that a worker
stays below Dask's spill, pause and restart thresholds. The test compares the estimate with the bytes numpy actually allocates
(``tracemalloc``).
"""
from __future__ import annotations

import re

from .._memory import record_count, simulation_bytes
from .._validation import InvalidParameterError
from . import _regimes

#: per-trajectory scalars a chunk returns (summaries, status, regime, period, amplitude, ...)
RESULT_FLOATS = 12
#: the per-worker memory limit used when none is given (a whole worker process, as Dask counts it)
DEFAULT_LIMIT = "1GiB"
#: a chunk may use this share of the limit ... (Dask starts spilling at 60-70 % of a worker's limit,
#: pauses it at 80 % and restarts it at 95 %)
CHUNK_SHARE = 0.6
#: ... minus what a worker holds before any chunk: the interpreter, numpy, samtheory and Dask
#: (measured about 100 MB of resident memory for a process that ran one small chunk), and a
#: result in transit
WORKER_OVERHEAD = 160 * 2 ** 20

_UNITS = {"": 1, "B": 1, "KB": 10 ** 3, "MB": 10 ** 6, "GB": 10 ** 9, "KIB": 2 ** 10, "MIB": 2 ** 20, "GIB": 2 ** 30}


def parse_bytes(value, name="memory_limit") -> int:
    """Bytes from an int or a string like ``"512MiB"`` or ``"2 GB"``."""
    if isinstance(value, bool):
        raise InvalidParameterError(f"{name} must be a number of bytes or a size like '512MiB'; got {value!r}")
    if isinstance(value, (int, float)):
        number, unit = float(value), ""
    else:
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", str(value))
        if not m or m.group(2).upper() not in _UNITS:
            raise InvalidParameterError(f"{name} must be a number of bytes or a size like '512MiB' (units B, KB, "
                                        f"MB, GB, KiB, MiB, GiB); got {value!r}")
        number, unit = float(m.group(1)), m.group(2).upper()
    size = int(number * _UNITS[unit])
    if size <= 0:
        raise InvalidParameterError(f"{name} must be > 0 bytes; got {value!r}")
    return size


def chunk_bytes(spec, points) -> int:
    """Estimated peak bytes of a chunk of ``points`` grid points of the sweep ``spec``."""
    n = points * spec.trajectories
    d = spec.objective.dim
    head = 0
    if spec.head_steps:
        head = simulation_bytes(n_total=n, dim=d, steps=spec.head_steps,
                                record_every=spec.record_every if spec.history else None)["total"]
    window_records = spec.window + 1
    tail = simulation_bytes(n_total=n, dim=d, steps=spec.window, record_every=1, history=True)["total"]
    # the classifier's differences ||x_t - x_{t-k}|| (k <= 8) and their stacked copy, and two
    # copies of the window (moved to trajectory-major order, then masked where diverged)
    classifier = 8 * window_records * n * (2 * (_regimes.MAX_PERIOD + 1) + 2 * d)
    result = 8 * n * (RESULT_FLOATS + 2 * d)
    if spec.history:
        result += 8 * n * window_records * d
        if spec.head_steps:
            result += 8 * 2 * n * record_count(spec.head_steps, spec.record_every, True)
    return int(max(head, tail + classifier) + result)


def chunk_budget(limit_bytes) -> int:
    """Bytes a chunk may use in a worker limited to ``limit_bytes``:
    :data:`CHUNK_SHARE` of the limit minus :data:`WORKER_OVERHEAD`."""
    return int(CHUNK_SHARE * limit_bytes - WORKER_OVERHEAD)


def chunk_for_limit(spec, limit_bytes) -> int:
    """The most grid points whose chunk fits :func:`chunk_budget` of ``limit_bytes`` (at most the
    whole grid); refuses a limit too small for one point, naming ``memory_limit``."""
    one, budget = chunk_bytes(spec, 1), chunk_budget(limit_bytes)
    if one > budget:
        need = (one + WORKER_OVERHEAD) / CHUNK_SHARE
        raise InvalidParameterError(
            f"memory_limit {limit_bytes:,} bytes is too small: a worker needs about {need:,.0f} bytes for a chunk "
            f"of one grid point ({one:,} bytes with {spec.trajectories} trajectories, d={spec.objective.dim}, "
            f"plus {WORKER_OVERHEAD // 2 ** 20} MiB for the worker itself, within {int(CHUNK_SHARE * 100)}% of "
            f"the limit); raise memory_limit or use fewer trajectories")
    return int(min(spec.grid.size, budget // one))
