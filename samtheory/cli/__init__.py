"""The ``samtheory`` command line.

Exit status: ``0`` success, ``1`` a check was violated (or raised), ``2`` usage error (bad option,
parameter out of range, unwritable output: any :class:`samtheory.InvalidParameterError`), printed
on stderr as one line ``samtheory: error: <message>``, ``130`` interrupted (Ctrl-C). Output files
are written before the table is printed, and a closed stdout (``| head``) changes neither the
files nor the exit status.

One private module per subcommand (``_verify``, ``_search``, ``_simulate``, ``_reproduce``,
``_explore``, ...), the shared argument types and output helpers in ``_common``. Adding a
subcommand: write ``configure_NAME(parser)`` (adds the options) and ``run_NAME(args) -> int`` (runs
it) in a module of this package, then add one :class:`Command` line to :data:`COMMANDS`.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Callable

# at import, not in main(): a Ctrl-C between main()'s start and the interrupt guard would end
# in a traceback instead of status 130 (the window an import inside main() leaves open)
from .._io import interrupt_guard, interrupted
from .._validation import InvalidParameterError
from ._bench import configure_bench, run_bench
from ._common import (EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, EXIT_VIOLATED, PROG, Parser, UsageError,
                      discard_stdout, join_negative_values, print_error, reset_stdout)
from ._counterexamples import (configure_counterexample, configure_counterexamples, run_counterexample,
                               run_counterexamples)
from ._explore import configure_explore, run_explore
from ._listing import configure_functions, configure_theorems, run_functions, run_theorems
from ._pep import configure_pep, run_pep
from ._reproduce import configure_reproduce, run_reproduce
from ._search import configure_search, run_search
from ._simulate import configure_simulate, run_simulate
from ._sweep import configure_sweep, run_sweep
from ._verify import configure_verify, run_verify

__all__ = ["main", "build_parser", "Command", "COMMANDS", "UsageError", "PROG", "EXIT_OK", "EXIT_VIOLATED",
           "EXIT_USAGE", "EXIT_INTERRUPTED"]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable  # configure(parser): add the subcommand's options
    run: Callable  # run(args) -> exit status


COMMANDS = [
    Command("functions", "list the catalog of objectives and their certified constants",
            configure_functions, run_functions),
    Command("simulate", "simulate a SAM-family method on a catalog function",
            configure_simulate, run_simulate),
    Command("verify", "check the theorem registry against simulation (exit 1 if a bound is violated)",
            configure_verify, run_verify),
    Command("theorems", "list the theorem registry", configure_theorems, run_theorems),
    Command("explore", "open the interactive counterexample explorer", configure_explore, run_explore),
    Command("counterexamples", "list the non-convergence constructions", configure_counterexamples,
            run_counterexamples),
    Command("search", "search the instances a theorem admits for its worst case (exit 1 if one violates it)",
            configure_search, run_search),
    Command("counterexample", "check one construction: prediction vs simulation (exit 1 if it fails)",
            configure_counterexample, run_counterexample),
    Command("reproduce", "regenerate the paper figures (PNG, PDF and JSON) of the registered figure scripts",
            configure_reproduce, run_reproduce),
    Command("bench", "measure simulator throughput on the workloads W1-W4 (loop, numpy, JAX backend, hand-written JAX)",
            configure_bench, run_bench),
    Command("pep", "exact worst case of a few steps over a function class (performance estimation; needs the extra 'pep')",
            configure_pep, run_pep),
    Command("sweep", "sweep a method over a grid of (eta, rho) in chunks, in process or on Dask; regime maps",
            configure_sweep, run_sweep),
]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__
    parser = Parser(prog=PROG, description="Verify the convergence theory of Sharpness-Aware Minimization "
                                            "against simulation.",
                     epilog="Exit status: 0 ok, 1 a check was violated, 2 usage error.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for cmd in COMMANDS:
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.configure(p)
        p.set_defaults(_run=cmd.run)
    return parser


def main(argv=None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    reset_stdout()
    argv = list(sys.argv[1:] if argv is None else argv)
    with interrupt_guard():
        try:
            parser = build_parser()
            args = parser.parse_args(join_negative_values(argv))
            args._argv = argv  # the command as given, for reports that print it
            status = int(args._run(args))
        except SystemExit as exc:  # --help and --version
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
        except (UsageError, InvalidParameterError) as exc:
            print_error(exc)
            status = EXIT_USAGE
        except KeyboardInterrupt:
            status = EXIT_INTERRUPTED
        except BrokenPipeError:  # a write to stdout outside print_stdout: the run itself finished
            discard_stdout()
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
            discard_stdout()
        except (OSError, ValueError):
            pass
        return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
