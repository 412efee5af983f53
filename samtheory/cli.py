"""The ``samtheory`` command line.

Exit status: ``0`` success, ``1`` a check was violated (or raised), ``2`` usage error (bad option,
parameter out of range, unwritable output: any :class:`samtheory.InvalidParameterError`), printed
on stderr as one line ``samtheory: error: <message>``, ``130`` interrupted (Ctrl-C). Output files
are written before the table is printed, and a closed stdout (``| head``) changes neither the
files nor the exit status.

Adding a subcommand: write ``_configure_NAME(parser)`` (adds the options) and ``cmd_NAME(args) ->
int`` (runs it), then add one :class:`Command` line to :data:`COMMANDS`.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from dataclasses import dataclass
from typing import Callable

from ._validation import InvalidParameterError

PROG = "samtheory"

EXIT_OK = 0
EXIT_VIOLATED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A command-line usage error; :func:`main` prints it as one line and returns 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` instead of printing the usage
    and exiting, so that every usage error is reported the same way (one line, status 2)."""

    def error(self, message):
        raise UsageError(message)

    def _check_value(self, action, value):
        # an invalid choice gets the closest valid one as a suggestion
        if action.choices is not None and value not in action.choices:
            from ._validation import suggest
            name = "/".join(action.option_strings) or action.metavar or action.dest
            raise argparse.ArgumentError(None, f"argument {name}: invalid choice {value!r}{suggest(value, action.choices)}; "
                                               f"choose one of: {', '.join(map(str, action.choices))}")
        return super()._check_value(action, value)


def _one_line(message) -> str:
    return " ".join(str(message).split())


def _print_error(message) -> None:
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# argument types
# ---------------------------------------------------------------------------------------------

def _lam_type(text: str):
    from .schedules import LAMBDA_SCHEDULES
    if text in LAMBDA_SCHEDULES:
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number in [0, 1] or one of {', '.join(map(repr, LAMBDA_SCHEDULES))}; got {text!r}") from None
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must lie in [0, 1] (or be one of {', '.join(map(repr, LAMBDA_SCHEDULES))}); "
                                         f"got {text}")
    return value


def _integer(minimum):
    """argparse type: an integer >= ``minimum`` (``1e6`` is accepted as 1000000)."""
    def integer(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            try:
                f = float(text)
            except ValueError:
                f = math.nan
            if not (math.isfinite(f) and f.is_integer()):
                raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}; got {text!r}") from None
            value = int(f)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}; got {value}")
        return value
    return integer


def _real(low=-math.inf, high=math.inf, *, low_open=False):
    """argparse type: a finite number in ``[low, high]`` (``(low, high]`` with ``low_open``)."""
    rng = (f"{'(' if low_open or math.isinf(low) else '['}{low:g}, "
           f"{high:g}{')' if math.isinf(high) else ']'}")
    def real(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number in {rng}; got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number in {rng}; got {text!r}")
        if value < low or value > high or (low_open and value == low):
            if math.isinf(high):
                raise argparse.ArgumentTypeError(f"must be {'>' if low_open else '>='} {low:g} "
                                                 f"(allowed range: {rng}); got {text}")
            raise argparse.ArgumentTypeError(f"must lie in {rng}; got {text}")
        return value
    return real


_POSITIVE = _real(0.0, low_open=True)
_NONNEGATIVE = _real(0.0)
_FINITE = _real()


def _float_list(text: str):
    parts = [p.strip() for p in text.split(",")]
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers such as 0.5,-1,2; got {text!r}") from None


#: Options whose value may start with a minus sign (``--x0 -1,2``, ``--rho -1e-3``). argparse
#: would read such a value as an option, so :func:`_join_negative_values` glues it to its option.
_NUMERIC_OPTIONS = {"--x0", "--eta", "--rho", "--lam", "--sigma", "--eps", "--seed", "--steps", "--trajectories",
                    "--horizons", "--fuzz", "--fuzz-seed", "--search-budget", "--search-seconds", "--search-seed",
                    "--search-workers", "--workers", "--budget", "--seconds", "--repeat"}
_NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


def _join_negative_values(argv):
    out, i = [], 0
    while i < len(argv):
        tok = argv[i]
        if tok in _NUMERIC_OPTIONS and i + 1 < len(argv) and _NEGATIVE_VALUE.match(argv[i + 1]):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


# ---------------------------------------------------------------------------------------------
# formatting helpers
# ---------------------------------------------------------------------------------------------

def _fmt(value, digits=4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.{digits}g}"
    return str(value)


def _table(headers, rows) -> str:
    """Plain-text table with left-aligned columns."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def _dump_json(obj) -> str:
    from ._io import to_jsonable
    return json.dumps(to_jsonable(obj), indent=2, allow_nan=False)


def _check_output(path, option):
    """Fail early (usage error) when ``path`` cannot be written, before a long run; ``None``
    (no such output) passes. The checks and the writing are :mod:`samtheory._io`'s."""
    if path is None:
        return None
    from ._io import check_output
    return check_output(path, option)


def _write(path, text) -> None:
    from ._io import write_output
    write_output(path, text)


def _to_stdout(*paths) -> bool:
    """Whether one of the output ``paths`` is standard output (then the human-readable table is
    left out of stdout, which carries that document)."""
    from ._io import _is_stdout
    targets = [p for p in paths if p is not None and _is_stdout(p)]
    if len(targets) > 1:
        raise UsageError("only one output can go to stdout ('-')")
    return bool(targets)


_stdout_closed = False


def _out(text="") -> None:
    """Print ``text`` on stdout. A closed stdout (``samtheory ... | head``) is not an error of the
    run: the rest of the output is discarded, and the command goes on to its own exit status."""
    global _stdout_closed
    if _stdout_closed:
        return
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_closed = True
        _discard_stdout()


def _discard_stdout() -> None:
    # point fd 1 at /dev/null, so that Python's own flush at exit does not fail again
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


# ---------------------------------------------------------------------------------------------
# samtheory functions
# ---------------------------------------------------------------------------------------------

def _configure_functions(p):
    p.add_argument("--json", action="store_true", help="print a JSON list of the function summaries")


def cmd_functions(args) -> int:
    from .functions import CATALOG, get_function
    summaries = [get_function(name).summary() for name in CATALOG]
    if args.json:
        _out(_dump_json(summaries))
        return EXIT_OK

    def const(s, key):
        c = s["constants"].get(key)
        if c is None:
            return "-"
        return _fmt(c["value"]) + ("" if c["tight"] else "*")

    rows = [[s["name"], s["dim"], ",".join(s["tags"]), const(s, "smoothness"), const(s, "strong_convexity"),
             const(s, "pl"), const(s, "lipschitz"), _fmt(s["f_star"])] for s in summaries]
    _out(_table(["name", "d", "tags", "beta", "mu", "PL", "L", "f*"], rows))
    _out("\nbeta: smoothness, mu: strong convexity (absent: nonconvex), PL: Polyak-Lojasiewicz constant, "
          "L: Lipschitz constant of f.\n-: not claimed; *: a valid bound, not claimed tight. "
          "Details: samtheory functions --json.")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# samtheory simulate
# ---------------------------------------------------------------------------------------------

def _configure_simulate(p):
    from .methods import METHODS
    p.add_argument("--function", required=True, metavar="NAME",
                   help="catalog name (see 'samtheory functions')")
    p.add_argument("--method", required=True, choices=list(METHODS),
                   help="SAM-family method")
    p.add_argument("--lam", type=_lam_type, default=None, metavar="L",
                   help="Unified SAM weight in [0, 1], or the schedules '1/t' (SAM -> USAM) and '1-1/t' "
                        "(USAM -> SAM); used by --method unified only (default 1)")
    p.add_argument("--eta", type=_POSITIVE, required=True, metavar="E", help="step size (> 0)")
    p.add_argument("--rho", type=_NONNEGATIVE, default=0.0, metavar="R", help="perturbation radius (>= 0, default 0)")
    p.add_argument("--steps", type=_integer(1), required=True, metavar="T", help="number of steps (>= 1)")
    p.add_argument("--trajectories", type=_integer(1), default=1, metavar="B",
                   help="number of trajectories simulated at once (>= 1, default 1)")
    p.add_argument("--noise", choices=["gaussian", "rademacher"], default=None,
                   help="additive gradient noise with E||xi||^2 = sigma^2 (needs --sigma)")
    p.add_argument("--sigma", type=_NONNEGATIVE, default=None, metavar="S", help="noise level (>= 0; needs --noise)")
    p.add_argument("--independent-samples", action="store_true",
                   help="stochastic runs: draw the descent sample independently of the ascent sample "
                        "(default: the same sample for both)")
    p.add_argument("--seed", type=_integer(0), default=0, metavar="N", help="seed of the random stream (default 0)")
    p.add_argument("--x0", type=_float_list, default=None, metavar="X",
                   help="starting point as comma-separated numbers, e.g. --x0 1,-2,0.5 (default: random "
                        "points around the minimizer, from the seed)")
    p.add_argument("--eps", type=_NONNEGATIVE, default=0.0, metavar="EPS",
                   help="0: zero perturbation where the gradient is 0 (default); > 0: divide by ||g|| + EPS")
    p.add_argument("--backend", choices=["auto", "numpy", "jax"], default="auto",
                   help="auto (default): JAX for long runs when it is installed, else numpy; see docs/backend.md")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                   help="precision of the loop (default float64; float32 needs JAX and is about 7 digits)")
    p.add_argument("--json", action="store_true", help="print the result summary as JSON")


def cmd_simulate(args) -> int:
    from .functions import get_function
    from .oracles import AdditiveNoise
    from .simulation import simulate

    if args.sigma is not None and args.noise is None:
        raise UsageError("--sigma needs --noise (gaussian or rademacher)")
    if args.noise is not None and args.sigma is None:
        raise UsageError("--noise needs --sigma (the noise level)")
    if args.independent_samples and args.noise is None:
        raise UsageError("--independent-samples needs a stochastic oracle (--noise and --sigma)")
    if args.lam is not None and args.method != "unified":
        raise UsageError(f"--lam is used by --method unified only; --method {args.method} would ignore it")

    objective = get_function(args.function)
    oracle = None if args.noise is None else AdditiveNoise(objective, args.sigma, args.noise)
    result = simulate(objective, args.method, eta=args.eta, rho=args.rho, lam=args.lam, steps=args.steps,
                      trajectories=args.trajectories, x0=args.x0, oracle=oracle,
                      same_sample=not args.independent_samples, seed=args.seed, eps=args.eps,
                      record_every=None, progress=sys.stderr.isatty(), backend=args.backend,
                      dtype=args.dtype)
    summary = result.summary()
    if args.json:
        _out(_dump_json(summary))
        return EXIT_OK
    _out(_simulation_text(summary, objective))
    return EXIT_OK


def _simulation_text(s, objective) -> str:
    params = ", ".join(f"{k}={_fmt(v, 6)}" for k, v in s["parameters"].items())
    if s["oracle"] is None:
        mode = "deterministic"
    else:
        o = s["oracle"]
        mode = (f"stochastic: {o.get('kind', '')} {o.get('oracle', '')} sigma={_fmt(o.get('sigma'), 6)}, "
                + ("same sample for ascent and descent" if s["same_sample"] else "independent samples"))
    lines = [
        f"{s['method']} on {s['function']} (d={objective.dim}, f*={_fmt(s['conventions']['f_star'], 6)}): "
        f"{s['steps']} steps x {s['trajectories']} trajectories, {params}, seed {s['seed']}",
        mode,
        "status: " + ", ".join(f"{k} {v}" for k, v in s["status_counts"].items()),
    ]
    tail_steps = max(1, int(round(s["tail_fraction"] * s["steps"])))
    rows = []
    for label, key in (("final f - f*", "final_loss"),
                       (f"tail-mean f - f* (last {tail_steps} steps)", "tail_mean_loss"),
                       ("final ||grad f||^2", "final_gradsq"),
                       (f"tail-mean ||grad f||^2 (last {tail_steps})", "tail_mean_gradsq")):
        st = s[key]
        if st is None:
            rows.append([label, "-", "-", "-", "-"])
        else:
            rows.append([label] + [_fmt(st[k]) for k in ("mean", "median", "min", "max")])
    lines.append("")
    lines.append(_table(["measure (over ok trajectories)", "mean", "median", "min", "max"], rows))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# samtheory verify
# ---------------------------------------------------------------------------------------------

def _configure_verify(p):
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
    p.add_argument("--fuzz", metavar="N", type=_integer(1), default=None,
                   help="run N random instances per theorem (inside each theorem's preconditions) and report counts")
    p.add_argument("--fuzz-seed", metavar="S", type=_integer(0), default=None,
                   help="seed of the random instances (default 0)")
    p.add_argument("--scheduler", metavar="local|ADDRESS", default=None,
                   help="with --fuzz: check the theorems on a Dask LocalCluster of 2 workers ('local') or the Dask "
                        "scheduler at ADDRESS (same counts as in process; needs pip install \"samtheory[distributed]\")")
    p.add_argument("--only", metavar="PREFIX", default=None, help="restrict the registry run to ids starting with PREFIX")
    p.add_argument("--search-budget", metavar="N", type=_integer(0), default=None,
                   help="worst-case search per entry after the defaults: N evaluations, at most "
                        "--search-seconds each (default %d; 0 turns the search off)" % _search_default())
    p.add_argument("--search-seconds", metavar="S", type=_POSITIVE, default=None,
                   help="time limit of each entry's search in seconds (default %g)" % _search_seconds_default())
    p.add_argument("--search-seed", metavar="S", type=_integer(0), default=None, help="seed of the searches (default 0)")
    p.add_argument("--workers", "--search-workers", dest="workers", metavar="N", type=_integer(1), default=None,
                   help="processes for the checks and searches (default: one per core, at most 2)")
    p.add_argument("--pep", action="store_true",
                   help="also compare the bounds a PEP can express with their exact worst cases for T = 1..5 "
                        "(needs pip install \"samtheory[pep]\"; about 1-2 minutes)")
    # the instance options default to None ("not given"): given without THEOREM they would be
    # ignored, which is an error (_check_verify_mode); their defaults are set in _instance_from_args
    g = p.add_argument_group("instance (with THEOREM)")
    g.add_argument("--function", default=None, help="catalog function name")
    g.add_argument("--method", default=None, help="gd, sgd, sam, usam or unified (default sam)")
    g.add_argument("--eta", type=_POSITIVE, default=None, help="step size (omit for theorems that choose it per horizon)")
    g.add_argument("--rho", type=_NONNEGATIVE, default=None, help="radius (default 0)")
    g.add_argument("--lam", type=_lam_type, default=None, help="Unified SAM lambda in [0, 1] (--method unified only)")
    g.add_argument("--steps", type=_integer(1), default=None, help="number of steps T (default 1000)")
    g.add_argument("--horizons", type=_horizons, default=None,
                   help="horizons T (whole numbers >= 2) for the rate checks of theorems that choose their step "
                        "size per horizon, e.g. 250,500,1000")
    g.add_argument("--trajectories", type=_integer(1), default=None, help="trajectories (default 1; 100 for stochastic runs)")
    g.add_argument("--noise", choices=("gaussian", "rademacher"), default=None, help="additive gradient noise")
    g.add_argument("--sigma", type=_NONNEGATIVE, default=None, help="noise level sigma")
    g.add_argument("--independent-samples", action="store_const", const=True, default=None,
                   help="independent ascent/descent samples")
    g.add_argument("--x0", type=_float_list, default=None, help="starting point, comma-separated (default: a random one)")
    g.add_argument("--seed", type=_integer(0), default=None, help="random seed (default 0)")


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
    from .theorems import THEOREMS
    from ._validation import suggest
    ids = [i for i in THEOREMS if prefix is None or i.startswith(prefix)]
    if not ids:
        raise UsageError(f"--only {prefix}: no theorem id starts with {prefix!r}{suggest(prefix, THEOREMS)}")
    return ids


def _horizons(text: str):
    """argparse type: comma-separated whole numbers >= 2 (no silent rounding of 2.7)."""
    values = _float_list(text)
    for v in values:
        if not (math.isfinite(v) and v.is_integer() and v >= 2):
            raise argparse.ArgumentTypeError(f"expected whole numbers >= 2 separated by commas; got {text!r}")
    return [int(v) for v in values]


def _search_default():
    from .verify import SEARCH_BUDGET
    return SEARCH_BUDGET


def _search_seconds_default():
    from .verify import SEARCH_SECONDS
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
    from .functions import get_function
    from .theorems import Instance
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
        _check_output(getattr(args, option), "--" + option)
    if args.html is not None:
        from .report import require_jinja2
        try:
            require_jinja2()
        except ImportError:
            raise UsageError('--html needs jinja2: pip install "samtheory[report]"') from None


def _write_tables(args, report, meta):
    if args.html is not None:
        from .report import render_html
        _write(args.html, render_html(report, meta, output_path=args.html))
    if args.csv is not None:
        from .tables import to_csv
        _write(args.csv, to_csv(report))
    if args.latex is not None:
        from .tables import to_latex
        _write(args.latex, to_latex(report))


def cmd_verify(args) -> int:
    from . import verify as V
    _check_output(args.json, "--json")
    _check_output(args.markdown, "--markdown")
    to_stdout = _to_stdout(args.json, args.markdown, args.html, args.csv, args.latex)
    _check_verify_mode(args)
    if args.fuzz is not None:
        given = _given(args, ("html", "csv", "latex"))
        if given:
            raise UsageError(f"{given[0]} writes the report of the registry run or of `verify THEOREM`; "
                             "--fuzz writes --json only")
        return _cmd_fuzz(args)
    _check_table_outputs(args)
    budget = 0
    if args.theorem is not None:
        from .theorems import check, get_theorem
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
            from .pep._problem import _pepit
            try:
                _pepit()
            except ImportError as exc:
                raise UsageError(f"--pep: {exc}") from None
        report = V.verify_all(ids, progress=_progress_printer(), search_budget=budget,
                              search_seed=args.search_seed or 0, search_seconds=seconds,
                              workers=args.workers, pep=args.pep)
    # files first: a closed stdout must not cost the files (or the verdict)
    if args.json is not None:
        _write(args.json, report.to_json() + "\n")
    if args.markdown is not None:
        _write(args.markdown, report.markdown())
    from .report import run_metadata
    _write_tables(args, report, run_metadata(search_seed=args.search_seed or 0, search_budget=budget,
                                             argv=getattr(args, "_argv", None)))
    if not to_stdout:
        _out(report.table())
    return EXIT_VIOLATED if report.failed else EXIT_OK


def _cmd_fuzz(args) -> int:
    from .theorems import THEOREMS, get_theorem
    from . import verify as V
    ids = [get_theorem(args.theorem).id] if args.theorem else _only_ids(args.only)
    seed = args.fuzz_seed or 0
    from .sweep._executor import executor_for
    with executor_for(scheduler=args.scheduler) as (executor, _):
        counts, details = V.fuzz(args.fuzz, ids, seed=seed, progress=_progress_printer(),
                                 executor=executor)
    cols = ["holds", "violated", "inconclusive", "not-applicable", "diverged", "error", "no-instance"]
    total = {k: sum(c.get(k, 0) for c in counts.values()) for k in cols}
    if args.json is not None:  # files first
        doc = {"fuzz": args.fuzz, "seed": seed, "counts": counts, "totals": total,
               "not_holding": [v.to_dict() for v in details]}
        _write(args.json, _dump_json(doc) + "\n")
    if _to_stdout(args.json, args.markdown):
        return EXIT_VIOLATED if total["violated"] or total["error"] else EXIT_OK
    _out(_table(["theorem"] + cols, [[tid] + [c.get(k, 0) for k in cols] for tid, c in counts.items()]))
    _out()
    _out(f"fuzz: {args.fuzz} random instances per theorem, seed {seed}: "
         + ", ".join(f"{k} {v}" for k, v in total.items() if v))
    for v in details:
        if v.verdict in ("violated", "error"):
            _out(f"  {v.verdict}: {v.theorem} on {v.instance}: {v.reason}")
    return EXIT_VIOLATED if total["violated"] or total["error"] else EXIT_OK


# ---------------------------------------------------------------------------------------------
# samtheory search
# ---------------------------------------------------------------------------------------------

def _configure_search(p):
    p.add_argument("theorem", help="a theorem id from `samtheory theorems`")
    p.add_argument("--budget", type=_integer(1), default=500, metavar="N", help="simulated evaluations (>= 1, default 500)")
    p.add_argument("--seed", type=_integer(0), default=0, metavar="S", help="seed of the search (>= 0, default 0)")
    p.add_argument("--seconds", type=_POSITIVE, default=None, metavar="S", help="time limit in seconds (default none)")
    p.add_argument("--replay", metavar="JSON", default=None,
                   help="re-check one candidate printed by an earlier search (its 'rerun' line) instead of searching")
    p.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE",
                   help="write the result as JSON to FILE (or stdout with no FILE)")


def cmd_search(args) -> int:
    from .theorems import get_theorem
    from .theorems.search import replay, search
    th = get_theorem(args.theorem)
    _check_output(args.json, "--json")
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
        result = search(th, budget=args.budget, seed=args.seed, time_limit=args.seconds, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
        doc = result.to_dict()
        lines = [f"{result.verdict} {th.id}: ratio {_fmt(result.ratio)}"
                 + (f" ({result.tightness})" if result.tightness else "")
                 + f", neighbourhood ratio {_fmt(result.tail_ratio)}, {result.evaluations} evaluations "
                   f"({result.rejected} rejected by the preconditions), {result.seconds:.1f} s",
                 f"  {result.reason}"]
        if result.command:
            lines.append(f"  rerun: {result.command}")
        text = "\n".join(lines)
        failed = result.verdict == "violated"
    if args.json is not None:  # files first
        _write(args.json, _dump_json(doc) + "\n")
    if not _to_stdout(args.json):
        _out(text)
    return EXIT_VIOLATED if failed else EXIT_OK


# ---------------------------------------------------------------------------------------------
# samtheory theorems
# ---------------------------------------------------------------------------------------------

def _configure_theorems(p):
    p.add_argument("--json", action="store_true", help="print the registry as JSON")


def cmd_theorems(args) -> int:
    from .theorems import THEOREMS
    entries = [t.describe() for t in THEOREMS.values()]
    if args.json:
        _out(_dump_json(entries))
        return EXIT_OK
    _out(_table(["id", "kind", "provenance", "check", "class", "result"],
                 [[e["id"], e["kind"], e["provenance"], e["check"], ",".join(e["function_class"]),
                   e["result"][:60]] for e in entries]))
    _out()
    _out(f"{len(entries)} theorems; `samtheory verify ID --function NAME ...` checks one on an instance")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# samtheory reproduce
# ---------------------------------------------------------------------------------------------

def _configure_reproduce(p):
    p.add_argument("names", nargs="*", metavar="NAME", help="figure scripts to run (see --list)")
    p.add_argument("--all", action="store_true", help="run every registered figure script")
    p.add_argument("--quick", action="store_true",
                   help="the same code at reduced size (seconds each); written to figures/quick unless --outdir is given")
    p.add_argument("--outdir", default=None, metavar="DIR",
                   help="directory for the PNG, PDF and JSON files (default: figures, or figures/quick with --quick, "
                        "so a quick run never overwrites the full-size figures)")
    p.add_argument("--list", action="store_true", help="list the figure scripts and exit")


def cmd_reproduce(args) -> int:
    from . import reproduce
    if args.list:
        _out(_table(["name", "what"], [[e.name, e.description] for e in reproduce.REGISTRY.values()]))
        return EXIT_OK
    if args.all == bool(args.names):
        raise UsageError("give figure script names or --all (not both); --list shows the names")
    names = reproduce.names() if args.all else args.names
    for name in names:
        reproduce.get(name)  # unknown names are usage errors before anything runs
    from ._io import check_output_dir
    outdir = reproduce.output_folder(args.outdir, args.quick)
    check_output_dir(outdir, "--outdir")  # a bad folder is a usage error before any run
    if len(names) > 1:  # a long job says how long before it starts
        _out(_reproduce_estimate(names, outdir, args.quick))
    total = 0.0
    for name in names:
        doc = reproduce.run(name, outdir, quick=args.quick)
        seconds = float(doc.get("runtime_seconds", 0.0)) if isinstance(doc, dict) else 0.0
        total += seconds
        _out(f"{name}: {seconds:.1f} s")
        for path in (doc.get("files", []) if isinstance(doc, dict) else []):  # relative to the folder
            _out(f"  {os.path.join(outdir, path)}")
    if len(names) > 1:
        _out(f"{len(names)} figure scripts, {total:.1f} s")
    return EXIT_OK


def _reproduce_estimate(names, outdir, quick) -> str:
    from .reproduce import estimate_seconds
    seconds, unknown = estimate_seconds(names, outdir, quick)
    minutes = f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
    known = len(names) - len(unknown)
    text = f"{len(names)} figure scripts{' (quick)' if quick else ''}: about {minutes} for the {known} with a stored time"
    return text + (f"; no stored time for {', '.join(unknown)}" if unknown else "")


# ---------------------------------------------------------------------------------------------
# samtheory counterexamples / counterexample NAME
# ---------------------------------------------------------------------------------------------

def _configure_counterexamples(p):
    p.add_argument("--json", action="store_true", help="print the constructions as JSON")


def cmd_counterexamples(args) -> int:
    from .counterexamples import COUNTEREXAMPLES
    entries = [ce.describe() for ce in COUNTEREXAMPLES.values()]
    if args.json:
        _out(_dump_json(entries))
        return EXIT_OK
    _out(_table(["name", "setting", "poster row", "title"],
                 [[e["name"], e["setting"], e["poster_row"] or "-", e["title"][:70]] for e in entries]))
    return EXIT_OK


def _configure_counterexample(p):
    p.add_argument("name", help="a construction from `samtheory counterexamples`")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[],
                   help="override a parameter, e.g. --set rho=0.05 --set eta=0.1 (ranges are checked)")
    p.add_argument("--rho", type=_FINITE, default=None, help="shortcut for --set rho=VALUE")
    p.add_argument("--eta", type=_FINITE, default=None, help="shortcut for --set eta=VALUE")
    p.add_argument("--json", action="store_true", help="print the check report as JSON")


def cmd_counterexample(args) -> int:
    from .counterexamples import get_counterexample
    ce = get_counterexample(args.name)
    params = {}
    for item in args.set:
        if "=" not in item:
            raise UsageError(f"--set expects KEY=VALUE; got {item!r}")
        key, value = item.split("=", 1)
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"--set {key}: expected a number; got {value!r}") from None
        if key.strip() in params:
            raise UsageError(f"--set {key.strip()} is given twice")
        params[key.strip()] = number
    for key in ("rho", "eta"):
        if getattr(args, key) is not None:
            if key in params:
                raise UsageError(f"--{key} and --set {key}=... both set {key}; give one of them")
            params[key] = getattr(args, key)
    ce.validate(**params)  # range errors are usage errors (exit 2) before any simulation
    report = ce.check(**params)
    _out(_dump_json(report.to_dict()) if args.json else report.format())
    return EXIT_OK if report.ok else EXIT_VIOLATED


# ---------------------------------------------------------------------------------------------
# samtheory explore
# ---------------------------------------------------------------------------------------------

def _configure_explore(p):
    p.add_argument("name", nargs="?", default=None, help="a counterexample (default cosine-stall)")
    p.add_argument("--list", action="store_true", help="list the examples that can be explored")
    p.add_argument("--save", metavar="FILE", default=None,
                   help="render headless to FILE and exit; the format follows the extension (png, pdf, svg, ...)")


def cmd_explore(args) -> int:
    from .counterexamples import COUNTEREXAMPLES, get_counterexample
    if args.list:
        if args.name is not None or args.save is not None:
            raise UsageError("--list lists the examples; it takes no NAME or --save")
        width = max(map(len, COUNTEREXAMPLES))
        _out("\n".join(f"{name:<{width}}  {ce.title}" for name, ce in COUNTEREXAMPLES.items()))
        return EXIT_OK
    args.name = args.name or "cosine-stall"
    get_counterexample(args.name)  # unknown names are usage errors before any window opens
    import matplotlib
    if args.save:
        _check_output(args.save, "--save")
        matplotlib.use("Agg")
        from .explorer import save_format
        save_format(args.save)  # an unknown extension is a usage error before rendering
    from .explorer import Explorer
    import matplotlib.pyplot as plt
    if not args.save and not _interactive_backend(plt.get_backend()):
        raise UsageError(f"explore: the matplotlib backend {plt.get_backend()!r} cannot open a window (no display?); "
                         "set MPLBACKEND to an interactive one (e.g. TkAgg, QtAgg) or use --save PNG")
    explorer = Explorer(args.name)
    if args.save:
        explorer.save(args.save)
        plt.close(explorer.figure)
        _out(args.save)
        return EXIT_OK
    plt.show()
    return EXIT_OK


def _interactive_backend(name) -> bool:
    try:
        from matplotlib.backends import BackendFilter, backend_registry
        return name.lower() in {b.lower() for b in backend_registry.list_builtin(BackendFilter.INTERACTIVE)} \
            or name.lower().startswith("module://")
    except ImportError:  # matplotlib < 3.9
        return name.lower() not in {"agg", "pdf", "ps", "svg", "pgf", "cairo", "template"}


# ---------------------------------------------------------------------------------------------
# samtheory bench
# ---------------------------------------------------------------------------------------------

def _configure_bench(p):
    p.add_argument("--workloads", default="W1,W2,W3,W4", metavar="LIST",
                   help="comma-separated subset of W1,W2,W3,W4 (default: all)")
    p.add_argument("--repeat", type=_integer(1), default=3, metavar="N", help="timed runs per cell, best kept (>= 1)")
    p.add_argument("--quick", action="store_true", help="reduced sizes (seconds; not the benchmark's numbers)")
    p.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH",
                   help="write the report as JSON to PATH (or stdout with no PATH)")


def cmd_bench(args) -> int:
    from . import bench
    from ._validation import suggest
    names = [w.strip().upper() for w in args.workloads.split(",")]
    for w in names:
        if w not in bench.WORKLOADS:
            raise UsageError(f"--workloads: unknown workload {w!r}{suggest(w, bench.WORKLOADS)}; "
                             f"give a comma-separated subset of {', '.join(bench.WORKLOADS)}")
    repeated = sorted({w for w in names if names.count(w) > 1})
    if repeated:
        raise UsageError(f"--workloads names {', '.join(repeated)} more than once")
    _check_output(args.json, "--json")
    progress = (lambda msg: print(f"bench: {msg}", file=sys.stderr)) if sys.stderr.isatty() else None
    report = bench.run(names, quick=args.quick, repeat=args.repeat, progress=progress)
    if args.json is not None:  # files first
        _write(args.json, _dump_json(report) + "\n")
    if not _to_stdout(args.json):
        _out(bench.format_table(report))
    failed = [r for r in report["rows"] if "error" in r]
    if failed:  # a benchmark whose cells failed has not measured anything: not a success
        print(f"{PROG}: bench: {len(failed)} of {len(report['rows'])} cells failed", file=sys.stderr)
        return EXIT_VIOLATED
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# samtheory pep
# ---------------------------------------------------------------------------------------------

def _configure_pep(p):
    from .pep import FUNCTION_CLASSES, INITIAL_CONDITIONS, METHODS, METRICS
    p.add_argument("method", choices=list(METHODS), help="gd, usam, sam or unified")
    p.add_argument("--class", dest="function_class", required=True, choices=list(FUNCTION_CLASSES),
                   help="function class: L-smooth convex, L-smooth mu-strongly convex, or L-smooth (nonconvex)")
    p.add_argument("--steps", type=int, required=True, metavar="T", help="number of steps T (>= 1)")
    p.add_argument("--metric", choices=list(METRICS), default="distance",
                   help="||x_T - x*||^2 (distance, default), f(x_T) - f* (loss), min_{k<=T} ||grad f(x_k)||^2 "
                        "(gradsq-min) or (1/T) sum_{k<T} ||grad f(x_k)||^2 (gradsq-avg)")
    p.add_argument("--initial", choices=list(INITIAL_CONDITIONS), default="distance",
                   help="initial condition ||x_0 - x*||^2 <= 1 (distance, default) or f(x_0) - f* <= 1 (loss)")
    p.add_argument("--smoothness", type=float, default=1.0, metavar="L", help="smoothness L (> 0, default 1)")
    p.add_argument("--strong-convexity", type=float, default=0.0, metavar="MU",
                   help="strong convexity mu (0 < mu < L for smooth-strongly-convex; default 0)")
    p.add_argument("--eta", type=float, required=True, metavar="E", help="step size (> 0)")
    p.add_argument("--rho", type=float, default=0.0, metavar="R", help="perturbation radius (>= 0, default 0)")
    p.add_argument("--lam", type=float, default=None, metavar="L",
                   help="Unified SAM weight in [0, 1] (method unified only; default 1)")
    p.add_argument("--mode", choices=["auto", "exact", "relaxation"], default="auto",
                   help="SAM / Unified SAM: exact sweep over the gradient norms (T <= 2), the unit-vector "
                        "relaxation (an upper bound, any T), or auto (default: exact when T <= 2)")
    p.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE",
                   help="write the worst case (with its witness and multipliers) as JSON to FILE (or stdout with no FILE)")


def cmd_pep(args) -> int:
    from .pep import worst_case
    if args.json not in (None, "-"):
        _check_output(args.json, "--json")
    try:
        result = worst_case(args.method, args.function_class, steps=args.steps, metric=args.metric,
                            initial=args.initial, smoothness=args.smoothness, strong_convexity=args.strong_convexity,
                            eta=args.eta, rho=args.rho, lam=args.lam, mode=args.mode)
    except ImportError as exc:  # the optional extra is missing: say how to install it
        raise UsageError(str(exc)) from None
    from .pep._instance import simulate_witness
    instance = simulate_witness(result) if result.ok else None
    doc = result.to_dict()
    if instance is not None:
        doc["instance"] = {"is_quadratic": instance["quadratic"].is_quadratic, "reason": instance["quadratic"].reason,
                           "simulated": instance["simulated"], "relative_difference": instance["relative_difference"]}
    if args.json == "-":
        _out(_dump_json(doc))
    else:
        if args.json is not None:  # files first: a closed stdout must not cost the file
            _write(args.json, _dump_json(doc) + "\n")
        _out(_pep_text(result, instance))
    if not result.ok:
        _print_error(f"the solver did not reach an accurate optimum (status {result.status})")
        return EXIT_VIOLATED
    return EXIT_OK


def _pep_text(result, instance) -> str:
    s = result.spec
    params = f"L={_fmt(s['smoothness'], 6)}, mu={_fmt(s['strong_convexity'], 6)}, eta={_fmt(s['eta'], 6)}, " \
             f"rho={_fmt(s['rho'], 6)}" + ("" if s["lam"] is None else f", lam={_fmt(s['lam'], 6)}")
    kind = "exact worst case" if result.exact else "upper bound (relaxation)"
    lines = [f"{s['method']} on {s['function_class']}, {s['steps']} step(s), {params}",
             f"{s['metric']} from {s['initial']} <= 1: {_fmt(result.value, 10)}  ({kind}; {result.formulation})",
             f"solver {result.solver}: {result.status}, {result.solves} SDP(s), {result.seconds:.2f} s"]
    if result.norms is not None:
        lines.append("worst gradient norms ||grad f(x_k)||: " + ", ".join(_fmt(c, 6) for c in result.norms)
                     + f"; unit-vector relaxation {_fmt(result.upper_bound, 10)}")
    if instance is not None:
        q = instance["quadratic"]
        if q.is_quadratic:
            lines.append(f"witness: {q.reason}; simulated {_fmt(instance['simulated'], 10)} "
                         f"(relative difference {instance['relative_difference']:.1e})")
        else:
            lines.append(f"witness: {q.reason}; its points are in --json")
    lines.extend(f"note: {n}" for n in result.notes)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# samtheory sweep (samtheory/sweep/_cli.py)
# ---------------------------------------------------------------------------------------------

def _configure_sweep(p):
    from .sweep._cli import configure
    configure(p, _Parser)


def cmd_sweep(args) -> int:
    from .sweep._cli import run
    return run(args)


# ---------------------------------------------------------------------------------------------
# registration and entry point
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable  # configure(parser): add the subcommand's options
    run: Callable  # run(args) -> exit status


COMMANDS = [
    Command("functions", "list the catalog of objectives and their certified constants",
            _configure_functions, cmd_functions),
    Command("simulate", "simulate a SAM-family method on a catalog function",
            _configure_simulate, cmd_simulate),
    Command("verify", "check the theorem registry against simulation (exit 1 if a bound is violated)",
            _configure_verify, cmd_verify),
    Command("theorems", "list the theorem registry", _configure_theorems, cmd_theorems),
    Command("explore", "open the interactive counterexample explorer", _configure_explore, cmd_explore),
    Command("counterexamples", "list the non-convergence constructions", _configure_counterexamples,
            cmd_counterexamples),
    Command("search", "search the instances a theorem admits for its worst case (exit 1 if one violates it)",
            _configure_search, cmd_search),
    Command("counterexample", "check one construction: prediction vs simulation (exit 1 if it fails)",
            _configure_counterexample, cmd_counterexample),
    Command("reproduce", "regenerate the paper figures (PNG, PDF and JSON) of the registered figure scripts",
            _configure_reproduce, cmd_reproduce),
    Command("bench", "measure simulator throughput on the workloads W1-W4 (loop, numpy, JAX backend, hand-written JAX)",
            _configure_bench, cmd_bench),
    Command("pep", "exact worst case of a few steps over a function class (performance estimation; needs the extra 'pep')",
            _configure_pep, cmd_pep),
    Command("sweep", "sweep a method over a grid of (eta, rho) in chunks, in process or on Dask; regime maps",
            _configure_sweep, cmd_sweep),
]


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    parser = _Parser(prog=PROG, description="Verify the convergence theory of Sharpness-Aware Minimization "
                                            "against simulation.",
                     epilog="Exit status: 0 ok, 1 a check was violated, 2 usage error.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for cmd in COMMANDS:
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.configure(p)
        p.set_defaults(_run=cmd.run)
    return parser


def main(argv=None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    from ._io import interrupt_guard, interrupted
    global _stdout_closed
    _stdout_closed = False
    argv = list(sys.argv[1:] if argv is None else argv)
    with interrupt_guard():
        try:
            parser = build_parser()
            args = parser.parse_args(_join_negative_values(argv))
            args._argv = argv  # the command as given, for reports that print it
            status = int(args._run(args))
        except SystemExit as exc:  # --help and --version
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
        except (UsageError, InvalidParameterError) as exc:
            _print_error(exc)
            status = EXIT_USAGE
        except KeyboardInterrupt:
            status = EXIT_INTERRUPTED
        except BrokenPipeError:  # a write to stdout outside _out: the run itself finished
            _discard_stdout()
            status = EXIT_OK
        # an interrupt swallowed on the way (Python drops exceptions raised in finalizers and
        # weak-reference callbacks) still ends the run with 130
        if interrupted():
            status = EXIT_INTERRUPTED
        if status == EXIT_INTERRUPTED:
            print(f"{PROG}: interrupted", file=sys.stderr)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _discard_stdout()
        except (OSError, ValueError):
            pass
        return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
