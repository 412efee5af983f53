"""The σ axis of a sweep (samtheory.sweep._noise): additive noise whose level is a grid axis,
bit-identical in every chunking, with E||xi||^2 = sigma^2 per point, and refused without an
additive-noise oracle."""
import numpy as np
import pytest

from samtheory import InvalidParameterError
from samtheory.functions import get_function
from samtheory.oracles import AdditiveNoise
from samtheory.sweep._noise import GridNoise

SIGMAS = [0.0, 0.1, 0.2]


@pytest.mark.parametrize("kind", ["gaussian", "rademacher"])
def test_grid_noise_has_each_rows_variance(kind):
    objective = get_function("quadratic")  # d = 3
    rows = np.repeat(SIGMAS, 20000)
    sample = GridNoise(AdditiveNoise(objective, 5.0, kind), rows).draw(np.random.default_rng(0), rows.size)
    energy = np.sum(sample ** 2, axis=1).reshape(len(SIGMAS), -1).mean(axis=1)
    assert energy[0] == 0.0
    assert energy[1:] == pytest.approx(np.square(SIGMAS[1:]), rel=0.03)
    with pytest.raises(ValueError, match="noise levels"):
        GridNoise(AdditiveNoise(objective, 1.0), rows).draw(np.random.default_rng(0), 5)


def _noisy_sweep(**kwargs):
    pytest.importorskip("xarray")
    from samtheory.sweep import sweep
    objective = get_function("quadratic")
    return sweep(objective, "sgd", {"eta": [0.05, 0.1], "sigma": SIGMAS}, steps=400, trajectories=64, seed=2,
                 oracle=AdditiveNoise(objective, 1.0), **kwargs)


def test_sigma_axis_is_bit_identical_in_every_chunking():
    xr = pytest.importorskip("xarray")
    whole = _noisy_sweep()
    assert whole["loss"].dims[:2] == ("eta", "sigma") and whole["sigma"].values.tolist() == SIGMAS
    assert whole.attrs["oracle"]["sigma"] == "grid axis sigma"
    for chunk in (1, 4):
        xr.testing.assert_identical(_noisy_sweep(chunk=chunk), whole)


def test_stationary_loss_grows_as_sigma_squared():
    """SGD on a quadratic is linear in the noise: its stationary E[f - f*] is proportional to sigma^2
    (0 at sigma = 0, where the run is noiseless and converges)."""
    ds = _noisy_sweep()
    loss = ds["loss_tail_mean"].mean("trajectory").values  # (eta, sigma)
    assert np.all(loss[:, 0] < 1e-12)
    assert loss[:, 2] / loss[:, 1] == pytest.approx([4.0, 4.0], rel=0.2)


@pytest.mark.parametrize("oracle, grid, match", [
    (None, {"eta": [0.1], "sigma": [0.1]}, "sigma"),
    ("noise", {"eta": [0.1], "sigma": [-0.1]}, "sigma"),
])
def test_sigma_axis_refusals_name_sigma(oracle, grid, match):
    from samtheory.sweep import make_spec
    objective = get_function("quadratic")
    with pytest.raises(InvalidParameterError, match=match):
        make_spec(objective, "sgd", grid, steps=100, trajectories=1, seed=0,
                  oracle=AdditiveNoise(objective, 1.0) if oracle else None)
