r"""Random sources: the few distributions oracles draw from, for numpy and for JAX.

An oracle's ``draw(source, n)`` is written once against this small interface, so the same
sampling code runs in the numpy reference path (a :class:`numpy.random.Generator`) and inside the
compiled JAX loop (a :func:`jax.random.key`). The two streams are different random numbers with
the same distributions; :mod:`samtheory.simulation` documents which stream a run uses.

Methods (``shape`` is a tuple):

* ``normal(shape)``: i.i.d. :math:`\mathcal N(0,1)`;
* ``signs(shape)``: i.i.d. :math:`\pm1` with probability 1/2 each, as floats;
* ``integers(high, shape)``: i.i.d. uniform on :math:`\{0,\dots,\text{high}-1\}`;
* ``choice(high, shape, p)``: i.i.d. with probabilities ``p``;
* ``subsets(rows, n, b)``: ``rows`` independent uniform ``b``-subsets of :math:`\{0,\dots,n-1\}`,
  the first ``b`` entries of independent uniform permutations.

:func:`log_uniform` draws scale parameters (curvatures, widths) from a numpy generator, as the
fuzzer's random family members do.
"""
from __future__ import annotations

from typing import overload

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


#: :meth:`JaxRandom.subsets` uses the sparse partial shuffle while ``b * b <= SPARSE_SHUFFLE_FACTOR * n``
#: (its O(b^2) comparisons against the permutation's O(n log n) sort), else a full permutation.
#: Measured on 2 cores (1000 rows, jit): the sparse shuffle is 230x faster at n = 1000, b = 10,
#: 47x at n = 10^4, b = 200, and the two cost the same around b^2 = 60-80 n (n = 1000, b = 250;
#: n = 100, b = 90); 32 keeps the sparse one where it was measured faster.
SPARSE_SHUFFLE_FACTOR = 32


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
        r"""``rows`` independent uniform ordered ``b``-tuples of distinct elements of
        :math:`\{0,\dots,n-1\}`: the first ``b`` entries of uniform permutations, as numpy's.

        For small ``b`` (:math:`b^2\le` :data:`SPARSE_SHUFFLE_FACTOR` :math:`\cdot n`) a partial
        Fisher–Yates shuffle that never builds the array of ``n`` elements: step
        :math:`i=0,\dots,b-1` swaps positions :math:`i` and :math:`j_i\sim U\{i,\dots,n-1\}` of
        the (virtual) identity array and outputs what lands at :math:`i`. Only positions that an
        earlier step wrote differ from the identity, so the array is a list of at most ``b``
        writes ``(position, value)`` and reading a position is a comparison with that list (the
        latest matching write wins). The output has the law of Fisher–Yates: the tuple
        :math:`(a_0,\dots,a_{b-1})` is uniform over the :math:`n!/(n-b)!` ordered tuples, because
        the :math:`j_i` are independent and each choice of them gives a different tuple. Cost
        :math:`O(b^2)` comparisons and ``b`` random integers per row, against :math:`O(n\log n)`
        for a sort-based permutation of all ``n``; larger ``b`` use the permutation.
        """
        jax, xp = self._jax, self.xp
        if b * b > SPARSE_SHUFFLE_FACTOR * n:
            base = xp.broadcast_to(xp.arange(n), (rows, n))
            return jax.random.permutation(self._subkey(), base, axis=1, independent=True)[:, :b]
        # j_i uniform on {i, ..., n-1}: all b of them in one draw
        j = jax.random.randint(self._subkey(), (rows, b), xp.arange(b), n)
        # the writes: slot s holds (position, value); each position in at most one slot, so a read
        # is "the value of the slot holding it, or the position itself"; -1 marks an empty slot
        empty = xp.full((rows, b), -1, dtype=j.dtype)

        def read(positions, values, p):  # a[p] for p of shape (rows,)
            hit = positions == p[:, None]
            return xp.where(hit.any(axis=1), xp.where(hit, values, 0).sum(axis=1), p)

        def swap(i, carry):
            positions, values, out = carry
            j_i = jax.lax.dynamic_index_in_dim(j, i, axis=1, keepdims=False)
            a_i = read(positions, values, xp.full((rows,), i, dtype=j.dtype))
            a_j = read(positions, values, j_i)
            out = jax.lax.dynamic_update_index_in_dim(out, a_j, i, axis=1)  # a[j_i] lands at i
            # a[i] moves to j_i: overwrite j_i's slot if it has one, else take slot i (position i
            # is never read again, every later j is > i)
            hit = positions == j_i[:, None]
            values = xp.where(hit, a_i[:, None], values)
            fresh = ~hit.any(axis=1)
            slot = xp.arange(b) == i
            positions = xp.where(slot & fresh[:, None], j_i[:, None], positions)
            values = xp.where(slot & fresh[:, None], a_i[:, None], values)
            return positions, values, out

        return jax.lax.fori_loop(0, b, swap, (empty, empty, empty))[2]


class PointwiseRandom:
    """One numpy Generator per grid point, each drawing the rows of its own trajectories.

    Every draw has one row per trajectory (``shape[0]``, or ``rows``, is the batch size: grid
    point after grid point, ``trajectories`` rows each); row block ``k`` is drawn from
    ``generators[k]`` exactly as :class:`NumpyRandom` draws a batch of ``trajectories`` rows. A
    grid point's samples are therefore the same numbers whichever other points share the batch,
    which is what makes :func:`samtheory.sweep.sweep` bit-identical across chunkings.
    """

    xp = np

    def __init__(self, generators, trajectories):
        self.sources = [NumpyRandom(g) for g in generators]
        self.trajectories = int(trajectories)

    def _per_point(self, shape):
        shape = tuple(shape)
        if shape[0] != self.trajectories * len(self.sources):
            raise ValueError(f"a pointwise source draws {self.trajectories} rows for each of its "
                             f"{len(self.sources)} grid points; asked for {shape[0]}")
        return (self.trajectories,) + shape[1:]

    def normal(self, shape):
        per = self._per_point(shape)
        return np.concatenate([s.normal(per) for s in self.sources])

    def signs(self, shape):
        per = self._per_point(shape)
        return np.concatenate([s.signs(per) for s in self.sources])

    def integers(self, high, shape):
        per = self._per_point(shape)
        return np.concatenate([s.integers(high, per) for s in self.sources])

    def choice(self, high, shape, p):
        per = self._per_point(shape)
        return np.concatenate([s.choice(high, per, p) for s in self.sources])

    def subsets(self, rows, n, b):
        self._per_point((rows,))
        return np.concatenate([s.subsets(self.trajectories, n, b) for s in self.sources])


def as_source(rng):
    """A random source from a source, a numpy Generator, or an integer seed."""
    if isinstance(rng, (NumpyRandom, JaxRandom, PointwiseRandom)):
        return rng
    if isinstance(rng, np.random.Generator):
        return NumpyRandom(rng)
    if rng is None or isinstance(rng, (int, np.integer)):
        return NumpyRandom(np.random.default_rng(rng))
    raise TypeError(f"expected a numpy Generator, a seed or a random source; got {type(rng).__name__}")


@overload
def log_uniform(rng: np.random.Generator, low: float, high: float, size: None = None) -> float: ...


@overload
def log_uniform(rng: np.random.Generator, low: float, high: float, size: int | tuple) -> np.ndarray: ...


def log_uniform(rng: np.random.Generator, low: float, high: float,
                size: int | tuple | None = None) -> float | np.ndarray:
    r"""Log-uniform on :math:`[\text{low},\text{high}]` (:math:`\exp U(\log\text{low},\log\text{high})`),
    drawn from the numpy generator ``rng`` with one ``uniform`` call: a float, or an array of
    shape ``size``. Scale-free: every factor of 10 in the range is equally likely."""
    value = np.exp(rng.uniform(np.log(low), np.log(high), size))
    return float(value) if size is None else value
