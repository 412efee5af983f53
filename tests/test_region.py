"""Trajectories leaving the box on which an objective's constants are claimed (issue 13, item 11):
status "left-region" with the first step, on both backends, and not-applicable theorem checks."""
import numpy as np
import pytest

import samtheory as st
from samtheory.functions import CustomObjective
from samtheory.theorems import THEOREMS, Instance, check


def box_quadratic():
    # written with operations numpy and jax.numpy share, so that it also compiles under JAX
    return CustomObjective(value=lambda x: 0.5 * (x ** 2).sum(axis=-1), grad=lambda x: 1.0 * x, dim=1,
                           f_star=0.0, minimizer=[0.0], smoothness=1.0, strong_convexity=1.0, region=1.0,
                           name="box-quadratic")


def backends():
    from samtheory._jax_backend import available
    return ["numpy", "jax"] if available() else ["numpy"]


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("measures", [True, False])
def test_gd_iterates_leaving_the_box_get_the_status_and_the_step(backend, measures):
    # GD with eta = 2.5 on x^2/2 multiplies x by -1.5 each step: from 0.1, x_6 = 1.14 is the first outside
    r = st.simulate(box_quadratic(), "gd", eta=2.5, steps=20, x0=[[0.1], [0.0], [-0.2], [1.5]], trajectories=4,
                    backend=backend, measures=measures)
    assert r.status.tolist() == ["left-region", "ok", "left-region", "left-region"]
    # the step t whose x_t, y_t or x_{t+1} is outside: x_6 for 0.1, x_4 = -1.01 for -0.2, x_0 itself for 1.5
    assert r.left_region_at.tolist() == [5, -1, 3, 0]
    assert np.isfinite(r.loss[0])  # the numbers are kept: only the claims do not cover them


@pytest.mark.parametrize("backend", backends())
def test_a_perturbed_point_outside_the_box_counts(backend):
    # SAM from 0.6 with rho = 0.5 takes its descent gradient at y_0 = 1.1, outside the box
    r = st.simulate(box_quadratic(), "sam", eta=0.5, rho=0.5, steps=20, x0=[[0.6], [0.2]], trajectories=2,
                    backend=backend)
    assert r.status.tolist() == ["left-region", "ok"] and r.left_region_at.tolist() == [0, -1]


def test_diverged_comes_before_left_region_and_objectives_without_region_are_unchanged():
    r = st.simulate(box_quadratic(), "gd", eta=3.0, steps=200, x0=[[0.5]], divergence_threshold=1e10)
    assert r.status.tolist() == ["diverged"] and r.left_region_at.tolist() == [-1]
    plain = st.simulate(st.get_function("cosine"), "sam", eta=0.1, rho=0.1, steps=10)
    assert plain.left_region_at is None and plain.status.tolist() == ["ok"]


def test_a_check_on_a_run_that_left_the_region_is_not_applicable():
    th = THEOREMS["khanh.lemma-c"]
    inside = check(th, Instance(box_quadratic(), method=th.methods[0], eta=0.5, rho=0.1, x0=[0.5], steps=50))
    outside = check(th, Instance(box_quadratic(), method=th.methods[0], eta=0.5, rho=0.1, x0=[0.95], steps=50))
    assert inside.verdict == "holds"
    assert outside.verdict == "not-applicable" and "left the region" in outside.reason
