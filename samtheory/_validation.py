"""Argument checks shared by the public API and the CLI.

Every check raises :class:`InvalidParameterError` (a ``ValueError``) whose message names the
parameter, the value received and the allowed range, so the CLI can print it as a one-line
usage error and exit with status 2. For an array the message shows the first offending element
and its index, not merely the first element.
"""
from __future__ import annotations

import difflib
import numbers

import numpy as np


class InvalidParameterError(ValueError):
    """A parameter is outside its allowed range. The message names it and the range."""


def _describe(value, bad=None) -> str:
    """``value`` for a message; with ``bad`` (a boolean mask of the offending entries) an array is
    shown by its shape and its first offending element."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    if bad is None or not np.any(bad):
        return f"array of shape {arr.shape}"
    index = tuple(int(i) for i in np.argwhere(np.broadcast_to(bad, arr.shape))[0])
    return f"array of shape {arr.shape} with {arr[index].item()!r} at index {index}"


def as_float_array(name: str, value) -> np.ndarray:
    """``value`` as a float array of finite real numbers (not booleans, complex or empty arrays)."""
    if isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{name} must be a real number, not a boolean; got {value!r}")
    if isinstance(value, str):
        raise InvalidParameterError(f"{name} must be a real number or an array of them; got {value!r}")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a real number or an array of them; got {value!r}") from None
    if raw.dtype.kind == "c":
        raise InvalidParameterError(f"{name} must be real; got a complex {_describe(raw, raw.imag != 0)}")
    if raw.dtype.kind == "b":
        raise InvalidParameterError(f"{name} must be real numbers, not booleans; got {_describe(raw)}")
    if raw.size == 0:
        raise InvalidParameterError(f"{name} must not be empty; got an array of shape {raw.shape}")
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a real number or an array of them; got {value!r}") from None
    finite = np.isfinite(arr)
    if not np.all(finite):
        raise InvalidParameterError(f"{name} must be finite; got {_describe(arr, ~finite)}")
    return arr


def check_positive(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    if np.any(arr <= 0):
        raise InvalidParameterError(f"{name} must be > 0 (allowed range: (0, inf)); got {_describe(arr, arr <= 0)}")
    return arr


def check_nonnegative(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    if np.any(arr < 0):
        raise InvalidParameterError(f"{name} must be >= 0 (allowed range: [0, inf)); got {_describe(arr, arr < 0)}")
    return arr


def check_unit_interval(name: str, value) -> np.ndarray:
    arr = as_float_array(name, value)
    bad = (arr < 0) | (arr > 1)
    if np.any(bad):
        raise InvalidParameterError(f"{name} must lie in [0, 1]; got {_describe(arr, bad)}")
    return arr


def check_positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def check_seed(name: str, value) -> int:
    """A seed: an integer >= 0 (what :class:`numpy.random.SeedSequence` accepts)."""
    return check_positive_int(name, value, minimum=0)


def check_threshold(name: str, value) -> float:
    """A positive number, ``inf`` allowed (a threshold that is never crossed)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not value > 0:
        raise InvalidParameterError(f"{name} must be a number > 0 (inf allowed); got {value!r}")
    return float(value)


def check_simulate_arguments(*, objective, seed, divergence_threshold, start_scale, history, measures,
                             same_sample) -> None:
    """The arguments of :func:`samtheory.simulate` that its own body does not check (one call at
    its top)."""
    evaluates = all(callable(getattr(objective, k, None)) for k in ("value", "grad"))
    stacked = callable(getattr(objective, "rows", None))  # a StackedObjective evaluates through its rows
    if not (evaluates or stacked) or not hasattr(objective, "dim"):
        raise InvalidParameterError("objective must be an Objective or a stack of members (samtheory.functions); "
                                    f"got {objective!r}")
    check_seed("seed", seed)
    check_threshold("divergence_threshold", divergence_threshold)
    if start_scale is not None:
        check_positive("start_scale", start_scale)
    for name, value in (("history", history), ("measures", measures), ("same_sample", same_sample)):
        if not isinstance(value, (bool, np.bool_)):
            raise InvalidParameterError(f"{name} must be True or False; got {value!r}")


def suggest(value, choices) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` to ``value``, or ``""``."""
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown(kind: str, value, choices) -> InvalidParameterError:
    """The error for an unknown name: the closest choice, then all of them."""
    choices = list(choices)
    return InvalidParameterError(f"unknown {kind} {value!r}{suggest(value, choices)}; "
                                 f"choose one of: {', '.join(map(str, choices))}")


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise unknown(name, value, sorted(map(str, choices)))
    return value
