r"""A :class:`~samtheory.SimulationResult` as labelled arrays (xarray) and as a table (pandas).

A simulation runs a grid of hyperparameters :math:`(\eta,\rho,\lambda)` (and, for a stacked
objective, of members) times a batch of trajectories. Its arrays have shape
``grid_shape + (trajectories,)``, histories a leading time axis. Here each grid axis gets the
name of the hyperparameter that varies along it alone:

* ``eta``, ``rho``, ``lam``: the axis along which that value changes (its values are the
  dimension's coordinate);
* ``member``: the member axis of a stacked objective (the members' names are the coordinate);
* ``grid0``, ``grid1``, ...: an axis along which several values change together, or none; the
  values are then coordinates over the grid dimensions.

Values constant over the grid, and schedules (varying in time), are attributes.

:func:`to_xarray` returns every per-trajectory array and the recorded curves; :func:`to_dataframe`
the per-trajectory summaries as one row per trajectory. Both need the optional extra
``tables`` (``pip install "samtheory[tables]"``).
"""
from __future__ import annotations

import json

import numpy as np

#: Per-trajectory summaries of a result (the columns of :func:`to_dataframe`).
SUMMARY_KEYS = ("loss", "gradsq", "loss_min", "loss_mean", "gradsq_mean", "loss_tail_mean",
                "gradsq_tail_mean", "diverged_at")
_EXTRA_HINT = 'pip install "samtheory[tables]"'


def _require(module):
    try:
        return __import__(module)
    except ImportError:
        raise ImportError(f"{module} is needed for this export; install the extra 'tables': {_EXTRA_HINT}") from None


def _grid_values(result) -> dict:
    """Each hyperparameter's value at every grid point (an array of ``grid_shape``), or the
    single value, or ``None`` for a schedule."""
    grid = tuple(result["grid_shape"])
    out = {}
    for name, value in (result.get("grid_values") or {}).items():
        out[name] = np.broadcast_to(np.asarray(value, dtype=float), grid) if isinstance(value, np.ndarray) else value
    function = result.get("function")
    if isinstance(function, np.ndarray):  # a stacked objective: one name per grid point
        out["member"] = np.broadcast_to(function, grid)
    return out


def _varies_along(values, axis) -> bool:
    return bool(np.any(np.take(values, range(1, values.shape[axis]), axis=axis) != np.take(values, [0], axis=axis)))


def grid_dims(result) -> tuple:
    """``(dims, coords, attrs)``: a name for each grid axis (module docstring), the coordinates
    (name -> (dims, values)) and the values constant over the grid (name -> value)."""
    grid = tuple(result["grid_shape"])
    values = _grid_values(result)
    dims: list[str] = []
    attrs: dict = {}
    coords: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    varying = {name: [a for a in range(len(grid)) if _varies_along(v, a)]
               for name, v in values.items() if isinstance(v, np.ndarray)}
    for axis in range(len(grid)):
        owners = [name for name, axes in varying.items() if axes == [axis]]
        others = [name for name, axes in varying.items() if axis in axes and axes != [axis]]
        dims.append(owners[0] if len(owners) == 1 and not others else f"grid{axis}")
    for name, v in values.items():
        if v is None:
            attrs[name] = str(result["parameters"].get(name))  # a schedule: its name
        elif not isinstance(v, np.ndarray):
            attrs[name] = v
        elif not varying[name]:
            first = v.reshape(-1)[0]
            attrs[name] = first.item() if hasattr(first, "item") else first
        elif name in dims:
            axis = dims.index(name)  # the values along its own axis (constant along the others)
            coords[name] = ((name,), np.asarray(v[tuple(slice(None) if a == axis else 0 for a in range(len(grid)))]))
        else:
            coords[name] = (tuple(dims), np.asarray(v))
    return tuple(dims), coords, attrs


def to_xarray(result):
    """The result as an :class:`xarray.Dataset` (module docstring for the dimensions)."""
    xr = _require("xarray")
    dims, coords, attrs = grid_dims(result)
    batch = dims + ("trajectory",)
    data = {key: (batch, np.asarray(result[key])) for key in SUMMARY_KEYS + ("status",)}
    data["x"] = (batch + ("coordinate",), np.asarray(result["x"]))
    data["x0"] = (batch + ("coordinate",), np.asarray(result["x0"]))
    for key in ("loss_history", "gradsq_history"):
        if result.get(key) is not None:
            data[key] = (("t",) + batch, np.asarray(result[key]))
    if result.get("x_history") is not None:
        data["x_history"] = (("t",) + batch + ("coordinate",), np.asarray(result["x_history"]))
    coords = dict(coords)
    coords["trajectory"] = np.arange(result["trajectories"])
    if result.get("t") is not None:
        coords["t"] = np.asarray(result["t"])
    function = result.get("function")
    meta = {"method": result["method"], "steps": int(result["steps"]), "seed": json.dumps(result.get("seed")),
            "oracle": json.dumps(result.get("oracle")), "same_sample": str(result.get("same_sample")),
            "tail": float(result["tail"]), **{k: v for k, v in attrs.items()}}
    if not isinstance(function, np.ndarray):
        meta["function"] = str(function)
    return xr.Dataset(data, coords=coords, attrs=meta)


def to_dataframe(result):
    """The per-trajectory summaries as a :class:`pandas.DataFrame`: one row per trajectory, the
    grid's varying hyperparameters and ``trajectory`` as columns, then ``status`` and
    :data:`SUMMARY_KEYS`; constant hyperparameters are in ``frame.attrs``."""
    pd = _require("pandas")
    dims, coords, attrs = grid_dims(result)
    batch = tuple(result["batch_shape"])
    index = np.indices(batch).reshape(len(batch), -1)
    columns = {}
    for name, (cdims, values) in coords.items():
        values = np.asarray(values)
        if cdims == (name,):
            columns[name] = values[index[dims.index(name)]]
        else:
            columns[name] = np.broadcast_to(values[..., None], batch).reshape(-1)
    for axis, name in enumerate(dims):
        if name.startswith("grid"):
            columns[name] = index[axis]
    columns["trajectory"] = index[-1]
    columns["status"] = np.asarray(result["status"]).reshape(-1)
    for key in SUMMARY_KEYS:
        columns[key] = np.asarray(result[key]).reshape(-1)
    frame = pd.DataFrame(columns)
    frame.attrs.update({"method": result["method"], "steps": int(result["steps"]), **attrs})
    if not isinstance(result.get("function"), np.ndarray):
        frame.attrs["function"] = str(result["function"])
    return frame
