r"""Run the theorem registry: the default instances (``samtheory verify``) and random ones (fuzzing).

* :func:`verify_all` checks every registry entry on its default instances, after the simulator's
  self-checks, and returns a :class:`Report` (table, JSON, Markdown, exit code).
* :func:`random_instance` draws a random instance for a theorem: one of its default instances
  with the function replaced by a random member of the same family (random constants and
  dimension), a random start, and the numeric step size and radius rescaled; instances that miss
  the theorem's preconditions are rejected and redrawn, so every counted run is inside them.
* :func:`fuzz` runs ``n`` accepted random instances per theorem and counts the verdicts.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import json
import time
import zlib
from dataclasses import dataclass, field, replace

import numpy as np

from ._random import log_uniform
from .functions import Objective, get_function, random_draw
from .theorems import THEOREMS, check, check_many, get_theorem
from .theorems._theorem import admissible
from .theorems.literature import TiltedValley

VERDICTS = ("holds", "violated", "inconclusive", "not-applicable", "diverged", "error")


@dataclass
class Report:
    """Verdicts of a verification run, plus the simulator self-checks."""

    rows: list = field(default_factory=list)  # Verdict objects
    selfchecks: list = field(default_factory=list)  # CheckResult objects
    seconds: float = 0.0
    searches: list = field(default_factory=list)  # SearchResult objects (worst-case search per entry)
    #: True for registry runs: every default check must hold. False for a user's own instance,
    #: where not-applicable is an answer (the instance is outside the theorem), not a failure.
    defaults: bool = True
    #: exact worst cases against the bounds (``--pep``): samtheory.pep.crosscheck.Check objects
    pep: list = field(default_factory=list)

    @property
    def counts(self):
        out = {v: 0 for v in VERDICTS}
        for r in self.rows:
            out[r.verdict] = out.get(r.verdict, 0) + 1
        return out

    def failing_rows(self):
        """Default checks that make the run fail: anything but ``holds``, except that an asymptotic
        entry (a limit, which no finite run can refute) may end ``inconclusive``."""
        if not self.defaults:
            return [r for r in self.rows if r.verdict in ("violated", "error")]
        return [r for r in self.rows if r.verdict != "holds"
                and not (r.verdict == "inconclusive" and _is_asymptotic(r.theorem))]

    @property
    def failed(self) -> bool:
        bad_checks = any(c.verdict != "holds" for c in self.selfchecks)
        bad_search = any(s.verdict in ("violated", "error") for s in self.searches)
        bad_pep = any(c.verdict in ("violated", "error") for c in self.pep)
        return bool(self.failing_rows()) or bad_checks or bad_search or bad_pep

    def to_dict(self):
        return {"summary": {"verdicts": self.counts, "theorems": len({r.theorem for r in self.rows}),
                            "checks": len(self.rows), "selfchecks_failed": sum(c.verdict != "holds" for c in self.selfchecks),
                            "searches_violated": sum(s.verdict == "violated" for s in self.searches),
                            "seconds": round(self.seconds, 2), "passed": not self.failed},
                "selfchecks": [c.to_dict() for c in self.selfchecks],
                "results": [r.to_dict() for r in self.rows],
                "searches": [s.to_dict() for s in self.searches],
                **({"pep": [c.to_dict() for c in self.pep]} if self.pep else {})}

    def to_json(self):
        """Strict JSON (non-finite numbers become null)."""
        from ._io import to_jsonable
        return json.dumps(to_jsonable(self.to_dict()), indent=2, allow_nan=False)

    def table(self, width=110):
        lines = []
        if self.selfchecks:
            lines.append("Simulator self-checks")
            for c in self.selfchecks:
                lines.append(f"  {c.verdict:<10} {c.name:<24} {c.detail}")
            lines.append("")
        from .report.wording import format_number, legend_lines, ratio_label, rerun_command, wrap_command
        idw = max([len(r.theorem) for r in self.rows] + [7])
        head = f"  {'verdict':<14} {'theorem':<{idw}}  {'ratio (kind value)':<20}"
        lines += ["Theorems: one check per instance; below each, the command that re-runs it",
                  head, "  " + "-" * (len(head) - 2)]
        for r in self.rows:
            ratio = format_number(r.ratio)
            kind = ratio_label(r.theorem)
            no_ratio = "" if kind == "limit" or r.verdict not in ("holds", "violated", "inconclusive") else " n/a"
            lines.append(f"  {r.verdict:<14} {r.theorem:<{idw}}  {kind + ' ' + ratio if ratio else kind + no_ratio}")
            command = rerun_command(r.theorem, r.instance_params)
            if "--only" in command:  # not expressible as options: name it, and re-run the entry's defaults
                lines += _wrapped(f"instance: {r.instance}", width, "      ")
                lines += ["      " + ln for ln in wrap_command(command, width - 6, "  ")]
            else:
                lines += ["      " + ln for ln in wrap_command(command, width - 6, "  ")]
            if r.verdict not in ("holds",) or _is_asymptotic(r.theorem):
                lines += _wrapped(f"-> {r.reason}", width, "      ")
        checks = [get_theorem(r.theorem).check for r in self.rows if r.theorem in THEOREMS]
        if checks:
            lines += ["", "  ratio kinds:"] + ["    " + ln for ln in legend_lines(checks)]
            lines.append("    n/a: no ratio is read where the bound is 0 or at the rounding level of the measure")
            lines.append("    margin (in --json, --csv, --html): bound - measure for upper bounds, measure - floor "
                         "for lower bounds; >= 0 holds")
        c = self.counts
        if self.searches:
            lines += ["", "Worst-case search (ratio: closest an admissible instance came to violating the entry, "
                          ">= 1 violates; tail: share of the neighbourhood term, its rho^2 and noise terms, that an instance used)"]
            head = f"  {'search':<12} {'theorem':<52} {'ratio':>9} {'tail':>7} {'evals':>6}  tightness / worst instance"
            lines += [head, "  " + "-" * (len(head) - 2)]
            for r in self.searches:
                ratio = "" if r.ratio is None else f"{r.ratio:.4g}"
                tail = "" if r.tail_ratio is None else f"{r.tail_ratio:.3g}"
                where = r.worst_verdict.instance if r.worst_verdict is not None else r.reason
                lines.append(f"  {r.verdict:<12} {r.theorem:<52} {ratio:>9} {tail:>7} {r.evaluations:>6}  "
                             f"{r.tightness + ': ' if r.tightness else ''}{where}")
                if r.verdict == "violated":
                    lines.append(f"  {'':<12} -> {r.reason}")
                    lines.append(f"  {'':<12} -> rerun: {r.command}")
        if self.pep:
            from .pep.crosscheck import table as pep_table
            lines += ["", "Exact worst cases (PEP) against the bounds (bound/PEP >= 1 holds; with an exact PEP "
                          "it is the proved slack, with a relaxation a lower bound on it)"]
            lines += ["  " + row for row in pep_table(self.pep).splitlines()]
            lines += [f"  {'':<12} -> {p.theorem} T={p.steps}: {p.reason}" for p in self.pep
                      if p.verdict not in ("holds",)]
        lines.append("")
        lines.append("  " + ", ".join(f"{v}: {c[v]}" for v in VERDICTS if c.get(v)) +
                     f"  ({len(self.rows)} checks of {len({r.theorem for r in self.rows})} theorems, {self.seconds:.1f} s)")
        n_asym = sum(_is_asymptotic(r.theorem) for r in self.rows)
        if n_asym:
            lines.append(f"  {n_asym} checks are of asymptotic entries (limits): they can only end holds or "
                         f"inconclusive, never violated")
        failing = self.failing_rows()
        if failing:
            lines.append(f"  FAILED: {len(failing)} default checks did not hold (violated, not-applicable, diverged, "
                         f"error or inconclusive)")
        if any(s.verdict in ("violated", "error") for s in self.searches):
            lines.append("  FAILED: the worst-case search violated an entry (or raised)")
        if any(p.verdict in ("violated", "error") for p in self.pep):
            lines.append("  FAILED: an exact worst case (PEP) is above a bound (or the solver failed)")
        return "\n".join(lines)

    def markdown(self):
        out = ["# samtheory verify", "", f"{len(self.rows)} checks, {self.seconds:.1f} s. "
               + ", ".join(f"{v}: {n}" for v, n in self.counts.items() if n), ""]
        if self.selfchecks:
            out += ["## Simulator self-checks", "", "| check | verdict | detail |", "|---|---|---|"]
            out += [f"| {c.name} | {c.verdict} | {c.detail} |" for c in self.selfchecks]
            out.append("")
        from .report.wording import legend_lines, ratio_label
        out += ["## Theorems", "", "| theorem | instance | verdict | ratio (kind value) | margin | first violation | reason |",
                "|---|---|---|---|---|---|---|"]
        for r in self.rows:
            out.append(f"| `{r.theorem}` | {r.instance} | **{r.verdict}** | {ratio_label(r.theorem)} {_fmt(r.ratio)} | "
                       f"{_fmt(r.margin)} | "
                       f"{'' if r.first_violation is None else r.first_violation} | {r.reason.replace('|', '/')} |")
        checks = [get_theorem(r.theorem).check for r in self.rows if r.theorem in THEOREMS]
        if checks:
            out += ["", "Ratio kinds:", ""] + [f"- `{line.split(' (')[0].strip()}` ({line.split(' (', 1)[1]}"
                                               for line in legend_lines(checks)]
        return "\n".join(out) + "\n"


def _wrapped(text, width, indent):
    """``text`` wrapped at spaces to ``width`` columns, every line indented (words are never cut)."""
    import textwrap
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_long_words=False, break_on_hyphens=False)


def _fmt(v):
    if v is None:
        return ""
    try:
        return f"{float(v):.4g}"
    except (TypeError, ValueError):
        return str(v)


#: Default worst-case search per entry in ``samtheory verify``: evaluations and seconds. Chosen so
#: that the whole job (defaults plus 24 searches of the upper bounds, two at a time) stays under 5
#: minutes on 2 cores.
SEARCH_BUDGET = 1000
SEARCH_SECONDS = 12.0


def _is_asymptotic(theorem_id):
    return theorem_id in THEOREMS and THEOREMS[theorem_id].check == "asymptotic"


def verify_all(theorem_ids: Iterable[str] | None = None, *, selfchecks: bool = True,
               progress: Callable[[int, int, str], Any] | None = None, search_budget: int = 0, search_seed: int = 0,
               search_seconds: float = SEARCH_SECONDS, workers: int | None = None, pep: bool = False) -> Report:
    """Check every (or the selected) theorem on its default instances, then (``search_budget``
    > 0) search each upper-bound entry for its worst case with that many evaluations, at most
    ``search_seconds`` each (:func:`samtheory.theorems.search.search`).

    The checks and the searches run in ``workers`` processes (default: one per core, at
    most :data:`SEARCH_WORKERS`), forked from this one so that they see exactly the registry it
    holds (entries a user registered, patched objects); without ``fork`` they run here, one after
    the other. Each search is deterministic given its budget and seed; only the time limit depends
    on the machine.

    ``pep=True`` (needs the extra ``pep``) adds :func:`samtheory.pep.crosscheck.crosscheck` for
    the selected entries a PEP can express.

    ``progress(done, total, label)`` is called after each check (label: verdict, theorem and
    instance) and each search.
    """
    from .selfcheck import run_selfchecks
    start = time.perf_counter()
    report = Report()
    if selfchecks:
        report.selfchecks = run_selfchecks()
    ids = list(THEOREMS) if theorem_ids is None else list(theorem_ids)
    jobs = [(i, k) for i in ids for k in range(len(get_theorem(i).instances))]
    # upper bounds are searched: their tightness is the question; lower-bound and exact entries are
    # constructions whose admissible set (a basin, a linked parameter) a generic draw rarely meets
    searched = [i for i in ids if search_budget > 0 and get_theorem(i).kind == "upper"]
    total = len(jobs) + len(searched)
    # checks of one instance go to one process, where the first check's run serves the others
    # (samtheory.theorems._check.SIMULATION_CACHE); verdicts are reported in registry order
    groups: dict[str, list[tuple[str, int]]] = {}
    for tid, index in jobs:
        groups.setdefault(repr(get_theorem(tid).instances[index].to_dict()), []).append((tid, index))
    batches = list(groups.values())
    def checks_done(k, job, verdicts):
        # one progress call per check of the batch, labelled with its verdict
        if progress is not None:
            before = sum(len(b) for b in batches[:k - 1])
            for n, verdict in enumerate(verdicts, start=1):
                progress(before + n, total, f"{verdict.verdict:<14} {verdict.theorem}  {verdict.instance}")

    checked = dict(zip(map(tuple, batches), _in_workers(
        _some_checks, [(batch,) for batch in batches], workers, checks_done)))
    verdicts = {job: verdict for batch, results in checked.items() for job, verdict in zip(batch, results)}
    report.rows.extend(verdicts[job] for job in jobs)
    results = _in_workers(_one_search, [(tid, search_budget, search_seed, search_seconds) for tid in searched],
                          workers, lambda k, job, result: progress(len(jobs) + k, total,
                                                                    f"search {result.verdict:<7} {job[0]}")
                          if progress else None)
    from .theorems.search import rebuild_worst
    report.searches.extend(rebuild_worst(result) for result in results)
    if pep:
        from .pep.crosscheck import ENTRIES, crosscheck
        report.pep = crosscheck([e for e in ENTRIES if e.theorem in ids])
    report.seconds = time.perf_counter() - start
    return report


#: Processes for verify's searches at most (the machines we target have 2 cores).
SEARCH_WORKERS = 2


def _one_search(tid, budget, seed, seconds):
    """One entry's search, as a picklable result: the worst instance travels as its candidate
    (an objective need not pickle) and is rebuilt by the caller."""
    from .theorems.search import SearchResult, search
    try:
        result = search(tid, budget=budget, seed=seed, time_limit=seconds)
    except Exception as exc:  # noqa: BLE001 - one crashing search must not hide the others
        return SearchResult(tid, "error", reason=f"{type(exc).__name__}: {exc}")
    result.worst = None
    return result


def _some_checks(jobs):
    """The verdicts of default instances, each ``(theorem id, instance index)`` (picklable in and out)."""
    return [_safe_check(get_theorem(tid), get_theorem(tid).instances[index]) for tid, index in jobs]


def _in_workers(fn, jobs, workers, done):
    """``[fn(*job) for job in jobs]``, in ``workers`` processes forked from this one (default: one
    per core, at most :data:`SEARCH_WORKERS`), so that they see exactly the registry it holds
    (entries a user registered, patched objects); without ``fork``, or once JAX is loaded here
    (its threads make forking unsafe), here, one after the other.
    ``done(k, job, result)`` is called as the k-th result (in job order) is in."""
    import multiprocessing
    import os
    import sys
    from concurrent.futures import ProcessPoolExecutor
    if workers is None:
        workers = min(SEARCH_WORKERS, os.cpu_count() or 1)
    results = []
    # a process that has loaded JAX runs threads, and forking it can deadlock a child that uses JAX
    if workers > 1 and len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods() and "jax" not in sys.modules:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(fn, *job) for job in jobs]
            for k, (job, future) in enumerate(zip(jobs, futures)):
                results.append(future.result())
                done(k + 1, job, results[-1])
    else:
        for k, job in enumerate(jobs):
            results.append(fn(*job))
            done(k + 1, job, results[-1])
    return results


def _safe_check(th, inst):
    from .theorems import Verdict
    try:
        return check(th, inst)
    except Exception as exc:  # a crash in one check must not hide the others
        return Verdict(th.id, inst.describe(), "error", f"{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------------------------------------
# random instances
# ---------------------------------------------------------------------------------------------

def random_function(name, rng, instance):
    """A random member of the family of catalog entry ``name`` (same tags), drawn by the entry's
    own ``random(rng, instance, dim)`` (registered with it, see :mod:`samtheory.functions`); an
    entry without one keeps its default instance, with the instance's ``function_args``.

    The dimension is drawn first for every entry, whether its draw uses it or not, so that the
    fuzz stream of every entry is what it was when these draws were one function here."""
    if isinstance(name, Objective):
        return name
    dim = int(rng.integers(1, 6))
    draw = random_draw(name)
    if draw is None:
        return get_function(name, **instance.function_args)
    return draw(rng, instance, dim)


def _scaled(value, rng):
    """Rescale a numeric hyperparameter by a log-uniform factor in [0.1, 1.5]; keep rules/schedules."""
    if isinstance(value, (int, float, np.floating)) and not isinstance(value, bool) and value > 0:
        return float(value) * log_uniform(rng, 0.1, 1.5)
    return value


def random_instance(theorem, rng, max_tries=200):
    """A random instance inside ``theorem``'s preconditions (see the module docstring), or None."""
    th = get_theorem(theorem)
    if not th.instances:
        return None
    for _ in range(max_tries):
        template = th.instances[int(rng.integers(len(th.instances)))]
        rho = _scaled(template.rho, rng)
        template = replace(template, rho=rho)
        f = random_function(template.function, rng, template)
        n_x0 = template.trajectories
        x0 = template.x0
        if x0 is not None and not isinstance(template.function, TiltedValley):
            scale = 2.0 * f.sample_scale / 3.0
            center = f.minimizer if f.minimizer is not None else np.zeros(f.dim)
            if np.ndim(x0) == 2:
                x0 = center + scale * rng.normal(size=(n_x0, f.dim))
            else:
                x0 = center + scale * rng.normal(size=f.dim)
        inst = replace(template, function=f, eta=_scaled(template.eta, rng), x0=x0,
                       seed=int(rng.integers(1 << 30)), sigma=_scaled(template.sigma, rng) if template.noise else template.sigma,
                       label="", function_args={})
        if th.fuzz is not None:
            inst = th.fuzz(inst, rng)
            if inst is None:
                continue
        if admissible(th, inst):
            return inst
    return None


def fuzz_generator(seed, theorem_id, k):
    """The generator of the k-th random instance of a theorem: each case can be re-created alone."""
    return np.random.default_rng([int(seed), zlib.crc32(theorem_id.encode()), int(k)])


def _fuzz_theorem(tid, n, seed):
    """The verdict counts and the non-holding verdicts of ``n`` random instances of theorem
    ``tid`` (picklable in and out, so any executor can run it)."""
    th = get_theorem(tid)
    c = {v: 0 for v in VERDICTS}
    c["no-instance"] = 0
    drawn = [(k, random_instance(th, fuzz_generator(seed, tid, k))) for k in range(n)]
    cases = [(k, inst) for k, inst in drawn if inst is not None]
    c["no-instance"] = n - len(cases)
    # members of one family with one shape are simulated together (check_many: the same
    # verdicts as one by one; stochastic instances stay on their own sample streams)
    try:
        verdicts = check_many(th, [inst for _, inst in cases])
    except Exception:  # noqa: BLE001 - one by one, so that the instance that raises is named
        verdicts = [_safe_check(th, inst) for _, inst in cases]
    details = []
    for (k, _), v in zip(cases, verdicts):
        c[v.verdict] += 1
        if v.verdict != "holds":
            v.details["fuzz_case"] = [int(seed), k]
            details.append(v)
    return c, details


def fuzz(n, theorem_ids=None, seed=0, progress=None, executor=None):
    """Run ``n`` random instances per theorem; returns ``{id: {verdict: count}}`` and the
    non-holding verdicts (their ``details["fuzz_case"]`` = (seed, k) re-creates the instance with
    :func:`fuzz_generator`).

    ``executor`` (any :class:`concurrent.futures.Executor`, e.g. a Dask client's
    ``get_executor()``) runs one job per theorem; each instance is drawn from its own generator
    (``fuzz_generator(seed, id, k)``), so the counts and verdicts are the in-process ones. Workers
    in other processes know the theorems of the installed registry, not entries registered in this
    process only."""
    ids = list(THEOREMS) if theorem_ids is None else list(theorem_ids)
    counts, details = {}, []
    total = n * len(ids)
    if executor is None:
        results = (_fuzz_theorem(tid, n, seed) for tid in ids)
    else:
        futures = [executor.submit(_fuzz_theorem, tid, n, seed) for tid in ids]
        results = (future.result() for future in futures)
    for done, (tid, (c, found)) in enumerate(zip(ids, results), start=1):
        details.extend(found)
        if progress is not None:
            progress(done * n, total, tid)
        counts[tid] = c
    return counts, details
