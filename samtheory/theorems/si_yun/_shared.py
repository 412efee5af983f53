"""What every Si & Yun entry shares: the paper, the proof files, default starts and horizons,
and the rule that a hyperparameter be a constant number."""
from __future__ import annotations

import math

import numpy as np


PAPER = "si-yun-2023"
POSTER = "Si & Yun, NeurIPS 2023 poster, row "
DERIVED_PROOF = "docs/proofs/si-yun-derived.md"
LOWER_PROOF = "docs/proofs/si-yun-lower-bounds.md"

X3 = np.array([1.0, -2.0, 1.5])  # a start for the 3-D catalog entries
HORIZONS = (100, 200, 400, 800, 1600, 3200)
HORIZONS_P1 = (400, 800, 1600, 3200, 6400, 12800)  # on the decreasing step branch for beta/mu = 10


def _const(ctx, name):
    """A hyperparameter that must be a constant number for this entry."""
    v = getattr(ctx.instance, name)
    if v is None or not isinstance(v, (int, float, np.floating)):
        ctx.unmet.append(f"{name} must be a constant number for this entry")
        return math.nan
    return float(v)
