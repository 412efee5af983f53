r"""How many searched instances does each upper bound survive? ``python benchmarks/search_scale.py
[--budget 10000] [--seconds 300] [--seeds 0] [--only PREFIXES] [--skip PREFIXES] [--json PATH]
[--markdown PATH]``

Question
========
``samtheory verify`` searches each upper-bound entry for a few seconds. A true bound must also
survive a long search: this harness runs :func:`samtheory.theorems.search.search` on every
``kind == "upper"`` entry with a large budget (default 10⁴ evaluations, i.e. 10⁴ admissible
instances simulated and judged) and a wall-clock cap per entry, and records per entry the
evaluations actually made, the verdict, the largest closeness (tightness) and the neighbourhood
ratio. Expected: 0 ``violated`` — a violation here is either a false bound or a false alarm of the
engine, and both are defects to fix.

Method
======
One process, one entry after the other, seeds as given. Budgets count evaluations (admissible
instances); candidates the preconditions reject are counted separately and cost no simulation.
Entries whose evaluations are long (rate checks over geometric horizons, stochastic runs with 64
trajectories per candidate) reach the time cap before the budget: the table says how many
instances each entry saw, not the budget.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

try:
    import samtheory  # noqa: F401
except ImportError:  # run from a source checkout without `pip install .`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from samtheory._io import atomic_write_text
from samtheory.theorems import THEOREMS
from samtheory.theorems.search import search

HERE = os.path.dirname(os.path.abspath(__file__))


def run(budget, seconds, seeds, only=None, skip=None, progress=print):
    """Search every upper-bound entry whose id starts with one of ``only`` (all if empty) and
    with none of ``skip`` (prefix tuples), one after the other."""
    rows = []
    for tid, th in THEOREMS.items():
        if th.kind != "upper" or (only and not tid.startswith(tuple(only))) or (skip and tid.startswith(tuple(skip))):
            continue
        for seed in seeds:
            start = time.perf_counter()
            result = search(tid, budget=budget, seed=seed, time_limit=seconds)
            row = {"theorem": tid, "seed": seed, "verdict": result.verdict, "evaluations": result.evaluations,
                   "rejected": result.rejected, "ratio": result.ratio, "tail_ratio": result.tail_ratio,
                   "tightness": result.tightness, "seconds": round(time.perf_counter() - start, 1),
                   "reason": result.reason, "command": result.command}
            rows.append(row)
            progress(f"{tid:50s} seed {seed}: {result.verdict:11s} {result.evaluations:6d} evaluations "
                     f"ratio {result.ratio} ({row['seconds']} s)")
    return rows


def markdown(rows, budget, seconds):
    violated = [r for r in rows if r["verdict"] == "violated"]
    total = sum(r["evaluations"] for r in rows)
    lines = [f"# Long searches of every upper bound\n",
             f"Generated {time.strftime('%Y-%m-%dT%H:%M:%S%z')} by `benchmarks/search_scale.py` "
             f"(budget {budget} evaluations, at most {seconds:g} s per entry and seed; "
             f"{platform.machine()}, {os.cpu_count()} cores).\n",
             f"**{len(violated)} violated** in {len(rows)} searches, {total} admissible instances simulated and judged.\n",
             "| entry | seed | verdict | instances | rejected | ratio | neighbourhood | seconds |",
             "|---|---|---|---|---|---|---|---|"]
    fmt = lambda v: "" if v is None else f"{v:.4g}"  # noqa: E731
    for r in rows:
        lines.append(f"| `{r['theorem']}` | {r['seed']} | {r['verdict']} | {r['evaluations']} | {r['rejected']} | "
                     f"{fmt(r['ratio'])} | {fmt(r['tail_ratio'])} | {r['seconds']} |")
    if violated:
        lines += ["", "Violations (re-check with the command):", ""]
        lines += [f"* `{r['theorem']}`: {r['reason']}  \n  `{r['command']}`" for r in violated]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seeds", default="0", help="comma-separated search seeds")
    parser.add_argument("--only", default="", help="comma-separated id prefixes: only these entries")
    parser.add_argument("--skip", default="", help="comma-separated id prefixes: not these entries")
    parser.add_argument("--json", default=os.path.join(HERE, "results", "search_scale.json"))
    parser.add_argument("--markdown", default=os.path.join(HERE, "results", "search_scale.md"))
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    prefixes = lambda text: [p for p in text.split(",") if p]  # noqa: E731
    rows = run(args.budget, args.seconds, seeds, prefixes(args.only), prefixes(args.skip))
    atomic_write_text(args.json, json.dumps({"budget": args.budget, "seconds": args.seconds, "rows": rows}, indent=1))
    atomic_write_text(args.markdown, markdown(rows, args.budget, args.seconds))
    return 1 if any(r["verdict"] == "violated" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
