"""Tests of :mod:`samtheory._memory`, the estimate of what a simulation holds at once (the
refusals it leads to are in tests/test_bad_input.py)."""
import tracemalloc

import numpy as np
import pytest

from samtheory import InvalidParameterError
from samtheory._memory import available_bytes, check_simulation_memory, simulation_bytes, table_elements
from samtheory.functions import get_function
from samtheory.schedules import as_schedule, constant
from samtheory.simulation import AUTO_RECORD_BYTES, simulate


def test_estimate_counts_records_history_and_schedule_tables():
    base = simulation_bytes(n_total=1000, dim=3, steps=1000)
    hist = simulation_bytes(n_total=1000, dim=3, steps=1000, history=True)
    none = simulation_bytes(n_total=1000, dim=3, steps=1000, record_every=None)
    assert base["recorded_steps"] == 201 and none["records"] == 0
    assert hist["history"] == 8 * 201 * 1000 * 3
    assert base["total"] == sum(base[k] for k in ("state", "records", "history", "schedules"))
    with pytest.raises(InvalidParameterError, match="history=False"):
        check_simulation_memory(n_total=1000, dim=3, steps=1000, history=True, available=1e6)
    with pytest.raises(InvalidParameterError, match="constant eta"):
        check_simulation_memory(n_total=1, dim=1, steps=10 ** 9, table_elements=10 ** 9, available=1e9)
    assert check_simulation_memory(n_total=1, dim=1, steps=10 ** 9, available=1e9)["total"] < 1e4


def test_auto_recording_follows_the_simulators_cap():
    # 10^5 trajectories: the simulator records few steps so that the curves stay
    # under AUTO_RECORD_BYTES; the estimate must use the same rule (not 201 records, 160 MB)
    need = simulation_bytes(n_total=10 ** 5, dim=1, steps=200)
    assert need["records"] <= AUTO_RECORD_BYTES
    assert 2 <= need["recorded_steps"] < 201
    run = simulate(get_function("cosine"), "sam", eta=0.1, rho=0.1, steps=200, trajectories=10 ** 5,
                   measures=True, backend="numpy")
    assert len(run.t) == need["recorded_steps"]


@pytest.mark.parametrize("name, trajectories", [("cosine", 20000), ("quadratic", 5000)])
def test_estimate_is_within_a_small_factor_of_the_measured_peak(name, trajectories):
    # the estimate decides refusals: it may err on the large side by a small factor, and must not
    # miss most of what the run allocates (tracemalloc sees numpy's buffers)
    f = get_function(name)
    tracemalloc.start()
    try:
        simulate(f, "sam", eta=0.1, rho=0.1, steps=400, trajectories=trajectories, backend="numpy")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = simulation_bytes(n_total=trajectories, dim=f.dim, steps=400)["total"]
    assert 0.8 * peak <= estimate <= 5 * peak


def test_table_elements_counts_only_time_varying_schedules():
    steps = 1000
    assert table_elements([constant(0.3), as_schedule("eta", 0.1, positive=True)], steps) == 0
    from samtheory.schedules import power as power_schedule
    power = power_schedule(0.5, 0.6)
    assert table_elements([power], steps) == steps


def test_available_bytes_is_positive_on_this_machine():
    found = available_bytes()
    assert found is None or found > 0
