r"""Random sources: the few distributions oracles draw from, for numpy and for JAX.

An oracle's ``draw(source, n)`` is written once against this small interface, so the same
sampling code runs in the numpy reference path (a :class:`numpy.random.Generator`) and inside the
compiled JAX loop (a :func:`jax.random.key`). The two streams are different random numbers with
the same distributions; :mod:`samtheory.simulate` documents which stream a run uses.

Methods (``shape`` is a tuple):

* ``normal(shape)``: i.i.d. :math:`\mathcal N(0,1)`;
* ``signs(shape)``: i.i.d. :math:`\pm1` with probability 1/2 each, as floats;
* ``integers(high, shape)``: i.i.d. uniform on :math:`\{0,\dots,\text{high}-1\}`;
* ``choice(high, shape, p)``: i.i.d. with probabilities ``p``;
* ``subsets(rows, n, b)``: ``rows`` independent uniform ``b``-subsets of :math:`\{0,\dots,n-1\}`,
  the first ``b`` entries of independent uniform permutations.
"""
from __future__ import annotations

import numpy as np


class NumpyRandom:
    """The reference stream: a :class:`numpy.random.Generator`, called exactly as before this
    interface existed, so seeded numpy results are unchanged."""

    xp = np

    def __init__(self, generator):
        self.generator = generator

    def normal(self, shape):
        return self.generator.standard_normal(shape)

    def signs(self, shape):
        return 2.0 * self.generator.integers(0, 2, size=shape) - 1.0

    def integers(self, high, shape):
        return self.generator.integers(0, high, size=shape)

    def choice(self, high, shape, p):
        return self.generator.choice(high, size=shape, p=p)

    def subsets(self, rows, n, b):
        return self.generator.permuted(np.broadcast_to(np.arange(n), (rows, n)), axis=1)[:, :b]


class JaxRandom:
    """A JAX key, split once per draw (usable inside ``jit``; each call consumes a fresh subkey)."""

    def __init__(self, key):
        import jax
        import jax.numpy as jnp
        self._jax, self.xp, self.key = jax, jnp, key

    def _subkey(self):
        self.key, sub = self._jax.random.split(self.key)
        return sub

    def normal(self, shape):
        return self._jax.random.normal(self._subkey(), shape, dtype=self.xp.float64)

    def signs(self, shape):
        return self._jax.random.rademacher(self._subkey(), shape, dtype=self.xp.float64)

    def integers(self, high, shape):
        return self._jax.random.randint(self._subkey(), shape, 0, high)

    def choice(self, high, shape, p):
        return self._jax.random.choice(self._subkey(), high, shape, p=self.xp.asarray(p))

    def subsets(self, rows, n, b):
        base = self.xp.broadcast_to(self.xp.arange(n), (rows, n))
        return self._jax.random.permutation(self._subkey(), base, axis=1, independent=True)[:, :b]


def as_source(rng):
    """A random source from a source, a numpy Generator, or an integer seed."""
    if isinstance(rng, (NumpyRandom, JaxRandom)):
        return rng
    if isinstance(rng, np.random.Generator):
        return NumpyRandom(rng)
    if rng is None or isinstance(rng, (int, np.integer)):
        return NumpyRandom(np.random.default_rng(rng))
    raise TypeError(f"expected a numpy Generator, a seed or a random source; got {type(rng).__name__}")
