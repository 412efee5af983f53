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
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               memory_limit=memory_limit, dashboard_address=None,
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
