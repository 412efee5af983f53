"""samtheory/_jax_backend.py: the JAX backend against the numpy reference path (samtheory._loop).

Deterministic runs must agree to 1e-12 relative: both backends run the same code
(``samtheory._loop.advance``), so the only differences are the last bits of ``sin``/``exp``/``log``
(XLA's and the C library's implementations differ by an ulp or two) and the order of a d-term sum,
both ~1e-16 relative per step; over a few hundred steps of a *contracting* run they stay far below
1e-12. Chaotic runs (a positive Lyapunov exponent, e.g. SAM on the cosine with rho far from its
stall value) amplify an ulp exponentially and are therefore compared on short horizons only; see
:func:`test_chaotic_run_agrees_until_the_ulp_difference_is_amplified`.

Stochastic runs use different random streams (numpy's generator vs ``jax.random``), so they are
compared in distribution, with 5-standard-error Monte-Carlo intervals (a false alarm has
probability below 1e-6 per comparison).
"""
import os

import numpy as np
import pytest

jax = pytest.importorskip("jax")

from samtheory import simulate  # noqa: E402
from samtheory._validation import InvalidParameterError  # noqa: E402
from samtheory.counterexamples import COUNTEREXAMPLES  # noqa: E402
from samtheory.functions import CATALOG, Quadratic, get_function  # noqa: E402
from samtheory.methods import register_method, METHODS  # noqa: E402
from samtheory.oracles import AdditiveNoise  # noqa: E402
from samtheory.sampling import FiniteSumSampling  # noqa: E402
from samtheory.schedules import power  # noqa: E402

RTOL = 1e-12
FIELDS = ("x", "loss", "gradsq", "loss_min", "loss_mean", "gradsq_mean", "loss_tail_mean",
          "gradsq_tail_mean", "loss_history", "gradsq_history", "x_history")
Z = 5.0


def assert_same(a, b, rtol=RTOL):
    """Every recorded field of two results agrees to ``rtol`` relative to the field's scale. The
    loss fields are differences f(x) - f*, accurate only to an ulp of |f*| whatever their size, so
    their scale includes |f*|."""
    f_star = abs(a.conventions["f_star"])
    assert a.backend == "numpy" and b.backend == "jax", (a.backend, b.backend)
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_array_equal(a.diverged_at, b.diverged_at)
    np.testing.assert_array_equal(a.x0, b.x0)
    for key in FIELDS:
        if a[key] is None:
            assert b[key] is None, key
            continue
        A, B = np.asarray(a[key], float), np.asarray(b[key], float)
        assert A.shape == B.shape, key
        finite = np.isfinite(A)
        np.testing.assert_array_equal(finite, np.isfinite(B), err_msg=key)
        scale = max(1e-300, float(np.max(np.abs(A[finite]), initial=0.0)))
        if key.startswith("loss"):
            scale = max(scale, f_star)
        # near a minimizer f - f* and ||grad f||^2 are cancellations of terms of the size they
        # had along the run, so they are accurate to an ulp of that size, not of their own
        history = {"loss": a.loss_history, "gradsq": a.gradsq_history}.get(key.split("_")[0])
        if history is not None:
            scale = max(scale, float(np.nanmax(np.abs(np.where(np.isfinite(history), history, np.nan)),
                                               initial=0.0)))
        np.testing.assert_allclose(B[finite], A[finite], rtol=rtol, atol=rtol * scale, err_msg=key)


def pair(objective, method="sam", **kw):
    kw.setdefault("steps", 200)
    kw.setdefault("trajectories", 6)
    kw.setdefault("record_every", 9)
    kw.setdefault("history", True)
    return (simulate(objective, method, backend="numpy", **kw),
            simulate(objective, method, backend="jax", **kw))


def contracting_step(objective):
    beta = objective.smoothness
    return 0.2 / beta if beta else 0.01


#: every method of the registry that runs without an oracle (SGD's runs are stochastic, compared in
#: distribution below): the package's methods are written once for numpy and JAX, so each must trace
#: (a user's numpy-only method, registered at run time, is refused: see the untraceable test below)
DETERMINISTIC_METHODS = [name for name, method in METHODS.items() if not method.stochastic_only]


def test_the_deterministic_methods_are_read_from_the_registry():
    assert DETERMINISTIC_METHODS[:4] == ["gd", "sam", "usam", "unified"]


@pytest.mark.parametrize("name", list(CATALOG))
@pytest.mark.parametrize("method", DETERMINISTIC_METHODS)
def test_deterministic_runs_equal_the_numpy_reference(name, method):
    """Every catalog objective and method. SAM-type runs are compared over 40 steps: once inside
    the rho-ball around a minimizer of a multi-dimensional objective, normalized SAM keeps
    bouncing, and that bouncing is chaotic (see the chaotic test below)."""
    f = get_function(name)
    eta = contracting_step(f)
    rho = 0.02 * min(1.0, f.sample_scale)
    no_ascent = METHODS[method].perturbation is None  # GD: long runs contract without chaos
    a, b = pair(f, method, eta=eta, rho=rho, lam=0.5, steps=200 if no_ascent else 40)
    assert_same(a, b)


def test_long_contracting_runs_equal_the_numpy_reference():
    """1000 steps where SAM contracts: the cosine counterexample stalls at its stall points and
    USAM converges on the quadratic."""
    assert_same(*pair(get_function("cosine"), "sam", eta=0.1, rho=0.1, steps=1000, trajectories=50))
    assert_same(*pair(get_function("quadratic-dense"), "usam", eta=0.05, rho=0.02, steps=1000))


def test_grids_and_schedules_equal_the_numpy_reference():
    f = get_function("quadratic")
    eta = np.array([0.05, 0.1])[:, None]
    rho = np.array([0.0, 0.01, 0.05])
    assert_same(*pair(f, "sam", eta=eta, rho=rho))                     # static grid
    assert_same(*pair(f, "sam", eta=power(0.1, 0.5), rho=rho))          # time schedule x grid
    assert_same(*pair(f, "unified", eta=0.1, rho=0.05, lam="1/t"))      # lambda schedule
    assert_same(*pair(f, "sam", eta=power(eta, 0.5), rho=0.05, steps=57, record_every=10))  # grid in time, padding


def test_divergence_is_detected_at_the_same_step():
    f = Quadratic.diagonal([1.0, 4.0])
    a, b = pair(f, "gd", eta=np.array([0.1, 0.6]), steps=300, divergence_threshold=1e6)
    assert (a.status == "diverged").any() and (a.status == "ok").any()
    assert_same(a, b)


def test_all_diverged_stops_early_with_the_same_result():
    f = Quadratic.diagonal([1.0])
    assert_same(*pair(f, "gd", eta=3.0, steps=20_000, record_every=None, history=False,
                      divergence_threshold=1e10))


def test_comparison_catches_a_one_part_in_a_billion_change():
    """The equality check is not vacuous: a change of 1e-9 in eta is reported."""
    f = get_function("cosine")
    a = simulate(f, "sam", eta=0.1, rho=0.1, steps=100, trajectories=4, backend="numpy")
    b = simulate(f, "sam", eta=0.1 * (1 + 1e-9), rho=0.1, steps=100, trajectories=4, backend="jax")
    with pytest.raises(AssertionError):
        assert_same(a, b)


def test_chaotic_run_agrees_until_the_ulp_difference_is_amplified():
    """SAM with rho = 0.05 on the cosine tuned for rho = 0.1 is chaotic: an ulp difference in sin
    doubles every few steps. The backends agree to 1e-12 for 60 steps and are allowed to part after."""
    f = get_function("cosine")
    assert_same(*pair(f, "sam", eta=0.1, rho=0.05, steps=60))


def test_chunking_and_recording_do_not_change_a_jax_run():
    f = get_function("asymmetric-quadratic")
    oracle = AdditiveNoise(f, 0.2, "rademacher")
    kw = dict(eta=0.01, rho=0.1, steps=1000, trajectories=50, oracle=oracle, same_sample=False,
              backend="jax", seed=3)
    a = simulate(f, "sam", record_every=None, **kw)
    b = simulate(f, "sam", record_every=7, history=True, **kw)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.loss_mean, b.loss_mean)


def _mean_and_se(values):
    v = np.asarray(values).ravel()
    return v.mean(), v.std(ddof=1) / np.sqrt(v.size)


@pytest.mark.parametrize("kind", ["gaussian", "rademacher"])
@pytest.mark.parametrize("same_sample", [True, False])
def test_stochastic_runs_agree_in_distribution(kind, same_sample):
    ce = COUNTEREXAMPLES["asymmetric-noise"]
    p = ce.resolve()
    f = ce.objective(**p)
    oracle = AdditiveNoise(f, p["sigma"], kind)
    kw = dict(eta=p["eta"], rho=p["rho"], steps=3000, trajectories=2000, oracle=oracle,
              same_sample=same_sample, record_every=None, x0=0.0, tail=0.5)
    a = simulate(f, "sam", backend="numpy", **kw)
    b = simulate(f, "sam", backend="jax", **kw)
    assert b.backend == "jax"
    ma, sa = _mean_and_se(a.loss_tail_mean)
    mb, sb = _mean_and_se(b.loss_tail_mean)
    assert abs(ma - mb) <= Z * np.hypot(sa, sb), (ma, mb, sa, sb)
    # and the two streams really differ (it is not the same draw twice)
    assert not np.array_equal(a.x, b.x)


def test_distribution_check_catches_a_different_distribution():
    """The in-distribution comparison is not vacuous: JAX runs with rho 10 % larger (floor about
    21 % higher, as it grows with rho^2) are told apart from the numpy runs. (A wrong sigma would
    not do: in the fair-coin region the floor does not depend on sigma to leading order.)"""
    ce = COUNTEREXAMPLES["asymmetric-noise"]
    p = ce.resolve()
    f = ce.objective(**p)
    oracle = AdditiveNoise(f, p["sigma"], "rademacher")
    kw = dict(eta=p["eta"], steps=3000, trajectories=2000, record_every=None, x0=0.0, tail=0.5,
              same_sample=False, oracle=oracle)
    a = simulate(f, "sam", backend="numpy", rho=p["rho"], **kw)
    b = simulate(f, "sam", backend="jax", rho=1.1 * p["rho"], **kw)
    ma, sa = _mean_and_se(a.loss_tail_mean)
    mb, sb = _mean_and_se(b.loss_tail_mean)
    assert abs(ma - mb) > Z * np.hypot(sa, sb), (ma, mb, sa, sb)


@pytest.mark.parametrize("scheme,batch", [("uniform", 1), ("nice", 3), ("replacement", 3), ("importance", 1)])
def test_finite_sum_sampling_agrees_in_distribution(scheme, batch):
    f = get_function("ridge")
    oracle = FiniteSumSampling(f, scheme, batch)
    kw = dict(eta=0.5 / f.L_max, rho=0.01, lam=0.5, steps=400, trajectories=1000, oracle=oracle,
              record_every=None, x0=np.zeros(f.dim), tail=0.5)
    a = simulate(f, "unified", backend="numpy", **kw)
    b = simulate(f, "unified", backend="jax", **kw)
    ma, sa = _mean_and_se(a.loss_tail_mean)
    mb, sb = _mean_and_se(b.loss_tail_mean)
    assert abs(ma - mb) <= Z * np.hypot(sa, sb), (ma, mb, sa, sb)


@pytest.mark.parametrize("scheme,batch", [("uniform", 1), ("nice", 3), ("importance", 1)])
def test_jax_draws_have_the_scheme_probabilities(scheme, batch):
    """Inclusion frequencies of each component under jax.random match the scheme's p_i (5 SE)."""
    from samtheory._random import JaxRandom
    f = get_function("ridge")
    oracle = FiniteSumSampling(f, scheme, batch)
    draws = 20_000
    with jax.enable_x64(True):
        idx, weights = oracle.draw(JaxRandom(jax.random.key(0)), draws)
    idx = np.asarray(idx)
    assert idx.shape == (draws, batch)
    if scheme == "nice":
        assert all(len(set(row)) == batch for row in idx[:200])  # distinct components
    counts = np.array([(idx == i).any(axis=1).sum() for i in range(f.n_components)]) / draws
    p = oracle.probabilities
    se = np.sqrt(p * (1 - p) / draws)
    assert np.all(np.abs(counts - p) <= Z * se + 1e-12)


def test_auto_uses_numpy_for_short_runs_and_jax_for_long_ones():
    f = get_function("cosine")
    short = simulate(f, "sam", eta=0.1, rho=0.1, steps=10, trajectories=3)
    assert short.backend == "numpy" and "below" in short.backend_note
    long = simulate(f, "sam", eta=0.1, rho=0.1, steps=2000, trajectories=40_000, record_every=None)
    assert long.backend == "jax"


def test_untraceable_method_is_refused_by_jax_and_falls_back_under_auto():
    name = "test-numpy-only-sign-sam"
    # np.sign on a tracer fails: this perturbation is numpy-only
    register_method(name, lambda g, rho, lam, eps: rho * np.asarray(np.sign(g)), overwrite=True)
    try:
        f = get_function("quadratic")
        with pytest.raises(InvalidParameterError, match="does not trace under JAX"):
            simulate(f, name, eta=0.1, rho=0.1, steps=5, backend="jax")
        from samtheory import simulation
        old = simulation.AUTO_JAX_SECONDS
        simulation.AUTO_JAX_SECONDS = 0.0  # force auto to consider JAX
        try:
            r = simulate(f, name, eta=0.1, rho=0.1, steps=5)
        finally:
            simulation.AUTO_JAX_SECONDS = old
        assert r.backend == "numpy" and "does not trace" in r.backend_note
    finally:
        METHODS.pop(name, None)


def test_bad_backend_name_is_a_clear_error():
    with pytest.raises(InvalidParameterError, match="backend must be one of"):
        simulate(get_function("quadratic"), "sam", eta=0.1, rho=0.1, steps=5, backend="numba")


def test_measures_false_equals_the_numpy_reference():
    f = get_function("cosine")
    kw = dict(eta=0.1, rho=0.1, steps=500, trajectories=30, measures=False)
    a = simulate(f, "sam", backend="numpy", **kw)
    b = simulate(f, "sam", backend="jax", **kw)
    np.testing.assert_allclose(b.x, a.x, rtol=RTOL, atol=RTOL * np.abs(a.x).max())
    assert b.loss_history is None and np.all(np.isnan(b.loss_mean))


@pytest.mark.parametrize("case", ["cosine-diverging", "quadratic-history", "time-schedule"])
def test_blocked_chunks_equal_unblocked_and_numpy(case, monkeypatch):
    """Deterministic runs with more than BLOCK_TRAJECTORIES trajectories run block by block; with
    blocks of 4 (10 trajectories: 3 blocks, the last padded) every field equals the numpy
    reference to RTOL, as the unblocked run does. Not bit for bit the unblocked run: XLA fuses
    differently shaped arrays differently and may contract a*b + c into one FMA in one and not in
    the other (measured: gradsq_mean 2e-15 relative apart on the diverging cosine)."""
    import samtheory._jax_backend as jb
    from collections import OrderedDict
    if case == "cosine-diverging":
        f, method = get_function("cosine"), "sam"
        # f <= 2/omega^2 = 9e-4 on the cosine: a low threshold marks 6 of the 10 trajectories
        # diverged (at t = 0), in all three blocks, and leaves the others running
        kw = dict(eta=0.1, rho=0.1, x0=np.linspace(-0.12, 0.12, 10)[:, None],
                  divergence_threshold=5e-4, steps=120, record_every=13)
    elif case == "quadratic-history":
        f, method = Quadratic.with_spectrum(np.linspace(0.5, 2.0, 3), seed=1), "usam"
        kw = dict(eta=0.2, rho=0.05, steps=150, record_every=11, history=True)
    else:
        f, method = get_function("logcosh"), "sam"
        kw = dict(eta=power(0.3, 0.5), rho=0.05, steps=130, record_every=None)
    kw = {"trajectories": 10, **kw}
    monkeypatch.setattr(jb, "_cache", OrderedDict())
    monkeypatch.setattr(jb, "BLOCK_TRAJECTORIES", 10 ** 9)
    unblocked = simulate(f, method, backend="jax", **kw)
    monkeypatch.setattr(jb, "_cache", OrderedDict())
    monkeypatch.setattr(jb, "BLOCK_TRAJECTORIES", 4)
    blocked = simulate(f, method, backend="jax", **kw)
    assert [entry[0].__wrapped__.__name__ for entry in jb._cache.values()] == ["blocked_chunk"]
    reference = simulate(f, method, backend="numpy", **kw)
    assert_same(reference, unblocked)
    assert_same(reference, blocked)
    np.testing.assert_array_equal(blocked.diverged_at, unblocked.diverged_at)
    if case == "cosine-diverging":
        assert 0 < np.sum(blocked.status == "diverged") < 10


def test_members_of_one_family_share_one_compiled_program():
    """Declared parameters (and f*) are arguments of the compiled program, not constants in it:
    a new member of a family, a new stack of the same size and a new noise oracle with the same
    sigma run without compiling again, and give the numpy results."""
    from samtheory import _jax_backend
    from samtheory.functions import Quadratic, stack
    from samtheory.oracles import AdditiveNoise
    _jax_backend._cache.clear()
    rng = np.random.default_rng(5)

    def run(objective, backend, oracle=None):
        return simulate(objective, "sam", eta=0.1, rho=0.05, x0=np.ones(3), trajectories=2, steps=200,
                        backend=backend, oracle=oracle, seed=1)
    for _ in range(3):
        member = Quadratic.diagonal(rng.uniform(0.5, 3.0, 3), center=rng.normal(size=3))
        np.testing.assert_allclose(run(member, "jax").x, run(member, "numpy").x, rtol=1e-10)
    assert len(_jax_backend._cache) == 1
    for _ in range(2):
        members = stack([Quadratic.diagonal(rng.uniform(0.5, 3.0, 3)) for _ in range(4)])
        np.testing.assert_allclose(run(members, "jax").x, run(members, "numpy").x, rtol=1e-10)
    assert len(_jax_backend._cache) == 2
    for _ in range(2):
        member = Quadratic.diagonal(rng.uniform(0.5, 3.0, 3))
        run(member, "jax", oracle=AdditiveNoise(member, 0.3))
    assert len(_jax_backend._cache) == 3
    # an objective without declared parameters (a dense quadratic) is compiled for itself
    dense = Quadratic.with_spectrum([1.0, 2.0, 3.0], seed=0)
    run(dense, "jax")
    run(Quadratic.with_spectrum([1.0, 2.0, 3.0], seed=1), "jax")
    assert len(_jax_backend._cache) == 5


# -- the persistent compilation cache ----------------------------------------------------------

_CACHE_SCRIPT = """
import os, sys, jax
if len(sys.argv) > 1:
    jax.config.update("jax_compilation_cache_dir", sys.argv[1])  # the user's own setting
from samtheory import simulate
from samtheory.functions import get_function
simulate(get_function("cosine"), "sam", eta=0.1, rho=0.1, steps=50, trajectories=3, backend="jax")
print(jax.config.jax_compilation_cache_dir)
"""


def _run_cache_script(tmp_path, env_value, *args):
    import os
    import subprocess
    import sys
    env = {**os.environ, "SAMTHEORY_JAX_CACHE": env_value}
    out = subprocess.run([sys.executable, "-c", _CACHE_SCRIPT, *args], env=env, capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    return out.stdout.strip().splitlines()[-1]


def test_persistent_cache_stores_the_compiled_chunk_in_the_configured_folder(tmp_path):
    folder = tmp_path / "cache"
    assert _run_cache_script(tmp_path, str(folder)) == str(folder)
    assert any(name.startswith("jit_chunk") for name in os.listdir(folder))


def test_persistent_cache_can_be_turned_off_and_leaves_a_users_setting_alone(tmp_path):
    assert _run_cache_script(tmp_path, "off") == "None"
    mine = tmp_path / "mine"
    assert _run_cache_script(tmp_path, str(tmp_path / "ours"), str(mine)) == str(mine)
    assert not (tmp_path / "ours").exists()


# -- single precision ---------------------------------------------------------------------------

def test_float32_run_is_single_precision_close_to_float64_and_returned_as_float64():
    f = get_function("cosine")
    kwargs = dict(eta=0.1, rho=0.1, steps=300, trajectories=64, seed=1, backend="jax")
    double = simulate(f, "sam", **kwargs)
    single = simulate(f, "sam", dtype="float32", **kwargs)
    assert single.x.dtype == np.float64 and single.loss_history.dtype == np.float64
    difference = np.max(np.abs(single.x - double.x))
    # float32 rounding (6e-8 relative per operation) accumulated over 300 contracting steps: clearly
    # not float64 (which agrees with itself to 0) and far below any scale of the problem
    assert 1e-9 < difference < 1e-4
    assert np.allclose(single.loss_mean, double.loss_mean, rtol=1e-3, atol=1e-9)


def test_float32_counts_an_overflowing_loss_as_diverged():
    f = Quadratic.diagonal([1.0])
    run = simulate(f, "gd", eta=3.0, steps=400, x0=[1.0], backend="jax", dtype="float32")
    assert run.status.tolist() == ["diverged"]
    # f - f* = 2^(2t)/2 passes the float32 threshold 1e37 at t = 62 (float64's 1e100 at t = 167)
    assert run.diverged_at.tolist() == [62]


def test_float32_on_the_numpy_backend_is_refused_with_the_reason():
    with pytest.raises(InvalidParameterError, match="dtype='float32' needs the JAX backend"):
        simulate(get_function("cosine"), "sam", eta=0.1, rho=0.1, steps=5, backend="numpy", dtype="float32")
    with pytest.raises(InvalidParameterError, match="dtype"):
        simulate(get_function("cosine"), "sam", eta=0.1, rho=0.1, steps=5, dtype="float16")


def test_float32_and_float64_programs_are_cached_apart():
    from samtheory import _jax_backend
    f = get_function("cosine")
    simulate(f, "sam", eta=0.1, rho=0.1, steps=40, trajectories=3, backend="jax")
    before = len(_jax_backend._cache)
    simulate(f, "sam", eta=0.1, rho=0.1, steps=40, trajectories=3, backend="jax", dtype="float32")
    assert len(_jax_backend._cache) == before + 1
