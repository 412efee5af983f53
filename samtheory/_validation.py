"""Argument checks shared by the public API and the CLI.

Every check raises :class:`InvalidParameterError` (a ``ValueError``) whose message names the
parameter, the value received and the allowed range, so the CLI can print it as a one-line
usage error and exit with status 2.
"""
from __future__ import annotations

import numpy as np


class InvalidParameterError(ValueError):
    """A parameter is outside its allowed range. The message names it and the range."""


def _describe(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    bad = arr.ravel()
    return f"array of shape {arr.shape} (e.g. {bad[0]!r})"


def as_float_array(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a real number or an array of them; got {value!r}") from None
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError(f"{name} must be finite; got {_describe(value)}")
    return arr


def check_positive(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    if np.any(arr <= 0):
        raise InvalidParameterError(f"{name} must be > 0 (allowed range: (0, inf)); got {_describe(value)}")
    return arr


def check_nonnegative(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    if np.any(arr < 0):
        raise InvalidParameterError(f"{name} must be >= 0 (allowed range: [0, inf)); got {_describe(value)}")
    return arr


def check_unit_interval(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    if np.any((arr < 0) | (arr > 1)):
        raise InvalidParameterError(f"{name} must lie in [0, 1]; got {_describe(value)}")
    return arr


def check_positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise InvalidParameterError(
            f"unknown {name} {value!r}; choose one of: {', '.join(sorted(map(str, choices)))}")
    return value
