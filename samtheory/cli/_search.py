"""``samtheory search``: a theorem's worst case over the instances it admits."""
from __future__ import annotations

import sys

from ._common import (EXIT_OK, EXIT_VIOLATED, POSITIVE, UsageError, check_output_option, dump_json, fmt, integer,
                      print_stdout, to_stdout, write_file)


def configure_search(p):
    p.add_argument("theorem", help="a theorem id from `samtheory theorems`")
    p.add_argument("--budget", type=integer(1), default=500, metavar="N", help="simulated evaluations (>= 1, default 500)")
    p.add_argument("--seed", type=integer(0), default=0, metavar="S", help="seed of the search (>= 0, default 0)")
    p.add_argument("--seconds", type=POSITIVE, default=None, metavar="S", help="time limit in seconds (default none): CPU seconds of this process, or wall-clock "
                        "seconds with --scheduler")
    p.add_argument("--replay", metavar="JSON", default=None,
                   help="re-check one candidate printed by an earlier search (its 'rerun' line) instead of searching")
    p.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE",
                   help="write the result as JSON to FILE (or stdout with no FILE)")
    p.add_argument("--scheduler", metavar="local|ADDRESS", default=None,
                   help="judge the candidate batches on a Dask LocalCluster of 2 workers ('local') or the Dask "
                        "scheduler at ADDRESS (same result as in process; needs pip install \"samtheory[distributed]\")")


def run_search(args) -> int:
    from ..theorems import get_theorem
    from ..theorems.search import replay, search
    th = get_theorem(args.theorem)
    check_output_option(args.json, "--json")
    if args.replay is not None and args.scheduler is not None:
        raise UsageError("--scheduler applies to a search, not to --replay (one candidate, checked here)")
    if args.replay is not None:
        verdict = replay(th, args.replay)
        doc = verdict.to_dict()
        text = f"{verdict.verdict} {th.id}: {verdict.instance}\n  {verdict.reason}"
        failed = verdict.verdict == "violated"
    else:
        progress = None
        if sys.stderr.isatty():
            def progress(done, total, best):
                print(f"\r  [{done}/{total}] best ratio {best if best is not None else float('nan'):.4g}   ",
                      end="", file=sys.stderr, flush=True)
        from ..sweep._executor import executor_for
        with executor_for(scheduler=args.scheduler) as (executor, _):
            result = search(th, budget=args.budget, seed=args.seed, time_limit=args.seconds, progress=progress,
                            executor=executor)
        if progress is not None:
            print(file=sys.stderr)
        doc = result.to_dict()
        lines = [f"{result.verdict} {th.id}: ratio {fmt(result.ratio)}"
                 + (f" ({result.tightness})" if result.tightness else "")
                 + f", neighbourhood ratio {fmt(result.tail_ratio)}, {result.evaluations} evaluations "
                   f"({result.rejected} rejected by the preconditions), {result.seconds:.1f} s",
                 f"  {result.reason}"]
        if result.command:
            lines.append(f"  rerun: {result.command}")
        text = "\n".join(lines)
        failed = result.verdict == "violated"
    if args.json is not None:  # files first
        write_file(args.json, dump_json(doc) + "\n")
    if not to_stdout(args.json):
        print_stdout(text)
    return EXIT_VIOLATED if failed else EXIT_OK
