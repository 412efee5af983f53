"""``samtheory sweep``: the options and the run live in :mod:`samtheory.sweep._cli`."""
from __future__ import annotations

from ._common import Parser


def configure_sweep(p):
    from ..sweep._cli import configure
    configure(p, Parser)


def run_sweep(args) -> int:
    from ..sweep._cli import run
    return run(args)
