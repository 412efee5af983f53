"""``samtheory pep``: the exact worst case of a few steps over a function class (extra ``pep``)."""
from __future__ import annotations

from ._common import (EXIT_OK, EXIT_VIOLATED, UsageError, check_output_option, dump_json, fmt, print_error,
                      print_stdout, write_file)


def configure_pep(p):
    from ..pep import FUNCTION_CLASSES, INITIAL_CONDITIONS, METHODS, METRICS
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


def run_pep(args) -> int:
    from ..pep import worst_case
    if args.json not in (None, "-"):
        check_output_option(args.json, "--json")
    try:
        result = worst_case(args.method, args.function_class, steps=args.steps, metric=args.metric,
                            initial=args.initial, smoothness=args.smoothness, strong_convexity=args.strong_convexity,
                            eta=args.eta, rho=args.rho, lam=args.lam, mode=args.mode)
    except ImportError as exc:  # the optional extra is missing: say how to install it
        raise UsageError(str(exc)) from None
    from ..pep._instance import simulate_witness
    instance = simulate_witness(result) if result.ok else None
    doc = result.to_dict()
    if instance is not None:
        doc["instance"] = {"is_quadratic": instance["quadratic"].is_quadratic, "reason": instance["quadratic"].reason,
                           "simulated": instance["simulated"], "relative_difference": instance["relative_difference"]}
    if args.json == "-":
        print_stdout(dump_json(doc))
    else:
        if args.json is not None:  # files first: a closed stdout must not cost the file
            write_file(args.json, dump_json(doc) + "\n")
        print_stdout(_pep_text(result, instance))
    if not result.ok:
        print_error(f"the solver did not reach an accurate optimum (status {result.status})")
        return EXIT_VIOLATED
    return EXIT_OK


def _pep_text(result, instance) -> str:
    s = result.spec
    params = f"L={fmt(s['smoothness'], 6)}, mu={fmt(s['strong_convexity'], 6)}, eta={fmt(s['eta'], 6)}, " \
             f"rho={fmt(s['rho'], 6)}" + ("" if s["lam"] is None else f", lam={fmt(s['lam'], 6)}")
    kind = "exact worst case" if result.exact else "upper bound (relaxation)"
    lines = [f"{s['method']} on {s['function_class']}, {s['steps']} step(s), {params}",
             f"{s['metric']} from {s['initial']} <= 1: {fmt(result.value, 10)}  ({kind}; {result.formulation})",
             f"solver {result.solver}: {result.status}, {result.solves} SDP(s), {result.seconds:.2f} s"]
    if result.norms is not None:
        lines.append("worst gradient norms ||grad f(x_k)||: " + ", ".join(fmt(c, 6) for c in result.norms)
                     + f"; unit-vector relaxation {fmt(result.upper_bound, 10)}")
    if instance is not None:
        q = instance["quadratic"]
        if q.is_quadratic:
            lines.append(f"witness: {q.reason}; simulated {fmt(instance['simulated'], 10)} "
                         f"(relative difference {instance['relative_difference']:.1e})")
        else:
            lines.append(f"witness: {q.reason}; its points are in --json")
    lines.extend(f"note: {n}" for n in result.notes)
    return "\n".join(lines)
