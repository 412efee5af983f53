r"""The store of a sweep: finished chunks on disk, so an interrupted sweep resumes.

A store is a directory:

* ``sweep.json``: the sweep's parameters (function, method, grid, steps, trajectories, seed, ...).
  A rerun with the same store must have the same parameters (else a clear error); the chunk size,
  the executor and the number of workers may differ, since they do not change the numbers.
* ``chunks/points-START-STOP.npz``: the results of grid points ``START .. STOP-1``, each written
  atomically (:func:`samtheory._io.open_output`: a temporary file renamed into place) as soon as
  the chunk finishes, so an interrupt or a crash loses at most the chunks still running;
* ``sweep.zarr``: the assembled Dataset (:mod:`samtheory.sweep._dataset`), written when every
  point is done, into a temporary directory renamed into place.

On a rerun the points already in ``chunks/`` are skipped, whatever chunking wrote them.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil

import numpy as np

from .._io import open_output, sigint_held, to_jsonable, write_output
from .._validation import InvalidParameterError

_CHUNK_NAME = re.compile(r"points-(\d+)-(\d+)\.npz")


class Store:
    """A sweep's directory (module docstring)."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise InvalidParameterError(f"store {self.path!r} exists and is not a directory")
        parent = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(parent):
            raise InvalidParameterError(f"store {self.path!r}: the folder {parent!r} does not exist")
        self.chunks = os.path.join(self.path, "chunks")
        self.dataset_path = os.path.join(self.path, "sweep.zarr")

    def open(self, parameters: dict) -> None:
        """Create the store, or check that it holds a sweep with these ``parameters``."""
        doc = to_jsonable(parameters)
        meta = os.path.join(self.path, "sweep.json")
        if os.path.exists(meta):
            with open(meta) as fh:
                stored = json.load(fh)
            if stored != doc:
                differ = sorted(k for k in set(stored) | set(doc) if stored.get(k) != doc.get(k))
                raise InvalidParameterError(
                    f"store {self.path!r} holds a sweep with other parameters ({', '.join(differ)}); "
                    "use another store, or delete this one to start over")
        else:
            os.makedirs(self.path, exist_ok=True)
            write_output(meta, json.dumps(doc, indent=1, sort_keys=True, allow_nan=False) + "\n")
        os.makedirs(self.chunks, exist_ok=True)

    def _files(self):
        if not os.path.isdir(self.chunks):
            return []
        found = []
        for name in sorted(os.listdir(self.chunks)):
            m = _CHUNK_NAME.fullmatch(name)
            if m:
                found.append((int(m.group(1)), int(m.group(2)), os.path.join(self.chunks, name)))
        return found

    def done_points(self) -> np.ndarray:
        """Point numbers whose results are stored, sorted."""
        ranges = [np.arange(a, b) for a, b, _ in self._files()]
        return np.unique(np.concatenate(ranges)) if ranges else np.zeros(0, dtype=np.int64)

    def save_chunk(self, result: dict) -> None:
        """Write one chunk's result atomically."""
        buffer = io.BytesIO()
        np.savez(buffer, **{k: np.asarray(v) for k, v in result.items()})
        name = f"points-{result['start']:09d}-{result['stop']:09d}.npz"
        with open_output(os.path.join(self.chunks, name)) as fh:
            fh.write(buffer.getvalue())

    def load_chunks(self) -> list:
        """Every stored chunk's result, as dicts of arrays."""
        chunks = []
        for _, _, path in self._files():
            with np.load(path) as data:
                chunks.append({k: data[k] for k in data.files})
        return chunks

    def write_dataset(self, dataset) -> str:
        """Write ``dataset`` as ``sweep.zarr`` (a temporary directory renamed into place; the
        previous one is removed only after the new one is complete)."""
        tmp = os.path.join(self.path, f".sweep.zarr.{os.getpid()}.tmp")
        old = os.path.join(self.path, f".sweep.zarr.{os.getpid()}.old")
        for leftover in (tmp, old):
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            write_dataset(dataset, tmp)
            with sigint_held():
                if os.path.exists(self.dataset_path):
                    os.replace(self.dataset_path, old)
                os.replace(tmp, self.dataset_path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
        return self.dataset_path


def write_dataset(dataset, path) -> None:
    """Write ``dataset`` to a zarr directory ``path``; attributes are stored as JSON text (zarr
    attributes must be JSON, and nested dicts such as the grid stay readable)."""
    ds = dataset.copy()
    ds.attrs = {k: v if isinstance(v, (str, int, float)) else json.dumps(to_jsonable(v), allow_nan=False)
                for k, v in ds.attrs.items()}
    ds.to_zarr(path, mode="w", consolidated=False)
