"""The private modules of samtheory.sweep, piece by piece: _grid (axes, point numbers, seeds),
_maps (the map's categories), _executor (the choice of executor). The chunks (_chunk), the Dataset
(_dataset) and the store (_store) are exercised end to end in tests/test_sweep.py; here each is
checked on its own contract (_store and _chunk below; _dataset only through sweep())."""
import concurrent.futures

import numpy as np
import pytest

from samtheory import InvalidParameterError
from samtheory.sweep._executor import executor_for
from samtheory.sweep._grid import Grid, chunk_ranges
from samtheory.sweep._maps import CATEGORIES, category
from samtheory.sweep._regimes import APERIODIC, CHAOTIC, CONVERGED, CYCLE, DIVERGED


def test_grid_numbers_points_in_c_order_and_gives_each_its_own_stream():
    grid = Grid({"eta": [0.1, 0.2, 0.3], "rho": [0.01, 0.02]})
    assert grid.shape == (3, 2) and grid.size == 6
    values = grid.values(0, 6)
    assert values["eta"].tolist() == [0.1, 0.1, 0.2, 0.2, 0.3, 0.3]
    assert values["rho"].tolist() == [0.01, 0.02] * 3
    # a point's stream depends on its grid index only, not on the range it is asked with
    alone = grid.streams(7, 3, 4, phase=0)[0]
    within = grid.streams(7, 0, 6, phase=0)[3]
    assert alone.generate_state(4).tolist() == within.generate_state(4).tolist()
    assert grid.streams(7, 3, 4, phase=1)[0].generate_state(4).tolist() != alone.generate_state(4).tolist()
    with pytest.raises(InvalidParameterError, match="'beta' is not one of eta, rho, lam, sigma"):
        Grid({"beta": [1.0]})


def test_chunk_ranges_split_runs_of_consecutive_points():
    assert chunk_ranges([0, 1, 2, 3, 4], 2) == [(0, 2), (2, 4), (4, 5)]
    assert chunk_ranges([0, 1, 5, 6, 7], 7) == [(0, 2), (5, 8)]  # a finished point 2..4 is skipped
    assert chunk_ranges([], 3) == []
    with pytest.raises(InvalidParameterError, match="chunk"):
        chunk_ranges([0], 0)


def test_map_categories_follow_the_regimes():
    assert CATEGORIES[category(CONVERGED, 0)] == "converged"
    assert CATEGORIES[category(CYCLE, 2)] == "period 2"
    assert CATEGORIES[category(CYCLE, 6)] == "other period 3-8"
    assert CATEGORIES[category(CHAOTIC, 0)] == "chaotic"
    assert CATEGORIES[category(APERIODIC, 0)] == "aperiodic"
    assert CATEGORIES[category(DIVERGED, 0)] == "diverged"


def test_executor_for_passes_an_executor_through_and_refuses_two_choices():
    with executor_for() as (executor, description):
        assert executor is None and description == "in-process"
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        with executor_for(executor=pool) as (executor, _):
            assert executor is pool
        with pytest.raises(InvalidParameterError, match="not both"):
            with executor_for(executor=pool, scheduler="local"):
                pass
    with pytest.raises(InvalidParameterError, match="Executor"):
        with executor_for(executor=object()):
            pass


def test_store_refuses_a_sweep_with_other_parameters(tmp_path):
    from samtheory.sweep._store import Store
    store = Store(tmp_path / "s")
    store.open({"steps": 100, "seed": 0})
    store.open({"steps": 100, "seed": 0})  # the same sweep: resumable
    with pytest.raises(InvalidParameterError, match="other parameters \\(steps\\)"):
        Store(tmp_path / "s").open({"steps": 200, "seed": 0})
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidParameterError, match="not a directory"):
        Store(tmp_path / "file")


def test_a_chunks_numbers_do_not_depend_on_the_range_it_is_run_in():
    # the promise behind bit-identity across chunkings: point k computed in chunk [0, 4) or alone
    from samtheory.functions import get_function
    from samtheory.sweep._chunk import SweepSpec, run_chunk
    spec = SweepSpec(objective=get_function("cosine"), method="sam", grid=Grid({"eta": [0.05, 0.1], "rho": [0.05, 0.1]}),
                     steps=80, trajectories=3, seed=5)
    whole = run_chunk(spec, 0, 4)
    alone = run_chunk(spec, 2, 3)
    compared = [name for name, values in whole.items() if isinstance(values, np.ndarray) and values.shape[:1] == (4,)]
    assert len(compared) >= 3
    for name in compared:
        assert np.array_equal(whole[name][2:3], alone[name], equal_nan=True), name
    assert whole["start"] == 0 and alone["stop"] == 3
