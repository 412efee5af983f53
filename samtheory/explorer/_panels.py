r"""The explorer's two plots: f with the iterates (left), the measure against t (right).

:class:`Panels` owns the two axes and their artists and draws what an
:class:`~samtheory.explorer._state.ExplorerState` computes; the artists are created once and
updated in place at every move.

* left, 1-D: f and SAM's virtual loss :math:`J_f` on a grid, the iterates of the first chain,
  the predicted limit points; 2-D: the contours of :math:`\log_{10}(f - f^* + 10^{-4})`, the
  hyperbola :math:`xy = 1` for the valley, the trajectory. The window is rounded outward to a
  coarse grid (:func:`snap_window`) so that small moves keep the cached curves and contours.
* right: the measure on log axes, the predicted floor, the tail shaded, the bound curves of the
  theorem checks, and a legend in headroom kept free above the data.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import math

import numpy as np

from ._readout import MEASURE_LABEL, measure_label
from ._text import int_label, power_label

if TYPE_CHECKING:  # names used in annotations only
    from ._state import ExplorerState

#: colours and dash patterns of the bound curves, in the order the entries are first drawn
BOUND_COLORS = ("#009E73", "#CC79A7", "#56B4E9", "#8C6D31", "#7F7F7F", "#E69F00")
BOUND_DASHES = ((5, 1.5, 1, 1.5), (1.5, 2.5), (7, 3), (3, 1, 1, 1, 1, 1))
#: cached f/J_f grids kept at most
_CACHE_SIZE = 64


def snap_window(lo: float, hi: float, minimum_span: float) -> tuple[float, float]:
    """Round a window outward to a coarse grid (a quarter of the span's decade), so that small moves
    keep the cached curves."""
    centre, span = 0.5 * (lo + hi), max(hi - lo, minimum_span)
    lo, hi = centre - 0.5 * span, centre + 0.5 * span
    step = 10.0 ** math.floor(math.log10(span)) / 4
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


class Panels:
    """The left and right axes of the explorer figure and their artists.

    Attributes
    ----------
    ax_f, ax_t : Axes
        Left (f) and right (measure against t).
    lines : dict of name -> Line2D
    bound_lines : dict of theorem id -> Line2D
    tail_span : the shaded tail of the right panel
    """

    def __init__(self, figure: Any, model: ExplorerState):
        self.model = model
        self.ax_f = figure.add_axes([0.09, 0.455, 0.375, 0.415])  # room for tick labels like -0.00050
        self.ax_t = figure.add_axes([0.57, 0.455, 0.41, 0.415])
        for ax in (self.ax_f, self.ax_t):
            ax.tick_params(labelsize=10)
            ax.xaxis.label.set_fontsize(11.5)
            ax.yaxis.label.set_fontsize(11.5)
        self.lines: dict[str, Any] = {}
        self.bound_lines: dict[str, Any] = {}
        self._legend_keys: dict[Any, tuple] = {}
        self._contour: Any = None
        self._curves: dict[tuple, Any] = {}
        self._build_left()
        self._build_right()

    def _build_left(self):
        ax_f, L = self.ax_f, self.lines
        if self.model.dim == 1:
            L["f"], = ax_f.plot([], [], color="black", lw=1.6, label="f")
            L["J"], = ax_f.plot([], [], color="#D55E00", lw=1.4, ls="--", label="virtual loss J_f of SAM")
            L["path"], = ax_f.plot([], [], color="#E6A100", lw=0.9, marker="o", ms=3.2, alpha=0.9,
                                   label="iterates (■ start, ○ last)")
            ax_f.set_xlabel("x")
            ax_f.set_ylabel("f(x)")
        else:
            L["valley"], = ax_f.plot([], [], color="black", lw=1.0, ls="--", label="xy = 1 (minimizers)")
            L["path"], = ax_f.plot([], [], color="#D55E00", lw=1.2, marker="o", ms=2.0,
                                   label="trajectory (■ start, ○ last)")
            ax_f.set_xlabel("x")
            ax_f.set_ylabel("y")
        L["start"], = ax_f.plot([], [], ls="none", marker="s", ms=7, color="#0072B2", label="start x₀")
        L["end"], = ax_f.plot([], [], ls="none", marker="o", ms=7, mfc="none", mew=1.8, color="#0072B2",
                              label="last iterate")
        L["predicted_points"], = ax_f.plot([], [], ls="none", marker="x", ms=9, mew=2.2, color="#B00020",
                                           label="predicted limit")

    def _build_right(self):
        from matplotlib import ticker
        ax_t, L = self.ax_t, self.lines
        L["measure"], = ax_t.plot([], [], color="#0072B2", lw=1.5, label="")
        L["average"], = ax_t.plot([], [], color="#0072B2", lw=1.2, ls=":", label="running average", visible=False)
        L["floor"], = ax_t.plot([], [], color="#D55E00", lw=1.6, ls="--", label="predicted floor")
        L["floor2"], = ax_t.plot([], [], color="#D55E00", lw=1.2, ls=":", label="", visible=False)
        self.tail_span = ax_t.axvspan(1, 2, color="0.5", alpha=0.12, lw=0)
        ax_t.set_xscale("log")
        ax_t.set_yscale("log")
        # plain-text decade labels (10⁻³, not mathtext) and no minor labels: text is most of a redraw
        ax_t.xaxis.set_major_formatter(ticker.FuncFormatter(int_label))
        ax_t.yaxis.set_major_formatter(ticker.FuncFormatter(power_label))
        for axis in (ax_t.xaxis, ax_t.yaxis):
            axis.set_minor_locator(ticker.NullLocator())
        ax_t.yaxis.set_major_locator(ticker.LogLocator(numticks=7))
        for axis in (self.ax_f.xaxis, self.ax_f.yaxis):
            axis.set_major_locator(ticker.MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
        ax_t.set_xlim(1, 10)
        ax_t.set_ylim(1e-3, 1)
        ax_t.set_xlabel("t + 1")
        ax_t.grid(alpha=0.3, which="major")

    # ------------------------------------------------------------------------------------------
    def draw_run(self) -> None:
        """Show the model's run: every artist visible, data and windows updated."""
        for line in self.lines.values():
            line.set_visible(True)
        if self.model.dim == 1:
            self._draw_left_1d()
        else:
            self._draw_left_2d()
        self._legend(self.ax_f, [k for k in ("f", "J", "valley", "path", "predicted_points")
                                 if k in self.lines and self.lines[k].get_visible() and len(self.lines[k].get_xdata())],
                     loc="lower left", bbox_to_anchor=(0.0, 1.005), ncol=2, frameon=False,
                     borderaxespad=0.2, columnspacing=1.2)
        self._draw_right()

    def hide(self) -> None:
        """No run to show: every data artist and legend hidden."""
        for line in self.lines.values():
            line.set_visible(False)
        for line in self.bound_lines.values():
            line.set_visible(False)
        for ax in (self.ax_f, self.ax_t):
            if ax.get_legend() is not None:
                ax.get_legend().set_visible(False)

    def _first_path(self):
        """The first chain's iterates, finite ones only."""
        path = self.model.result.x_history[:, 0, :]
        return path[np.all(np.isfinite(path), axis=1)]

    def _draw_left_1d(self):
        model, L = self.model, self.lines
        f, rho = model.objective(), model.state["rho"]
        xs = self._first_path()[:, 0]
        fx = f.value(xs[:, None])
        lo, hi = float(xs.min()), float(xs.max())
        points = model.predicted_points(lo - 0.5 * (hi - lo) - rho, hi + 0.5 * (hi - lo) + rho)
        if points and abs(max(points) - min(points)) < 20 * max(hi - lo, rho, 1e-3):
            lo, hi = min(lo, min(points)), max(hi, max(points))
        pad = max(0.15 * (hi - lo), 0.75 * rho, 1e-3)
        lo, hi = snap_window(lo - pad, hi + pad, 3 * rho or 0.5)
        grid, fg, J = self._curves_1d(f, lo, hi)
        L["f"].set_data(grid, fg)
        L["J"].set_data((grid, J) if J is not None else ([], []))
        L["J"].set_visible(J is not None)
        L["path"].set_data(xs, fx)
        L["start"].set_data(xs[:1], fx[:1])
        L["end"].set_data(xs[-1:], fx[-1:])
        pts = np.array([p for p in model.predicted_points(lo, hi)])
        L["predicted_points"].set_data(pts, f.value(pts[:, None]) if pts.size else [])
        L["predicted_points"].set_visible(bool(pts.size))
        self.ax_f.set_xlim(lo, hi)
        ys = [fg] + ([J] if J is not None else [])
        ymin = min(float(np.nanmin(y)) for y in ys)
        ymax = max(float(np.nanmax(y)) for y in ys)
        margin = 0.06 * (ymax - ymin or 1.0)
        self.ax_f.set_ylim(ymin - margin, ymax + margin)

    def _draw_left_2d(self):
        L = self.lines
        path = self._first_path()
        pts = self.model.predicted_points()
        allp = np.vstack([path] + ([np.array(pts)] if pts else []))
        lo, hi = allp.min(axis=0), allp.max(axis=0)
        pad = np.maximum(0.25 * (hi - lo), 0.3)
        wx = snap_window(lo[0] - pad[0], hi[0] + pad[0], 0.5)
        wy = snap_window(lo[1] - pad[1], hi[1] + pad[1], 0.5)
        self._contours_2d(self.model.objective(), wx, wy)
        L["path"].set_data(path[:, 0], path[:, 1])
        L["start"].set_data(path[:1, 0], path[:1, 1])
        L["end"].set_data(path[-1:, 0], path[-1:, 1])
        if pts:
            L["predicted_points"].set_data([p[0] for p in pts], [p[1] for p in pts])
        L["predicted_points"].set_visible(bool(pts))
        self.ax_f.set_xlim(*wx)
        self.ax_f.set_ylim(*wy)

    def _curves_1d(self, f, lo, hi):
        """f and J_f on a grid over [lo, hi], cached (they only change with the window, rho and sigma)."""
        model = self.model
        s = model.state
        sam = s["method"] == "sam" and s["rho"] > 0
        mode = "same_sample" if s["same_sample"] else "independent_samples"
        oracle = model.oracle(f) if model.stochastic else None
        noise = (oracle.kind, oracle.sigma) if oracle is not None else None
        # keyed by id(f): the entry keeps f alive, so that the id cannot be reused by another objective
        key = (id(f), lo, hi, s["rho"] if sam else None, noise if sam else None, mode if sam and noise else None)
        if key not in self._curves:
            grid = np.linspace(lo, hi, 241)
            fg = f.value(grid[:, None])
            J = None
            if sam:
                from .. import virtual_loss as vl
                extra = {} if noise is None or noise[1] == 0 else {"noise": noise[0], "sigma": noise[1], "mode": mode}
                J = vl.virtual_loss(f, grid, s["rho"], **extra)
            if len(self._curves) > _CACHE_SIZE:
                self._curves.clear()
            self._curves[key] = (f, grid, fg, J)
        return self._curves[key][1:]

    def _contours_2d(self, f, wx, wy):
        from ..functions.hyperbola_valley import HyperbolaValley
        key = (id(f), wx, wy)
        if self._contour is not None and self._contour[0] == key:
            return
        if self._contour is not None:
            self._contour[1].remove()
        gx, gy = np.meshgrid(np.linspace(*wx, 160), np.linspace(*wy, 160))
        Z = f.value(np.stack([gx, gy], axis=-1)) - f.f_star
        cs = self.ax_f.contourf(gx, gy, np.log10(np.maximum(Z, 0) + 1e-4), levels=18, cmap="Greys", alpha=0.55,
                                zorder=0)
        self._contour = (key, cs, f)  # f kept alive with its key (see _curves_1d)
        if isinstance(f, HyperbolaValley):
            xx = np.linspace(max(wx[0], 1.0 / wy[1], 1e-3), wx[1], 300)
            self.lines["valley"].set_data(xx, 1.0 / xx)
        else:
            self.lines["valley"].set_data([], [])

    def _draw_right(self):
        model, L, ax = self.model, self.lines, self.ax_t
        r = model.result
        curve = model.curve()
        t1 = r.t + 1.0
        shown = np.where(curve > 0, curve, np.nan)
        label = measure_label(model)
        if model.stochastic:
            label += f" (mean of {model.chains} chains)"
        L["measure"].set_data(t1, shown)
        L["measure"].set_label(label)
        L["average"].set_visible(False)
        floor, floor_label, second = model.predicted_floor()
        sam = model.state["method"] == "sam"
        if floor is not None:
            L["floor"].set_data([1, t1[-1]], [floor, floor])
            L["floor"].set_label(floor_label + ("" if sam else " (for SAM)"))
            L["floor"].set_alpha(1.0 if sam else 0.45)
        L["floor"].set_visible(floor is not None and floor > 0)
        if second is not None and second[0] > 0:
            L["floor2"].set_data([1, t1[-1]], [second[0], second[0]])
            L["floor2"].set_label(second[1])
            L["floor2"].set_alpha(1.0 if sam else 0.45)
        L["floor2"].set_visible(second is not None and second[0] > 0)
        for line in self.bound_lines.values():
            line.set_visible(False)
        steps = int(r.steps)
        tail_start = model.tail_start()
        self.tail_span.set_bounds(tail_start + 1, 0, steps - tail_start, 1)
        ax.set_xlim(1, t1[-1] * 1.05)
        ax.set_ylabel(label.split(" (")[0])
        self._rescale_right()
        self._legend_right()

    def draw_bounds(self, curves: list[tuple[str, np.ndarray, bool]]) -> None:
        """Draw the bound curves ``(theorem id, values per t, averaged)`` of the theorem checks (and the
        running average of the measure when a bound is on it), hiding those of the previous checks."""
        model = self.model
        for line in self.bound_lines.values():
            line.set_visible(False)
        t = model.shown_run().t
        drawn_average = False
        for theorem_id, values, averaged in curves:
            line = self.bound_lines.get(theorem_id)
            if line is None:
                color = BOUND_COLORS[len(self.bound_lines) % len(BOUND_COLORS)]
                dashes = BOUND_DASHES[len(self.bound_lines) % len(BOUND_DASHES)]
                line, = self.ax_t.plot([], [], color=color, lw=1.5, ls=(0, dashes))
                self.bound_lines[theorem_id] = line
            drawn_average |= averaged
            line.set_data(t + 1.0, np.where(values > 0, values, np.nan))
            line.set_label(f"bound {theorem_id}" + (" (on the average)" if averaged else ""))
            line.set_visible(True)
        if drawn_average:
            avg = model.running_average()
            self.lines["average"].set_data(t + 1.0, np.where(avg > 0, avg, np.nan))
            self.lines["average"].set_label(f"running average (1/T)∑_(t<T) {MEASURE_LABEL[model.measure_kind()]}")
            self.lines["average"].set_visible(True)
        self._rescale_right()
        self._legend_right()

    def _rescale_right(self):
        """Log y-limits from the data and the prediction; bound curves widen them by at most three
        decades (enough to show where a bound sits without flattening the data)."""
        values = [self.lines["measure"].get_ydata()]
        for key in ("floor", "floor2", "average"):
            if self.lines[key].get_visible():
                values.append(self.lines[key].get_ydata())
        ys = np.concatenate([np.asarray(v, float).ravel() for v in values])
        ys = ys[np.isfinite(ys) & (ys > 0)]
        if ys.size == 0:
            self.ax_t.set_ylim(1e-3, 1)
            return
        top, bottom = ys.max() * 3, ys.min() / 3
        for line in self.bound_lines.values():
            if not line.get_visible():
                continue
            b = np.asarray(line.get_ydata(), float)
            b = b[np.isfinite(b) & (b > 0)]
            if b.size:
                top = max(top, min(b.min() * 3, top * 1e3))
                bottom = min(bottom, max(b.max() / 3, bottom * 1e-3))
        bottom = max(bottom, top * 1e-18)
        # headroom for the legend (upper right), so that it never covers a curve: each entry takes
        # about 6 % of the axes' height
        entries = sum(self.lines[k].get_visible() for k in ("measure", "average", "floor", "floor2"))
        entries += sum(line.get_visible() for line in self.bound_lines.values())
        free = min(0.6, 0.06 * entries + 0.05)
        low, high = math.log10(bottom), math.log10(top)
        high = low + (high - low) / (1.0 - free)
        # whole decades: at least two labelled ticks, and limits that stay put during a drag
        self.ax_t.set_ylim(10.0 ** math.floor(low), 10.0 ** math.ceil(high))

    def _legend_right(self):
        keys = [k for k in ("measure", "average", "floor", "floor2") if self.lines[k].get_visible()]
        keys += [f"bound:{tid}" for tid, line in self.bound_lines.items() if line.get_visible()]
        self._legend(self.ax_t, keys, loc="upper right")  # in the headroom _rescale_right leaves

    def _legend(self, ax, keys, loc, **kwargs):
        artists = [self.lines[k] if not k.startswith("bound:") else self.bound_lines[k[6:]] for k in keys]
        signature = tuple((k, a.get_label(), a.get_alpha()) for k, a in zip(keys, artists))
        if self._legend_keys.get(ax) == signature and ax.get_legend() is not None:
            ax.get_legend().set_visible(True)
            return
        self._legend_keys[ax] = signature
        ax.legend(artists, [a.get_label() for a in artists], loc=loc, fontsize=9.5, framealpha=0.85, **kwargs)
