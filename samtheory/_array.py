"""Which array namespace an array belongs to: numpy, or ``jax.numpy`` for JAX arrays and tracers.

Objectives and methods are written once, against the operations numpy and ``jax.numpy`` share
(the array-API idea with two namespaces). They call ``xp = namespace(x)`` and use ``xp.sin``,
``xp.where``, ``xp.einsum`` ... on anything derived from ``x``. Under numpy nothing changes; under
:mod:`samtheory._jax_backend` the same code is traced and compiled by XLA.
"""
from __future__ import annotations

import numpy as np


def is_jax(x) -> bool:
    """True for JAX arrays and tracers (their types live in the ``jax``/``jaxlib`` packages)."""
    return type(x).__module__.startswith(("jax", "jaxlib"))


def namespace(*arrays):
    """``jax.numpy`` if any argument is a JAX array or tracer, else ``numpy``."""
    for a in arrays:
        if is_jax(a):
            import jax.numpy as jnp
            return jnp
    return np
