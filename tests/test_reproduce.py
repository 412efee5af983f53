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
