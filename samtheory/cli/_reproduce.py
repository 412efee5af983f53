"""``samtheory reproduce``: the paper figures of the registered figure scripts."""
from __future__ import annotations

import os

from ._common import EXIT_OK, UsageError, print_stdout, table


def configure_reproduce(p):
    p.add_argument("names", nargs="*", metavar="NAME", help="figure scripts to run (see --list)")
    p.add_argument("--all", action="store_true", help="run every registered figure script")
    p.add_argument("--quick", action="store_true",
                   help="the same code at reduced size (seconds each); written to figures/quick unless --outdir is given")
    p.add_argument("--outdir", default=None, metavar="DIR",
                   help="directory for the PNG, PDF and JSON files (default: figures, or figures/quick with --quick, "
                        "so a quick run never overwrites the full-size figures)")
    p.add_argument("--list", action="store_true", help="list the figure scripts and exit")


def run_reproduce(args) -> int:
    from .. import reproduce
    if args.list:
        print_stdout(table(["name", "what"], [[e.name, e.description] for e in reproduce.REGISTRY.values()]))
        return EXIT_OK
    if args.all == bool(args.names):
        raise UsageError("give figure script names or --all (not both); --list shows the names")
    names = reproduce.names() if args.all else args.names
    for name in names:
        reproduce.get(name)  # unknown names are usage errors before anything runs
    from .._io import check_output_dir
    outdir = reproduce.output_folder(args.outdir, args.quick)
    check_output_dir(outdir, "--outdir")  # a bad folder is a usage error before any run
    if len(names) > 1:  # a long job says how long before it starts
        print_stdout(_reproduce_estimate(names, outdir, args.quick))
    total = 0.0
    for name in names:
        doc = reproduce.run(name, outdir, quick=args.quick)
        seconds = float(doc.get("runtime_seconds", 0.0)) if isinstance(doc, dict) else 0.0
        total += seconds
        print_stdout(f"{name}: {seconds:.1f} s")
        for path in (doc.get("files", []) if isinstance(doc, dict) else []):  # relative to the folder
            print_stdout(f"  {os.path.join(outdir, path)}")
    if len(names) > 1:
        print_stdout(f"{len(names)} figure scripts, {total:.1f} s")
    return EXIT_OK


def _reproduce_estimate(names, outdir, quick) -> str:
    from ..reproduce import estimate_seconds
    seconds, unknown = estimate_seconds(names, outdir, quick)
    minutes = f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
    known = len(names) - len(unknown)
    text = f"{len(names)} figure scripts{' (quick)' if quick else ''}: about {minutes} for the {known} with a stored time"
    return text + (f"; no stored time for {', '.join(unknown)}" if unknown else "")
