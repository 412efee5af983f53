r"""Mutation analysis of ``samtheory verify``: how many deliberately wrong theorems and simulators
does the verifier notice?

``python benchmarks/mutation.py [--only NAME[,NAME]] [--search-budget N] [--list] [--json PATH]
[--markdown PATH] [--no-witnesses]``

1. Question
===========
``samtheory verify`` checks every registry entry on a handful of *default instances* and exits 1
when a check fails. A pass is only informative if the checks have power: if a theorem were stated
with a constant that is too small, a rate that is too fast, a precondition that is too weak, or
if the simulator itself were wrong, would ``verify`` notice? This harness measures that power the
way mutation testing measures the power of a test suite: it builds **mutants** — variants of the
registry or of the simulator that are known to be *false* — and counts how many of them make
``verify`` fail.

2. Mutants
==========
A mutant is a named patch of the in-memory objects (:class:`Mutant`); nothing on disk is edited.
Four categories:

``constant-cut``
    A constant of a statement moved in the unsafe direction: an upper bound (or one of its
    terms) multiplied by a factor below 1, a lower bound raised, an exact prediction changed.
``rate-sharpened``
    An :math:`\mathcal O(T^{-p})` claim with a larger :math:`p` (for ``rate`` entries the
    explicit certificate is removed as well, since it has the old, slower form and would otherwise
    certify the new claim by mistake), or a linear rate with a smaller factor.
``precondition-loosened``
    A step-size (or schedule) condition replaced by a weaker one, e.g. :math:`\eta\le1/(2\beta)`
    by :math:`\eta<2/\beta`; implemented by removing the entry's own unmet-precondition reason and
    stating the weaker one instead, so every other part of the entry is unchanged.
``simulator-fault``
    A bug in the simulator: a wrong radius, a missing normalization, a wrong noise variance, a
    broken same-sample flag, the descent gradient taken at the wrong point, a sign error.

**Why each registry mutant is false.** A mutant only measures the verifier if the mutated
statement is actually false; otherwise a verifier that "misses" it is right. Every registry
mutant therefore carries ``why_false``, an argument, and (almost always) a ``witness``: a small
hand-made :class:`~samtheory.theorems.Instance` on which the *mutated* entry is ``violated`` while
the original entry holds (or is not applicable, for a loosened precondition). The harness
re-checks every witness (``--no-witnesses`` skips it) and reports whether it confirms the
argument. Mutants whose statement is believed to be still true (no witness, and an argument
that it cannot be found) are marked **equivalent**: they are run and shown, but excluded from
the score — a verifier that catches one of them has a false alarm, which is worth knowing too.
Asymptotic entries (a limit statement) can never be ``violated`` by a finite run; their witness
is expected to end ``inconclusive``.

3. Protocol
===========
Each mutant is judged on the registry entries it concerns, given as ``verify --only`` prefixes.
For each prefix the harness starts a fresh interpreter,
``python benchmarks/mutation.py --run-mutant NAME -- verify --only PREFIX --json FILE``, which
applies the patch and then calls :func:`samtheory.cli.main` with the arguments after ``--``; its
exit status is that of ``verify``. A fresh process per run keeps patches (and the JAX compilation
cache, which is keyed on object identities) from leaking between mutants, and one run at a time
keeps the machine usable. The same command with ``--run-mutant baseline`` runs the un-mutated
code on the same prefix, once per prefix; it must exit 0.

Outcome of a mutant (over its prefixes, the first that applies):

``caught``
    on some prefix whose baseline passes, ``verify`` exited 1 and reported at least one
    ``violated`` verdict (a theorem check, a simulator self-check, or any other record with a
    verdict in the JSON, e.g. worst-case search results).
``caught-by-failure``
    ``verify`` exited 1 only through ``error``/``not-applicable``/``inconclusive``/``diverged``
    (a weaker signal: something is off, but no bound was shown to fail).
``harness-error``
    the child crashed, timed out or wrote no JSON.
``baseline-fails``
    the un-mutated code already fails on that prefix, so a failure says nothing.
``missed``
    ``verify`` exited 0.

**Score**: ``caught X of Y (Z %)`` with Y the number of non-equivalent mutants run; the weaker
count including ``caught-by-failure`` is shown too, and both per category.

``--search-budget N`` is passed to ``verify`` (mutants and baselines alike) only when given, and
only if ``samtheory verify --help`` lists the option (the harness says which).

4. What it does not measure
===========================
The mutants are hand-written, so the score says how well ``verify`` defends against *these*
mistakes, typical ones for this code base, not against every mistake. Most registry mutants are
false only on instances the default instances do not contain (that is how they were chosen: a
constant cut by 10 % is invisible on an instance where the bound has 20 % slack), so a low score
with default instances alone is the expected starting point; worst-case search is what should
raise it.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, replace

try:
    import samtheory  # noqa: F401
except ImportError:  # run from a source checkout without `pip install .`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_JSON = os.path.join(HERE, "results", "mutation.json")
DEFAULT_MARKDOWN = os.path.join(HERE, "results", "mutation.md")
CATEGORIES = ("constant-cut", "rate-sharpened", "precondition-loosened", "simulator-fault")
OUTCOMES = ("caught", "caught-by-failure", "harness-error", "baseline-fails", "missed")
BASELINE = "baseline"
CHILD_TIMEOUT = 3600.0


# ---------------------------------------------------------------------------------------------
# mutants
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mutant:
    """A deliberately wrong variant of the registry or the simulator.

    ``patch()`` applies it to the in-memory objects and returns a function that undoes it.
    ``prefixes`` are the ``verify --only`` prefixes it is judged on. Registry mutants name their
    ``target`` entry, say ``why_false`` and usually give a ``witness()`` instance on which the
    mutated entry is expected to end ``witness_expect``.
    """

    name: str
    category: str
    prefixes: tuple
    description: str
    patch: object
    why_false: str = ""
    target: str | None = None
    witness: object = None
    witness_expect: str = "violated"
    equivalent: bool = False

    @contextlib.contextmanager
    def applied(self):
        """Apply the patch for the duration of a ``with`` block, then undo it."""
        undo = self.patch()
        try:
            yield self
        finally:
            undo()

    def summary(self) -> dict:
        return {"name": self.name, "category": self.category, "prefixes": list(self.prefixes),
                "description": self.description, "why_false": self.why_false, "target": self.target,
                "equivalent": self.equivalent, "witness_expect": self.witness_expect if self.witness else None}


def _num(value):
    """A hyperparameter as a float (nan when it is a schedule or missing: the entry's own
    precondition then makes the check not applicable before the bound is evaluated)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


# -- patch primitives --------------------------------------------------------------------------

def _theorem_patch(tid, changes):
    """Re-register entry ``tid`` with the fields ``changes(original) -> dict`` replaced."""
    def patch():
        from samtheory.theorems import THEOREMS, register_theorem
        original = THEOREMS[tid]
        register_theorem(replace(original, **changes(original)), overwrite=True)

        def undo():
            THEOREMS[tid] = original
        return undo
    return patch


def _attr_patch(owner, attr, make):
    """Set ``owner.attr`` (``owner`` an importable dotted name) to ``make(old)``."""
    def patch():
        import importlib
        mod_name, _, cls_name = owner.partition(":")
        obj = importlib.import_module(mod_name)
        if cls_name:
            obj = getattr(obj, cls_name)
        old = getattr(obj, attr)
        setattr(obj, attr, make(old))

        def undo():
            setattr(obj, attr, old)
        return undo
    return patch


def _method_patch(name, perturbation):
    """Replace the perturbation of method ``name`` in ``samtheory.methods.METHODS``."""
    def patch():
        from samtheory.methods import METHODS
        old = METHODS[name]
        METHODS[name] = replace(old, perturbation=perturbation)

        def undo():
            METHODS[name] = old
        return undo
    return patch


# -- bound transformers (each returns a ``changes`` function for _theorem_patch) --------------

def _bound_times(factor):
    """bound' = factor × bound (numbers, arrays and functions of t alike)."""
    def changes(th):
        orig = th.bound

        def bound(ctx):
            b = orig(ctx)
            if callable(b):
                return lambda t: factor * np.asarray(b(t), dtype=float)
            return factor * b if np.isscalar(b) else factor * np.asarray(b, dtype=float)
        return {"bound": bound}
    return changes


def _bound_minus(term, fraction):
    """bound' = bound − fraction × term(ctx): removes that fraction of one additive term."""
    def changes(th):
        orig = th.bound

        def bound(ctx):
            b = orig(ctx)
            if ctx.unmet:
                return b
            cut = fraction * term(ctx)
            if callable(b):
                return lambda t: np.asarray(b(t), dtype=float) - cut
            return b - cut
        return {"bound": bound}
    return changes


def _bound_replaced(make):
    """bound' = make(ctx), after the original bound has stated its preconditions."""
    def changes(th):
        orig = th.bound

        def bound(ctx):
            b = orig(ctx)
            if ctx.unmet:
                return b
            return make(ctx, b)
        return {"bound": bound}
    return changes


def _loosened(drop, condition, reason):
    """Remove the entry's unmet reasons containing ``drop`` and require ``condition(ctx)``
    instead: the statement claimed under a weaker precondition."""
    def changes(th):
        orig = th.bound

        def bound(ctx):
            before = len(ctx.unmet)
            b = orig(ctx)
            ctx.unmet[before:] = [r for r in ctx.unmet[before:] if drop not in r]
            try:
                ok = bool(condition(ctx))
            except (TypeError, ValueError):
                ok = False
            ctx.require(ok, reason)
            return b
        return {"bound": bound}
    return changes


def _rate(p):
    """A faster claimed decay T^-p; the old-form certificate is dropped (it cannot certify it)."""
    return lambda th: {"rate": float(p), "certificate": None, "certificate_name": ""}


def _measure_plus(extra):
    """measure' = measure + extra(run): moves the checked quantity (for entries whose constant
    lives in the measure, checked against the bound 0)."""
    def changes(th):
        orig = th.measure

        def measure(run):
            from samtheory.theorems import Sides
            values = orig(run)
            if isinstance(values, Sides):  # the extra moves the smaller side (the difference alike)
                return Sides(values.smaller + extra(run), values.larger)
            return np.asarray(values, dtype=float) + extra(run)
        return {"measure": measure}
    return changes


# -- Unified SAM constants (recomputed from the public step-size formulas) --------------------

def _unified_constants(ctx):
    """(mu, L, C, lam, gamma, rho) of a Unified SAM instance with constant steps."""
    inst = ctx.instance
    lam = {"sam": 1.0, "usam": 0.0}.get(inst.method, _num(inst.lam))
    return (ctx.pl or ctx.mu or 1.0), (ctx.L or 1.0), (ctx.C or 0.0), lam, _num(inst.eta), _num(inst.rho)


def _unified_pl(rate_factor=1.0, noise_factor=1.0):
    """The constant-step PL bound q^t Δ + N Σ_{s<t} q^s with q = 1 − rate_factor γμ and the
    per-step noise N scaled by noise_factor."""
    def make(ctx, _):
        from samtheory import stepsizes as S
        mu, L, C, lam, gamma, rho = _unified_constants(ctx)
        N = noise_factor * S.pl_one_step_noise(rho, gamma, L, C, lam)
        q = 1 - rate_factor * gamma * mu

        def bound(t):
            t = np.asarray(t, dtype=float)
            geometric = (1 - q ** t) / (1 - q) if q != 1 else t
            return q ** t * ctx.delta + N * geometric
        return bound
    return make


def _unified_nonconvex_floor(ctx):
    """2Lρ[(1−λ)²C + λ²] + 2Lγ[MC + 2L²ρ²λ²], the additive term of unifiedsam.nonconvex."""
    mu, L, C, lam, gamma, rho = _unified_constants(ctx)
    M = 1 + 2 * L ** 2 * rho ** 2 * (1 - lam) ** 2
    return 2 * L * rho * ((1 - lam) ** 2 * C + lam ** 2) + 2 * L * gamma * (M * C + 2 * L ** 2 * rho ** 2 * lam ** 2)


# -- witnesses ---------------------------------------------------------------------------------

def _W(function, **kw):
    """A witness instance (built lazily, so importing this module stays cheap)."""
    def build():
        from samtheory.theorems import Instance
        f = function() if callable(function) and not isinstance(function, str) else function
        return Instance(f, **kw)
    return build


def _quad(*eigenvalues):
    def make():
        from samtheory.functions import Quadratic
        return Quadratic.diagonal(list(eigenvalues), name="quadratic-" + "-".join(f"{e:g}" for e in eigenvalues))
    return make


def _cos(beta=1.0, omega=None, rho=None, name="cosine"):
    def make():
        from samtheory.functions import CosineFamily
        w = omega if omega is not None else 1.5 * math.pi / rho
        return CosineFamily(beta, w, name=name)
    return make


def _asym(mu, beta):
    def make():
        from samtheory.functions import AsymmetricQuadratic
        return AsymmetricQuadratic(mu, beta)
    return make


def _default_instance(tid, k):
    """Default instance number ``k`` of entry ``tid`` as the witness (for exact predictions, where
    the default instances already are the constructions)."""
    def build():
        from samtheory.theorems import get_theorem
        return get_theorem(tid).instances[k]
    return build


STALL_RHO = 0.1          # the cosine stall counterexample omega = 3 pi / (2 rho), beta = 1
SH = (250, 500, 1000, 2000, 4000, 8000)
X3 = (1.0, -2.0, 1.5)


def _eta(ctx):
    return _num(ctx.instance.eta)


def _largest_eta(ctx):
    """The largest step size of the run (a schedule's largest value), for loosened conditions:
    they must accept every instance the original condition accepts, schedules included."""
    from samtheory.schedules import Schedule
    eta = ctx.instance.eta
    if isinstance(eta, Schedule):
        return float(np.max(eta.values(ctx.instance.steps)))
    return _num(eta)


def _rho(ctx):
    return _num(ctx.instance.rho)


def _perturbed(run):
    from samtheory.theorems import measures as M
    return M.perturbed_gradients(run)


def _lyapunov_half_error(run):
    """+ (t_k/4) L² ρ_k²: the Lyapunov measure with half of the error term."""
    x, g, h, eta, rho = _perturbed(run)
    L = run.ctx.beta
    return (0.25 * eta * L ** 2 * rho ** 2)[:, None]


def _usam_without_nu(run):
    """The USAM descent measure with c_k = 1 − L t_k / 2 (GD's constant; the ν terms dropped)."""
    x, g, h, eta, rho = _perturbed(run)
    f = run.ctx.objective.value(x)
    L = run.ctx.beta
    g2 = np.sum(g * g, axis=-1)[:-1]
    from samtheory.theorems import Sides
    return Sides((eta * (1 - L * eta / 2))[:, None] * g2, f[:-1] - f[1:])


def _two_cycle_half(ctx, b):
    """a = ηρλ₁/2 instead of ηρλ₁/(2 − ηλ₁)."""
    lam1 = ctx.objective.eigenvalues[-1]
    return b * (2 - _eta(ctx) * lam1) / 2


def _contraction_wrong(ctx, b):
    """q_i = 1 − ηλ_i − 2λ_i²/λ₁² (the ηλ₁ in (2 − ηλ₁) dropped), along the same direction."""
    lam = np.asarray(ctx.objective.eigenvalues, dtype=float)
    eta = _eta(ctx)
    q_true = 1 - eta * lam - (2 - eta * lam[-1]) * lam ** 2 / lam[-1] ** 2
    i = int(np.argmax(np.abs(q_true[:-1])))
    return float(1 - eta * lam[i] - 2 * lam[i] ** 2 / lam[-1] ** 2)


def _edge_half_sam_term(ctx, b):
    """1 − ηλ − ηρλ²/(2G): the SAM term of the edge-of-stability factor halved."""
    obj = ctx.objective
    return b + 0.5 * _eta(ctx) * _rho(ctx) * obj.curvature ** 2 / obj.tilt


def _p2_floor_ln2(ctx, b):
    """1.1 · λρ² ln²T / (8T²): the floor with the ln² T factor of the construction, plus 10 %."""
    T = np.asarray(ctx.instance.horizons, dtype=float)
    return np.asarray(b, dtype=float) * 1.1 * np.log(T) ** 2


def _d1_floor(factor):
    def make(ctx, _):
        eta, rho, beta, mu = _eta(ctx), _rho(ctx), ctx.beta, ctx.mu
        return lambda t: np.maximum((1 - eta * mu) ** t * ctx.delta, factor * beta ** 4 * eta ** 2 * rho ** 2 / mu)
    return make


def _d3_rho2_term(ctx):
    return 3 * ctx.beta ** 2 * _rho(ctx) ** 2


def _noise_term(c, over_mu=False):
    """c β η σ² (or c β η σ²/μ for the PL forms)."""
    def term(ctx):
        value = c * ctx.beta * _eta(ctx) * ctx.sigma ** 2
        return value / (ctx.pl or 1.0) if over_mu else value
    return term


def _gd_contraction_faster(ctx, b):
    return lambda n: np.asarray(b(n), dtype=float) ** 1.1


def _build_mutants():
    """The catalogue (see the module docstring for the categories and the protocol)."""
    D = "siyun.derived."
    mutants = []

    def add(name, category, prefixes, description, patch, why_false="", **kw):
        mutants.append(Mutant(name, category, tuple(prefixes), description, patch, why_false, **kw))

    # ----- constant cuts: Si & Yun D1-D6 -------------------------------------------------------
    add("d1-floor-x0.4", "constant-cut", [D + "d1"],
        "D1: the floor term beta^4 eta^2 rho^2 / mu multiplied by 0.4",
        _theorem_patch(D + "d1", _bound_replaced(_d1_floor(0.4))),
        "On the asymmetric quadratic with mu/beta = 0.99, eta beta = 0.00375, rho = 1 SAM settles on a "
        "cycle where f - f* reaches 0.486 of beta^4 eta^2 rho^2/mu, above 0.4 of it, once the transient "
        "(1 - eta mu)^t Delta has decayed.",
        target=D + "d1",
        witness=_W(_asym(0.99, 1.0), eta=0.00375, rho=1.0, x0=[0.01], steps=3000,
                   label="asymmetric-quadratic mu=0.99 beta=1 sam eta=0.00375 rho=1 T=3000"))
    add("d2-x0.9", "constant-cut", [D + "d2"], "D2: the whole bound 4 Delta/(3 eta T) + (2/3) beta^3 eta rho^2 times 0.9",
        _theorem_patch(D + "d2", _bound_times(0.9)),
        "D2 is tight: on f = x^2/2 with eta = 1/(2 beta) and rho -> 0, x_t = x0/2^t and "
        "(1/T) sum ||grad f||^2 = (4/3)(1 - 4^-T) x0^2 / T equals the bound up to 4^-T "
        "(ratio 0.9946 and above in a long run); 0.9 of it is exceeded from T = 2 on.",
        target=D + "d2",
        witness=_W(_quad(1.0), eta=0.5, rho=1e-6, x0=[1.0], steps=50,
                   label="quadratic x^2/2 sam eta=1/(2 beta) rho=1e-6 T=50"))
    add("d3-rho2-x0.01", "constant-cut", [D + "d3"], "D3: the rho^2 term 3 beta^2 rho^2 cut to 0.03 beta^2 rho^2",
        _theorem_patch(D + "d3", _bound_minus(_d3_rho2_term, 0.99)),
        "On the cosine stall f = (beta/omega^2)(1 - cos omega x), omega = 3 pi/(2 rho), SAM started at "
        "x0 = rho is a fixed point with ||grad f||^2 = 4 beta^2 rho^2/(9 pi^2) = 0.045 beta^2 rho^2 at every "
        "step, so the average stays at 0.045 beta^2 rho^2 while 4 Delta/(eta T) -> 0.",
        target=D + "d3",
        witness=_W(_cos(rho=STALL_RHO), eta=0.25, rho=STALL_RHO, x0=[STALL_RHO], steps=500,
                   label="cosine stall beta=1 rho=0.1 sam eta=0.25 x0=rho T=500"))
    add("d4-half-beta-rho", "constant-cut", [D + "fixed-point"], "D4: beta rho replaced by 0.5 beta rho",
        _theorem_patch(D + "fixed-point", _bound_times(0.5)),
        "f = (beta/omega^2)(1 - cos omega x) has an (unstable) SAM fixed point at x0 = pi/omega - rho "
        "(the perturbed point is the maximum pi/omega), where the measure is ||grad f(x0)|| = "
        "(beta/omega) sin(omega rho) = 0.9996 beta rho for omega rho = 0.05.",
        target=D + "fixed-point",
        witness=_W(_cos(1.0, 1.0, name="cosine-unit"), eta=0.5, rho=0.05, x0=[math.pi - 0.05], steps=5,
                   label="cosine-unit sam eta=0.5 rho=0.05 x0=pi-rho T=5"))
    noise_quad = dict(rho=1e-3, noise="gaussian", sigma=1.0, x0=[0.0], trajectories=400, steps=1000)
    add("d5-nonconvex-noise-x0.25", "constant-cut", [D + "d5.nonconvex"],
        "D5 nonconvex: the noise term 2 beta eta sigma^2 cut to 0.5 beta eta sigma^2",
        _theorem_patch(D + "d5.nonconvex", _bound_minus(_noise_term(2.0), 0.75)),
        "SGD-like SAM (rho -> 0) on f = beta x^2/2 from the minimizer has stationary "
        "E||grad f||^2 = beta eta sigma^2/(2 - beta eta) = 0.571 beta eta sigma^2 at eta = 1/(4 beta), "
        "above 0.5 beta eta sigma^2 (Delta = 0, rho^2 term 3e-6).",
        target=D + "d5.nonconvex",
        witness=_W(_quad(1.0), eta=0.25, same_sample=False, **noise_quad,
                   label="quadratic x^2/2 sam eta=1/4 rho=1e-3 gaussian sigma=1 x0=0 independent"))
    add("d6-nonconvex-noise-x0.125", "constant-cut", [D + "d6.nonconvex"],
        "D6 nonconvex: the noise term 4 beta eta sigma^2 cut to 0.5 beta eta sigma^2",
        _theorem_patch(D + "d6.nonconvex", _bound_minus(_noise_term(4.0), 0.875)),
        "As for D5: with rho -> 0 same-sample SAM is SGD, whose stationary E||grad f||^2 on beta x^2/2 is "
        "0.571 beta eta sigma^2 at eta = 1/(4 beta).",
        target=D + "d6.nonconvex",
        witness=_W(_quad(1.0), eta=0.25, same_sample=True, **noise_quad,
                   label="quadratic x^2/2 sam eta=1/4 rho=1e-3 gaussian sigma=1 x0=0 same-sample"))
    add("d5-pl-noise-x0.2", "constant-cut", [D + "d5.pl"],
        "D5 PL: the noise term beta eta sigma^2/mu cut to 0.2 beta eta sigma^2/mu",
        _theorem_patch(D + "d5.pl", _bound_minus(_noise_term(1.0, over_mu=True), 0.8)),
        "On f = x^2/2 (mu = beta = 1) from the minimizer, rho -> 0: E f -> eta sigma^2/(2(2 - eta)) = "
        "0.0714 sigma^2 at eta = 1/4, above 0.2 beta eta sigma^2/mu = 0.05 sigma^2 (the sharp constant is "
        "1/(2(2 - beta eta)) <= 0.29 of D5's).",
        target=D + "d5.pl",
        witness=_W(_quad(1.0), eta=0.25, rho=1e-3, noise="gaussian", sigma=1.0, x0=[0.0], trajectories=1000,
                   steps=300, same_sample=False,
                   label="quadratic x^2/2 sam eta=1/4 rho=1e-3 gaussian sigma=1 x0=0 independent, 1000 runs"))
    add("d5-nonconvex-rho2-x0.01", "constant-cut", [D + "d5.nonconvex"],
        "D5 nonconvex: the rho^2 term 3 beta^2 rho^2 cut to 0.03 beta^2 rho^2",
        _theorem_patch(D + "d5.nonconvex", _bound_minus(_d3_rho2_term, 0.99)),
        "The cosine stall with noise smaller than its Lipschitz constant (sigma = 1e-4 < L = 0.021): "
        "SAM stays at the stall x = rho, E||grad f||^2 = 0.045 beta^2 rho^2 > 0.03 beta^2 rho^2 + "
        "2 beta eta sigma^2 (5e-9) + 4 Delta/(eta T) for T > 50.",
        target=D + "d5.nonconvex",
        witness=_W(_cos(rho=STALL_RHO), eta=0.25, rho=STALL_RHO, noise="rademacher", sigma=1e-4,
                   x0=[STALL_RHO], trajectories=20, steps=500, same_sample=False,
                   label="cosine stall beta=1 rho=0.1 sam eta=0.25 rademacher sigma=1e-4 x0=rho independent"))
    add("d5-nonconvex-noise-x0.5", "constant-cut", [D + "d5.nonconvex"],
        "D5 nonconvex: the noise term halved, 2 -> 1 beta eta sigma^2 (equivalent: believed still true)",
        _theorem_patch(D + "d5.nonconvex", _bound_minus(_noise_term(2.0), 0.5)),
        "Not shown false. For rho = 0 the descent lemma in expectation gives E||grad f||^2 (1 - beta eta/2) "
        "<= beta eta sigma^2/2 at stationarity, i.e. the sharp noise constant is 1/(2 - beta eta) <= 4/7 < 1; "
        "for rho > 0 the extra cost is covered by 3 beta^2 rho^2 (the stall level is 0.045 beta^2 rho^2). "
        "No witness found.",
        target=D + "d5.nonconvex", equivalent=True)

    # ----- constant cuts: poster rows, Unified SAM, Khanh, GD --------------------------------
    add("p4-additive-x0.04", "constant-cut", ["siyun.deterministic.smooth.upper"],
        "P4: the additive term beta^2 rho^2 cut to 0.04 beta^2 rho^2",
        _theorem_patch("siyun.deterministic.smooth.upper", _bound_times(0.04)),
        "The cosine stall keeps (1/T) sum ||grad f||^2 at 4 beta^2 rho^2/(9 pi^2) = 0.045 beta^2 rho^2 for "
        "ever (the poster's 'tight in rho'), so the excess over 0.04 beta^2 rho^2 does not decay at all.",
        target="siyun.deterministic.smooth.upper",
        witness=_W(_cos(rho=STALL_RHO), eta=0.25, rho=STALL_RHO, x0=[STALL_RHO], steps=4000,
                   label="cosine stall beta=1 rho=0.1 sam eta=0.25 x0=rho T=4000"))
    add("p7-additive-x0.1", "constant-cut", ["siyun.stochastic.smooth-lipschitz.upper"],
        "P7: the additive term 5 beta^2 rho^2 cut to 0.5 beta^2 rho^2",
        _theorem_patch("siyun.stochastic.smooth-lipschitz.upper", _bound_times(0.1)),
        "On an L-Lipschitz f with L < beta rho, (||grad f|| - beta rho)^2 >= (beta rho - L)^2 at every point; "
        "for the cosine stall function that is (1 - 2/(3 pi))^2 beta^2 rho^2 = 0.62 beta^2 rho^2 > 0.5 "
        "beta^2 rho^2, whatever the algorithm does.",
        target="siyun.stochastic.smooth-lipschitz.upper",
        witness=_W("cosine", rho=0.1, noise="rademacher", sigma=0.01, x0=[0.9], trajectories=50, horizons=SH,
                   same_sample=False))
    add("unifiedsam-pl-noise-x0.2", "constant-cut", ["unifiedsam.pl.constant-step"],
        "Unified SAM PL constant steps: the per-step noise N multiplied by 0.2",
        _theorem_patch("unifiedsam.pl.constant-step", _bound_replaced(_unified_pl(noise_factor=0.2))),
        "With rho -> 0 and additive noise, N = L gamma^2 sigma^2; SGD on x^2/2 from the minimizer has "
        "E f(x_1) = gamma^2 sigma^2/2 > 0.2 N, and E f -> gamma sigma^2/(2(2 - gamma)) = 1.43 x the cut "
        "neighbourhood 0.2 N/(gamma mu).",
        target="unifiedsam.pl.constant-step",
        witness=_W(_quad(1.0), method="sam", eta=0.25, **noise_quad,
                   label="quadratic x^2/2 sam gamma=1/4 rho=1e-3 gaussian sigma=1 x0=0"))
    add("unifiedsam-nonconvex-floor-x0.2", "constant-cut", ["unifiedsam.nonconvex"],
        "Unified SAM nonconvex: the additive floor 2N/gamma multiplied by 0.2",
        _theorem_patch("unifiedsam.nonconvex", _bound_minus(_unified_nonconvex_floor, 0.8)),
        "With rho -> 0 the floor is 2 L gamma sigma^2; SGD on x^2/2 from the minimizer reaches "
        "E||grad f||^2 = gamma sigma^2/(2 - gamma) = 0.57 x 0.25 sigma^2, above 0.2 x 2 gamma sigma^2 = 0.1 sigma^2 "
        "at gamma = 1/4 (Delta = 0, no transient term).",
        target="unifiedsam.nonconvex",
        witness=_W(_quad(1.0), method="sam", eta=0.25, **noise_quad,
                   label="quadratic x^2/2 sam gamma=1/4 rho=1e-3 gaussian sigma=1 x0=0"))
    add("khanh-lemma-a-x0.9", "constant-cut", ["khanh.lemma-a"],
        "Khanh Lemma A: the error L rho_k claimed as 0.9 L rho_k",
        _theorem_patch("khanh.lemma-a", _bound_times(0.9)),
        "On f = L x^2/2, grad f(x + rho d) - grad f(x) = L rho d with ||d|| = 1: the error is exactly L rho "
        "(and the normalized perturbation has length exactly rho).",
        target="khanh.lemma-a",
        witness=_W(_quad(1.0), eta=0.1, rho=0.1, x0=[2.0], steps=20, label="quadratic x^2/2 sam eta=0.1 rho=0.1 T=20"))
    add("khanh-lyapunov-half-error", "constant-cut", ["khanh.lyapunov"],
        "Khanh Lyapunov descent: the error term (t_k/2) L^2 rho_k^2 halved",
        _theorem_patch("khanh.lyapunov", _measure_plus(_lyapunov_half_error)),
        "At t = 1/L on f = L x^2/2 the descent-with-error inequality is an identity: f(x+) - f(x) + "
        "(t/2)||g||^2 = (t/2)||h - g||^2 = (t/2) L^2 rho^2 exactly (1-D, sign perturbation), so half of the "
        "error term is exceeded by (t/4) L^2 rho^2 at every step.",
        target="khanh.lyapunov",
        witness=_W(_quad(1.0), eta=1.0, rho=0.1, x0=[5.0], steps=20, label="quadratic x^2/2 sam t=1/L rho=0.1 x0=5 T=20"))
    add("khanh-usam-descent-no-nu", "constant-cut", ["khanh.usam-descent"],
        "Khanh USAM descent: c_k = 1 - L t_k/2 (the relative-error terms in nu_k = L rho_k dropped)",
        _theorem_patch("khanh.usam-descent", lambda th: {"measure": _usam_without_nu}),
        "Where f is concave the ascent step lowers the gradient: on 1 - cos x at x = 2.5 (f'' = -0.8), USAM with "
        "rho = 0.5, t = 0.1 decreases f by 0.0198 only, less than t(1 - t/2) f'^2 = 0.034.",
        target="khanh.usam-descent",
        witness=_W(_cos(1.0, 1.0, name="cosine-unit"), method="usam", eta=0.1, rho=0.5, x0=[2.5], steps=5,
                   label="cosine-unit usam t=0.1 rho=0.5 x0=2.5 T=5"))
    add("gd-smooth-convex-x0.9", "constant-cut", ["literature.gd.smooth-convex"],
        "GD smooth convex: L||x0 - x*||^2/(4nL gamma + 2) multiplied by 0.9",
        _theorem_patch("literature.gd.smooth-convex", _bound_times(0.9)),
        "At n = 0 the bound is L||x0 - x*||^2/2 = f(x0) - f* for a quadratic with x0 - x* along its top "
        "eigenvector; with small L gamma it stays within 1 - O(n (L gamma)^2) of the bound for many steps.",
        target="literature.gd.smooth-convex",
        witness=_W(_quad(1.0), method="gd", eta=0.01, x0=[1.0], steps=20, label="quadratic x^2/2 gd gamma=0.01 T=20"))

    # ----- constant cuts on lower bounds and exact predictions --------------------------------
    add("p2-floor-x1.1ln2", "constant-cut", ["siyun.deterministic.strongly-convex.lower"],
        "P2 lower: the floor lambda rho^2/(8T^2) raised to 1.1 lambda rho^2 ln^2 T/(8T^2)",
        _theorem_patch("siyun.deterministic.strongly-convex.lower", _bound_replaced(_p2_floor_ln2)),
        "The worst start is the 2-cycle, where f = lambda a^2/2 = lambda rho^2 ln^2 T/(8T^2) (1 - ln T/(2T))^-2, "
        "only 1.01-1.05 x lambda rho^2 ln^2 T/(8 T^2) for T >= 100: below the raised floor.",
        target="siyun.deterministic.strongly-convex.lower",
        witness=_W("quadratic-1d", rho=0.1, horizons=(100, 200, 400, 800, 1600, 3200)))
    add("stall-exact-x1.01", "constant-cut", ["siyun.deterministic.smooth.rho2-unavoidable"],
        "Cosine stall: the predicted ||grad f||^2 = 4 beta^2 rho^2/(9 pi^2) multiplied by 1.01",
        _theorem_patch("siyun.deterministic.smooth.rho2-unavoidable", _bound_times(1.01)),
        "At the stall x = rho (mod 4 rho/3), ||grad f||^2 = (beta/omega)^2 = 4 beta^2 rho^2/(9 pi^2) exactly; "
        "1 % off is far outside the 1e-9 tolerance.",
        target="siyun.deterministic.smooth.rho2-unavoidable",
        witness=_W("cosine", eta=0.5, rho=0.1, x0=[0.31], steps=2000))
    add("lipschitz-floor-x1.1", "constant-cut", ["siyun.stochastic.smooth-lipschitz.rho2-unavoidable"],
        "P7 rho^2 floor: (beta rho - L)^2 raised by 10 %",
        _theorem_patch("siyun.stochastic.smooth-lipschitz.rho2-unavoidable", _bound_times(1.1)),
        "At the stall points |f'| = L, so (||grad f|| - beta rho)^2 = (beta rho - L)^2 exactly there; a run that "
        "stalls early has a time average within a few % of the floor.",
        target="siyun.stochastic.smooth-lipschitz.rho2-unavoidable",
        witness=_W("cosine", eta=0.25, rho=0.1, noise="rademacher", sigma=0.01, x0=[0.1], trajectories=20,
                   steps=500, same_sample=False))
    add("two-cycle-amplitude", "constant-cut", ["literature.quadratic.two-cycle"],
        "SAM 2-cycle: amplitude eta rho lambda1/2 instead of eta rho lambda1/(2 - eta lambda1)",
        _theorem_patch("literature.quadratic.two-cycle", _bound_replaced(_two_cycle_half)),
        "The 1-D map x -> (1 - eta lambda)x - eta lambda rho sign(x) has the 2-cycle a(2 - eta lambda) = eta lambda rho; "
        "the mutated amplitude is off by the factor (2 - eta lambda1)/2.",
        target="literature.quadratic.two-cycle",
        witness=_W("quadratic", eta=0.15, rho=0.2, x0=list(X3), steps=2000))
    add("contraction-factor", "constant-cut", ["literature.quadratic.contraction"],
        "Transverse contraction: q_i = 1 - eta lambda_i - 2 lambda_i^2/lambda1^2 (eta lambda1 dropped)",
        _theorem_patch("literature.quadratic.contraction", _bound_replaced(_contraction_wrong)),
        "Near the cycle the normalized ascent has transverse part Hz/(lambda1 a), so z+ = (1 - eta lambda_i - "
        "eta rho lambda_i^2/(lambda1 a)) z with eta rho/a = (2 - eta lambda1)/lambda1: the eta lambda1 is needed.",
        target="literature.quadratic.contraction",
        witness=_W("quadratic", eta=0.15, rho=0.2, x0=[0.5, 1.0, -1.0], steps=1500))
    add("sam-edge-half-term", "constant-cut", ["literature.sam-edge"],
        "SAM edge of stability: the SAM term eta rho lambda^2/||g|| of the factor halved",
        _theorem_patch("literature.sam-edge", _bound_replaced(_edge_half_sam_term)),
        "While |y| > 1 on the tilted valley, x+ = (1 - eta lambda - eta rho lambda^2/G) x up to O(x^2): the "
        "exact linear recursion the default instances measure to 1e-9.",
        target="literature.sam-edge", witness=_default_instance("literature.sam-edge", 0))
    add("khanh-lemma-c-x1.05", "constant-cut", ["khanh.lemma-c"],
        "Khanh Lemma C: <grad f(y), grad f(x)> >= 1.05 ||grad f(x)||^2 (floor raised by 5 %)",
        _theorem_patch("khanh.lemma-c", _bound_times(1.05)),
        "On the linear part of the Huber function grad f(y) = grad f(x) whenever both points are there, so the "
        "ratio is exactly 1.",
        target="khanh.lemma-c",
        witness=_W("huber", eta=0.1, rho=0.05, x0=[30.0, -20.0], steps=20))

    # ----- sharpened rates -----------------------------------------------------------------------
    add("p1-rate-3", "rate-sharpened", ["siyun.deterministic.strongly-convex.upper"],
        "P1: min_t f(x_t) - f* claimed O~(1/T^3) instead of O~(1/T^2)",
        _theorem_patch("siyun.deterministic.strongly-convex.upper", _rate(3.0)),
        "P2 (Omega(1/T^2), and Theta~(1/T^2) per the abstract): with the step ln(.)/(mu T) SAM on a quadratic "
        "ends on the 2-cycle where f = lambda a^2/2 ~ rho^2 ln^2(T)/T^2, which is not O(ln^2 T/T^3).",
        target="siyun.deterministic.strongly-convex.upper",
        witness=_W("quadratic", rho=0.1, x0=list(X3), horizons=(400, 800, 1600, 3200, 6400, 12800)))
    add("p3-rate-1", "rate-sharpened", ["siyun.deterministic.convex.upper"],
        "P3: (1/T) sum ||grad f||^2 claimed O(1/T) instead of O(1/T + 1/sqrt T)",
        _theorem_patch("siyun.deterministic.convex.upper", _rate(1.0)),
        "With the P3 step eta_T ~ T^-1/2, a descent run dissipates about Delta, so sum_t eta ||grad f||^2 ~ Delta "
        "and the average is ~ Delta/(eta_T T) ~ T^-1/2.",
        target="siyun.deterministic.convex.upper",
        witness=_W("logcosh", rho=0.1, x0=list(X3), horizons=(100, 200, 400, 800, 1600, 3200)))
    add("p4-rate-2", "rate-sharpened", ["siyun.deterministic.smooth.upper"],
        "P4: the excess over beta^2 rho^2 claimed O(1/T^2) instead of O(1/T)",
        _theorem_patch("siyun.deterministic.smooth.upper", _rate(2.0)),
        "With rho small, (1/T) sum ||grad f||^2 on x^2/2 is about sum_t ||grad f||^2/T = Theta(1/T) "
        "(GD-like decay) long before it reaches beta^2 rho^2 = 1e-8.",
        target="siyun.deterministic.smooth.upper",
        witness=_W(_quad(1.0), eta=0.25, rho=1e-4, x0=[1.0], steps=4000, label="quadratic x^2/2 sam eta=1/4 rho=1e-4 T=4000"))
    add("p5-rate-2", "rate-sharpened", ["siyun.stochastic.strongly-convex.upper"],
        "P5: the excess claimed O~(1/T^2) instead of O~(1/T)",
        _theorem_patch("siyun.stochastic.strongly-convex.upper", _rate(2.0)),
        "With rho -> 0 stochastic SAM is SGD: at eta_T = 2 ln T/(mu T), E f(x_T) ~ eta_T sigma^2/4 = Theta(ln T/T) "
        "(from the minimizer, on f = mu x^2/2), which is not O(ln T/T^2).",
        target="siyun.stochastic.strongly-convex.upper",
        witness=_W(_quad(0.25), rho=1e-3, noise="gaussian", sigma=1.0, x0=[0.0], trajectories=400,
                   horizons=(500, 1000, 2000, 4000, 8000, 16000), same_sample=False,
                   label="quadratic 0.25 x^2/2 sam rho=1e-3 gaussian sigma=1 x0=0 T=500..16000"))
    add("p6-rate-1", "rate-sharpened", ["siyun.stochastic.convex.upper"],
        "P6: the excess over 4 beta^2 rho^2 claimed O(1/T) instead of O(1/sqrt T)",
        _theorem_patch("siyun.stochastic.convex.upper", _rate(1.0)),
        "On log-cosh with rho = 0.001, sigma = 1 and eta_T = 1/(beta sqrt T), E||grad f||^2 ~ beta eta_T sigma^2/2 "
        "decays like T^-0.5, while 4 beta^2 rho^2 = 1.6e-5 is negligible.",
        target="siyun.stochastic.convex.upper",
        witness=_W("logcosh", rho=0.001, noise="gaussian", sigma=1.0, x0=list(X3), trajectories=100, horizons=SH))
    add("p7-rate-1", "rate-sharpened", ["siyun.stochastic.smooth-lipschitz.upper"],
        "P7: the excess over 5 beta^2 rho^2 claimed O(1/T) instead of O(1/sqrt T)",
        _theorem_patch("siyun.stochastic.smooth-lipschitz.upper", _rate(1.0)),
        "On 1 - cos x (Lipschitz, beta = 1) with rho = 0.001, sigma = 1, eta_T = 1/sqrt T: near the minimum "
        "E f'^2 ~ eta_T sigma^2/2 ~ T^-0.5 and (|f'| - beta rho)^2 ~ f'^2.",
        target="siyun.stochastic.smooth-lipschitz.upper",
        witness=_W(_cos(1.0, 1.0, name="cosine-unit"), rho=0.001, noise="gaussian", sigma=1.0, x0=[0.0],
                   trajectories=100, horizons=SH, label="cosine-unit sam rho=1e-3 gaussian sigma=1 x0=0 T=250..8000"))
    add("unifiedsam-pl-rate-2x", "rate-sharpened", ["unifiedsam.pl.constant-step"],
        "Unified SAM PL constant steps: linear factor 1 - 2 gamma mu instead of 1 - gamma mu",
        _theorem_patch("unifiedsam.pl.constant-step", _bound_replaced(_unified_pl(rate_factor=2.0))),
        "Deterministically with rho -> 0 the method is GD, and on x^2/2 f(x_t) = (1 - gamma)^(2t) f(x0) > "
        "(1 - 2 gamma)^t f(x0).",
        target="unifiedsam.pl.constant-step",
        witness=_W(_quad(1.0), method="sam", eta=0.25, rho=1e-4, x0=[1.0], steps=50,
                   label="quadratic x^2/2 sam gamma=1/4 rho=1e-4 T=50"))
    add("gd-contraction-rate-1.1", "rate-sharpened", ["literature.gd.contraction"],
        "GD contraction: factor max((1-gamma L)^2, (1-gamma mu)^2) raised to the power 1.1",
        _theorem_patch("literature.gd.contraction", _bound_replaced(_gd_contraction_faster)),
        "Tight: two GD runs on a quadratic whose difference lies along the eigenvector with the worst factor "
        "contract by exactly that factor per step.",
        target="literature.gd.contraction",
        witness=_W(_quad(0.5, 2.0), method="gd", eta=0.3, x0=[[1.0, 0.0], [0.0, 0.0]], trajectories=2, steps=50,
                   label="quadratic diag(0.5, 2) gd gamma=0.3 pair along e1"))

    # ----- loosened preconditions --------------------------------------------------------------
    beta_eta = lambda k: (lambda ctx: _largest_eta(ctx) < k / ctx.beta)  # noqa: E731
    add("d1-eta-2/beta", "precondition-loosened", [D + "d1"], "D1 claimed for eta < 2/beta (instead of <= 1/(2 beta))",
        _theorem_patch(D + "d1", _loosened("needs eta <= 1/(2 beta)", beta_eta(2), "needs eta < 2/beta (loosened)")),
        "GD-like SAM (small rho) on diag(0.5, 1) at eta = 1.9: the top coordinate only shrinks by 0.9 a step "
        "while the bound's (1 - eta mu)^t = 0.05^t.",
        target=D + "d1",
        witness=_W(_quad(0.5, 1.0), eta=1.9, rho=0.01, x0=[1.0, 1.0], steps=50, label="quadratic diag(0.5,1) sam eta=1.9 rho=0.01"))
    add("d2-eta-2/beta", "precondition-loosened", [D + "d2"], "D2 claimed for eta < 2/beta",
        _theorem_patch(D + "d2", _loosened("needs eta <= 1/(2 beta)", beta_eta(2), "needs eta < 2/beta (loosened)")),
        "Already at T = 1: ||grad f(x0)||^2 = 2 beta Delta on beta x^2/2, while 4 Delta/(3 eta) < 2 beta Delta "
        "as soon as eta > 2/(3 beta).",
        target=D + "d2",
        witness=_W(_quad(1.0), eta=1.5, rho=1e-3, x0=[1.0], steps=50, label="quadratic x^2/2 sam eta=1.5 rho=1e-3"))
    add("d3-eta-2/beta", "precondition-loosened", [D + "d3"], "D3 claimed for eta < 2/beta (instead of <= 1/(4 beta))",
        _theorem_patch(D + "d3", _loosened("needs eta <= 1/(4 beta)", beta_eta(2), "needs eta < 2/beta (loosened)")),
        "On x^2/2 at eta = 1.9, rho -> 0: g_t = (-0.9)^t x0, sum g^2 -> x0^2/0.19 = 5.3 x0^2 while 4 Delta/eta = "
        "1.05 x0^2.",
        target=D + "d3",
        witness=_W(_quad(1.0), eta=1.9, rho=1e-3, x0=[1.0], steps=100, label="quadratic x^2/2 sam eta=1.9 rho=1e-3"))
    add("d3-eta-1/(2beta)", "precondition-loosened", [D + "d3"],
        "D3 claimed for eta <= 1/(2 beta) (equivalent: not shown false)",
        _theorem_patch(D + "d3", _loosened("needs eta <= 1/(4 beta)", lambda ctx: _largest_eta(ctx) <= 0.5 / ctx.beta,
                                           "needs eta <= 1/(2 beta) (loosened)")),
        "Not shown false. The written proof needs eta <= 1/(4 beta) (at 1/(2 beta) it gives 8 Delta/(3 eta T) + "
        "5.5 beta^2 rho^2), but GD at 1/(2 beta) satisfies 4 Delta/(3 eta T) and the largest rho^2 level known "
        "(the stall, 0.045 beta^2 rho^2) is far below 3 beta^2 rho^2. No witness found.",
        target=D + "d3", equivalent=True)
    add("d5-pl-eta-2/beta", "precondition-loosened", [D + "d5.pl"], "D5 PL claimed for eta < 2/beta (instead of <= 1/(4 beta))",
        _theorem_patch(D + "d5.pl", _loosened("needs eta <= 1/(4 beta)", beta_eta(2), "needs eta < 2/beta (loosened)")),
        "SGD on x^2/2 at eta = 1.9 from the minimizer: E f -> eta sigma^2/(2(2 - eta)) = 9.5 sigma^2, the bound's "
        "noise term is beta eta sigma^2/mu = 1.9 sigma^2.",
        target=D + "d5.pl",
        witness=_W(_quad(1.0), eta=1.9, rho=1e-3, noise="gaussian", sigma=1.0, x0=[0.0], trajectories=400, steps=300,
                   same_sample=False, label="quadratic x^2/2 sam eta=1.9 rho=1e-3 gaussian sigma=1 x0=0 independent"))
    add("unifiedsam-pl-gamma-2/L", "precondition-loosened", ["unifiedsam.pl.constant-step"],
        "Unified SAM PL: gamma <= gamma_max(rho) replaced by gamma < 2/L",
        _theorem_patch("unifiedsam.pl.constant-step",
                       _loosened("gamma_max", lambda ctx: _largest_eta(ctx) < 2 / ctx.L, "needs gamma < 2/L (loosened)")),
        "Deterministic SAM with tiny rho on diag(0.5, 1) at gamma = 1.9 (gamma mu = 0.95 <= 1): the top coordinate "
        "contracts by 0.9 a step, the bound by 1 - gamma mu = 0.05.",
        target="unifiedsam.pl.constant-step",
        witness=_W(_quad(0.5, 1.0), method="sam", eta=1.9, rho=1e-3, x0=[1.0, 1.0], steps=50,
                   label="quadratic diag(0.5,1) sam gamma=1.9 rho=1e-3"))
    add("khanh-lyapunov-t-2/L", "precondition-loosened", ["khanh.lyapunov"], "Khanh Lyapunov descent claimed for t_k <= 2/L",
        _theorem_patch("khanh.lyapunov", _loosened("t_k <= 1/L", lambda ctx: _largest_eta(ctx) <= 2 / ctx.beta,
                                                   "needs t_k <= 2/L (loosened)")),
        "On L x^2/2 at t = 1.5/L (small rho): x+ ~ -x/2, f(x+) - f(x) = -0.375 L x^2 but (t/2) g^2 = 0.75 L x^2, "
        "so the descent-with-error inequality fails by 0.375 L x^2.",
        target="khanh.lyapunov",
        witness=_W(_quad(1.0), eta=1.5, rho=1e-3, x0=[1.0], steps=20, label="quadratic x^2/2 sam t=1.5/L rho=1e-3"))
    add("gd-smooth-convex-gamma-2/L", "precondition-loosened", ["literature.gd.smooth-convex"],
        "GD smooth convex claimed for gamma < 2/L",
        _theorem_patch("literature.gd.smooth-convex",
                       _loosened("needs gamma <= 1/L", lambda ctx: _largest_eta(ctx) < 2 / ctx.beta, "needs gamma < 2/L (loosened)")),
        "On L x^2/2 at gamma = 1.9/L, f(x_n) = 0.81^n f(x0) while the bound is L x0^2/(7.6 n + 2): at n = 10 "
        "0.061 > 0.013 (for x0 = 1).",
        target="literature.gd.smooth-convex",
        witness=_W(_quad(1.0), method="gd", eta=1.9, x0=[1.0], steps=50, label="quadratic x^2/2 gd gamma=1.9"))
    add("khanh-convex-constant-step", "precondition-loosened", ["khanh.convex.iterates"],
        "Khanh convex: x_k -> x* claimed also for a constant step (sum t_k^2 < infinity dropped)",
        _theorem_patch("khanh.convex.iterates", _loosened("sum t_k^2", lambda ctx: True, "")),
        "With constant eta and rho SAM on a quadratic ends in the 2-cycle +-a u1, a = eta rho lambda1/(2 - eta "
        "lambda1) > 0, so x_k does not converge to x*. A limit cannot be refuted by a finite run: the best "
        "possible verdict is 'inconclusive'.",
        target="khanh.convex.iterates", witness_expect="inconclusive",
        witness=_W("quadratic", eta=0.05, rho=0.1, x0=[1.0, 1.0, 1.0], steps=20000))

    # ----- simulator faults ---------------------------------------------------------------------
    def pert(kind):
        def perturbation(g, rho, lam, eps):
            from samtheory.methods import normalized
            if kind == "radius":
                return 1.1 * rho * normalized(g, eps)
            if kind == "unnormalized":
                return rho * g
            return -rho * normalized(g, eps)
        perturbation.__name__ = f"mutant_{kind}_perturbation"
        return perturbation

    add("sim-radius-x1.1", "simulator-fault", ["literature.quadratic.two-cycle", "khanh.lemma-a"],
        "SAM perturbation radius 1.1 rho instead of rho", _method_patch("sam", pert("radius")),
        "simulator fault: the ascent step is 10 % too long")
    add("sim-no-normalization", "simulator-fault", ["literature.quadratic.two-cycle", D + "fixed-point"],
        "SAM perturbation rho g instead of rho g/||g|| (USAM under SAM's name)", _method_patch("sam", pert("unnormalized")),
        "simulator fault: the ascent direction is not normalized")
    add("sim-perturbation-sign", "simulator-fault", ["literature.quadratic.two-cycle", "khanh.lemma-c"],
        "SAM perturbation -rho g/||g|| (a descent step instead of an ascent step)", _method_patch("sam", pert("sign")),
        "simulator fault: sign error in the perturbation")

    def descent_at_x(old):
        def sam_step(x, eta, rho, lam, perturbation, ascent_grad, descent_grad, eps=0.0):
            g = ascent_grad(x)
            if perturbation is None:
                return x - eta * g, g
            return x - eta * descent_grad(x), g
        return sam_step
    add("sim-descent-at-x", "simulator-fault", ["siyun.deterministic.smooth.rho2-unavoidable", "literature.quadratic.two-cycle"],
        "descent gradient taken at x instead of the perturbed point (every SAM variant becomes (S)GD)",
        _attr_patch("samtheory._loop", "sam_step", descent_at_x),
        "simulator fault: the perturbed point is computed and ignored")

    def noisier(old):
        def draw(self, rng, n):
            d = self.objective.dim
            return old(self, rng, n) * math.sqrt(d if d > 1 else 2.0)
        return draw
    add("sim-noise-variance-xd", "simulator-fault", ["unifiedsam.pl.constant-step", D + "d5.pl"],
        "additive noise with variance d sigma^2 (2 sigma^2 in 1-D) instead of sigma^2",
        _attr_patch("samtheory.oracles:AdditiveNoise", "draw", noisier),
        "simulator fault: the 1/sqrt(d) scaling of the noise is lost (x 2 in 1-D)")

    def forced_sample(flag):
        def make(old):
            def run(**kw):
                kw["same_sample"] = flag
                return old(**kw)
            return run
        return make
    add("sim-always-same-sample", "simulator-fault", [D + "d5"],
        "the same-sample flag ignored: ascent and descent always share the sample",
        _attr_patch("samtheory.simulation", "Run", forced_sample(True)),
        "simulator fault: independent-sample runs silently use one sample")
    add("sim-always-independent", "simulator-fault", [D + "d6", "unifiedsam.pl.constant-step"],
        "the same-sample flag ignored: ascent and descent always draw independent samples",
        _attr_patch("samtheory.simulation", "Run", forced_sample(False)),
        "simulator fault: same-sample runs silently draw a second sample")
    return mutants


MUTANTS = _build_mutants()


def get_mutant(name) -> Mutant:
    for m in MUTANTS:
        if m.name == name:
            return m
    raise KeyError(f"unknown mutant {name!r}; `python benchmarks/mutation.py --list` lists them")


# ---------------------------------------------------------------------------------------------
# witnesses
# ---------------------------------------------------------------------------------------------

def check_witness(mutant: Mutant) -> dict | None:
    """Check the mutant's witness instance with the original entry and with the mutated one (in
    this process; the patch is undone afterwards). ``confirms``: the mutated entry ends
    ``witness_expect`` and the original entry is not violated on it."""
    if mutant.witness is None or mutant.target is None:
        return None
    from samtheory.theorems import check, get_theorem
    start = time.perf_counter()
    try:
        instance = mutant.witness()
        original = check(get_theorem(mutant.target), instance)
        with mutant.applied():
            mutated = check(get_theorem(mutant.target), instance)
    except Exception as exc:  # a witness that cannot be built or run is reported, not fatal
        return {"error": f"{type(exc).__name__}: {exc}", "confirms": False,
                "seconds": round(time.perf_counter() - start, 2)}
    confirms = mutated.verdict == mutant.witness_expect and original.verdict != "violated"
    return {"instance": mutated.instance, "original": _short(original), "mutated": _short(mutated),
            "confirms": bool(confirms), "seconds": round(time.perf_counter() - start, 2)}


def _short(v) -> dict:
    ratio = None if v.ratio is None or not np.isfinite(v.ratio) else float(v.ratio)
    return {"verdict": v.verdict, "ratio": ratio, "reason": v.reason}


# ---------------------------------------------------------------------------------------------
# child process
# ---------------------------------------------------------------------------------------------

def child_main(name, argv) -> int:
    """``--run-mutant NAME -- ARGS``: apply the patch, run ``samtheory`` with ARGS, return its
    exit status (3 when the CLI itself raises, so a crash cannot pass for a failed check)."""
    from samtheory import cli
    if name != BASELINE:
        get_mutant(name).patch()
    try:
        return int(cli.main(list(argv)))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 3
    except BaseException:  # noqa: BLE001 - report any crash as a harness error
        traceback.print_exc()
        return 3


# ---------------------------------------------------------------------------------------------
# parent: run, classify, report
# ---------------------------------------------------------------------------------------------

def verify_supports_search_budget() -> bool:
    """Whether ``samtheory verify --help`` lists ``--search-budget``."""
    try:
        out = subprocess.run([sys.executable, "-m", "samtheory", "verify", "--help"], capture_output=True,
                             text=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--search-budget" in out.stdout + out.stderr


def run_child(name, prefix, search_budget=None, timeout=CHILD_TIMEOUT, search_seconds=None) -> dict:
    """One ``verify --only PREFIX`` run under mutant ``name`` (or the baseline) in a fresh
    interpreter; returns the exit status, the time, the verify JSON (or None) and an output tail."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        path = os.path.join(tmp, "verify.json")
        args = ["verify", "--only", prefix, "--json", path]
        if search_budget is not None:
            args += ["--search-budget", str(int(search_budget))]
        if search_seconds is not None:
            args += ["--search-seconds", repr(float(search_seconds))]
        cmd = [sys.executable, os.path.abspath(__file__), "--run-mutant", name, "--", *args]
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            rc, out = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as exc:
            rc = None
            out = f"timed out after {timeout:g} s\n" + str(exc.stdout or "")[-2000:]
        seconds = time.perf_counter() - start
        report = None
        if os.path.exists(path):
            try:
                with open(path, encoding="utf-8") as fh:
                    report = json.load(fh)
            except (OSError, ValueError):
                report = None
    return {"prefix": prefix, "rc": rc, "seconds": round(seconds, 2), "report": report,
            "output_tail": out[-1500:] if (rc not in (0, 1) or report is None) else ""}


def verdict_records(report) -> list:
    """Every record with a ``verdict`` in a verify JSON, as (source, label, verdict): theorem
    checks (``results``), simulator self-checks (``selfchecks``) and anything else that carries
    verdicts (e.g. worst-case search results), found by walking the document."""
    if not isinstance(report, dict):
        return []
    out = []

    def walk(node, source):
        if isinstance(node, dict):
            if isinstance(node.get("verdict"), str):
                # one record; what it nests (e.g. a search's worst instance) is part of it
                label = node.get("theorem") or node.get("name") or node.get("id") or ""
                inst = node.get("instance")
                if isinstance(inst, str):
                    label = f"{label} on {inst}"
                out.append((source, str(label), node["verdict"]))
                return
            for key, value in node.items():
                if isinstance(value, (dict, list)) and key not in ("details", "parameters", "summary"):
                    walk(value, source if source != "report" else key)
        elif isinstance(node, list):
            for item in node:
                walk(item, source)

    walk(report, "report")
    return out


def classify_run(mutant_run, baseline_run) -> str:
    """Outcome of one prefix (see the module docstring)."""
    if baseline_run["rc"] != 0:
        return "baseline-fails"
    rc, report = mutant_run["rc"], mutant_run["report"]
    if rc == 0:
        return "missed"
    if rc != 1 or report is None:
        return "harness-error"
    if any(v == "violated" for _, _, v in verdict_records(report)):
        return "caught"
    return "caught-by-failure"


def combine(outcomes) -> str:
    """A mutant's outcome over its prefixes: the first of :data:`OUTCOMES` that occurs."""
    for o in OUTCOMES:
        if o in outcomes:
            return o
    return "missed"


def _count(records):
    """Verdict counts per source: ``{"results": {"holds": 3}, "selfchecks": {...}, ...}``."""
    counts = {}
    for source, _, v in records:
        per = counts.setdefault(source, {})
        per[v] = per.get(v, 0) + 1
    return counts


SOURCE_NAMES = {"results": "checks", "selfchecks": "self-checks", "searches": "search"}


def caught_via(row) -> str | None:
    """Which part of verify produced the violations of a caught mutant: ``checks`` (a default
    check of an entry), ``search`` (worst-case search), or ``self-checks only``."""
    if row["outcome"] != "caught":
        return None
    sources = {v.split(":", 1)[0] for r in row["runs"] if r["outcome"] == "caught" for v in r["violated"]}
    named = [SOURCE_NAMES.get(s, s) for s in sorted(sources) if s != "selfchecks"]
    return " + ".join(named) if named else "self-checks only"


def run_harness(mutants, search_budget=None, witnesses=True, timeout=CHILD_TIMEOUT, log=None,
                search_seconds=None) -> dict:
    """Run every mutant (and the baseline of each prefix once) and return the results document."""
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    start = time.perf_counter()
    supports = verify_supports_search_budget()
    log(f"mutation: verify {'supports' if supports else 'does not support'} --search-budget")
    if search_budget is not None and not supports:
        raise SystemExit("mutation: --search-budget was given but `samtheory verify` has no --search-budget option")
    baselines = {}
    rows = []
    for k, m in enumerate(mutants, 1):
        witness = None
        if witnesses and m.witness is not None:
            log(f"[{k}/{len(mutants)}] {m.name}: checking the witness")
            witness = check_witness(m)
        runs = []
        for prefix in m.prefixes:
            if prefix not in baselines:
                log(f"[{k}/{len(mutants)}] baseline on {prefix}")
                baselines[prefix] = run_child(BASELINE, prefix, search_budget, timeout, search_seconds)
            base = baselines[prefix]
            log(f"[{k}/{len(mutants)}] {m.name} on {prefix}")
            run = run_child(m.name, prefix, search_budget, timeout, search_seconds)
            records = verdict_records(run["report"])
            outcome = classify_run(run, base)
            runs.append({"prefix": prefix, "outcome": outcome, "rc": run["rc"], "baseline_rc": base["rc"],
                         "seconds": run["seconds"], "verdicts": _count(records),
                         "violated": [f"{src}: {label}" for src, label, v in records if v == "violated"],
                         "failures": [f"{src}: {label} ({v})" for src, label, v in records
                                      if v in ("error", "not-applicable", "inconclusive", "diverged")],
                         "output_tail": run["output_tail"]})
        outcome = combine([r["outcome"] for r in runs])
        row = {**m.summary(), "outcome": outcome, "witness": witness, "runs": runs,
               "seconds": round(sum(r["seconds"] for r in runs), 2)}
        row["caught_via"] = caught_via(row)
        rows.append(row)
        log(f"[{k}/{len(mutants)}] {m.name}: {outcome}" + (f" via {row['caught_via']}" if row["caught_via"] else "")
            + (" (equivalent)" if m.equivalent else "") + f"  {row['seconds']:.1f} s")
    doc = {"generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": sys.version.split()[0],
           "verify_supports_search_budget": supports, "search_budget": search_budget, "search_seconds": search_seconds,
           "witnesses_checked": bool(witnesses), "mutants": rows,
           "baselines": {p: {"rc": b["rc"], "seconds": b["seconds"], "verdicts": _count(verdict_records(b["report"])),
                             "output_tail": b["output_tail"]} for p, b in baselines.items()}}
    doc.update(score(rows))
    doc["seconds"] = round(time.perf_counter() - start, 1)
    return doc


def score(rows) -> dict:
    """Overall and per-category counts; equivalent mutants are counted apart, not scored."""
    scored = [r for r in rows if not r["equivalent"]]
    def counts(rs):
        c = {o: sum(r["outcome"] == o for r in rs) for o in OUTCOMES}
        c["total"] = len(rs)
        c["caught_incl_failure"] = c["caught"] + c["caught-by-failure"]
        return c
    per_cat = {cat: counts([r for r in scored if r["category"] == cat]) for cat in CATEGORIES}
    total = counts(scored)
    via = {}
    for r in scored:
        if r.get("caught_via"):
            via[r["caught_via"]] = via.get(r["caught_via"], 0) + 1
    pct = lambda a, b: round(100.0 * a / b, 1) if b else 0.0  # noqa: E731
    return {"score": {**total, "caught_percent": pct(total["caught"], total["total"]),
                      "caught_incl_failure_percent": pct(total["caught_incl_failure"], total["total"])},
            "per_category": per_cat, "caught_via": via,
            "equivalent": [{"name": r["name"], "outcome": r["outcome"]} for r in rows if r["equivalent"]]}


def score_lines(doc) -> list:
    s = doc["score"]
    lines = [f"caught incl. failure-only {s['caught_incl_failure']} of {s['total']} ({s['caught_incl_failure_percent']:.1f} %)"]
    for cat, c in doc["per_category"].items():
        lines.append(f"  {cat}: caught {c['caught']}, failure-only {c['caught-by-failure']}, missed {c['missed']}, "
                     f"baseline fails {c['baseline-fails']}, errors {c['harness-error']} (of {c['total']})")
    if doc.get("caught_via"):
        lines.append("  caught via: " + ", ".join(f"{k} {n}" for k, n in sorted(doc["caught_via"].items())))
    if doc["equivalent"]:
        lines.append("  equivalent (not scored): " + ", ".join(f"{e['name']} -> {e['outcome']}" for e in doc["equivalent"]))
    lines.append(f"caught {s['caught']} of {s['total']} ({s['caught_percent']:.1f} %)")
    return lines


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _verdicts_cell(row):
    parts = []
    for r in row["runs"]:
        seen = []
        for source, counts in sorted(r["verdicts"].items()):
            text = ", ".join(f"{v} {n}" for v, n in sorted(counts.items()))
            if source == "selfchecks" and counts.get("violated"):
                names = [v.split(": ", 1)[1] for v in r["violated"] if v.startswith("selfchecks:")]
                text += f" ({', '.join(names)})"
            seen.append(f"{SOURCE_NAMES.get(source, source)}: {text}")
        parts.append(f"`{r['prefix']}` rc={r['rc']}: " + ("; ".join(seen) or "no JSON"))
    return "<br>".join(parts)


def _witness_cell(w):
    if w is None:
        return ""
    if "error" in w:
        return f"witness error: {w['error']}"
    mark = "confirms" if w["confirms"] else "DOES NOT CONFIRM"
    ratio = "" if w["mutated"]["ratio"] is None else f", ratio {w['mutated']['ratio']:.5g}"
    return f"witness {mark}: original {w['original']['verdict']}, mutant {w['mutated']['verdict']}{ratio}"


def to_markdown(doc) -> str:
    caught_mark = {"caught": "**yes** (violated)", "caught-by-failure": "failure only", "missed": "no",
                   "baseline-fails": "baseline fails", "harness-error": "harness error"}
    s = doc["score"]
    out = ["# Mutation analysis of `samtheory verify`", "",
           f"Generated {doc['generated']} by `benchmarks/mutation.py` (module docstring: method). "
           f"verify {'supports' if doc['verify_supports_search_budget'] else 'does not support'} `--search-budget`; "
           f"search budget used: {doc['search_budget'] if doc['search_budget'] is not None else 'none'}; "
           f"search time limit: {str(doc.get('search_seconds')) + ' s' if doc.get('search_seconds') else 'verify default'}"
           f"; load average at the end {os.getloadavg()[0]:.1f}. "
           f"Total time {doc['seconds']:.0f} s.", "",
           f"**Caught (a `violated` verdict): {s['caught']} of {s['total']} ({s['caught_percent']:.1f} %).** "
           f"Including failure-only catches: {s['caught_incl_failure']} of {s['total']} "
           f"({s['caught_incl_failure_percent']:.1f} %). Equivalent mutants are listed but not scored.", "",
           "| category | mutants | caught | failure only | missed | baseline fails | harness error |",
           "|---|---|---|---|---|---|---|"]
    for cat, c in doc["per_category"].items():
        out.append(f"| {cat} | {c['total']} | {c['caught']} | {c['caught-by-failure']} | {c['missed']} | "
                   f"{c['baseline-fails']} | {c['harness-error']} |")
    if doc.get("caught_via"):
        out += ["", "Caught via: " + ", ".join(f"{k}: {n}" for k, n in sorted(doc["caught_via"].items())) +
                " (self-checks are the simulator checks every `verify` run starts with)."]
    out += ["", "| mutant | category | why false | verdict(s) seen | caught? |", "|---|---|---|---|---|"]
    for r in doc["mutants"]:
        why = r["why_false"] or r["description"]
        w = _witness_cell(r.get("witness"))
        if w:
            why = f"{why} *({w})*"
        mark = caught_mark[r["outcome"]]
        if r.get("caught_via"):
            mark += f" via {r['caught_via']}"
        if r["equivalent"]:
            mark = f"equivalent, not scored ({r['outcome']})"
        out.append(f"| `{r['name']}` | {r['category']} | {_cell(r['description'])}: {_cell(why)} | "
                   f"{_cell(_verdicts_cell(r))} | {mark} |")
    bad = {p: b for p, b in doc["baselines"].items() if b["rc"] != 0}
    if bad:
        out += ["", "Baselines that do not pass: " + ", ".join(f"`{p}` (rc={b['rc']})" for p, b in bad.items())]
    return "\n".join(out) + "\n"


def atomic_write(path, text):
    """Write ``text`` to ``path`` (its folder created if needed) through samtheory's one output
    mechanism, :func:`samtheory._io.write_output` (atomic replace, symlinks followed, no
    temporary file left behind)."""
    from samtheory._io import write_output
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_output(path, text)


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return float(obj) if np.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def build_parser():
    p = argparse.ArgumentParser(prog="benchmarks/mutation.py", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", metavar="NAME[,NAME]", default=None, help="run only these mutants")
    p.add_argument("--search-budget", metavar="N", type=int, default=None,
                   help="pass --search-budget N to verify (only if verify supports it)")
    p.add_argument("--search-seconds", metavar="S", type=float, default=None,
                   help="pass --search-seconds S to verify: a larger time limit makes the searches "
                        "budget-bound, so the score does not depend on the machine's load")
    p.add_argument("--list", action="store_true", help="list the mutants and exit")
    p.add_argument("--json", metavar="PATH", default=DEFAULT_JSON, help=f"results JSON (default {os.path.relpath(DEFAULT_JSON)})")
    p.add_argument("--markdown", metavar="PATH", default=DEFAULT_MARKDOWN,
                   help=f"results table (default {os.path.relpath(DEFAULT_MARKDOWN)})")
    p.add_argument("--no-witnesses", action="store_true", help="do not re-check the witness instances")
    p.add_argument("--timeout", type=float, default=CHILD_TIMEOUT, help="seconds per verify run (default 3600)")
    p.add_argument("--run-mutant", metavar="NAME", default=None, help=argparse.SUPPRESS)
    return p


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--run-mutant" in argv:  # child mode: --run-mutant NAME -- samtheory arguments
        i = argv.index("--run-mutant")
        name = argv[i + 1]
        rest = argv[argv.index("--") + 1:] if "--" in argv else []
        return child_main(name, rest)
    args = build_parser().parse_args(argv)
    if args.list:
        for m in MUTANTS:
            tag = " [equivalent]" if m.equivalent else ""
            print(f"{m.name:<32} {m.category:<22} {','.join(m.prefixes)}{tag}\n    {m.description}")
        print(f"{len(MUTANTS)} mutants ({sum(not m.equivalent for m in MUTANTS)} scored)")
        return 0
    selected = MUTANTS
    if args.only:
        try:
            selected = [get_mutant(n.strip()) for n in args.only.split(",") if n.strip()]
        except KeyError as exc:
            print(f"mutation: {exc.args[0]}", file=sys.stderr)
            return 2
    doc = run_harness(selected, args.search_budget, witnesses=not args.no_witnesses, timeout=args.timeout,
                      search_seconds=args.search_seconds)
    doc["selection"] = None if args.only is None else [m.name for m in selected]
    doc = _jsonable(doc)
    atomic_write(args.json, json.dumps(doc, indent=2, allow_nan=False) + "\n")
    atomic_write(args.markdown, to_markdown(doc))
    for line in score_lines(doc):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
