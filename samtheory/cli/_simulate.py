"""``samtheory simulate``: one method on one catalog function, summarized."""
from __future__ import annotations

import sys

from ._common import (EXIT_OK, NONNEGATIVE, POSITIVE, UsageError, dump_json, float_list, fmt, integer,
                      lam_type, print_stdout, table)


def configure_simulate(p):
    from ..methods import METHODS
    p.add_argument("--function", required=True, metavar="NAME",
                   help="catalog name (see 'samtheory functions')")
    p.add_argument("--method", required=True, choices=list(METHODS),
                   help="SAM-family method")
    p.add_argument("--lam", type=lam_type, default=None, metavar="L",
                   help="Unified SAM weight in [0, 1], or the schedules '1/t' (SAM -> USAM) and '1-1/t' "
                        "(USAM -> SAM); used by --method unified only (default 1)")
    p.add_argument("--eta", type=POSITIVE, required=True, metavar="E", help="step size (> 0)")
    p.add_argument("--rho", type=NONNEGATIVE, default=0.0, metavar="R", help="perturbation radius (>= 0, default 0)")
    p.add_argument("--steps", type=integer(1), required=True, metavar="T", help="number of steps (>= 1)")
    p.add_argument("--trajectories", type=integer(1), default=1, metavar="B",
                   help="number of trajectories simulated at once (>= 1, default 1)")
    p.add_argument("--noise", choices=["gaussian", "rademacher"], default=None,
                   help="additive gradient noise with E||xi||^2 = sigma^2 (needs --sigma)")
    p.add_argument("--sigma", type=NONNEGATIVE, default=None, metavar="S", help="noise level (>= 0; needs --noise)")
    p.add_argument("--independent-samples", action="store_true",
                   help="stochastic runs: draw the descent sample independently of the ascent sample "
                        "(default: the same sample for both)")
    p.add_argument("--seed", type=integer(0), default=0, metavar="N", help="seed of the random stream (default 0)")
    p.add_argument("--x0", type=float_list, default=None, metavar="X",
                   help="starting point as comma-separated numbers, e.g. --x0 1,-2,0.5 (default: random "
                        "points around the minimizer, from the seed)")
    p.add_argument("--eps", type=NONNEGATIVE, default=0.0, metavar="EPS",
                   help="0: zero perturbation where the gradient is 0 (default); > 0: divide by ||g|| + EPS")
    p.add_argument("--backend", choices=["auto", "numpy", "jax"], default="auto",
                   help="auto (default): JAX for long runs when it is installed, else numpy; see docs/backend.md")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                   help="precision of the loop (default float64; float32 needs JAX and is about 7 digits)")
    p.add_argument("--json", action="store_true", help="print the result summary as JSON")


def run_simulate(args) -> int:
    from ..functions import get_function
    from ..oracles import AdditiveNoise
    from ..simulation import simulate

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
        print_stdout(dump_json(summary))
        return EXIT_OK
    print_stdout(_simulation_text(summary, objective))
    return EXIT_OK


def _simulation_text(s, objective) -> str:
    params = ", ".join(f"{k}={fmt(v, 6)}" for k, v in s["parameters"].items())
    if s["oracle"] is None:
        mode = "deterministic"
    else:
        o = s["oracle"]
        mode = (f"stochastic: {o.get('kind', '')} {o.get('oracle', '')} sigma={fmt(o.get('sigma'), 6)}, "
                + ("same sample for ascent and descent" if s["same_sample"] else "independent samples"))
    lines = [
        f"{s['method']} on {s['function']} (d={objective.dim}, f*={fmt(s['conventions']['f_star'], 6)}): "
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
            rows.append([label] + [fmt(st[k]) for k in ("mean", "median", "min", "max")])
    lines.append("")
    lines.append(table(["measure (over ok trajectories)", "mean", "median", "min", "max"], rows))
    return "\n".join(lines)
