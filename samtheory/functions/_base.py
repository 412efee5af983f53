r"""The objective interface: value, gradient and certified constants.

An :class:`Objective` is a differentiable :math:`f:\mathbb R^d\to\mathbb R` evaluated on batches of
points of shape ``(..., d)``. It carries the constants the theory needs, each as a
:class:`Constant` that records its value, whether it is tight, and how it was derived:

==================== ========================================================================
name                 inequality (for all :math:`x, y`)
==================== ========================================================================
``smoothness`` β      :math:`\|\nabla f(x)-\nabla f(y)\|\le\beta\|x-y\|`
``strong_convexity`` μ :math:`\langle\nabla f(x)-\nabla f(y),x-y\rangle\ge\mu\|x-y\|^2` (μ = 0: convex)
``pl``               :math:`\|\nabla f(x)\|^2\ge 2\,\mathrm{pl}\,(f(x)-f^*)`
``lipschitz`` L      :math:`\|\nabla f(x)\|\le L`
==================== ========================================================================

A constant that is absent is not claimed (``strong_convexity`` absent: nonconvex; ``lipschitz``
absent: unbounded gradient). Functions that are smooth only on a bounded region (for example
:math:`(xy-1)^2`) say so through ``region`` and the tag ``locally-smooth``; their constants hold on
that region only.

:func:`check_constants` tries to falsify every claimed inequality on random points and pairs.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .._array import is_jax

if TYPE_CHECKING:  # names used in annotations only
    from numpy.typing import ArrayLike

CONSTANT_NAMES = ("smoothness", "strong_convexity", "pl", "lipschitz")


@dataclass(frozen=True)
class Constant:
    """A certified constant of a function class.

    Attributes
    ----------
    value : float
        The number.
    tight : bool
        ``True`` when no smaller (for ``smoothness``/``lipschitz``) or larger (for
        ``strong_convexity``/``pl``) number satisfies the inequality; ``False`` when it is only a
        valid bound.
    derivation : str
        One or two sentences: how the number follows from the formula of ``f``.
    witness : tuple or None
        Where a tight value is attained (or approached to within 1e-6): a pair ``(x, y)`` for
        ``smoothness``/``strong_convexity`` and a point ``(x,)`` for ``pl``/``lipschitz``.
    """

    value: float
    tight: bool
    derivation: str
    witness: tuple | None = None

    def __post_init__(self):
        object.__setattr__(self, "value", float(self.value))


@dataclass(frozen=True)
class Family:
    r"""A parametrized family of objectives that the worst-case search draws from and moves along.

    Attributes
    ----------
    name : str
        Family name (reported with the worst instance).
    build : callable
        ``build(params, dim, rho, rng) -> Objective``: the member at ``params`` (a dict over
        ``space``), of dimension ``dim``. ``rho`` is the radius of the instance, for families tied
        to it (the cosine stall :math:`\omega=\theta/\rho`); ``rng`` (a seeded numpy Generator)
        draws any discrete data (design matrices), so a member is reproducible from its inputs.
    space : dict
        ``{parameter: (low, high)}`` with ``0 < low <= high``: the search draws each parameter
        log-uniformly in the range and refines it in log coordinates.
    dims : tuple of int
        Dimensions the family is drawn in.
    specials : dict
        ``{parameter: (values...)}``: extremal values, each drawn with probability 1/4 (for
        example the stall angle :math:`3\pi/2`, or a condition number of 1).
    starts : callable or None
        ``starts(objective, rho) -> list of points`` (each of shape ``(dim,)``) where the methods
        behave extremally, such as SAM's fixed points; the search starts a quarter of its draws at
        one of them (and moves away from it in local refinement).

    A subclass of :class:`Objective` lists its families in :meth:`Objective.search_families`;
    the search finds every subclass, so a user's own family joins it by defining that method.
    """

    name: str
    build: Callable
    space: dict = field(default_factory=dict)
    dims: tuple = (1,)
    specials: dict = field(default_factory=dict)
    starts: Callable | None = None

    def __post_init__(self):
        for key, (low, high) in self.space.items():
            if not 0 < low <= high:
                raise ValueError(f"family {self.name}: range of {key} must satisfy 0 < low <= high; got ({low}, {high})")


class Objective:
    r"""Base class of every objective.

    Subclasses implement :meth:`value` and :meth:`grad` (vectorized over leading axes) and may
    implement :meth:`hessian`. They pass their constants to ``__init__``.

    Parameters
    ----------
    dim : int
        Dimension :math:`d` of the domain.
    constants : dict of str to Constant
        Keys among ``smoothness``, ``strong_convexity``, ``pl``, ``lipschitz``.
    f_star : float
        :math:`f^*=\inf f`.
    minimizer : array_like or None
        A minimizer :math:`x^*` when one is known.
    name : str
        Catalog name.
    region : float or None
        ``None`` when the constants hold on all of :math:`\mathbb R^d`; otherwise the radius
        :math:`R` of the box :math:`\|x\|_\infty\le R` on which they hold.
    sample_scale : float
        Spread of the random points used by :func:`check_constants`.
    """

    #: Real-analytic functions satisfy the Kurdyka–Łojasiewicz property (Łojasiewicz 1963), which
    #: iterate-convergence results need. Subclasses that are analytic set this to True.
    analytic = False
    #: True when the minimizer is unique (strict convexity, or stated by the subclass).
    unique_minimizer = False
    #: The attributes through which ``value`` and ``grad`` read the numbers that differ between
    #: members of the class, each ``"scalar"`` or ``"coordinates"``: members can then be simulated
    #: as one batch (:func:`samtheory.functions.stack`). ``None``: not declared (one by one).
    parameters: dict[str, str] | None = None
    #: The parameters that hold one row per point (set by :meth:`StackedObjective.rows`; empty
    #: for an ordinary objective): code that splits a batch of points must split these too.
    point_parameters = ()

    def __init__(self, dim: int, constants: dict[str, Constant], f_star: float, minimizer: ArrayLike | None = None, *,
                 name: str, region: float | None = None, sample_scale: float = 3.0, description: str = ""):
        unknown = set(constants) - set(CONSTANT_NAMES)
        if unknown:
            raise ValueError(f"unknown constant names {sorted(unknown)}; allowed: {CONSTANT_NAMES}")
        self.dim = int(dim)
        self.constants = dict(constants)
        self.f_star = float(f_star)
        self.minimizer = None if minimizer is None else np.asarray(minimizer, dtype=float).reshape(self.dim)
        self.name = name
        self.region = region
        self.sample_scale = float(sample_scale)
        self.description = description

    @classmethod
    def search_families(cls) -> tuple:
        """The :class:`Family` objects through which the worst-case search reaches members of this
        class (default: none). Defined by each concrete family; see :mod:`samtheory.theorems.search`."""
        return ()

    # -- constants ------------------------------------------------------------------------
    def _constant_value(self, key):
        c = self.constants.get(key)
        return None if c is None else c.value

    @property
    def smoothness(self) -> float | None:
        """β, or ``None`` if the gradient is not (claimed) Lipschitz."""
        return self._constant_value("smoothness")

    @property
    def strong_convexity(self) -> float | None:
        """μ (0 for convex), or ``None`` if ``f`` is not convex."""
        return self._constant_value("strong_convexity")

    @property
    def pl(self) -> float | None:
        """The Polyak–Łojasiewicz constant, or ``None``."""
        return self._constant_value("pl")

    @property
    def lipschitz(self) -> float | None:
        """The Lipschitz constant of ``f`` (a bound on ‖∇f‖), or ``None``."""
        return self._constant_value("lipschitz")

    @property
    def tags(self) -> frozenset:
        """Class tags derived from the constants that are claimed."""
        tags = set()
        if self.smoothness is not None:
            tags.add("smooth")
            tags.add("locally-smooth" if self.region is not None else "globally-smooth")
        mu = self.strong_convexity
        if mu is None:
            tags.add("nonconvex")
        else:
            tags.add("convex")
            if mu > 0:
                tags.add("strongly-convex")
        if self.pl is not None and self.pl > 0:
            tags.add("pl")
        if self.lipschitz is not None:
            tags.add("lipschitz")
        if self.dim == 1:
            tags.add("1d")
        if self.analytic:
            tags.add("analytic")
        if self.unique_minimizer or (mu is not None and mu > 0):
            tags.add("unique-minimizer")
        return frozenset(tags)

    # -- evaluation -------------------------------------------------------------------------
    def value(self, x: np.ndarray) -> np.ndarray:
        """:math:`f(x)` for ``x`` of shape ``(..., d)``; returns shape ``(...)``."""
        raise NotImplementedError

    def grad(self, x: np.ndarray) -> np.ndarray:
        r""":math:`\nabla f(x)` for ``x`` of shape ``(..., d)``; returns shape ``(..., d)``."""
        raise NotImplementedError

    def hessian(self, x: np.ndarray) -> np.ndarray:
        r""":math:`\nabla^2 f(x)`, shape ``(..., d, d)``. Not every objective implements it."""
        raise NotImplementedError(f"{self.name} has no Hessian")

    def hvp(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        r"""Hessian-vector product :math:`\nabla^2 f(x)v` (default: through :meth:`hessian`)."""
        return np.einsum("...ij,...j->...i", self.hessian(x), v)

    def __call__(self, x):
        return self.value(x)

    def _as_points(self, x):
        if type(x) is np.ndarray and x.dtype == np.float64:  # the numpy loop's case, checked first
            if x.ndim == 0 or x.shape[-1] != self.dim:
                raise ValueError(f"points for {self.name} must have shape (..., {self.dim}); got {x.shape}")
            return x
        if is_jax(x):  # traced by the JAX backend: shapes are static, values are not available
            if x.ndim == 0 or x.shape[-1] != self.dim:
                raise ValueError(f"points for {self.name} must have shape (..., {self.dim}); got {x.shape}")
            return x
        x = np.asarray(x, dtype=float)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"points for {self.name} must have shape (..., {self.dim}); got {x.shape}")
        return x

    # -- sampling for the self-checks ----------------------------------------------------------
    def sample_points(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Random points where the constants are tested: Gaussian around ``x*`` (or 0) at three
        scales, clipped to the region when the constants are only local."""
        center = self.minimizer if self.minimizer is not None else np.zeros(self.dim)
        scales = self.sample_scale * np.array([0.1, 1.0, 3.0])[rng.integers(0, 3, size=n)]
        pts = center + scales[:, None] * rng.standard_normal((n, self.dim))
        if self.region is not None:
            pts = np.clip(pts, -self.region, self.region)
        return pts

    def summary(self) -> dict:
        """JSON-ready description: name, dimension, constants, f*, x*, tags."""
        out = {
            "name": self.name,
            "dim": self.dim,
            "description": self.description,
            "tags": sorted(self.tags),
            "f_star": self.f_star,
            "minimizer": None if self.minimizer is None else self.minimizer.tolist(),
            "region": None if self.region is None else {"box_radius": self.region},
            "constants": {},
        }
        for key in CONSTANT_NAMES:
            c = self.constants.get(key)
            out["constants"][key] = None if c is None else {
                "value": c.value, "tight": c.tight, "derivation": c.derivation}
        return out

    def __repr__(self):
        consts = ", ".join(f"{k}={v.value:.6g}" for k, v in self.constants.items())
        return f"<{type(self).__name__} {self.name!r} d={self.dim} {consts}>"


# ---------------------------------------------------------------------------------------------
# Self-falsification
# ---------------------------------------------------------------------------------------------

#: Relative slack allowed in each inequality. Float64 evaluations of f and ∇f carry relative
#: rounding errors of order 1e-15 per operation; differences of nearby gradients lose a few more
#: digits. 1e-9 is six orders above that and still ten million times below any constant that is
#: wrong by 1 %.
RTOL = 1e-9
#: Absolute slack, for inequalities whose two sides are both ~0 (points at the minimizer).
ATOL = 1e-12


@dataclass
class InequalityCheck:
    """Outcome of testing one claimed inequality on random samples."""

    name: str
    claimed: float
    samples: int
    worst_ratio: float  # max over samples of lhs / rhs for "lhs <= rhs" (<= 1 means no violation)
    violations: int
    worst_point: object = None

    @property
    def passed(self) -> bool:
        return self.violations == 0


@dataclass
class ConstantsReport:
    objective: str
    checks: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failures(self) -> list[InequalityCheck]:
        return [c for c in self.checks if not c.passed]

    def __str__(self):
        lines = [f"constants of {self.objective}:"]
        for c in self.checks:
            flag = "ok  " if c.passed else "FAIL"
            lines.append(f"  {flag} {c.name:<18} claimed={c.claimed:<12.6g} samples={c.samples:<6d} "
                         f"worst lhs/rhs={c.worst_ratio:.6g} violations={c.violations}")
        return "\n".join(lines)


def _record(name, claimed, lhs, rhs, points):
    """Record the check lhs <= rhs (elementwise), with the tolerances above."""
    lhs = np.asarray(lhs, dtype=float)
    rhs = np.asarray(rhs, dtype=float)
    slack = RTOL * (np.abs(lhs) + np.abs(rhs)) + ATOL
    bad = ~(lhs <= rhs + slack)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(rhs > 0, lhs / rhs, np.where(lhs <= slack, 0.0, np.inf))
    worst = int(np.argmax(ratio)) if ratio.size else 0
    return InequalityCheck(name=name, claimed=float(claimed), samples=int(lhs.size),
                           worst_ratio=float(ratio.ravel()[worst]) if ratio.size else 0.0,
                           violations=int(bad.sum()),
                           worst_point=None if not ratio.size else np.asarray(points)[worst].tolist())


def sample_pairs(objective, rng, n):
    """Pairs (x, y): half far apart, half at distances from 1e-4 to 1 (to probe local curvature)."""
    x = objective.sample_points(rng, n)
    y_far = objective.sample_points(rng, n)
    dist = 10.0 ** rng.uniform(-4, 0, size=n) * objective.sample_scale
    direction = rng.standard_normal((n, objective.dim))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    y_near = x + dist[:, None] * direction
    if objective.region is not None:
        y_near = np.clip(y_near, -objective.region, objective.region)
    use_near = rng.random(n) < 0.5
    y = np.where(use_near[:, None], y_near, y_far)
    return x, y


def _claimed_values(objective: Objective, constants: dict[str, Any] | None) -> dict[str, Any]:
    """The objective's claimed constants, with the overrides of :func:`check_constants` validated
    and applied."""
    claimed = {k: c.value for k, c in objective.constants.items()}
    if constants:
        from .._validation import InvalidParameterError, check_nonnegative, suggest
        for key, value in constants.items():
            if key not in CONSTANT_NAMES:  # a typo would otherwise test nothing and pass
                raise InvalidParameterError(f"unknown constant {key!r}{suggest(key, CONSTANT_NAMES)}; "
                                            f"allowed: {', '.join(CONSTANT_NAMES)}")
            if value is not None:
                check_nonnegative(key, value)
        claimed.update(constants)
    return claimed


def _hessian_checks(objective: Objective, claimed: dict[str, Any], x: np.ndarray) -> list:
    r"""Curvature: where a Hessian is available, its spectrum at the sampled points ``x`` (the
    first 500) bounds :math:`\beta` from below and :math:`\mu` from above (exact for quadratics at
    any point). No Hessian, no check."""
    try:
        hess = objective.hessian(x[: min(len(x), 500)])
    except NotImplementedError:
        hess = None
    if hess is None:
        return []
    eig = np.linalg.eigvalsh(np.asarray(hess))
    pts = x[: len(eig)]
    checks = []
    if "smoothness" in claimed:
        checks.append(_record("smoothness (Hessian)", claimed["smoothness"], np.abs(eig).max(axis=-1),
                              np.full(len(eig), claimed["smoothness"]), pts))
    if "strong_convexity" in claimed:
        checks.append(_record("strong convexity (Hessian)", claimed["strong_convexity"],
                              np.full(len(eig), claimed["strong_convexity"]), eig.min(axis=-1), pts))
    return checks


def check_constants(objective: Objective, rng: np.random.Generator | int | None = None, n: int = 4000,
                    constants: dict[str, Any] | None = None) -> ConstantsReport:
    """Try to falsify every constant ``objective`` claims, on ``n`` random points and pairs.

    Tests ``f(x) >= f*``, the gradient against central finite differences, and for each claimed
    constant its defining inequality (module docstring). Strong convexity is tested in both the
    monotone-gradient form and the first-order function-value form.

    Parameters
    ----------
    objective : Objective
    rng : numpy.random.Generator or int or None
    n : int
        Number of random points and of random pairs.
    constants : dict, optional
        Override the claimed values (used by the tests to show a wrong constant is caught).

    Returns
    -------
    ConstantsReport
    """
    rng = np.random.default_rng(rng)
    claimed = _claimed_values(objective, constants)
    report = ConstantsReport(objective.name)
    # random points, plus the witnesses where tight constants are attained: in d > 2 random
    # points almost never align with an extreme eigenvector, and the witnesses are exactly the
    # places where a too-good constant shows
    witness_points, witness_pairs = [], []
    for c in objective.constants.values():
        if c.witness is not None:
            pts = [np.asarray(p, dtype=float).reshape(objective.dim) for p in c.witness]
            (witness_pairs if len(pts) == 2 else witness_points).append(pts)
    x = objective.sample_points(rng, n)
    if witness_points:
        x = np.concatenate([x, np.array([p[0] for p in witness_points])])
    fx = objective.value(x)
    gx = objective.grad(x)

    report.checks.append(_record("f >= f*", objective.f_star, objective.f_star - fx, np.zeros_like(fx), x))

    # gradient against central differences along a random direction
    h = 1e-6 * max(1.0, objective.sample_scale)
    v = rng.standard_normal(x.shape)
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    fd = (objective.value(x + h * v) - objective.value(x - h * v)) / (2 * h)
    directional = np.sum(gx * v, axis=-1)
    scale = np.abs(fx) + np.abs(directional) + 1.0
    # central differences have error O(h^2 f''') + O(eps |f| / h): allow 1e-6 relative to the scale
    report.checks.append(_record("gradient (FD)", 0.0, np.abs(fd - directional), 1e-6 * scale, x))

    xa, xb = sample_pairs(objective, rng, n)
    if witness_pairs:
        xa = np.concatenate([xa, np.array([p[0] for p in witness_pairs])])
        xb = np.concatenate([xb, np.array([p[1] for p in witness_pairs])])
    ga, gb = objective.grad(xa), objective.grad(xb)
    dist = np.linalg.norm(xa - xb, axis=-1)
    keep = dist > 0
    xa, xb, ga, gb, dist = xa[keep], xb[keep], ga[keep], gb[keep], dist[keep]
    pairs = np.stack([xa, xb], axis=1)

    if "smoothness" in claimed:
        beta = claimed["smoothness"]
        report.checks.append(_record("smoothness", beta, np.linalg.norm(ga - gb, axis=-1), beta * dist, pairs))
    if "strong_convexity" in claimed:
        mu = claimed["strong_convexity"]
        inner = np.sum((ga - gb) * (xa - xb), axis=-1)
        report.checks.append(_record("strong convexity", mu, mu * dist ** 2, inner, pairs))
        fa, fb = objective.value(xa), objective.value(xb)
        lower = fa + np.sum(ga * (xb - xa), axis=-1) + 0.5 * mu * dist ** 2
        report.checks.append(_record("strong convexity (f)", mu, lower, fb, pairs))
    report.checks.extend(_hessian_checks(objective, claimed, x))
    if "pl" in claimed:
        pl = claimed["pl"]
        report.checks.append(_record("pl", pl, 2 * pl * (fx - objective.f_star), np.sum(gx ** 2, axis=-1), x))
    if "lipschitz" in claimed:
        lip = claimed["lipschitz"]
        report.checks.append(_record("lipschitz", lip, np.linalg.norm(gx, axis=-1), np.full(len(x), lip), x))
    return report


def attained_value(objective: Objective, key: str) -> float:
    """The value of the ratio that defines constant ``key`` at its witness.

    For a tight constant this reproduces the claimed value (to 1e-6 relative).
    """
    c = objective.constants[key]
    if c.witness is None:
        raise ValueError(f"{objective.name}: constant {key} has no witness")
    if key in ("smoothness", "strong_convexity"):
        xa, xb = (np.asarray(p, dtype=float).reshape(objective.dim) for p in c.witness)
        diff_g = objective.grad(xa) - objective.grad(xb)
        diff_x = xa - xb
        if key == "smoothness":
            return float(np.linalg.norm(diff_g) / np.linalg.norm(diff_x))
        return float(diff_g @ diff_x / (diff_x @ diff_x))
    (x,) = c.witness
    x = np.asarray(x, dtype=float).reshape(objective.dim)
    g = objective.grad(x)
    if key == "pl":
        return float(g @ g / (2 * (objective.value(x) - objective.f_star)))
    return float(np.linalg.norm(g))
