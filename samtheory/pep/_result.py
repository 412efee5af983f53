"""The answer of :func:`samtheory.pep.worst_case`."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class WorstCase:
    r"""The worst case of a method over a function class, and its witness and certificate.

    Attributes
    ----------
    value : float or None
        The worst value of the metric; ``inf`` when unbounded, ``None`` when the solver failed.
    exact : bool
        ``True``: the value is the worst case itself (up to the solver's accuracy, about 1e-7
        relative with Clarabel, and for SAM the accuracy of the maximization over the gradient
        norms). ``False``: a relaxation, so an upper bound on it.
    status : str
        The solver's status of the PEP that gave ``value`` (``"optimal"`` when all is well).
    formulation : str
        ``"fixed-step"`` (GD, USAM, Unified SAM with λ = 0), ``"gradient-norm sweep"`` (exact SAM),
        ``"unit-vector relaxation"`` (SAM upper bound); the nonconvex class adds
        ``" + lower bound at the evaluated points"``.
    spec : dict
        The question: method, class, steps, metric, initial condition and parameters.
    witness_value : float or None
        The metric at the witness below (within 1e-8 of ``value``: the witness is a
        low-dimensional solution chosen by PEPit's trace heuristic among the near-optimal ones).
    iterates, gradients : dict of name -> ndarray
        The worst case read off the Gram matrix: ``x0, y0, x1, ...`` (relative to the minimizer
        :math:`x_\star` for convex classes) and ``g0 = ∇f(x0), h0 = ∇f(y0), ...``.
    function_values : dict of name -> float
        :math:`f(x_k)-f_\star` (convex) or :math:`f(x_k)-f_{\rm low}` (nonconvex).
    duals : dict
        Dual multipliers: ``initial`` (the multiplier of the initial condition: for a linear
        problem in the initial radius it equals the value), the method's constraints, and one
        matrix per interpolation condition table of PEPit (rows/columns: the points). Together
        they are the proof that the value is an upper bound.
    gram : ndarray
        The Gram matrix of the worst case.
    norms : list of float or None
        SAM sweep: the gradient norms :math:`c_k` of the worst case.
    upper_bound : float or None
        SAM sweep: the unit-vector relaxation's value (the exact value lies below it).
    sweep : list
        SAM sweep: ``[c, V(c)]`` for every evaluated c.
    solves, seconds : int, float
        Number of SDPs solved and their total solver time.
    notes : list of str
    """

    value: float | None
    exact: bool
    status: str
    formulation: str
    spec: dict
    solver: str = ""
    witness_value: float | None = None
    iterates: dict = field(default_factory=dict)
    gradients: dict = field(default_factory=dict)
    function_values: dict = field(default_factory=dict)
    duals: dict = field(default_factory=dict)
    gram: np.ndarray | None = None
    norms: list | None = None
    upper_bound: float | None = None
    sweep: list = field(default_factory=list)
    solves: int = 1
    seconds: float = 0.0
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the solver reported an accurate optimum."""
        return self.status == "optimal" and self.value is not None

    def to_dict(self, *, witness: bool = True) -> dict:
        """Plain data (for JSON via :func:`samtheory._io.to_jsonable`); ``witness=False`` leaves out
        the iterates, gradients, Gram matrix and multipliers."""
        out = {"value": self.value, "exact": self.exact, "status": self.status, "formulation": self.formulation,
               "solver": self.solver, "witness_value": self.witness_value, **self.spec, "norms": self.norms, "upper_bound": self.upper_bound,
               "solves": self.solves, "seconds": self.seconds, "notes": list(self.notes)}
        if witness:
            out.update(iterates=self.iterates, gradients=self.gradients, function_values=self.function_values,
                       duals=self.duals, gram=self.gram, sweep=self.sweep)
        return out

    def __repr__(self):
        kind = "exact" if self.exact else "upper bound"
        return (f"WorstCase({self.spec.get('method')} on {self.spec.get('function_class')}, T={self.spec.get('steps')}, "
                f"{self.spec.get('metric')}: {self.value!r} ({kind}, {self.formulation}, {self.status}))")
