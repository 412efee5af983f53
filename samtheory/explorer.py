r"""Interactive counterexample explorer: move ρ, η, σ, x₀, T and the method, and see where SAM goes.

``samtheory explore NAME`` (or :func:`explore` from Python or a notebook with
``%matplotlib widget``) opens one figure with

* left: f with its virtual loss :math:`J_f` and the iterates on top (1-D), or the contours of f with
  the trajectory (2-D, e.g. :math:`(xy-1)^2` with the hyperbola :math:`xy=1`);
* right: :math:`f-f^*` or :math:`\|\nabla f\|^2` against t on log axes, with the construction's
  predicted floor dashed;
* sliders for ρ, η, x₀, T (σ for stochastic examples, λ for Unified SAM), a method selector, a
  sampling-mode selector (stochastic examples), a reset button, a button that checks the theorem
  registry's applicable entries on the current instance, and a readout of the observed floor
  against the predicted one and the verdicts.

Slider ranges come from each construction's valid ranges (:mod:`samtheory.counterexamples`); an
invalid state (for example η outside the range where the stall attracts) shows the message in the
figure instead of raising. Any user-defined 1-D or 2-D :class:`~samtheory.functions.Objective`
can be explored too (no prediction is drawn then).
"""
from __future__ import annotations

import math

import numpy as np

from ._validation import InvalidParameterError
from .counterexamples import COUNTEREXAMPLES, get_counterexample
from .functions import Objective
from .simulate import simulate

METHODS = ("sam", "usam", "unified", "gd")
#: chains simulated for stochastic examples (the curve is their mean)
CHAINS = 16


def _slider_range(ce, name, default):
    """(low, high) for a slider: the valid range where finite, else [0, 3 x default]."""
    try:
        interval = ce.valid_ranges()[name]
    except (InvalidParameterError, KeyError):
        interval = None
    low, high = 0.0, 3.0 * abs(default) if default else 1.0
    if interval is not None:
        low = interval.low if math.isfinite(interval.low) else low
        high = interval.high if math.isfinite(interval.high) else max(high, 3.0 * abs(default))
    if not low < default < high:
        high = max(high, 2 * abs(default) + 1e-12)
    return low, high


class Explorer:
    """The explorer figure for a counterexample name or an Objective (see the module docstring).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    sliders : dict of name -> Slider
    state : dict of the current parameters (method, eta, rho, sigma, x0, steps, lam, same_sample)
    readout : matplotlib.text.Text
    result : SimulationResult of the last update (None when the state is invalid)
    """

    def __init__(self, target="cosine-stall", *, figure=None, **overrides):
        import matplotlib.pyplot as plt
        from matplotlib.widgets import Button, RadioButtons, Slider
        if isinstance(target, Objective):
            if target.dim not in (1, 2):
                raise InvalidParameterError(f"explore needs a 1-D or 2-D objective; {target.name} has d = {target.dim}")
            self.ce, self.user_objective = None, target
            defaults = {"eta": 0.1, "rho": 0.1, "x0": 1.0}
        else:
            self.ce, self.user_objective = get_counterexample(target), None
            defaults = self.ce.resolve()
        self.stochastic = self.ce is not None and self.ce.oracle(objective=self.ce.objective()) is not None
        self.defaults = {"method": "sam", "eta": float(defaults.get("eta", 0.1)), "rho": float(defaults.get("rho", 0.1)),
                         "sigma": float(defaults.get("sigma", 0.0)) if self.stochastic else 0.0,
                         "x0": float(defaults.get("x0", self._default_x0())), "steps": 400, "lam": 0.5,
                         "same_sample": True}
        self.defaults.update(overrides)
        self.state = dict(self.defaults)
        self.result = None
        self.verdicts = []
        self.figure = figure or plt.figure(figsize=(13.0, 7.2))
        fig = self.figure
        self.ax_f = fig.add_axes([0.06, 0.42, 0.40, 0.50])
        self.ax_t = fig.add_axes([0.55, 0.42, 0.42, 0.50])
        name = self.ce.name if self.ce else self.user_objective.name
        fig.suptitle(f"samtheory explorer: {name}" + (f" — {self.ce.title}" if self.ce else ""), fontsize=11)
        self.sliders = {}
        specs = [("rho", "rho"), ("eta", "eta"), ("x0", "x0"), ("steps", "T"), ("lam", "lambda")]
        if self.stochastic:
            specs.insert(2, ("sigma", "sigma"))
        for k, (key, label) in enumerate(specs):
            ax = fig.add_axes([0.10, 0.31 - 0.045 * k, 0.33, 0.03])
            lo, hi = self._range(key)
            s = Slider(ax, label, lo, hi, valinit=self.state[key], valstep=1 if key == "steps" else None)
            s.on_changed(lambda v, key=key: self.set(**{key: v}))
            self.sliders[key] = s
        self.method_radio = RadioButtons(fig.add_axes([0.50, 0.05, 0.08, 0.26]), METHODS, active=0)
        self.method_radio.on_clicked(lambda label: self.set(method=label))
        self.mode_radio = None
        if self.stochastic:
            self.mode_radio = RadioButtons(fig.add_axes([0.59, 0.05, 0.12, 0.12]), ("same sample", "independent"), active=0)
            self.mode_radio.on_clicked(lambda label: self.set(same_sample=label == "same sample"))
        self.reset_button = Button(fig.add_axes([0.59, 0.25, 0.12, 0.05]), "reset")
        self.reset_button.on_clicked(lambda event: self.reset())
        self.check_button = Button(fig.add_axes([0.59, 0.19, 0.12, 0.05]), "check theorems")
        self.check_button.on_clicked(lambda event: self.check_theorems())
        self.readout = fig.text(0.73, 0.30, "", fontsize=8.5, va="top", family="monospace")
        self.message = fig.text(0.5, 0.96, "", color="#B00020", ha="center", fontsize=10)
        self.update()

    # -- parameters ----------------------------------------------------------------------------
    def _default_x0(self):
        if self.ce is None:
            return 1.0
        return {"quadratic-cycle": 1.5, "cosine-stall": 0.9, "hallucinated-minimizer": -3.0, "asymmetric-noise": 0.3,
                "cosine-noise": 0.9, "valley": 2.0}.get(self.ce.name, 0.5)

    def _range(self, key):
        default = self.state[key]
        if key == "steps":
            return 10, 5000
        if key == "lam":
            return 0.0, 1.0
        if key == "x0":
            span = 4 * max(abs(default), self.state["rho"], 0.1)
            return -span, span
        if self.ce is not None and key in self.ce.resolve():
            return _slider_range(self.ce, key, default)
        return 0.0, 3.0 * abs(default) if default else 1.0

    def objective(self):
        if self.ce is None:
            return self.user_objective
        return self.ce.objective(**self._ce_params())

    def _ce_params(self):
        names = self.ce.resolve().keys()
        params = {k: self.state[k] for k in ("eta", "rho", "sigma") if k in names}
        if "x0" in names:
            params["x0"] = self.state["x0"]
        return params

    def _start(self, f):
        if f.dim == 2:
            y0 = self.ce.resolve().get("y0", 0.25) if self.ce else 1.0
            return [self.state["x0"], y0]
        return [self.state["x0"]]

    def set(self, **changes):
        """Change parameters (as the controls do) and redraw."""
        for key, value in changes.items():
            if key not in self.state:
                raise InvalidParameterError(f"explorer: unknown control {key!r}; controls: {', '.join(self.state)}")
            self.state[key] = int(round(value)) if key == "steps" else value
            slider = self.sliders.get(key)
            if slider is not None and slider.val != value:  # keep the control in step with the API
                slider.eventson = False
                slider.set_val(value)
                slider.eventson = True
        self.verdicts = []
        self.update()

    def reset(self):
        self.state = dict(self.defaults)
        for key, s in self.sliders.items():
            s.eventson = False
            s.set_val(self.state[key])
            s.eventson = True
        self.method_radio.set_active(METHODS.index(self.state["method"]))
        self.update()

    # -- simulation and drawing ----------------------------------------------------------------
    def simulate(self):
        """The run the panels show: the same call a user would make directly."""
        s = self.state
        f = self.objective()
        oracle = self.ce.oracle(objective=f, **self._ce_params()) if self.ce is not None else None
        method = s["method"]
        if oracle is not None and method == "gd":
            method = "sgd"
        return simulate(f, method, eta=s["eta"], rho=s["rho"] if method not in ("gd", "sgd") else 0.0,
                        lam=s["lam"], steps=int(s["steps"]), x0=self._start(f),
                        trajectories=CHAINS if oracle is not None else 1, oracle=oracle,
                        same_sample=s["same_sample"], seed=0, history=True, record_every=1)

    def predicted_floor(self):
        if self.ce is None:
            return None, None
        pred = self.ce.predict(**self._ce_params())
        for key, measure in (("floor", "loss"), ("sam_level", "loss"), ("gradsq", "gradsq"), ("level", "loss")):
            if key in pred and isinstance(pred[key], (int, float)):
                return float(pred[key]), measure
        return None, None

    def update(self):
        self.message.set_text("")
        try:
            if self.ce is not None:
                self.ce.resolve(**self._ce_params())
            self.result = self.simulate()
        except InvalidParameterError as exc:
            self.result = None
            self.message.set_text(f"invalid state: {exc}")
            for ax in (self.ax_f, self.ax_t):
                ax.clear()
            self.readout.set_text("")
            self._draw_idle()
            return
        self._draw()

    def _draw(self):
        r, f = self.result, self.objective()
        floor, measure = self.predicted_floor()
        measure = measure or "loss"
        self.ax_f.clear()
        self.ax_t.clear()
        path = r.x_history[:, 0, :] if r.x_history.ndim == 3 else r.x_history.reshape(len(r.t), -1, f.dim)[:, 0, :]
        if f.dim == 1:
            xs = path[:, 0]
            span = max(float(np.ptp(xs)), 4 * self.state["rho"], 0.2)
            grid = np.linspace(xs.min() - 0.6 * span, xs.max() + 0.6 * span, 500)
            self.ax_f.plot(grid, f.value(grid[:, None]), color="black", lw=1.5, label="f")
            if self.state["rho"] > 0:
                from . import virtual_loss as vl
                noise = dict(noise="rademacher", sigma=self.state["sigma"]) if self.stochastic and self.state["sigma"] > 0 else {}
                J = vl.virtual_loss(f, grid, self.state["rho"], x_ref=float(grid[0]), J_ref=float(f.value(grid[:1, None])[0]),
                                    **noise)
                self.ax_f.plot(grid, J, color="#D55E00", lw=1.2, ls="--", label="virtual loss J_f")
            self.path_line, = self.ax_f.plot(xs, f.value(xs[:, None]), color="#E6B800", lw=1.5, marker=".", ms=3,
                                             label="iterates (chain 1)")
            self.ax_f.set(xlabel="x", ylabel="f")
        else:
            lo = np.minimum(path.min(axis=0), 0.2) - 0.3
            hi = np.maximum(path.max(axis=0), 1.5) + 0.3
            gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
            Z = f.value(np.stack([gx, gy], axis=-1))
            self.ax_f.contourf(gx, gy, np.log10(Z - f.f_star + 1e-8), levels=25, cmap="Greys")
            if self.ce is not None and self.ce.name == "valley":
                xx = np.linspace(max(lo[0], 0.05), hi[0], 200)
                self.ax_f.plot(xx, 1 / xx, "k--", lw=1, label="xy = 1")
            self.path_line, = self.ax_f.plot(path[:, 0], path[:, 1], color="#E6B800", lw=1.5, label="trajectory")
            self.ax_f.set(xlabel="x", ylabel="y", xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
        self.ax_f.legend(fontsize=8, loc="upper right")
        curve = (r.loss_history if measure == "loss" else r.gradsq_history).reshape(len(r.t), -1).mean(axis=1)
        self.curve_line, = self.ax_t.loglog(r.t + 1, np.maximum(curve, 1e-30), color="#0072B2", lw=1.5,
                                            label=("f - f*" if measure == "loss" else "||grad f||^2")
                                            + (f" (mean of {CHAINS})" if self.stochastic else ""))
        if floor is not None:
            self.ax_t.axhline(floor, color="#D55E00", ls="--", label=f"predicted floor {floor:.3g}")
        self.ax_t.set(xlabel="t + 1", ylabel="f - f*" if measure == "loss" else "||grad f||^2")
        self.ax_t.grid(alpha=0.3)
        self.ax_t.legend(fontsize=8)
        tail = curve[len(curve) // 2:]
        observed = float(np.mean(tail))
        s = self.state
        lines = [f"method {s['method']}, eta {s['eta']:.4g}, rho {s['rho']:.4g}" + (f", lam {s['lam']:.2f}" if s["method"] == "unified" else ""),
                 f"T {s['steps']}, x0 {s['x0']:.4g}" + (f", sigma {s['sigma']:.3g}, {'same sample' if s['same_sample'] else 'independent'}" if self.stochastic else ""),
                 f"observed floor (tail mean): {observed:.4g}",
                 f"predicted floor:            {floor:.4g}" if floor is not None else "predicted floor: none for this function"]
        if floor:
            lines.append(f"observed / predicted:       {observed / floor:.4g}")
        if self.verdicts:
            lines.append("theorems on this instance:")
            lines += [f"  {v.verdict:<14} {v.theorem}" for v in self.verdicts]
        else:
            lines.append("(press 'check theorems' for verdicts)")
        self.readout.set_text("\n".join(lines))
        self._draw_idle()

    def _draw_idle(self):
        self.figure.canvas.draw_idle()

    def check_theorems(self, max_steps=2000):
        """Check the registry entries that apply to the current instance (deterministic, constant
        eta and rho, every-t or exact checks) and show their verdicts in the readout."""
        from .theorems import THEOREMS, Instance, check
        if self.result is None:
            return []
        s = self.state
        f = self.objective()
        inst = Instance(f, method=s["method"], eta=s["eta"], rho=s["rho"] if s["method"] != "gd" else 0.0,
                        lam=s["lam"] if s["method"] == "unified" else None, steps=min(int(s["steps"]), max_steps),
                        x0=self._start(f), trajectories=CHAINS if self.stochastic else 1,
                        noise="rademacher" if self.stochastic else None, sigma=s["sigma"] if self.stochastic else 0.0,
                        same_sample=s["same_sample"])
        out = []
        for th in THEOREMS.values():
            if th.check not in ("every-t", "floor", "exact") or th.simulates:
                continue
            v = check(th, inst)
            if v.verdict != "not-applicable":
                out.append(v)
        self.verdicts = out
        self._draw()
        return out

    def save(self, path):
        self.figure.savefig(path, dpi=110)
        return path


def explore(target="cosine-stall", **params) -> Explorer:
    """Open the explorer (any matplotlib backend; in Jupyter use ``%matplotlib widget``)."""
    return Explorer(target, **params)


def names():
    return list(COUNTEREXAMPLES)
