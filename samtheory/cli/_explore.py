"""``samtheory explore``: the interactive counterexample explorer (or a headless ``--save``)."""
from __future__ import annotations

from ._common import EXIT_OK, UsageError, check_output_option, print_stdout


def configure_explore(p):
    p.add_argument("name", nargs="?", default=None, help="a counterexample (default cosine-stall)")
    p.add_argument("--list", action="store_true", help="list the examples that can be explored")
    p.add_argument("--save", metavar="FILE", default=None,
                   help="render headless to FILE and exit; the format follows the extension (png, pdf, svg, ...)")


def run_explore(args) -> int:
    from ..counterexamples import COUNTEREXAMPLES, get_counterexample
    if args.list:
        if args.name is not None or args.save is not None:
            raise UsageError("--list lists the examples; it takes no NAME or --save")
        width = max(map(len, COUNTEREXAMPLES))
        print_stdout("\n".join(f"{name:<{width}}  {ce.title}" for name, ce in COUNTEREXAMPLES.items()))
        return EXIT_OK
    args.name = args.name or "cosine-stall"
    get_counterexample(args.name)  # unknown names are usage errors before any window opens
    import matplotlib
    if args.save:
        check_output_option(args.save, "--save")
        matplotlib.use("Agg")
        from ..explorer import save_format
        save_format(args.save)  # an unknown extension is a usage error before rendering
    from ..explorer import Explorer
    import matplotlib.pyplot as plt
    if not args.save and not _interactive_backend(plt.get_backend()):
        raise UsageError(f"explore: the matplotlib backend {plt.get_backend()!r} cannot open a window (no display?); "
                         "set MPLBACKEND to an interactive one (e.g. TkAgg, QtAgg) or use --save PNG")
    explorer = Explorer(args.name)
    if args.save:
        explorer.save(args.save)
        plt.close(explorer.figure)
        print_stdout(args.save)
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
