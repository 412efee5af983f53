"""Every subcommand and the public API driven with bad input (issue 13).

CLI: each bad input exits 2 with exactly one stderr line ``samtheory: error: ...`` that names
the option (or argument) at fault, no traceback, and nothing on stdout; no output file is
created. API: each bad argument raises :class:`samtheory.InvalidParameterError` (a ValueError)
naming the parameter.
"""
import os
import time

import numpy as np
import pytest

import samtheory as st
from samtheory import InvalidParameterError, cli
from samtheory.functions import CustomObjective, check_constants, get_function

SIM = ["simulate", "--function", "cosine", "--method", "sam", "--eta", "0.1", "--steps", "10"]
ONE = ["verify", "siyun.derived.d3", "--function", "cosine", "--eta", "0.25", "--rho", "0.1"]
RATE = ["verify", "siyun.deterministic.strongly-convex.upper", "--function", "quadratic", "--rho", "0.01"]

# (argv, a word the error line must contain: the option or argument at fault)
CLI_CASES = [
    # usage in general
    (["nosuch"], "COMMAND"),
    (["functions", "--foo"], "--foo"),
    (["theorems", "--json", "x"], "x"),
    (["counterexamples", "--bar"], "--bar"),
    # simulate
    (SIM + ["--seed", "-1"], "--seed"),
    (SIM + ["--seed", "1.5"], "--seed"),
    (["simulate", "--function", "cosine", "--method", "sam", "--eta", "0.1", "--steps", "0"], "--steps"),
    (["simulate", "--function", "cosine", "--method", "sam", "--eta", "0.1", "--steps", "10**12"], "--steps"),
    (SIM + ["--trajectories", "0"], "--trajectories"),
    (SIM + ["--trajectories", "1000000000"], "trajectories"),  # memory: refused before allocating
    (["simulate", "--function", "cosine", "--method", "sam", "--eta", "nan", "--steps", "10"], "--eta"),
    (["simulate", "--function", "cosine", "--method", "sam", "--eta", "inf", "--steps", "10"], "--eta"),
    (["simulate", "--function", "cosine", "--method", "sam", "--eta", "0", "--steps", "10"], "--eta"),
    (["simulate", "--function", "cosine", "--method", "sam", "--eta", "-1", "--steps", "10"], "--eta"),
    (SIM + ["--rho", "-1"], "--rho"),
    (SIM + ["--rho", "nan"], "--rho"),
    (SIM + ["--eps", "-1"], "--eps"),
    (SIM + ["--noise", "gaussian", "--sigma", "-1"], "--sigma"),
    (SIM + ["--noise", "gaussian"], "--sigma"),
    (SIM + ["--sigma", "1"], "--noise"),
    (SIM + ["--independent-samples"], "--independent-samples"),
    (SIM + ["--lam", "0.5"], "--lam"),  # ignored by sam
    (["simulate", "--function", "cosine", "--method", "unified", "--lam", "2", "--eta", "0.1", "--steps", "10"], "--lam"),
    (["simulate", "--function", "cosine", "--method", "unified", "--lam", "nan", "--eta", "0.1", "--steps", "10"], "--lam"),
    (["simulate", "--function", "cosine", "--method", "sgd", "--eta", "0.1", "--steps", "10"], "sgd"),
    (["simulate", "--function", "quadratc", "--method", "sam", "--eta", "0.1", "--steps", "10"], "did you mean 'quadratic'"),
    (["simulate", "--function", "cosine", "--method", "sma", "--eta", "0.1", "--steps", "10"], "did you mean 'sam'"),
    (SIM + ["--x0", "1,2"], "x0"),
    (SIM + ["--x0", "nan"], "x0"),
    (SIM + ["--x0", "a"], "--x0"),
    (SIM + ["--backend", "gpu"], "--backend"),
    # verify: one theorem on an instance
    (ONE + ["--seed", "-1"], "--seed"),
    (["verify", "siyun.derived.d3", "--function", "cosine", "--eta", "nan"], "--eta"),
    (ONE + ["--independent-samples"], "--independent-samples"),
    (ONE + ["--noise", "gaussian", "--sigma", "-1"], "--sigma"),
    (ONE + ["--noise", "gaussian"], "--sigma"),
    (ONE + ["--lam", "nan"], "--lam"),
    (ONE + ["--lam", "0.5"], "--lam"),  # ignored by sam
    (ONE + ["--method", "sgd"], "sgd"),
    (ONE + ["--method", "sa"], "did you mean 'sam'"),
    (ONE + ["--x0", "1,2"], "x0"),
    (ONE + ["--only", "siyun"], "--only"),
    (ONE + ["--search-budget", "5"], "--search-budget"),
    (ONE + ["--steps", "0"], "--steps"),
    (ONE + ["--trajectories", "-3"], "--trajectories"),
    (ONE + ["--trajectories", "1000000000"], "trajectories"),  # memory: refused before allocating
    (["verify", "siyun.derived.d3", "--function", "cosine"], "--eta"),
    (["verify", "siyun.derived.d3", "--eta", "0.1"], "--function"),
    (["verify", "siyun.derived.d33", "--function", "cosine", "--eta", "0.1"], "did you mean 'siyun.derived.d3'"),
    (["verify", "siyun.derived.d3", "--function", "cosin", "--eta", "0.1"], "did you mean 'cosine'"),
    (RATE + ["--eta", "0.1"], "--eta"),  # the theorem chooses eta per horizon: --eta would be ignored
    (RATE + ["--horizons", "0"], "--horizons"),
    (RATE + ["--horizons", "1e999"], "--horizons"),
    (RATE + ["--horizons", "nan"], "--horizons"),
    (RATE + ["--horizons", "2.7,3.9"], "--horizons"),
    (RATE + ["--horizons", "100,abc"], "--horizons"),
    (["verify", "siyun.deterministic.smooth.upper", "--function", "cosine", "--eta", "0.1", "--horizons", "100,200"],
     "--horizons"),
    (["verify", "siyun.derived.d3", "--function", "cosine", "--eta", "0.1", "--horizons", "100,200"], "--horizons"),
    (["verify", "unifiedsam.pl.constant-step", "--function", "quadratic", "--method", "unified", "--lam", "1/t",
      "--eta", "0.1"], "--lam"),
    # verify: the registry run and fuzzing
    (["verify", "--only", "nosuch"], "--only"),
    (["verify", "--only", "siyun.derived.d3", "--eta", "5"], "--eta"),
    (["verify", "--only", "siyun.derived.d3", "--function", "cosine"], "--function"),
    (["verify", "--search-budget", "-1"], "--search-budget"),
    (["verify", "--search-seconds", "0"], "--search-seconds"),
    (["verify", "--search-seconds", "nan"], "--search-seconds"),
    (["verify", "--search-seed", "-1"], "--search-seed"),
    (["verify", "--search-workers", "0"], "--search-workers"),
    (["verify", "--json", ""], "--json"),
    (["verify", "--json", "/proc/x.json"], "--json"),
    (["verify", "--json", "/dev/full"], "--json"),
    (["verify", "--json", "/nonexistent-dir/x.json"], "--json"),
    (["verify", "--markdown", "/proc/x.md"], "--markdown"),
    (["verify", "--json", "-", "--markdown", "-"], "stdout"),
    (["verify", "--html", "/proc/x.html"], "--html"),
    (["verify", "--csv", ""], "--csv"),
    (["verify", "--latex", "/dev/full"], "--latex"),
    (["verify", "--csv", "-", "--latex", "-"], "stdout"),
    (["verify", "--fuzz", "1", "--csv", "x.csv"], "--csv"),
    (["verify", "--fuzz", "0"], "--fuzz"),
    (["verify", "--fuzz", "1", "--fuzz-seed", "-1"], "--fuzz-seed"),
    (["verify", "--fuzz", "1", "--only", "nosuch"], "--only"),
    (["verify", "--fuzz", "1", "--eta", "0.1"], "--eta"),
    (["verify", "--fuzz", "1", "--search-budget", "3"], "--search-budget"),
    (["verify", "--fuzz-seed", "3"], "--fuzz-seed"),
    # search
    (["search", "nosuch"], "nosuch"),
    (["search", "siyun.derived.d3", "--budget", "0"], "--budget"),
    (["search", "siyun.derived.d3", "--seed", "-1"], "--seed"),
    (["search", "siyun.derived.d3", "--seconds", "nan"], "--seconds"),
    (["search", "siyun.derived.d3", "--json", ""], "--json"),
    # counterexample
    (["counterexample", "nosuch"], "nosuch"),
    (["counterexample", "cosine-stal"], "did you mean 'cosine-stall'"),
    (["counterexample", "cosine-noise", "--set", "seed=nan"], "seed"),
    (["counterexample", "cosine-noise", "--set", "seed=-1"], "seed"),
    (["counterexample", "cosine-noise", "--set", "rho=abc"], "rho"),
    (["counterexample", "cosine-noise", "--set", "rho"], "--set"),
    (["counterexample", "cosine-noise", "--set", "rh=1"], "did you mean 'rho'"),
    (["counterexample", "cosine-noise", "--eta", "1e-9"], "eta"),  # 4e10 steps
    (["counterexample", "cosine-noise", "--eta", "nan"], "--eta"),
    (["counterexample", "cosine-stall", "--rho", "1e-300"], "rho"),
    (["counterexample", "cosine-stall", "--eta", "1e-300"], "eta"),
    (["counterexample", "quadratic-cycle", "--eta", "1e-300"], "eta"),
    (["counterexample", "cosine-stall", "--set", "rho=0.05", "--rho", "0.2"], "--rho"),
    (["counterexample", "cosine-stall", "--set", "rho=0.05", "--set", "rho=0.2"], "rho"),
    # reproduce
    (["reproduce"], "--all"),
    (["reproduce", "nosuch"], "nosuch"),
    (["reproduce", "khanh-fig1-quadratc"], "did you mean 'khanh-fig1-quadratic'"),
    (["reproduce", "khanh-fig1-quadratic", "--outdir", "/proc/x"], "--outdir"),
    (["reproduce", "khanh-fig1-quadratic", "--outdir", ""], "--outdir"),
    # explore
    (["explore", "nosuch"], "nosuch"),
    (["explore", "nosuch", "--list"], "--list"),
    (["explore", "cosine-stall", "--save", "x.txt"], "--save"),
    (["explore", "cosine-stall", "--save", "/proc/x.png"], "--save"),
    (["explore", "cosine-stall", "--save", ""], "--save"),
    # bench
    (["bench", "--workloads", "W9"], "--workloads"),
    (["bench", "--workloads", "W1,W1"], "--workloads"),
    (["bench", "--workloads", "W1,"], "--workloads"),
    (["bench", "--repeat", "0"], "--repeat"),
    (["bench", "--json", ""], "--json"),
    (["bench", "--json", "/proc/x.json"], "--json"),
]


@pytest.mark.parametrize("argv, word", CLI_CASES, ids=[" ".join(a) for a, _ in CLI_CASES])
def test_bad_cli_input_is_one_usage_error_line(argv, word, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative output path that slipped through would land here
    start = time.perf_counter()
    status = cli.main(list(argv))
    seconds = time.perf_counter() - start
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert status == 2, (status, out[-500:], err[-2000:])
    assert len(lines) == 1 and lines[0].startswith("samtheory: error: "), err
    assert "Traceback" not in err
    assert word in lines[0], lines[0]
    assert out == ""
    assert os.listdir(tmp_path) == []  # nothing written, not even a temporary file
    assert seconds < 20  # refused before the work


# -- the memory estimate ------------------------------------------------------------------------

def test_memory_refusal_is_fast_and_says_how_much_and_how_to_reduce(capsys):
    start = time.perf_counter()
    with pytest.raises(InvalidParameterError) as info:
        st.simulate(get_function("cosine"), "sam", eta=0.1, rho=0.1, steps=1000, trajectories=10 ** 7 * 8)
    assert time.perf_counter() - start < 1.0
    message = str(info.value)
    assert "GiB" in message and "trajectories" in message and "record" in message and "measures=False" in message


def test_a_long_time_varying_schedule_is_refused_before_its_table_is_built(monkeypatch):
    import samtheory._memory as M
    monkeypatch.setattr(M, "available_bytes", lambda: 2 ** 30)  # a 1 GiB machine
    eta = st.schedules.power(0.1, 0.5)
    start = time.perf_counter()
    with pytest.raises(InvalidParameterError, match="per-step tables"):
        st.simulate(get_function("cosine"), "sam", eta=eta, rho=0.1, steps=10 ** 9)
    assert time.perf_counter() - start < 1.0


def test_constant_schedules_take_no_per_step_table():
    import tracemalloc
    from samtheory.schedules import as_schedule, constant
    from samtheory._loop import parameter_table
    tracemalloc.start()
    try:
        for sched in (as_schedule("eta", 0.1, positive=True), constant(0.3), as_schedule("rho", [0.1, 0.2])):
            parameter_table(sched, 10 ** 9, sched.shape, 1, "eta")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 ** 5


# -- the API -------------------------------------------------------------------------------------

F = get_function("cosine")


@pytest.mark.parametrize("kwargs, name", [
    (dict(eta=True), "eta"),
    (dict(eta=[]), "eta"),
    (dict(eta=np.array([0.1, 0.2j])), "eta"),
    (dict(eta=[0.1, -0.2, 0.3]), "-0.2 at index (1,)"),  # the offending element, not the first
    (dict(eta="fast"), "eta"),
    (dict(rho=float("nan")), "rho"),
    (dict(lam=[0.5, 2.0]), "lam"),
    (dict(divergence_threshold=float("nan")), "divergence_threshold"),
    (dict(divergence_threshold=-1), "divergence_threshold"),
    (dict(start_scale=-1), "start_scale"),
    (dict(seed=-1), "seed"),
    (dict(seed=1.5), "seed"),
    (dict(seed="abc"), "seed"),
    (dict(history="yes"), "history"),
    (dict(steps=10 ** 3, trajectories=10 ** 9), "trajectories"),
    (dict(x0=[[0.1, 0.2]]), "x0"),
    (dict(record_every=0), "record_every"),
])
def test_simulate_rejects_bad_arguments_by_name(kwargs, name):
    args = dict(eta=0.1, rho=0.1, steps=5)
    args.update(kwargs)
    with pytest.raises(InvalidParameterError, match=name.replace("(", r"\(").replace(")", r"\)")):
        st.simulate(F, "sam", **args)


def test_simulate_rejects_a_non_objective():
    with pytest.raises(InvalidParameterError, match="objective"):
        st.simulate("cosine", "sam", eta=0.1, steps=5)


def _custom(**kw):
    args = dict(value=lambda x: np.sum(x ** 2, axis=-1), grad=lambda x: 2 * x, dim=2, f_star=0.0, smoothness=2.0)
    args.update(kw)
    return CustomObjective(**args)


@pytest.mark.parametrize("kwargs, name", [
    (dict(dim=-1), "dim"),
    (dict(dim=1.5), "dim"),
    (dict(smoothness=-1), "smoothness"),
    (dict(smoothness=float("nan")), "smoothness"),
    (dict(f_star=float("nan")), "f_star"),
    (dict(strong_convexity=3.0), "strong_convexity"),  # mu > beta
    (dict(grad=3), "grad"),
    (dict(value=lambda x: np.sum(x ** 2, axis=-1, keepdims=True)), "value"),  # shape (..., 1)
    (dict(grad=lambda x: 2 * x[..., :1]), "grad"),  # wrong shape
    (dict(region="everywhere"), "region"),
    (dict(region={"radius": 2}), "region"),
    (dict(region=-1), "region"),
    (dict(smoothnes=2.0), "did you mean 'smoothness'"),
    (dict(minimizer=[0, 0, 0]), "minimizer"),
])
def test_custom_objective_rejects_bad_arguments_by_name(kwargs, name):
    with pytest.raises(InvalidParameterError, match=name):
        _custom(**kwargs)


def test_custom_objective_accepts_the_readme_region_form():
    f = _custom(region={"box_radius": 3.0})
    assert f.region == 3.0 and "locally-smooth" in f.tags
    assert check_constants(f, n=200).passed


def test_check_constants_refuses_a_misspelt_override():
    f = get_function("quadratic")
    with pytest.raises(InvalidParameterError, match="did you mean 'smoothness'"):
        check_constants(f, constants={"smoothnes": 0.5})
    with pytest.raises(InvalidParameterError, match="smoothness"):
        check_constants(f, constants={"smoothness": float("nan")})


@pytest.mark.parametrize("name, perturbation, word", [
    ("", lambda g, rho, lam, eps: g, "name"),
    (3, lambda g, rho, lam, eps: g, "name"),
    ("two-args", lambda g, rho: g, "four arguments"),
    ("not-callable", 3, "callable"),
])
def test_register_method_rejects_bad_arguments(name, perturbation, word):
    from samtheory.methods import METHODS
    with pytest.raises(InvalidParameterError, match=word):
        st.register_method(name, perturbation)
    assert name not in METHODS


def test_unknown_names_get_a_suggestion():
    from samtheory.counterexamples import get_counterexample
    from samtheory.methods import get_method
    from samtheory.theorems import get_theorem
    for call, word in ((lambda: get_function("quadratc"), "quadratic"), (lambda: get_method("usma"), "usam"),
                       (lambda: get_theorem("khanh.lemma-x"), "khanh.lemma-"),
                       (lambda: get_counterexample("valey"), "valley")):
        with pytest.raises(InvalidParameterError, match=f"did you mean '{word}"):
            call()


def test_instance_validate_names_the_field():
    from samtheory.theorems import Instance
    for kwargs, name in ((dict(eta=float("nan")), "eta"), (dict(same_sample=False), "independent samples"),
                         (dict(noise="gaussian", sigma=-1.0), "sigma"), (dict(method="sgd"), "sgd"),
                         (dict(lam=0.5), "lam"), (dict(seed=-1), "seed"), (dict(horizons=(1, 100)), "horizons")):
        with pytest.raises(InvalidParameterError, match=name):
            Instance("cosine", **{"eta": 0.1, **kwargs}).validate()
    assert Instance("cosine", eta=0.1).validate().eta == 0.1
