"""`samtheory reproduce`: the registry of figure scripts and its command line."""
import json

import pytest

from samtheory import InvalidParameterError, cli, reproduce


def test_registry_has_the_paper_experiments():
    assert {"unified-exp1-lambda-sweep", "unified-exp2-importance", "unified-exp3-decreasing", "khanh-fig1-quadratic",
            "khanh-appendix-robust-regression", "khanh-schedules"} <= set(reproduce.names())
    with pytest.raises(InvalidParameterError, match="unknown figure script"):
        reproduce.get("no-such-figure")
    with pytest.raises(InvalidParameterError, match="already registered"):
        reproduce.register("khanh-schedules", lambda outdir, quick: {})


def test_list(capsys):
    assert cli.main(["reproduce", "--list"]) == 0
    assert "unified-exp2-importance" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["reproduce"], ["reproduce", "--all", "khanh-schedules"], ["reproduce", "nope"]])
def test_usage_errors(argv, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.startswith("samtheory: error: ")


def test_quick_run_writes_the_files(tmp_path, capsys):
    assert cli.main(["reproduce", "khanh-fig1-quadratic", "--quick", "--outdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("khanh-fig1-quadratic: ")
    for ext in ("png", "pdf", "json"):
        assert (tmp_path / f"khanh_fig1_quadratic.{ext}").is_file()
    assert json.loads((tmp_path / "khanh_fig1_quadratic.json").read_text())["quick"] is True


def test_several_scripts_print_an_estimate_first(tmp_path, capsys, monkeypatch):
    """The estimate sums the times stored by the last run of each script in the output folder
    (its JSON's runtime_seconds, at the same size), falling back to the reference table."""
    def fake(name, seconds):
        def run(outdir, quick):
            doc = {"quick": quick, "runtime_seconds": seconds, "files": []}
            (tmp_path / f"{name.replace('-', '_')}.json").write_text(json.dumps(doc))
            return doc
        return reproduce.Entry(name, run, "test entry")

    monkeypatch.setitem(reproduce.REGISTRY, "fake-a", fake("fake-a", 100.0))
    monkeypatch.setitem(reproduce.REGISTRY, "fake-b", fake("fake-b", 50.0))
    assert cli.main(["reproduce", "fake-a", "fake-b", "--outdir", str(tmp_path)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "2 figure scripts: about 0 s for the 0 with a stored time; no stored time for fake-a, fake-b"
    assert cli.main(["reproduce", "fake-a", "fake-b", "--outdir", str(tmp_path)]) == 0  # now stored
    assert capsys.readouterr().out.splitlines()[0] == "2 figure scripts: about 2 min for the 2 with a stored time"
    # a quick run does not take the full-size times
    assert reproduce.estimate_seconds(["fake-a"], str(tmp_path), quick=True) == (0, ["fake-a"])
    assert reproduce.estimate_seconds(["khanh-fig1-quadratic"], str(tmp_path))[0] == \
        reproduce.REFERENCE_SECONDS["khanh-fig1-quadratic"][0]


def test_every_builtin_script_has_a_reference_time_entry():
    assert set(reproduce.REFERENCE_SECONDS) == set(reproduce.names())
