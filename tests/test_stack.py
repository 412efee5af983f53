"""Members of one family simulated as one batch (samtheory.functions._stack)."""
import numpy as np
import pytest

from samtheory import simulate
from samtheory._validation import InvalidParameterError
from samtheory.functions import (AsymmetricQuadratic, CosineFamily, Quadratic, StackedObjective, get_function,
                                 search_families, stack)
from samtheory.functions._stack import stack_signature
from samtheory.oracles import AdditiveNoise


def _members(family, dim, count, seed):
    """``count`` members of ``family`` with parameters drawn log-uniformly in its space."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        params = {k: float(np.exp(rng.uniform(np.log(lo), np.log(hi)))) for k, (lo, hi) in family.space.items()}
        out.append(family.build(params, dim, 0.1, rng))
    return out


def _mismatches(members, points):
    """Where the stacked evaluation differs from each member's own (exact comparison: the same
    arithmetic on the same numbers)."""
    stacked = stack(members)
    member = np.repeat(np.arange(len(members)), len(points))
    x = np.tile(points, (len(members), 1))
    rows = stacked.rows(member)
    value, grad = rows.value(x), rows.grad(x)
    expected_value = np.concatenate([m.value(points) for m in members])
    expected_grad = np.concatenate([m.grad(points) for m in members])
    return (not np.array_equal(value, expected_value), not np.array_equal(grad, expected_grad),
            not np.array_equal(value - rows.f_star, expected_value - np.repeat([m.f_star for m in members], len(points))))


STACKABLE = [(name, fam, dim) for name, fam in search_families().items() for dim in fam.dims
             if stack_signature(_members(fam, dim, 1, 0)[0]) is not None]


def test_the_catalog_families_that_should_stack_do():
    names = {name for name, _, _ in STACKABLE}
    assert {"cosine", "asymmetric-quadratic", "quadratic", "quadratic-psd", "logcosh", "huber", "pl-sine"} <= names


@pytest.mark.parametrize("name,family,dim", STACKABLE, ids=[f"{n}-d{d}" for n, _, d in STACKABLE])
def test_declared_parameters_are_all_that_differ_between_members(name, family, dim):
    members = _members(family, dim, 5, seed=dim)
    points = np.random.default_rng(1).standard_normal((40, dim)) * 3
    assert _mismatches(members, points) == (False, False, False)


def test_an_undeclared_parameter_is_caught_by_the_declaration_check():
    class HalfDeclared(CosineFamily):
        parameters = {"beta": "scalar"}  # omega differs between members too, but is not declared

    members = [HalfDeclared(1.0, 1.0), HalfDeclared(1.0, 3.0)]
    points = np.linspace(-2, 2, 9)[:, None]
    assert _mismatches(members, points)[0]


@pytest.mark.parametrize("name,family,dim", STACKABLE, ids=[f"{n}-d{d}" for n, _, d in STACKABLE])
def test_a_stacked_run_is_each_member_run_alone(name, family, dim):
    """Deterministic runs: the same numbers (every update is elementwise in the points)."""
    members = _members(family, dim, 4, seed=10 + dim)
    rng = np.random.default_rng(2)
    eta = np.array([0.5 / m.smoothness for m in members]) * rng.uniform(0.2, 1.0, 4)
    rho = rng.uniform(0.0, 0.3, 4)
    x0 = rng.standard_normal((4, 2, dim))
    together = simulate(stack(members), "sam", eta=eta, rho=rho, x0=x0, trajectories=2, steps=150, record_every=1)
    for k, member in enumerate(members):
        alone = simulate(member, "sam", eta=eta[k], rho=rho[k], x0=x0[k], trajectories=2, steps=150, record_every=1)
        point = together.grid_point(k, eta=float(eta[k]), rho=float(rho[k]))
        for key in ("x", "loss", "loss_min", "loss_mean", "gradsq_tail_mean", "loss_history", "gradsq_history"):
            np.testing.assert_array_equal(point[key], alone[key], err_msg=key)
        assert point.function == alone.function
        assert point.conventions["f_star"] == alone.conventions["f_star"]


def test_members_are_a_grid_axis_broadcast_with_eta():
    members = [CosineFamily(1.0, w) for w in (1.0, 2.0, 3.0)]
    eta = np.array([[0.1], [0.2]])  # (2, 1) against 3 members: a 2 x 3 grid
    result = simulate(stack(members), "sam", eta=eta, rho=0.05, x0=[0.7], steps=50)
    assert result.grid_shape == (2, 3)
    assert list(result.function[0]) == ["cosine"] * 3
    lone = simulate(members[2], "sam", eta=0.2, rho=0.05, x0=[0.7], steps=50)
    np.testing.assert_array_equal(result.x[1, 2], lone.x)
    with pytest.raises(InvalidParameterError, match="stacked members"):
        simulate(stack(members), "sam", eta=np.array([0.1, 0.2]), rho=0.05, x0=[0.7], steps=5)


def test_random_starts_are_each_members_own_and_reproducible():
    members = [CosineFamily(1.0, 1.0), CosineFamily(1.0, 100.0)]  # sample scales 2 pi and 2 pi / 100
    a = simulate(stack(members), "gd", eta=0.1, steps=3, trajectories=200, seed=4)
    b = simulate(stack(members), "gd", eta=0.1, steps=3, trajectories=200, seed=4)
    np.testing.assert_array_equal(a.x0, b.x0)
    spread = np.abs(a.x0).max(axis=(1, 2))
    assert spread[0] > 10 * spread[1]


def test_stochastic_stacked_runs_use_the_oracle_on_every_member():
    members = [AsymmetricQuadratic(0.5, 1.0), AsymmetricQuadratic(0.1, 2.0)]
    stacked = stack(members)
    result = simulate(stacked, "sam", eta=0.05, rho=0.05, x0=[1.0], trajectories=400, steps=400, seed=1,
                      oracle=AdditiveNoise(stacked, 0.5, "rademacher"))
    # stationary noise floor of SGD-like dynamics ~ eta sigma^2 / 4 per unit curvature: finite, nonzero
    assert np.all(np.isfinite(result.loss_tail_mean)) and np.all(result.loss_tail_mean > 0)
    with pytest.raises(InvalidParameterError, match="stacked objective"):
        simulate(stacked, "sam", eta=0.05, rho=0.05, x0=[1.0], steps=5, oracle=AdditiveNoise(members[0], 0.5))


def test_what_cannot_be_stacked_is_refused_by_name():
    with pytest.raises(InvalidParameterError, match="declares no"):
        stack([get_function("robust-regression")])
    with pytest.raises(InvalidParameterError, match="declares no"):
        stack([get_function("quadratic-dense")])  # dense Hessians are not declared
    with pytest.raises(InvalidParameterError, match="not of the family"):
        stack([Quadratic.diagonal([1.0, 2.0]), Quadratic.diagonal([1.0])])
    with pytest.raises(InvalidParameterError, match="not of the family"):
        stack([CosineFamily(), AsymmetricQuadratic()])
    with pytest.raises(InvalidParameterError, match="at least one"):
        stack([])
    assert isinstance(stack([CosineFamily()]), StackedObjective)


def test_a_stacked_run_on_the_jax_backend_equals_numpy():
    pytest.importorskip("jax")
    rng = np.random.default_rng(0)
    members = [Quadratic.diagonal(rng.uniform(0.5, 2, 3)) for _ in range(6)]
    eta, rho, x0 = rng.uniform(0.01, 0.3, 6), rng.uniform(0, 0.2, 6), rng.standard_normal((6, 2, 3))
    runs = [simulate(stack(members), "sam", eta=eta, rho=rho, x0=x0, trajectories=2, steps=300, backend=b)
            for b in ("numpy", "jax")]
    assert runs[1].backend == "jax"
    # the documented agreement of the backends on runs that are not chaotic (docs/backend.md)
    np.testing.assert_allclose(runs[1].x, runs[0].x, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(runs[1].loss_mean, runs[0].loss_mean, rtol=1e-10)


def test_a_large_stacked_run_on_the_jax_backend_is_not_split_into_blocks():
    """Deterministic JAX runs of more than 4096 trajectories are run block by block; the members'
    parameters hold one row per trajectory, so a stacked run must not be (it failed to trace)."""
    pytest.importorskip("jax")
    members = [CosineFamily(1.0, w) for w in np.linspace(1.0, 3.0, 1500)]
    runs = [simulate(stack(members), "sam", eta=0.1, rho=0.05, x0=[0.3], trajectories=3, steps=20, backend=b)
            for b in ("numpy", "jax")]
    np.testing.assert_allclose(runs[1].x, runs[0].x, rtol=1e-12)
