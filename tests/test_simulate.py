"""The simulator: metamorphic relations, closed forms, records, divergence and bad input."""
import numpy as np
import pytest

import samtheory as st
from samtheory import InvalidParameterError, simulate
from samtheory.functions import CosineFamily, Quadratic, get_function
from samtheory.oracles import AdditiveNoise
from samtheory.schedules import power


@pytest.fixture
def quad():
    return Quadratic.diagonal([1.0, 3.0, 10.0])


def test_two_cycle_floor_matches_closed_form(quad):
    eta, rho, lam1 = 0.1, 0.05, 10.0
    r = simulate(quad, "sam", eta=eta, rho=rho, steps=3000, trajectories=3, seed=0)
    amplitude = eta * rho * lam1 / (2 - eta * lam1)
    np.testing.assert_allclose(r.loss, 0.5 * lam1 * amplitude ** 2, rtol=1e-9)
    np.testing.assert_allclose(np.abs(r.x[:, 2]), amplitude, rtol=1e-9)


def test_gd_matches_closed_form(quad):
    x0 = np.array([1.0, -1.0, 0.5])
    r = simulate(quad, "gd", eta=0.05, steps=40, x0=x0)
    expected = (1 - 0.05 * np.array([1.0, 3.0, 10.0])) ** 40 * x0
    np.testing.assert_allclose(r.x[0], expected, rtol=1e-13)


def test_summaries_are_consistent_with_history(quad):
    r = simulate(quad, "sam", eta=0.1, rho=0.05, steps=100, trajectories=2, record_every=1, seed=3)
    np.testing.assert_allclose(r.loss_history[:-1].mean(axis=0), r.loss_mean, rtol=1e-12)
    np.testing.assert_allclose(r.gradsq_history[:-1].mean(axis=0), r.gradsq_mean, rtol=1e-12)
    np.testing.assert_allclose(r.loss_history.min(axis=0), r.loss_min, rtol=1e-12)
    np.testing.assert_allclose(r.loss_history[-1], r.loss, rtol=1e-12)
    np.testing.assert_allclose(r.loss_history[90:100].mean(axis=0), r.loss_tail_mean, rtol=1e-12)
    assert r.t[0] == 0 and r.t[-1] == 100


def test_history_records_iterates(quad):
    r = simulate(quad, "gd", eta=0.1, steps=10, x0=np.ones(3), history=True, record_every=5)
    assert r.x_history.shape == (3, 1, 3)
    np.testing.assert_allclose(r.x_history[-1], r.x)
    np.testing.assert_allclose(r.x_history[0], r.x0)


def test_grid_broadcasts_and_matches_single_runs(quad):
    etas = np.array([0.05, 0.1])[:, None]
    rhos = np.array([0.0, 0.05, 0.2])
    grid = simulate(quad, "sam", eta=etas, rho=rhos, steps=200, trajectories=2, x0=np.ones(3))
    assert grid.batch_shape == (2, 3, 2)
    for i, eta in enumerate(etas[:, 0]):
        for j, rho in enumerate(rhos):
            single = simulate(quad, "sam", eta=eta, rho=rho, steps=200, trajectories=2, x0=np.ones(3))
            np.testing.assert_array_equal(grid.x[i, j], single.x)


def test_schedules_in_a_grid(quad):
    r = simulate(quad, "sam", eta=power(np.array([0.1, 0.05]), 0.5), rho=0.05, steps=50, x0=np.ones(3))
    assert r.batch_shape == (2, 1)
    single = simulate(quad, "sam", eta=power(0.05, 0.5), rho=0.05, steps=50, x0=np.ones(3))
    np.testing.assert_array_equal(r.x[1], single.x)


def test_lambda_schedules_run(quad):
    a = simulate(quad, "unified", eta=0.1, rho=0.05, lam="1/t", steps=1, x0=np.ones(3))
    sam = simulate(quad, "sam", eta=0.1, rho=0.05, steps=1, x0=np.ones(3))
    np.testing.assert_allclose(a.x, sam.x, rtol=1e-15)  # lambda_1 = 1: first step is SAM
    b = simulate(quad, "unified", eta=0.1, rho=0.05, lam="1-1/t", steps=1, x0=np.ones(3))
    usam = simulate(quad, "usam", eta=0.1, rho=0.05, steps=1, x0=np.ones(3))
    np.testing.assert_allclose(b.x, usam.x, rtol=1e-15)


def test_zero_gradient_convention():
    q = Quadratic.diagonal([2.0])
    r = simulate(q, "sam", eta=0.1, rho=0.5, steps=5, x0=[0.0])
    assert r.x[0, 0] == 0.0  # a stationary point is a fixed point: no NaN from 0/0
    r = simulate(q, "sam", eta=0.1, rho=0.5, steps=5, x0=[0.0], eps=1e-12)
    assert r.x[0, 0] == 0.0 and r.conventions["zero_gradient"].startswith("ascent divided")


def test_divergence_is_recorded_and_others_go_on(quad):
    r = simulate(quad, "gd", eta=np.array([0.1, 0.5]), steps=2000, x0=np.ones(3))
    assert list(r.status[:, 0]) == ["ok", "diverged"]
    assert r.diverged_at[1, 0] > 0 and r.diverged_at[0, 0] == -1
    assert np.isnan(r.loss[1, 0]) and r.loss[0, 0] < 1e-30
    summary = r.summary()
    assert summary["status_counts"] == {"diverged": 1, "ok": 1}


def test_all_diverged_stops_early(quad):
    r = simulate(quad, "gd", eta=1.0, steps=10 ** 6, x0=np.ones(3))
    assert r.status[0] == "diverged" and r.diverged_at[0] < 1000


def test_same_sample_and_independent_modes_differ():
    f = get_function("asymmetric-quadratic")
    oracle = AdditiveNoise(f, 1.0, "rademacher")
    a = simulate(f, "sam", eta=0.01, rho=0.1, steps=100, trajectories=5, oracle=oracle, same_sample=True, seed=1)
    b = simulate(f, "sam", eta=0.01, rho=0.1, steps=100, trajectories=5, oracle=oracle, same_sample=False, seed=1)
    assert not np.array_equal(a.x, b.x)
    assert a.same_sample is True and b.same_sample is False


def test_additive_noise_has_exact_variance():
    f = get_function("quadratic")
    rng = np.random.default_rng(0)
    for kind in ("gaussian", "rademacher"):
        oracle = AdditiveNoise(f, 0.7, kind)
        xi = oracle.draw(rng, 200_000)
        sq = np.sum(xi ** 2, axis=1)
        if kind == "rademacher":
            np.testing.assert_allclose(sq, 0.49, rtol=1e-14)  # ||xi|| = sigma exactly
        else:
            # mean of 2e5 chi-square-type draws: standard error 0.49*sqrt(2/(3*2e5)) ~ 9e-4
            assert abs(sq.mean() - 0.49) < 5 * 0.49 * np.sqrt(2 / 3 / 200_000)
        assert np.all(np.abs(xi.mean(axis=0)) < 5 * 0.7 / np.sqrt(3 * 200_000))


def test_custom_method(quad):
    st.register_method("sign-sam-test", lambda g, rho, lam, eps: rho * np.sign(g) / np.sqrt(g.shape[-1]),
                       overwrite=True)
    r = simulate(quad, "sign-sam-test", eta=0.05, rho=0.01, steps=200, x0=np.ones(3))
    x = np.ones(3)
    for _ in range(200):
        x = x - 0.05 * quad.grad(x + 0.01 * np.sign(quad.grad(x)) / np.sqrt(3))
    np.testing.assert_allclose(r.x[0], x, rtol=1e-12, atol=1e-15)


def test_stall_on_cosine_counterexample():
    f = CosineFamily.stall_counterexample(beta=1.0, rho=0.1)
    r = simulate(f, "sam", eta=0.5, rho=0.1, steps=2000, trajectories=50, seed=0)
    np.testing.assert_allclose(np.sqrt(r.gradsq), 2 * 0.1 / (3 * np.pi), rtol=1e-9)
    gd = simulate(f, "gd", eta=0.5, steps=2000, trajectories=50, seed=0)
    assert np.all(gd.gradsq < 1e-20)


@pytest.mark.parametrize("kwargs, match", [
    (dict(rho=-0.1), "rho must be >= 0"),
    (dict(eta=0.0), "eta must be > 0"),
    (dict(eta=-1.0), "eta must be > 0"),
    (dict(method="unified", lam=1.5), "lam must lie in \\[0, 1\\]"),
    (dict(method="unified", lam=-0.1), "lam must lie in \\[0, 1\\]"),
    (dict(x0=[np.nan, 0.0, 0.0]), "x0 must be finite"),
    (dict(x0=[1.0, 2.0]), "x0 must have last dimension 3"),
    (dict(method="nope"), "unknown method 'nope'"),
    (dict(method="sgd"), "needs an oracle"),
    (dict(trajectories=0), "trajectories must be an integer >= 1"),
    (dict(steps=0), "steps must be an integer >= 1"),
    (dict(eta=np.inf), "eta must be finite"),
    (dict(tail=0.0), "tail must lie in"),
    (dict(method="unified", lam="1/k"), "named schedules"),
])
def test_bad_input(quad, kwargs, match):
    params = dict(method="sam", eta=0.1, rho=0.05, steps=10)
    params.update(kwargs)
    method = params.pop("method")
    with pytest.raises(InvalidParameterError, match=match):
        simulate(quad, method, **params)


def test_gd_refuses_an_oracle(quad):
    with pytest.raises(InvalidParameterError, match="use 'sgd'"):
        simulate(quad, "gd", eta=0.1, steps=3, oracle=AdditiveNoise(quad, 1.0))


def test_result_behaves_like_optimize_result(quad):
    r = simulate(quad, "sam", eta=0.1, rho=0.05, steps=10)
    assert r["loss"] is r.loss and "gradsq_mean" in dir(r)
    assert "SimulationResult" in repr(r)
    import json
    json.dumps(r.summary())  # JSON-safe


def test_measures_false_runs_the_same_update_without_the_summaries():
    from samtheory.oracles import AdditiveNoise
    f = get_function("asymmetric-quadratic")
    kw = dict(eta=0.05, rho=0.1, steps=300, trajectories=20, seed=4, backend="numpy",
              oracle=AdditiveNoise(f, 0.3, "gaussian"), same_sample=False)
    full = simulate(f, "sam", **kw)
    bare = simulate(f, "sam", measures=False, **kw)
    np.testing.assert_array_equal(bare.x, full.x)        # same stream, same update
    np.testing.assert_array_equal(bare.loss, full.loss)  # the last iterate is still measured
    assert np.all(np.isnan(bare.loss_mean)) and np.all(np.isnan(bare.loss_min))
    assert bare.loss_history is None and bare.measures is False
    with pytest.raises(InvalidParameterError, match="measures=False records nothing"):
        simulate(f, "sam", measures=False, history=True, **kw)


@pytest.mark.parametrize("name, method", [("cosine", "sam"), ("logcosh", "usam"), ("pl-sine", "sam"),
                                          ("asymmetric-quadratic", "sam")])
def test_grid_point_is_the_lone_run(name, method):
    f = get_function(name)
    etas, rhos = np.array([0.05, 0.1, 0.2]), np.array([0.0, 0.05, 0.3])
    starts = np.random.default_rng(1).normal(size=(3, 2, f.dim))
    grid = simulate(f, method, eta=etas, rho=rhos, steps=80, x0=starts, trajectories=2, record_every=1, history=True)
    for i in range(3):
        point = grid.grid_point(i, eta=float(etas[i]), rho=float(rhos[i]))
        alone = simulate(f, method, eta=float(etas[i]), rho=float(rhos[i]), steps=80, x0=starts[i], trajectories=2,
                         record_every=1, history=True)
        assert point.batch_shape == alone.batch_shape == (2,) and point.grid_shape == ()
        assert point.parameters == alone.parameters
        for key, value in alone.items():
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(point[key], value, err_msg=key)


def test_grid_point_refuses_what_it_cannot_slice(quad):
    grid = simulate(quad, "sam", eta=np.array([0.1, 0.2]), rho=0.1, steps=5)
    with pytest.raises(InvalidParameterError, match="index"):
        grid.grid_point(2)
    square = simulate(quad, "sam", eta=np.array([[0.1], [0.2]]), rho=np.array([0.1, 0.2, 0.3]), steps=5)
    with pytest.raises(InvalidParameterError, match="axis"):
        square.grid_point(0, axis=2)
    # along the second axis: the column of rho = 0.3, both step sizes
    column = square.grid_point(2, axis=1, rho=0.3)
    alone = simulate(quad, "sam", eta=np.array([0.1, 0.2]), rho=0.3, steps=5, x0=square.x0[:, 2])
    assert column.grid_shape == (2,) and column.batch_shape == alone.batch_shape
    np.testing.assert_array_equal(column.x, alone.x)
    np.testing.assert_array_equal(column.loss_history, alone.loss_history)


def test_default_recording_of_a_large_batch_stays_small():
    """10^5 trajectories x 10^3 steps with the default recording: under 50 MB in all (the curves
    are capped at AUTO_RECORD_BYTES; the loop state is a few arrays of one float per trajectory)."""
    import tracemalloc
    from samtheory.simulation import AUTO_RECORD_BYTES
    tracemalloc.start()
    try:
        result = simulate(get_function("quadratic-1d"), "sam", eta=0.1, rho=0.05, steps=1000, trajectories=10 ** 5,
                          backend="numpy")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2 ** 20, f"peak {peak / 2 ** 20:.1f} MiB"
    assert result.loss_history.nbytes + result.gradsq_history.nbytes <= AUTO_RECORD_BYTES
    assert result.t[0] == 0 and result.t[-1] == 1000 and len(result.t) >= 10
    # small batches keep about 200 recorded steps
    assert len(simulate(get_function("quadratic-1d"), "gd", eta=0.1, steps=1000, x0=[1.0]).t) == 201
