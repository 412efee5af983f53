r"""The performance estimation problem (PEP) of a few steps of a SAM-family method.

A PEP asks for the largest value of a performance measure after :math:`T` steps of a fixed
first-order method, over *every* function of a class and every starting point that satisfies an
initial condition. For smooth (strongly) convex and smooth functions the class is described
exactly by interpolation conditions on the points where the method queries the oracle (Taylor,
Hendrickx & Glineur 2017), and when each step is a fixed linear combination of past points and
gradients, every quantity involved is linear in the Gram matrix

.. math::

    G = [x_0 - x_\star,\ g_0,\ h_0,\ g_1,\ \dots]^\top [x_0 - x_\star,\ g_0,\ h_0,\ g_1,\ \dots]

and in the function values. The PEP is then a small semidefinite program whose optimal value is
the exact worst case (in dimension at least the size of :math:`G`), and whose dual multipliers
combine the interpolation inequalities into a proof of that value (Drori & Teboulle 2014).

This module checks the arguments (:func:`make_spec`) and builds and solves one PEP with PEPit
(:func:`solve_pep`). How each method's step is written in PEP variables is in
:mod:`samtheory.pep._methods`.
"""
from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass

import numpy as np

from .._validation import (InvalidParameterError, check_choice, check_nonnegative, check_positive,
                           check_positive_int, check_unit_interval)

METHODS = ("gd", "usam", "sam", "unified")
FUNCTION_CLASSES = ("smooth-convex", "smooth-strongly-convex", "smooth")
METRICS = ("distance", "loss", "gradsq-min", "gradsq-avg")
INITIAL_CONDITIONS = ("distance", "loss")
MODES = ("auto", "exact", "relaxation")

#: The SAM worst case is exact by a maximization over the imposed gradient norms
#: :math:`c_0,\dots,c_{T-1}`; the grid has ``T`` dimensions, so the exact mode stops here.
MAX_EXACT_SAM_STEPS = 2

#: Solver used through cvxpy. Clarabel is an interior-point solver; with the tolerances below the
#: values agree with closed forms to about 1e-8 relative, never worse than 3e-7 in the tests.
#: SCS (first order) often stops at "optimal_inaccurate" on these problems.
SOLVER = "CLARABEL"
#: Clarabel's settings, tried in turn until one ends "optimal" (not "optimal_inaccurate").
#: Gap and feasibility tolerances tightened from the defaults (1e-8): with the defaults a USAM
#: two-step value came out 1.8e-6 relative *below* the quadratic that attains it, with 1e-9 2.3e-7.
#: Tighter tolerances sometimes stall at "almost solved" (with values that agree across the
#: settings to about 1e-8); a tighter iterative refinement of the linear systems (1e-14), then no
#: equilibration, then tolerances of 1e-7 settle the cases met so far (five-step relaxations).
_REFINE = {"iterative_refinement_reltol": 1e-14, "iterative_refinement_abstol": 1e-14}
SOLVER_ATTEMPTS = ({"tol_gap_abs": 1e-9, "tol_gap_rel": 1e-9, "tol_feas": 1e-9, **_REFINE},
                   dict(_REFINE),
                   {"equilibrate_enable": False, **_REFINE},
                   {"tol_gap_abs": 1e-7, "tol_gap_rel": 1e-7, "tol_feas": 1e-7, **_REFINE})

#: how far below the optimum the low-rank witness may be (absolute; the values are O(1) with the
#: unit initial condition, and the solver is accurate to about 1e-8)
LOW_RANK_SLACK = 1e-8


@dataclass(frozen=True)
class Spec:
    """A checked PEP question (see :func:`samtheory.pep.worst_case` for the meaning of fields)."""

    method: str
    function_class: str
    steps: int
    metric: str
    initial: str
    smoothness: float
    strong_convexity: float
    eta: float
    rho: float
    lam: float | None

    @property
    def normalized(self) -> bool:
        """Whether the ascent step divides by :math:`\\|\\nabla f(x_k)\\|` (SAM, Unified SAM with λ > 0)."""
        return self.method == "sam" or (self.method == "unified" and self.lam > 0)

    def to_dict(self) -> dict:
        return {"method": self.method, "function_class": self.function_class, "steps": self.steps,
                "metric": self.metric, "initial": self.initial, "smoothness": self.smoothness,
                "strong_convexity": self.strong_convexity, "eta": self.eta, "rho": self.rho, "lam": self.lam}


def make_spec(method, function_class, *, steps, metric, initial, smoothness, strong_convexity=0.0,
              eta, rho=0.0, lam=None) -> Spec:
    """Check the arguments of :func:`samtheory.pep.worst_case` and return a :class:`Spec`.

    Raises :class:`~samtheory.InvalidParameterError` (a ``ValueError``) naming the parameter and
    its allowed range or choices.
    """
    check_choice("method", method, METHODS)
    check_choice("function_class", function_class, FUNCTION_CLASSES)
    steps = check_positive_int("steps", steps)
    check_choice("metric", metric, METRICS)
    check_choice("initial", initial, INITIAL_CONDITIONS)
    L = float(check_positive("smoothness", smoothness))
    mu = float(check_nonnegative("strong_convexity", strong_convexity))
    eta = float(check_positive("eta", eta))
    rho = float(check_nonnegative("rho", rho))
    if function_class == "smooth-strongly-convex":
        if not 0 < mu < L:
            raise InvalidParameterError(
                f"strong_convexity must lie in (0, smoothness) = (0, {L:g}) for 'smooth-strongly-convex'; got {mu!r}")
    elif mu != 0:
        raise InvalidParameterError(
            f"strong_convexity must be 0 for {function_class!r} (use 'smooth-strongly-convex'); got {mu!r}")
    if function_class == "smooth":
        # a nonconvex function need not have a minimizer; distances to one mean nothing
        if initial != "loss":
            raise InvalidParameterError("initial must be 'loss' for the nonconvex class 'smooth'; got 'distance'")
        if metric == "distance":
            raise InvalidParameterError("metric 'distance' needs a convex class; for 'smooth' choose one of: "
                                        "gradsq-avg, gradsq-min, loss")
    if method == "unified":
        lam = 1.0 if lam is None else float(check_unit_interval("lam", lam))
    elif lam is not None:
        raise InvalidParameterError(f"lam is a parameter of method 'unified' only; got lam={lam!r} with {method!r}")
    if method == "gd" and rho != 0:
        raise InvalidParameterError(f"rho must be 0 for method 'gd'; got {rho!r}")
    return Spec(method, function_class, steps, metric, initial, L, mu, eta, rho, lam)


@dataclass
class RawSolution:
    """What one solved PEP gives back, before it is packaged as a :class:`~samtheory.pep.WorstCase`."""

    value: float | None
    status: str
    solver: str
    seconds: float
    iterates: dict
    gradients: dict
    function_values: dict
    duals: dict
    gram: np.ndarray | None


def require_pepit():
    """Import PEPit lazily; without it say how to get it."""
    try:
        import PEPit  # noqa: F401
        import cvxpy  # noqa: F401
    except ImportError as exc:
        raise ImportError('samtheory.pep needs the optional extra "pep" (PEPit, cvxpy and Clarabel): '
                          'pip install "samtheory[pep]"') from exc
    return PEPit


def _duality_gap_ok(dual, primal) -> bool:
    """PEPit returns the dual objective it rebuilds from the multipliers (the proof); it must agree
    with the solver's primal value. A gap above 1e-6 relative means the proof does not certify
    the value, and the solve is treated as inaccurate."""
    if dual is None or primal is None:
        return True  # infeasible or unbounded: the status says so
    return abs(dual - primal) <= 1e-6 * max(1.0, abs(primal))


def _declare_function(problem, spec: Spec):
    """The PEPit function of ``spec``'s class, declared in ``problem``."""
    from PEPit.functions import SmoothConvexFunction, SmoothFunction, SmoothStronglyConvexFunction
    L, mu = spec.smoothness, spec.strong_convexity
    if spec.function_class == "smooth-strongly-convex":
        return problem.declare_function(SmoothStronglyConvexFunction, mu=mu, L=L)
    if spec.function_class == "smooth-convex":
        return problem.declare_function(SmoothConvexFunction, L=L)
    return problem.declare_function(SmoothFunction, L=L)


def _lower_bound_constraints(problem, evaluated, f_low, smoothness) -> dict:
    r"""Nonconvex classes: every :math:`L`-smooth :math:`f` with :math:`\inf f\ge f_{\rm low}` has
    :math:`f(z)-f_{\rm low}\ge\|\nabla f(z)\|^2/(2L)` (one gradient step from :math:`z` cannot go
    below :math:`f_{\rm low}`); imposed at the ``evaluated`` points ``(g, f)`` only, so a relaxation.
    Returns the constraints by name."""
    constraints = {}
    for i, (g, f) in enumerate(evaluated):
        con = (f - f_low >= g ** 2 / (2 * smoothness))
        problem.add_constraint(con)
        constraints[f"lower-bound[{i}]"] = con
    return constraints


def _metrics(spec: Spec, measure, grads_x, final_offset, final_gap) -> list:
    """The performance metrics of ``spec`` (or of ``measure``, see :func:`solve_pep`) from the
    gradients at the iterates ``grads_x``, ``x_T - x*`` (``final_offset``; convex classes only)
    and ``f(x_T) - f*`` (``final_gap``). Several metrics: PEPit maximizes their minimum."""
    if measure is not None:
        return [grads_x[measure[1]] ** 2]
    if spec.metric == "distance":
        return [final_offset ** 2]
    if spec.metric == "loss":
        return [final_gap]
    if spec.metric == "gradsq-min":
        return [g ** 2 for g in grads_x]
    avg = grads_x[0] ** 2
    for g in grads_x[1:spec.steps]:
        avg = avg + g ** 2
    return [avg / spec.steps]


def _solve_with_retries(problem, low_rank: bool):
    """Solve ``problem`` with the options of :data:`SOLVER_ATTEMPTS` in turn until the status is
    not ``optimal_inaccurate`` (an optimum whose duality gap is too large counts as inaccurate);
    ``(value, status)``, the status ``"solver error: ..."`` when the solver raised."""
    heuristic = dict(dimension_reduction_heuristic="trace", tol_dimension_reduction=LOW_RANK_SLACK) if low_rank else {}
    value, status = None, "not solved"
    for options in SOLVER_ATTEMPTS:
        try:
            # PEPit prints some warnings even at verbose=0; the status below carries them
            with contextlib.redirect_stdout(io.StringIO()):
                value = problem.solve(wrapper="cvxpy", solver=SOLVER, verbose=0, **heuristic, **options)
        except Exception as exc:  # cvxpy.SolverError and friends: report, do not crash the sweep
            return None, f"solver error: {exc}"
        status = str(problem.wrapper.prob.status)
        if status == "optimal" and not low_rank and not _duality_gap_ok(value, problem.wrapper.prob.value):
            status = "optimal_inaccurate"
        if status != "optimal_inaccurate":
            break
    return value, status


def solve_pep(spec: Spec, *, ascent="fixed-step", norms=None, measure=None, low_rank=False) -> RawSolution:
    r"""Build and solve the PEP of ``spec``.

    Parameters
    ----------
    spec : Spec
    ascent : {"fixed-step", "fixed-norm", "unit-vector"}
        How a normalized ascent is written (see :mod:`samtheory.pep._methods`): ``fixed-step``
        for GD/USAM (no normalization); ``fixed-norm`` imposes
        :math:`\|\nabla f(x_k)\|=c_k` (``norms``) so that :math:`g_k/\|g_k\|=g_k/c_k` is linear;
        ``unit-vector`` replaces :math:`g_k/\|g_k\|` by a free :math:`u_k` with
        :math:`\|u_k\|^2\le1`, :math:`\langle g_k,u_k\rangle\ge0` (a relaxation).
    norms : sequence of float, optional
        :math:`c_0,\dots,c_{T-1}\ge0` for ``fixed-norm``.
    measure : tuple, optional
        ``("gradsq", k)`` replaces the metric by :math:`\|\nabla f(x_k)\|^2` (used to bound the
        range of the gradient norms before the sweep). Default: ``spec.metric``.
    low_rank : bool
        Look for a low-dimensional worst case: after the solve, PEPit's "trace" heuristic
        minimizes :math:`\operatorname{tr}G` among the solutions whose value is within
        :data:`LOW_RANK_SLACK` of the optimum (an interior-point solver returns a solution of
        maximal rank, a mix of all worst cases). The returned ``value`` is then the metric at
        that witness, which is below the optimum by at most the slack; the duals are those of
        the first solve.
    """
    require_pepit()
    from PEPit import PEP, Expression
    from ._methods import sam_like_step

    problem = PEP()
    func = _declare_function(problem, spec)

    convex = spec.function_class != "smooth"
    if convex:
        # for a convex function a stationary point is a minimizer
        x_star, _, f_star = func.stationary_point(return_gradient_and_function_value=True)
    else:
        x_star = None
        f_star = Expression()  # a free lower bound f_low, tied to the points below
    x0 = problem.set_initial_point()

    extra = {}          # name -> Constraint of the method (norms, unit vectors)
    evaluated = []      # (g, f) of every oracle call, for the nonconvex lower-bound constraints
    iterates = {"x0": x0}
    gradients = {}
    values = {}
    x = x0
    for k in range(spec.steps):
        g, f = func.oracle(x)
        gradients[f"g{k}"], values[f"f(x{k})"] = g, f
        evaluated.append((g, f))
        c = None if norms is None else norms[k]
        y, h, fy, constraints = sam_like_step(spec, problem, func, x, g, k, ascent=ascent, norm=c)
        extra.update(constraints)
        if y is not x:
            iterates[f"y{k}"], gradients[f"h{k}"], values[f"f(y{k})"] = y, h, fy
            evaluated.append((h, fy))
        x = x - spec.eta * h
        iterates[f"x{k + 1}"] = x
    gT, fT = func.oracle(x)
    gradients[f"g{spec.steps}"], values[f"f(x{spec.steps})"] = gT, fT
    evaluated.append((gT, fT))

    if not convex:
        extra.update(_lower_bound_constraints(problem, evaluated, f_star, spec.smoothness))

    # ||x0 - x*||^2 <= 1 or f(x0) - f* <= 1
    initial = ((x0 - x_star) ** 2 <= 1) if spec.initial == "distance" else (values["f(x0)"] - f_star <= 1)
    problem.set_initial_condition(initial)

    grads_x = [gradients[f"g{k}"] for k in range(spec.steps + 1)]
    metrics = _metrics(spec, measure, grads_x, x - x_star if convex else None, fT - f_star)
    for m in metrics:
        problem.set_performance_metric(m)

    start = time.perf_counter()
    value, status = _solve_with_retries(problem, low_rank)
    seconds = time.perf_counter() - start
    if status.startswith("solver error"):
        return RawSolution(None, status, SOLVER, seconds, {}, {}, {}, {}, None)
    solver = problem.wrapper.solver_name or SOLVER
    if value is None or status not in ("optimal", "optimal_inaccurate"):
        if status in ("unbounded", "unbounded_inaccurate"):
            value = float("inf")
        elif status in ("infeasible", "infeasible_inaccurate"):
            value = float("-inf")
        return RawSolution(None if value is None else float(value), status, solver, seconds, {}, {}, {}, {}, None)

    def shift(p):
        return np.asarray(p.eval() - (x_star.eval() if x_star is not None else 0.0), dtype=float)

    if low_rank:
        value = min(float(m.eval()) for m in metrics)
    f_ref = float(f_star.eval())
    duals = {"initial": float(initial.eval_dual())}
    duals.update({name: float(c.eval_dual()) for name, c in extra.items()})
    for name, table in func.get_class_constraints_duals().items():
        duals[f"interpolation:{name}"] = np.asarray(table.values, dtype=float)
    return RawSolution(
        value=float(value), status=status, solver=solver, seconds=seconds,
        iterates={k: shift(p) for k, p in iterates.items()},
        gradients={k: np.asarray(p.eval(), dtype=float) for k, p in gradients.items()},
        function_values={k: float(v.eval()) - f_ref for k, v in values.items()},
        duals=duals, gram=np.asarray(problem.G_value, dtype=float))
