"""The state of one search and its two phases: the global phase of random candidates (simulated
in grids of siblings) and the batched local climb, with the re-runs that confirm a stochastic or
rate violation (see :mod:`samtheory.theorems.search`)."""
from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

import numpy as np

from .._check import check
from .._theorem import Verdict
from ._result import closeness

#: Share of the budget spent on random candidates before local refinement.
GLOBAL_SHARE = 0.6
#: Factor of the trajectories of a stochastic candidate's confirmation run.
CONFIRM_FACTOR = 4
#: Re-runs of a stochastic candidate at or over the bound: 4x, then 16x the trajectories (at most
#: MAX_ESCALATIONS candidates per search, so the budget stays predictable).
ESCALATION_LEVELS = 3
#: A rate violation is confirmed on horizons this many times longer.
RATE_CONFIRM_FACTOR = 8
MAX_ESCALATIONS = 6
#: Local refinements for the largest closeness (best candidates of different families).
LOCAL_STARTS = 4
#: Moves per step of a local refinement (evaluated as one batch), and its first and largest step
#: (relative to each coordinate's magnitude, at least 1: coordinates are logs of the family
#: parameters, of eta, rho and sigma, lambda, and the start in the member's length scale).
LOCAL_POPULATION = 12
LOCAL_STEP = 0.1
LOCAL_STEP_MAX = 1.0
#: Candidates per member in the global phase: one member of a family (with its rho), drawn with
#: this many choices of eta and start, simulated as one grid (:func:`~samtheory.theorems.check_many`).
SIBLINGS = 16
#: Work of one grid at most (trajectory-steps, about a second of numpy): a member whose candidates
#: are expensive (long horizons, many trajectories) gets fewer siblings, so that the search keeps
#: moving between members and stops near its time limit. Counted in work, not seconds, so that a
#: search without a time limit is the same on every machine.
GROUP_WORK = 2_000_000


class SearchState:
    def __init__(self, theorem, space, budget, time_limit, start, progress, judge, clock=time.perf_counter):
        self.th, self.space, self.budget, self.judge = theorem, space, budget, judge
        self.time_limit, self.start, self.progress = time_limit, start, progress
        # the time limit is read on ``clock`` (CPU time of this process for an in-process search:
        # a busy machine then does not cut the search short); ``start`` is wall-clock, for reports
        self.clock, self.clock_start = clock, clock()
        self.evaluations = self.rejected = 0
        self.scored = []  # (closeness, candidate, verdict)
        self.best_tail = (-math.inf, None)
        self.violation = None
        self.timed_out = False
        self.errors = []  # (candidate, verdict) of checks that raised
        self.escalations = 0
        self.diverged = 0  # admissible candidates whose runs blew up (not judged)

    def done(self) -> bool:
        if self.violation is not None or self.evaluations >= self.budget:
            return True
        if self.time_limit is not None and self.clock() - self.clock_start > self.time_limit:
            self.timed_out = True
            return True
        return False

    def evaluate(self, cand) -> float:
        if self.done():
            return -math.inf
        if not self.space.feasible(cand):
            self.rejected += 1
            return -math.inf
        try:
            verdict = check(self.th, self.space.instance(cand))
        except Exception as exc:  # noqa: BLE001 - a crash on an admissible instance is reported, not fatal
            verdict = Verdict(self.th.id, cand.family, "error", f"{type(exc).__name__}: {exc}")
        return self._record(cand, verdict)

    def evaluate_many(self, cands) -> list:
        """Evaluate candidates together (one simulation for those that can share it); stops at
        the budget and at the first violation. Returns ``(closeness, verdict)`` per candidate,
        ``(-inf, None)`` for those not evaluated (inadmissible, or past the budget)."""
        if self.done():
            return [(-math.inf, None)] * len(cands)
        admissible = self._admit(cands, self.evaluations)
        if not admissible:
            return [(-math.inf, None)] * len(cands)
        chosen = [cands[i] for i in admissible]
        try:
            verdicts = self.judge.judge(chosen, lambda: [self.space.instance(cand) for cand in chosen])
        except Exception as exc:  # noqa: BLE001 - judged one by one in _judged
            verdicts = exc
        return self._judged(cands, admissible, verdicts)

    def _admit(self, cands, evaluations) -> list:
        """The indices of the admissible candidates that fit the budget after ``evaluations``
        (the others past it are not looked at); counts the rejected ones."""
        admissible: list[Any] = []
        for index, cand in enumerate(cands):
            if evaluations + len(admissible) >= self.budget:
                break
            if self.space.feasible(cand):
                admissible.append(index)
            else:
                self.rejected += 1
        return admissible

    def _judged(self, cands, admissible, verdicts) -> list:
        """Record the verdicts of ``cands[admissible]`` (or, if their batch raised, judge them one
        by one); the return value of :meth:`evaluate_many`."""
        out = [(-math.inf, None)] * len(cands)
        if isinstance(verdicts, Exception):  # judge them one by one, so the one that raises is named
            for index in admissible:
                score = self.evaluate(cands[index])
                out[index] = (score, self.scored[-1][2] if np.isfinite(score) else None)
            return out
        # siblings share a member and a sample stream, so their Monte-Carlo means over the bound
        # are correlated: only the closest of a group is re-run on larger samples
        suspects = [k for k, (i, verdict) in enumerate(zip(admissible, verdicts)) if self._suspect(cands[i], verdict)]
        confirm = max(suspects, key=lambda k: closeness(self.th, verdicts[k]), default=None)
        for k, (index, verdict) in enumerate(zip(admissible, verdicts)):
            score = self._record(cands[index], verdict, confirm=k == confirm)
            out[index] = (score, self.scored[-1][2])
            if self.violation is not None:
                break
        return out

    def _suspect(self, cand, verdict) -> bool:
        """A stochastic run whose mean reached the bound: only larger runs can tell."""
        return (cand.stochastic and verdict.verdict in ("violated", "inconclusive")
                and closeness(self.th, verdict) >= 1)

    def _record(self, cand, verdict, confirm=True) -> float:
        """Count one evaluation, confirm what needs confirming (``confirm=False``: a stochastic
        suspect keeps closeness 1, unconfirmed), and keep its closeness."""
        if verdict.verdict == "error":
            self.errors.append((cand, verdict))
        self.evaluations += 1
        score = closeness(self.th, verdict)
        if verdict.verdict == "diverged":
            self.diverged += 1
        if self._suspect(cand, verdict):
            if confirm:
                cand, verdict, score = self._escalate(cand, verdict)
            else:
                score = 1.0
        elif verdict.verdict == "violated" and self.th.check == "rate":
            cand, verdict, score = self._longer_run(cand, verdict)
        elif verdict.verdict == "violated":  # deterministic and explicit: stands as it is
            self.violation = (cand, verdict)
        self.scored.append((score, cand, verdict))
        if verdict.tail_ratio is not None and verdict.tail_ratio > self.best_tail[0]:
            self.best_tail = (verdict.tail_ratio, cand)
        if self.progress is not None:
            self.progress(self.evaluations, self.budget, self.best())
        return score

    def _longer_run(self, cand, verdict):
        """A rate violation is read from finite horizons: it is reported only if it persists on
        horizons eight times longer (a run still in its transient would by then have started to
        decay; a false rate keeps growing)."""
        longer = replace(cand, steps=cand.steps * RATE_CONFIRM_FACTOR,
                         horizons=None if cand.horizons is None else [h * RATE_CONFIRM_FACTOR for h in cand.horizons])
        if not self.space.feasible(longer):
            return cand, verdict, 1.0
        again = check(self.th, self.space.instance(longer))
        if again.verdict == "violated":
            self.violation = (longer, again)
            return longer, again, closeness(self.th, again)
        return cand, again, min(closeness(self.th, again), 1.0)

    def _escalate(self, cand, verdict):
        """A stochastic candidate at or over the bound (by its Monte-Carlo mean) is re-run with
        4, 16, then 64 times the trajectories, each with a fresh seed: it is reported violated only when
        such an independent larger run is violated (mean − 5 SE above the bound), and an
        inconclusive mean over the bound gets the trajectories that can decide it. Returns the
        candidate, verdict and closeness of the last run."""
        if self.escalations >= MAX_ESCALATIONS:
            return cand, verdict, min(closeness(self.th, verdict), 1.0)
        self.escalations += 1
        steps = cand.steps
        if self.th.check == "every-t" and "worst_t" in verdict.details:
            # an every-t measure at t depends on the run up to t only: the larger runs stop just
            # after the step in question (a long run at 64x the trajectories would eat the budget)
            steps = min(cand.steps, int(verdict.details["worst_t"]) + 2)
        for level in range(1, ESCALATION_LEVELS + 1):
            bigger = replace(cand, trajectories=cand.trajectories * CONFIRM_FACTOR ** level, seed=cand.seed + level,
                             steps=steps)
            again = check(self.th, self.space.instance(bigger))
            score = closeness(self.th, again)
            if again.verdict == "violated":
                self.violation = (bigger, again)
                return bigger, again, score
            if score < 1:  # the larger run's mean is below the bound: not a violation
                break
        return cand, again, min(score, 1.0)

    def best(self):
        return max((s for s, _, _ in self.scored), default=None)

    def run(self):
        """Rounds of a global phase and a local phase until the budget, the time limit or a
        violation stops the search. A local climb ends when its step has shrunk to nothing, so one
        round may leave budget unused: the next round draws new candidates (a share of what
        remains) and climbs from the best of them, so that a budget of N is N evaluations."""
        while not self.done():
            first = len(self.scored)
            evaluations = self.evaluations
            self.global_phase()
            if not self.done():
                self.local_phase(since=first)
            if self.evaluations == evaluations:  # a round that evaluated nothing: the draws find no admissible candidate
                return

    def global_phase(self):
        # the batches are drawn by _global_batches and judged in the same order (on an executor,
        # several at once: drawing reads no verdict, the docstring of samtheory.theorems.search._executor)
        batches = self.judge.in_order(self._global_batches(), lambda chosen: [self.space.instance(c) for c in chosen])
        try:
            for cands, admissible, verdicts in batches:
                self._judged(cands, admissible, verdicts)
                if self.violation is not None:
                    return
        finally:
            batches.close()

    def _global_batches(self):
        """Yield the global phase's batches ``(candidates, admissible indices)``; ``planned`` counts
        the evaluations they will make (each admissible candidate makes one, whatever its verdict)."""
        rng = self.space.rng
        planned = self.evaluations
        # the phase's share of what remains of the budget (of the whole budget in the first round)
        target = planned + max(1, int(math.ceil(GLOBAL_SHARE * (self.budget - planned))))
        attempts = 0
        # with a time limit, the global phase also stops at its share of the remaining time, so
        # that the local refinement (sequential runs, the slower kind per evaluation) gets the rest
        deadline = math.inf
        if self.time_limit is not None:
            now = self.clock()
            deadline = now + GLOBAL_SHARE * (self.clock_start + self.time_limit - now)
        while (not self.done() and planned < min(target, self.budget) and attempts < 50 * self.budget
               and self.clock() < deadline):
            attempts += 1
            base = self.space.draw()
            if base is None:
                continue
            # each member gets SIBLINGS choices of eta and start, simulated as one grid (where
            # check_many can: not for entries that run their own simulation)
            work = base.trajectories * (sum(base.horizons) if base.horizons else base.steps)  # one run per horizon
            siblings = min(SIBLINGS, max(1, GROUP_WORK // max(work, 1))) - 1 if self.space.batchable else 0
            group = [base] + [self.space.sibling(base) for _ in range(siblings)]
            prepared = []
            for cand in group:
                if self.clock() > deadline:  # preparing can cost too (a bound over 1500 steps)
                    break
                cand = self.space.repair(cand)
                if cand is None:
                    self.rejected += 1
                    continue
                if cand.eta_scale is not None and rng.random() < 1 / 3:
                    cand = self.space.push_to_edge(cand, "eta_scale")
                if cand.rho > 0 and rng.random() < 1 / 4:
                    cand = self.space.push_to_edge(cand, "rho")
                prepared.append(cand)
            batch = prepared[:max(1, target - planned)]
            admissible = self._admit(batch, planned)
            if admissible:
                planned += len(admissible)
                yield batch, admissible

    def local_phase(self, since=0):
        """Climb from the best candidates of the leading families, and from the best one in the
        neighbourhood regime, among those scored from index ``since`` on (this round's draws:
        earlier rounds' climbs have converged)."""
        drawn = self.scored[since:]
        ranked = sorted((item for item in drawn if np.isfinite(item[0])), key=lambda item: -item[0])
        starts, seen = [], set()
        for score, cand, _ in ranked:  # the best of the leading families: extremal points differ by family
            if cand.family not in seen:
                starts.append((cand, "closeness", score))
                seen.add(cand.family)
            if len(starts) == LOCAL_STARTS:
                break
        tails = [(verdict.tail_ratio, cand) for _, cand, verdict in drawn
                 if verdict.tail_ratio is not None and np.isfinite(verdict.tail_ratio)]
        if tails:  # and the best start for the neighbourhood regime
            tail, cand = max(tails, key=lambda item: item[0])
            starts.append((cand, "tail", tail))
        for k, (cand, key, score) in enumerate(starts):
            if self.done():
                return
            remaining = self.budget - self.evaluations
            self.refine(cand, key, score, stop=self.evaluations + max(1, remaining // (len(starts) - k)))

    def refine(self, cand, key, score, stop):
        r"""Climb from ``cand`` (of closeness, or neighbourhood ratio for ``key="tail"``, ``score``)
        until ``stop`` evaluations: a (1 + λ) evolution strategy on the continuous coordinates
        (:meth:`CandidateSpace.to_vector`). Each step evaluates :data:`LOCAL_POPULATION` moves as one batch
        (:meth:`evaluate_many`: one simulation for a family that stacks), half along single
        coordinates (a bound is often tight on a narrow ridge of one coordinate, such as the start at
        an unstable fixed point) and half in random directions; it moves to the best if it improves
        and doubles the step, else divides the step by 4, down to a relative step of 1e-9."""
        rng = self.space.rng
        z = self.space.to_vector(cand)
        scale = np.maximum(np.abs(z), 1.0)
        step = LOCAL_STEP
        while not self.done() and self.evaluations < stop and step > 1e-9:
            count = min(LOCAL_POPULATION, stop - self.evaluations)
            moves = np.zeros((count, len(z)))
            for m in range(count):
                if m % 2 == 0:
                    moves[m, int(rng.integers(len(z)))] = rng.choice([-1.0, 1.0])
                else:
                    moves[m] = rng.normal(size=len(z)) / math.sqrt(len(z))
            trials = [self.space.from_vector(cand, z + step * scale * move) for move in moves]
            results = self.evaluate_many(trials)
            values = [(-math.inf if verdict is None else
                       (verdict.tail_ratio if key == "tail" else value)) for value, verdict in results]
            values = [-math.inf if v is None or not np.isfinite(v) else v for v in values]
            best = int(np.argmax(values))
            if values[best] > score:
                score, z = values[best], z + step * scale * moves[best]
                step = min(2 * step, LOCAL_STEP_MAX)
            else:
                step /= 4

    def finish(self, result):
        result.evaluations, result.rejected = self.evaluations, self.rejected
        result.seconds = time.perf_counter() - self.start
        if self.violation is not None:
            cand, verdict = self.violation
            result.verdict, result.candidate, result.worst_verdict = "violated", cand, verdict
            result.ratio = closeness(self.th, verdict)
            result.reason = f"violated on a searched instance: {verdict.reason}"
        elif not self.scored:
            result.verdict = "no-instance"
            result.reason = (f"no admissible instance found in {self.rejected} candidates "
                             f"(the preconditions rejected every draw)")
        else:
            score, cand, verdict = max(self.scored, key=lambda item: item[0])
            note = ""
            if cand.stochastic:
                # stochastic candidates were judged on samples shared by their grid: report the
                # lone run that check(worst) reproduces (an equally distributed estimate)
                verdict = check(self.th, self.space.instance(cand))
                score = closeness(self.th, verdict)
                if verdict.verdict == "violated":  # 5 standard errors over the bound: it stands
                    result.verdict = "violated"
                elif score > 1:
                    note = (f" (its Monte-Carlo mean reached {score:.4g} of the bound, within its standard "
                            "errors; larger runs did not confirm a violation)")
                    score = 1.0
            result.ratio, result.candidate, result.worst_verdict = score, cand, verdict
            result.reason = f"largest closeness {score:.4g} on {verdict.instance}{note}"
        if result.candidate is not None:
            result.worst = self.space.instance(result.candidate)
        if self.best_tail[1] is not None:
            result.tail_ratio, result.tail_candidate = self.best_tail
            if result.tail_candidate.stochastic:  # the lone run, as for the worst candidate
                result.tail_ratio = check(self.th, self.space.instance(result.tail_candidate)).tail_ratio
        if self.diverged:
            result.reason += f"; {self.diverged} admissible candidates diverged (not judged)"
        if self.errors:
            result.reason += f"; {len(self.errors)} evaluations raised (first: {self.errors[0][1].reason})"
        if self.timed_out and result.verdict != "violated":
            result.reason += f" (stopped at the time limit after {self.evaluations} evaluations)"
        return result
