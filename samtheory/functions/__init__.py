"""Function classes with certified constants, and the catalog of named instances.

Each module defines one family; :data:`CATALOG` maps a name to a factory of the default instance,
and :func:`get_function` builds one (with keyword overrides, e.g. ``get_function("cosine",
beta=2.0)``).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._validation import InvalidParameterError
from ._base import (CONSTANT_NAMES, Constant, ConstantsReport, Family, Objective, attained_value,
                    check_constants)
from .asymmetric_quadratic import AsymmetricQuadratic
from .cosine import CosineFamily
from .custom import CustomObjective
from .finite_sums import (FiniteSum, LeastSquares, LogisticRegression, Ridge, haar_matrix_with_given_cond,
                          regression_targets, sq_matrix_with_given_cond)
from .huber import Huber
from .hyperbola_valley import HyperbolaValley
from .logcosh import LogCosh
from .pl_sine import PLSine
from .quadratic import Quadratic
from .robust_regression import RobustRegression
from ._stack import StackedObjective, stack

__all__ = ["Objective", "Family", "search_families", "Constant", "ConstantsReport", "check_constants", "attained_value",
           "CONSTANT_NAMES", "Quadratic", "CosineFamily", "PLSine", "AsymmetricQuadratic", "LogCosh",
           "Huber", "RobustRegression", "HyperbolaValley", "CustomObjective", "CATALOG",
           "get_function", "catalog", "stack", "StackedObjective", "FiniteSum", "LeastSquares", "Ridge", "LogisticRegression",
           "sq_matrix_with_given_cond", "haar_matrix_with_given_cond", "regression_targets"]


def _quadratic_dense(d=5, low=0.5, high=4.0, seed=0):
    return Quadratic.with_spectrum(np.linspace(low, high, d), seed=seed, name="quadratic-dense")


#: name -> (factory, one-line description). Factories take keyword overrides.
CATALOG: dict[str, tuple[Callable[..., Objective], str]] = {
    "quadratic": (lambda eigenvalues=(1.0, 3.0, 10.0): Quadratic.diagonal(eigenvalues, name="quadratic"),
                  "diagonal quadratic, spectrum (1, 3, 10)"),
    "quadratic-1d": (lambda curvature=2.0: Quadratic.diagonal([curvature], name="quadratic-1d"),
                     "1-D quadratic lambda/2 x^2, lambda = 2 (2-cycle example)"),
    "quadratic-dense": (_quadratic_dense, "dense quadratic with spectrum linspace(0.5, 4, 5), Haar rotation"),
    "quadratic-rank-deficient": (
        lambda eigenvalues=(0.0, 1.0, 4.0): Quadratic.diagonal(eigenvalues, name="quadratic-rank-deficient"),
        "convex, PL, not strongly convex: spectrum (0, 1, 4)"),
    "cosine": (lambda beta=1.0, rho=0.1, theta=1.5 * np.pi, dim=1: CosineFamily.stall_counterexample(
        beta, rho, theta, dim=dim, name="cosine"),
               "beta/omega^2 (1 - cos omega x), omega = 3 pi / (2 rho), rho = 0.1"),
    "cosine-unit": (lambda: CosineFamily(1.0, 1.0, name="cosine-unit"), "1 - cos x (hallucinated minimizers)"),
    "pl-sine": (lambda: PLSine(), "x^2 + 3 sin^2 x: PL, nonconvex"),
    "asymmetric-quadratic": (lambda mu=0.25, beta=1.0: AsymmetricQuadratic(mu, beta),
                             "mu/2 x^2 (x<0), beta/2 x^2 (x>=0); mu = 0.25, beta = 1"),
    "logcosh": (lambda weights=(1.0, 2.0, 0.5): LogCosh(weights), "sum a_i log cosh x_i, a = (1, 2, 0.5)"),
    "huber": (lambda delta=1.0, dim=2: Huber(delta, dim), "Huber, delta = 1, d = 2"),
    "robust-regression": (lambda m=20, d=5, seed=0: RobustRegression.random(m, d, seed=seed),
                          "sum log(1 + (Ax - b)_i^2), consistent, A 20 x 5"),
    "hyperbola-valley": (lambda box_radius=3.0: HyperbolaValley(box_radius), "(xy - 1)^2 on |x|,|y| <= 3"),
    "least-squares": (lambda n=20, d=5, reg=0.0, consistent=True, seed=0: LeastSquares.random(
        n, d, reg=reg, consistent=consistent, seed=seed, name="least-squares"),
                      "finite sum (1/2n)||Ax - b||^2, Gaussian A 20 x 5, consistent (interpolation)"),
    "ridge": (lambda n=20, d=5, reg=0.1, consistent=False, seed=0: Ridge.random(
        n, d, reg=reg, consistent=consistent, seed=seed, name="ridge"),
              "finite sum (1/2n)||Ax - b||^2 + (0.1/2)||x||^2, Gaussian A 20 x 5, b ~ N(0, I)"),
    "logistic": (lambda n=30, d=3, reg=0.05, seed=0: LogisticRegression.random(
        n, d, reg=reg, seed=seed, name="logistic"),
                 "finite sum of logistic losses + (0.05/2)||x||^2, Gaussian A 30 x 3 (f* numerical)"),
}


def get_function(name: str | Objective, **overrides: Any) -> Objective:
    """Build the catalog instance ``name``; keyword arguments override its defaults."""
    if isinstance(name, Objective):
        return name
    if name not in CATALOG:
        from .._validation import unknown
        raise unknown("function", name, CATALOG)
    factory, _ = CATALOG[name]
    try:
        return factory(**overrides)
    except TypeError as exc:
        raise InvalidParameterError(f"function {name!r}: {exc}") from None


def catalog() -> list[Objective]:
    """Default instances of every catalog entry, in catalog order."""
    return [get_function(name) for name in CATALOG]


def search_families() -> dict[str, Family]:
    """Every :class:`Family` declared by a subclass of :class:`Objective` (the package's and the
    user's, found by walking the subclasses), by family name; a subclass that inherits its parent's
    families does not list them twice."""
    found: dict[str, Family]
    found, stack = {}, [Objective]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for fam in cls.search_families():
            found.setdefault(fam.name, fam)
    return dict(sorted(found.items()))
