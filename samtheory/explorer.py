r"""Interactive counterexample explorer: move ρ, η, σ, x₀, T and the method, and watch where SAM goes.

``samtheory explore NAME`` opens it in a window (any interactive matplotlib backend);
:func:`samtheory.explore` opens the same figure from a script or a notebook (``%matplotlib widget``)
and returns the :class:`Explorer`, whose ``figure`` can be saved or embedded.

The figure
----------
* **left**: f with its virtual loss :math:`J_f` (SAM; from :mod:`samtheory.virtual_loss`) and the
  iterates of the first chain on top, with the construction's predicted limit points marked (1-D);
  or the contours of f with the trajectory (2-D; the hyperbola :math:`xy=1` for the valley);
* **right**: :math:`f-f^*` or :math:`\|\nabla f\|^2` (the construction's measure; the mean over the
  chains of stochastic runs) against t on log axes, with the predicted floor
  (:meth:`Counterexample.predict <samtheory.counterexamples.Counterexample.predict>`) and the bound
  curves of the applicable theorem-registry entries whose measure is the plotted one (or its running
  average); the last 10 % of the steps, over which the observed floor is averaged, is shaded;
* **controls**: sliders for ρ, η, σ (stochastic examples), x₀ (and y₀ in 2-D), T and the Unified
  SAM λ; a method selector (GD, SAM, USAM, Unified SAM); a same-sample / independent-samples
  selector (stochastic examples); a reset button; a switch for the theorem checks;
* **readout**: the observed floor against the predicted one, and each applicable theorem's verdict
  on the run shown (:func:`samtheory.theorems.check` with that very simulation).

Slider ranges come from each construction's valid ranges (``valid_ranges()``); infinite ends are
replaced by a multiple of the default. A state outside the valid ranges (they can depend on the other
parameters) shows the construction's message in the figure instead of raising.

Speed: a slider move re-runs one :func:`~samtheory.simulate` (cached pieces: the curves of f and
:math:`J_f`, and the contours, which only change with the window or ρ, σ) and updates the artists in
place. Text is most of a matplotlib 3.11 redraw, so the figure's strings are drawn from cached
bitmaps (:class:`_TextCache`, :class:`_RasterText`). The theorem checks run afterwards, once the
controls have been still for 250 ms (a single-shot timer on interactive backends; at once on
non-interactive ones such as Agg). ``benchmarks/bench_explorer.py`` measures all three.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING, cast

import math
import os
import textwrap

import numpy as np

from ._validation import InvalidParameterError
from .counterexamples import COUNTEREXAMPLES, get_counterexample
from .functions import Objective
from .simulate import simulate

if TYPE_CHECKING:  # names used in annotations only
    from .counterexamples import Counterexample
    from .oracles import Oracle
    from .simulate import SimulationResult
    from .theorems._core import Instance, Verdict

__all__ = ["Explorer", "explore", "names", "METHOD_LABELS", "PRESETS"]

#: radio label -> simulate() method name (GD becomes SGD when the example is stochastic)
METHOD_LABELS = {"GD": "gd", "SAM": "sam", "USAM": "usam", "Unified SAM": "unified"}
SAMPLING_LABELS = ("same sample", "independent samples")
#: chains simulated for stochastic examples (the right panel shows their mean)
CHAINS = 16
#: the run every update simulates: the same seed every time, every step recorded
SEED = 0

#: per-example starting state of the explorer (what the construction's parameters do not say):
#: the start, the horizon and the slider range of x0. Kept short so that an update stays fast.
PRESETS = {
    "quadratic-cycle": {"x0": 1.0, "steps": 60, "x0_range": (-2.0, 2.0)},
    "cosine-stall": {"x0": 0.062, "steps": 60, "x0_range": (-0.25, 0.25)},
    "hallucinated-minimizer": {"x0": 1.0, "steps": 60, "x0_range": (-math.pi, math.pi)},
    # starts at f = 0.005, 11 times the floor: the chains cross the minimizer, dip below the floor
    # and climb back onto it on the flat side (time scale 1/(eta mu) = 1000 steps)
    "asymmetric-noise": {"x0": 0.1, "steps": 3000, "x0_range": (-0.3, 0.3)},
    "cosine-noise": {"x0": 0.05, "steps": 150, "x0_range": (-0.25, 0.25)},
    # the drift from (2, 0.25) to (1, 1) takes about 1.1/(eta rho^2) steps: 550 at eta = 0.05,
    # rho = 0.2 (5500 at the construction's eta = 0.02, rho = 0.1, too slow for a slider)
    "valley": {"eta": 0.05, "rho": 0.2, "steps": 1000, "steps_max": 30000},
}

#: characters of a readout line (monospace 9.5 pt in the right 46 % of a 12.5-inch figure)
READOUT_WIDTH = 70

#: verdict lines that fit in the readout
MAX_VERDICT_LINES = 8
#: registry measures drawn against the plotted quantity: pointwise ones on the curve itself,
#: running averages against the running average of the curve
_POINTWISE = {"loss": {"f(x_t) - f*", "E f(x_t) - f*", "f(x_n) - f*"}, "gradsq": set()}
_AVERAGED = {"loss": set(), "gradsq": {"(1/T) sum_{t<T} ||grad f(x_t)||^2", "(1/T) sum_{t<T} E||grad f(x_t)||^2"}}
_MEASURE_LABEL = {"loss": "f − f*", "gradsq": "‖∇f‖²"}
_BOUND_COLORS = ("#009E73", "#CC79A7", "#56B4E9", "#8C6D31", "#7F7F7F", "#E69F00")
_BOUND_DASHES = ((5, 1.5, 1, 1.5), (1.5, 2.5), (7, 3), (3, 1, 1, 1, 1, 1))
_CONTROLS = ("method", "eta", "rho", "sigma", "x0", "y0", "steps", "lam", "same_sample", "checks")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_label(value, position=None):
    """10ⁿ for a decade (plain text), '' otherwise."""
    if value <= 0:
        return ""
    exponent = math.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def _wrap_line(line, width=None, indent=16, breaks=" "):
    """``line`` wrapped to the readout's width: continuation lines are indented by ``indent``
    spaces and broken after one of ``breaks`` (a space, or a dot inside a theorem id)."""
    width = READOUT_WIDTH if width is None else width
    if "\n" in line:  # a block: each of its lines on its own (lines that fit are kept as they are)
        return "\n".join(_wrap_line(part, width, indent, breaks) for part in line.split("\n"))
    out = []
    while len(line) > width:
        cut = max(line.rfind(b, indent + 1, width) for b in breaks)
        if cut <= indent:
            cut = width - 1
        out.append(line[:cut + 1].rstrip())
        line = " " * indent + line[cut + 1:].lstrip()
    out.append(line)
    return "\n".join(out)


def _int_label(value, position=None):
    """1, 10, 100, ... for decades of t + 1."""
    if value <= 0:
        return ""
    exponent = math.log10(value)
    return f"{value:.0f}" if abs(exponent - round(exponent)) <= 1e-9 else ""


def names() -> list[str]:
    """The examples that can be explored by name (the counterexample catalog)."""
    return list(COUNTEREXAMPLES)


def _finite_range(interval, default, fallback):
    """(low, high) of a slider from a valid-range Interval: infinite ends become ``fallback``."""
    low, high = fallback
    if interval is not None:
        if math.isfinite(interval.low):
            low = interval.low
        if math.isfinite(interval.high):
            high = interval.high
    if not low <= default <= high:  # never start outside the slider
        low, high = min(low, default), max(high, default)
    return float(low), float(high)


def _snap(lo, hi, minimum_span):
    """Round a window outward to a coarse grid, so that small moves keep the cached curves."""
    centre, span = 0.5 * (lo + hi), max(hi - lo, minimum_span)
    lo, hi = centre - 0.5 * span, centre + 0.5 * span
    step = 10.0 ** math.floor(math.log10(span)) / 4
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


class _TextCache:
    """Draw this figure's unrotated plain-text strings from cached bitmaps.

    Matplotlib 3.11 shapes and rasterizes every string again on every redraw (about 1 ms per string
    plus 0.05 ms per glyph); a redraw of the explorer draws some sixty strings (tick labels, legend
    entries, widget labels), which was most of the time of an update. The figure's ``draw`` is
    wrapped so that an Agg renderer's ``draw_text`` looks the string up first (keyed by the string,
    the font and the dpi) and pastes the bitmap Agg itself rendered, at the same baseline position
    (rounded to whole pixels). Mathtext, rotated text, non-opaque text and other renderers (PDF,
    SVG) are drawn as usual.
    """

    def __init__(self, figure):
        self.bitmaps = {}
        original = figure.draw

        def draw(renderer):
            self.install(renderer)
            return original(renderer)

        figure.draw = draw

    def install(self, renderer):
        from matplotlib.backends.backend_agg import RendererAgg
        if not isinstance(renderer, RendererAgg) or getattr(renderer, "_samtheory_text_cache", None) is self:
            return
        original = renderer.draw_text

        def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
            alpha = gc.get_alpha()
            if ismath or angle % 360 or not s or (alpha is not None and alpha < 1) or gc.get_forced_alpha():
                return original(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            key = (s, hash(prop), renderer.dpi)
            if key not in self.bitmaps:
                if len(self.bitmaps) > 4000:
                    self.bitmaps.clear()
                self.bitmaps[key] = _RasterText._render(s, prop, renderer.dpi)
            coverage, base, pad = self.bitmaps[key]
            rgba = np.empty(coverage.shape + (4,), np.uint8)
            rgba[..., :3] = (np.asarray(gc.get_rgb()[:3]) * 255).astype(np.uint8)
            rgba[..., 3] = coverage
            # (x, y): the baseline's left end, y counted from the top (Agg); images go bottom-up
            left = int(round(x - pad))
            bottom = int(round(renderer.height - (y - base) - coverage.shape[0]))
            renderer.draw_image(gc, left, bottom, rgba[::-1])

        renderer.draw_text = draw_text
        renderer._samtheory_text_cache = self


class _RasterText:
    """A block of text drawn from cached bitmaps (a matplotlib artist).

    Matplotlib 3.11 lays out and rasterizes every glyph on every redraw (about 0.1 ms each), and the
    readout alone has hundreds; redrawn at every slider move, that was a third of the update. Here a
    monospace text is stamped from a per-character atlas (rendered once per size and dpi by Agg
    itself), and any other text from per-line bitmaps cached by content. Renderers other than Agg
    (PDF, SVG) get an ordinary Text.
    """

    def __init__(self, figure, x, y, text="", *, fontsize=10.0, family="sans-serif", color="black",
                 ha="left", va="top", linespacing=1.25):
        from matplotlib.artist import Artist
        from matplotlib.font_manager import FontProperties

        outer = self

        class _Artist(Artist):
            def draw(self, renderer):
                outer._draw(renderer)

            def get_window_extent(self, renderer=None):
                return outer._fallback_text().get_window_extent(renderer)

        self.artist = _Artist()
        self.artist.set_figure(figure)
        self.artist.set_zorder(3)
        figure.add_artist(self.artist)
        self.figure, self.x, self.y, self._text = figure, x, y, text
        self.prop = FontProperties(family=family, size=fontsize)
        self.mono = family == "monospace"
        self.color, self.ha, self.va, self.linespacing = color, ha, va, linespacing
        self._glyphs, self._lines, self._fallback = {}, {}, None

    # the parts of the Text interface the explorer and its tests use
    def get_text(self):
        return self._text

    def set_text(self, text):
        self._text = str(text)
        self.artist.stale = True

    def get_visible(self):
        return self.artist.get_visible()

    def set_visible(self, visible):
        self.artist.set_visible(visible)

    def _fallback_text(self):
        from matplotlib.text import Text
        if self._fallback is None:
            self._fallback = Text(self.x, self.y, "", fontproperties=self.prop, color=self.color, ha=self.ha,
                                  va=self.va, linespacing=self.linespacing, transform=self.figure.transFigure)
            self._fallback.set_figure(self.figure)
        self._fallback.set_text(self._text)
        return self._fallback

    @staticmethod
    def _render(text, prop, dpi):
        """(alpha bitmap, baseline row) of one line, rendered by Agg."""
        from matplotlib.backends.backend_agg import RendererAgg
        probe = RendererAgg(1, 1, dpi)
        w, h, d = probe.get_text_width_height_descent(text or " ", prop, ismath=False)
        pad = 2
        r = RendererAgg(int(math.ceil(w)) + 2 * pad, int(math.ceil(h)) + 2 * pad, dpi)
        gc = r.new_gc()
        r.draw_text(gc, pad, pad + h - d, text, prop, 0)
        gc.restore()
        return np.asarray(r.buffer_rgba())[..., 3].copy(), pad + h - d, pad

    def _line_bitmap(self, line, dpi):
        if not self.mono:
            key = (line, dpi)
            if key not in self._lines:
                if len(self._lines) > 256:
                    self._lines.clear()
                alpha, base, pad = self._render(line, self.prop, dpi)
                self._lines[key] = (alpha[:, pad:], base)
            return self._lines[key]
        atlas = self._glyphs.setdefault(dpi, {})
        if "advance" not in atlas:
            from matplotlib.backends.backend_agg import RendererAgg
            w, h, d = RendererAgg(1, 1, dpi).get_text_width_height_descent("M" * 20, self.prop, ismath=False)
            atlas["advance"], atlas["ascent"] = w / 20, h - d
        advance = atlas["advance"]
        cells = []
        for ch in set(line) - set(atlas):
            atlas[ch] = self._render(ch, self.prop, dpi)
        height = max((atlas[ch][0].shape[0] for ch in line if ch != " "), default=1)
        base = max((atlas[ch][1] for ch in line if ch != " "), default=0)
        out = np.zeros((int(math.ceil(height + 4)), int(math.ceil(advance * len(line))) + 8), np.uint8)
        for i, ch in enumerate(line):
            if ch == " ":
                continue
            alpha, b, pad = atlas[ch]
            x0 = int(round(i * advance))
            y0 = int(round(base - b))
            cells.append((y0, x0, alpha))
        for y0, x0, alpha in cells:
            h, w = alpha.shape
            region = out[y0:y0 + h, x0:x0 + w]
            np.maximum(region, alpha[:region.shape[0], :region.shape[1]], out=region)
        return out, base

    def _draw(self, renderer):
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.colors import to_rgba
        if not self.artist.get_visible() or not self._text:
            return
        if not isinstance(renderer, RendererAgg):
            self._fallback_text().draw(renderer)
            return
        dpi = renderer.dpi
        step = int(round(self.linespacing * self.prop.get_size_in_points() * dpi / 72))
        bitmaps = [self._line_bitmap(line, dpi) for line in self._text.split("\n")]
        width = max(b[0].shape[1] for b in bitmaps)
        first_base = bitmaps[0][1]
        height = int(round(first_base)) + step * (len(bitmaps) - 1) + max(b[0].shape[0] for b in bitmaps)
        alpha = np.zeros((height, width), np.uint8)
        for k, (bitmap, base) in enumerate(bitmaps):
            top = int(round(first_base + k * step - base))
            h, w = bitmap.shape
            region = alpha[top:top + h, :w]
            np.maximum(region, bitmap[:region.shape[0]], out=region)
        rows = np.flatnonzero(alpha.any(axis=1))
        if rows.size == 0:
            return
        rgba = np.empty(alpha.shape + (4,), np.uint8)
        rgba[..., :3] = (np.array(to_rgba(self.color)[:3]) * 255).astype(np.uint8)
        rgba[..., 3] = alpha
        px, py = self.figure.transFigure.transform((self.x, self.y))
        left = px - {"left": 0, "center": width / 2, "right": width}[self.ha]
        top_px = py + {"top": 0, "center": height / 2, "bottom": height, "baseline": first_base}[self.va]
        gc = renderer.new_gc()
        renderer.draw_image(gc, int(round(left)), int(round(top_px - height)), rgba[::-1])
        gc.restore()
        self.artist.stale = False


class Explorer:
    """The explorer figure for a counterexample name (or instance) or a 1-D/2-D Objective.

    Parameters
    ----------
    target : str, Counterexample or Objective
        A catalog counterexample (``samtheory explore --list``) or any objective of dimension 1 or 2,
        e.g. a :class:`~samtheory.functions.CustomObjective`.
    figure : matplotlib Figure, optional
        Draw into this (empty) figure instead of a new pyplot figure.
    check_theorems : bool
        Start with the theorem checks on (they can be switched in the figure).
    params : dict, optional
        Construction parameters that are not controls (e.g. ``{"lam": 4.0}`` for the curvature of
        ``quadratic-cycle``, ``{"theta": 4.4934}`` for ``cosine-stall``).
    **initial
        Starting values of the controls: ``method`` ("gd", "sam", "usam", "unified"), ``eta``,
        ``rho``, ``sigma``, ``x0``, ``y0``, ``steps`` (or ``T``), ``lam`` (Unified SAM λ),
        ``same_sample``; ``chains`` (stochastic runs); for an Objective also ``noise``
        ("gaussian" or "rademacher") with ``sigma > 0`` to make it stochastic. Other keywords are
        taken as construction parameters.

    Attributes
    ----------
    figure : Figure
    state : dict
        The current controls (keys as in ``initial``).
    defaults : dict
        What :meth:`reset` returns to.
    sliders : dict of name -> Slider
    method_radio, sampling_radio : RadioButtons (``sampling_radio`` is None if deterministic)
    reset_button : Button
    checks_box : CheckButtons
    readout, message : Text
    result : SimulationResult of the run shown, or None when the state is invalid
    verdicts : list of Verdict of the applicable registry entries (after the checks have run)
    lines : dict of name -> Line2D (the plotted data)
    """

    def __init__(self, target: str | Objective = "cosine-stall", *, figure: Any = None, check_theorems: bool = True,
                 params: Any = None, **initial: Any):
        # exactly one of the two is None: a catalog counterexample, or the user's objective
        self.ce: Counterexample | None
        self._objective: Objective | None
        if isinstance(target, Objective):
            if target.dim not in (1, 2):
                raise InvalidParameterError(f"explore needs a 1-D or 2-D objective; {target.name} has dimension {target.dim}")
            self.ce, self._objective = None, target
        else:
            self.ce, self._objective = get_counterexample(target), None
        if "T" in initial:
            initial["steps"] = initial.pop("T")
        self.chains = int(initial.pop("chains", CHAINS))
        self.noise_kind = initial.pop("noise", "gaussian")
        construction = dict(params or {})
        for key in list(initial):
            if key not in _CONTROLS:
                construction[key] = initial.pop(key)
        self.construction = construction
        self._checks_initially = check_theorems
        self.name = self.ce.name if self.ce is not None else cast(Objective, target).name  # for mypy: not a str here
        self.defaults = self._initial_state(initial)
        self.state = dict(self.defaults)
        self.result: SimulationResult | None = None
        self.prediction: dict[str, Any] | None = None
        self.verdicts: list[Verdict] = []
        self.not_applicable: list[str] = []  # the reasons the other registry entries give
        self.error: Exception | None = None
        self.last_update_seconds: float | None = None
        self._cache: dict[tuple, Any] = {}
        self._pending_timer = None
        self._build_figure(figure)
        self.figure._samtheory_explorer = self  # keep the widgets alive as long as the figure
        self.update()

    # ------------------------------------------------------------------------------------------
    # parameters
    # ------------------------------------------------------------------------------------------
    def _initial_state(self, initial):
        preset = PRESETS.get(self.name, {}) if self.ce is not None else {}
        # a preset's eta and rho act as if given by the caller (who may still override them)
        initial = {**{k: preset[k] for k in ("eta", "rho") if k in preset}, **initial}
        if self.ce is not None:
            names = set(self.ce.resolve(**self.construction))
            overrides = {k: v for k, v in initial.items() if k in names and k in ("eta", "rho", "sigma", "x0", "y0")}
            try:  # defaults that depend on the given controls (e.g. sigma on rho) follow them
                base = self.ce.resolve(**self.construction, **overrides)
            except InvalidParameterError:  # an invalid start: shown in the figure by update()
                base = self.ce.resolve(**self.construction)
            self.ce_names = names
            stochastic = self.ce.oracle(**base) is not None
            f = self.ce.objective(**base)
        else:
            base, self.ce_names = {}, set()
            f = self._objective
            stochastic = float(initial.get("sigma", 0.0) or 0.0) > 0
        self.stochastic = stochastic
        self.dim = f.dim
        start = f.minimizer if f.minimizer is not None else np.zeros(f.dim)
        state = {"method": "sam", "eta": float(base.get("eta", 0.1)), "rho": float(base.get("rho", 0.1)),
                 "sigma": float(base.get("sigma", initial.get("sigma", 0.0))) if stochastic else 0.0,
                 "x0": float(base.get("x0", preset.get("x0", float(start[0]) + 1.0))),
                 "steps": int(preset.get("steps", 200)), "lam": 0.5, "same_sample": True,
                 "checks": bool(self._checks_initially)}
        if f.dim == 2:
            state["y0"] = float(base.get("y0", float(start[1]) + 0.5))
        for key, value in initial.items():
            if key == "y0" and f.dim != 2:
                raise InvalidParameterError(f"explore: y0 needs a 2-D objective; {self.name} is 1-D")
            state[key] = value
        if state["method"] not in METHOD_LABELS.values():
            raise InvalidParameterError(f"explore: unknown method {state['method']!r}; choose one of: "
                                        + ", ".join(METHOD_LABELS.values()))
        state["steps"] = int(state["steps"])
        state["same_sample"] = bool(state["same_sample"])
        return state

    def _ranges(self):
        """Slider ranges: the construction's valid ranges at the defaults, else generous windows."""
        d = self.defaults
        ranges = {}
        valid = {}
        if self.ce is not None:
            try:
                valid = self.ce.valid_ranges(**self._construction_params(d))
            except InvalidParameterError:
                valid = self.ce.valid_ranges(**self.construction)
        for key in ("rho", "eta", "sigma"):
            if key == "sigma" and not self.stochastic:
                continue
            fallback = (0.0, 3.0 * d[key] if d[key] > 0 else 1.0)
            if key == "eta" and self.ce is None and self._objective.smoothness:
                fallback = (0.0, 2.0 / self._objective.smoothness)
            ranges[key] = _finite_range(valid.get(key), d[key], fallback)
        preset = PRESETS.get(self.name, {})
        span = max(3.0 * abs(d["x0"]), 3.0 * d["rho"], 1.0)
        ranges["x0"] = _finite_range(valid.get("x0"), d["x0"], preset.get("x0_range", (-span, span)))
        if self.dim == 2:
            ranges["y0"] = _finite_range(valid.get("y0"), d["y0"], (-max(3 * abs(d["y0"]), 1.0), max(3 * abs(d["y0"]), 1.0)))
        ranges["steps"] = (10, preset.get("steps_max", max(500, 10 * d["steps"])))
        ranges["lam"] = (0.0, 1.0)
        return ranges

    def _construction_params(self, state=None):
        """The construction's parameters for a state: its own (fixed) ones, overridden by the controls
        it has (eta, rho, sigma, x0, y0)."""
        s = self.state if state is None else state
        out = dict(self.construction)
        for key in ("eta", "rho", "sigma", "x0", "y0"):
            if key in self.ce_names and key in s:
                out[key] = s[key]
        return out

    def objective(self, state: dict[str, Any] | None = None) -> Objective:
        """The objective of the current (or the given) state."""
        if self.ce is None:
            assert self._objective is not None  # for mypy: __init__ sets it whenever ce is None
            return self._objective
        params = self._construction_params(state)
        key = ("objective", tuple(sorted((k, v) for k, v in params.items() if k not in ("eta", "x0", "y0"))))
        if key not in self._cache:
            self._cache[key] = self.ce.objective(**params)
        return self._cache[key]

    def oracle(self, objective: Objective, state: dict[str, Any] | None = None) -> Oracle | None:
        """The stochastic oracle of the state (None if deterministic)."""
        s = self.state if state is None else state
        if not self.stochastic:
            return None
        if self.ce is not None:
            return self.ce.oracle(objective=objective, **self._construction_params(s))
        from .oracles import AdditiveNoise
        return AdditiveNoise(objective, s["sigma"], self.noise_kind)

    def start(self, state: dict[str, Any] | None = None) -> Any:
        s = self.state if state is None else state
        return [float(s["x0"]), float(s["y0"])] if self.dim == 2 else [float(s["x0"])]

    def method_name(self, state: dict[str, Any] | None = None) -> str:
        """The simulate() method of the state (GD with a stochastic oracle is SGD)."""
        m = (self.state if state is None else state)["method"]
        return "sgd" if (m == "gd" and self.stochastic) else m

    def simulation_arguments(self, state: dict[str, Any] | None = None) -> Any:
        """``(objective, method, keyword arguments)`` of the simulate() call an update makes."""
        s = self.state if state is None else state
        f = self.objective(s)
        method = self.method_name(s)
        kwargs = dict(eta=float(s["eta"]), rho=0.0 if method in ("gd", "sgd") else float(s["rho"]),
                      lam=float(s["lam"]), steps=int(s["steps"]), x0=self.start(s),
                      trajectories=self.chains if self.stochastic else 1, oracle=self.oracle(f, s),
                      same_sample=bool(s["same_sample"]), seed=SEED, record_every=1, history=True)
        return f, method, kwargs

    # ------------------------------------------------------------------------------------------
    # the figure
    # ------------------------------------------------------------------------------------------
    def _build_figure(self, figure):
        import matplotlib.pyplot as plt
        self.figure = fig = figure if figure is not None else plt.figure(figsize=(12.5, 7.5))
        canvas = fig.canvas
        # widgets redraw the canvas while they are built; one draw at the end is enough
        quiet = "draw_idle" not in vars(canvas)
        if quiet:
            canvas.draw_idle = lambda *args, **kwargs: None
        try:
            self._build_widgets(fig)
        finally:
            if quiet:
                del canvas.draw_idle

    def _build_widgets(self, fig):
        self._text_cache = _TextCache(fig)
        from matplotlib.widgets import Button, CheckButtons, RadioButtons, Slider
        title = self.name + (f": {self.ce.title}" if self.ce is not None else " (user-defined objective)")
        self.title = _RasterText(fig, 0.5, 0.977, title, fontsize=13, ha="center", va="top")
        self.ax_f = fig.add_axes([0.09, 0.455, 0.375, 0.415])  # room for tick labels like -0.00050
        self.ax_t = fig.add_axes([0.57, 0.455, 0.41, 0.415])
        for ax in (self.ax_f, self.ax_t):
            ax.tick_params(labelsize=10)
            ax.xaxis.label.set_fontsize(11.5)
            ax.yaxis.label.set_fontsize(11.5)
        self.lines = {}
        self._legend_keys = {}
        self._contour = None
        self._build_panels()

        ranges = self._ranges()
        self.sliders = {}
        specs = [("rho", "ρ"), ("eta", "η")]
        if self.stochastic:
            specs.append(("sigma", "σ"))
        specs.append(("x0", "x₀"))
        if self.dim == 2:
            specs.append(("y0", "y₀"))
        specs += [("steps", "T"), ("lam", "λ")]
        top, gap = 0.345, 0.043
        for k, (key, label) in enumerate(specs):
            ax = fig.add_axes([0.085, top - gap * k, 0.19, 0.026])
            lo, hi = ranges[key]
            fmt = "%d" if key == "steps" else ("%.2f" if key == "lam" else "%.4g")
            s = Slider(ax, label, lo, hi, valinit=self.state[key], valfmt=fmt,
                       valstep=1 if key == "steps" else None)
            s.label.set_fontsize(12)
            s.valtext.set_fontsize(10.5)
            s.drawon = False  # update() redraws once, after the new run
            s.on_changed(lambda value, key=key: self.set(**{key: value}))
            self.sliders[key] = s
        ax = fig.add_axes([0.345, 0.175, 0.182, 0.17])
        ax.set_title("method", fontsize=10.5, loc="left")
        self.method_radio = RadioButtons(ax, [label + (" (λ)" if label == "Unified SAM" else "") for label in METHOD_LABELS],
                                         active=list(METHOD_LABELS.values()).index(self.state["method"]))
        self._style_labels(self.method_radio.labels)
        self.method_radio.drawon = False
        self.method_radio.on_clicked(lambda label: self.set(method=METHOD_LABELS[label.replace(" (λ)", "")]))
        self.sampling_radio = None
        if self.stochastic:
            ax = fig.add_axes([0.345, 0.03, 0.182, 0.095])
            ax.set_title("sampling", fontsize=10.5, loc="left")
            self.sampling_radio = RadioButtons(ax, SAMPLING_LABELS, active=0 if self.state["same_sample"] else 1)
            self._style_labels(self.sampling_radio.labels)
            self.sampling_radio.drawon = False
            self.sampling_radio.on_clicked(lambda label: self.set(same_sample=label == SAMPLING_LABELS[0]))
        bottom = top - gap * len(specs) - 0.012
        self.reset_button = Button(fig.add_axes([0.085, bottom - 0.03, 0.07, 0.04]), "reset")
        self.reset_button.label.set_fontsize(10.5)
        self.reset_button.on_clicked(lambda event: self.reset())
        ax = fig.add_axes([0.17, bottom - 0.036, 0.145, 0.052])
        self.checks_box = CheckButtons(ax, ["theorem checks"], [bool(self.state["checks"])])
        self._style_labels(self.checks_box.labels)
        self.checks_box.drawon = False
        self.checks_box.on_clicked(lambda label: self.set(checks=self.checks_box.get_status()[0]))
        self.readout = _RasterText(fig, 0.535, 0.365, "", fontsize=9.5, family="monospace")
        self.message = fig.text(0.5, 0.69, "", color="#B00020", ha="center", va="center", fontsize=11.5,
                                visible=False, zorder=10,
                                bbox=dict(boxstyle="round,pad=0.6", facecolor="#FFF4F4", edgecolor="#B00020"))

    @staticmethod
    def _style_labels(labels):
        for text in labels:
            text.set_fontsize(10.5)

    def _build_panels(self):
        ax_f, ax_t = self.ax_f, self.ax_t
        L = self.lines
        if self.dim == 1:
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
        # right panel
        L["measure"], = ax_t.plot([], [], color="#0072B2", lw=1.5, label="")
        L["average"], = ax_t.plot([], [], color="#0072B2", lw=1.2, ls=":", label="running average", visible=False)
        L["floor"], = ax_t.plot([], [], color="#D55E00", lw=1.6, ls="--", label="predicted floor")
        L["floor2"], = ax_t.plot([], [], color="#D55E00", lw=1.2, ls=":", label="", visible=False)
        self.tail_span = ax_t.axvspan(1, 2, color="0.5", alpha=0.12, lw=0)
        ax_t.set_xscale("log")
        ax_t.set_yscale("log")
        # plain-text decade labels (10⁻³, not mathtext) and no minor labels: text is most of a redraw
        from matplotlib import ticker
        ax_t.xaxis.set_major_formatter(ticker.FuncFormatter(_int_label))
        ax_t.yaxis.set_major_formatter(ticker.FuncFormatter(_power_label))
        for axis in (ax_t.xaxis, ax_t.yaxis):
            axis.set_minor_locator(ticker.NullLocator())
        ax_t.yaxis.set_major_locator(ticker.LogLocator(numticks=7))
        for axis in (ax_f.xaxis, ax_f.yaxis):
            axis.set_major_locator(ticker.MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
        ax_t.set_xlim(1, 10)
        ax_t.set_ylim(1e-3, 1)
        ax_t.set_xlabel("t + 1")
        ax_t.grid(alpha=0.3, which="major")
        self.bound_lines = {}

    # ------------------------------------------------------------------------------------------
    # controls
    # ------------------------------------------------------------------------------------------
    def set(self, **changes: Any) -> None:
        """Change controls (as the widgets do), keep the widgets in step, and update."""
        for key, value in changes.items():
            if key == "T":
                key = "steps"
            if key not in self.state:
                raise InvalidParameterError(f"explore: unknown control {key!r}; controls: {', '.join(self.state)}")
            if key == "steps":
                value = int(round(float(value)))
            elif key in ("same_sample", "checks"):
                value = bool(value)
            elif key != "method":
                value = float(value)
            self.state[key] = value
        self._sync_widgets(changes)
        self.update()

    def _sync_widgets(self, keys):
        for key in keys:
            key = "steps" if key == "T" else key
            slider = self.sliders.get(key)
            if slider is not None and slider.val != self.state[key]:
                slider.eventson = False
                slider.set_val(self.state[key])
                slider.eventson = True
        if "method" in keys:
            index = list(METHOD_LABELS.values()).index(self.state["method"])
            if self.method_radio.index_selected != index:
                self.method_radio.eventson = False
                self.method_radio.set_active(index)
                self.method_radio.eventson = True
        if "same_sample" in keys and self.sampling_radio is not None:
            index = 0 if self.state["same_sample"] else 1
            if self.sampling_radio.index_selected != index:
                self.sampling_radio.eventson = False
                self.sampling_radio.set_active(index)
                self.sampling_radio.eventson = True
        if "checks" in keys and self.checks_box.get_status()[0] != self.state["checks"]:
            self.checks_box.eventson = False
            self.checks_box.set_active(0)
            self.checks_box.eventson = True

    def reset(self) -> None:
        """Every control back to its starting value, then one update."""
        self.state = dict(self.defaults)
        self._sync_widgets(list(self.state))
        self.update()

    # ------------------------------------------------------------------------------------------
    # updating
    # ------------------------------------------------------------------------------------------
    def simulate(self) -> SimulationResult:
        """The run the panels show: exactly ``simulate(*simulation_arguments())``."""
        f, method, kwargs = self.simulation_arguments()
        return simulate(f, method, **kwargs)

    def update(self) -> None:
        """Re-run the simulation for the current controls and redraw (never raises for a bad state)."""
        import time
        begin = time.perf_counter()
        self._cancel_checks()
        self.verdicts, self.not_applicable = [], []
        try:
            if self.ce is not None:
                params = self.ce.resolve(**self._construction_params())
                self.prediction = self.ce.predict(**params)
            self.result = self.simulate()
        except Exception as exc:  # an invalid state is shown, not raised
            self.result = None
            self.error = exc
            prefix = "invalid state" if isinstance(exc, InvalidParameterError) else f"cannot update ({type(exc).__name__})"
            self._show_message(f"{prefix}: {exc}")
            self._show_invalid()
            self.last_update_seconds = time.perf_counter() - begin
            return
        self.error = None
        diverged = self.result.status == "diverged"  # ("left-region" runs are drawn as they are)
        if np.any(diverged):
            first = int(self.result.diverged_at[diverged].min())
            self._show_message(f"{int(diverged.sum())} of {diverged.size} runs diverged (first at step {first}): "
                               "f - f* exceeded 1e100")
        else:
            self._show_message("")
        self._draw_data()
        self._set_readout()
        self.last_update_seconds = time.perf_counter() - begin
        self._schedule_checks()  # at once without an event loop, else once the controls are still
        self.figure.canvas.draw_idle()

    def _show_message(self, text):
        wrapped = "\n".join(textwrap.wrap(text, 95)) if text else ""
        self.message.set_text(wrapped)
        self.message.set_visible(bool(text))

    def _show_invalid(self):
        for line in self.lines.values():
            line.set_visible(False)
        for line in self.bound_lines.values():
            line.set_visible(False)
        for ax in (self.ax_f, self.ax_t):
            if ax.get_legend() is not None:
                ax.get_legend().set_visible(False)
        self.readout.set_text(self._state_line() + "\n\nno run: the state is outside the valid ranges")
        self.figure.canvas.draw_idle()

    # -- prediction -----------------------------------------------------------------------------
    def measure_kind(self) -> str:
        """'loss' (f - f*) or 'gradsq' (||grad f||^2): the construction's measure."""
        if self.prediction is not None:
            if "gradsq" in self.prediction:
                return "gradsq"
            return "loss"
        f = self.objective()
        return "loss" if f.f_star is not None and math.isfinite(f.f_star) else "gradsq"

    def predicted_floor(self) -> Any:
        """``(value, label, second)``: the construction's floor of the plotted measure and an optional
        second line ``(value, label)`` (the finite-η model or the fluctuation allowance)."""
        p = self.prediction
        if p is None:
            return None, "", None
        second = None
        if "gradsq" in p:
            value, label = float(p["gradsq"]), "predicted stall level"
            if "fluctuation" in p:
                second = (value + float(p["fluctuation"]), "+ ηβσ² allowance")
        elif "floor" in p:
            value, label = float(p["floor"]), "predicted floor"
            finite = p.get("finite_eta")
            if finite:
                mode = "same_sample" if self.state["same_sample"] else "independent_samples"
                second = (float(finite[mode][0]), "finite-η model")
            if "etas" in p:
                label = "predicted floor (η → 0)"
        elif "sam_level" in p:
            value, label = float(p["sam_level"]), "predicted level at (1, 1)"
        else:
            return None, "", None
        return value, label, second

    def predicted_points(self, lo: float | None = None, hi: float | None = None) -> list[Any]:
        """The predicted limit points (1-D: x values in [lo, hi], periodic copies included; 2-D: points)."""
        p = self.prediction or {}
        if self.dim == 2:
            return [tuple(p["sam_limit"])] if "sam_limit" in p else []
        base = []
        for key in ("cycle", "stall_points", "fixed_points"):
            base += list(p.get(key, []))
        if "limit_point" in p:
            base.append(p["limit_point"])
        period = p.get("period")
        if not period or lo is None:
            return [float(b) for b in base]
        out = []
        for b in base:
            k0, k1 = math.ceil((lo - b) / period), math.floor((hi - b) / period)
            out += [b + k * period for k in range(k0, k1 + 1)]
        return sorted(out)

    # -- drawing --------------------------------------------------------------------------------
    def _draw_data(self):
        for line in self.lines.values():
            line.set_visible(True)
        self._draw_left()
        self._draw_right()

    def _draw_left(self):
        r, f, L = self.result, self.objective(), self.lines
        path = r.x_history[:, 0, :]
        path = path[np.all(np.isfinite(path), axis=1)]
        if self.dim == 1:
            xs = path[:, 0]
            fx = f.value(xs[:, None])
            lo, hi = float(xs.min()), float(xs.max())
            points = self.predicted_points(lo - 0.5 * (hi - lo) - self.state["rho"], hi + 0.5 * (hi - lo) + self.state["rho"])
            if points and abs(max(points) - min(points)) < 20 * max(hi - lo, self.state["rho"], 1e-3):
                lo, hi = min(lo, min(points)), max(hi, max(points))
            pad = max(0.15 * (hi - lo), 0.75 * self.state["rho"], 1e-3)
            lo, hi = _snap(lo - pad, hi + pad, 3 * self.state["rho"] or 0.5)
            grid, fg, J = self._curves_1d(f, lo, hi)
            L["f"].set_data(grid, fg)
            L["J"].set_data((grid, J) if J is not None else ([], []))
            L["J"].set_visible(J is not None)
            L["path"].set_data(xs, fx)
            L["start"].set_data(xs[:1], fx[:1])
            L["end"].set_data(xs[-1:], fx[-1:])
            pts = np.array([p for p in self.predicted_points(lo, hi)])
            L["predicted_points"].set_data(pts, f.value(pts[:, None]) if pts.size else [])
            L["predicted_points"].set_visible(bool(pts.size))
            self.ax_f.set_xlim(lo, hi)
            ys = [fg] + ([J] if J is not None else [])
            ymin = min(float(np.nanmin(y)) for y in ys)
            ymax = max(float(np.nanmax(y)) for y in ys)
            margin = 0.06 * (ymax - ymin or 1.0)
            self.ax_f.set_ylim(ymin - margin, ymax + margin)
        else:
            pts = self.predicted_points()
            allp = np.vstack([path] + ([np.array(pts)] if pts else []))
            lo, hi = allp.min(axis=0), allp.max(axis=0)
            pad = np.maximum(0.25 * (hi - lo), 0.3)
            wx = _snap(lo[0] - pad[0], hi[0] + pad[0], 0.5)
            wy = _snap(lo[1] - pad[1], hi[1] + pad[1], 0.5)
            self._contours_2d(f, wx, wy)
            L["path"].set_data(path[:, 0], path[:, 1])
            L["start"].set_data(path[:1, 0], path[:1, 1])
            L["end"].set_data(path[-1:, 0], path[-1:, 1])
            if pts:
                L["predicted_points"].set_data([p[0] for p in pts], [p[1] for p in pts])
            L["predicted_points"].set_visible(bool(pts))
            self.ax_f.set_xlim(*wx)
            self.ax_f.set_ylim(*wy)
        self._legend(self.ax_f, [k for k in ("f", "J", "valley", "path", "predicted_points")
                                 if k in L and L[k].get_visible() and len(L[k].get_xdata())],
                     loc="lower left", bbox_to_anchor=(0.0, 1.005), ncol=2, frameon=False,
                     borderaxespad=0.2, columnspacing=1.2)

    def _curves_1d(self, f, lo, hi):
        """f and J_f on a grid over [lo, hi], cached (they only change with the window, rho and sigma)."""
        s = self.state
        sam = s["method"] == "sam" and s["rho"] > 0
        mode = "same_sample" if s["same_sample"] else "independent_samples"
        oracle = self.oracle(f) if self.stochastic else None
        noise = (oracle.kind, oracle.sigma) if oracle is not None else None
        key = ("curves", id(f), lo, hi, s["rho"] if sam else None, noise if sam else None, mode if sam and noise else None)
        if key not in self._cache:
            grid = np.linspace(lo, hi, 241)
            fg = f.value(grid[:, None])
            J = None
            if sam:
                from . import virtual_loss as vl
                extra = {} if noise is None or noise[1] == 0 else {"noise": noise[0], "sigma": noise[1], "mode": mode}
                J = vl.virtual_loss(f, grid, s["rho"], **extra)
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = (grid, fg, J)
        return self._cache[key]

    def _contours_2d(self, f, wx, wy):
        from .functions.hyperbola_valley import HyperbolaValley
        key = (id(f), wx, wy)
        if self._contour is not None and self._contour[0] == key:
            return
        if self._contour is not None:
            self._contour[1].remove()
        gx, gy = np.meshgrid(np.linspace(*wx, 160), np.linspace(*wy, 160))
        Z = f.value(np.stack([gx, gy], axis=-1)) - f.f_star
        cs = self.ax_f.contourf(gx, gy, np.log10(np.maximum(Z, 0) + 1e-4), levels=18, cmap="Greys", alpha=0.55,
                                zorder=0)
        self._contour = (key, cs)
        if isinstance(f, HyperbolaValley):
            xx = np.linspace(max(wx[0], 1.0 / wy[1], 1e-3), wx[1], 300)
            self.lines["valley"].set_data(xx, 1.0 / xx)
        else:
            self.lines["valley"].set_data([], [])

    def _curve(self, kind):
        """The plotted measure per t: f - f* or ||grad f||^2, averaged over the chains."""
        r = self.result
        values = r.loss_history if kind == "loss" else r.gradsq_history
        return values.reshape(len(r.t), -1).mean(axis=1)

    def _draw_right(self):
        r, L, ax = self.result, self.lines, self.ax_t
        kind = self.measure_kind()
        curve = self._curve(kind)
        t1 = r.t + 1.0
        shown = np.where(curve > 0, curve, np.nan)
        label = ("E " if self.stochastic else "") + _MEASURE_LABEL[kind]
        if self.stochastic:
            label += f" (mean of {self.chains} chains)"
        L["measure"].set_data(t1, shown)
        L["measure"].set_label(label)
        L["average"].set_visible(False)
        floor, floor_label, second = self.predicted_floor()
        sam = self.state["method"] == "sam"
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
        tail_start = steps - max(1, int(round(r.tail * steps)))
        self.tail_span.set_bounds(tail_start + 1, 0, steps - tail_start, 1)
        ax.set_xlim(1, t1[-1] * 1.05)
        ax.set_ylabel(label.split(" (")[0])
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

    # -- readout --------------------------------------------------------------------------------
    def _state_line(self):
        s = self.state
        name = "SGD" if self.method_name() == "sgd" else {v: k for k, v in METHOD_LABELS.items()}[s["method"]]
        parts = [name, f"η={s['eta']:.4g}"]
        if s["method"] != "gd":
            parts.append(f"ρ={s['rho']:.4g}")
        if s["method"] == "unified":
            parts.append(f"λ={s['lam']:.2f}")
        if self.stochastic:
            parts.append(f"σ={s['sigma']:.4g}")
        parts.append(f"x₀=({s['x0']:.4g}, {s['y0']:.4g})" if self.dim == 2 else f"x₀={s['x0']:.4g}")
        parts.append(f"T={s['steps']}")
        if self.stochastic:
            parts.append(f"{'same sample' if s['same_sample'] else 'independent samples'}, {self.chains} chains")
        return "  ".join(parts)

    def observed_floor(self) -> float:
        """Mean over the chains of the tail mean (last 10 % of the steps) of the plotted measure."""
        r = cast("SimulationResult", self.result)  # for mypy: a run is shown (as before, None raises AttributeError)
        tail = r.loss_tail_mean if self.measure_kind() == "loss" else r.gradsq_tail_mean
        return float(np.mean(tail))

    def settling_step(self, within: float = 0.01) -> int | None:
        """First t from which the plotted measure stays within ``within`` (relative) of the observed floor
        (None if it does not by the end of the tail)."""
        curve = self._curve(self.measure_kind())
        level = self.observed_floor()
        off = ~(np.abs(curve - level) <= within * abs(level))
        if not off.any():
            return 0
        last = int(np.flatnonzero(off)[-1]) + 1
        result = cast("SimulationResult", self.result)  # for mypy: _curve above has used the run shown
        steps = int(result.steps)
        return last if last <= steps - max(1, int(round(result.tail * steps))) else None

    def _set_readout(self, checks_text=None):
        kind = self.measure_kind()
        observed = self.observed_floor()
        floor, floor_label, second = self.predicted_floor()
        what = ("E " if self.stochastic else "") + _MEASURE_LABEL[kind]
        lines = [self._state_line(), "",
                 f"observed floor  {observed:10.4g}   {what}, mean of the last 10 %"]
        within = 0.1 if self.stochastic else 0.01
        settled = self.settling_step(within)
        lines.append(f"settled at t    {settled if settled is not None else 'not yet':>10}   "
                     f"(stays within {within:.0%} of the floor after)")
        if floor is None:
            lines.append("predicted       none: no construction for this function")
        else:
            ratio = f"   observed/predicted {observed / floor:.3g}" if floor > 0 else ""
            lines.append(f"predicted       {floor:10.4g}{ratio}")
            if second is not None:
                lines.append(f"{second[1]:<15} {second[0]:10.4g}")
            if self.prediction is not None and "sam_limit" in self.prediction:
                s = self.state  # the drift time measured in the valley's docstring
                drift = 1.1 / (s["eta"] * s["rho"] ** 2) if s["rho"] > 0 else math.inf
                reached = "reached" if s["steps"] >= drift else "not reached yet: raise T"
                lines.append(f"                (at the limit (1, 1), after ~{drift:.0f} steps: {reached})")
            if self.state["method"] != "sam":
                lines.append("                (the prediction is about SAM)")
        lines.append("")
        if checks_text is None:
            checks_text = "theorem checks: off" if not self.state["checks"] else "theorem checks: pending..."
        lines.append(checks_text)
        self.readout.set_text("\n".join(_wrap_line(line) for line in lines))

    # ------------------------------------------------------------------------------------------
    # theorem checks (lazy)
    # ------------------------------------------------------------------------------------------
    def _cancel_checks(self):
        if self._pending_timer:  # None: not created yet; False: no event loop
            self._pending_timer.stop()

    def _schedule_checks(self):
        if not self.state["checks"]:
            return
        from matplotlib.backend_bases import TimerBase
        if self._pending_timer is None:
            timer = self.figure.canvas.new_timer(interval=250)
            if type(timer) is TimerBase:  # no event loop (Agg, inline): check now
                self._pending_timer = False
            else:
                timer.single_shot = True
                timer.add_callback(self._run_checks)
                self._pending_timer = timer
        if self._pending_timer is False:
            self.check_theorems(draw=False)  # update() draws next
        else:
            self._pending_timer.stop()
            self._pending_timer.start()

    def _run_checks(self):
        if self.result is not None and self.state["checks"]:
            self.check_theorems()

    def instance(self) -> Instance:
        """The :class:`~samtheory.theorems.Instance` of the current state (the run shown)."""
        from .theorems import Instance
        f, method, kw = self.simulation_arguments()
        oracle = kw["oracle"]
        return Instance(f, method=method, eta=kw["eta"], rho=kw["rho"], lam=kw["lam"] if method == "unified" else None,
                        steps=kw["steps"], trajectories=kw["trajectories"], x0=kw["x0"], seed=kw["seed"],
                        noise=oracle.kind if oracle is not None else None,
                        sigma=oracle.sigma if oracle is not None else 0.0, same_sample=kw["same_sample"])

    def check_theorems(self, draw: bool = True) -> list[Any]:
        """Check every registry entry on the run shown (reusing it; entries that run simulations of
        their own or choose their own step sizes are left to ``samtheory verify``), draw the bounds
        of the applicable ones whose measure is the plotted one, and list the verdicts in the
        readout. Returns the verdicts of the applicable entries."""
        from .theorems import THEOREMS, check, make_context
        from .theorems._core import NotApplicable
        if self.result is None:
            return []
        inst = self.instance()
        verdicts, reasons = [], []
        for th in THEOREMS.values():
            if th.simulates or th.step_rule is not None:  # not about the run shown: see samtheory verify
                continue
            try:
                v = check(th, inst, result=self.result)
            except Exception as exc:  # a registry entry must not break the figure
                reasons.append(f"{th.id}: {type(exc).__name__}")
                continue
            if v.verdict == "not-applicable":
                reasons.append(v.reason)
            else:
                verdicts.append(v)
        self.verdicts, self.not_applicable = verdicts, reasons
        # bound curves of the entries whose measure is the plotted one (or its running average)
        kind = self.measure_kind()
        for line in self.bound_lines.values():
            line.set_visible(False)
        t = self.result.t
        drawn_average = False
        for v in verdicts:
            th = THEOREMS[v.theorem]
            if th.check != "every-t" or th.measure_name not in (_POINTWISE[kind] | _AVERAGED[kind]):
                continue
            try:
                ctx = make_context(inst)
                bound = th.bound(ctx)
                values = np.asarray(bound(t[:, None]) if callable(bound) else bound, dtype=float)
                values = np.broadcast_to(values, (len(t), max(1, values.shape[-1] if values.ndim == 2 else 1)))[:, 0]
            except (NotApplicable, InvalidParameterError, TypeError, ValueError):
                continue
            line = self.bound_lines.get(th.id)
            if line is None:
                color = _BOUND_COLORS[len(self.bound_lines) % len(_BOUND_COLORS)]
                dashes = _BOUND_DASHES[len(self.bound_lines) % len(_BOUND_DASHES)]
                line, = self.ax_t.plot([], [], color=color, lw=1.5, ls=(0, dashes))
                self.bound_lines[th.id] = line
            averaged = th.measure_name in _AVERAGED[kind]
            drawn_average |= averaged
            line.set_data(t + 1.0, np.where(values > 0, values, np.nan))
            line.set_label(f"bound {th.id}" + (" (on the average)" if averaged else ""))
            line.set_visible(True)
        if drawn_average:
            from .theorems.measures import running_average
            avg = running_average(self._curve(kind)[:, None])[:, 0]
            self.lines["average"].set_data(t + 1.0, np.where(avg > 0, avg, np.nan))
            self.lines["average"].set_label(f"running average (1/T)∑_(t<T) {_MEASURE_LABEL[kind]}")
            self.lines["average"].set_visible(True)
        self._rescale_right()
        self._legend_right()
        self._set_readout(self._verdict_text())
        if draw:
            self.figure.canvas.draw_idle()
        return verdicts

    def _verdict_text(self):
        n_total = len(self.verdicts) + len(self.not_applicable)
        if not self.verdicts:
            common = max(set(self.not_applicable), key=self.not_applicable.count) if self.not_applicable else ""
            return "theorem checks: no registry entry applies\n" + "\n".join(
                textwrap.wrap("e.g. " + common, READOUT_WIDTH, initial_indent="  ", subsequent_indent="  "))
        from .theorems import THEOREMS
        lines = [f"theorem checks: {len(self.verdicts)} of {n_total} entries apply (verdict, measure/bound)"]
        shown = self.verdicts if len(self.verdicts) <= MAX_VERDICT_LINES else self.verdicts[:MAX_VERDICT_LINES - 1]
        below_zero = []
        for v in shown:
            ratio = f"{v.ratio:.2g}" if v.ratio is not None and math.isfinite(v.ratio) else ""
            if v.ratio is not None and v.ratio < 0 and THEOREMS[v.theorem].kind == "upper":
                # a negative measure under a positive upper bound: the ratio's size means nothing
                # (D4 on a 2-cycle: ||grad f|| - ||x_{t+1} - x_t||/eta is exactly -beta rho)
                ratio = "<0 *"
                below_zero.append(v)
            lines.append(_wrap_line(f" {v.verdict:<12}{ratio:>6}  {v.theorem}", indent=21, breaks="."))
        if len(shown) < len(self.verdicts):
            rest = self.verdicts[len(shown):]
            counts = ", ".join(f"{n} {k}" for k, n in sorted(
                {k: sum(v.verdict == k for v in rest) for k in {v.verdict for v in rest}}.items()))
            lines.append(f" ... and {len(rest)} more ({counts}; Explorer.verdicts has all)")
        for v in below_zero[:1]:
            lines.append(_wrap_line(f" * the measure {THEOREMS[v.theorem].measure_name} is below 0 here: "
                                    "the bound holds with room to spare", indent=3))
        return "\n".join(lines)

    # ------------------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], dpi: int = 100) -> str | os.PathLike[str]:
        """Render the figure to ``path`` (the format from its extension: png, pdf, svg, ...) and
        return the path. The file is written through :func:`samtheory._io.open_output`: replaced
        whole or not at all."""
        from ._io import open_output
        fmt = save_format(path)
        with open_output(path) as fh:
            self.figure.savefig(fh, format=fmt, dpi=dpi)
        return path


def save_format(path) -> str:
    """The image format of ``path`` from its extension, as matplotlib names it; raises
    :class:`~samtheory.InvalidParameterError` for a missing or unsupported extension."""
    from matplotlib.backend_bases import FigureCanvasBase
    supported = FigureCanvasBase.get_supported_filetypes()
    ext = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if ext not in supported:
        raise InvalidParameterError(
            f"--save {path}: unsupported image format {ext or '(no extension)'!r}; use one of the extensions "
            f"{', '.join('.' + e for e in sorted(supported))}")
    return ext


def explore(target: str | Objective = "cosine-stall", **initial: Any) -> Explorer:
    """Open the explorer for a counterexample name or a 1-D/2-D Objective (see :class:`Explorer`).

    In a notebook use ``%matplotlib widget`` first; in a script call ``matplotlib.pyplot.show()``
    afterwards (or use ``samtheory explore NAME``).
    """
    return Explorer(target, **initial)
