"""Exact worst cases by performance estimation (samtheory.pep) against closed forms and simulation.

Tolerances. samtheory.pep runs Clarabel with gap and feasibility tolerances of 1e-9
(``SOLVER_ATTEMPTS``). Most values below agree with their closed forms to 1e-9..1e-8 relative; the
worst seen is 2.3e-7 (USAM, eta=0.3, rho=1, mu=0.5, L=2, two steps; with Clarabel's default 1e-8
it was 1.8e-6). So solver error is bounded by SOLVER_RTOL = 1e-6 relative, which is also the
issue's requirement for the closed forms. Quadratic searches give *lower* bounds on a worst case
(the worst quadratic may sit between grid points), so "PEP >= quadratic" allows the solver error only. Quadratic searches give *lower* bounds on a
worst case (the true worst quadratic may sit between grid points), so "PEP >= quadratic" is
checked with a slack of 1e-7 relative for the solver only.
"""
import sys

import numpy as np
import pytest

from samtheory import InvalidParameterError
from samtheory.pep import worst_case  # importable without the extra; solving needs it

SOLVER_RTOL = 1e-6  # Clarabel's error on these SDPs is below this (worst seen 2.3e-7, relative)
CLOSED_FORM_RTOL = 1e-6  # the issue's requirement


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


# -- without the extra -----------------------------------------------------------------------------

class TestWithoutTheExtra:
    """Run whether or not the extra is installed."""

    without_extra = True

    def test_without_pepit_everything_imports_and_worst_case_says_how_to_install(self, monkeypatch):
        # a None entry in sys.modules makes `import PEPit` raise ImportError, as if it were not installed
        monkeypatch.setitem(sys.modules, "PEPit", None)
        import samtheory
        import samtheory.pep as pep
        from samtheory import cli  # noqa: F401  (the CLI imports without the extra)
        assert callable(samtheory.simulate)
        with pytest.raises(ImportError, match=r'pip install "samtheory\[pep\]"'):
            pep.worst_case("gd", "smooth-convex", steps=1, metric="loss", initial="distance", smoothness=1.0, eta=1.0)

    def test_cli_without_pepit_prints_one_line_and_exits_2(self, monkeypatch, capsys):
        monkeypatch.setitem(sys.modules, "PEPit", None)
        from samtheory import cli
        status = cli.main(["pep", "gd", "--class", "smooth-convex", "--steps", "1", "--metric", "loss",
                           "--initial", "distance", "--smoothness", "1", "--eta", "1"])
        _, err = capsys.readouterr()
        assert status == 2
        assert err.count("\n") == 1 and err.startswith("samtheory: error:") and 'samtheory[pep]' in err

    @pytest.mark.parametrize("kwargs, name", [
        (dict(method="adam"), "method"),
        (dict(function_class="convex"), "function_class"),
        (dict(steps=0), "steps"),
        (dict(metric="iterate"), "metric"),
        (dict(initial="radius"), "initial"),
        (dict(smoothness=0.0), "smoothness"),
        (dict(eta=-1.0), "eta"),
        (dict(method="usam", rho=-0.1), "rho"),
        (dict(function_class="smooth-strongly-convex", strong_convexity=1.5), "strong_convexity"),
        (dict(strong_convexity=0.1), "strong_convexity"),
        (dict(method="unified", lam=1.5), "lam"),
        (dict(lam=0.5), "lam"),
        (dict(function_class="smooth", initial="distance"), "initial"),
        (dict(function_class="smooth", initial="loss", metric="distance"), "metric"),
    ])
    def test_bad_arguments_name_the_parameter(self, kwargs, name):
        # validation happens before PEPit is imported, so this runs without the extra too
        args = dict(method="gd", function_class="smooth-convex", steps=1, metric="loss", initial="distance",
                    smoothness=1.0, eta=1.0)
        args.update(kwargs)
        method, cls = args.pop("method"), args.pop("function_class")
        with pytest.raises(InvalidParameterError, match=name):
            worst_case(method, cls, **args)


class TestPrivateModules:
    """The numpy parts of the private modules, which need no solver."""

    without_extra = True

    def test_the_public_entry_point_is_the_private_modules_function(self):
        import samtheory.pep as pep
        from samtheory.pep import _result, _worst_case
        assert pep.worst_case is _worst_case.worst_case
        assert pep.WorstCase is _result.WorstCase

    @pytest.mark.parametrize("method, lam, norm, expected", [
        ("gd", None, 2.0, 0.0), ("usam", None, 2.0, 0.3), ("sam", None, 2.0, 0.15), ("sam", None, 0.0, 0.0),
        ("unified", 0.5, 2.0, 0.3 * (0.5 + 0.5 / 2.0)), ("unified", 0.0, 2.0, 0.3)])
    def test_ascent_coefficient_is_the_methods_perturbation_over_the_gradient(self, method, lam, norm, expected):
        # y = x + s g: SAM's rho g/||g|| is s = rho/||g||, Unified SAM's mix of both, USAM's rho
        from samtheory.pep._methods import ascent_coefficient
        from samtheory.pep._problem import make_spec
        spec = make_spec(method, "smooth-convex", steps=1, metric="loss", initial="distance", smoothness=1.0,
                         eta=1.0, rho=0.0 if method == "gd" else 0.3, lam=lam)
        assert ascent_coefficient(spec, norm) == pytest.approx(expected, rel=1e-15)
        # and the same coefficient as samtheory.methods applies to a gradient of that norm
        if method != "gd" and norm > 0:
            from samtheory.methods import METHODS
            g = np.array([[norm, 0.0]])
            perturbation = METHODS[method].perturbation
            y = perturbation(g, 0.3, lam if lam is not None else 1.0, 0.0)
            assert y[0, 0] == pytest.approx(expected * norm, rel=1e-12)

    def test_fit_quadratic_recovers_a_known_hessian_and_rejects_a_perturbed_witness(self):
        from types import SimpleNamespace

        from samtheory.pep._instance import fit_quadratic
        rng = np.random.default_rng(0)
        H = np.diag([0.2, 0.7, 1.0])
        xs = rng.normal(size=(4, 3))
        names = ["x0", "y0", "x1", "y1"]
        grads = {({"x": "g", "y": "h"}[n[0]] + n[1:]): H @ x for n, x in zip(names, xs)}
        values = {f"f({n})": 0.5 * x @ H @ x for n, x in zip(names, xs)}
        spec = {"function_class": "smooth-strongly-convex", "strong_convexity": 0.1, "smoothness": 1.0}
        witness = SimpleNamespace(spec=spec, iterates=dict(zip(names, xs)), gradients=grads,
                                  function_values=values, status="optimal")
        fit = fit_quadratic(witness)
        assert fit.is_quadratic and fit.residual < 1e-10
        # the fitted matrix lives in the witness's coordinates: same spectrum as H
        assert np.allclose(np.linalg.eigvalsh(fit.hessian), [0.2, 0.7, 1.0], rtol=0, atol=1e-10)
        # a gradient 1 % off is not the data of any quadratic
        grads["g1"] = 1.01 * grads["g1"]
        assert not fit_quadratic(witness).is_quadratic

    def test_pattern_search_finds_the_maximum_of_a_concave_function_in_the_box(self):
        from samtheory.pep._sweep import REFINE_TOLERANCE, _pattern_search
        peak = np.array([0.3, 0.8])
        V = lambda c: -float(np.sum((np.asarray(c) - peak) ** 2))  # noqa: E731
        c, best = _pattern_search(V, [0.5, 0.5], step=[0.5, 0.5], bounds=np.array([1.0, 1.0]))
        assert np.allclose(c, peak, atol=10 * REFINE_TOLERANCE)
        # a peak outside the box: the search stops at the box's edge
        peak = np.array([0.3, 1.4])
        c, _ = _pattern_search(V, [0.5, 0.5], step=[0.5, 0.5], bounds=np.array([1.0, 1.0]))
        assert np.allclose(c, [0.3, 1.0], atol=10 * REFINE_TOLERANCE)


# -- with the extra --------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _needs_extra(request):
    """Tests below this point need the extra (pip install "samtheory[pep]"); skip them without it."""
    if not getattr(request.cls, "without_extra", False):
        pytest.importorskip("PEPit")
        pytest.importorskip("cvxpy")
        pytest.importorskip("clarabel")


def simulate_witness(result):
    from samtheory.pep._instance import simulate_witness as run
    return run(result)

SSC = "smooth-strongly-convex"


@pytest.mark.parametrize("eta, mu, L", [(1.0, 0.1, 1.0), (1.5, 0.1, 1.0), (0.5, 0.3, 1.0), (0.2, 1.0, 4.0),
                                        (0.8, 0.5, 2.0), (0.05, 2.0, 10.0)])
def test_gd_distance_contraction_is_the_known_tight_factor(eta, mu, L):
    r = worst_case("gd", SSC, steps=1, metric="distance", initial="distance", smoothness=L, strong_convexity=mu,
                   eta=eta)
    expected = max((1 - eta * L) ** 2, (1 - eta * mu) ** 2)
    assert r.exact and r.status == "optimal"
    assert rel(r.value, expected) <= CLOSED_FORM_RTOL
    # the certificate: the initial condition is the only constraint with a constant term, so the
    # dual objective is its multiplier alone. PEPit returns that dual objective, so this checks
    # that WorstCase.duals["initial"] is the multiplier of ||x0 - x*||^2 <= 1 (and not another one)
    assert rel(r.duals["initial"], r.value) <= CLOSED_FORM_RTOL


@pytest.mark.parametrize("L", [1.0, 3.0])
@pytest.mark.parametrize("N", [1, 2, 3, 4])
def test_gd_smooth_convex_loss_is_drori_teboulle(N, L):
    # Drori & Teboulle (2014): with eta = 1/L, f(x_N) - f* <= L ||x0 - x*||^2 / (4N + 2), tight
    r = worst_case("gd", "smooth-convex", steps=N, metric="loss", initial="distance", smoothness=L, eta=1 / L)
    assert r.exact and r.status == "optimal"
    assert rel(r.value, L / (4 * N + 2)) <= CLOSED_FORM_RTOL


def usam_quadratic_factor(eta, rho, mu, L):
    r"""max over lambda in [mu, L] of (1 - eta lambda (1 + rho lambda))^2, USAM's one-step factor on
    the quadratic with curvature lambda. phi(l) = 1 - eta l - eta rho l^2 has phi' = -eta (1 + 2 rho l),
    zero at l = -1/(2 rho); |phi| is largest at an endpoint or there. A dense grid is added as an
    independent check of that argument."""
    candidates = list(np.linspace(mu, L, 20001)) + [mu, L]
    if rho > 0 and mu <= -1 / (2 * rho) <= L:
        candidates.append(-1 / (2 * rho))
    lam = np.asarray(candidates)
    return float(np.max((1 - eta * lam * (1 + rho * lam)) ** 2))


USAM_SETS = [  # (eta, rho, mu, L)
    (1.0, 0.1, 0.1, 1.0),    # the issue's example
    (0.5, 0.5, 0.2, 1.0),
    (0.3, 1.0, 0.5, 2.0),
    (1.2, 0.05, 0.1, 1.0),
    (0.1, 0.2, 1.0, 5.0),
    (0.9, 0.3, 0.05, 1.0),
]


@pytest.mark.parametrize("eta, rho, mu, L", USAM_SETS)
def test_usam_one_step_is_the_quadratic_formula_and_t_steps_its_power(eta, rho, mu, L):
    factor = usam_quadratic_factor(eta, rho, mu, L)
    for T in (1, 2, 3):
        r = worst_case("usam", SSC, steps=T, metric="distance", initial="distance", smoothness=L,
                       strong_convexity=mu, eta=eta, rho=rho)
        assert r.exact and r.status == "optimal"
        assert rel(r.value, factor ** T) <= CLOSED_FORM_RTOL, (T, r.value, factor ** T)


@pytest.mark.parametrize("method, kwargs", [
    ("gd", dict(eta=1.5, strong_convexity=0.1)),
    ("gd", dict(eta=0.5, strong_convexity=0.3)),
    ("usam", dict(eta=1.0, rho=0.1, strong_convexity=0.1)),
    ("usam", dict(eta=0.5, rho=0.5, strong_convexity=0.2)),
])
@pytest.mark.parametrize("T", [1, 2])
def test_quadratic_worst_case_simulated_by_samtheory_gives_the_pep_value(method, kwargs, T):
    r = worst_case(method, SSC, steps=T, metric="distance", initial="distance", smoothness=1.0, **kwargs)
    check = simulate_witness(r)
    assert check["quadratic"].is_quadratic, check["quadratic"].reason
    assert check["relative_difference"] <= CLOSED_FORM_RTOL, check


def test_unbounded_question_is_reported_as_infinite():
    # from f(x0) - f* <= 1 alone, a smooth convex f can be arbitrarily flat: ||x1 - x*|| is unbounded
    r = worst_case("gd", "smooth-convex", steps=1, metric="distance", initial="loss", smoothness=1.0, eta=1.0)
    assert r.status == "unbounded" and r.value == np.inf and not r.ok


def test_non_quadratic_worst_case_is_reported_as_data_points():
    # GD's worst case in f(x_N) - f* on smooth convex functions is a Huber-like function, not a quadratic
    r = worst_case("gd", "smooth-convex", steps=2, metric="loss", initial="distance", smoothness=1.0, eta=1.0)
    check = simulate_witness(r)
    assert not check["quadratic"].is_quadratic and check["simulated"] is None
    assert {"x0", "x1", "x2"} <= set(r.iterates) and {"g0", "g1", "g2"} <= set(r.gradients)


# -- SAM ---------------------------------------------------------------------------------------------

def best_simulated_quadratic(method, eta, rho, mu, L, steps=1, lam=None, points=9, starts=91):
    r"""Largest ||x_T||^2 that samtheory's simulator finds for ``method`` on diagonal quadratics
    (1-D and 2-D, eigenvalues on a grid in [mu, L], SAM commutes with rotations so diagonal is no
    loss) from starts on the unit circle (||x0 - x*||^2 = 1). A lower bound on the worst case."""
    from samtheory.functions.quadratic import Quadratic
    from samtheory.simulation import simulate
    theta = np.linspace(0.0, np.pi / 2, starts)
    x0 = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    eigen = np.linspace(mu, L, points)
    best = 0.0
    extra = {} if lam is None else {"lam": lam}
    for i, a in enumerate(eigen):
        for b in eigen[i:]:
            run = simulate(Quadratic.diagonal([a, b]), method, eta=eta, rho=rho, steps=steps, x0=x0,
                           trajectories=starts, record_every=None, backend="numpy", **extra)
            best = max(best, float(np.max(np.sum(np.asarray(run.x) ** 2, axis=-1))))
    return best


def test_sam_exact_one_step_reproduces_the_issue_value():
    r = worst_case("sam", SSC, steps=1, metric="distance", initial="distance", smoothness=1.0, strong_convexity=0.1,
                   eta=1.0, rho=0.1)
    assert r.exact and r.status == "optimal" and r.formulation == "gradient-norm sweep"
    # the issue reports 0.79480 (5 digits) at ||grad f(x0)|| ~ 0.1278
    assert abs(r.value - 0.79480) <= 5e-6
    assert abs(r.norms[0] - 0.1278) <= 5e-4
    # and it is reached by a 2-D quadratic: a fine search over diag(a, b) and starts finds it
    quad = best_simulated_quadratic("sam", 1.0, 0.1, 0.1, 1.0, points=19, starts=721)
    assert quad <= r.value * (1 + SOLVER_RTOL)
    assert r.value - quad <= 1e-6
    assert r.upper_bound >= r.value


SAM_SETS = [  # (eta, rho, mu, L)
    (1.0, 0.1, 0.1, 1.0),
    (0.5, 0.2, 0.2, 1.0),
    (0.25, 0.5, 0.5, 2.0),
    (1.5, 0.05, 0.1, 1.0),
    (0.1, 1.0, 1.0, 4.0),
]


@pytest.mark.parametrize("eta, rho, mu, L", SAM_SETS)
def test_sam_relaxation_above_exact_above_simulated_quadratics(eta, rho, mu, L):
    exact = worst_case("sam", SSC, steps=1, metric="distance", initial="distance", smoothness=L,
                       strong_convexity=mu, eta=eta, rho=rho)
    relaxed = worst_case("sam", SSC, steps=1, metric="distance", initial="distance", smoothness=L,
                         strong_convexity=mu, eta=eta, rho=rho, mode="relaxation")
    assert exact.exact and not relaxed.exact and exact.status == relaxed.status == "optimal"
    quad = best_simulated_quadratic("sam", eta, rho, mu, L)
    assert relaxed.value >= exact.value * (1 - SOLVER_RTOL)
    assert exact.value >= quad * (1 - SOLVER_RTOL), (exact.value, quad)
    assert relaxed.value == pytest.approx(exact.upper_bound, rel=SOLVER_RTOL)


@pytest.mark.slow
def test_sam_two_steps_bracketed_by_quadratics_and_relaxation():
    args = dict(steps=2, metric="distance", initial="distance", smoothness=1.0, strong_convexity=0.1, eta=1.0, rho=0.1)
    exact = worst_case("sam", SSC, **args)
    quad = best_simulated_quadratic("sam", 1.0, 0.1, 0.1, 1.0, steps=2)
    assert exact.upper_bound >= exact.value >= quad * (1 - SOLVER_RTOL)


def test_unified_sam_with_lambda_zero_is_usam_and_with_lambda_one_is_sam():
    common = dict(steps=1, metric="distance", initial="distance", smoothness=1.0, strong_convexity=0.1, eta=1.0,
                  rho=0.1)
    usam = worst_case("usam", SSC, **common)
    assert worst_case("unified", SSC, lam=0.0, **common).value == pytest.approx(usam.value, rel=SOLVER_RTOL)
    sam = worst_case("sam", SSC, mode="relaxation", **common)
    assert worst_case("unified", SSC, lam=1.0, mode="relaxation", **common).value == pytest.approx(
        sam.value, rel=SOLVER_RTOL)


def test_unified_sam_exact_between_quadratics_and_relaxation():
    common = dict(steps=1, metric="distance", initial="distance", smoothness=1.0, strong_convexity=0.1, eta=1.0,
                  rho=0.2, lam=0.5)
    exact = worst_case("unified", SSC, **common)
    quad = best_simulated_quadratic("unified", 1.0, 0.2, 0.1, 1.0, lam=0.5)
    assert exact.upper_bound >= exact.value >= quad * (1 - SOLVER_RTOL)


def test_relaxation_for_more_steps_than_the_exact_sweep():
    r = worst_case("sam", SSC, steps=4, metric="distance", initial="distance", smoothness=1.0, strong_convexity=0.1,
                   eta=1.0, rho=0.1)
    assert not r.exact and r.formulation == "unit-vector relaxation" and r.status == "optimal"
    # an upper bound: above what SAM does on quadratics over 4 steps
    assert r.value >= best_simulated_quadratic("sam", 1.0, 0.1, 0.1, 1.0, steps=4, points=5, starts=31)
    with pytest.raises(InvalidParameterError, match="steps"):
        worst_case("sam", SSC, steps=3, metric="distance", initial="distance", smoothness=1.0, strong_convexity=0.1,
                   eta=1.0, rho=0.1, mode="exact")


def test_nonconvex_class_is_a_relaxation_above_gd_on_a_quadratic():
    r = worst_case("gd", "smooth", steps=3, metric="gradsq-min", initial="loss", smoothness=1.0, eta=0.5)
    assert not r.exact and r.status == "optimal" and np.isfinite(r.value)
    # f = x^2/2 (1-smooth) from x0 = sqrt(2), so f(x0) - f* = 1: a member of the class, below the bound
    from samtheory.functions.quadratic import Quadratic
    from samtheory.simulation import simulate
    run = simulate(Quadratic.diagonal([1.0]), "gd", eta=0.5, steps=3, x0=[np.sqrt(2.0)], record_every=1,
                   backend="numpy")
    assert r.value >= float(np.min(run.gradsq_history)) * (1 - SOLVER_RTOL)


# -- registry cross-check --------------------------------------------------------------------------

def test_crosscheck_finds_the_tight_gd_entries_tight():
    from samtheory.pep.crosscheck import ENTRIES, crosscheck
    gd = [e for e in ENTRIES if e.theorem.startswith("literature.gd.")]
    assert {e.theorem for e in gd} == {"literature.gd.smooth-convex", "literature.gd.contraction"}
    for c in crosscheck(gd, horizons=(1, 2, 3)):
        assert c.verdict == "holds" and c.exact, c
        # both are known tight: the proved slack is 1 up to the solver's error
        assert c.ratio == pytest.approx(1.0, rel=SOLVER_RTOL), c


def test_crosscheck_d1_holds_with_the_exact_one_step_and_uses_the_registry_bound():
    from samtheory.pep.crosscheck import ENTRIES, bound_value, check_entry
    d1 = [e for e in ENTRIES if e.theorem == "siyun.derived.d1"]
    for entry in d1:
        c = check_entry(entry, 1)
        assert c.verdict == "holds" and c.exact and c.ratio >= 1, c
        # the bound is the registry's D1 formula, max{(1 - eta mu) Delta, beta^4 eta^2 rho^2 / mu}
        L, mu, eta, rho, R = entry.smoothness, entry.strong_convexity, entry.eta, entry.rho, entry.radius
        assert bound_value(entry, 1)[0] == pytest.approx(max((1 - eta * mu) * R, L ** 4 * eta ** 2 * rho ** 2 / mu))


def test_crosscheck_radius_scaling_matches_a_direct_solve():
    # W(R, rho) = R W(1, rho / sqrt(R)) for SAM: check against the relaxation solved at radius 1 with
    # the scaled problem written out: f(x0) - f* <= R is the PEP at radius 1 for f~ = f(sqrt(R) .)/R
    from samtheory.pep.crosscheck import Entry, pep_value
    e = Entry("siyun.derived.d1", "sam", SSC, "loss", "loss", 1.0, 0.1, eta=0.5, rho=0.1, radius=4.0)
    value, _ = pep_value(e, 2, exact_steps=0)
    direct = worst_case("sam", SSC, steps=2, metric="loss", initial="loss", smoothness=1.0, strong_convexity=0.1,
                        eta=0.5, rho=0.05, mode="relaxation")
    assert value == pytest.approx(4.0 * direct.value, rel=1e-12)
    # and the scaling is right: SAM simulated on a quadratic from f(x0) - f* = 4 equals 4 times the
    # run from f(x0) - f* = 1 with rho halved
    from samtheory.functions.quadratic import Quadratic
    from samtheory.simulation import simulate
    q = Quadratic.diagonal([0.1, 1.0])
    big = simulate(q, "sam", eta=0.5, rho=0.1, steps=2, x0=[2.0, 2.0], record_every=None, backend="numpy")
    small = simulate(q, "sam", eta=0.5, rho=0.05, steps=2, x0=[1.0, 1.0], record_every=None, backend="numpy")
    assert float(q.value(np.asarray(big.x)).ravel()[0]) == pytest.approx(
        4.0 * float(q.value(np.asarray(small.x)).ravel()[0]), rel=1e-12)


def test_crosscheck_reports_a_bound_below_an_exact_worst_case_as_violated_with_the_witness(monkeypatch):
    from samtheory.pep import crosscheck as cc
    entry = cc.ENTRIES[0]  # GD on smooth convex, exact
    exact = 1 / 6  # its T = 1 worst case, Drori & Teboulle
    monkeypatch.setattr(cc, "bound_value", lambda e, T: (exact / 2, []))
    c = cc.check_entry(entry, 1)
    assert c.verdict == "violated" and c.ratio == pytest.approx(0.5, rel=SOLVER_RTOL)
    assert c.witness is not None and "x0" in c.witness["iterates"]


def test_verify_pep_flag_adds_the_crosscheck_table(capsys):
    from samtheory import cli
    status = cli.main(["verify", "--only", "literature.gd.smooth-convex", "--search-budget", "0", "--pep"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "Exact worst cases (PEP)" in out
    lines = [line.split() for line in out.splitlines()]
    # the PEP rows: theorem, T, bound, PEP, kind, ratio, verdict for T = 1..5
    pep_rows = [w for w in lines if w and w[0] == "literature.gd.smooth-convex"]
    assert [int(w[1]) for w in pep_rows] == [1, 2, 3, 4, 5] and all(w[-1] == "holds" for w in pep_rows)
    # and the simulated default instances are still there
    assert sum(w[:2] == ["holds", "literature.gd.smooth-convex"] for w in lines) == 3


def test_cli_pep_json_is_written_atomically_and_strict(tmp_path, capsys):
    import json
    from samtheory import cli
    path = tmp_path / "wc.json"
    status = cli.main(["pep", "usam", "--class", SSC, "--strong-convexity", "0.1", "--steps", "2", "--eta", "1",
                       "--rho", "0.1", "--json", str(path)])
    out, err = capsys.readouterr()
    assert status == 0, err
    doc = json.loads(path.read_text())
    assert doc["exact"] is True and doc["status"] == "optimal" and doc["instance"]["is_quadratic"] is True
    assert doc["value"] == pytest.approx(usam_quadratic_factor(1.0, 0.1, 0.1, 1.0) ** 2, rel=CLOSED_FORM_RTOL)
    assert "simulated" in out and "exact worst case" in out
    status = cli.main(["pep", "sam", "--class", SSC, "--strong-convexity", "2", "--steps", "1", "--eta", "1"])
    _, err = capsys.readouterr()
    assert status == 2 and err.startswith("samtheory: error:") and "strong_convexity" in err and err.count("\n") == 1
