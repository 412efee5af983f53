"""samtheory.result_frames: ``SimulationResult.to_xarray()`` and ``to_dataframe()`` (the optional
extra ``tables``: xarray and pandas; the tests that need them skip without them)."""
import numpy as np
import pytest

import samtheory as st


@pytest.fixture(scope="module")
def grid_result():
    f = st.get_function("cosine")
    return st.simulate(f, "sam", eta=np.array([0.1, 0.05])[:, None], rho=np.array([0.0, 0.05, 0.1]), steps=50,
                       trajectories=4, history=True, seed=3)


def test_to_xarray_names_the_grid_axes_after_their_hyperparameters(grid_result):
    pytest.importorskip("xarray")
    ds = grid_result.to_xarray()
    assert dict(ds.sizes) == {"eta": 2, "rho": 3, "trajectory": 4, "coordinate": 1, "t": 51}
    assert ds["eta"].values.tolist() == [0.1, 0.05] and ds["rho"].values.tolist() == [0.0, 0.05, 0.1]
    # the labelled point is the run of that eta and rho
    np.testing.assert_array_equal(ds["loss"].sel(eta=0.05, rho=0.1).values, grid_result.loss[1, 2])
    np.testing.assert_array_equal(ds["loss_history"].sel(rho=0.05).values, grid_result.loss_history[:, :, 1])
    assert ds.attrs["method"] == "sam" and ds.attrs["function"] == "cosine"


def test_to_xarray_of_a_lambda_grid_and_of_a_single_run():
    pytest.importorskip("xarray")
    f = st.get_function("quadratic")
    r = st.simulate(f, "unified", eta=0.1, rho=np.array([0.1, 0.2]), lam=np.array([0.0, 0.5, 1.0])[:, None],
                    steps=20, trajectories=2)
    ds = r.to_xarray()
    assert ds["lam"].values.tolist() == [0.0, 0.5, 1.0] and ds.attrs["eta"] == 0.1
    single = st.simulate(f, "sam", eta=0.1, rho=0.1, steps=20, trajectories=3).to_xarray()
    assert set(single.sizes) == {"trajectory", "coordinate", "t"} and single.attrs["rho"] == 0.1


def test_to_dataframe_has_one_row_per_trajectory(grid_result):
    pytest.importorskip("pandas")
    frame = grid_result.to_dataframe()
    assert len(frame) == 2 * 3 * 4
    row = frame[(frame.eta == 0.05) & (frame.rho == 0.1) & (frame.trajectory == 2)]
    assert row["loss"].item() == grid_result.loss[1, 2, 2]
    assert row["gradsq_tail_mean"].item() == grid_result.gradsq_tail_mean[1, 2, 2]
    point = grid_result.grid_point(0).to_dataframe()  # eta fixed at 0.1: a constant, not a column
    assert "eta" not in point.columns and point.attrs["eta"] == 0.1 and len(point) == 12


def test_missing_extra_names_it(monkeypatch, grid_result):
    import builtins
    real_import = builtins.__import__

    def without(name, *args, **kwargs):
        if name in ("xarray", "pandas"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without)
    for export in (grid_result.to_xarray, grid_result.to_dataframe):
        with pytest.raises(ImportError, match=r'samtheory\[tables\]'):
            export()
