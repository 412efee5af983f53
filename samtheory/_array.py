"""Which array namespace an array belongs to: numpy, or ``jax.numpy`` for JAX arrays and tracers.

Objectives and methods are written once, against the operations numpy and ``jax.numpy`` share
(the array-API idea with two namespaces). They call ``xp = namespace(x)`` and use ``xp.sin``,
``xp.where``, ``xp.einsum`` ... on anything derived from ``x``. Under numpy nothing changes; under
:mod:`samtheory._jax_backend` the same code is traced and compiled by XLA.
"""
from __future__ import annotations

import numpy as np


#: Types that are never JAX's, answered without looking at the module name: the numpy loop asks
#: about each array several times per step, so this is a hot path.
_NOT_JAX = frozenset({np.ndarray, np.float64, np.float32, np.int64, np.bool_, float, int, bool})


def is_jax(x) -> bool:
    """True for JAX arrays and tracers (their types live in the ``jax``/``jaxlib`` packages)."""
    kind = type(x)
    return kind not in _NOT_JAX and kind.__module__.startswith(("jax", "jaxlib"))


def namespace(*arrays):
    """``jax.numpy`` if any argument is a JAX array or tracer, else ``numpy``."""
    for a in arrays:
        if type(a) not in _NOT_JAX and is_jax(a):
            import jax.numpy as jnp
            return jnp
    return np
