"""Small file helpers shared by the CLI and the report writers.

* :func:`atomic_write_text` writes a file so that readers see either the old content or the new
  one, never a half-written file (temporary file in the same directory, then ``os.replace``).
* :func:`to_jsonable` turns numpy scalars and arrays, tuples and non-finite floats into plain
  JSON values, so that ``json.dumps(..., allow_nan=False)`` produces strict JSON.
"""
from __future__ import annotations

import math
import os
import tempfile

import numpy as np


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically.

    The text goes to a temporary file in the directory of ``path``, which is flushed, synced and
    then renamed over ``path`` with :func:`os.replace` (atomic on POSIX and Windows when source and
    target are on the same file system, which the shared directory guarantees). On any error the
    temporary file is removed and ``path`` is left untouched.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file with mode 0600; give it the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def to_jsonable(obj):
    """Recursively convert ``obj`` into values :mod:`json` accepts in strict mode.

    numpy scalars become Python numbers, arrays and tuples become lists, and non-finite floats
    (``nan``, ``inf``) become ``None`` (JSON ``null``).
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    return obj
