"""The explorer's state model alone, without a figure: ``samtheory.explorer._state`` (ExplorerState:
controls, ranges, the run, prediction, observed floor, theorem checks) and ``samtheory.explorer._readout``
(the readout's text). Neither imports matplotlib; a fresh interpreter shows it."""
import json
import math
import subprocess
import sys

import numpy as np
import pytest

import samtheory
from samtheory import simulate
from samtheory.counterexamples import COUNTEREXAMPLES
from samtheory.explorer._readout import MAX_VERDICT_LINES, READOUT_WIDTH, invalid_text, readout_text, state_line
from samtheory.explorer._readout import verdict_text, wrap_line
from samtheory.counterexamples import get_counterexample
from samtheory.explorer._state import ExplorerState, names
from samtheory.functions import CustomObjective
from samtheory.theorems import THEOREMS, check


def my_cosine():
    return CustomObjective(value=lambda x: 1 - np.cos(x[..., 0]), grad=lambda x: np.sin(x), dim=1, f_star=0.0,
                           minimizer=[0.0], smoothness=1.0, lipschitz=1.0, name="my-cosine")


def my_square():
    return CustomObjective(value=lambda x: x[..., 0] ** 2, grad=lambda x: 2 * x, dim=1, f_star=0.0,
                           minimizer=[0.0], smoothness=2.0, name="my-square")


def test_the_state_model_and_its_readout_run_without_matplotlib():
    code = """if True:
        import json, sys
        import samtheory.explorer._state as state_module, samtheory.explorer._readout as readout
        model = state_module.ExplorerState("quadratic-cycle")
        assert model.run() is not None
        verdicts = model.check_theorems()
        curves = model.bound_curves()
        text = readout.readout_text(model, readout.verdict_text(verdicts, model.not_applicable))
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")
        print(json.dumps({"loaded": loaded, "verdicts": len(verdicts), "text": text}))
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["loaded"] == []
    assert out["verdicts"] > 0 and "observed floor" in out["text"] and "theorem checks:" in out["text"]


def direct(model):
    """The run the model should make, written out from its controls."""
    s = model.state
    params = COUNTEREXAMPLES[model.name].resolve(
        **{k: s[k] for k in ("eta", "rho", "sigma", "x0") if k in COUNTEREXAMPLES[model.name].resolve()})
    f = COUNTEREXAMPLES[model.name].objective(**params)
    oracle = COUNTEREXAMPLES[model.name].oracle(objective=f, **params)
    method = "sgd" if (s["method"] == "gd" and oracle is not None) else s["method"]
    return simulate(f, method, eta=s["eta"], rho=0.0 if method == "sgd" else s["rho"], lam=s["lam"],
                    steps=s["steps"], x0=[s["x0"]], trajectories=16 if oracle is not None else 1, oracle=oracle,
                    same_sample=s["same_sample"], seed=0, record_every=1, history=True)


@pytest.mark.parametrize("name", ["quadratic-cycle", "cosine-noise"])
def test_run_is_the_direct_simulation_and_the_floor_its_tail_mean(name):
    model = ExplorerState(name)
    assert model.result is None and model.run() is model.result and model.error is None
    r = direct(model)
    kind = model.measure_kind()
    values = r.loss_history if kind == "loss" else r.gradsq_history
    np.testing.assert_allclose(model.curve(), values.reshape(len(r.t), -1).mean(axis=1), rtol=1e-12, atol=0)
    tail = r.loss_tail_mean if kind == "loss" else r.gradsq_tail_mean
    assert model.observed_floor() == pytest.approx(float(np.mean(tail)), rel=1e-12)
    assert model.message() == ""
    model.set(method="gd")
    model.run()
    assert model.method_name() == ("sgd" if model.stochastic else "gd")
    np.testing.assert_allclose(model.result.loss_history, direct(model).loss_history, rtol=1e-12, atol=0)


def test_settling_step_is_the_first_step_after_which_the_curve_stays_near_the_floor():
    model = ExplorerState("quadratic-cycle")
    model.run()
    curve, level = model.curve(), model.observed_floor()
    for within in (0.01, 0.1, 0.5):
        t = model.settling_step(within)
        assert t is not None and t <= model.tail_start()
        near = np.abs(curve - level) <= within * abs(level)
        assert near[t:].all() and (t == 0 or not near[t - 1])
    # the distance to the 2-cycle contracts by 0.2 a step: 10 steps are too short to come within 1e-9
    model.set(steps=10)
    model.run()
    assert model.settling_step(1e-9) is None


def test_set_converts_checks_and_changes_nothing_on_bad_input():
    model = ExplorerState("cosine-stall")
    before = dict(model.state)
    assert model.set(T=41.6, checks=0, eta="0.25") == ["steps", "checks", "eta"]
    assert model.state["steps"] == 42 and model.state["checks"] is False and model.state["eta"] == 0.25
    changed = dict(model.state)
    for bad, message in [({"rho": 0.2, "zeta": 1.0}, "unknown control 'zeta'"),
                         ({"rho": 0.2, "method": "adam"}, "unknown method 'adam'"),
                         ({"rho": 0.2, "x0": "far"}, "x0 must be a finite number")]:
        with pytest.raises(samtheory.InvalidParameterError, match=message):
            model.set(**bad)
        assert model.state == changed  # rho was not changed either
    model.reset()
    assert model.state == before == model.defaults and model.state is not model.defaults


def test_invalid_state_gives_a_message_not_an_exception():
    model = ExplorerState("cosine-stall", eta=5.0)  # beyond the construction's valid step sizes
    assert model.run() is None and isinstance(model.error, samtheory.InvalidParameterError)
    assert model.message().startswith("invalid state: ") and "valid range" in model.message()
    assert invalid_text(model).endswith("no run: the state is outside the valid ranges")
    with pytest.raises(samtheory.InvalidParameterError, match="no run to measure"):
        model.observed_floor()
    model.set(eta=0.5)
    assert model.run() is not None and model.message() == "" and model.error is None


def test_divergence_is_reported_in_the_message():
    model = ExplorerState(my_square(), method="gd", eta=3.0, x0=1.0)  # x_{t+1} = -5 x_t
    model.run()
    first = int(model.result.diverged_at[0])
    assert 0 < first < model.state["steps"]
    assert model.message() == f"1 of 1 runs diverged (first at step {first}): f - f* exceeded 1e100"


def test_ranges_contain_the_defaults_and_follow_the_presets():
    for name in names():
        model = ExplorerState(name)
        ranges = model.ranges()
        for key, (low, high) in ranges.items():
            assert low <= model.defaults[key] <= high, (name, key)
        assert ("sigma" in ranges) == model.stochastic
        preset = get_counterexample(name).explorer  # the counterexample carries its explorer preset
        assert model.preset == preset
        if "x0_range" in preset:
            assert ranges["x0"] == preset["x0_range"]
        if "steps" in preset:
            assert model.defaults["steps"] == preset["steps"]
    user = ExplorerState(my_cosine(), rho=4.0, eta=0.5, x0=1.0)
    assert user.ranges()["eta"] == (0.0, 2.0)  # 2/L of the user's objective
    with pytest.raises(samtheory.InvalidParameterError, match="y0 needs a 2-D objective"):
        ExplorerState(my_cosine(), y0=1.0)


def test_predicted_points_repeat_with_the_period_inside_the_window():
    model = ExplorerState("cosine-stall")
    model.run()
    period = model.prediction["period"]
    points = model.predicted_points(-0.5, 0.5)
    assert all(-0.5 <= p <= 0.5 for p in points) and points == sorted(points)
    assert len(points) > len(model.prediction["stall_points"])  # the window spans several periods
    for p in points:  # each is a stall point shifted by whole periods
        shifts = [(p - s) / period for s in model.prediction["stall_points"]]
        assert any(abs(k - round(k)) < 1e-9 for k in shifts)
    assert model.predicted_points() == model.prediction["stall_points"]
    valley = ExplorerState("valley")
    valley.run()
    assert valley.predicted_points() == [(1.0, 1.0)] and valley.valley_drift_steps() == pytest.approx(
        1.1 / (valley.state["eta"] * valley.state["rho"] ** 2))


def test_predicted_floor_and_its_second_line():
    model = ExplorerState("asymmetric-noise")
    model.run()
    value, label, second = model.predicted_floor()
    p = model.prediction
    assert value == p["floor"] and label == "predicted floor (η → 0)"
    assert second == (float(p["finite_eta"]["same_sample"][0]), "finite-η model")
    model.set(same_sample=False)
    model.run()
    assert model.predicted_floor()[2][0] == float(p["finite_eta"]["independent_samples"][0])
    user = ExplorerState(my_cosine(), rho=4.0, eta=0.5, x0=1.0)
    user.run()
    assert user.predicted_floor() == (None, "", None)
    assert "none: no construction" in readout_text(user)


def test_checks_are_the_registry_on_the_same_instance_and_bounds_match_the_measure():
    model = ExplorerState("asymmetric-noise")
    model.run()
    verdicts = model.check_theorems()
    assert verdicts and model.verdicts == verdicts
    for v in verdicts:
        alone = check(THEOREMS[v.theorem], model.instance())
        assert (alone.verdict, alone.ratio) == (v.verdict, v.ratio)
    curves = model.bound_curves()
    assert curves
    kind = model.measure_kind()
    for theorem_id, values, averaged in curves:
        declared = THEOREMS[theorem_id].measure_kind  # what the measure function declares
        assert declared.quantity == kind and declared.aggregation == ("averaged" if averaged else "pointwise")
        assert values.shape == (model.state["steps"] + 1,)
    average = model.running_average()
    curve = model.curve()
    assert average[0] == curve[0] and average[5] == pytest.approx(curve[:5].mean(), rel=1e-12)
    model.run()  # a new run forgets the verdicts of the last one
    assert model.verdicts == [] and model.not_applicable == []


def test_readout_text_lines_fit_and_verdicts_are_listed():
    model = ExplorerState("quadratic-cycle")
    model.run()
    model.check_theorems()
    text = readout_text(model, verdict_text(model.verdicts, model.not_applicable))
    assert text.startswith(state_line(model)) and all(len(line) <= READOUT_WIDTH for line in text.split("\n"))
    for v in model.verdicts:
        assert v.theorem.split(".")[-1] in text
    assert f"predicted       {model.predicted_floor()[0]:10.4g}" in text
    many = verdict_text(model.verdicts * (MAX_VERDICT_LINES + 1), [])
    rest = len(model.verdicts) * (MAX_VERDICT_LINES + 1) - (MAX_VERDICT_LINES - 1)
    assert f" ... and {rest} more (" in many
    none = verdict_text([], ["reason a", "reason b", "reason a"])
    assert none == "theorem checks: no registry entry applies\n  e.g. reason a"
    assert state_line(model) == "SAM  η=0.4  ρ=0.1  x₀=1  T=60"


def test_wrap_line_breaks_long_lines_and_keeps_the_words():
    line = "predicted  " + " ".join(f"word{k}" for k in range(40))
    wrapped = wrap_line(line)
    parts = wrapped.split("\n")
    assert len(parts) > 1 and all(len(p) <= READOUT_WIDTH for p in parts)
    assert all(p.startswith(" " * 16) for p in parts[1:])
    assert wrapped.split() == line.split()
    assert wrap_line("short") == "short"
    theorem_line = " holds  0.5  " + ".".join(["segment"] * 12)  # broken after dots only
    dotted = wrap_line(theorem_line, indent=21, breaks=".").split("\n")
    assert len(dotted) > 1 and all(len(p) <= READOUT_WIDTH for p in dotted)
    assert all(p.startswith(" " * 21) and p.rstrip().endswith(("segment", ".")) for p in dotted[1:])
    assert "".join(p.strip() for p in dotted) == theorem_line.strip()


def test_objectives_are_cached_per_construction_parameters():
    model = ExplorerState("cosine-noise")
    first = model.objective()
    model.set(eta=model.state["eta"] * 0.5, x0=0.01)  # neither changes the objective
    assert model.objective() is first
    model.set(rho=model.state["rho"] * 1.5)
    assert model.objective() is not first and model.objective() is model.objective()
    assert math.isfinite(model.objective().f_star)


def test_the_method_selector_reads_the_methods_own_labels():
    from samtheory.explorer._state import METHOD_LABELS
    from samtheory.methods import METHODS
    # the built-ins first, in the registry's order; then any registered variant (read live from METHODS)
    assert list(METHOD_LABELS.items())[:4] == [("GD", "gd"), ("SAM", "sam"), ("USAM", "usam"), ("Unified SAM", "unified")]
    assert dict(METHOD_LABELS) == {m.label: m.name for m in METHODS.values() if not m.stochastic_only}
    assert all(METHODS[name].label == label for label, name in METHOD_LABELS.items())


#: The measure names the explorer matched before measures declared their kind (issue #16): the
#: registry's every-t entries drawn on each panel, pointwise or as a running average. Kept here
#: only to show that the declarations select exactly the entries the names did.
FORMER_POINTWISE = {"loss": {"f(x_t) - f*", "E f(x_t) - f*", "f(x_n) - f*"}, "gradsq": set()}
FORMER_AVERAGED = {"loss": set(), "gradsq": {"(1/T) sum_{t<T} ||grad f(x_t)||^2", "(1/T) sum_{t<T} E||grad f(x_t)||^2"}}


def test_declared_measure_kinds_select_the_entries_the_names_did():
    drawn = 0
    for th in THEOREMS.values():
        if th.check != "every-t":
            continue
        declared = th.measure_kind
        for quantity in ("loss", "gradsq"):
            by_name = ("averaged" if th.measure_name in FORMER_AVERAGED[quantity] else
                       "pointwise" if th.measure_name in FORMER_POINTWISE[quantity] else None)
            by_kind = (declared.aggregation if declared is not None and declared.quantity == quantity
                       and declared.aggregation in ("pointwise", "averaged") else None)
            assert by_kind == by_name, (th.id, quantity, declared)
            drawn += by_kind is not None
    assert drawn >= 10  # D1-D6, Unified SAM's PL entries and GD's baselines


def test_a_users_theorem_with_a_declared_measure_is_drawn():
    from samtheory.theorems import theorem
    from samtheory.theorems.measures import MeasureKind, declares, kind_of

    @declares("loss", "pointwise")
    def my_gap(run):  # f(x_t) - f*, from the run's own records
        history = run.result.loss_history
        return history.reshape(history.shape[0], -1)

    def undeclared_gap(run):  # the same numbers, but no declaration: not drawn
        return my_gap(run)

    assert kind_of(my_gap) == MeasureKind("loss", "pointwise") and kind_of(undeclared_gap) is None
    with pytest.raises(samtheory.InvalidParameterError, match="aggregation must be one of"):
        declares("loss", "median")
    ids = {"user.explorer.declared": my_gap, "user.explorer.undeclared": undeclared_gap}
    try:
        for theorem_id, measure in ids.items():
            theorem(id=theorem_id, title="SAM stays below 10 (f - f*)", paper="gd-baselines", result="test",
                    provenance="literature", kind="upper", check="every-t", function_class=(), methods=("sam",),
                    setting="any", measure_name="my gap", measure=measure, statement="f - f* <= 10",
                    overwrite=True)(lambda ctx: (lambda t: 10.0 + 0.0 * t))
        model = ExplorerState("quadratic-cycle")  # plots f - f*
        model.run()
        verdicts = {v.theorem: v.verdict for v in model.check_theorems()}
        assert verdicts["user.explorer.declared"] == verdicts["user.explorer.undeclared"] == "holds"
        curves = {theorem_id: (values, averaged) for theorem_id, values, averaged in model.bound_curves()}
        assert "user.explorer.undeclared" not in curves
        values, averaged = curves["user.explorer.declared"]
        assert not averaged and np.all(values == 10.0) and values.shape == (model.state["steps"] + 1,)
    finally:
        for theorem_id in ids:
            THEOREMS.pop(theorem_id, None)
