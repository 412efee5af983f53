"""Contracts of the private modules created by the room splits of issue #16, each by its dotted
name: what they compute, and that the packages re-export the very objects they define."""
import argparse
import importlib
import math

import numpy as np
import pytest

import samtheory.functions as functions
import samtheory.theorems as theorems


def test_cli_common_parses_bounded_integers_and_one_line_errors():
    common = importlib.import_module("samtheory.cli._common")
    at_least_two = common.integer(2)
    assert at_least_two("3") == 3 and at_least_two("1e6") == 1_000_000
    with pytest.raises(argparse.ArgumentTypeError):
        at_least_two("1")
    assert common.one_line("a\n  b\tc ") == "a b c"


def test_cli_listing_holds_the_two_listing_commands():
    listing = importlib.import_module("samtheory.cli._listing")
    from samtheory import cli
    by_name = {c.name: c for c in cli.COMMANDS}
    assert by_name["functions"].run is listing.run_functions and by_name["theorems"].run is listing.run_theorems


def test_explorer_text_readout_and_panels_helpers():
    text = importlib.import_module("samtheory.explorer._text")
    readout = importlib.import_module("samtheory.explorer._readout")
    panels = importlib.import_module("samtheory.explorer._panels")
    assert text.power_label(1e-3) == "10⁻³" and text.power_label(2e-3) == "" and text.int_label(100.0) == "100"
    wrapped = readout.wrap_line("word " * 30, width=40, indent=4)
    assert all(len(line) <= 40 for line in wrapped.split("\n")) and wrapped.count("\n") >= 3
    assert all(line.startswith("    ") for line in wrapped.split("\n")[1:])
    lo, hi = panels.snap_window(0.13, 0.87, 0.1)
    assert lo <= 0.13 and hi >= 0.87 and panels.snap_window(0.131, 0.871, 0.1) == (lo, hi)  # small moves snap alike


def test_finite_sum_modules_define_what_functions_exports():
    least_squares = importlib.import_module("samtheory.functions.least_squares")
    logistic_regression = importlib.import_module("samtheory.functions.logistic_regression")
    regression_data = importlib.import_module("samtheory.functions.regression_data")
    assert functions.LeastSquares is least_squares.LeastSquares and functions.Ridge is least_squares.Ridge
    assert functions.LogisticRegression is logistic_regression.LogisticRegression
    matrix = regression_data.sq_matrix_with_given_cond(6, 50.0, rng=0)
    eigenvalues = np.linalg.eigvalsh(matrix)
    assert np.allclose(matrix, matrix.T) and eigenvalues.max() / eigenvalues.min() == pytest.approx(50.0, rel=1e-9)


def test_catalog_module_holds_the_entries_the_functions_package_exports():
    catalog = importlib.import_module("samtheory.functions._catalog")
    assert functions.CATALOG is catalog.CATALOG and functions.register_function is catalog.register_function
    assert set(catalog.ENTRIES) == set(catalog.CATALOG)
    # every built-in entry keeps its rank order, and every named instance but the valley has a draw
    ranks = [catalog.ENTRIES[name].rank for name in catalog.CATALOG]
    assert ranks == sorted(ranks)
    assert [name for name in catalog.CATALOG if catalog.random_draw(name) is None] == ["hyperbola-valley"]


def test_builtin_methods_module_defines_the_registrys_first_five():
    from samtheory.methods import METHODS
    builtin = importlib.import_module("samtheory.methods.builtin")
    assert list(METHODS)[:5] == ["gd", "sgd", "sam", "usam", "unified"]
    assert METHODS["sam"].perturbation is builtin.sam_perturbation
    g = np.array([[3.0, 4.0]])
    np.testing.assert_allclose(builtin.sam_perturbation(g, 0.5, None, 0.0), [[0.3, 0.4]])
    np.testing.assert_allclose(builtin.unified_perturbation(g, 0.5, 1.0, 0.0), builtin.sam_perturbation(g, 0.5, None, 0.0))
    np.testing.assert_allclose(builtin.unified_perturbation(g, 0.5, 0.0, 0.0), builtin.usam_perturbation(g, 0.5, None, 0.0))


def test_theorem_engine_modules_define_what_theorems_exports():
    check_module = importlib.import_module("samtheory.theorems._check")
    instance_module = importlib.import_module("samtheory.theorems._instance")
    judges = importlib.import_module("samtheory.theorems._judges")
    space = importlib.import_module("samtheory.theorems.search._space")
    assert theorems.check is check_module.check and theorems.Instance is instance_module.Instance
    assert theorems.make_context is instance_module.make_context
    verdict = check_module.check(theorems.get_theorem("siyun.derived.d1"), theorems.get_theorem("siyun.derived.d1").instances[0])
    assert verdict.verdict == "holds" and verdict.curves is not None
    with judges.keeping_curves(False):
        quiet = check_module.check(theorems.get_theorem("siyun.derived.d2"), theorems.get_theorem("siyun.derived.d2").instances[0])
    assert quiet.verdict == "holds" and quiet.curves is None
    families = {fam.name for fam, _ in space.admissible_families(theorems.get_theorem("siyun.derived.d1"))}
    assert "quadratic" in families and "cosine" not in families  # D1 needs strong convexity


def test_si_yun_certificates_decay_at_their_proven_rate():
    certificates = importlib.import_module("samtheory.theorems.si_yun._certificates")
    shared = importlib.import_module("samtheory.theorems.si_yun._shared")
    th = theorems.get_theorem("siyun.deterministic.strongly-convex.upper")
    ctx = theorems.make_context(th.instances[0])
    values = [float(np.max(certificates._d1_certificate(ctx, T, certificates._p1_step(ctx, T))[0])) for T in (800, 3200)]
    assert values[1] < values[0]
    ctx.instance = theorems.Instance("quadratic", eta=0.1, rho=lambda t: 0.1, steps=10)
    assert math.isnan(shared._const(ctx, "rho")) and any("constant number" in r for r in ctx.unmet)


@pytest.mark.parametrize("module_name, prefix", [
    ("samtheory.theorems.si_yun.deterministic", "siyun.deterministic."),
    ("samtheory.theorems.si_yun.stochastic", "siyun.stochastic."),
    ("samtheory.theorems.si_yun.unavoidable", "siyun."),
    ("samtheory.theorems.si_yun.derived", "siyun.derived."),
])
def test_each_si_yun_module_registers_entries_under_its_prefix(module_name, prefix):
    module = importlib.import_module(module_name)
    ids = [tid for tid, th in theorems.THEOREMS.items() if th.bound.__module__ == module.__name__]
    assert ids and all(tid.startswith(prefix) for tid in ids)
    assert ("unavoidable" in module_name) == all(tid.endswith("rho2-unavoidable") for tid in ids)
