"""The theorem registry (:mod:`samtheory.theorems.registry`) and module discovery
(:func:`samtheory.theorems.discover`): a new source of theorems is one new file, found without
editing an index, and a user's paper is registered through the public API."""
import textwrap

import pytest

import samtheory.theorems as theorems
from samtheory import InvalidParameterError
from samtheory.theorems import PAPERS, THEOREMS, Instance, check, register_paper

MODULE = '''
"""A source of theorems written by a user: one file, nothing else edited."""
from samtheory.theorems import measures, register_paper, theorem

register_paper("user-2026", "A. User. A bound on GD. 2026.")


@theorem(id="user.gd.descent", title="GD decreases f on a smooth function", paper="user-2026",
         result="Lemma 1", provenance="literature", kind="upper", check="every-t",
         function_class=("globally-smooth",), methods=("gd",), setting="deterministic",
         measure_name="f(x_t) - f*", measure=measures.loss, statement="f(x_t) - f^* <= f(x_0) - f^*",
         overwrite=True)
def user_gd_descent(ctx):
    """f(x_t) - f* <= f(x_0) - f* for GD with eta <= 2/beta (descent lemma)."""
    ctx.need("beta")
    ctx.require(ctx.instance.eta <= 2 / ctx.beta, "needs eta <= 2/beta")
    delta = ctx.delta
    return lambda t: delta
'''


@pytest.fixture
def user_package(tmp_path, monkeypatch):
    folder = tmp_path / "extra_theorems"
    folder.mkdir()
    (folder / "user_source.py").write_text(textwrap.dedent(MODULE))
    (folder / "_private_helper.py").write_text("raise RuntimeError('private modules are not imported')\n")
    # the folder becomes part of the package, as a new file in samtheory/theorems/ would be
    monkeypatch.setattr(theorems, "__path__", [*theorems.__path__, str(folder)])
    yield folder
    THEOREMS.pop("user.gd.descent", None)
    PAPERS.pop("user-2026", None)
    import sys
    sys.modules.pop("samtheory.theorems.user_source", None)


def test_a_new_module_is_discovered_registered_and_checked(user_package):
    names = theorems.discover()
    assert "user_source" in names and "_private_helper" not in names
    assert "si_yun" in names and "khanh" in names  # the project's own sources, by the same rule
    entry = THEOREMS["user.gd.descent"]
    assert entry.paper == "user-2026"
    verdict = check(entry, Instance("quadratic", method="gd", eta=0.1, steps=50, x0=[1.0, 1.0, 1.0]))
    assert verdict.verdict == "holds"
    outside = check(entry, Instance("quadratic", method="gd", eta=1.0, steps=50, x0=[1.0, 1.0, 1.0]))
    assert outside.verdict == "not-applicable" and "2/beta" in outside.reason


def test_discover_twice_registers_nothing_twice(user_package):
    theorems.discover()
    count = len(THEOREMS)
    theorems.discover()
    assert len(THEOREMS) == count


def test_register_paper_refuses_bad_keys_and_silent_replacement():
    with pytest.raises(InvalidParameterError, match="paper key"):
        register_paper("", "x")
    with pytest.raises(InvalidParameterError, match="already registered"):
        register_paper("si-yun-2023", "someone else's paper")
    assert register_paper("si-yun-2023", PAPERS["si-yun-2023"]) == "si-yun-2023"  # the same text: fine
