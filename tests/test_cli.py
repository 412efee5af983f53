"""The command line: output formats, exit statuses and one-line usage errors."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import samtheory
from samtheory import cli
from samtheory._io import atomic_write_text, to_jsonable
from samtheory.functions import CATALOG, get_function


def run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


SIM = ["simulate", "--function", "quadratic", "--method", "sam", "--eta", "0.1", "--rho", "0.05", "--steps", "20"]


# -- functions ----------------------------------------------------------------------------------

def test_functions_json_lists_every_catalog_entry_with_its_constants(capsys):
    status, out, err = run(capsys, "functions", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert [d["name"] for d in data] == list(CATALOG)
    for entry in data:
        expected = to_jsonable(get_function(entry["name"]).summary())
        assert entry == expected
        assert set(entry["constants"]) == {"smoothness", "strong_convexity", "pl", "lipschitz"}
        for c in entry["constants"].values():
            assert c is None or (isinstance(c["value"], float) and isinstance(c["tight"], bool) and c["derivation"])
        assert entry["dim"] >= 1 and isinstance(entry["f_star"], float)


def test_functions_table_has_a_row_per_entry(capsys):
    status, out, _ = run(capsys, "functions")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["name", "d", "tags"]
    for name in CATALOG:
        f = get_function(name)
        row = next(line for line in lines if line.split() and line.split()[0] == name)
        assert row.split()[1] == str(f.dim)


# -- simulate -----------------------------------------------------------------------------------

SUMMARY_KEYS = {"function", "method", "steps", "trajectories", "grid_shape", "parameters", "oracle", "same_sample",
                "seed", "conventions", "status_counts", "final_loss", "final_gradsq", "min_loss", "mean_loss",
                "mean_gradsq", "tail_mean_loss", "tail_mean_gradsq", "tail_fraction"}


def test_simulate_json_gd_converges_on_the_quadratic(capsys):
    status, out, err = run(capsys, "simulate", "--function", "quadratic", "--method", "gd", "--eta", "0.1",
                           "--steps", "500", "--trajectories", "4", "--json")
    assert status == 0, err
    s = json.loads(out)
    assert SUMMARY_KEYS <= set(s)
    assert s["function"] == "quadratic" and s["method"] == "gd"
    assert s["steps"] == 500 and s["trajectories"] == 4
    assert s["status_counts"] == {"ok": 4}
    assert s["parameters"]["eta"] == 0.1
    assert s["oracle"] is None and s["same_sample"] is None
    assert s["final_loss"]["max"] < 1e-12
    assert s["final_gradsq"]["max"] < 1e-10
    assert s["min_loss"]["max"] <= s["final_loss"]["max"] + 1e-300
    assert s["mean_loss"]["mean"] > s["final_loss"]["mean"]


def test_simulate_json_stochastic(capsys):
    status, out, err = run(capsys, "simulate", "--function", "quadratic", "--method", "sam", "--eta", "0.05",
                           "--rho", "0.1", "--steps", "200", "--trajectories", "8", "--noise", "rademacher",
                           "--sigma", "0.5", "--independent-samples", "--seed", "3", "--json")
    assert status == 0, err
    s = json.loads(out)
    assert s["oracle"]["kind"] == "rademacher" and s["oracle"]["sigma"] == 0.5
    assert s["same_sample"] is False and s["seed"] == 3
    # same seed, same numbers
    assert run(capsys, "simulate", "--function", "quadratic", "--method", "sam", "--eta", "0.05", "--rho", "0.1",
               "--steps", "200", "--trajectories", "8", "--noise", "rademacher", "--sigma", "0.5",
               "--independent-samples", "--seed", "3", "--json")[1] == out


def test_simulate_sgd_with_noise(capsys):
    status, out, err = run(capsys, "simulate", "--function", "quadratic", "--method", "sgd", "--eta", "0.05",
                           "--steps", "50", "--noise", "gaussian", "--sigma", "1", "--json")
    assert status == 0, err
    assert json.loads(out)["same_sample"] is True


def test_simulate_unified_lambda_schedule_and_x0(capsys):
    status, out, err = run(capsys, "simulate", "--function", "quadratic", "--method", "unified", "--lam", "1/t",
                           "--eta", "0.05", "--rho", "0.1", "--steps", "100", "--x0", "1,-1,0.5", "--json")
    assert status == 0, err
    s = json.loads(out)
    assert "1/t" in s["parameters"]["lam"]
    # --x0 with a leading minus sign, without "=", is read as a value
    status, out, err = run(capsys, "simulate", "--function", "quadratic", "--method", "sam", "--eta", "0.05",
                           "--steps", "10", "--x0", "-1,2,0.5", "--json")
    assert status == 0, err


def test_simulate_x0_is_used(capsys):
    # GD from x0 on diag(1, 3, 10): f(x_T) is known in closed form
    status, out, _ = run(capsys, "simulate", "--function", "quadratic", "--method", "gd", "--eta", "0.05",
                         "--steps", "10", "--x0", "1,-1,0.5", "--json")
    assert status == 0
    import numpy as np
    lam = np.array([1.0, 3.0, 10.0])
    x_T = (1 - 0.05 * lam) ** 10 * np.array([1.0, -1.0, 0.5])
    assert json.loads(out)["final_loss"]["mean"] == pytest.approx(0.5 * np.sum(lam * x_T ** 2), rel=1e-12)


def test_simulate_text_summary(capsys):
    status, out, err = run(capsys, *SIM, "--trajectories", "3")
    assert status == 0, err
    assert "sam on quadratic" in out
    assert "status: ok 3" in out
    for label in ("final f - f*", "tail-mean f - f*", "final ||grad f||^2", "tail-mean ||grad f||^2"):
        assert label in out


BAD = [
    ("unknown function", ["simulate", "--function", "nope", "--method", "sam", "--eta", "0.1", "--steps", "5"],
     "function"),
    ("unknown method", ["simulate", "--function", "quadratic", "--method", "nope", "--eta", "0.1", "--steps", "5"],
     "method"),
    ("eta zero", [*SIM[:6], "0", "--steps", "5"], "eta"),
    ("eta negative", [*SIM[:6], "-0.1", "--steps", "5"], "eta"),
    ("eta nan", [*SIM[:6], "nan", "--steps", "5"], "eta"),
    ("negative rho", ["simulate", "--function", "quadratic", "--method", "sam", "--eta", "0.1", "--rho", "-0.1",
                      "--steps", "5"], "rho"),
    ("lam 1.5", ["simulate", "--function", "quadratic", "--method", "unified", "--lam", "1.5", "--eta", "0.1",
                 "--steps", "5"], "lam"),
    ("lam not a number", ["simulate", "--function", "quadratic", "--method", "unified", "--lam", "half",
                          "--eta", "0.1", "--steps", "5"], "lam"),
    ("steps 0", [*SIM[:-1], "0"], "steps"),
    ("steps not an integer", [*SIM[:-1], "2.5"], "steps"),
    ("trajectories 0", [*SIM, "--trajectories", "0"], "trajectories"),
    ("x0 nan", [*SIM, "--x0", "nan,1,2"], "x0"),
    ("x0 inf", [*SIM, "--x0", "1,inf,2"], "x0"),
    ("x0 wrong dimension", [*SIM, "--x0", "1,2"], "x0"),
    ("x0 not numbers", [*SIM, "--x0", "1,a,2"], "x0"),
    ("sgd without noise", ["simulate", "--function", "quadratic", "--method", "sgd", "--eta", "0.1", "--steps", "5"],
     "noise"),
    ("sigma without noise", [*SIM, "--sigma", "1"], "--noise"),
    ("noise without sigma", [*SIM, "--noise", "gaussian"], "--sigma"),
    ("negative sigma", [*SIM, "--noise", "gaussian", "--sigma", "-1"], "sigma"),
    ("gd with noise", ["simulate", "--function", "quadratic", "--method", "gd", "--eta", "0.1", "--steps", "5",
                       "--noise", "gaussian", "--sigma", "1"], "gd"),
    ("independent samples without noise", [*SIM, "--independent-samples"], "--noise"),
    ("negative eps", [*SIM, "--eps", "-1"], "eps"),
    ("missing eta", ["simulate", "--function", "quadratic", "--method", "sam", "--steps", "5"], "--eta"),
    ("no command", [], "COMMAND"),
    ("unknown command", ["frobnicate"], "frobnicate"),
    ("unknown option", ["functions", "--frob"], "--frob"),
]


@pytest.mark.parametrize("argv,word", [(a, w) for _, a, w in BAD], ids=[name for name, _, _ in BAD])
def test_usage_errors_exit_2_with_one_line(capsys, argv, word):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("samtheory: error: ")
    assert word in lines[0]


def test_help_and_version(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0 and "simulate" in out and "verify" in out
    status, out, _ = run(capsys, "simulate", "--help")
    assert status == 0 and "--independent-samples" in out
    status, out, _ = run(capsys, "--version")
    assert status == 0 and samtheory.__version__ in out


def test_every_registered_command_is_reachable(capsys):
    names = [c.name for c in cli.COMMANDS]
    assert {"functions", "simulate", "verify"} <= set(names)
    assert len(names) == len(set(names))
    for name in names:
        assert run(capsys, name, "--help")[0] == 0


def _package_env():
    env = dict(os.environ)
    src = str(Path(samtheory.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def test_python_dash_m_exit_statuses():
    ok = subprocess.run([sys.executable, "-m", "samtheory", "functions"], capture_output=True, text=True,
                        env=_package_env(), timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "cosine" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "samtheory", "simulate", "--function", "quadratic", "--method",
                          "sgd", "--eta", "0.1", "--steps", "5"], capture_output=True, text=True,
                         env=_package_env(), timeout=120)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.splitlines()) == 1 and bad.stderr.startswith("samtheory: error: ")
    usage = subprocess.run([sys.executable, "-m", "samtheory", "simulate"], capture_output=True, text=True,
                           env=_package_env(), timeout=120)
    assert usage.returncode == 2 and len(usage.stderr.splitlines()) == 1


# -- verify -------------------------------------------------------------------------------------

def test_verify_registry_subset_writes_json_and_markdown(tmp_path, capsys):
    json_path, md_path = tmp_path / "verify.json", tmp_path / "verify.md"
    status, out, err = run(capsys, "verify", "--only", "literature.gd", "--json", str(json_path),
                           "--markdown", str(md_path))
    assert status == 0, out
    doc = json.loads(json_path.read_text())
    assert doc["summary"]["passed"] is True
    assert doc["summary"]["verdicts"]["holds"] == len(doc["results"]) > 0
    assert {c["name"] for c in doc["selfchecks"]} >= {"two-cycle", "batched-equals-loop"}
    for r in doc["results"]:
        assert {"theorem", "instance", "verdict", "reason", "margin", "ratio", "first_violation",
                "parameters"} <= set(r)
        assert r["theorem"].startswith("literature.gd") and r["theorem"] in out
    md = md_path.read_text()
    assert "| theorem | instance | verdict |" in md and "literature.gd.pl" in md
    assert sorted(os.listdir(tmp_path)) == ["verify.json", "verify.md"]  # no temporary files left


class _FakeCheck:
    def __init__(self, name, verdict, detail="x | y"):
        self.name, self.verdict, self.detail = name, verdict, detail

    def to_dict(self):
        return {"name": self.name, "verdict": self.verdict, "detail": self.detail, "observed": float("nan")}


@pytest.mark.parametrize("verdict,expected", [("holds", 0), ("violated", 1), ("error", 1)])
def test_verify_exit_status_follows_the_selfchecks(verdict, expected, tmp_path, capsys, monkeypatch):
    import samtheory.selfcheck as selfcheck
    fake = [_FakeCheck("a-check", "holds"), _FakeCheck("b-check", verdict)]
    monkeypatch.setattr(selfcheck, "run_selfchecks", lambda progress=None: fake)
    path = tmp_path / "out.json"
    status, out, _ = run(capsys, "verify", "--only", "literature.gd.pl", "--json", str(path))
    assert status == expected
    doc = json.loads(path.read_text())  # strict JSON: nan written as null
    assert doc["selfchecks"][0]["observed"] is None
    assert doc["summary"]["passed"] is (expected == 0)


def test_verify_one_theorem(capsys):
    status, out, _ = run(capsys, "verify", "siyun.derived.d3", "--function", "cosine", "--eta", "0.25",
                         "--rho", "0.1", "--steps", "300", "--x0", "0.9")
    assert status == 0 and "holds" in out and "siyun.derived.d3" in out
    status, out, _ = run(capsys, "verify", "siyun.derived.d3", "--function", "cosine", "--eta", "0.5",
                         "--rho", "0.1", "--steps", "300")
    assert status == 0 and "not-applicable" in out and "eta <= 1/(4 beta)" in out


def test_verify_reports_a_violated_theorem(capsys):
    import dataclasses
    from samtheory.theorems import THEOREMS, register_theorem
    base = THEOREMS["siyun.derived.d3"]
    wrong = dataclasses.replace(base, id="test.wrong-d3", bound=lambda ctx: (lambda t, b=base.bound(ctx): 0.01 * b(t)))
    register_theorem(wrong, overwrite=True)
    try:
        status, out, _ = run(capsys, "verify", "test.wrong-d3", "--function", "cosine", "--eta", "0.25",
                             "--rho", "0.1", "--steps", "300", "--x0", "0.9")
    finally:
        del THEOREMS["test.wrong-d3"]
    assert status == 1 and "violated" in out


@pytest.mark.parametrize("argv, needle", [
    (["verify", "nope.theorem", "--function", "cosine"], "unknown theorem id"),
    (["verify", "siyun.derived.d1", "--function", "cosine", "--eta", "0.1", "--rho", "0.1"], "does not apply to cosine"),
    (["verify", "siyun.derived.d3", "--function", "cosine", "--eta", "-1", "--rho", "0.1"], "argument --eta: must be > 0"),
    (["verify", "siyun.derived.d3", "--function", "nope", "--eta", "0.1"], "unknown function"),
    (["verify", "siyun.derived.d3", "--eta", "0.1"], "--function"),
    (["verify", "--fuzz", "0"], "--fuzz"),
])
def test_verify_usage_errors(capsys, argv, needle):
    status, out, err = run(capsys, *argv)
    assert status == 2 and needle in err and len(err.strip().splitlines()) == 1, err


def test_verify_fuzz(capsys):
    status, out, _ = run(capsys, "verify", "--fuzz", "1", "--only", "literature.gd.pl")
    assert status == 0 and "literature.gd.pl" in out and "fuzz: 1 random instances" in out


def test_theorems_json(capsys):
    from samtheory.theorems import THEOREMS
    status, out, _ = run(capsys, "theorems", "--json")
    entries = json.loads(out)
    assert status == 0 and [e["id"] for e in entries] == list(THEOREMS)
    assert all({"kind", "provenance", "statement", "measure", "paper"} <= set(e) for e in entries)


def test_verify_unwritable_output_is_a_usage_error(tmp_path, capsys):
    status, _, err = run(capsys, "verify", "--json", str(tmp_path / "missing-dir" / "v.json"))
    assert status == 2 and err.startswith("samtheory: error: --json")


# -- _io ----------------------------------------------------------------------------------------

def test_atomic_write_text_replaces_and_cleans_up(tmp_path):
    path = tmp_path / "f.txt"
    atomic_write_text(path, "first")
    atomic_write_text(path, "second")
    assert path.read_text() == "second"
    with pytest.raises(TypeError):
        atomic_write_text(path, b"bytes are not text")
    assert path.read_text() == "second"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_to_jsonable():
    import numpy as np
    obj = {"a": np.float64(1.5), "b": (1, np.int64(2)), "c": float("nan"), "d": np.array([1.0, np.inf]),
           "e": np.bool_(True)}
    assert json.loads(json.dumps(to_jsonable(obj), allow_nan=False)) == {
        "a": 1.5, "b": [1, 2], "c": None, "d": [1.0, None], "e": True}


def test_simulate_backend_option(capsys):
    status, out, err = run(capsys, "simulate", "--function", "cosine", "--method", "sam", "--eta", "0.1",
                           "--rho", "0.1", "--steps", "50", "--backend", "numpy", "--json")
    assert status == 0, err
    s = json.loads(out)
    assert s["backend"] == "numpy" and s["backend_note"] == "requested"
    status, out, err = run(capsys, "simulate", "--function", "cosine", "--method", "sam", "--eta", "0.1",
                           "--steps", "50", "--backend", "numba")
    assert status == 2 and "--backend" in err


# every subcommand's options and run live in one module of the cli package
SUBCOMMAND_MODULES = {
    "functions": "samtheory.cli._listing", "theorems": "samtheory.cli._listing",
    "simulate": "samtheory.cli._simulate", "verify": "samtheory.cli._verify", "explore": "samtheory.cli._explore",
    "counterexamples": "samtheory.cli._counterexamples", "counterexample": "samtheory.cli._counterexamples",
    "search": "samtheory.cli._search", "reproduce": "samtheory.cli._reproduce", "bench": "samtheory.cli._bench",
    "pep": "samtheory.cli._pep", "sweep": "samtheory.cli._sweep",
}


def test_each_subcommand_lives_in_its_own_module():
    import importlib
    assert {c.name for c in cli.COMMANDS} == set(SUBCOMMAND_MODULES)
    for command in cli.COMMANDS:
        module = importlib.import_module(SUBCOMMAND_MODULES[command.name])
        assert command.configure.__module__ == module.__name__ == command.run.__module__, command.name
        assert command.run.__name__ == "run_" + command.name and command.configure.__name__ == "configure_" + command.name
    common = importlib.import_module("samtheory.cli._common")
    assert cli.UsageError is common.UsageError and (cli.EXIT_OK, cli.EXIT_VIOLATED, cli.EXIT_USAGE) == (0, 1, 2)
