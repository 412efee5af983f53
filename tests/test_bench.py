"""samtheory/bench.py and `samtheory bench`: the cells run, report consistent numbers, and bad
options are usage errors. (Speed itself is measured by the benchmark, never asserted here.)"""
import json

import numpy as np
import pytest

from samtheory import bench
from samtheory.cli import main


@pytest.mark.parametrize("workload", list(bench.WORKLOADS))
def test_problems_match_their_description(workload):
    f, kw, x0, spec = bench.problem(workload)
    assert x0.shape == (spec["trajectories"], f.dim)
    expected_dim = {"W1": 1, "W2": 100, "W3": 1, "W4": 100}[workload]
    assert f.dim == expected_dim
    if workload == "W3":
        assert kw["same_sample"] is False and kw["oracle"].kind == "rademacher"
    if workload == "W4":
        assert kw["method"] == "unified" and kw["lam"] == 0.5 and kw["oracle"].scheme == "uniform"
        assert f.n_components == 100


@pytest.mark.parametrize("impl", ["loop", "numpy"])
def test_cell_reports_a_throughput(impl):
    cell = bench.run_cell("W1", impl, quick=True, repeat=1)
    assert cell["throughput"] == pytest.approx(cell["trajectory_steps"] / cell["seconds"])
    assert cell["peak_rss_mb"] > 0 and cell["run_peak_increase_mb"] >= 0


def test_jax_reference_computes_the_simulator_summaries():
    """The hand-written JAX program does the same work as the simulator: same final iterate and
    mean loss on W1 (to 1e-10; it is a different program, not a copy). W1 contracts to the stall
    points; W2 is not used because SAM on a quadratic keeps bouncing inside the rho-ball, where
    ulp-level differences of summation order grow."""
    pytest.importorskip("jax")
    from samtheory import simulate
    once, _ = bench._jax_reference("W1", quick=True, summaries=True)
    x, lmin, lmean, gmean = (np.asarray(a) for a in once())
    f, kw, x0, spec = bench.problem("W1", quick=True)
    kw.pop("method")
    r = simulate(f, "sam", x0=x0, trajectories=spec["trajectories"], steps=spec["steps"],
                 record_every=None, backend="numpy", **kw)
    np.testing.assert_allclose(x, r.x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(lmean, r.loss_mean, rtol=1e-10)
    np.testing.assert_allclose(gmean, r.gradsq_mean, rtol=1e-10)


def test_cli_bench_json(capsys):
    assert main(["bench", "--quick", "--repeat", "1", "--workloads", "W1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    impls = {r["implementation"] for r in report["rows"]}
    assert {"loop", "numpy"} <= impls
    assert report["quick"] is True and "machine" in report


@pytest.mark.parametrize("argv", [["bench", "--workloads", "W9"], ["bench", "--repeat", "0"],
                                  ["bench", "--workloads", ""]])
def test_cli_bench_bad_options_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "samtheory: error:" in capsys.readouterr().err


def test_cells_import_this_samtheory_not_the_one_in_the_current_folder(tmp_path, monkeypatch):
    """A ./samtheory in the working folder must not be what the cell processes benchmark."""
    from samtheory import bench
    fake = tmp_path / "samtheory"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('the fake samtheory of the current folder')\n")
    monkeypatch.chdir(tmp_path)
    cell = bench._cell_in_subprocess("W1", "numpy", quick=True, repeat=1)
    assert "error" not in cell, cell
    assert cell["throughput"] > 0


def test_cli_bench_fails_when_its_cells_fail(capsys, monkeypatch):
    from samtheory import bench
    monkeypatch.setattr(bench, "_cell_in_subprocess",
                        lambda name, impl, quick, repeat: {"workload": name, "implementation": impl,
                                                           "error": ["ImportError: broken"]})
    assert main(["bench", "--quick", "--repeat", "1", "--workloads", "W1"]) == 1
    out, err = capsys.readouterr()
    assert "error" in out and "cells failed" in err


# -- benchmarks/bench_targets.py: the anchors do the simulator's work ------------------------------

def _bench_targets():
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "bench_targets.py"
    spec = importlib.util.spec_from_file_location("bench_targets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("target", ["cosine-1e4", "diag-quadratic"])
def test_target_anchors_compute_the_simulator_statistics(target):
    """Hand-written JAX and numba return the simulator's final iterate and every running
    statistic on a short run (so their speed is for the same work), and the check that the
    benchmark applies flags an anchor that skips the tail sums."""
    pytest.importorskip("jax")
    pytest.importorskip("numba")
    bt = _bench_targets()
    f, eta, rho, _, x0 = bt._problem(target, quick=True)
    outputs = {name: make(f, eta, rho, bt.CHECK_STEPS, x0)()
               for name, make in bt.MEASURED.items() if name != "numba-par"}
    assert set(outputs) == {"samtheory-jax", "jax-hand", "numba"}
    assert bt._check_same_work(outputs) == []
    outputs["numba"] = {**outputs["numba"], "loss_tail_mean": 0 * outputs["numba"]["loss_tail_mean"]}
    assert bt._check_same_work(outputs) == [m for m in bt._check_same_work(outputs)
                                            if m.startswith("numba.loss_tail_mean")] != []
