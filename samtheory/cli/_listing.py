"""``samtheory functions`` and ``samtheory theorems``: the catalog and the theorem registry as tables or JSON."""
from __future__ import annotations

from ._common import EXIT_OK, dump_json, fmt, print_stdout, table


def configure_functions(p):
    p.add_argument("--json", action="store_true", help="print a JSON list of the function summaries")


def run_functions(args) -> int:
    from ..functions import CATALOG, get_function
    summaries = [get_function(name).summary() for name in CATALOG]
    if args.json:
        print_stdout(dump_json(summaries))
        return EXIT_OK

    def const(s, key):
        c = s["constants"].get(key)
        if c is None:
            return "-"
        return fmt(c["value"]) + ("" if c["tight"] else "*")

    rows = [[s["name"], s["dim"], ",".join(s["tags"]), const(s, "smoothness"), const(s, "strong_convexity"),
             const(s, "pl"), const(s, "lipschitz"), fmt(s["f_star"])] for s in summaries]
    print_stdout(table(["name", "d", "tags", "beta", "mu", "PL", "L", "f*"], rows))
    print_stdout("\nbeta: smoothness, mu: strong convexity (absent: nonconvex), PL: Polyak-Lojasiewicz constant, "
          "L: Lipschitz constant of f.\n-: not claimed; *: a valid bound, not claimed tight. "
          "Details: samtheory functions --json.")
    return EXIT_OK


def configure_theorems(p):
    p.add_argument("--json", action="store_true", help="print the registry as JSON")


def run_theorems(args) -> int:
    from ..theorems import THEOREMS
    entries = [t.describe() for t in THEOREMS.values()]
    if args.json:
        print_stdout(dump_json(entries))
        return EXIT_OK
    print_stdout(table(["id", "kind", "provenance", "check", "class", "result"],
                 [[e["id"], e["kind"], e["provenance"], e["check"], ",".join(e["function_class"]),
                   e["result"][:60]] for e in entries]))
    print_stdout()
    print_stdout(f"{len(entries)} theorems; `samtheory verify ID --function NAME ...` checks one on an instance")
    return EXIT_OK
