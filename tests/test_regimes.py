"""The regime classifier (samtheory.sweep._regimes) and the regime maps (samtheory.sweep._maps,
_figure, `samtheory sweep regimes`): the must-holds of issue #15 on the diagonal quadratic."""
import json

import numpy as np
import pytest

from samtheory.closed_forms import (gd_stability_edge, sam_stability_edge, two_cycle_amplitude,
                                    two_cycle_contraction, usam_stability_edge)
from samtheory.sweep import REGIMES, classify, label
from samtheory.sweep._maps import CATEGORIES, cell_categories, measured_edges

CYCLE, CONVERGED, STALLED = REGIMES.index("cycle"), REGIMES.index("converged"), REGIMES.index("stalled")
CHAOTIC, DIVERGED, TRANSIENT = REGIMES.index("chaotic"), REGIMES.index("diverged"), REGIMES.index("transient")
K = 64


def _one(series, eta=0.1, grad=0.0, diverged=False):
    tail = np.asarray(series, dtype=float).reshape(1, -1, 1)
    out = classify(tail, [eta], [grad], [diverged])
    return int(out["regime"][0]), int(out["period"][0]), float(out["amplitude"][0])


def test_classifier_on_known_tails():
    t = np.arange(K + 1)
    assert _one(np.zeros(K + 1))[:2] == (CONVERGED, 1)
    # a fixed point with a large gradient: the stall
    assert _one(np.ones(K + 1), grad=0.3)[:2] == (STALLED, 1)
    # still creeping towards the minimizer: x_t = 1e-12 * 0.999^t moves by about eta * grad per step
    creeping = 1e-12 * 0.999 ** t
    assert _one(creeping, eta=1.0, grad=1e-6 * creeping[-1])[:2] == (CONVERGED, 1)
    regime, period, amplitude = _one(np.tile([1.0, 2.0, 4.0], 30)[:K + 1])
    assert (regime, period) == (CYCLE, 3) and amplitude == pytest.approx(4 - 7 / 3)
    regime, period, amplitude = _one(0.25 * (-1.0) ** t)
    assert (regime, period, amplitude) == (CYCLE, 2, 0.25)
    # approaching the 2-cycle at 0.99 per step: not closed within tolerance yet
    assert _one((-1.0) ** t * (0.25 + 0.99 ** (t + 500)))[:2] == (TRANSIENT, 0)
    logistic = [0.3]
    for _ in range(K + 300):
        logistic.append(4 * logistic[-1] * (1 - logistic[-1]))
    # no period and not settling: chaotic only with a positive Lyapunov exponent (tests/test_lyapunov.py)
    logistic_tail = np.asarray(logistic[-(K + 1):]).reshape(1, -1, 1)
    assert classify(logistic_tail, [0.1], [0.0], lyapunov=[np.log(2)])["regime"][0] == CHAOTIC
    assert classify(logistic_tail, [0.1], [0.0], lyapunov=[-0.1])["regime"][0] == REGIMES.index("aperiodic")
    assert _one(logistic[-(K + 1):])[:2] == (REGIMES.index("aperiodic"), 0)  # no exponent given
    assert _one(1.05 ** t * (-1.0) ** t)[:2] == (DIVERGED, 0)  # escaping geometrically
    assert _one(np.full(K + 1, np.nan))[:2] == (DIVERGED, 0)
    assert _one(np.zeros(K + 1), diverged=True)[:2] == (DIVERGED, 0)
    assert label(CYCLE, 3) == "period-3" and label(STALLED, 1) == "stalled"


def test_classifier_refuses_a_short_window():
    with pytest.raises(ValueError, match="tail window"):
        classify(np.zeros((1, 10, 1)), [0.1], [0.0])


# ---------------------------------------------------------------------------------------------
# must-holds on the diagonal quadratic (spectrum 1, 3, 10); these sweep, so they need xarray
# ---------------------------------------------------------------------------------------------

def _sweep(*args, **kwargs):
    pytest.importorskip("xarray")
    from samtheory.sweep import sweep
    return sweep(*args, **kwargs)


LAMBDAS = np.array([1.0, 3.0, 10.0])


@pytest.mark.parametrize("method", ["usam", "gd"])
def test_measured_edges_within_one_cell(method):
    eta = np.geomspace(0.01, 0.5, 30)
    rho = np.geomspace(0.001, 1.0, 10) if method == "usam" else np.array([0.0])
    cell = np.log(eta[1] / eta[0])
    ds = _sweep("quadratic", method, {"eta": eta, "rho": rho}, steps=2000, trajectories=2, seed=0)
    measured = measured_edges(ds)
    theory = usam_stability_edge(rho, LAMBDAS[-1]) if method == "usam" else gd_stability_edge(LAMBDAS[-1])
    offset = np.log(measured / theory) / cell  # in grid cells; the first diverged cell is in (0, 1]
    assert np.all(np.isfinite(offset))
    assert np.all((offset > 0) & (offset <= 1)), offset
    # below the edge every cell converges (USAM and GD have no cycle on a quadratic)
    cells = cell_categories(ds)
    below = eta[:, None] < theory / np.exp(cell)
    assert np.all(cells[np.broadcast_to(below, cells.shape)] == CATEGORIES.index("converged"))


def _transverse_contraction(eta, lambdas):
    """Per-step contraction towards SAM's 2-cycle along the top eigenvector: |1 - eta lam_1| along
    it and q_i = 1 - eta lam_i - (2 - eta lam_1) lam_i^2 / lam_1^2 across it (literature.md §2.1)."""
    top = lambdas[-1]
    across = [abs(1 - eta * lam - (2 - eta * top) * lam ** 2 / top ** 2) for lam in lambdas[:-1]]
    return np.maximum.reduce([two_cycle_contraction(eta, top)] + across)


@pytest.mark.parametrize("function, lambdas", [("quadratic", LAMBDAS), ("quadratic-1d", np.array([2.0]))])
def test_sam_two_cycle_amplitude(function, lambdas):
    """In every period-2 cell whose contraction is below 0.99 the amplitude is the formula's to
    1e-6; every cell below 0.97 is period 2 (so the check covers most of the map); slower cells
    are period 2 or honestly transient, never another regime."""
    top = lambdas[-1]
    eta = np.geomspace(0.002, 0.999 * sam_stability_edge(top), 18)
    rho = np.geomspace(0.002, 1.0, 8)
    ds = _sweep(function, "sam", {"eta": eta, "rho": rho}, steps=2000, trajectories=2, seed=1)
    E, R = np.meshgrid(eta, rho, indexing="ij")
    contraction = _transverse_contraction(E, lambdas)[..., None]
    formula = np.broadcast_to(two_cycle_amplitude(E, R, top)[..., None], ds["amplitude"].shape)
    regime, period, amplitude = ds["regime"].values, ds["period"].values, ds["amplitude"].values
    checked = (period == 2) & (contraction < 0.99)
    assert checked.sum() >= 0.5 * checked.size
    assert np.all(np.abs(amplitude[checked] - formula[checked]) <= 1e-6 * formula[checked])
    fast = np.broadcast_to(contraction < 0.97, period.shape)
    assert np.all(period[fast] == 2)
    slow = np.broadcast_to(contraction >= 0.99, period.shape)
    assert np.all(np.isin(regime[slow], [CYCLE, TRANSIENT]))
    if function == "quadratic-1d":
        assert np.any(regime[slow] == TRANSIENT)  # the grid reaches eta * lam near 0 and near 2


def test_cli_draws_the_map(tmp_path, capsys):
    pytest.importorskip("xarray")
    from samtheory.cli import main
    status = main(["sweep", "regimes", "--function", "quadratic", "--method", "sam,usam", "--eta", "0.01:0.4:10",
                   "--rho", "0.005:1:6", "--steps", "300", "--trajectories", "2", "--outdir", str(tmp_path),
                   "--store", str(tmp_path / "store")])
    out = capsys.readouterr().out
    assert status == 0
    assert "usam" in out and "diverged" in out
    doc = json.loads((tmp_path / "sweep_regimes_quadratic.json").read_text())
    assert set(doc["panels"]) == {"sam", "usam"}
    assert doc["panels"]["usam"]["usam_edge"][0] == pytest.approx(usam_stability_edge(0.005, 10.0))
    for ext in ("png", "pdf"):
        assert (tmp_path / f"sweep_regimes_quadratic.{ext}").stat().st_size > 10_000
    assert (tmp_path / "store" / "sam" / "sweep.zarr").is_dir()


@pytest.mark.parametrize("argv, match", [
    (["--eta", "0.1:1:x"], "A:B:N"),
    (["--eta", "1:0.1:4"], "A <= B"),
    (["--method", "nope"], "method"),
    (["--trajectories", "0"], "trajectories"),
    (["--function", "nope"], "function"),
    (["--chunk", "0"], "--chunk"),
    (["--memory-limit", "lots"], "--memory-limit"),
])
def test_cli_usage_errors_exit_2(tmp_path, capsys, argv, match):
    from samtheory.cli import main
    base = {"--function": "quadratic", "--method": "sam", "--eta": "0.01:0.4:4", "--rho": "0.01:1:3",
            "--steps": "100", "--trajectories": "1", "--outdir": str(tmp_path)}
    base.update(dict(zip(argv[::2], argv[1::2])))
    args = ["sweep", "regimes"] + [x for kv in base.items() for x in kv]
    assert main(args) == 2
    assert match in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # nothing written
