r"""The exact worst case of SAM: maximize the fixed-norm PEP over the gradient norms.

For a normalized method (SAM, Unified SAM with :math:`\lambda>0`) let :math:`V(c)` be the PEP value
over the functions and starts with :math:`\|\nabla f(x_k)\|=c_k` for :math:`k<T` (exact, see
:mod:`samtheory.pep._methods`). Every SAM trajectory has *some* gradient norms, so

.. math::

    \text{worst case of SAM} = \sup_{c\in[0,\bar c_0]\times\dots\times[0,\bar c_{T-1}]} V(c),

where :math:`\bar c_k^2` is the unit-vector relaxation's worst :math:`\|\nabla f(x_k)\|^2` (an upper
bound on every SAM trajectory's, so the box loses nothing). :math:`V` is not concave in
:math:`c` (it has a kink where :math:`c_0=\mu\|x_0-x_\star\|` stops binding), so the supremum is
found by a grid followed by a local refinement of the best grid points: a compass search for one
norm (:func:`_pattern_search`), Nelder–Mead for two (:func:`_simplex_search`; the maximum lies
on an oblique ridge of kinks, where a compass search stalls). Each evaluated
:math:`V(c)` is attained by a function of the class (a certified lower bound on the supremum up
to the solver's accuracy); that the refinement found the *global* maximum is not certified, and
the unit-vector relaxation is reported next to it as the certified upper bound. The grid has :math:`T`
dimensions, so this is done for :math:`T\le` :data:`~samtheory.pep._problem.MAX_EXACT_SAM_STEPS`.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from ._problem import solve_pep

#: grid points per gradient norm (1 step; 2 steps)
GRID_POINTS = {1: 21, 2: 9}
#: local refinements started from the best grid points
REFINE_STARTS = {1: 2, 2: 2}
#: the refinement stops when its step is below this fraction of the range of the norms
REFINE_TOLERANCE = 1e-7
#: evaluations of each Nelder–Mead refinement (two norms)
SIMPLEX_ITERATIONS = 200


class _Objective:
    """V(c) with a cache and a count of solves; infeasible/unsolved c count as -inf."""

    def __init__(self, spec):
        self.spec, self.cache, self.solves, self.seconds = spec, {}, 0, 0.0

    def __call__(self, norms) -> float:
        key = tuple(round(float(c), 13) for c in norms)
        if key not in self.cache:
            sol = solve_pep(self.spec, ascent="fixed-norm", norms=[max(0.0, c) for c in key])
            self.solves += 1
            self.seconds += sol.seconds
            ok = sol.value is not None and sol.status == "optimal"
            self.cache[key] = sol.value if ok else -math.inf
        return self.cache[key]

    def penalized(self, norms) -> float:
        """-V(c) for scipy's minimizers, with a large finite value where V is -inf (scipy's
        simplex arithmetic turns infinities into nan)."""
        v = self(norms)
        finite = [x for x in self.cache.values() if math.isfinite(x)]
        return -v if math.isfinite(v) else 1e6 * (1.0 + max((abs(x) for x in finite), default=1.0))


def norm_bounds(spec):
    r""":math:`\bar c_k`: the unit-vector relaxation's largest :math:`\|\nabla f(x_k)\|`, :math:`k<T`."""
    out = []
    for k in range(spec.steps):
        sol = solve_pep(spec, ascent="unit-vector", measure=("gradsq", k))
        if sol.value is None or not math.isfinite(sol.value):
            raise RuntimeError(f"could not bound ||grad f(x_{k})|| (relaxation status {sol.status})")
        out.append(math.sqrt(max(sol.value, 0.0)))
    return out


def _pattern_search(V, c, step, bounds):
    r"""Maximize V from c by compass search: try c ± δ along every axis and every diagonal, move
    to the best improvement, halve δ when there is none. It only compares values, so the cliffs
    of V (the edge of the feasible norms, where V drops to -inf and the worst case often sits)
    do not mislead it the way they mislead interpolating line searches."""
    T = len(c)
    directions = [np.array(d, dtype=float) for d in itertools.product((-1, 0, 1), repeat=T) if any(d)]
    delta = np.asarray(step, dtype=float) / 2
    best = V(c)
    while np.max(delta / np.maximum(bounds, 1e-300)) > REFINE_TOLERANCE:
        candidates = [np.clip(np.asarray(c) + d * delta, 0.0, bounds) for d in directions]
        values = [V(list(z)) for z in candidates]
        i = int(np.argmax(values))
        if values[i] > best:
            c, best = list(candidates[i]), values[i]
        else:
            delta = delta / 2
    return c, best


def _simplex_search(V, c, step, bounds):
    r"""Maximize V from c by Nelder–Mead (scipy), clipped to the box. With two norms V has a ridge:
    for each :math:`c_0` it rises in :math:`c_1` up to a kink and falls after it, and the kinks lie
    on a curve oblique to both axes. A compass search stalls on such a ridge (measured: 3.6e-6
    relative below a 2-D quadratic that SAM was simulated on); the simplex adapts its shape to
    the ridge and follows it."""
    from scipy.optimize import minimize
    lo, hi = np.zeros(len(c)), np.asarray(bounds, dtype=float)
    simplex = [np.asarray(c, dtype=float)] + [np.asarray(c, dtype=float) + np.eye(len(c))[k] * step[k] / 2
                                             for k in range(len(c))]
    minimize(lambda z: V.penalized(list(np.clip(z, lo, hi))), np.asarray(c, dtype=float), method="Nelder-Mead",
             options={"initial_simplex": np.array(simplex), "xatol": REFINE_TOLERANCE * float(np.max(hi)),
                      "fatol": 1e-12, "maxiter": SIMPLEX_ITERATIONS, "maxfev": SIMPLEX_ITERATIONS})


def maximize_over_norms(spec):
    """Return ``(best_norms, best_value, table, solves, seconds)`` for the normalized ``spec``."""
    T = spec.steps
    bounds = norm_bounds(spec)
    V = _Objective(spec)
    axes = [np.linspace(0.0, b, GRID_POINTS[T]) for b in bounds]
    grid = list(itertools.product(*axes))
    values = np.array([V(c) for c in grid])
    order = np.argsort(-values)
    step = [b / (GRID_POINTS[T] - 1) for b in bounds]
    starts = [grid[i] for i in order[:REFINE_STARTS[T]] if math.isfinite(values[i])]
    for c in starts:
        if T == 1:
            _pattern_search(V, list(c), step, bounds)
        else:
            _simplex_search(V, list(c), step, bounds)
    best_key = max(V.cache, key=V.cache.get)
    table = sorted((list(k), v) for k, v in V.cache.items())
    return list(best_key), V.cache[best_key], table, V.solves, V.seconds
