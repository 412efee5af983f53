"""The entry point :func:`worst_case`."""
from __future__ import annotations

import math
import warnings

from .._validation import InvalidParameterError, check_choice
from ._problem import MAX_EXACT_SAM_STEPS, MODES, make_spec, require_pepit, solve_pep
from ._result import WorstCase


def worst_case(method: str, function_class: str, *, steps: int, metric: str, initial: str, smoothness: float,
               strong_convexity: float = 0.0, eta: float, rho: float = 0.0, lam: float | None = None,
               mode: str = "auto") -> WorstCase:
    r"""The worst case of ``steps`` steps of a SAM-family method over a whole function class.

    The method runs from :math:`x_0` with constant step size :math:`\eta` and radius :math:`\rho`:

    .. math::

        y_k = x_k + \rho\,a_k,\qquad x_{k+1} = x_k-\eta\nabla f(y_k),\qquad k=0,\dots,T-1,

    with :math:`a_k=0` (``gd``), :math:`g_k` (``usam``), :math:`g_k/\|g_k\|` (``sam``),
    :math:`(1-\lambda)g_k+\lambda g_k/\|g_k\|` (``unified``), :math:`g_k=\nabla f(x_k)`. The answer is

    .. math::

        \max\ \text{metric}(x_0,\dots,x_T)\quad\text{over } f\in\mathcal F,\ x_0
        \text{ with the initial condition},

    computed as a performance estimation problem (a semidefinite program, solved with PEPit and
    Clarabel; see ``docs/pep.md``). The worst case is over every dimension (the witness lives in
    dimension at most the size of the Gram matrix).

    Parameters
    ----------
    method : {"gd", "usam", "sam", "unified"}
    function_class : {"smooth-convex", "smooth-strongly-convex", "smooth"}
        :math:`L`-smooth convex; :math:`L`-smooth :math:`\mu`-strongly convex (:math:`0<\mu<L`);
        :math:`L`-smooth, possibly nonconvex, bounded below.
    steps : int
        :math:`T\ge1`.
    metric : {"distance", "loss", "gradsq-min", "gradsq-avg"}
        :math:`\|x_T-x_\star\|^2`; :math:`f(x_T)-f_\star`; :math:`\min_{0\le k\le T}\|\nabla f(x_k)\|^2`;
        :math:`\frac1T\sum_{k<T}\|\nabla f(x_k)\|^2` (the measure of Si & Yun's nonconvex and convex
        bounds).
    initial : {"distance", "loss"}
        :math:`\|x_0-x_\star\|^2\le1` or :math:`f(x_0)-f_\star\le1`. Every metric above is
        homogeneous in the initial radius (degree 1 for the squared quantities: scaling
        :math:`f` and :math:`x` scales them together), except that SAM's radius :math:`\rho`
        does not scale: for SAM the answer is for radius exactly 1.
    smoothness, strong_convexity : float
        :math:`L>0` and :math:`\mu` (:math:`0<\mu<L` for the strongly convex class, 0 otherwise).
    eta : float
        Step size :math:`\eta>0`.
    rho : float
        Radius :math:`\rho\ge0` (0 for ``gd``).
    lam : float, optional
        Unified SAM's :math:`\lambda\in[0,1]` (default 1, i.e. SAM); only for ``unified``.
    mode : {"auto", "exact", "relaxation"}
        For normalized methods (SAM, Unified SAM with λ > 0): ``exact`` maximizes the exact
        fixed-gradient-norm PEP over the norms (``steps`` ≤ 2); ``relaxation`` solves the
        unit-vector relaxation (an upper bound, any ``steps``); ``auto`` (default) is ``exact``
        when ``steps`` ≤ 2 and the class is convex, ``relaxation`` otherwise. Ignored by the other methods, whose PEP is exact as it stands.

    Returns
    -------
    WorstCase
        ``value``, ``exact``, ``status``, the worst-case iterates and gradients, the dual
        multipliers (the certificate), and for SAM the relaxation's upper bound.

    Raises
    ------
    InvalidParameterError
        A parameter is outside its range (the message names it).
    ImportError
        The optional extra is missing: ``pip install "samtheory[pep]"``.

    Notes
    -----
    Exact (``exact=True``) are GD, USAM and Unified SAM with λ = 0 on the convex classes, and the
    SAM sweep. On the nonconvex class ``smooth`` the lower bound :math:`f\ge f_{\rm low}` is
    imposed at the evaluated points only (as
    :math:`f(z)-f_{\rm low}\ge\|\nabla f(z)\|^2/(2L)`), a relaxation: ``exact=False``.
    """
    spec = make_spec(method, function_class, steps=steps, metric=metric, initial=initial, smoothness=smoothness,
                     strong_convexity=strong_convexity, eta=eta, rho=rho, lam=lam)
    check_choice("mode", mode, MODES)
    require_pepit()
    convex = spec.function_class != "smooth"
    suffix = "" if convex else " + lower bound at the evaluated points"
    notes = [] if convex else ["nonconvex class: f >= f_low imposed at the evaluated points only "
                               "(f(z) - f_low >= ||grad f(z)||^2/(2L)); the value is an upper bound"]
    with warnings.catch_warnings():
        # cvxpy warns on inaccurate solutions; the status carries that information
        warnings.simplefilter("ignore", UserWarning)
        if not spec.normalized or spec.rho == 0:
            sol = solve_pep(spec)
            return _package(spec, sol, _witness(sol, spec), exact=convex, formulation="fixed-step" + suffix,
                            notes=notes)
        if mode == "auto":
            mode = "exact" if spec.steps <= MAX_EXACT_SAM_STEPS and convex else "relaxation"
        if mode == "exact" and not convex:
            # on the relaxed nonconvex class the sweep is neither exact nor, unless its maximization
            # is global, a guaranteed upper bound; the unit-vector relaxation is both sound and cheap
            raise InvalidParameterError("mode 'exact' needs a convex function_class for a normalized method; "
                                        f"got {spec.function_class!r} (use mode='relaxation' or 'auto')")
        if mode == "exact" and spec.steps > MAX_EXACT_SAM_STEPS:
            raise InvalidParameterError(f"steps must be <= {MAX_EXACT_SAM_STEPS} for the exact SAM worst case "
                                        f"(a grid over {spec.steps} gradient norms); got {spec.steps}; "
                                        "use mode='relaxation' for an upper bound")
        relaxed = solve_pep(spec, ascent="unit-vector")
        if mode == "relaxation":
            notes = notes + ["unit-vector relaxation: g/||g|| replaced by any u with ||u||^2 <= 1, <g, u> >= 0; "
                             "an upper bound on the worst case"]
            return _package(spec, relaxed, _witness(relaxed, spec, ascent="unit-vector"), exact=False,
                            formulation="unit-vector relaxation" + suffix, notes=notes)
        from ._sweep import maximize_over_norms
        norms, _, table, solves, seconds = maximize_over_norms(spec)
        best = solve_pep(spec, ascent="fixed-norm", norms=norms)
        notes = notes + [f"maximum over the gradient norms c_k = ||grad f(x_k)|| (k < {spec.steps}) of the exact "
                         f"fixed-norm PEP: grid then local refinement, {solves} solves"]
        witness = _witness(best, spec, ascent="fixed-norm", norms=norms)
        result = _package(spec, best, witness, exact=convex, formulation="gradient-norm sweep" + suffix, notes=notes)
        result.norms, result.sweep = norms, table
        result.upper_bound = relaxed.value
        result.solves += solves + 1 + spec.steps
        result.seconds += seconds + relaxed.seconds
        return result


def _witness(sol, spec, **how):
    """A low-dimensional worst case (PEPit's trace heuristic), solved only when the PEP was."""
    if sol.value is None or sol.status != "optimal" or not math.isfinite(sol.value):
        return None
    return solve_pep(spec, low_rank=True, **how)


def _package(spec, sol, witness, *, exact, formulation, notes) -> WorstCase:
    """The value, status and multipliers of ``sol``; the iterates of the low-rank ``witness``
    when it is there (else of ``sol``)."""
    shown = sol if witness is None or witness.value is None else witness
    result = WorstCase(value=sol.value, exact=exact, status=sol.status, formulation=formulation, spec=spec.to_dict(),
                       solver=sol.solver, iterates=shown.iterates, gradients=shown.gradients,
                       function_values=shown.function_values, duals=sol.duals, gram=shown.gram,
                       solves=1 if witness is None else 2,
                       seconds=sol.seconds + (0.0 if witness is None else witness.seconds), notes=list(notes))
    if shown is witness:
        result.witness_value = witness.value
    return result
