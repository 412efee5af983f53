r"""The virtual loss :math:`J_f` of a one-dimensional objective: SAM on :math:`f` is GD on :math:`J_f`.

Provenance: the name "virtual loss" and the notation :math:`J_f` for a continuous 1-D :math:`f` are
on Si & Yun's poster (CONFIRMED (poster)); the paper's defining formula is not available. The
definitions below are DERIVED in this project, not the paper's text (Si & Yun, NeurIPS 2023, plot
the virtual loss in their Fig. 2; its definition there is not available to this project).

Deterministic SAM
-----------------
In 1-D, SAM is :math:`x_{t+1}=x_t-\eta\,v(x_t)` with the *virtual gradient*

.. math:: v(x)=f'\big(x+\rho\,\mathrm{sign}\,f'(x)\big),\qquad v(x)=0 \text{ where } f'(x)=0

(the zero-gradient convention of :mod:`samtheory.methods`). Two functions have :math:`v` as their
derivative away from the critical points of :math:`f`:

* **integral form** (``form="integral"``, continuous):
  :math:`J_f(x)=J_{\rm ref}+\int_{x_{\rm ref}}^{x}v(s)\,ds`. On every interval where
  :math:`\mathrm{sign}f'` is constant it equals :math:`f(x\pm\rho)` plus a constant, and it has a kink
  (a jump of :math:`v`) at each critical point of :math:`f`. GD on it is SAM exactly:
  :math:`x_{t+1}=x_t-\eta J_f'(x_t)`.
* **composition form** (``form="composition"``): :math:`\tilde J_f(x)=f(x+\rho\,\mathrm{sign}f'(x))`.
  Same derivative away from critical points, but it jumps there.

Stochastic SAM (additive noise :math:`\nabla f(x;\xi)=f'(x)+\xi`, :math:`\mathbb E\xi=0`)
----------------------------------------------------------------------------------------------
The expected update direction is

.. math::

    v(x)=P_+(x)\,f'(x+\rho)+P_-(x)\,f'(x-\rho)+P_0(x)\,f'(x),\qquad
    P_\pm=\Pr[\pm(f'(x)+\xi)>0],\ P_0=\Pr[f'(x)+\xi=0],

for **same-sample** SAM (descent gradient :math:`f'(y)+\xi` with the ascent sample; its
:math:`\mathbb E[\xi]=0` term drops) and for **independent-sample** SAM (:math:`f'(y)+\xi'`,
:math:`\xi'` a fresh sample) alike; both modes are computed from their own formula and agree.
Then :math:`\mathbb E[x_{t+1}\mid x_t]=x_t-\eta J'(x_t)` with :math:`J=\int v`.

* discrete noise (``"rademacher"`` :math:`\xi=\pm\sigma`, or :class:`DiscreteNoise`): the
  probabilities are exact sums and piecewise constant, so :math:`J` is an exact combination of
  :math:`f(x+\rho)`, :math:`f(x-\rho)`, :math:`f(x)` between the points where :math:`f'(x)=-\xi_i`;
* Gaussian noise (``"gaussian"``, :math:`\xi\sim\mathcal N(0,\sigma^2)`):
  :math:`P_+=\Phi(f'(x)/\sigma)` is the closed form of the integral over :math:`\xi`, and
  :math:`J=\int v` is computed by adaptive quadrature (``scipy.integrate.quad``).

Closed forms for :math:`f=\frac\lambda2x^2` are in :func:`quadratic_virtual_loss`;
:func:`minimizers` finds the local minima of :math:`J` on an interval (smooth zeros of :math:`v` and
kinks where :math:`v` jumps from negative to positive). Everything works for any 1-D
:class:`~samtheory.functions.Objective`, including a
:class:`~samtheory.functions.CustomObjective`.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING, cast

from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special

from ._validation import InvalidParameterError, check_choice, check_nonnegative, check_positive

if TYPE_CHECKING:  # names used in annotations only
    from .oracles import AdditiveNoise
    from numpy.typing import ArrayLike
    from .functions._base import Objective

__all__ = ["DiscreteNoise", "GaussianNoise", "noise_model", "virtual_gradient", "virtual_loss",
           "composition_loss", "quadratic_virtual_loss", "minimizers", "VirtualMinimizer",
           "critical_points", "MODES", "FORMS"]

MODES = ("same_sample", "independent_samples")
FORMS = ("integral", "composition")


# ---------------------------------------------------------------------------------------------
# Noise models: only the probabilities of the ascent sign are needed
# ---------------------------------------------------------------------------------------------

class DiscreteNoise:
    r"""Additive noise taking ``values[i]`` with probability ``probs[i]`` (mean must be 0)."""

    exact = True

    def __init__(self, values: ArrayLike, probs: ArrayLike, name: str = "discrete"):
        values = np.asarray(values, dtype=float).ravel()
        probs = np.asarray(probs, dtype=float).ravel()
        if values.shape != probs.shape or values.size == 0:
            raise InvalidParameterError("values and probs must be non-empty and of equal length")
        if np.any(probs < 0) or abs(probs.sum() - 1) > 1e-12:
            raise InvalidParameterError("probs must be >= 0 and sum to 1")
        if abs(values @ probs) > 1e-12 * max(1.0, np.abs(values).max()):
            raise InvalidParameterError(f"the noise must have mean 0 (unbiased oracle); mean is {values @ probs:.3g}")
        self.values, self.probs, self.name = values, probs, name

    def sign_probabilities(self, g: np.ndarray) -> tuple:
        """``(P+, P0, P-)`` of the sign of ``g + xi``, each of the shape of ``g``."""
        g = np.asarray(g, dtype=float)
        s = g[..., None] + self.values
        return ((s > 0) @ self.probs, (s == 0) @ self.probs, (s < 0) @ self.probs)

    def levels(self) -> np.ndarray:
        """Values of f' where the sign probabilities change: f'(x) = -xi_i."""
        return np.unique(-self.values)

    def mean_term(self) -> float:
        return float(self.values @ self.probs)

    def describe(self) -> dict[str, Any]:
        return {"noise": self.name, "values": self.values.tolist(), "probs": self.probs.tolist()}


class GaussianNoise:
    r""":math:`\xi\sim\mathcal N(0,\sigma^2)`; :math:`P_+=\Phi(g/\sigma)` (the integral over :math:`\xi` in closed form)."""

    exact = False

    def __init__(self, sigma: float):
        self.sigma = float(check_positive("sigma", sigma))
        self.name = "gaussian"

    def sign_probabilities(self, g: np.ndarray) -> tuple:
        g = np.asarray(g, dtype=float)
        p_plus = special.ndtr(g / self.sigma)
        return p_plus, np.zeros_like(g), 1.0 - p_plus

    def levels(self) -> np.ndarray:
        return np.array([0.0])  # v is smooth away from the kinks of f'; 0 is a harmless extra node

    def mean_term(self) -> float:
        return 0.0

    def describe(self) -> dict[str, Any]:
        return {"noise": "gaussian", "sigma": self.sigma}


def noise_model(noise: str | DiscreteNoise | GaussianNoise | AdditiveNoise | None = None,
                sigma: float | None = None) -> DiscreteNoise | GaussianNoise | None:
    """``None`` (deterministic), ``"rademacher"``/``"gaussian"`` with ``sigma``, an
    :class:`~samtheory.oracles.AdditiveNoise` of a 1-D objective, or a noise model instance."""
    if noise is None:
        return None
    if isinstance(noise, (DiscreteNoise, GaussianNoise)):
        return noise
    kind = getattr(noise, "kind", None)
    if kind is not None:  # an AdditiveNoise oracle
        oracle = cast("AdditiveNoise", noise)  # for mypy: strings and noise models have no `kind`
        if oracle.objective.dim != 1:
            raise InvalidParameterError("the virtual loss needs a 1-D objective")
        noise, sigma = kind, oracle.sigma
    noise = check_choice("noise", noise, ("rademacher", "gaussian"))
    if sigma is None:
        raise InvalidParameterError(f"noise {noise!r} needs sigma (allowed range: (0, inf))")
    sigma = float(check_nonnegative("sigma", sigma))
    if noise == "rademacher":
        return DiscreteNoise([sigma, -sigma], [0.5, 0.5], name="rademacher")
    if sigma == 0:
        return DiscreteNoise([0.0], [1.0], name="gaussian(sigma=0)")
    return GaussianNoise(sigma)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def _check_objective(objective):
    if getattr(objective, "dim", None) != 1:
        raise InvalidParameterError(
            f"the virtual loss is defined for 1-D objectives; got dim={getattr(objective, 'dim', None)!r}")
    return objective


def _fprime(objective, x):
    x = np.asarray(x, dtype=float)
    return objective.grad(x[..., None])[..., 0]


def _f(objective, x):
    x = np.asarray(x, dtype=float)
    return objective.value(x[..., None])


def _rho(rho):
    return float(check_nonnegative("rho", rho))


def critical_points(objective: Objective, lo: float, hi: float, level: float = 0.0, grid: int = 4001) -> np.ndarray:
    r"""Points of :math:`[lo, hi]` where :math:`f'(x)=\text{level}`, found as sign changes of
    :math:`f'-\text{level}` on a grid of ``grid`` points, refined with Brent's method. Touching
    zeros without a sign change are not reported (they do not change the sign of the ascent)."""
    _check_objective(objective)
    xs = np.linspace(lo, hi, int(grid))
    d = _fprime(objective, xs) - level
    out = list(xs[d == 0])
    change = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)
    for i in change:
        out.append(optimize.brentq(lambda s: float(_fprime(objective, s) - level), xs[i], xs[i + 1],
                                   xtol=1e-15, rtol=4 * np.finfo(float).eps))
    return np.unique(np.asarray(out, dtype=float))


def _mode(mode):
    return check_choice("mode", mode, MODES)


# ---------------------------------------------------------------------------------------------
# The virtual gradient and loss
# ---------------------------------------------------------------------------------------------

def virtual_gradient(objective: Objective, x: ArrayLike, rho: float, *,
                     noise: str | DiscreteNoise | GaussianNoise | None = None, sigma: float | None = None,
                     mode: str = "same_sample") -> np.ndarray:
    r"""The virtual gradient :math:`v(x)` (module docstring): SAM's update direction
    (deterministic) or its expectation (stochastic). Same shape as ``x``.

    Deterministic: :math:`v(x)=f'(x+\rho\,\mathrm{sign}f'(x))`, :math:`0` where :math:`f'=0`.
    """
    _check_objective(objective)
    rho = _rho(rho)
    x = np.asarray(x, dtype=float)
    g = _fprime(objective, x)
    model = noise_model(noise, sigma)
    if model is None:
        return np.where(g == 0, 0.0, _fprime(objective, x + rho * np.sign(g)))
    _mode(mode)
    p_plus, p_zero, p_minus = model.sign_probabilities(g)
    out = p_plus * _fprime(objective, x + rho) + p_minus * _fprime(objective, x - rho) + p_zero * g
    if mode == "same_sample":
        # E[f'(y(xi)) + xi]: the xi term is the noise mean (0 for an unbiased oracle)
        out = out + model.mean_term()
    return out


def composition_loss(objective: Objective, x: ArrayLike, rho: float) -> np.ndarray:
    r"""The composition form :math:`\tilde J_f(x)=f(x+\rho\,\mathrm{sign}f'(x))` (deterministic only)."""
    _check_objective(objective)
    rho = _rho(rho)
    x = np.asarray(x, dtype=float)
    return _f(objective, x + rho * np.sign(_fprime(objective, x)))


def _breakpoints(objective, lo, hi, model):
    levels = np.array([0.0]) if model is None else model.levels()
    pts = [critical_points(objective, lo, hi, level=c) for c in levels]
    return np.unique(np.concatenate(pts)) if pts else np.array([])


def _piece_integral_exact(objective, a, b, rho, model):
    """Exact integral of v over (a, b), on which the sign probabilities are constant (``a``, ``b``:
    arrays of piece ends, one integral per piece)."""
    mid = 0.5 * (a + b)
    g_mid = _fprime(objective, mid)
    if model is None:
        s = np.sign(g_mid)
        return _f(objective, b + s * rho) - _f(objective, a + s * rho)
    p_plus, p_zero, p_minus = model.sign_probabilities(g_mid)
    total = (p_plus * (_f(objective, b + rho) - _f(objective, a + rho))
             + p_minus * (_f(objective, b - rho) - _f(objective, a - rho))
             + p_zero * (_f(objective, b) - _f(objective, a)))
    return total + model.mean_term() * (b - a)


def virtual_loss(objective: Objective, x: np.ndarray, rho: float, *, form: str = "integral",
                 noise: str | DiscreteNoise | GaussianNoise | None = None, sigma: float | None = None,
                 mode: str = "same_sample", x_ref: float | None = None, J_ref: float | None = None,
                 method: str = "auto") -> np.ndarray:
    r"""The virtual loss at the points ``x`` (any shape).

    Parameters
    ----------
    objective : Objective
        A 1-D objective.
    x : array_like
        Query points.
    rho : float
        SAM radius :math:`\rho\ge0`.
    form : {"integral", "composition"}
        ``"integral"``: :math:`J(x)=J_{\rm ref}+\int_{x_{\rm ref}}^x v`; ``"composition"``:
        :math:`f(x+\rho\,\mathrm{sign}f'(x))` (deterministic only).
    noise, sigma, mode
        Stochastic SAM (module docstring); ``None`` for deterministic SAM.
    x_ref, J_ref : float, optional
        Normalization of the integral form: :math:`J(x_{\rm ref})=J_{\rm ref}`. Defaults: the
        objective's minimizer (or 0) and :math:`f(x_{\rm ref})`, so :math:`J` and :math:`f` agree there.
    method : {"auto", "exact", "quad"}
        ``"exact"``: piecewise closed form through values of :math:`f` (deterministic and discrete
        noise); ``"quad"``: ``scipy.integrate.quad`` of :math:`v` between the kinks (always
        available; the only choice for Gaussian noise). ``"auto"`` picks ``"exact"`` when possible.
    """
    _check_objective(objective)
    rho = _rho(rho)
    form = check_choice("form", form, FORMS)
    model = noise_model(noise, sigma)
    x = np.asarray(x, dtype=float)
    if form == "composition":
        if model is not None:
            raise InvalidParameterError("the composition form is defined for deterministic SAM only (noise=None)")
        return composition_loss(objective, x, rho)
    if model is not None:
        _mode(mode)
    method = check_choice("method", method, ("auto", "exact", "quad"))
    exact_ok = model is None or model.exact
    if method == "auto":
        method = "exact" if exact_ok else "quad"
    if method == "exact" and not exact_ok:
        raise InvalidParameterError("method='exact' needs deterministic SAM or discrete noise; use 'quad'")
    if x_ref is None:
        x_ref = float(objective.minimizer[0]) if objective.minimizer is not None else 0.0
    x_ref = float(x_ref)
    if J_ref is None:
        J_ref = float(_f(objective, x_ref))
    flat = x.ravel()
    if flat.size == 0:
        return x.copy()
    lo, hi = min(flat.min(), x_ref), max(flat.max(), x_ref)
    span = max(hi - lo, 1e-12)
    breaks = _breakpoints(objective, lo - 1e-9 * span, hi + 1e-9 * span, model)
    nodes = np.unique(np.concatenate([flat, breaks[(breaks > lo) & (breaks < hi)], [x_ref]]))
    if method == "exact":  # every piece at once (the nodes are sorted and distinct)
        increments = _piece_integral_exact(objective, nodes[:-1], nodes[1:], rho, model)
    else:
        increments = np.array([integrate.quad(
            lambda s: float(virtual_gradient(objective, s, rho, noise=model, mode=mode)), a, b,
            epsabs=1e-14, epsrel=1e-12, limit=200)[0] for a, b in zip(nodes[:-1], nodes[1:])])
    cumulative = np.concatenate([[0.0], np.cumsum(increments)])
    at_ref = cumulative[np.searchsorted(nodes, x_ref)]
    values = J_ref + cumulative[np.searchsorted(nodes, flat)] - at_ref
    return values.reshape(x.shape)


# ---------------------------------------------------------------------------------------------
# Closed forms for quadratics
# ---------------------------------------------------------------------------------------------

def quadratic_virtual_loss(x: ArrayLike, curvature: float, rho: float, *,
                           noise: str | DiscreteNoise | GaussianNoise | None = None, sigma: float = 0.0) -> np.ndarray:
    r"""Closed-form virtual loss of :math:`f=\frac\lambda2x^2`, normalized by :math:`J(0)=0`.

    * deterministic: :math:`J(x)=\frac\lambda2x^2+\lambda\rho|x|` (a V-shaped kink at the minimum:
      hence the 2-cycle of SAM, ``docs/proofs/si-yun-lower-bounds.md`` §1);
    * Rademacher :math:`\pm\sigma`: :math:`\frac\lambda2x^2` where :math:`\lambda|x|<\sigma` (the ascent
      sign is a fair coin and the :math:`\pm\rho` shifts cancel), and
      :math:`\frac\lambda2x^2+\lambda\rho(|x|-\sigma/\lambda)` beyond;
    * Gaussian :math:`\mathcal N(0,\sigma^2)`:
      :math:`\frac\lambda2x^2+\lambda\rho\big[x(2\Phi(\lambda x/\sigma)-1)+\tfrac{2\sigma}\lambda(\varphi(\lambda x/\sigma)-\varphi(0))\big]`,
      whose derivative is :math:`\lambda x+\lambda\rho(2\Phi(\lambda x/\sigma)-1)`.

    Same-sample and independent-sample SAM share these (additive noise).
    """
    lam = float(check_positive("curvature", curvature))
    rho = _rho(rho)
    x = np.asarray(x, dtype=float)
    base = 0.5 * lam * x ** 2
    if noise is None or float(sigma) == 0.0:
        return base + lam * rho * np.abs(x)
    noise = check_choice("noise", noise, ("rademacher", "gaussian"))
    sigma = float(check_positive("sigma", sigma))
    if noise == "rademacher":
        return base + lam * rho * np.maximum(np.abs(x) - sigma / lam, 0.0)
    u = lam * x / sigma
    phi = np.exp(-0.5 * u ** 2) / np.sqrt(2 * np.pi)
    return base + lam * rho * (x * (2 * special.ndtr(u) - 1) + 2 * sigma / lam * (phi - 1 / np.sqrt(2 * np.pi)))


# ---------------------------------------------------------------------------------------------
# Minimizers
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VirtualMinimizer:
    """A local minimizer of :math:`J` found by :func:`minimizers`.

    ``kind`` is ``"smooth"`` (a zero of a continuous piece of :math:`v`, where GD on :math:`J` can
    converge) or ``"kink"`` (a critical point of :math:`f` where :math:`v` jumps from negative to
    positive: GD with a constant step oscillates around it, as in the 2-cycle). ``grad`` is
    :math:`f'(x)`; ``stationary`` says whether it is 0 (to 1e-12 relative), i.e. whether the
    minimizer of :math:`J` is a true critical point of :math:`f` or a *hallucinated* one.
    """

    x: float
    kind: str
    grad: float
    stationary: bool
    J: float

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "kind": self.kind, "grad": self.grad, "stationary": self.stationary, "J": self.J}


def minimizers(objective: Objective, rho: float, interval: tuple[float, float], *,
               noise: str | DiscreteNoise | GaussianNoise | None = None, sigma: float | None = None,
               mode: str = "same_sample", grid: int = 4001, kinks: bool = True) -> list[VirtualMinimizer]:
    r"""Local minimizers of the virtual loss in the open interval ``(lo, hi)``.

    A point is a local minimizer of :math:`J=\int v` where :math:`v` changes sign from negative to
    positive: either continuously (``kind="smooth"``, refined by Brent's method on :math:`v`) or by a
    jump at a critical point of :math:`f` (``kind="kink"``; omitted when ``kinks=False``). The scan
    uses ``grid`` points; minimizers closer together than the grid spacing can be missed.

    Returns a list of :class:`VirtualMinimizer`, sorted by ``x``.
    """
    _check_objective(objective)
    rho = _rho(rho)
    lo, hi = (float(v) for v in interval)
    if not hi > lo:
        raise InvalidParameterError(f"interval must have lo < hi; got {interval!r}")
    model = noise_model(noise, sigma)
    if model is not None:
        _mode(mode)

    def v(s):
        return virtual_gradient(objective, s, rho, noise=model, mode=mode)

    breaks = _breakpoints(objective, lo, hi, model)
    breaks = breaks[(breaks > lo) & (breaks < hi)]
    xs = np.unique(np.concatenate([np.linspace(lo, hi, int(grid)), breaks]))
    scale = max(1.0, float(np.max(np.abs(_fprime(objective, xs)))))
    found = []

    def add(xm, kind):
        g = float(_fprime(objective, xm))
        found.append((float(xm), kind, g, abs(g) <= 1e-12 * scale))

    is_break = np.isin(xs, breaks)
    h = 1e-9 * (hi - lo)
    # one-sided limits of v at every node: at a breakpoint v may jump
    left = np.where(is_break, v(xs - h), v(xs))
    right = np.where(is_break, v(xs + h), v(xs))
    for i, xi in enumerate(xs):
        if is_break[i] and kinks and left[i] < 0 < right[i] and 0 < i < len(xs) - 1:
            add(xi, "kink")
    for i in range(len(xs) - 1):
        a, b = xs[i], xs[i + 1]
        va, vb = right[i], left[i + 1]
        if va < 0 < vb:
            aa, bb = (a + h if is_break[i] else a), (b - h if is_break[i + 1] else b)
            root = optimize.brentq(lambda s: float(v(s)), aa, bb, xtol=1e-15, rtol=4 * np.finfo(float).eps)
            add(root, "smooth")
    for i in range(1, len(xs) - 1):  # exact zeros on grid nodes with a - to + change
        if not is_break[i] and left[i] == 0 and left[i - 1] < 0 < left[i + 1]:
            add(xs[i], "smooth")
    found.sort()
    xs_found = np.array([p[0] for p in found])
    J = virtual_loss(objective, xs_found, rho, noise=model, mode=mode) if found else np.array([])
    return [VirtualMinimizer(x, kind, g, stat, float(j)) for (x, kind, g, stat), j in zip(found, J)]
