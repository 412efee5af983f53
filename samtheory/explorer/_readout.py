"""The explorer's readout as plain text: the state line, observed against predicted, the verdicts.

Matplotlib-free like :mod:`samtheory.explorer._state`: every function takes an
:class:`~samtheory.explorer._state.ExplorerState` (or its verdicts) and returns a string; the figure
only draws it. Lines are wrapped to :data:`READOUT_WIDTH` characters.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import math
import textwrap

from ..methods import get_method

if TYPE_CHECKING:  # names used in annotations only
    from ..theorems import Verdict
    from ._state import ExplorerState

#: characters of a readout line (monospace 9.5 pt in the right 46 % of a 12.5-inch figure)
READOUT_WIDTH = 70
#: verdict lines that fit in the readout
MAX_VERDICT_LINES = 8
#: the plotted measure, by kind
MEASURE_LABEL = {"loss": "f − f*", "gradsq": "‖∇f‖²"}


def wrap_line(line: str, width: int | None = None, indent: int = 16, breaks: str = " ") -> str:
    """``line`` wrapped to the readout's width: continuation lines are indented by ``indent``
    spaces and broken after one of ``breaks`` (a space, or a dot inside a theorem id)."""
    width = READOUT_WIDTH if width is None else width
    if "\n" in line:  # a block: each of its lines on its own (lines that fit are kept as they are)
        return "\n".join(wrap_line(part, width, indent, breaks) for part in line.split("\n"))
    out = []
    while len(line) > width:
        cut = max(line.rfind(b, indent + 1, width) for b in breaks)
        if cut <= indent:
            cut = width - 1
        out.append(line[:cut + 1].rstrip())
        line = " " * indent + line[cut + 1:].lstrip()
    out.append(line)
    return "\n".join(out)


def measure_label(model: ExplorerState) -> str:
    """The plotted measure's name: ``f − f*`` or ``‖∇f‖²``, with ``E`` when stochastic."""
    return ("E " if model.stochastic else "") + MEASURE_LABEL[model.measure_kind()]


def state_line(model: ExplorerState) -> str:
    """The controls in one line, e.g. ``SAM  η=0.1  ρ=0.5  x₀=1  T=60`` (only those that matter)."""
    s = model.state
    name = get_method(model.method_name()).label  # (GD on a stochastic example runs as SGD)
    parts = [name, f"η={s['eta']:.4g}"]
    method = get_method(s["method"])
    if method.perturbation is not None:
        parts.append(f"ρ={s['rho']:.4g}")
    if method.uses_lam:
        parts.append(f"λ={s['lam']:.2f}")
    if model.stochastic:
        parts.append(f"σ={s['sigma']:.4g}")
    parts.append(f"x₀=({s['x0']:.4g}, {s['y0']:.4g})" if model.dim == 2 else f"x₀={s['x0']:.4g}")
    parts.append(f"T={s['steps']}")
    if model.stochastic:
        parts.append(f"{'same sample' if s['same_sample'] else 'independent samples'}, {model.chains} chains")
    return "  ".join(parts)


def invalid_text(model: ExplorerState) -> str:
    """The readout of a state without a run."""
    return state_line(model) + "\n\nno run: the state is outside the valid ranges"


def readout_text(model: ExplorerState, checks_text: str | None = None) -> str:
    """The readout of the run shown: observed floor and settling step against the prediction, then
    ``checks_text`` (by default whether the checks are off or pending)."""
    observed = model.observed_floor()
    floor, floor_label, second = model.predicted_floor()
    lines = [state_line(model), "",
             f"observed floor  {observed:10.4g}   {measure_label(model)}, mean of the last 10 %"]
    within = 0.1 if model.stochastic else 0.01
    settled = model.settling_step(within)
    lines.append(f"settled at t    {settled if settled is not None else 'not yet':>10}   "
                 f"(stays within {within:.0%} of the floor after)")
    if floor is None:
        lines.append("predicted       none: no construction for this function")
    else:
        ratio = f"   observed/predicted {observed / floor:.3g}" if floor > 0 else ""
        lines.append(f"predicted       {floor:10.4g}{ratio}")
        if second is not None:
            lines.append(f"{second[1]:<15} {second[0]:10.4g}")
        drift = model.valley_drift_steps()
        if drift is not None:
            reached = "reached" if model.state["steps"] >= drift else "not reached yet: raise T"
            lines.append(f"                (at the limit (1, 1), after ~{drift:.0f} steps: {reached})")
        if model.state["method"] != "sam":
            lines.append("                (the prediction is about SAM)")
    lines.append("")
    if checks_text is None:
        checks_text = "theorem checks: off" if not model.state["checks"] else "theorem checks: pending..."
    lines.append(checks_text)
    return "\n".join(wrap_line(line) for line in lines)


def verdict_text(verdicts: list[Verdict], not_applicable: list[str]) -> str:
    """The theorem checks' part of the readout: one line per verdict (at most
    :data:`MAX_VERDICT_LINES`, the rest counted), or the most common reason none applies."""
    n_total = len(verdicts) + len(not_applicable)
    if not verdicts:
        common = max(set(not_applicable), key=not_applicable.count) if not_applicable else ""
        return "theorem checks: no registry entry applies\n" + "\n".join(
            textwrap.wrap("e.g. " + common, READOUT_WIDTH, initial_indent="  ", subsequent_indent="  "))
    from ..theorems import THEOREMS
    lines = [f"theorem checks: {len(verdicts)} of {n_total} entries apply (verdict, measure/bound)"]
    shown = verdicts if len(verdicts) <= MAX_VERDICT_LINES else verdicts[:MAX_VERDICT_LINES - 1]
    below_zero = []
    for v in shown:
        ratio = f"{v.ratio:.2g}" if v.ratio is not None and math.isfinite(v.ratio) else ""
        if v.ratio is not None and v.ratio < 0 and THEOREMS[v.theorem].kind == "upper":
            # a negative measure under a positive upper bound: the ratio's size means nothing
            # (D4 on a 2-cycle: ||grad f|| - ||x_{t+1} - x_t||/eta is exactly -beta rho)
            ratio = "<0 *"
            below_zero.append(v)
        lines.append(wrap_line(f" {v.verdict:<12}{ratio:>6}  {v.theorem}", indent=21, breaks="."))
    if len(shown) < len(verdicts):
        rest = verdicts[len(shown):]
        counts = ", ".join(f"{n} {k}" for k, n in sorted(
            {k: sum(v.verdict == k for v in rest) for k in {v.verdict for v in rest}}.items()))
        lines.append(f" ... and {len(rest)} more ({counts}; Explorer.verdicts has all)")
    for v in below_zero[:1]:
        lines.append(wrap_line(f" * the measure {THEOREMS[v.theorem].measure_name} is below 0 here: "
                               "the bound holds with room to spare", indent=3))
    return "\n".join(lines)
