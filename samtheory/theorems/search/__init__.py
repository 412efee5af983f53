r"""Worst-case search: how close can an admissible instance come to breaking a theorem?

A check on a few default instances says little about a bound: an instance far from the extremal
ones passes a false bound as easily as a true one. :func:`search` therefore *maximizes* the
closeness to violation over every instance the theorem admits and reports the largest value found:

=========== ======================================================================================
check       closeness (``ratio`` of the result; ≥ 1 means violated)
=========== ======================================================================================
``every-t`` measure / bound at the worst recorded t (Monte-Carlo mean for stochastic runs)
``rate``    growth of the scaled excess over the allowed growth, or measure / certificate
``floor``   floor / measure at the closest point
``exact``   relative error / tolerance
=========== ======================================================================================

For an upper bound the largest ratio is the bound's *measured tightness*: 0.99 means an instance
reached 99 % of it; 0.1 means the bound has at least a factor 10 of slack on everything tried.
Asymptotic entries (a limit) cannot be refuted by a finite run and are not searched.

**The space.** A candidate is a member of a function :class:`~samtheory.functions.Family` whose
tags include the theorem's class (every subclass of :class:`~samtheory.functions.Objective` that
declares families takes part, the user's included), a dimension, a method from the theorem's list
(λ for Unified SAM), η (as a multiple of 1/β), ρ, a start, a horizon and, for stochastic entries,
additive noise (kind, σ, same or independent samples) or finite-sum sampling. Only candidates
inside the preconditions are simulated: they are found the way the theorem states them, through
``ctx.require`` in its bound (a rejected candidate costs no simulation and is repaired by shrinking
η and ρ). Precondition boundaries are where bounds are tight, so a third of the candidates has η
pushed to the largest admissible value by bisection.

**The strategy.** A global phase of random candidates (60 % of the budget, and of the time limit),
then a batched local climb (:meth:`SearchState.refine`, a (1 + λ) evolution strategy) on the
continuous coordinates (log of the family parameters, of η, ρ, σ; λ; the start) from the best
candidates found and from the best one in the neighbourhood regime. In the global phase each draw
(family, method, noise, horizon) gets 16 siblings with fresh η, start and ρ, and fresh family
parameters where the family's members stack (:func:`samtheory.functions.stack`); they are
simulated as one grid (:func:`~samtheory.theorems.check_many`): one vectorized run instead of
sixteen, and the local climb evaluates its moves the same way. A climb ends when its step has
shrunk to nothing; what is left of the budget goes to further rounds (60 % of the remainder to new
draws, then climbs from the best of them), so a search makes its whole budget of evaluations unless
the time limit or a violation stops it first. A stochastic candidate whose
Monte-Carlo mean reaches the bound (the closest of its grid) is re-run alone with 4, 16, then 64
times the trajectories, each with a fresh seed, and reported violated only when such an
independent larger run is (mean − 5 standard errors above the bound, the rule of
:func:`~samtheory.theorems.check`). Extremal points get their own share of the draws: ρ = 0, η at
the edge of the preconditions, a family's extremal starts (``Family.starts``, e.g. SAM's fixed
points on the cosine) and (stochastic runs) a start at the minimizer.

**Two numbers per entry.** ``ratio`` is the largest closeness; ``tail_ratio`` (every-t bounds) the
largest share of the bound's neighbourhood term (its ρ² and noise terms, the limit as t → ∞) that
an instance used once the decaying terms were paid: the bound with that term cut to a share c fails
as soon as this exceeds c (see ``samtheory.theorems._judges._tail_ratio``).

**Reproducibility.** The search is deterministic given ``seed``. The worst candidate is returned as
an :class:`~samtheory.theorems.Instance` that :func:`~samtheory.theorems.check` reproduces exactly,
and as JSON that ``samtheory search ID --replay JSON`` re-checks (``result.command``).

**Modules.** :mod:`._result` holds :class:`Candidate`, :class:`SearchResult` and :func:`closeness`;
:mod:`._space` the candidate space of one theorem (:class:`CandidateSpace`: drawing, repairing,
edges, vectors for the climb); :mod:`._state` one search's state and its two phases
(:class:`SearchState`); this module the entry points :func:`search`, :func:`replay` and
:func:`rebuild_worst`.
"""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from ..._validation import InvalidParameterError
from ...functions import search_families
from .._check import check
from .._judges import keeping_curves
from .._theorem import Theorem, Verdict
from ..registry import get_theorem
from ._result import TIGHT, Candidate, SearchResult, closeness
from ._space import CandidateSpace, admissible_families
from ._executor import BatchJudge
from ._state import SearchState

__all__ = ["search", "SearchResult", "Candidate", "closeness", "replay", "rebuild_worst", "admissible_families",
           "CandidateSpace", "SearchState", "TIGHT"]


def search(theorem: str | Theorem, budget: int = 500, seed: int = 0, *, time_limit: float | None = None,
           progress: Callable[..., Any] | None = None, executor: Any = None) -> SearchResult:
    # the docstring is _search's (set below); the candidates' checks keep no curves: the search
    # reports numbers, and thinning curves would cost it a few milliseconds per candidate
    with keeping_curves(False):
        return _search(theorem, budget, seed, time_limit=time_limit, progress=progress, executor=executor)


def _search(theorem, budget=500, seed=0, *, time_limit=None, progress=None, executor=None) -> SearchResult:
    """Search the instances ``theorem`` admits for the one closest to violating it.

    Parameters
    ----------
    theorem : str or Theorem
        A registry id or entry (a user's ``@theorem`` works, with or without default instances).
    budget : int
        Simulated evaluations (>= 1). Candidates rejected by the preconditions are not counted.
    seed : int
        Seed of the search (>= 0); the same seed gives the same result.
    time_limit : float or None
        Stop after this many seconds (the result says so in ``reason``): seconds of this
        process's CPU time when the search runs here, so that other jobs on a busy machine do not
        shorten it (its wall-clock time grows instead); wall-clock seconds with an ``executor``,
        whose work runs in other processes.
    progress : callable or None
        ``progress(evaluations, budget, best_ratio)`` after each evaluation.
    executor : concurrent.futures.Executor or None
        Judges the candidate batches (a ``ProcessPoolExecutor``, a Dask client's
        ``get_executor()``); the result is the in-process one for the same seed and budget
        (:mod:`samtheory.theorems.search._executor`). Default: in this process.

    Returns
    -------
    SearchResult
    """
    th = get_theorem(theorem)
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 1:
        raise InvalidParameterError(f"budget must be an integer >= 1; got {budget!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidParameterError(f"seed must be an integer >= 0; got {seed!r}")
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise InvalidParameterError(f"time_limit must be a number > 0 (seconds) or None; got {time_limit!r}")
    start = time.perf_counter()
    result = SearchResult(th.id, "holds", seed=int(seed), budget=int(budget))
    if th.check == "asymptotic":
        result.verdict = "not-searched"
        result.reason = "a limit statement cannot be refuted by a finite run; not searched"
        return result
    state = SearchState(th, CandidateSpace(th, np.random.default_rng(int(seed))), int(budget), time_limit, start, progress,
                        BatchJudge(th, executor), clock=time.perf_counter if executor is not None else time.process_time)
    if not state.space.families:
        result.verdict = "no-instance"
        result.reason = f"no searchable function family has the tags {', '.join(th.function_class)}"
        return result
    state.run()
    return state.finish(result)


search.__doc__ = _search.__doc__


def rebuild_worst(result: SearchResult) -> SearchResult:
    """Set ``result.worst`` from its candidate (a result that crossed a process boundary carries
    the candidate only)."""
    if result.worst is None and result.candidate is not None:
        th = get_theorem(result.theorem)
        result.worst = CandidateSpace(th, np.random.default_rng(0)).instance(result.candidate)
    return result


def replay(theorem, candidate) -> Verdict:
    """Re-check one candidate (a :class:`Candidate` or its JSON) on ``theorem``."""
    th = get_theorem(theorem)
    cand = Candidate.from_json(candidate) if isinstance(candidate, str) else candidate
    if cand.family not in search_families():
        raise InvalidParameterError(f"replay: unknown family {cand.family!r}")
    return check(th, CandidateSpace(th, np.random.default_rng(0)).instance(cand))
