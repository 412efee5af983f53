"""``samtheory verify``: the theorem registry against simulation (the registry run, one theorem on
an instance, or ``--fuzz``)."""
from __future__ import annotations

import argparse
import math
import sys

from ._common import (EXIT_OK, EXIT_VIOLATED, NONNEGATIVE, POSITIVE, UsageError, check_output_option,
                      dump_json, float_list, integer, lam_type, print_stdout, table, to_stdout, write_file)


def configure_verify(p):
    p.add_argument("theorem", nargs="?", default=None,
                   help="check one theorem (an id from `samtheory theorems`) on the instance given by the options; "
                        "without it, run the whole registry on its default instances")
    p.add_argument("--json", metavar="FILE", default=None, help="also write the results as JSON to FILE")
    p.add_argument("--markdown", metavar="FILE", default=None, help="also write the results as a Markdown table")
    p.add_argument("--html", metavar="FILE", default=None,
                   help="also write a self-contained HTML report (figures inline; needs pip install \"samtheory[report]\")")
    p.add_argument("--csv", metavar="FILE", default=None, help="also write the verdict and tightness table as CSV")
    p.add_argument("--latex", metavar="FILE", default=None,
                   help="also write the verdict and tightness table as a LaTeX booktabs tabular")
    p.add_argument("--fuzz", metavar="N", type=integer(1), default=None,
                   help="run N random instances per theorem (inside each theorem's preconditions) and report counts")
    p.add_argument("--fuzz-seed", metavar="S", type=integer(0), default=None,
                   help="seed of the random instances (default 0)")
    p.add_argument("--scheduler", metavar="local|ADDRESS", default=None,
                   help="with --fuzz: check the theorems on a Dask LocalCluster of 2 workers ('local') or the Dask "
                        "scheduler at ADDRESS (same counts as in process; needs pip install \"samtheory[distributed]\")")
    p.add_argument("--only", metavar="PREFIX", default=None, help="restrict the registry run to ids starting with PREFIX")
    p.add_argument("--search-budget", metavar="N", type=integer(0), default=None,
                   help="worst-case search per entry after the defaults: N evaluations, at most "
                        "--search-seconds each (default %d; 0 turns the search off)" % _search_default())
    p.add_argument("--search-seconds", metavar="S", type=POSITIVE, default=None,
                   help="time limit of each entry's search in CPU seconds of the process running it, so that "
                        "a busy machine does not cut it short (default %g)" % _search_seconds_default())
    p.add_argument("--search-seed", metavar="S", type=integer(0), default=None, help="seed of the searches (default 0)")
    p.add_argument("--workers", "--search-workers", dest="workers", metavar="N", type=integer(1), default=None,
                   help="processes for the checks and searches (default: one per core, at most 2)")
    p.add_argument("--pep", action="store_true",
                   help="also compare the bounds a PEP can express with their exact worst cases for T = 1..5 "
                        "(needs pip install \"samtheory[pep]\"; about 1-2 minutes)")
    # the instance options default to None ("not given"): given without THEOREM they would be
    # ignored, which is an error (_check_verify_mode); their defaults are set in _instance_from_args
    g = p.add_argument_group("instance (with THEOREM)")
    g.add_argument("--function", default=None, help="catalog function name")
    g.add_argument("--method", default=None, help="gd, sgd, sam, usam or unified (default sam)")
    g.add_argument("--eta", type=POSITIVE, default=None, help="step size (omit for theorems that choose it per horizon)")
    g.add_argument("--rho", type=NONNEGATIVE, default=None, help="radius (default 0)")
    g.add_argument("--lam", type=lam_type, default=None, help="Unified SAM lambda in [0, 1] (--method unified only)")
    g.add_argument("--steps", type=integer(1), default=None, help="number of steps T (default 1000)")
    g.add_argument("--horizons", type=_horizons, default=None,
                   help="horizons T (whole numbers >= 2) for the rate checks of theorems that choose their step "
                        "size per horizon, e.g. 250,500,1000")
    g.add_argument("--trajectories", type=integer(1), default=None, help="trajectories (default 1; 100 for stochastic runs)")
    g.add_argument("--noise", choices=("gaussian", "rademacher"), default=None, help="additive gradient noise")
    g.add_argument("--sigma", type=NONNEGATIVE, default=None, help="noise level sigma")
    g.add_argument("--independent-samples", action="store_const", const=True, default=None,
                   help="independent ascent/descent samples")
    g.add_argument("--x0", type=float_list, default=None, help="starting point, comma-separated (default: a random one)")
    g.add_argument("--seed", type=integer(0), default=None, help="random seed (default 0)")


_INSTANCE_OPTIONS = ("function", "method", "eta", "rho", "lam", "steps", "horizons", "trajectories", "noise",
                     "sigma", "independent_samples", "x0", "seed")


def _given(args, names):
    return ["--" + n.replace("_", "-") for n in names if getattr(args, n) is not None]


def _check_verify_mode(args):
    """verify has three modes (one theorem on an instance, --fuzz, the registry run); an option of
    another mode would be silently ignored, so it is an error."""
    search = _given(args, ("search_budget", "search_seconds", "search_seed", "workers"))
    instance = _given(args, _INSTANCE_OPTIONS)
    if args.fuzz is not None:
        if instance:
            raise UsageError(f"{instance[0]} describes the instance of `verify THEOREM`; --fuzz draws its own instances")
        if search:
            raise UsageError(f"{search[0]} applies to the registry run, not to --fuzz")
        if args.theorem is not None and args.only is not None:
            raise UsageError("--only selects theorems of the registry run; with THEOREM it would be ignored")
        return
    if args.fuzz_seed is not None:
        raise UsageError("--fuzz-seed needs --fuzz N")
    if args.scheduler is not None:
        raise UsageError("--scheduler needs --fuzz N")
    if args.theorem is not None:
        if args.only is not None:
            raise UsageError("--only selects theorems of the registry run; with THEOREM it would be ignored")
        if search:
            raise UsageError(f"{search[0]} applies to the registry run; `samtheory search THEOREM` searches one theorem")
    elif instance:
        raise UsageError(f"{instance[0]} describes the instance of `verify THEOREM`; the registry run uses each "
                         "theorem's default instances (give THEOREM, or leave the option out)")


def _only_ids(prefix):
    """Theorem ids starting with ``prefix``; none is a usage error (with a suggestion)."""
    from ..theorems import THEOREMS
    from .._validation import suggest
    ids = [i for i in THEOREMS if prefix is None or i.startswith(prefix)]
    if not ids:
        raise UsageError(f"--only {prefix}: no theorem id starts with {prefix!r}{suggest(prefix, THEOREMS)}")
    return ids


def _horizons(text: str):
    """argparse type: comma-separated whole numbers >= 2 (no silent rounding of 2.7)."""
    values = float_list(text)
    for v in values:
        if not (math.isfinite(v) and v.is_integer() and v >= 2):
            raise argparse.ArgumentTypeError(f"expected whole numbers >= 2 separated by commas; got {text!r}")
    return [int(v) for v in values]


def _search_default():
    from ..verify import SEARCH_BUDGET
    return SEARCH_BUDGET


def _search_seconds_default():
    from ..verify import SEARCH_SECONDS
    return SEARCH_SECONDS


def _check_search_options(args):
    budget = _search_default() if args.search_budget is None else args.search_budget
    seconds = _search_seconds_default() if args.search_seconds is None else args.search_seconds
    if budget < 0:
        raise UsageError(f"--search-budget must be an integer >= 0; got {budget}")
    if not (seconds > 0 and math.isfinite(seconds)):
        raise UsageError(f"--search-seconds must be a finite number > 0; got {seconds}")
    return budget, seconds


def _instance_from_args(args, th):
    """The instance of `verify THEOREM`, validated (:meth:`Instance.validate`); options the check
    would ignore are usage errors."""
    import numpy as np
    from ..functions import get_function
    from ..theorems import Instance
    if args.function is None:
        raise UsageError("verify THEOREM needs --function NAME (see `samtheory functions`)")
    if (args.noise is None) != (args.sigma is None):
        raise UsageError("--noise and --sigma go together")
    if args.independent_samples and args.noise is None:
        raise UsageError("--independent-samples needs a stochastic oracle (--noise and --sigma)")
    per_horizon = th.check == "rate" and th.step_rule is not None
    if per_horizon and args.eta is not None:
        raise UsageError(f"--eta: {th.id} chooses its step size for each horizon T (its step rule); leave --eta out")
    if args.horizons is not None and not per_horizon:
        raise UsageError(f"--horizons: {th.id} does not choose its step size per horizon; it runs --steps steps"
                         + (" and reads its rate at steps/2^k" if th.check == "rate" else ""))
    if not per_horizon and args.eta is None:
        raise UsageError(f"{th.id} needs --eta")
    if args.lam is not None and (args.method or "sam") != "unified":
        raise UsageError(f"--lam is used by --method unified only; --method {args.method or 'sam'} would ignore it")
    if isinstance(args.lam, str):
        raise UsageError(f"--lam {args.lam}: theorem checks need a constant lambda in [0, 1] (the schedules "
                         "'1/t' and '1-1/t' are for `samtheory simulate`)")
    f = get_function(args.function)
    seed = 0 if args.seed is None else args.seed
    x0 = args.x0
    if x0 is None:
        x0 = f.sample_points(np.random.default_rng(seed), 1)[0].tolist()
    trajectories = args.trajectories if args.trajectories is not None else (100 if args.noise else 1)
    horizons = None if args.horizons is None else tuple(args.horizons)
    inst = Instance(f, method=args.method or "sam", eta=args.eta, rho=0.0 if args.rho is None else args.rho,
                    lam=args.lam, steps=1000 if args.steps is None else args.steps,
                    trajectories=trajectories, noise=args.noise, sigma=args.sigma or 0.0,
                    same_sample=not args.independent_samples, x0=x0, seed=seed, horizons=horizons)
    return inst.validate()


def _progress_printer(enabled=True):
    """Progress on stderr: one line redrawn in place when stdout and stderr are both terminals;
    otherwise (``verify | cat``, a log file) one plain line per check, so that progress is seen
    and logged rather than lost."""
    if not enabled:
        return None
    import shutil
    live = sys.stderr.isatty() and sys.stdout.isatty()
    width = shutil.get_terminal_size((100, 24)).columns

    def progress(done, total, label):
        if not live:
            print(f"[{done}/{total}] {label}", file=sys.stderr, flush=True)
            return
        text = f"  [{done}/{total}] {label}"[:width - 1]
        print(f"\r{text:<{width - 1}}", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)
    return progress


def _check_table_outputs(args):
    """--html, --csv, --latex: writable paths, and jinja2 for --html, before any work."""
    for option in ("html", "csv", "latex"):
        check_output_option(getattr(args, option), "--" + option)
    if args.html is not None:
        from ..report import require_jinja2
        try:
            require_jinja2()
        except ImportError:
            raise UsageError('--html needs jinja2: pip install "samtheory[report]"') from None


def _write_tables(args, report, meta):
    if args.html is not None:
        from ..report import render_html
        write_file(args.html, render_html(report, meta, output_path=args.html))
    if args.csv is not None:
        from ..tables import to_csv
        write_file(args.csv, to_csv(report))
    if args.latex is not None:
        from ..tables import to_latex
        write_file(args.latex, to_latex(report))


def run_verify(args) -> int:
    from .. import verify as V
    check_output_option(args.json, "--json")
    check_output_option(args.markdown, "--markdown")
    document_on_stdout = to_stdout(args.json, args.markdown, args.html, args.csv, args.latex)
    _check_verify_mode(args)
    if args.fuzz is not None:
        given = _given(args, ("html", "csv", "latex"))
        if given:
            raise UsageError(f"{given[0]} writes the report of the registry run or of `verify THEOREM`; "
                             "--fuzz writes --json only")
        return _run_fuzz(args)
    _check_table_outputs(args)
    budget = 0
    if args.theorem is not None:
        from ..theorems import check, get_theorem
        th = get_theorem(args.theorem)
        inst = _instance_from_args(args, th)
        verdict = check(th, inst)
        if verdict.verdict == "not-applicable" and verdict.details.get("missing_class_or_constant"):
            raise UsageError(f"{th.id} does not apply to {args.function}: {verdict.reason}")
        report = V.Report(rows=[verdict], defaults=False)
    else:
        ids = None if args.only is None else _only_ids(args.only)
        budget, seconds = _check_search_options(args)
        if args.pep:
            from ..pep._problem import require_pepit
            try:
                require_pepit()
            except ImportError as exc:
                raise UsageError(f"--pep: {exc}") from None
        report = V.verify_all(ids, progress=_progress_printer(), search_budget=budget,
                              search_seed=args.search_seed or 0, search_seconds=seconds,
                              workers=args.workers, pep=args.pep)
    # files first: a closed stdout must not cost the files (or the verdict)
    if args.json is not None:
        write_file(args.json, report.to_json() + "\n")
    if args.markdown is not None:
        write_file(args.markdown, report.markdown())
    from ..report import run_metadata
    _write_tables(args, report, run_metadata(search_seed=args.search_seed or 0, search_budget=budget,
                                             argv=getattr(args, "_argv", None)))
    if not document_on_stdout:
        print_stdout(report.table())
    return EXIT_VIOLATED if report.failed else EXIT_OK


def _run_fuzz(args) -> int:
    from ..theorems import get_theorem
    from .. import verify as V
    ids = [get_theorem(args.theorem).id] if args.theorem else _only_ids(args.only)
    seed = args.fuzz_seed or 0
    from ..sweep._executor import executor_for
    with executor_for(scheduler=args.scheduler) as (executor, _):
        counts, details = V.fuzz(args.fuzz, ids, seed=seed, progress=_progress_printer(),
                                 executor=executor)
    cols = ["holds", "violated", "inconclusive", "not-applicable", "diverged", "error", "no-instance"]
    total = {k: sum(c.get(k, 0) for c in counts.values()) for k in cols}
    if args.json is not None:  # files first
        doc = {"fuzz": args.fuzz, "seed": seed, "counts": counts, "totals": total,
               "not_holding": [v.to_dict() for v in details]}
        write_file(args.json, dump_json(doc) + "\n")
    if to_stdout(args.json, args.markdown):
        return EXIT_VIOLATED if total["violated"] or total["error"] else EXIT_OK
    print_stdout(table(["theorem"] + cols, [[tid] + [c.get(k, 0) for k in cols] for tid, c in counts.items()]))
    print_stdout()
    print_stdout(f"fuzz: {args.fuzz} random instances per theorem, seed {seed}: "
         + ", ".join(f"{k} {v}" for k, v in total.items() if v))
    for v in details:
        if v.verdict in ("violated", "error"):
            print_stdout(f"  {v.verdict}: {v.theorem} on {v.instance}: {v.reason}")
    return EXIT_VIOLATED if total["violated"] or total["error"] else EXIT_OK
