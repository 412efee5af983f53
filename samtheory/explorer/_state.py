r"""The explorer's state model: what the controls say, what run they ask for, what the theory predicts.

Nothing here imports matplotlib: :class:`ExplorerState` can be built, moved and checked without a
figure (``tests/test_explorer_state.py`` does so), and :class:`~samtheory.explorer.Explorer` holds one
and draws what it computes.

A state is a dict of controls: ``method``, ``eta`` (η), ``rho`` (ρ), ``sigma`` (σ), ``x0``
(and ``y0`` in 2-D), ``steps`` (T), ``lam`` (the Unified SAM λ), ``same_sample`` and
``checks``. The run a state asks for is one :func:`~samtheory.simulate` call with every step
recorded and the seed :data:`SEED`; a stochastic example runs :data:`CHAINS` chains and the
plotted measure is their mean,

.. math::  m_t = \frac{1}{C}\sum_{c=1}^{C} m(x^{(c)}_t),

with :math:`m = f - f^*` or :math:`m = \|\nabla f\|^2` (the construction's measure). The observed
floor is the chains' mean of the tail mean of :math:`m` over the last 10 % of the steps.
"""
from __future__ import annotations

from typing import Any, Iterator, TYPE_CHECKING

import math
from collections.abc import Mapping

import numpy as np

from .._validation import InvalidParameterError
from ..counterexamples import COUNTEREXAMPLES, get_counterexample
from ..functions import Objective
from ..methods import METHODS, get_method
from ..simulation import simulate

if TYPE_CHECKING:  # names used in annotations only
    from ..counterexamples import Counterexample
    from ..oracles import Oracle
    from ..simulation import SimulationResult
    from ..theorems import Instance, Verdict


class MethodLabels(Mapping[str, str]):
    """The methods the explorer offers, as selector label (``Method.label``) -> method name: every
    method of :data:`~samtheory.methods.METHODS` in its order except those that need an oracle
    (``sgd``: GD becomes SGD when the example is stochastic). Read from the registry at each use,
    so a variant registered after this module was imported (a new module in
    ``samtheory/methods/``, found by ``discover()``, or ``register_method``) is offered too."""

    def _current(self) -> dict[str, str]:
        return {m.label: m.name for m in METHODS.values() if not m.stochastic_only}

    def __getitem__(self, label: str) -> str:
        return self._current()[label]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())

    def __repr__(self) -> str:
        return f"MethodLabels({self._current()!r})"


#: selector label -> method name, live (see :class:`MethodLabels`): GD, SAM, USAM, Unified SAM and
#: any registered variant
METHOD_LABELS = MethodLabels()
#: the sampling selector's labels: the same sample for the ascent and the descent step, or two
SAMPLING_LABELS = ("same sample", "independent samples")
#: chains simulated for stochastic examples (the right panel shows their mean)
CHAINS = 16
#: the run every update simulates: the same seed every time, every step recorded
SEED = 0


#: the controls, in the order the figure lists them
CONTROLS = ("method", "eta", "rho", "sigma", "x0", "y0", "steps", "lam", "same_sample", "checks")
#: the controls a construction may have among its own parameters
CONSTRUCTION_CONTROLS = ("eta", "rho", "sigma", "x0", "y0")
#: the aggregations of a theorem's measure (``Theorem.measure_kind``) whose bounds are drawn against
#: the plotted quantity: pointwise ones on the curve itself, running averages against the running
#: average of the curve (a running minimum, "best", has no curve of its own here)
DRAWN_AGGREGATIONS = ("pointwise", "averaged")
#: cached objectives kept at most (a slider drag builds one per value of rho or sigma)
_CACHE_SIZE = 64


def names() -> list[str]:
    """The examples that can be explored by name (the counterexample catalog)."""
    return list(COUNTEREXAMPLES)


def finite_range(interval: Any, default: float, fallback: tuple[float, float]) -> tuple[float, float]:
    """(low, high) of a slider from a valid-range Interval (or None): infinite ends become ``fallback``'s,
    and the range is widened to contain ``default``."""
    low, high = fallback
    if interval is not None:
        if math.isfinite(interval.low):
            low = interval.low
        if math.isfinite(interval.high):
            high = interval.high
    if not low <= default <= high:  # never start outside the slider
        low, high = min(low, default), max(high, default)
    return float(low), float(high)


class ExplorerState:
    """The controls of the explorer for a counterexample (name or instance) or a 1-D/2-D Objective,
    and everything computed from them without drawing.

    Parameters are those of :class:`~samtheory.explorer.Explorer` (without ``figure``).

    Attributes
    ----------
    ce : Counterexample or None
        The catalog construction (None for a user's objective).
    construction : dict
        Construction parameters that are not controls.
    state, defaults : dict
        The current controls and what :meth:`reset` returns to.
    stochastic : bool
    dim : int
        1 or 2.
    result : SimulationResult or None
        The last run (None when the state is invalid; ``error`` then says why).
    prediction : dict or None
        The construction's :meth:`~samtheory.counterexamples.Counterexample.predict` at the state.
    verdicts, not_applicable : list
        After :meth:`check_theorems`: the applicable entries' verdicts and the others' reasons.
    """

    def __init__(self, target: str | Objective = "cosine-stall", *, check_theorems: bool = True,
                 params: Any = None, **initial: Any):
        # exactly one of the two is None: a catalog counterexample, or the user's objective
        self.ce: Counterexample | None
        self.user_objective: Objective | None
        if isinstance(target, Objective):
            if target.dim not in (1, 2):
                raise InvalidParameterError(f"explore needs a 1-D or 2-D objective; {target.name} has dimension {target.dim}")
            self.ce, self.user_objective = None, target
            self.name = target.name
        else:
            self.ce, self.user_objective = get_counterexample(target), None
            self.name = self.ce.name
        if "T" in initial:
            initial["steps"] = initial.pop("T")
        self.chains = int(initial.pop("chains", CHAINS))
        self.noise_kind = initial.pop("noise", "gaussian")
        construction = dict(params or {})
        for key in list(initial):
            if key not in CONTROLS:
                construction[key] = initial.pop(key)
        self.construction = construction
        self.checks_initially = check_theorems
        self.defaults = self._initial_state(initial)
        self.state = dict(self.defaults)
        self.result: SimulationResult | None = None
        self.prediction: dict[str, Any] | None = None
        self.verdicts: list[Verdict] = []
        self.not_applicable: list[str] = []  # the reasons the other registry entries give
        self.error: Exception | None = None
        self._objectives: dict[tuple, Objective] = {}
        self._checked: Instance | None = None  # the instance the verdicts are about

    # ------------------------------------------------------------------------------------------
    # parameters
    # ------------------------------------------------------------------------------------------
    @property
    def preset(self) -> dict[str, Any]:
        """The counterexample's starting state for the explorer (``Counterexample.explorer``:
        start, horizon, slider ranges); empty for a user's objective."""
        return dict(self.ce.explorer) if self.ce is not None else {}

    def _initial_state(self, initial):
        preset = self.preset
        # a preset's eta and rho act as if given by the caller (who may still override them)
        initial = {**{k: preset[k] for k in ("eta", "rho") if k in preset}, **initial}
        if self.ce is not None:
            names = set(self.ce.resolve(**self.construction))
            overrides = {k: v for k, v in initial.items() if k in names and k in CONSTRUCTION_CONTROLS}
            try:  # defaults that depend on the given controls (e.g. sigma on rho) follow them
                base = self.ce.resolve(**self.construction, **overrides)
            except InvalidParameterError:  # an invalid start: shown in the figure by update()
                base = self.ce.resolve(**self.construction)
            self.ce_names = names
            stochastic = self.ce.oracle(**base) is not None
            f = self.ce.objective(**base)
        else:
            base, self.ce_names = {}, set()
            f = self.user_objective
            stochastic = float(initial.get("sigma", 0.0) or 0.0) > 0
        self.stochastic = stochastic
        self.dim = f.dim
        start = f.minimizer if f.minimizer is not None else np.zeros(f.dim)
        state = {"method": "sam", "eta": float(base.get("eta", 0.1)), "rho": float(base.get("rho", 0.1)),
                 "sigma": float(base.get("sigma", initial.get("sigma", 0.0))) if stochastic else 0.0,
                 "x0": float(base.get("x0", preset.get("x0", float(start[0]) + 1.0))),
                 "steps": int(preset.get("steps", 200)), "lam": 0.5, "same_sample": True,
                 "checks": bool(self.checks_initially)}
        if f.dim == 2:
            state["y0"] = float(base.get("y0", float(start[1]) + 0.5))
        for key, value in initial.items():
            if key == "y0" and f.dim != 2:
                raise InvalidParameterError(f"explore: y0 needs a 2-D objective; {self.name} is 1-D")
            state[key] = value
        _check_method(state["method"])
        state["steps"] = int(state["steps"])
        state["same_sample"] = bool(state["same_sample"])
        return state

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Slider ranges: the construction's valid ranges at the defaults, else generous windows."""
        d = self.defaults
        ranges = {}
        valid = {}
        if self.ce is not None:
            try:
                valid = self.ce.valid_ranges(**self.construction_params(d))
            except InvalidParameterError:
                valid = self.ce.valid_ranges(**self.construction)
        for key in ("rho", "eta", "sigma"):
            if key == "sigma" and not self.stochastic:
                continue
            fallback = (0.0, 3.0 * d[key] if d[key] > 0 else 1.0)
            if key == "eta" and self.user_objective is not None and self.user_objective.smoothness:
                fallback = (0.0, 2.0 / self.user_objective.smoothness)
            ranges[key] = finite_range(valid.get(key), d[key], fallback)
        preset = self.preset
        span = max(3.0 * abs(d["x0"]), 3.0 * d["rho"], 1.0)
        ranges["x0"] = finite_range(valid.get("x0"), d["x0"], preset.get("x0_range", (-span, span)))
        if self.dim == 2:
            wide = max(3 * abs(d["y0"]), 1.0)
            ranges["y0"] = finite_range(valid.get("y0"), d["y0"], (-wide, wide))
        ranges["steps"] = (10, preset.get("steps_max", max(500, 10 * d["steps"])))
        ranges["lam"] = (0.0, 1.0)
        return ranges

    def construction_params(self, state: dict[str, Any] | None = None) -> dict[str, Any]:
        """The construction's parameters for a state: its own (fixed) ones, overridden by the controls
        it has (eta, rho, sigma, x0, y0)."""
        s = self.state if state is None else state
        out = dict(self.construction)
        for key in CONSTRUCTION_CONTROLS:
            if key in self.ce_names and key in s:
                out[key] = s[key]
        return out

    def objective(self, state: dict[str, Any] | None = None) -> Objective:
        """The objective of the current (or the given) state."""
        if self.ce is None:
            assert self.user_objective is not None  # for mypy: __init__ sets it whenever ce is None
            return self.user_objective
        params = self.construction_params(state)
        key = tuple(sorted((k, v) for k, v in params.items() if k not in ("eta", "x0", "y0")))
        if key not in self._objectives:
            if len(self._objectives) > _CACHE_SIZE:
                self._objectives.clear()
            self._objectives[key] = self.ce.objective(**params)
        return self._objectives[key]

    def oracle(self, objective: Objective, state: dict[str, Any] | None = None) -> Oracle | None:
        """The stochastic oracle of the state (None if deterministic)."""
        s = self.state if state is None else state
        if not self.stochastic:
            return None
        if self.ce is not None:
            return self.ce.oracle(objective=objective, **self.construction_params(s))
        from ..oracles import AdditiveNoise
        return AdditiveNoise(objective, s["sigma"], self.noise_kind)

    def start(self, state: dict[str, Any] | None = None) -> list[float]:
        """The starting point x₀ (or (x₀, y₀)) of the state."""
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
        no_ascent = get_method(method).perturbation is None  # GD and SGD: rho plays no part
        kwargs = dict(eta=float(s["eta"]), rho=0.0 if no_ascent else float(s["rho"]),
                      lam=float(s["lam"]), steps=int(s["steps"]), x0=self.start(s),
                      trajectories=self.chains if self.stochastic else 1, oracle=self.oracle(f, s),
                      same_sample=bool(s["same_sample"]), seed=SEED, record_every=1, history=True)
        return f, method, kwargs

    # ------------------------------------------------------------------------------------------
    # controls
    # ------------------------------------------------------------------------------------------
    def set(self, **changes: Any) -> list[str]:
        """Change controls (``T`` is another name for ``steps``) and return the names changed.

        Every value is checked and converted before any is stored, so a bad one changes nothing:
        ``steps`` is rounded to an integer, ``same_sample`` and ``checks`` become booleans, ``method``
        must be one of :data:`METHOD_LABELS`' values, the others become floats. Whether the new state
        is *valid* (inside the construction's ranges) is for :meth:`run` to find out.
        """
        converted = {}
        for key, value in changes.items():
            key = "steps" if key == "T" else key
            if key not in self.state:
                raise InvalidParameterError(f"explore: unknown control {key!r}; controls: {', '.join(self.state)}")
            if key == "method":
                _check_method(value)
            elif key in ("same_sample", "checks"):
                value = bool(value)
            else:
                try:
                    value = int(round(float(value))) if key == "steps" else float(value)
                except (TypeError, ValueError, OverflowError):
                    raise InvalidParameterError(f"explore: {key} must be a finite number, got {value!r}") from None
            converted[key] = value
        self.state.update(converted)
        return list(converted)

    def reset(self) -> None:
        """Every control back to its starting value."""
        self.state = dict(self.defaults)

    # ------------------------------------------------------------------------------------------
    # the run and what the construction predicts
    # ------------------------------------------------------------------------------------------
    def simulate(self) -> SimulationResult:
        """The run of the current state: exactly ``simulate(*simulation_arguments())``."""
        f, method, kwargs = self.simulation_arguments()
        return simulate(f, method, **kwargs)

    def run(self) -> SimulationResult | None:
        """Predict and simulate the current state; store and return the run, or None (with
        :attr:`error` set) when the state is invalid. Never raises for a bad state. Clears the
        verdicts of the previous run."""
        self.verdicts, self.not_applicable, self._checked = [], [], None
        try:
            if self.ce is not None:
                params = self.ce.resolve(**self.construction_params())
                self.prediction = self.ce.predict(**params)
            self.result = self.simulate()
        except Exception as exc:  # an invalid state is shown, not raised
            self.result = None
            self.error = exc
            return None
        self.error = None
        return self.result

    def message(self) -> str:
        """What the figure says over the plots: why there is no run, how many chains diverged, or ''."""
        if self.error is not None:
            exc = self.error
            prefix = "invalid state" if isinstance(exc, InvalidParameterError) else f"cannot update ({type(exc).__name__})"
            return f"{prefix}: {exc}"
        r = self.result
        if r is None:
            return ""
        diverged = r.status == "diverged"  # ("left-region" runs are drawn as they are)
        if np.any(diverged):
            first = int(r.diverged_at[diverged].min())
            return (f"{int(diverged.sum())} of {diverged.size} runs diverged (first at step {first}): "
                    "f - f* exceeded 1e100")
        return ""

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
        if not period or lo is None or hi is None:
            return [float(b) for b in base]
        out = []
        for b in base:
            k0, k1 = math.ceil((lo - b) / period), math.floor((hi - b) / period)
            out += [b + k * period for k in range(k0, k1 + 1)]
        return sorted(out)

    def valley_drift_steps(self) -> float | None:
        """For a construction with a predicted limit on the valley, the steps the drift to it takes,
        about :math:`1.1/(\\eta\\rho^2)` (measured in the valley's docstring); None otherwise."""
        if self.prediction is None or "sam_limit" not in self.prediction:
            return None
        s = self.state
        return 1.1 / (s["eta"] * s["rho"] ** 2) if s["rho"] > 0 else math.inf

    # ------------------------------------------------------------------------------------------
    # what the run shows
    # ------------------------------------------------------------------------------------------
    def shown_run(self) -> SimulationResult:
        """The run of the state (:attr:`result`); raises InvalidParameterError when there is none."""
        if self.result is None:
            raise InvalidParameterError(f"explore: no run to measure: {self.message() or 'run() has not been called'}")
        return self.result

    def curve(self, kind: str | None = None) -> np.ndarray:
        """The plotted measure per t (``kind`` 'loss': f - f*, 'gradsq': ||grad f||^2; default the
        construction's), averaged over the chains."""
        r = self.shown_run()
        values = r.loss_history if (kind or self.measure_kind()) == "loss" else r.gradsq_history
        return values.reshape(len(r.t), -1).mean(axis=1)

    def tail_start(self) -> int:
        """The first step of the tail (the last 10 % of the steps) over which the floor is averaged."""
        r = self.shown_run()
        steps = int(r.steps)
        return steps - max(1, int(round(r.tail * steps)))

    def observed_floor(self) -> float:
        """Mean over the chains of the tail mean (last 10 % of the steps) of the plotted measure."""
        r = self.shown_run()
        tail = r.loss_tail_mean if self.measure_kind() == "loss" else r.gradsq_tail_mean
        return float(np.mean(tail))

    def settling_step(self, within: float = 0.01) -> int | None:
        """First t from which the plotted measure stays within ``within`` (relative) of the observed floor
        (None if it does not by the end of the tail)."""
        curve = self.curve()
        level = self.observed_floor()
        off = ~(np.abs(curve - level) <= within * abs(level))
        if not off.any():
            return 0
        last = int(np.flatnonzero(off)[-1]) + 1
        return last if last <= self.tail_start() else None

    # ------------------------------------------------------------------------------------------
    # theorem checks
    # ------------------------------------------------------------------------------------------
    def instance(self) -> Instance:
        """The :class:`~samtheory.theorems.Instance` of the current state (the run shown)."""
        from ..theorems import Instance
        f, method, kw = self.simulation_arguments()
        oracle = kw["oracle"]
        return Instance(f, method=method, eta=kw["eta"], rho=kw["rho"], lam=kw["lam"] if get_method(method).uses_lam else None,
                        steps=kw["steps"], trajectories=kw["trajectories"], x0=kw["x0"], seed=kw["seed"],
                        noise=oracle.kind if oracle is not None else None,
                        sigma=oracle.sigma if oracle is not None else 0.0, same_sample=kw["same_sample"])

    def check_theorems(self) -> list[Verdict]:
        """Check every registry entry on the run shown (reusing it; entries that run simulations of
        their own or choose their own step sizes are left to ``samtheory verify``). Stores and
        returns the verdicts of the applicable entries (the others' reasons go to
        :attr:`not_applicable`); no run, no verdicts."""
        from ..theorems import THEOREMS, check
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
        self._checked = inst
        return verdicts

    def bound_curves(self) -> list[tuple[str, np.ndarray, bool]]:
        """``(theorem id, bound per t, averaged)`` for the verdicts whose measure is the plotted one
        (``averaged`` False) or its running average (True) and whose bound holds at every t; bounds
        that cannot be evaluated here are left out. What a measure is comes from its declaration
        (:func:`samtheory.theorems.measures.declares`, read as ``Theorem.measure_kind``), not its name."""
        from ..theorems import THEOREMS, NotApplicable, make_context
        kind = self.measure_kind()
        t = self.shown_run().t
        inst = self._checked if self._checked is not None else self.instance()
        curves = []
        for v in self.verdicts:
            th = THEOREMS[v.theorem]
            declared = th.measure_kind  # what the measure function says it measures
            if th.check != "every-t" or declared is None or declared.quantity != kind \
                    or declared.aggregation not in DRAWN_AGGREGATIONS:
                continue
            try:
                bound = th.bound(make_context(inst))
                values = np.asarray(bound(t[:, None]) if callable(bound) else bound, dtype=float)
                values = np.broadcast_to(values, (len(t), max(1, values.shape[-1] if values.ndim == 2 else 1)))[:, 0]
            except (NotApplicable, InvalidParameterError, TypeError, ValueError):
                continue
            curves.append((th.id, values, declared.aggregation == "averaged"))
        return curves

    def running_average(self) -> np.ndarray:
        r"""The running average :math:`\frac1T\sum_{t<T} m_t` of the plotted measure, per T."""
        from ..theorems.measures import running_average
        return running_average(self.curve()[:, None])[:, 0]


def _check_method(method: Any) -> None:
    if method not in METHOD_LABELS.values():
        raise InvalidParameterError(f"explore: unknown method {method!r}; choose one of: "
                                    + ", ".join(METHOD_LABELS.values()))
