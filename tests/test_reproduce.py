"""`samtheory reproduce`: the registry of figure scripts and its command line."""
import json
import re
from pathlib import Path

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


def test_quick_runs_go_to_figures_quick_by_default(tmp_path, monkeypatch, capsys):
    """A quick run must not overwrite the committed full-size figures in figures/."""
    monkeypatch.chdir(tmp_path)
    assert cli.main(["reproduce", "khanh-fig1-quadratic", "--quick"]) == 0
    out = capsys.readouterr().out
    quick = tmp_path / "figures" / "quick"
    assert sorted(p.name for p in quick.iterdir()) == [f"khanh_fig1_quadratic.{ext}" for ext in ("json", "pdf", "png")]
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["quick"]  # nothing beside the quick folder
    assert "figures/quick/khanh_fig1_quadratic.png" in out  # the printed paths are where the files are
    assert reproduce.output_folder(None, quick=False) == "figures"
    assert reproduce.output_folder("elsewhere", quick=True) == "elsewhere"


def test_experiment_scripts_default_to_a_separate_quick_folder(tmp_path):
    from samtheory.paper_experiments._common import script_arguments
    assert script_arguments("d", tmp_path, ["--quick"]).outdir == str(tmp_path / "quick")
    assert script_arguments("d", tmp_path, []).outdir == str(tmp_path)
    assert script_arguments("d", tmp_path, ["--quick", "--outdir", "x"]).outdir == "x"


def test_figure_json_names_its_files_relative_to_the_output_folder(tmp_path):
    doc = reproduce.run("khanh-fig1-quadratic", tmp_path / "out", quick=True)
    assert sorted(doc["files"]) == ["khanh_fig1_quadratic.json", "khanh_fig1_quadratic.pdf", "khanh_fig1_quadratic.png"]
    written = json.loads((tmp_path / "out" / "khanh_fig1_quadratic.json").read_text())
    assert written["files"] == doc["files"]
    assert str(tmp_path) not in json.dumps(written)


def _absolute_paths(value):
    """Every string inside a JSON value that looks like an absolute path (POSIX or Windows)."""
    if isinstance(value, dict):
        return [p for v in value.values() for p in _absolute_paths(v)]
    if isinstance(value, list):
        return [p for v in value for p in _absolute_paths(v)]
    if isinstance(value, str) and re.match(r"^(/|~/|[A-Za-z]:[\\/]|\\\\)", value):
        return [value]
    return []


def test_committed_figure_jsons_hold_no_absolute_paths():
    """Every committed figures/**/*.json (not the git-ignored quick folder) names its files
    relative to its own folder, and those files exist."""
    figures = Path(__file__).resolve().parents[1] / "figures"
    jsons = [p for p in figures.rglob("*.json") if "quick" not in p.relative_to(figures).parts]
    assert len(jsons) >= 11  # every reproduce entry writes one
    repo = str(figures.parent)
    for path in jsons:
        text = path.read_text()
        doc = json.loads(text)
        assert _absolute_paths(doc) == [], path.name
        assert repo not in text, path.name
        files = doc.get("files", [])
        assert files, f"{path.name} lists no files"
        for name in files:
            assert not Path(name).is_absolute() and (path.parent / name).is_file(), (path.name, name)


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
