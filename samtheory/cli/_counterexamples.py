"""``samtheory counterexamples`` and ``samtheory counterexample NAME``: the non-convergence
constructions, listed or checked (prediction against simulation)."""
from __future__ import annotations

from ._common import EXIT_OK, EXIT_VIOLATED, FINITE, UsageError, dump_json, print_stdout, table


def configure_counterexamples(p):
    p.add_argument("--json", action="store_true", help="print the constructions as JSON")


def run_counterexamples(args) -> int:
    from ..counterexamples import COUNTEREXAMPLES
    entries = [ce.describe() for ce in COUNTEREXAMPLES.values()]
    if args.json:
        print_stdout(dump_json(entries))
        return EXIT_OK
    print_stdout(table(["name", "setting", "poster row", "title"],
                 [[e["name"], e["setting"], e["poster_row"] or "-", e["title"][:70]] for e in entries]))
    return EXIT_OK


def configure_counterexample(p):
    p.add_argument("name", help="a construction from `samtheory counterexamples`")
    p.add_argument("--set", metavar="KEY=VALUE", action="append", default=[],
                   help="override a parameter, e.g. --set rho=0.05 --set eta=0.1 (ranges are checked)")
    p.add_argument("--rho", type=FINITE, default=None, help="shortcut for --set rho=VALUE")
    p.add_argument("--eta", type=FINITE, default=None, help="shortcut for --set eta=VALUE")
    p.add_argument("--json", action="store_true", help="print the check report as JSON")


def run_counterexample(args) -> int:
    from ..counterexamples import get_counterexample
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
    print_stdout(dump_json(report.to_dict()) if args.json else report.format())
    return EXIT_OK if report.ok else EXIT_VIOLATED
