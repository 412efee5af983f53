"""samtheory/_loop.py: the loop both backends run (the update, one step, the parameter tables and
the recorded curves), and that neither backend's module imports the simulate front end."""
import ast
import pathlib

import numpy as np

from samtheory import get_function
from samtheory._loop import (AUTO_RECORD_BYTES, AUTO_RECORDS, Records, Run, advance, auto_stride, expand,
                             initial_state, parameter_table, sam_step)
from samtheory.methods import get_method
from samtheory.schedules import as_schedule, power

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "samtheory"


def _run(objective, trajectories, tail_start=0, measures=True):
    return Run(objective=objective, oracle=None, perturbation=get_method("sam").perturbation, eps=0.0,
               same_sample=True, steps=10, tail_start=tail_start, threshold=1e100, grid_shape=(),
               trajectories=trajectories, n_total=trajectories, tables={}, record_times=[], record_every=None,
               history=False, seed=0, step_seed=None, measures=measures)


def test_one_advance_is_the_sam_update_and_accounts_for_the_current_iterate():
    f = get_function("quadratic-dense")
    x = np.random.default_rng(0).normal(size=(3, f.dim))
    eta, rho = 0.1, 0.2
    state = initial_state(_run(f, 3), x)
    new, loss, gradsq = advance(_run(f, 3), state, 0, eta, rho, None, None)
    g = f.grad(x)
    y = x + rho * g / np.linalg.norm(g, axis=1, keepdims=True)
    np.testing.assert_allclose(new["x"], x - eta * f.grad(y), rtol=1e-14)
    np.testing.assert_allclose(loss, f.value(x) - f.f_star, rtol=1e-14)
    np.testing.assert_allclose(gradsq, np.sum(g * g, axis=1), rtol=1e-14)
    # the running sums count x_0, the carried measures are those of x_1
    np.testing.assert_array_equal(new["loss_sum"], loss)
    np.testing.assert_array_equal(new["loss_tail"], loss)  # t = 0 >= tail_start = 0
    np.testing.assert_allclose(new["loss"], f.value(new["x"]) - f.f_star, rtol=1e-14)
    # before the tail, the tail sums stay 0 (whether in_tail is computed or given)
    before_tail = _run(f, 3, tail_start=5)
    for in_tail in (None, False):
        step = advance(before_tail, initial_state(before_tail, x), 0, eta, rho, None, None, in_tail)[0]
        np.testing.assert_array_equal(step["loss_tail"], 0.0)
    # measures off: the update only
    bare = _run(f, 3, measures=False)
    new_bare, none_loss, _ = advance(bare, initial_state(bare, x), 0, eta, rho, None, None)
    assert none_loss is None and "loss" not in new_bare
    np.testing.assert_array_equal(new_bare["x"], new["x"])


def test_sam_step_without_a_perturbation_is_gradient_descent():
    x = np.array([[1.0, -2.0]])
    x_next, g = sam_step(x, 0.5, 0.3, None, None, lambda z: 2 * z, lambda z: 100 * z)
    np.testing.assert_array_equal(g, 2 * x)
    np.testing.assert_array_equal(x_next, x - 0.5 * 2 * x)


def test_parameter_tables_of_each_kind_expand_to_one_value_per_trajectory():
    grid_shape, trajectories, steps = (2,), 3, 4
    value, kind = parameter_table(as_schedule("eta", 0.1, positive=True), steps, grid_shape, trajectories, "eta")
    assert (value, kind) == (0.1, "scalar") and expand(value, kind, 2, grid_shape, trajectories) == 0.1
    value, kind = parameter_table(power(0.5, 1.0), steps, grid_shape, trajectories, "eta")
    assert kind == "time" and value.shape == (steps,)
    assert expand(value, kind, 1, grid_shape, trajectories) == 0.5 / 2
    value, kind = parameter_table(as_schedule("rho", [0.1, 0.2]), steps, grid_shape, trajectories, "rho")
    assert kind == "static"
    np.testing.assert_array_equal(value[:, 0], [0.1, 0.1, 0.1, 0.2, 0.2, 0.2])
    value, kind = parameter_table(power(np.array([0.4, 0.8]), 1.0), steps, grid_shape, trajectories, "eta")
    assert kind == "grid"
    at_t3 = expand(value, kind, 3, grid_shape, trajectories)
    np.testing.assert_allclose(at_t3[:, 0], np.repeat([0.4 / 4, 0.8 / 4], trajectories))


def test_auto_stride_keeps_about_200_records_within_the_byte_budget():
    assert auto_stride(1000, 1) == 1000 // AUTO_RECORDS
    assert auto_stride(10, 1) == 1  # never 0
    for n_total in (10 ** 4, 10 ** 5, 10 ** 6):
        stride = auto_stride(10_000, n_total)
        records = 10_000 // stride + 1
        assert 2 <= records <= AUTO_RECORDS + 1
        assert records * 8 * n_total * 2 <= AUTO_RECORD_BYTES + 8 * n_total * 2 * 2


def test_records_store_only_the_recorded_steps():
    records = Records([0, 2, 4], n_total=2, dim=1, history=True)
    for t in range(5):
        records.store(t, np.full(2, t), np.full(2, -t), np.full((2, 1), 10 * t))
    np.testing.assert_array_equal(records.loss[:, 0], [0, 2, 4])
    np.testing.assert_array_equal(records.x[:, 0, 0], [0, 20, 40])


def _imported_modules(path):
    """Every samtheory module ``path`` imports, at the top or inside a function."""
    module = "samtheory." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            if base.startswith("samtheory"):
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("samtheory"))
    return found


def test_the_loop_and_the_jax_backend_never_import_the_simulation_module():
    # the cycle issue #16 ended: simulation -> _jax_backend -> simulation (private names)
    for name in ("_loop.py", "_jax_backend.py", "_memory.py", "_starts.py", "_progress.py"):
        imported = _imported_modules(PACKAGE / name)
        assert "samtheory.simulation" not in imported, name
        assert not any(m.startswith("samtheory.simulate") for m in imported), name
    assert "samtheory._jax_backend" not in _imported_modules(PACKAGE / "_loop.py")
    assert "samtheory._loop" in _imported_modules(PACKAGE / "_jax_backend.py")
