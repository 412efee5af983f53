"""``samtheory bench``: simulator throughput on the workloads W1-W4."""
from __future__ import annotations

import sys

from ._common import (EXIT_OK, EXIT_VIOLATED, PROG, UsageError, check_output_option, dump_json, integer,
                      print_stdout, to_stdout, write_file)


def configure_bench(p):
    p.add_argument("--workloads", default="W1,W2,W3,W4", metavar="LIST",
                   help="comma-separated subset of W1,W2,W3,W4 (default: all)")
    p.add_argument("--repeat", type=integer(1), default=3, metavar="N", help="timed runs per cell, best kept (>= 1)")
    p.add_argument("--quick", action="store_true", help="reduced sizes (seconds; not the benchmark's numbers)")
    p.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH",
                   help="write the report as JSON to PATH (or stdout with no PATH)")


def run_bench(args) -> int:
    from .. import bench
    from .._validation import suggest
    names = [w.strip().upper() for w in args.workloads.split(",")]
    for w in names:
        if w not in bench.WORKLOADS:
            raise UsageError(f"--workloads: unknown workload {w!r}{suggest(w, bench.WORKLOADS)}; "
                             f"give a comma-separated subset of {', '.join(bench.WORKLOADS)}")
    repeated = sorted({w for w in names if names.count(w) > 1})
    if repeated:
        raise UsageError(f"--workloads names {', '.join(repeated)} more than once")
    check_output_option(args.json, "--json")
    progress = (lambda msg: print(f"bench: {msg}", file=sys.stderr)) if sys.stderr.isatty() else None
    report = bench.run(names, quick=args.quick, repeat=args.repeat, progress=progress)
    if args.json is not None:  # files first
        write_file(args.json, dump_json(report) + "\n")
    if not to_stdout(args.json):
        print_stdout(bench.format_table(report))
    failed = [r for r in report["rows"] if "error" in r]
    if failed:  # a benchmark whose cells failed has not measured anything: not a success
        print(f"{PROG}: bench: {len(failed)} of {len(report['rows'])} cells failed", file=sys.stderr)
        return EXIT_VIOLATED
    return EXIT_OK
