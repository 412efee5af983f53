"""Unified SAM step-size rules reproduce the reference tables (unified-sam.md §4.2–4.4)."""
import pytest

from samtheory import InvalidParameterError
from samtheory.stepsizes import (gamma_max, new_rule, old_rule, rho_max, satisfies_pl_conditions)


def sig4(x):
    return float(f"{x:.4g}")


def same_to_4_digits(a, b):
    """Equal within half a unit of the 4th significant digit. (Rounding both sides to 4 digits
    can split a pair like 1.41250557e-4 / 1.4125e-4 whose difference is 4e-6 relative; the
    reference's own inputs, e.g. L_max = 8.4140, are printed rounded to 5 digits.)"""
    return abs(a - b) <= 5e-4 * abs(b)


# deterministic least squares, mu = 0.1, L = 10, A = 0, B = 1 (§4.2)
NEW = {0.0: (0.0125, 0.0125), 0.1: (0.015432, 0.0125), 0.2: (0.019531, 0.0125), 0.3: (0.025, 0.0125),
       0.5: (0.025, 0.0125), 1.0: (0.025, 0.0125)}
OLD = {0.0: (1 / 60, 0.023684), 0.3: (0.025253, 0.023530), 0.5: (0.033333, 0.023684),
       0.7: (0.042373, 0.024217), 1.0: (0.05, 0.025)}
# importance-sampling experiment, mu = 0.04, L = L_max = 8.4140, B = 0 (§4.3), "old" rule
IMPORTANCE = {(0.5, 8.4140): (5.5968e-4, 1.4125e-4), (0.5, 3.3016): (1.4058e-3, 3.5995e-4),
              (1.0, 8.4140): (0.059425, 1.41252e-4), (1.0, 3.3016): (0.059425, 3.59978e-4)}


@pytest.mark.parametrize("lam", NEW)
def test_new_rule_deterministic_table(lam):
    s = new_rule(0.1, 10.0, 0.0, 1.0, lam)
    assert (sig4(s.rho), sig4(s.gamma)) == (sig4(NEW[lam][0]), sig4(NEW[lam][1]))


@pytest.mark.parametrize("lam", OLD)
def test_old_rule_deterministic_table(lam):
    s = old_rule(0.1, 10.0, 0.0, 1.0, lam)
    assert (sig4(s.rho), sig4(s.gamma)) == (sig4(OLD[lam][0]), sig4(OLD[lam][1]))


@pytest.mark.parametrize("lam, A", IMPORTANCE)
def test_old_rule_importance_table(lam, A):
    s = old_rule(0.04, 8.4140, A, 0.0, lam)
    rho, gamma = IMPORTANCE[(lam, A)]
    assert same_to_4_digits(s.rho, rho) and same_to_4_digits(s.gamma, gamma), (s, rho, gamma)


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.7, 1.0])
@pytest.mark.parametrize("mu, L, A, B", [(0.1, 10.0, 0.0, 1.0), (0.04, 8.414, 3.3, 0.0), (0.031, 3.1166, 3.1166, 0.0)])
def test_new_rule_satisfies_the_old_conditions(mu, L, A, B, lam):
    s = new_rule(mu, L, A, B, lam)
    assert satisfies_pl_conditions(s.rho, s.gamma, mu, L, A, B, lam)


def test_gamma_max_vanishes_at_rho_max():
    r = rho_max(0.1, 10.0, 0.0, 1.0, 0.3)
    assert gamma_max(r, 0.1, 10.0, 0.0, 1.0, 0.3) == pytest.approx(0.0, abs=1e-15)
    assert gamma_max(0.99 * r, 0.1, 10.0, 0.0, 1.0, 0.3) > 0


@pytest.mark.parametrize("args, match", [
    ((0.0, 10.0, 0.0, 1.0, 0.5), "mu must be > 0"),
    ((0.1, 10.0, 0.0, 1.0, 1.5), "lam must lie in \\[0, 1\\]"),
    ((0.1, -1.0, 0.0, 1.0, 0.5), "L must be > 0"),
])
def test_bad_input(args, match):
    with pytest.raises(InvalidParameterError, match=match):
        new_rule(*args)
