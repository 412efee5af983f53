r"""One small SVG figure per check: the measure against its bound over t, on log axes.

The curves come from the verdict (``Verdict.curves``, thinned geometrically in t when the check
ran), so nothing is simulated again. Drawn: the measure (with its Monte-Carlo interval for
stochastic runs), the bound, floor or prediction, each term of a bound written as several
(:class:`~samtheory.theorems.Terms`: the decaying Δ terms and the ρ² and noise terms), a rate's
additive term or an asymptotic check's target as a horizontal line, the step from which a floor or
an exact prediction is checked, and the reported worst point.

The x axis is logarithmic (t = 0 is left out). The y axis is logarithmic when every value drawn is
nonnegative and they span a decade or more (its floor at most 10 decades below the top value, zeros
drawn on the floor); with both signs (measures that are differences, bounds
equal to 0) it is ``symlog``: linear near 0, logarithmic beyond, so that signs stay visible; values
within one decade get a linear axis.
"""
from __future__ import annotations

import base64
import io
import re

import numpy as np

_TERM_COLOURS = ("#6a3d9a", "#33a02c", "#b15928", "#1f78b4", "#e31a1c")


def _finite(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def curve_svg(curves, *, salt="samtheory", width=5.6, height=2.7) -> str:
    """The figure of one verdict's ``curves`` as SVG text (module docstring). ``salt`` makes the
    SVG's internal ids unique when several figures share a page."""
    import matplotlib
    from matplotlib.figure import Figure

    x = _finite(curves["x"])
    keep = x > 0
    with matplotlib.rc_context({"svg.fonttype": "none", "axes.formatter.use_mathtext": False,
                                "svg.hashsalt": salt, "font.size": 8, "font.family": "sans-serif",
                                # one family name, not matplotlib's list of ten, in every text's style
                                "font.sans-serif": ["DejaVu Sans"]}):
        fig = Figure(figsize=(width, height))
        ax = fig.add_subplot()
        drawn = []

        def line(values, **style):
            y = _finite(values)[keep]
            ax.plot(x[keep], y, **style)
            drawn.append(y)

        if curves.get("lower") is not None:
            lower, upper = _finite(curves["lower"])[keep], _finite(curves["upper"])[keep]
            ax.fill_between(x[keep], lower, upper, color="#1f77b4", alpha=0.18, linewidth=0,
                            label="measure ± 5 standard errors")
            drawn += [lower, upper]
        line(curves["measure"], color="#1f77b4", linewidth=1.6, label="measure")
        if curves.get("bound") is not None:
            line(curves["bound"], color="#d62728", linewidth=1.3, linestyle="--", label=curves.get("bound_label", "bound"))
        for colour, (name, values) in zip(_TERM_COLOURS * 3, (curves.get("terms") or {}).items()):
            values = values if isinstance(values, list) else [values] * len(curves["x"])
            line(values, color=colour, linewidth=1.0, linestyle=":", label=f"term: {name}")
        if curves.get("reference") is not None:
            ref = float(curves["reference"])
            ax.axhline(ref, color="#555555", linewidth=1.0, linestyle="-.", label=curves.get("reference_label", ""))
            drawn.append(np.array([ref]))
        start = curves.get("start") or 0
        if start > 0:
            ax.axvline(start, color="#999999", linewidth=0.8, linestyle=":",
                       label=f"checked from {curves.get('x_label', 't')} = {start:g}")
        marker = curves.get("marker")
        if marker is not None and marker > 0 and marker in curves["x"]:
            k = curves["x"].index(marker)
            y = curves["measure"][k]
            if y is not None:
                ax.plot([marker], [y], marker="o", markersize=5, markerfacecolor="none", markeredgecolor="black",
                        linestyle="none", label=f"reported point ({curves.get('x_label', 't')} = {marker:g})")
        ax.set_xscale("log")
        values = np.concatenate([v[np.isfinite(v)] for v in drawn]) if drawn else np.array([1.0])
        nonzero = np.abs(values[values != 0])
        if nonzero.size and nonzero.max() < 10 * nonzero.min():
            pass  # less than a decade: a linear axis says more than repeated 10^k labels
        elif values.size and np.all(values >= 0):
            # zeros (a measure that reached its minimum exactly) are drawn on the axis's floor; the
            # floor is at most 10 decades below the top, so a measure falling to 1e-130 does not
            # squeeze the bound into a line at the top
            ax.set_yscale("log", nonpositive="clip")
            top = float(np.max(values))
            ax.set_ylim(max(float(np.min(nonzero)), 1e-10 * top) / 2, 2 * top)
        elif nonzero.size:
            # linear within 12 decades of the largest value (smaller ones are rounding residue)
            ax.set_yscale("symlog", linthresh=float(max(np.min(nonzero), 1e-12 * np.max(nonzero))))
        # plain tick labels (0.01, 1e-05): matplotlib's default 10^k labels are mathtext, whose
        # raised exponents come apart in an SVG that keeps its text as text
        from matplotlib.ticker import FuncFormatter, LogFormatter, NullFormatter
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                low, high = sorted(axis.get_view_interval())
                axis.set_major_formatter(LogFormatter(labelOnlyBase=False))
                # labels between the decades only when there is at most about one decade (else they collide)
                axis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.5))
                                         if low > 0 and high / low < 20 else NullFormatter())
            elif axis.get_scale() == "symlog":  # signed labels on the decades only
                axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                axis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(curves.get("x_label", "t"))
        ax.grid(True, which="major", linewidth=0.4, color="#dddddd")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, borderaxespad=0)
        fig.subplots_adjust(left=0.11, right=0.62, bottom=0.17, top=0.96)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _compact(buffer.getvalue())


_COORDINATES = re.compile(r'( (?:d|x|y|x1|x2|y1|y2|width|height)=")([^"]*)(")')
_DECIMALS = re.compile(r"(\d+\.\d)\d+")


def _compact(svg: str) -> str:
    """The SVG with geometry rounded to 0.1 pt (a tenth of a point is below a screen pixel), the
    RDF metadata and the indentation left out, so that a page of a hundred figures stays small.
    Only geometry attributes and the space between elements are touched; text is left as it is."""
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = _COORDINATES.sub(lambda m: m.group(1) + " ".join(_DECIMALS.sub(r"\1", m.group(2)).split())
                           + m.group(3), svg)
    return re.sub(r">\s+<", "><", svg)  # indentation between elements


def data_uri(svg: str) -> str:
    """``svg`` as a ``data:`` URI for an ``<img>`` (inline in the page, no file, no network)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
