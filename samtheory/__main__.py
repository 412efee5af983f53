"""``python -m samtheory``: the command line (see :mod:`samtheory.cli`)."""
from .cli import main

raise SystemExit(main())
