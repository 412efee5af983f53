"""A new paper experiment (figure script) is one new file: a module in samtheory/paper_experiments/
declaring NAME, DESCRIPTION and run() is found by samtheory.paper_experiments.discover()
(samtheory._discovery), registered in samtheory.reproduce's registry, listed and run by
``samtheory reproduce``, with no index edited; a module declaring several figures uses FIGURES."""
import json
import sys
import textwrap

import pytest

import samtheory.paper_experiments as paper_experiments
from samtheory import InvalidParameterError, cli, reproduce

TOY = '''
"""A user's figure script (one file): GD on 1/2 x^2 from x0 = 1, f(x_t) - f* against t."""
import numpy as np

from samtheory import simulate
from samtheory.functions import get_function
from samtheory.paper_experiments import _common as C

NAME = "user-toy-gd"
DESCRIPTION = "a user's figure: GD's f - f* on a 1-D quadratic"
STEM = "user_toy_gd"


def run(outdir=None, quick=False, *, steps=None):
    steps = steps or (20 if quick else 200)
    result = simulate(get_function("quadratic-1d"), "gd", eta=0.5, steps=steps, x0=[1.0], record_every=1,
                      history=True)
    doc = {"name": NAME, "quick": bool(quick), "t": result.t.tolist(), "loss": result.loss_history[:, 0].tolist()}

    def plot(doc, outdir):
        fig, axes = C.new_figure(1, 1, size=(4.0, 3.0))
        axes[0][0].semilogy(doc["t"], doc["loss"])
        return C.save_figure(fig, outdir, STEM)
    return C.save_outputs(doc, C.output_folder(outdir, quick), STEM, plot)
'''

PAIR = '''
"""Two figures in one module, declared in FIGURES."""
def first(outdir=None, quick=False):
    return {"figure": "first", "quick": quick}


def second(outdir=None, quick=False):
    return {"figure": "second", "quick": quick}


FIGURES = {"user-pair-b": (second, "the second of a pair"), "user-pair-a": (first, "the first of a pair")}
'''

ADDED = ["user-pair-a", "user-pair-b", "user-toy-gd"]


@pytest.fixture
def user_folder(tmp_path, monkeypatch):
    folder = tmp_path / "more_experiments"
    folder.mkdir()
    (folder / "toy_gd.py").write_text(textwrap.dedent(TOY))
    (folder / "pair.py").write_text(textwrap.dedent(PAIR))
    (folder / "_draft.py").write_text("raise RuntimeError('private modules are not imported')\n")
    monkeypatch.setattr(paper_experiments, "__path__", [*paper_experiments.__path__, str(folder)])
    yield folder
    for name in ADDED:
        for registry in (paper_experiments.EXPERIMENTS, paper_experiments.DESCRIPTIONS, paper_experiments.MODULES,
                         reproduce.REGISTRY):
            registry.pop(name, None)
    for module in ("toy_gd", "pair", "bad"):
        sys.modules.pop(f"samtheory.paper_experiments.{module}", None)


def test_the_papers_experiments_are_found_by_the_same_rule():
    papers = ["khanh_quadratic", "khanh_robust_regression", "khanh_schedules", "siyun_figures", "unified_decreasing",
              "unified_importance", "unified_lambda_sweep"]
    modules = paper_experiments.discover()
    assert set(papers) <= set(modules) and modules == sorted(modules)
    experiments = list(paper_experiments.EXPERIMENTS)
    assert experiments == sorted(experiments) and len(experiments) >= 10
    assert {"siyun-fig1-valley", "unified-exp1-lambda-sweep", "khanh-schedules"} <= set(experiments)
    # the registry of `samtheory reproduce`: the paper experiments (by name), then PEP and the regime maps
    assert reproduce.names()[:len(experiments)] == experiments
    assert reproduce.names()[len(experiments):] == ["pep-sam-worst-case", "sweep-regimes-quadratic",
                                                    "sweep-regimes-cosine", "sweep-regimes-valley"]
    # every public module declares at least one entry, and each entry names the module that declares it
    for module_name in modules:
        module = sys.modules[f"samtheory.paper_experiments.{module_name}"]
        assert all(paper_experiments.MODULES[name] is module for name, _, _ in paper_experiments.declared(module))
    for name in experiments:
        module = paper_experiments.MODULES[name]
        assert reproduce.get(name).description == paper_experiments.DESCRIPTIONS[name]
        assert module.__name__.startswith("samtheory.paper_experiments.")
        assert any(declared[0] == name for declared in paper_experiments.declared(module))


def test_a_new_module_is_found_listed_and_run(user_folder, tmp_path, capsys):
    names = reproduce.discover()
    assert "toy_gd" in names and "pair" in names and "_draft" not in names
    assert list(paper_experiments.EXPERIMENTS)[-3:] == ADDED  # after the paper's, in the order of their names
    assert list(reproduce.REGISTRY)[-3:] == ADDED
    count = len(reproduce.REGISTRY)
    reproduce.discover()  # again: nothing registered twice
    assert len(reproduce.REGISTRY) == count

    assert cli.main(["reproduce", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "user-toy-gd" in listing and "a user's figure: GD's f - f* on a 1-D quadratic" in listing
    assert cli.main(["reproduce", "user-toy-gd", "--quick", "--outdir", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.startswith("user-toy-gd: ")
    written = json.loads((tmp_path / "out" / "user_toy_gd.json").read_text())
    assert written["quick"] is True and len(written["t"]) == 21
    assert written["files"] == ["user_toy_gd.png", "user_toy_gd.pdf", "user_toy_gd.json"]
    assert written["loss"][-1] < written["loss"][0]  # GD with eta = 1/(2 beta) descends
    # options beyond (outdir, quick) are the module's own
    doc = paper_experiments.MODULES["user-toy-gd"].run(tmp_path / "full", steps=5)
    assert len(doc["t"]) == 6
    assert reproduce.run("user-pair-a", tmp_path, quick=True)["figure"] == "first"


def test_a_public_module_that_declares_nothing_or_a_taken_name_is_an_error(user_folder):
    (user_folder / "bad.py").write_text("VALUE = 1\n")
    with pytest.raises(InvalidParameterError, match="bad declares neither NAME, DESCRIPTION and run"):
        paper_experiments.discover()
    (user_folder / "bad.py").write_text('NAME = "khanh-schedules"\nDESCRIPTION = "again"\ndef run(outdir=None, quick=False):\n    return {}\n')
    sys.modules.pop("samtheory.paper_experiments.bad", None)
    with pytest.raises(InvalidParameterError, match="'khanh-schedules' is declared by samtheory.paper_experiments"):
        paper_experiments.discover()
