"""The explorer, headless: every example builds, every control changes what is plotted, the plotted
data equal a direct simulation, and an invalid state shows a message instead of raising."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from samtheory import simulate  # noqa: E402
from samtheory.counterexamples import COUNTEREXAMPLES  # noqa: E402
from samtheory.explorer import Explorer  # noqa: E402
from samtheory.functions import CustomObjective  # noqa: E402

SHOTS = Path(__file__).resolve().parents[1] / "figures" / "explorer"


def direct(e):
    """The same run, written out with simulate()."""
    s = e.state
    f = e.objective()
    oracle = e.ce.oracle(objective=f, **e._ce_params()) if e.ce is not None else None
    method = "sgd" if (oracle is not None and s["method"] == "gd") else s["method"]
    return simulate(f, method, eta=s["eta"], rho=s["rho"] if method not in ("gd", "sgd") else 0.0, lam=s["lam"],
                    steps=int(s["steps"]), x0=e._start(f), trajectories=16 if oracle is not None else 1,
                    oracle=oracle, same_sample=s["same_sample"], seed=0, history=True, record_every=1)


@pytest.mark.parametrize("name", list(COUNTEREXAMPLES))
def test_controls_change_the_plot_and_match_a_direct_simulation(name):
    e = Explorer(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    e.save(SHOTS / f"{name}.png")
    before = (e.curve_line.get_ydata().copy(), e.readout.get_text())
    e.sliders["x0"].set_val(e.state["x0"] * 0.8)  # through the widget, as a user would
    e.sliders["steps"].set_val(300)
    after = (e.curve_line.get_ydata().copy(), e.readout.get_text())
    assert not np.array_equal(before[0], after[0]) and before[1] != after[1]
    r = direct(e)
    np.testing.assert_allclose(e.result.x_history, r.x_history, rtol=1e-12, atol=0)
    e.method_radio.set_active(1)  # usam
    assert e.state["method"] == "usam" and "method usam" in e.readout.get_text()
    if e.mode_radio is not None:
        e.mode_radio.set_active(1)
        assert e.state["same_sample"] is False
        np.testing.assert_allclose(e.result.x_history, direct(e).x_history, rtol=1e-12, atol=0)
    e.reset()
    assert e.state == e.defaults


def test_invalid_state_shows_a_message():
    e = Explorer("cosine-stall")
    e.set(eta=3.0)  # outside (0, 2/beta): the stall does not attract
    assert e.result is None and "valid range" in e.message.get_text()
    e.set(eta=0.5)
    assert e.result is not None and e.message.get_text() == ""


def test_theorem_verdicts_in_the_readout():
    e = Explorer("quadratic-cycle")
    verdicts = e.check_theorems()
    assert verdicts and all(v.verdict in ("holds", "inconclusive") for v in verdicts)
    assert "theorems on this instance" in e.readout.get_text()


def test_user_defined_objective():
    f = CustomObjective(value=lambda x: 1 - np.cos(x[..., 0]), grad=lambda x: np.sin(x), dim=1, f_star=0.0,
                        smoothness=1.0, name="my-cosine")
    e = Explorer(f, rho=4.0, eta=0.3, x0=-3.0)
    assert e.result is not None and "none for this function" in e.readout.get_text()


def test_cli_explore(tmp_path, capsys):
    from samtheory.cli import main
    assert main(["explore", "--list"]) == 0 and "valley" in capsys.readouterr().out
    assert main(["explore", "valley", "--save", str(tmp_path / "v.png")]) == 0 and (tmp_path / "v.png").is_file()
    assert main(["explore", "nope"]) == 2
