"""``samtheory sweep regimes``: the command line of the regime maps.

``samtheory sweep regimes --function NAME --method sam --eta A:B:N --rho A:B:N`` sweeps the
method over the log-spaced (η, ρ) grid, draws the map (``--method sam,usam`` side by side) into
``--outdir`` and prints, per method, how many cells fell in each regime and where the measured
stability edge lies against the theory's.
"""
from __future__ import annotations

import argparse

import numpy as np

from .._validation import InvalidParameterError


def log_range(text):
    """``A:B:N`` -> N log-spaced values from A to B (0 < A <= B, N >= 1)."""
    parts = text.split(":")
    try:
        low, high, count = float(parts[0]), float(parts[1]), int(parts[2])
        if len(parts) != 3:
            raise ValueError
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"expected A:B:N (N log-spaced values from A to B), e.g. 0.01:1:40; "
                                         f"got {text!r}") from None
    if not (0 < low <= high < float("inf")) or count < 1 or (count == 1 and low != high):
        raise argparse.ArgumentTypeError(f"A:B:N needs 0 < A <= B finite and N >= 1 (N = 1 only with A = B); "
                                         f"got {text!r}")
    return np.geomspace(low, high, count)


def configure(p, parser_class):
    sub = p.add_subparsers(dest="sweep_command", metavar="SUBCOMMAND", parser_class=parser_class)
    sub.required = True
    r = sub.add_parser("regimes",
                       help="regime map of a method over a log-spaced (eta, rho) grid, with the theory's edges",
                       description="Sweep METHOD over the (eta, rho) grid and draw which regime each cell's "
                                   "trajectories end in (converged, stalled, period k, chaotic, aperiodic, transient, diverged), "
                                   "with the GD, SAM and USAM stability edges and the 2-cycle amplitude contours.")
    r.add_argument("--function", required=True, metavar="NAME", help="a catalog function (samtheory functions)")
    r.add_argument("--method", default="sam", metavar="M[,M]",
                   help="method(s), comma-separated, drawn side by side (default: sam)")
    r.add_argument("--eta", required=True, type=log_range, metavar="A:B:N", help="step sizes: N log-spaced from A to B")
    r.add_argument("--rho", required=True, type=log_range, metavar="A:B:N", help="radii: N log-spaced from A to B")
    r.add_argument("--steps", type=int, default=2000, help="steps per trajectory (default 2000)")
    r.add_argument("--trajectories", type=int, default=8, help="trajectories per cell (default 8)")
    r.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    r.add_argument("--scheduler", default=None, metavar="local|ADDRESS",
                   help="run the chunks on a Dask LocalCluster ('local') or the scheduler at ADDRESS "
                        "(needs pip install \"samtheory[distributed]\"); default: in this process")
    r.add_argument("--workers", type=int, default=2, help="workers of --scheduler local (default 2)")
    r.add_argument("--chunk", type=int, default=None, help="grid points per chunk (default: from --memory-limit)")
    r.add_argument("--memory-limit", default="1GiB", metavar="SIZE",
                   help="per-worker memory limit the chunks are sized for (default 1GiB)")
    r.add_argument("--store", default=None, metavar="DIR",
                   help="keep finished chunks and the Dataset (sweep.zarr) here; a rerun resumes "
                        "(one store per method: DIR/METHOD)")
    r.add_argument("--outdir", default="figures", metavar="DIR",
                   help="folder of the PNG, PDF and JSON (default figures)")
    r.add_argument("--stem", default=None, help="file name stem (default sweep_regimes_FUNCTION)")
    r.add_argument("--progress", action="store_true", help="progress bar over chunks")


def run(args) -> int:
    from ..cli._common import EXIT_OK, UsageError, fmt, print_stdout, table
    from .._io import check_output_dir
    from ..functions import get_function
    from ..methods import get_method
    from ._figure import regime_map
    from ._maps import CATEGORIES

    methods = [m.strip() for m in args.method.split(",") if m.strip()]
    if not methods:
        raise UsageError("--method needs at least one method, e.g. sam or sam,usam")
    for m in methods:
        get_method(m)
    objective = get_function(args.function)
    check_output_dir(args.outdir, "--outdir")
    for name in ("steps", "trajectories", "workers"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name} must be >= 1; got {getattr(args, name)}")
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0; got {args.seed}")
    if args.chunk is not None and args.chunk < 1:
        raise UsageError(f"--chunk must be >= 1; got {args.chunk}")
    from ._memory import parse_bytes
    parse_bytes(args.memory_limit, "--memory-limit")
    try:
        doc = regime_map(objective, methods, eta=args.eta, rho=args.rho, steps=args.steps,
                         trajectories=args.trajectories, seed=args.seed, outdir=args.outdir, stem=args.stem,
                         store=args.store, scheduler=args.scheduler, workers=args.workers, chunk=args.chunk,
                         memory_limit=args.memory_limit, progress=args.progress)
    except InvalidParameterError as exc:
        raise UsageError(str(exc)) from None
    rows = []
    for method, panel in doc["panels"].items():
        cells = np.asarray(panel["cells"])
        counts = ", ".join(f"{CATEGORIES[c]} {int((cells == c).sum())}" for c in range(len(CATEGORIES))
                           if (cells == c).any())
        edges = np.asarray(panel["measured_edge_eta"], dtype=float)
        measured = "-" if np.all(np.isnan(edges)) else fmt(float(np.nanmedian(edges)))
        rows.append([method, counts, measured, fmt(panel["gd_edge"]), fmt(panel["sam_edge"]),
                     f"{fmt(min(panel['usam_edge']))}..{fmt(max(panel['usam_edge']))}"])
    print_stdout(table(["method", "cells by regime", "measured edge (median eta)", "GD edge", "SAM edge", "USAM edge"],
                       rows))
    for path in doc["files"]:
        print_stdout(f"  {path}")
    return EXIT_OK

