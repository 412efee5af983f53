r"""Where the worst-case search judges its candidate batches: in process or on an executor.

The search (:mod:`samtheory.theorems.search`) judges its candidates in batches: one
:func:`~samtheory.theorems.check_many` call per batch (a member's 16 siblings in the global phase,
a step's moves in the local climb). :class:`BatchJudge` runs such a call either in this process
or on any :class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, Dask's
``Client.get_executor()``; ``samtheory search --scheduler`` builds one with
:func:`samtheory.sweep._executor.executor_for`, the mechanism of ``verify --fuzz --scheduler``).

**Same result as in process.** A batch's verdicts depend only on its candidates: what crosses to
a worker is the theorem's registry id (or the entry itself, for one registered elsewhere) and the
:class:`~samtheory.theorems.search.Candidate` records, plain data. The worker rebuilds each
candidate's :class:`~samtheory.theorems.Instance` as the search does (members built from their
``data_seed`` and kept, one object per member, the theorem's fuzz from the candidate's seed) and
returns the verdicts. The search consumes the verdicts in the order it drew the
batches, and drawing never reads a verdict (only the count of admissible candidates, which the
preconditions decide without simulating), so the global phase can draw the next batches while
earlier ones run: :meth:`BatchJudge.in_order` keeps up to :data:`IN_FLIGHT` batches submitted.
The local climb needs each step's verdicts before its next move, so its batches run one at a
time (on the executor, without overlap). Confirmation runs of a suspected violation (larger
samples, longer horizons) stay in this process: they are few and sequential by nature.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:  # annotations only
    from .._theorem import Theorem

#: batches of the global phase submitted ahead of the one being recorded (with an executor)
IN_FLIGHT = 4

#: each worker thread's search spaces, by theorem id (judge_batch); per thread because a space's
#: member cache is not safe to share between threads (a thread pool, a threaded Dask worker)
_LOCAL = threading.local()


def judge_batch(theorem: Any, candidates: list) -> list:
    """The verdicts of ``candidates`` (one :func:`~samtheory.theorems.check_many` call, as the
    search makes it); a module-level function of picklable arguments, so any executor runs it.
    ``theorem`` is a registry id or a :class:`~samtheory.theorems.Theorem`."""
    import numpy as np

    from .._check import check_many
    from .._judges import keeping_curves
    from ..registry import get_theorem
    from ._space import CandidateSpace
    th = get_theorem(theorem)
    # the space's generator draws nothing here: instance() only builds members and applies the
    # theorem's fuzz, whose generator comes from each candidate's own seed. Building a space
    # builds a member of every family (admissible_families), so a worker keeps one per registry
    # id and reuses its members too (a member's numbers do not depend on which object holds them)
    spaces = _LOCAL.__dict__.setdefault("spaces", {})
    space = spaces.get(theorem) if isinstance(theorem, str) else None
    if space is None or space.theorem is not th:
        space = CandidateSpace(th, np.random.default_rng(0))
        if isinstance(theorem, str):
            spaces[theorem] = space
    with keeping_curves(False):
        return check_many(th, [space.instance(cand) for cand in candidates], share_streams=True)


class BatchJudge:
    """Judges candidate batches for one search: ``executor=None`` in this process (the search's
    own instances, as before executors existed), else on ``executor`` (module docstring)."""

    def __init__(self, theorem: Theorem, executor: Any = None):
        if executor is not None and not callable(getattr(executor, "submit", None)):
            from ..._validation import InvalidParameterError
            raise InvalidParameterError(f"executor must be a concurrent.futures.Executor (with submit); "
                                        f"got {type(executor).__name__}")
        self.theorem, self.executor = theorem, executor
        from ..registry import THEOREMS
        # a registered entry travels as its id (workers import the registry); any other as itself
        self._reference = theorem.id if THEOREMS.get(theorem.id) is theorem else theorem

    def _submit(self, candidates):
        return self.executor.submit(judge_batch, self._reference, list(candidates))

    def judge(self, candidates: list, instances: Any) -> list:
        """The verdicts of one batch, now. In process, ``instances()`` gives the search's own
        instances of ``candidates``; on an executor the worker rebuilds them."""
        if self.executor is None:
            from .._check import check_many
            return check_many(self.theorem, instances(), share_streams=True)
        return self._submit(candidates).result()

    def in_order(self, batches: Iterable[tuple], instances: Any) -> Iterator[tuple]:
        """For each ``(candidates, admitted)`` of ``batches`` (``admitted``: the indices to
        judge), yield ``(candidates, admitted, outcome)`` in the same order, ``outcome`` being
        the list of verdicts or the exception the batch raised. In process each batch is judged
        when the consumer asks for the next one (``instances(candidates)``: the search's own
        instances), so drawing and judging alternate exactly as without this class; on an
        executor up to :data:`IN_FLIGHT` batches are submitted ahead."""
        if self.executor is None:
            for cands, admitted in batches:
                chosen = [cands[i] for i in admitted]
                try:
                    outcome: Any = self.judge(chosen, lambda: instances(chosen))
                except Exception as exc:  # noqa: BLE001 - the search judges such a batch one by one
                    outcome = exc
                yield cands, admitted, outcome
            return
        pending: deque = deque()
        source = iter(batches)
        try:
            while True:
                while len(pending) < IN_FLIGHT:
                    item = next(source, None)
                    if item is None:
                        break
                    cands, admitted = item
                    pending.append((cands, admitted, self._submit([cands[i] for i in admitted])))
                if not pending:
                    return
                cands, admitted, future = pending.popleft()
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - the search judges such a batch one by one
                    outcome = exc
                yield cands, admitted, outcome
        finally:  # the search stopped (a violation, the budget): drop what is still queued
            for _, _, future in pending:
                future.cancel()
