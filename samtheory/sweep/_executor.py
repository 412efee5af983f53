"""Where the chunks run: in process, on any :class:`concurrent.futures.Executor`, or on Dask.

* nothing given: in this process, one chunk after the other (no Dask needed);
* ``executor=``: any :class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, a Dask
  ``Client.get_executor()``, ...), owned by the caller;
* ``scheduler="local"``: a Dask ``LocalCluster`` of ``workers`` single-threaded worker processes,
  each with ``memory_limit`` (the same per-worker limit the chunk size is chosen for), started for
  the sweep and closed after it;
* ``scheduler="tcp://host:8786"`` (any address): the Dask scheduler of an existing cluster
  (``dask scheduler`` / ``dask worker``, dask-jobqueue on SLURM or PBS, ...), through
  ``distributed.Client(address).get_executor()``.

Dask is the optional extra ``distributed`` (``pip install "samtheory[distributed]"``).
"""
from __future__ import annotations

import contextlib
import logging

from .._validation import InvalidParameterError


#: glibc allocator settings of a LocalCluster's workers (see executor_for): return freed memory to
#: the system only above 256 MiB at the top of the heap, and serve allocations below 64 MiB from
#: the heap rather than fresh mappings
WORKER_TRIM_THRESHOLD = 2 ** 28
WORKER_MMAP_THRESHOLD = 2 ** 26


def _distributed():
    try:
        import distributed
    except ImportError:
        raise InvalidParameterError("scheduler needs Dask: pip install \"samtheory[distributed]\"") from None
    return distributed


@contextlib.contextmanager
def executor_for(executor=None, scheduler=None, workers=2, memory_limit=None):
    """Yield ``(executor or None, description)`` for the sweep (module docstring)."""
    if executor is not None and scheduler is not None:
        raise InvalidParameterError("give executor or scheduler, not both")
    if executor is not None:
        if not hasattr(executor, "submit"):
            raise InvalidParameterError(f"executor must be a concurrent.futures.Executor; "
                                        f"got {type(executor).__name__}")
        yield executor, type(executor).__name__
        return
    if scheduler is None:
        yield None, "in-process"
        return
    if not isinstance(scheduler, str) or not scheduler:
        raise InvalidParameterError(f"scheduler must be 'local' or a scheduler address like 'tcp://host:8786'; "
                                    f"got {scheduler!r}")
    distributed = _distributed()
    cluster = None
    try:
        if scheduler == "local":
            import dask
            # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap
            # threshold at 128 KiB: every step's temporaries of a chunk (arrays of 10^4-10^5
            # floats) were then mapped and unmapped, page faults included. Measured on 8 chunks
            # of 1250 cosine points x 16 trajectories x 500 steps on 2 workers: 22.7 s with Dask's
            # setting, 13.9 s with these (one such chunk alone in process: 1.6 s).
            with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": WORKER_TRIM_THRESHOLD,
                                  "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": WORKER_MMAP_THRESHOLD}):
                cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                   memory_limit=memory_limit, dashboard_address=":0",
                                                   silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
            description = f"dask LocalCluster({workers} workers)"
        else:
            try:
                client = distributed.Client(scheduler, timeout="10s")
            except (OSError, ValueError, TimeoutError) as exc:
                raise InvalidParameterError(f"scheduler {scheduler!r}: cannot connect ({exc})") from None
            description = f"dask scheduler {scheduler}"
        try:
            yield client.get_executor(), description
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
