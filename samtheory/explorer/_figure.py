"""The explorer figure: the controls (sliders, selectors, buttons), the plots and the readout.

:class:`Explorer` holds an :class:`~samtheory.explorer._state.ExplorerState` (the controls and
everything computed from them, without matplotlib) in ``model``, draws it with
:class:`~samtheory.explorer._panels.Panels`, and keeps the widgets in step with the state. Its
data attributes (``state``, ``result``, ``verdicts``, ...) are the model's.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

import os
import textwrap
import time

from .._validation import InvalidParameterError
from ..functions import Objective
from ..methods import get_method
from ._panels import Panels
from ._readout import invalid_text, readout_text, verdict_text
from ._state import METHOD_LABELS, SAMPLING_LABELS, ExplorerState
from ._text import RasterText, TextCache

if TYPE_CHECKING:  # names used in annotations only
    from ..oracles import Oracle
    from ..simulation import SimulationResult
    from ..theorems import Instance

#: the wait after the last move before the theorem checks run (interactive backends)
CHECKS_DELAY_MS = 250


class _FromModel:
    """An attribute of the :class:`Explorer` that is the attribute of the same name of its state model."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, explorer, owner=None):
        return self if explorer is None else getattr(explorer.model, self.name)

    def __set__(self, explorer, value):
        setattr(explorer.model, self.name, value)


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
    model : ExplorerState
        The controls and what is computed from them (no matplotlib); the attributes below that are
        not widgets or artists are its attributes.
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

    # the state model's attributes, shared
    ce = _FromModel()
    name = _FromModel()
    construction = _FromModel()
    chains = _FromModel()
    noise_kind = _FromModel()
    stochastic = _FromModel()
    dim = _FromModel()
    ce_names = _FromModel()
    state = _FromModel()
    defaults = _FromModel()
    result = _FromModel()
    prediction = _FromModel()
    verdicts = _FromModel()
    not_applicable = _FromModel()
    error = _FromModel()

    def __init__(self, target: str | Objective = "cosine-stall", *, figure: Any = None, check_theorems: bool = True,
                 params: Any = None, **initial: Any):
        self.model = ExplorerState(target, check_theorems=check_theorems, params=params, **initial)
        self.last_update_seconds: float | None = None
        self._pending_timer: Any = None
        self._build_figure(figure)
        self.figure._samtheory_explorer = self  # keep the widgets alive as long as the figure
        self.update()

    # ------------------------------------------------------------------------------------------
    # the state model's computations, on the current state (or the given one)
    # ------------------------------------------------------------------------------------------
    def objective(self, state: dict[str, Any] | None = None) -> Objective:
        """The objective of the current (or the given) state."""
        return self.model.objective(state)

    def oracle(self, objective: Objective, state: dict[str, Any] | None = None) -> Oracle | None:
        """The stochastic oracle of the state (None if deterministic)."""
        return self.model.oracle(objective, state)

    def start(self, state: dict[str, Any] | None = None) -> Any:
        """The starting point x₀ (or (x₀, y₀)) of the state."""
        return self.model.start(state)

    def method_name(self, state: dict[str, Any] | None = None) -> str:
        """The simulate() method of the state (GD with a stochastic oracle is SGD)."""
        return self.model.method_name(state)

    def simulation_arguments(self, state: dict[str, Any] | None = None) -> Any:
        """``(objective, method, keyword arguments)`` of the simulate() call an update makes."""
        return self.model.simulation_arguments(state)

    def simulate(self) -> SimulationResult:
        """The run the panels show: exactly ``simulate(*simulation_arguments())``."""
        return self.model.simulate()

    def measure_kind(self) -> str:
        """'loss' (f - f*) or 'gradsq' (||grad f||^2): the construction's measure."""
        return self.model.measure_kind()

    def predicted_floor(self) -> Any:
        """``(value, label, second)``: the construction's floor of the plotted measure and an optional
        second line ``(value, label)`` (the finite-η model or the fluctuation allowance)."""
        return self.model.predicted_floor()

    def predicted_points(self, lo: float | None = None, hi: float | None = None) -> list[Any]:
        """The predicted limit points (1-D: x values in [lo, hi], periodic copies included; 2-D: points)."""
        return self.model.predicted_points(lo, hi)

    def observed_floor(self) -> float:
        """Mean over the chains of the tail mean (last 10 % of the steps) of the plotted measure."""
        return self.model.observed_floor()

    def settling_step(self, within: float = 0.01) -> int | None:
        """First t from which the plotted measure stays within ``within`` (relative) of the observed floor
        (None if it does not by the end of the tail)."""
        return self.model.settling_step(within)

    def instance(self) -> Instance:
        """The :class:`~samtheory.theorems.Instance` of the current state (the run shown)."""
        return self.model.instance()

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
        self._text_cache = TextCache(fig)
        model = self.model
        title = model.name + (f": {model.ce.title}" if model.ce is not None else " (user-defined objective)")
        self.title = RasterText(fig, 0.5, 0.977, title, fontsize=13, ha="center", va="top")
        self.panels = Panels(fig, model)
        self.ax_f, self.ax_t = self.panels.ax_f, self.panels.ax_t
        self.lines, self.bound_lines = self.panels.lines, self.panels.bound_lines
        self.tail_span = self.panels.tail_span
        top, gap, rows = self._build_sliders(fig, model.ranges())
        self._build_selectors(fig)
        bottom = top - gap * rows - 0.012
        from matplotlib.widgets import Button, CheckButtons
        self.reset_button = Button(fig.add_axes([0.085, bottom - 0.03, 0.07, 0.04]), "reset")
        self.reset_button.label.set_fontsize(10.5)
        self.reset_button.on_clicked(lambda event: self.reset())
        ax = fig.add_axes([0.17, bottom - 0.036, 0.145, 0.052])
        self.checks_box = CheckButtons(ax, ["theorem checks"], [bool(self.state["checks"])])
        self._style_labels(self.checks_box.labels)
        self.checks_box.drawon = False
        self.checks_box.on_clicked(lambda label: self.set(checks=self.checks_box.get_status()[0]))
        self.readout = RasterText(fig, 0.535, 0.365, "", fontsize=9.5, family="monospace")
        self.message = fig.text(0.5, 0.69, "", color="#B00020", ha="center", va="center", fontsize=11.5,
                                visible=False, zorder=10,
                                bbox=dict(boxstyle="round,pad=0.6", facecolor="#FFF4F4", edgecolor="#B00020"))

    def _build_sliders(self, fig, ranges):
        """One slider per numeric control, top down; returns (top, gap, rows) of the column."""
        from matplotlib.widgets import Slider
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
        return top, gap, len(specs)

    def _build_selectors(self, fig):
        """The method selector, and the sampling selector of stochastic examples."""
        from matplotlib.widgets import RadioButtons
        ax = fig.add_axes([0.345, 0.175, 0.182, 0.17])
        ax.set_title("method", fontsize=10.5, loc="left")
        # a method whose step uses λ says so: the λ slider is its control
        shown = {label + (" (λ)" if get_method(name).uses_lam else ""): name for label, name in METHOD_LABELS.items()}
        self._radio_methods = list(shown.values())  # the selector's entries, fixed when it is built
        self.method_radio = RadioButtons(ax, list(shown), active=self._radio_methods.index(self.state["method"]))
        self._style_labels(self.method_radio.labels)
        self.method_radio.drawon = False
        self.method_radio.on_clicked(lambda label: self.set(method=shown[label]))
        self.sampling_radio = None
        if self.stochastic:
            ax = fig.add_axes([0.345, 0.03, 0.182, 0.095])
            ax.set_title("sampling", fontsize=10.5, loc="left")
            self.sampling_radio = RadioButtons(ax, SAMPLING_LABELS, active=0 if self.state["same_sample"] else 1)
            self._style_labels(self.sampling_radio.labels)
            self.sampling_radio.drawon = False
            self.sampling_radio.on_clicked(lambda label: self.set(same_sample=label == SAMPLING_LABELS[0]))

    @staticmethod
    def _style_labels(labels):
        for text in labels:
            text.set_fontsize(10.5)

    # ------------------------------------------------------------------------------------------
    # controls
    # ------------------------------------------------------------------------------------------
    def set(self, **changes: Any) -> None:
        """Change controls (as the widgets do), keep the widgets in step, and update. A bad value
        (an unknown control or method, a non-number) raises and changes nothing."""
        self._sync_widgets(self.model.set(**changes))
        self.update()

    def _sync_widgets(self, keys):
        for key in keys:
            slider = self.sliders.get(key)
            if slider is not None and slider.val != self.state[key]:
                slider.eventson = False
                slider.set_val(self.state[key])
                slider.eventson = True
        if "method" in keys and self.state["method"] in self._radio_methods:
            index = self._radio_methods.index(self.state["method"])
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
        self.model.reset()
        self._sync_widgets(list(self.state))
        self.update()

    # ------------------------------------------------------------------------------------------
    # updating
    # ------------------------------------------------------------------------------------------
    def update(self) -> None:
        """Re-run the simulation for the current controls and redraw (never raises for a bad state)."""
        begin = time.perf_counter()
        self._cancel_checks()
        if self.model.run() is None:  # an invalid state: its message instead of the plots
            self._show_message(self.model.message())
            self.panels.hide()
            self.readout.set_text(invalid_text(self.model))
            self.figure.canvas.draw_idle()
            self.last_update_seconds = time.perf_counter() - begin
            return
        self._show_message(self.model.message())
        self.panels.draw_run()
        self.readout.set_text(readout_text(self.model))
        self.last_update_seconds = time.perf_counter() - begin
        self._schedule_checks()  # at once without an event loop, else once the controls are still
        self.figure.canvas.draw_idle()

    def _show_message(self, text):
        wrapped = "\n".join(textwrap.wrap(text, 95)) if text else ""
        self.message.set_text(wrapped)
        self.message.set_visible(bool(text))

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
            timer = self.figure.canvas.new_timer(interval=CHECKS_DELAY_MS)
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

    def check_theorems(self, draw: bool = True) -> list[Any]:
        """Check every registry entry on the run shown (reusing it; entries that run simulations of
        their own or choose their own step sizes are left to ``samtheory verify``), draw the bounds
        of the applicable ones whose measure is the plotted one, and list the verdicts in the
        readout. Returns the verdicts of the applicable entries."""
        if self.result is None:
            return []
        verdicts = self.model.check_theorems()
        self.panels.draw_bounds(self.model.bound_curves())
        self.readout.set_text(readout_text(self.model, verdict_text(self.verdicts, self.not_applicable)))
        if draw:
            self.figure.canvas.draw_idle()
        return verdicts

    # ------------------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], dpi: int = 100) -> str | os.PathLike[str]:
        """Render the figure to ``path`` (the format from its extension: png, pdf, svg, ...) and
        return the path. The file is written through :func:`samtheory._io.open_output`: replaced
        whole or not at all."""
        from .._io import open_output
        fmt = save_format(path)
        with open_output(path) as fh:
            self.figure.savefig(fh, format=fmt, dpi=dpi)
        return path


def save_format(path: str | os.PathLike[str]) -> str:
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
