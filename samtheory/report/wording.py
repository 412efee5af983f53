r"""How a verdict is explained to a reader: what its ratio and margin mean, and how to re-run it.

The ratio of a verdict is a different quantity for each kind of check (``Theorem.check``, see
:mod:`samtheory.theorems._theorem`), so it is never shown without its kind:

============== ========== ==============================================================================
check          label      ratio
============== ========== ==============================================================================
``every-t``    m/bound    measure / bound at the worst t; ≤ 1 holds, 1 means the bound is reached
``rate``       growth     growth of the scaled excess (m(T) − a)·T^p over the horizons divided by the
                          allowed growth; < 1 holds (measure / certificate when a certificate decided)
``floor``      m/floor    measure / floor at the point closest to it; ≥ 1 holds (times above the floor)
``exact``      m/pred     measure / prediction at the worst t; holds within the stated tolerance of 1
``asymptotic`` (none)     a limit has no ratio: the quantity must fall to a share of its first value
============== ========== ==============================================================================

:func:`instance_options` turns an instance (``Verdict.instance_params``) into the options of
``samtheory verify THEOREM``, when the command line can express it; :func:`rerun_command` gives
the command that re-runs a check either way.
"""
from __future__ import annotations

import math
import shlex

#: check kind -> (short label printed next to the ratio, what the ratio means)
RATIO_MEANING = {
    "every-t": ("m/bound", "measure / bound at the worst t (<= 1 holds; 1: the bound is reached)"),
    "rate": ("growth", "growth of the scaled excess (m(T) - a) T^p over the horizons / allowed growth "
                       "(< 1 holds; measure / certificate when a certificate decided)"),
    "floor": ("m/floor", "measure / floor where the measure comes closest to it (>= 1 holds: times above the floor)"),
    "exact": ("m/pred", "measure / prediction at the worst t (holds within the tolerance of 1)"),
    "asymptotic": ("limit", "no ratio: a limit holds when the quantity fell to the target share of its first value"),
}

#: check kind -> what the margin is (None: the check reports no margin)
MARGIN_MEANING = {
    "every-t": "bound - measure at the worst t (>= 0 holds)",
    "floor": "measure - floor at the closest point (>= 0 holds)",
    "rate": None,
    "exact": None,
    "asymptotic": None,
}


def check_kind(theorem_id) -> str | None:
    """The check kind of a registered theorem (None when the id is not registered)."""
    from ..theorems import THEOREMS
    th = THEOREMS.get(theorem_id)
    return None if th is None else th.check


def ratio_label(theorem_id) -> str:
    return RATIO_MEANING.get(check_kind(theorem_id) or "", ("ratio", ""))[0]


def format_number(value, digits=3) -> str:
    """A number for people: 3 significant digits, '' for None, 'inf' / 'nan' spelled out."""
    if value is None:
        return ""
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


def legend_lines(checks) -> list:
    """One line per check kind present in ``checks`` (an iterable of kinds), saying what the
    ratio means."""
    present = [k for k in RATIO_MEANING if k in set(checks)]
    return [f"{RATIO_MEANING[k][0]:<8} ({k}): {RATIO_MEANING[k][1]}" for k in present]


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _catalog_name(name) -> bool:
    from ..functions import CATALOG
    return isinstance(name, str) and name in CATALOG


def instance_options(params) -> list | None:
    """The options of ``samtheory verify THEOREM`` that build this instance (from
    ``Instance.to_dict()``), as a list of tokens, or ``None`` when the command line cannot express
    it (a schedule or a user's objective, function arguments, finite-sum sampling, or one start
    per trajectory)."""
    if not params or not _catalog_name(params.get("function")) or params.get("function_args") \
            or params.get("sampling"):
        return None
    opts = ["--function", params["function"], "--method", str(params.get("method", "sam"))]
    for key in ("eta", "rho", "lam"):
        value = params.get(key)
        if value is None:
            continue
        if not _number(value):
            return None
        if key == "rho" and value == 0:
            continue
        opts += [f"--{key}", repr(float(value))]
    if params.get("horizons"):
        opts += ["--horizons", ",".join(str(int(T)) for T in params["horizons"])]
    else:
        opts += ["--steps", str(int(params["steps"]))]
    if params.get("noise"):
        opts += ["--noise", params["noise"], "--sigma", repr(float(params["sigma"]))]
        if params.get("same_sample") is False:
            opts.append("--independent-samples")
    trajectories = int(params.get("trajectories", 1))
    if trajectories != (100 if params.get("noise") else 1):
        opts += ["--trajectories", str(trajectories)]
    x0 = params.get("x0")
    if x0 is None:
        return None
    if isinstance(x0[0], list):  # one start per trajectory: the command line gives one for all
        if any(row != x0[0] for row in x0):
            return None
        x0 = x0[0]
    opts.append("--x0=" + ",".join(repr(float(v)) for v in x0))
    opts += ["--seed", str(params.get("seed", 0))]
    return opts


def rerun_command(theorem_id, params=None, *, search_budget_zero=True) -> str:
    """The command that re-runs a check: ``samtheory verify ID --function ...`` when the instance
    can be written as options (:func:`instance_options`), else the registry run of that entry's
    default instances (``--only ID``, which re-runs this one among them)."""
    opts = instance_options(params) if params else None
    if opts is not None:
        return shlex.join(["samtheory", "verify", theorem_id] + opts)
    return shlex.join(["samtheory", "verify", "--only", theorem_id]
                      + (["--search-budget", "0"] if search_budget_zero else []))


def wrap_command(command, width=100, indent="      ") -> list:
    """A shell command split over lines ending in `` \\`` at option boundaries (never inside a
    word), so that it can be pasted back whole."""
    tokens = shlex.split(command)
    parts, i = [], 0
    while i < len(tokens):  # keep an option with its value
        if tokens[i].startswith("--") and "=" not in tokens[i] and i + 1 < len(tokens) \
                and not tokens[i + 1].startswith("--"):
            parts.append(shlex.join(tokens[i:i + 2]))
            i += 2
        else:
            parts.append(shlex.quote(tokens[i]))
            i += 1
    lines, line = [], ""
    for part in parts:
        if line and len(line) + 1 + len(part) > width - len(indent) - 2:
            lines.append(line + " \\")
            line = part
        else:
            line = f"{line} {part}" if line else part
    lines.append(line)
    return [lines[0]] + [indent + ln for ln in lines[1:]]
