"""Instances and their context: what a theorem is checked on, and the numbers its bound reads.

An :class:`Instance` picks a function, a method and hyperparameters (numbers, schedules or
:class:`Rule` s chosen from the function's constants); :func:`make_context` turns it into a
:class:`Context`: the function's constants (β, μ, PL, Lipschitz), the expected-smoothness constants
(A, B, C, L) of its oracle, the resolved hyperparameters and the initial gap Δ. A bound may be
written as its :class:`Terms` (decaying and limit parts) so that reports can read each part.
"""
from __future__ import annotations

from typing import Any, Callable, TYPE_CHECKING

from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import InvalidParameterError
from ..functions import Objective, get_function
from ..oracles import AdditiveNoise
from ..schedules import Schedule

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike
    from ..oracles import Oracle


class Rule:
    """A hyperparameter chosen from the instance's constants, e.g. a theorem's step-size rule.

    ``Rule(lambda ctx: 1 / (4 * ctx.beta), "1/(4 beta)")`` in an :class:`Instance` is resolved
    when the context is built (after the function and the sampling constants are known).
    """

    def __init__(self, choose: Callable[..., Any], name: str):
        self.choose, self.name = choose, name

    def __repr__(self):
        return f"Rule({self.name})"


class Terms:
    r"""A bound written as its terms: ``decaying`` ones (functions of t, the :math:`\Delta` terms)
    and ``limit`` ones (constants: the ρ² and noise terms), combined by a sum or a maximum.

    A bound function may return a plain function of t; :func:`check` then takes it to be a sum
    (decaying part :math:`b_t-b_\infty`, limit :math:`b_\infty`). A bound of another form states
    its terms, so that the neighbourhood ratio (``Verdict.tail_ratio``) reads the right ones::

        return Terms(decaying={"contraction": lambda t: (1 - eta * mu) ** t * ctx.delta},
                     limit={"floor": beta ** 4 * eta ** 2 * rho ** 2 / mu}, combine="max")

    Calling it gives the bound: the sum, or the maximum, of all its terms at t.
    """

    def __init__(self, decaying: Callable[..., Any] | None = None, limit: float = None, combine: str = "sum"):
        if combine not in ("sum", "max"):
            raise ValueError(f"combine must be 'sum' or 'max'; got {combine!r}")
        self.decaying, self.limit, self.combine = dict(decaying or {}), dict(limit or {}), combine

    def decay(self, t: ArrayLike) -> Any:
        """The decaying part at t (the sum, or the maximum, of the decaying terms; 0 if none)."""
        parts = [np.asarray(term(t), dtype=float) for term in self.decaying.values()]
        if not parts:
            return np.zeros(np.shape(t))
        return sum(parts) if self.combine == "sum" else np.maximum.reduce(np.broadcast_arrays(*parts))

    def limit_value(self) -> float:
        """The limit as t → ∞: the sum, or the maximum, of the limit terms."""
        values = [float(v) for v in self.limit.values()] or [0.0]
        return sum(values) if self.combine == "sum" else max(values)

    def __call__(self, t):
        decay, limit = self.decay(t), self.limit_value()
        return decay + limit if self.combine == "sum" else np.maximum(decay, limit)

    def __repr__(self):
        return f"Terms({', '.join([*self.decaying, *self.limit])}; {self.combine})"


class Sides:
    r"""A measure given as the two sides of its inequality, for bounds of the form
    ``smaller ≤ larger + bound(t)`` whose bound is 0 (a descent inequality
    :math:`t_kc_k\|\nabla f(x_k)\|^2\le f(x_k)-f(x_{k+1})`): the difference alone is judged
    exactly as before, but a ratio measure/bound cannot be read off a bound of 0, and the
    difference says nothing about how close the inequality came to failing. With its sides the
    judge reports ``smaller / (larger + bound)`` instead, at its largest over the steps where the
    denominator is above the measure's rounding: 1 means the inequality was attained, 0.1 that it
    had a factor 10 of slack everywhere.

    ``smaller`` is the nonnegative side (a gradient norm, a guaranteed decrease); arrays of one
    shape, as a measure's values would be. Supported by ``every-t`` checks.
    """

    def __init__(self, smaller: ArrayLike, larger: ArrayLike):
        self.smaller = np.asarray(smaller, dtype=float)
        self.larger = np.asarray(larger, dtype=float)
        if self.smaller.shape != self.larger.shape:
            raise ValueError(f"the two sides must have one shape; got {self.smaller.shape} and {self.larger.shape}")

    @property
    def difference(self) -> np.ndarray:
        """``smaller − larger``: the measure judged against the bound."""
        return self.smaller - self.larger


@dataclass(frozen=True)
class Instance:
    """One concrete setting to check a theorem on.

    ``function`` is a catalog name (with ``function_args`` overrides) or an :class:`Objective`.
    ``noise``/``sigma`` add stochastic gradients; ``sampling`` (a dict of
    :class:`samtheory.sampling.FiniteSumSampling` arguments) samples a finite sum. ``eta`` and
    ``rho`` are numbers or schedules. ``horizons``: for theorems whose step size depends on
    :math:`T`, the geometric grid of :math:`T` (the step size is then chosen by the theorem).
    """

    function: object
    method: str = "sam"
    eta: object = None
    rho: object = 0.0
    lam: object = None
    steps: int = 1000
    trajectories: int = 1
    noise: str | None = None
    sigma: float = 0.0
    sampling: dict | None = None
    same_sample: bool = True
    x0: object = None
    seed: int = 0
    function_args: dict = field(default_factory=dict)
    horizons: tuple | None = None
    label: str = ""

    def describe(self) -> str:
        if self.label:
            return self.label
        name = self.function if isinstance(self.function, str) else self.function.name
        if self.function_args:  # a catalog entry built with other constants: say which
            name += "(" + ", ".join(f"{k}={_fmt_arg(v)}" for k, v in self.function_args.items()) + ")"
        parts = [name, self.method]
        for key in ("eta", "rho", "lam"):
            v = getattr(self, key)
            if v is not None and not (key == "rho" and v == 0.0):
                parts.append(f"{key}={_fmt(v)}")
        if self.noise:
            parts.append(f"{self.noise} sigma={self.sigma:g}")
        if self.sampling:
            parts.append("sampling=" + ",".join(f"{k}={v}" for k, v in self.sampling.items()))
        if self.noise or self.sampling:
            parts.append("same-sample" if self.same_sample else "independent-samples")
        if self.horizons:
            parts.append(f"T={min(self.horizons)}..{max(self.horizons)}")
        else:
            parts.append(f"T={self.steps}")
        return " ".join(parts)

    def validate(self) -> "Instance":
        """Raise :class:`~samtheory.InvalidParameterError` (naming the field, the value and the
        allowed range) when the instance is not a well-formed setting at all, as opposed to one
        outside a theorem's preconditions (which :func:`check` reports as ``not-applicable``).
        Returns the instance. The CLI calls it before checking, so that a malformed instance is
        a usage error rather than a "not-applicable" verdict."""
        from .. import _validation as V
        from ..methods import get_method
        method = get_method(self.method)
        stochastic = self.noise is not None or self.sampling is not None
        if self.noise is not None and self.sampling is not None:
            raise InvalidParameterError("noise and sampling are two oracles; give one of them")
        if self.noise is not None:
            V.check_choice("noise", self.noise, AdditiveNoise.KINDS)
            V.check_nonnegative("sigma", self.sigma)
        elif self.sigma not in (None, 0, 0.0):
            raise InvalidParameterError(f"sigma={self.sigma!r} needs noise (gaussian or rademacher)")
        if method.stochastic_only and not stochastic:
            raise InvalidParameterError(f"method {method.name!r} is stochastic and needs noise (or a sampling)")
        if method.deterministic_only and stochastic:
            raise InvalidParameterError(f"method {method.name!r} is deterministic; with noise use 'sgd'")
        if not self.same_sample and not stochastic:
            raise InvalidParameterError("independent samples need a stochastic oracle (noise or a sampling)")
        if self.eta is not None and not isinstance(self.eta, (Rule, Schedule)):
            V.check_positive("eta", self.eta)
        if not isinstance(self.rho, (Rule, Schedule)):
            V.check_nonnegative("rho", self.rho)
        if self.lam is not None and not isinstance(self.lam, (Rule, Schedule, str)):
            V.check_unit_interval("lam", self.lam)
        if self.lam is not None and not method.uses_lam:
            raise InvalidParameterError(f"lam is used by method 'unified' only; method {method.name!r} ignores it")
        V.check_positive_int("steps", self.steps)
        V.check_positive_int("trajectories", self.trajectories)
        V.check_seed("seed", self.seed)
        if self.horizons is not None:
            if len(self.horizons) == 0:
                raise InvalidParameterError("horizons must not be empty")
            for T in self.horizons:
                V.check_positive_int("horizons", T, minimum=2)
        if self.x0 is not None:
            x0 = V.as_float_array("x0", self.x0)
            dim = self.objective().dim
            if x0.shape[-1:] != (dim,):
                raise InvalidParameterError(f"x0 must have {dim} coordinates (the function's dimension); "
                                            f"got shape {x0.shape}")
        return self

    def objective(self) -> Objective:
        if isinstance(self.function, Objective):
            return self.function
        return get_function(self.function, **self.function_args)

    def oracle(self, objective: Objective) -> Oracle | None:
        if self.noise is not None:
            return AdditiveNoise(objective, self.sigma, self.noise)
        if self.sampling is not None:
            from ..sampling import FiniteSumSampling
            return FiniteSumSampling(objective, **self.sampling)
        return None

    def to_dict(self) -> dict[str, Any]:
        out = {"label": self.describe(), "function": self.function if isinstance(self.function, str)
               else self.function.name, "method": self.method, "eta": _jsonable(self.eta),
               "rho": _jsonable(self.rho), "lam": _jsonable(self.lam), "steps": self.steps,
               "trajectories": self.trajectories, "seed": self.seed}
        if self.noise:
            out.update(noise=self.noise, sigma=self.sigma, same_sample=self.same_sample)
        if self.sampling:
            out.update(sampling=self.sampling, same_sample=self.same_sample)
        if self.function_args:
            out["function_args"] = {k: _jsonable(v) for k, v in self.function_args.items()}
        if self.x0 is not None:  # the start makes a run reproducible (reports print it as --x0)
            out["x0"] = np.asarray(self.x0, dtype=float).tolist()
        if self.horizons:
            out["horizons"] = [int(T) for T in self.horizons]
        return out


def _fmt(v):
    if isinstance(v, (int, float, np.floating)):
        return f"{float(v):.4g}"
    return getattr(v, "name", str(v))


def _fmt_arg(v):
    if isinstance(v, (tuple, list, np.ndarray)):
        return "(" + ", ".join(_fmt(x) for x in np.ravel(v)) + ")"
    return _fmt(v)


def _jsonable(v):
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, (list, tuple, np.ndarray)):
        return np.asarray(v, dtype=float).tolist()
    return getattr(v, "name", str(v))


@dataclass
class Context:
    """The numbers a bound is a function of: constants of the function and the sampling, the
    hyperparameters, the horizon and the initial gap. Attributes are ``None`` when unknown."""

    objective: Objective
    instance: Instance
    oracle: object
    beta: float | None
    mu: float | None
    pl: float | None
    lipschitz: float | None
    f_star: float
    eta: object
    rho: object
    lam: object
    sigma: float
    steps: int
    stochastic: bool
    # expected smoothness (ABC) and the smoothness valid for every realization f_v
    A: float | None = None
    B: float | None = None
    C: float | None = None
    L: float | None = None
    # initial gap f(x0) - f*: a number, or one per trajectory; set from x0 when given and from
    # the simulation's first record otherwise (bounds read it lazily, after the run)
    delta: object = None
    unmet: list = field(default_factory=list)
    #: the subset of ``unmet`` that is about the function lacking a constant or a class
    missing: list = field(default_factory=list)

    def require(self, condition: bool, reason: str) -> None:
        """Record an unmet precondition (all of them are collected, not just the first)."""
        if not bool(condition):
            self.unmet.append(reason)
        return bool(condition)

    def need(self, *names: str) -> None:
        """The constants must exist; a missing one makes the theorem not applicable."""
        labels = {"beta": "smoothness", "mu": "strong convexity", "pl": "PL constant",
                  "lipschitz": "Lipschitz constant", "A": "expected-smoothness constant A"}
        ok = True
        for n in names:
            if getattr(self, n) is None:
                reason = f"the function has no {labels.get(n, n)} ({self.objective.name})"
                self.unmet.append(reason)
                self.missing.append(reason)
                ok = False
        return ok


def make_context(instance: Instance, objective: Objective = None) -> Context:
    obj = objective or instance.objective()
    oracle = instance.oracle(obj)
    ctx = Context(objective=obj, instance=instance, oracle=oracle, beta=obj.smoothness,
                  mu=obj.strong_convexity, pl=obj.pl, lipschitz=obj.lipschitz, f_star=obj.f_star,
                  eta=instance.eta, rho=instance.rho, lam=instance.lam,
                  sigma=float(instance.sigma) if instance.noise else 0.0, steps=instance.steps,
                  stochastic=oracle is not None)
    if instance.x0 is not None:
        x0 = np.asarray(instance.x0, dtype=float)
        if x0.shape[-1:] == (obj.dim,):
            ctx.delta = common_value(obj.value(x0) - obj.f_star)
    _set_sampling_constants(ctx, oracle, obj)
    rules = {k: getattr(instance, k) for k in ("eta", "rho", "lam") if isinstance(getattr(instance, k), Rule)}
    if rules:
        values = {}
        for key, rule in rules.items():
            try:
                chosen = rule.choose(ctx)
                values[key] = chosen if isinstance(chosen, Schedule) else float(chosen)
            except (InvalidParameterError, TypeError, ZeroDivisionError) as exc:
                raise InvalidParameterError(f"{key} rule {rule.name}: {exc}") from None
        resolved = replace(instance, **values)
        note = ", ".join(f"{k} by {r.name}" for k, r in rules.items())
        ctx.instance = replace(resolved, label=f"{resolved.describe()} [{note}]")
        for key, v in values.items():
            setattr(ctx, key, v)
    return ctx


def _set_sampling_constants(ctx, oracle, obj):
    if oracle is None:
        ctx.A, ctx.B, ctx.C, ctx.L = 0.0, 1.0, 0.0, obj.smoothness
    elif isinstance(oracle, AdditiveNoise):
        # E||grad f + xi||^2 = ||grad f||^2 + sigma^2 and every f + <xi, .> has f's smoothness
        ctx.A, ctx.B, ctx.C, ctx.L = 0.0, 1.0, oracle.variance, obj.smoothness
    elif hasattr(oracle, "expected_smoothness"):
        try:
            abc = oracle.expected_smoothness()
            ctx.A, ctx.B, ctx.C, ctx.L = abc["A"], abc["B"], abc["C"], abc["L"]
        except InvalidParameterError:
            pass  # e.g. the biased (unweighted) importance sampler: no ABC constants


def common_value(values):
    """A single number when all entries agree, else the flat array."""
    values = np.asarray(values, dtype=float).reshape(-1)
    return float(values[0]) if np.all(values == values[0]) else values


def with_instance(instance: Instance, **changes) -> Instance:
    return replace(instance, **changes)
