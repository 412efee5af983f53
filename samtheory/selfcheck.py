r"""Self-checks of the simulator: metamorphic relations and closed forms it must reproduce.

Each check runs the simulator on a small instance, compares a number with what the mathematics
says it must be, and returns a :class:`CheckResult` with verdict ``"holds"`` or ``"violated"``.
``samtheory verify`` runs them all; the tests run them too and show that each comparison fails
when the expected value is wrong.

=============================== ==========================================================  =======
check                           relation                                                    tol
=============================== ==========================================================  =======
``rho0-is-gd``                  SAM, USAM, Unified SAM with ρ = 0 equal GD (bit for bit)    0
``rho0-is-sgd``                 stochastic SAM with ρ = 0 equals SGD on the same stream     0
``unified-endpoints``           Unified SAM λ = 0 equals USAM, λ = 1 equals SAM             1e-12
``batched-equals-loop``         the batched simulator equals a per-trajectory loop          1e-12
``usam-linear-map``             USAM on ½xᵀHx is x ↦ (I − ηH − ηρH²)x                       1e-12
``rotation-invariance``         SAM on ½xᵀ(QᵀHQ)x is SAM on ½xᵀHx rotated by Q              1e-10
``seed-determinism``            the same seed gives bit-identical stochastic runs           0
``two-cycle``                   SAM on ½xᵀHx ends in ±a·u₁, a = ηρλ₁/(2 − ηλ₁)              1e-9
``noise-variance``              one SGD step from the minimizer of ½‖x‖² has E‖x₁‖² = η²σ²    5 SE
``same-sample``                 the ascent and descent samples are shared or independent    5 SE
                                exactly as ``same_sample`` says
``catalog-constants``           every catalog entry passes its self-falsification check     —
=============================== ==========================================================  =======

Tolerances are relative to the size of the compared quantities. 1e-12 covers the rounding
difference between algebraically equal orders of floating-point operations over a few hundred
steps of a contracting map; 1e-10 for the rotation, whose Haar matrix carries its own ~1e-15
orthogonality error into every step; 1e-9 for the 2-cycle, which is approached geometrically and
measured after enough steps for the transient to fall below 1e-12.

The two stochastic checks test the oracle through the simulator, where a fault would matter
(a lost 1/√d noise scaling, a ``same_sample`` flag that is ignored). Where the quantity is
exact per trajectory (Rademacher noise has ‖ξ‖² = σ² for every draw) they compare to 1e-12;
otherwise they compare a mean over N trajectories with its known value and allow 5 standard
errors computed from the exact variance, not the sample one (the chance that a correct
simulator fails is below 1e-6 per comparison, and a fixed seed makes the outcome reproducible).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .closed_forms import two_cycle_amplitude
from .functions import Quadratic, catalog, check_constants
from .methods import get_method
from .oracles import AdditiveNoise
from .simulation import simulate


@dataclass
class CheckResult:
    """Outcome of one self-check."""

    name: str
    verdict: str  # "holds" or "violated"
    detail: str
    observed: float = float("nan")
    expected: float = float("nan")
    tolerance: float = float("nan")
    extra: dict = field(default_factory=dict)

    def to_dict(self):
        return {"name": self.name, "verdict": self.verdict, "detail": self.detail,
                "observed": self.observed, "expected": self.expected, "tolerance": self.tolerance,
                **self.extra}


def compare(name, observed, expected, rtol, what):
    """``holds`` iff max |observed − expected| ≤ rtol · max(1, max |expected|)."""
    observed, expected = np.asarray(observed, float), np.asarray(expected, float)
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    err = float(np.max(np.abs(observed - expected))) if expected.size else 0.0
    ok = bool(np.all(np.isfinite(observed))) and err <= rtol * scale
    return CheckResult(name, "holds" if ok else "violated",
                       f"{what}: max abs difference {err:.3g} (allowed {rtol:.0e} x {scale:.3g})",
                       observed=err, expected=0.0, tolerance=rtol * scale)


def reference_loop(objective, method, eta, rho, steps, x0, lam=1.0, eps=0.0):
    """Plain per-trajectory loop: the literal update, one point at a time, no batching.

    ``x0`` has shape ``(n, d)``; returns the iterates after ``steps`` steps, shape ``(n, d)``.
    """
    meth = get_method(method)
    out = []
    for start in np.asarray(x0, dtype=float):
        x = start.copy()
        for _ in range(steps):
            g = objective.grad(x[None, :])[0]
            if meth.perturbation is None:
                x = x - eta * g
                continue
            if meth.name == "sam" or meth.name == "unified":
                norm = float(np.sqrt(g @ g))
                unit = g / (norm + eps) if eps > 0 else (g / norm if norm > 0 else np.zeros_like(g))
                ascent = rho * unit if meth.name == "sam" else rho * ((1 - lam) * g + lam * unit)
            else:
                ascent = meth.perturbation(g[None, :], rho, lam, eps)[0]
            x = x - eta * objective.grad((x + ascent)[None, :])[0]
        out.append(x)
    return np.array(out)


def _quadratic():
    return Quadratic.diagonal([0.5, 2.0, 5.0])


def check_rho0_is_gd():
    q = Quadratic.with_spectrum([0.5, 1.0, 4.0], seed=3)
    base = simulate(q, "gd", eta=0.2, steps=200, trajectories=5, seed=1)
    worst = 0.0
    for m in ("sam", "usam", "unified"):
        r = simulate(q, m, eta=0.2, rho=0.0, lam=0.5, steps=200, trajectories=5, seed=1)
        worst = max(worst, float(np.max(np.abs(r.x - base.x))))
    res = compare("rho0-is-gd", worst, 0.0, 0.0, "SAM/USAM/Unified with rho = 0 vs GD, final iterates")
    return res


def check_rho0_is_sgd():
    q = _quadratic()
    oracle = AdditiveNoise(q, 0.5)
    base = simulate(q, "sgd", eta=0.1, steps=300, trajectories=4, oracle=oracle, seed=7, x0=np.ones(3))
    r = simulate(q, "sam", eta=0.1, rho=0.0, steps=300, trajectories=4, oracle=oracle, seed=7, x0=np.ones(3))
    return compare("rho0-is-sgd", np.max(np.abs(r.x - base.x)), 0.0, 0.0,
                   "stochastic SAM (rho = 0, same sample) vs SGD, final iterates")


def check_unified_endpoints():
    q = Quadratic.with_spectrum([0.5, 1.0, 4.0], seed=3)
    kw = dict(eta=0.1, rho=0.05, steps=300, trajectories=6, seed=2)
    diffs = [
        np.max(np.abs(simulate(q, "unified", lam=0.0, **kw).x - simulate(q, "usam", **kw).x)),
        np.max(np.abs(simulate(q, "unified", lam=1.0, **kw).x - simulate(q, "sam", **kw).x)),
    ]
    return compare("unified-endpoints", max(diffs), 0.0, 1e-12, "Unified SAM lam=0 vs USAM and lam=1 vs SAM")


def check_batched_equals_loop():
    from .functions import get_function
    worst = 0.0
    # The dense quadratic runs 30 steps only: its gradient is a BLAS product whose summation order
    # differs for one point and for a batch (~1e-16), and once an iterate passes close to the
    # minimizer, SAM's normalization g/||g|| amplifies that difference (to ~1e-7 by step 60 on
    # this instance). That is the sensitivity of the method, not of the batching. The other
    # gradients are elementwise and agree bit for bit over 150 steps.
    for name, method, steps in (("cosine", "sam", 150), ("quadratic-dense", "sam", 30),
                                ("logcosh", "usam", 150), ("pl-sine", "unified", 150),
                                ("hyperbola-valley", "sam", 150)):
        f = get_function(name)
        r = simulate(f, method, eta=0.05, rho=0.05, lam=0.3, steps=steps, trajectories=4, seed=5)
        loop = reference_loop(f, method, 0.05, 0.05, steps, r.x0.reshape(-1, f.dim), lam=0.3)
        scale = max(1.0, float(np.max(np.abs(loop))))
        worst = max(worst, float(np.max(np.abs(r.x.reshape(-1, f.dim) - loop))) / scale)
    return compare("batched-equals-loop", worst, 0.0, 1e-12,
                   "batched simulator vs per-trajectory loop (5 functions, relative)")


def check_usam_linear_map():
    q = Quadratic.with_spectrum([0.3, 1.0, 2.0, 3.0], seed=4)
    eta, rho, steps = 0.1, 0.2, 100
    r = simulate(q, "usam", eta=eta, rho=rho, steps=steps, trajectories=3, seed=0)
    M = np.eye(4) - eta * q.H - eta * rho * q.H @ q.H
    expected = r.x0.reshape(-1, 4) @ np.linalg.matrix_power(M, steps).T
    return compare("usam-linear-map", r.x.reshape(-1, 4), expected, 1e-12,
                   "USAM iterates vs (I - eta H - eta rho H^2)^T x0")


def check_rotation_invariance():
    from scipy.stats import ortho_group
    eig = np.array([0.5, 1.5, 4.0])
    Q = ortho_group.rvs(3, random_state=11)
    plain = Quadratic.diagonal(eig)
    rotated = Quadratic(Q.T @ np.diag(eig) @ Q)  # rotated(x) = plain(Q x)
    x0 = np.random.default_rng(0).standard_normal((5, 3))
    a = simulate(plain, "sam", eta=0.2, rho=0.1, steps=200, x0=x0 @ Q.T, trajectories=5)
    b = simulate(rotated, "sam", eta=0.2, rho=0.1, steps=200, x0=x0, trajectories=5)
    return compare("rotation-invariance", b.x.reshape(-1, 3) @ Q.T, a.x.reshape(-1, 3), 1e-10,
                   "SAM on the rotated quadratic, rotated back, vs SAM on the diagonal one")


def check_seed_determinism():
    q = _quadratic()
    oracle = AdditiveNoise(q, 1.0, "rademacher")
    runs = [simulate(q, "sam", eta=0.05, rho=0.1, steps=200, trajectories=8, oracle=oracle,
                     same_sample=False, seed=123) for _ in range(2)]
    other = simulate(q, "sam", eta=0.05, rho=0.1, steps=200, trajectories=8, oracle=oracle,
                     same_sample=False, seed=124)
    res = compare("seed-determinism", np.max(np.abs(runs[0].x - runs[1].x)), 0.0, 0.0,
                  "two runs with seed 123")
    if res.verdict == "holds" and np.array_equal(runs[0].x, other.x):
        res = CheckResult("seed-determinism", "violated", "seeds 123 and 124 gave identical runs")
    return res




def check_two_cycle(amplitude=two_cycle_amplitude):
    q = Quadratic.diagonal([1.0, 3.0, 10.0])
    worst = 0.0
    for eta, rho in ((0.1, 0.05), (0.15, 0.2), (0.05, 0.5)):
        # the transverse directions contract by |q_i| <= 0.9 per step (docs/proofs/literature.md §2), and the
        # deviation along u1 by |1 - eta*lambda1| <= 0.5: 2000 steps leave < 1e-90 of the start
        r = simulate(q, "sam", eta=eta, rho=rho, steps=2000, trajectories=4, seed=9)
        observed = np.abs(r.x[..., 2])
        worst = max(worst, float(np.max(np.abs(observed - amplitude(eta, rho, 10.0)))))
    return compare("two-cycle", worst, 0.0, 1e-9,
                   "|x_top| at the end vs eta rho lambda1 / (2 - eta lambda1), three (eta, rho)")


def _within_standard_errors(name, observed_mean, expected_mean, standard_error, what, errors=5.0):
    """``holds`` iff |observed − expected| ≤ ``errors`` standard errors (the exact ones)."""
    deviation = abs(float(observed_mean) - float(expected_mean))
    allowed = errors * float(standard_error)
    ok = np.isfinite(observed_mean) and deviation <= allowed
    return CheckResult(name, "holds" if ok else "violated",
                       f"{what}: observed {float(observed_mean):.6g}, expected {float(expected_mean):.6g} "
                       f"(allowed {errors:g} standard errors = {allowed:.3g})",
                       observed=float(observed_mean), expected=float(expected_mean), tolerance=allowed)


def noise_variance(sigma, dim):
    r"""What :class:`~samtheory.oracles.AdditiveNoise` promises: :math:`\mathbb E\|\xi\|^2=\sigma^2`
    whatever the dimension (each coordinate has variance :math:`\sigma^2/d`)."""
    return sigma ** 2


def check_noise_variance(variance=noise_variance):
    r"""One SGD step with :math:`\eta=1` from the minimizer of :math:`\tfrac12\|x\|^2` gives
    :math:`x_1=-\xi`, so :math:`\|x_1\|^2` measures the noise the simulator actually added.

    Rademacher noise: :math:`\|\xi\|^2=\sigma^2` for every draw (exact, 1e-12). Gaussian noise:
    :math:`\|\xi\|^2\sim(\sigma^2/d)\chi^2_d` has variance :math:`2\sigma^4/d`, so the mean over
    N trajectories must lie within 5 of its standard errors :math:`\sigma^2\sqrt{2/(dN)}`."""
    sigma, trajectories = 0.7, 20000
    worst_exact = 0.0
    for dim in (1, 4):
        q = Quadratic.diagonal(np.ones(dim))
        r = simulate(q, "sgd", eta=1.0, steps=1, trajectories=64, x0=np.zeros(dim), seed=4,
                     oracle=AdditiveNoise(q, sigma, "rademacher"), record_every=None)
        squared = np.sum(r.x.reshape(-1, dim) ** 2, axis=-1)
        worst_exact = max(worst_exact, float(np.max(np.abs(squared - variance(sigma, dim)))))
    exact = compare("noise-variance", worst_exact, 0.0, 1e-12,
                    "Rademacher noise, ||x_1||^2 after one SGD step from 0 vs sigma^2 (d = 1, 4)")
    if exact.verdict != "holds":
        return exact
    dim = 3
    q = Quadratic.diagonal(np.ones(dim))
    r = simulate(q, "sgd", eta=1.0, steps=1, trajectories=trajectories, x0=np.zeros(dim), seed=5,
                 oracle=AdditiveNoise(q, sigma, "gaussian"), record_every=None)
    mean = float(np.mean(np.sum(r.x.reshape(-1, dim) ** 2, axis=-1)))
    return _within_standard_errors("noise-variance", mean, variance(sigma, dim),
                                   sigma ** 2 * np.sqrt(2.0 / (dim * trajectories)),
                                   f"Gaussian noise (d = {dim}), mean ||x_1||^2 over {trajectories} "
                                   "trajectories vs sigma^2 (Rademacher: exact)")


def check_same_sample(shared_fraction=None):
    r"""Whether the descent step reuses the ascent sample, read off one SAM step.

    On :math:`\tfrac12x^2` (1-D) with Rademacher noise :math:`\xi=\pm\sigma` and
    :math:`x_0=0`: the ascent gradient is :math:`\xi_1`, the perturbed point
    :math:`\rho\,\mathrm{sign}\,\xi_1`, and :math:`x_1=-\eta(\rho\,\mathrm{sign}\,\xi_1+\xi_2)`.
    With the same sample (:math:`\xi_2=\xi_1`) every trajectory has :math:`|x_1|=\eta(\rho+\sigma)`;
    with independent samples exactly half of them do in expectation (binomial standard error
    :math:`\sqrt{1/(4N)}`). ``shared_fraction(same_sample)`` is the expected fraction."""
    if shared_fraction is None:
        shared_fraction = lambda same: 1.0 if same else 0.5  # noqa: E731
    eta, rho, sigma, trajectories = 1.0, 0.5, 1.0, 4000
    q = Quadratic.diagonal([1.0])
    results = []
    for same in (True, False):
        r = simulate(q, "sam", eta=eta, rho=rho, steps=1, trajectories=trajectories, x0=np.zeros(1),
                     oracle=AdditiveNoise(q, sigma, "rademacher"), same_sample=same, seed=6,
                     record_every=None)
        fraction = float(np.mean(np.isclose(np.abs(r.x.ravel()), eta * (rho + sigma), rtol=1e-12)))
        results.append(_within_standard_errors(
            "same-sample", fraction, shared_fraction(same), np.sqrt(0.25 / trajectories),
            f"same_sample={same}: fraction of one-step runs with |x_1| = eta (rho + sigma)"))
    failed = [r for r in results if r.verdict != "holds"]
    if failed:
        return failed[0]
    return CheckResult("same-sample", "holds", "; ".join(r.detail for r in results))


def check_catalog_constants():
    failures = []
    names = []
    for f in catalog():
        names.append(f.name)
        report = check_constants(f, rng=0, n=2000)
        if not report.passed:
            failures.append(f"{f.name}: " + ", ".join(c.name for c in report.failures()))
    if failures:
        return CheckResult("catalog-constants", "violated", "; ".join(failures))
    return CheckResult("catalog-constants", "holds",
                       f"{len(names)} catalog entries passed smoothness/convexity/PL/Lipschitz/f* checks")


CHECKS = (check_rho0_is_gd, check_rho0_is_sgd, check_unified_endpoints, check_batched_equals_loop,
          check_usam_linear_map, check_rotation_invariance, check_seed_determinism, check_two_cycle,
          check_noise_variance, check_same_sample, check_catalog_constants)


def run_selfchecks(progress=None):
    """Run every check; a check that raises is reported with verdict ``"error"``."""
    results = []
    for check in CHECKS:
        try:
            results.append(check())
        except Exception as exc:  # report, never lose the other checks
            results.append(CheckResult(check.__name__.removeprefix("check_").replace("_", "-"), "error",
                                       f"{type(exc).__name__}: {exc}"))
        if progress is not None:
            progress(results[-1])
    return results
