"""What every subcommand of the command line shares: exit codes, the parser class, the argument
types (``--eta 0.1``, ``--steps 1e3``, ``--x0 -1,2``), the table and number formatting, and the
output helpers (files through :mod:`samtheory._io`; stdout that tolerates a closed pipe).

The names are public within :mod:`samtheory.cli`'s private modules (and :mod:`samtheory.sweep._cli`,
the ``sweep`` subcommand's own options); they are not part of the package's API.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys

PROG = "samtheory"

EXIT_OK = 0
EXIT_VIOLATED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A command-line usage error; :func:`samtheory.cli.main` prints it as one line and returns 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` instead of printing the usage
    and exiting, so that every usage error is reported the same way (one line, status 2)."""

    def error(self, message):
        raise UsageError(message)

    def _check_value(self, action, value):
        # an invalid choice gets the closest valid one as a suggestion
        if action.choices is not None and value not in action.choices:
            from .._validation import suggest
            name = "/".join(action.option_strings) or action.metavar or action.dest
            raise argparse.ArgumentError(None, f"argument {name}: invalid choice {value!r}{suggest(value, action.choices)}; "
                                               f"choose one of: {', '.join(map(str, action.choices))}")
        return super()._check_value(action, value)


def one_line(message) -> str:
    return " ".join(str(message).split())


def print_error(message) -> None:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# argument types
# ---------------------------------------------------------------------------------------------

def lam_type(text: str):
    from ..schedules import LAMBDA_SCHEDULES
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


def integer(minimum):
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


def real(low=-math.inf, high=math.inf, *, low_open=False):
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


POSITIVE = real(0.0, low_open=True)
NONNEGATIVE = real(0.0)
FINITE = real()


def float_list(text: str):
    parts = [p.strip() for p in text.split(",")]
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers such as 0.5,-1,2; got {text!r}") from None


#: Options whose value may start with a minus sign (``--x0 -1,2``, ``--rho -1e-3``). argparse
#: would read such a value as an option, so :func:`join_negative_values` glues it to its option.
NUMERIC_OPTIONS = {"--x0", "--eta", "--rho", "--lam", "--sigma", "--eps", "--seed", "--steps", "--trajectories",
                    "--horizons", "--fuzz", "--fuzz-seed", "--search-budget", "--search-seconds", "--search-seed",
                    "--search-workers", "--workers", "--budget", "--seconds", "--repeat"}
NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


def join_negative_values(argv):
    out, i = [], 0
    while i < len(argv):
        tok = argv[i]
        if tok in NUMERIC_OPTIONS and i + 1 < len(argv) and NEGATIVE_VALUE.match(argv[i + 1]):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


# ---------------------------------------------------------------------------------------------
# formatting helpers
# ---------------------------------------------------------------------------------------------

def fmt(value, digits=4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.{digits}g}"
    return str(value)


def table(headers, rows) -> str:
    """Plain-text table with left-aligned columns."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def dump_json(obj) -> str:
    from .._io import to_jsonable
    return json.dumps(to_jsonable(obj), indent=2, allow_nan=False)


def check_output_option(path, option):
    """Fail early (usage error) when ``path`` cannot be written, before a long run; ``None``
    (no such output) passes. The checks and the writing are :mod:`samtheory._io`'s."""
    if path is None:
        return None
    from .._io import check_output
    return check_output(path, option)


def write_file(path, text) -> None:
    from .._io import write_output
    write_output(path, text)


def to_stdout(*paths) -> bool:
    """Whether one of the output ``paths`` is standard output (then the human-readable table is
    left out of stdout, which carries that document)."""
    from .._io import is_stdout
    targets = [p for p in paths if p is not None and is_stdout(p)]
    if len(targets) > 1:
        raise UsageError("only one output can go to stdout ('-')")
    return bool(targets)


_stdout_closed = False


def reset_stdout() -> None:
    """Start a run with stdout assumed open (:func:`samtheory.cli.main` runs several times in
    one process under the tests)."""
    global _stdout_closed
    _stdout_closed = False


def print_stdout(text="") -> None:
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
        discard_stdout()


def discard_stdout() -> None:
    # point fd 1 at /dev/null, so that Python's own flush at exit does not fail again
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
