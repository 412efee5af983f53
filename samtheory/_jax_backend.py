r"""The JAX backend: the simulator's loop compiled by XLA.

Nothing here restates the math. The step is :func:`samtheory._loop.advance`, which calls the
objective's ``value``/``grad``, the method's perturbation and the oracle's ``draw``; all of them
are written against the namespace of their argument (:mod:`samtheory._array`), so under
:func:`jax.jit` they trace to the same arithmetic the numpy loop runs. This module only arranges
the loop:

* **Chunks.** Steps run in chunks of ``m`` strides of ``k`` steps (``k`` = ``record_every``, or a
  chunk length when nothing is recorded). Inside a chunk an outer :func:`jax.lax.scan` over the
  strides records :math:`f(x_t)-f^*`, :math:`\|\nabla f(x_t)\|^2` (and :math:`x_t`) at the first
  step of each stride, and an inner loop runs the stride's steps without output.
  Between chunks control returns to Python for the progress bar and the early stop when every
  trajectory has diverged. The steps of a stride run in a loop whose trip count is traced,
  :math:`\min(k, T-t)`, so the last chunk's padding runs no step (and no per-step
  :func:`jax.lax.cond`), and the chunking never changes a result. The recorded values at
  :math:`t` are read from the state, which carries :math:`f(x_t)-f^*` and :math:`\nabla f(x_t)`.
* **Blocks.** A deterministic run with more than :data:`BLOCK_TRAJECTORIES` trajectories (and
  parameters that are scalars or functions of :math:`t` only) runs each chunk block by block
  (:func:`jax.lax.map` over blocks of trajectories, the last padded with copies of the last
  trajectory, which are dropped): every operation is per trajectory, and a block's state stays in
  cache across the chunk's steps instead of every step streaming all trajectories through memory.
  Results equal the unblocked program's up to XLA's fusion choices (an FMA contracted or not:
  last-bit differences, measured 2e-15 relative), within the 1e-12 agreement with numpy.
* **Precision.** Everything runs with 64-bit floats, inside ``jax.enable_x64(True)``, so the
  user's global JAX configuration is left alone. ``simulate(dtype="float32")`` runs the same
  program inside ``jax.enable_x64(False)`` instead: JAX then makes every array and every constant
  the objective holds single precision (and step counters 32-bit), with no float32 version of any
  code; the divergence threshold is capped at :data:`FLOAT32_THRESHOLD`, below float32's overflow,
  so that a loss that overflows to infinity still counts as diverged. The results come back as
  float64 arrays holding the float32 values.
* **Random stream.** Stochastic runs draw the samples of step :math:`t` with the key
  ``jax.random.fold_in(jax.random.key(s), t)``, where ``s`` is the first 32-bit word of the second
  child of ``numpy.random.SeedSequence(seed)`` (the child whose generator the numpy loop uses).
  The stream therefore depends only on ``seed`` and ``t``, not on chunking or recording; it is a
  different stream from numpy's, with the same distributions. Random starting points come from
  the shared numpy stream, so ``x0`` is identical on both backends.
* **Compilation cache.** A compiled chunk is reused for the same method, sizes and static
  settings (up to :data:`CACHE_SIZE` entries) and the same objective *family*: hyperparameter
  values are arguments, so a new :math:`\eta` or :math:`\rho` does not recompile, and so are an
  objective's declared ``parameters`` and :math:`f^*` (a stack's per-point parameters;
  :func:`traced_parameters`), so a new member of a family (a new β, ω, spectrum, centre) or a new
  stack of the same size does not recompile either; nor does a new additive-noise oracle with the
  same kind and σ. An objective without declared parameters, or another oracle, is compiled with
  its attributes as constants and keyed by the object, so it is treated as immutable: to change
  a constant, build a new object (as every construction in samtheory does).
  Across processes, JAX's persistent compilation cache (:func:`enable_persistent_cache`, on by
  default in ``~/.cache/samtheory/jax``) serves a program compiled by an earlier run.
"""
from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from ._loop import advance, expand, initial_state

#: Compiled chunks kept for reuse (least recently used are dropped).
CACHE_SIZE = 32
#: Steps per chunk are about this many when nothing is recorded (fewer chunks = less Python).
TARGET_CHUNK_STEPS = 4096
#: A recording chunk's output buffer (its recorded f, ||grad f||^2 and iterates) holds at most
#: this many bytes: the strides per chunk are the largest power of two within it and within
#: TARGET_CHUNK_STEPS steps, whatever the run's length, so runs of any length share one program.
CHUNK_RECORD_BYTES = 32 * 2 ** 20
#: Deterministic runs with more trajectories than this run the chunk block by block (see
#: :func:`_blocked`).
BLOCK_TRAJECTORIES = 4096
_cache: OrderedDict = OrderedDict()

#: Environment variable that sets the folder of JAX's persistent compilation cache for samtheory's
#: programs (default ``$XDG_CACHE_HOME/samtheory/jax``, i.e. ``~/.cache/samtheory/jax``); ``off``
#: (or ``0``, or empty) turns it off.
CACHE_ENVIRONMENT = "SAMTHEORY_JAX_CACHE"
#: Programs that compile faster than this (seconds) are not written to the persistent cache. JAX's
#: own default (1 s) would skip every samtheory program (0.1–0.6 s each on 2 cores), though reading
#: one back costs a few milliseconds.
PERSISTENT_CACHE_MIN_SECONDS = 0.05
_persistent_cache_checked = False


def persistent_cache_dir():
    """The folder :func:`enable_persistent_cache` uses (``None``: turned off by the environment)."""
    import os
    value = os.environ.get(CACHE_ENVIRONMENT)
    if value is not None:
        return None if value.strip().lower() in ("", "0", "off", "false", "no") else os.path.expanduser(value)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "samtheory", "jax")


def enable_persistent_cache():
    """Turn on JAX's persistent compilation cache, so that a program compiled once (one method,
    family and shape) is read back from disk by later processes instead of compiled again: a
    second ``samtheory verify`` or test run pays milliseconds where the first paid a compilation.

    Left alone when the user configured a cache folder already (their setting wins) or turned it
    off with :data:`CACHE_ENVIRONMENT`; a folder that cannot be created only costs the speed-up.
    Returns the folder in use, or ``None``. Runs once per process."""
    global _persistent_cache_checked
    import jax
    if _persistent_cache_checked:
        return jax.config.jax_compilation_cache_dir
    _persistent_cache_checked = True
    if jax.config.jax_compilation_cache_dir is not None:
        return jax.config.jax_compilation_cache_dir
    folder = persistent_cache_dir()
    if folder is None:
        return None
    import os
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    jax.config.update("jax_compilation_cache_dir", folder)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", PERSISTENT_CACHE_MIN_SECONDS)
    return folder


def available() -> bool:
    """Whether JAX can be imported."""
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def chunking(run):
    """``(k, m, n_chunks)``: stride ``k``, strides per chunk ``m`` and the number of chunks, with
    ``n_chunks * m * k >= steps``.

    A recording run's ``m`` depends on the stride, the batch and the recorded floats only
    (:data:`CHUNK_RECORD_BYTES`), not on the number of steps: the steps are a traced argument, so
    runs of different lengths (the horizons of a rate check) share one compiled program; the
    padded strides of the last chunk run no step (their trip count is 0). Without recording,
    ``k`` spreads the steps evenly over chunks of about :data:`TARGET_CHUNK_STEPS`."""
    steps = run.steps
    if run.record_every is not None:
        k = run.record_every
        per_stride = 8 * run.n_total * (2 + (run.dim if run.history else 0))
        m = max(1, min(TARGET_CHUNK_STEPS // k, CHUNK_RECORD_BYTES // per_stride))
        m = 2 ** int(math.log2(m))
        return k, m, math.ceil(math.ceil(steps / k) / m)
    n_chunks = math.ceil(steps / TARGET_CHUNK_STEPS)
    return math.ceil(steps / n_chunks), 1, n_chunks


def traced_parameters(objective) -> tuple:
    """The objective's attributes passed to the compiled program as arguments rather than compiled
    in: a stacked run's per-point parameters, or a member's declared ``parameters`` (and ``f_star``).
    By the declaration's contract (checked for every catalog family) they are all that differs
    between members of a class, so every member of a family shares one compiled program."""
    if objective.point_parameters:
        return tuple(objective.point_parameters)
    if objective.parameters is not None:
        return tuple(objective.parameters) + ("f_star",)
    return ()


def _objective_key(objective):
    """Members of one family (same class, dimension, region and parameter shapes) share a program;
    any other objective is compiled for itself."""
    traced = traced_parameters(objective)
    if not traced:
        return id(objective)
    return (type(objective), objective.dim, objective.region,
            tuple((name, np.shape(getattr(objective, name))) for name in traced))


def _oracle_key(oracle):
    from .oracles import AdditiveNoise
    if oracle is None:
        return None
    if type(oracle) is AdditiveNoise:  # its kind and sigma are all it holds besides the objective
        return ("additive-noise", oracle.kind, oracle.sigma)
    return id(oracle)


#: float32 runs count f - f* above this as divergence (float32 overflows at 3.4e38, and a loss of
#: inf would pass ``loss <= threshold`` for the default threshold 1e100, which is inf in float32)
FLOAT32_THRESHOLD = 1e37


def _x64(run) -> bool:
    """Whether ``run`` is compiled in double precision (``simulate(dtype=...)``)."""
    return getattr(run, "dtype", "float64") == "float64"


def _key(run, k, m):
    kinds = tuple((name, kind, np.shape(value)) for name, (value, kind) in sorted(run.tables.items()))
    return (_objective_key(run.objective), _oracle_key(run.oracle), id(run.perturbation), run.eps,
            run.same_sample, run.threshold, run.grid_shape, run.trajectories,
            run.n_total, run.history, run.measures, kinds, k, m, _x64(run))


def _with_objective_parameters(run, parameters):
    """``run`` whose objective (and the oracle's) reads ``parameters`` (traced arrays)."""
    import copy
    import dataclasses
    if not parameters:
        return run
    objective = copy.copy(run.objective)
    for name, value in parameters.items():
        setattr(objective, name, value)
    oracle = run.oracle
    if oracle is not None:
        oracle = copy.copy(oracle)
        oracle.objective = objective
    return dataclasses.replace(run, objective=objective, oracle=oracle)


def _chunk_function(run, k, m):
    """The jitted function advancing the state by one chunk of ``m * k`` steps."""
    import jax
    import jax.numpy as jnp

    from ._random import JaxRandom

    kinds = {name: kind for name, (_, kind) in run.tables.items()}
    template = run
    if not _x64(run):
        import dataclasses
        template = run = dataclasses.replace(run, threshold=min(run.threshold, FLOAT32_THRESHOLD))

    def step(state, t, values, key, in_tail=None):
        eta, rho, lam = (expand(values[name], kinds[name], t, run.grid_shape, run.trajectories)
                         for name in ("eta", "rho", "lam"))
        source = None if run.oracle is None else JaxRandom(jax.random.fold_in(key, t))
        here = _with_objective_parameters(template, values["objective"])
        return advance(here, state, t, eta, rho, lam, source, in_tail)

    # With measures, "diverged" is not carried through the loop: it equals diverged_at >= 0
    # (diverged_at starts at -1 and is set to the step t >= 0 where a trajectory diverges), so
    # it is recomputed where it is read and XLA fuses it there instead of writing one more
    # array per step.
    def carried(state):
        return {n: v for n, v in state.items() if n != "diverged"} if run.measures else state

    def full(carry):
        return {**carry, "diverged": carry["diverged_at"] >= 0} if run.measures else carry

    def chunk(state, t0, values, key):
        def steps(lo, hi, in_tail, c):
            # steps lo, ..., hi - 1 as a loop with a traced trip count: no padding to skip, so no
            # per-step lax.cond, and every step is the same straight-line code
            def body(tt, c2):
                return carried(step(full(c2), tt, values, key, in_tail)[0])
            return jax.lax.fori_loop(lo, hi, body, c)

        def stride(c, j):
            t = t0 + j * k
            # what the numpy loop records at step t is the accounting of x_t, which the state
            # carries (f(x_t) - f*, grad f(x_t)): read it here rather than from a step
            record = (None, None, None)
            if run.measures:
                record = (c["loss"], jnp.einsum("ij,ij->i", c["grad"], c["grad"]),
                          c["x"] if run.history else None)
            hi = jnp.minimum(t + k, values["steps"])  # the last chunk's padding runs no step
            if run.measures:
                # before the tail and in it as two loops, so that the first adds nothing to the
                # tail sums (in_tail is then static in advance)
                mid = jnp.clip(values["tail_start"], t, hi)
                c = steps(mid, hi, True, steps(t, mid, False, c))
            else:
                c = steps(t, hi, None, c)
            return c, record
        c, records = jax.lax.scan(stride, carried(state), jnp.arange(m))
        return full(c), records

    n, b = run.n_total, BLOCK_TRAJECTORIES
    # (not for stacked members either: their parameters hold one row per trajectory)
    if not (run.oracle is None and n > b and all(kinds[name] in ("scalar", "time") for name in kinds)
            and not run.objective.point_parameters):
        return jax.jit(chunk), run.objective, run.oracle, run.perturbation  # keep the ids alive
    return jax.jit(_blocked(chunk, n, b)), run.objective, run.oracle, run.perturbation  # keep the ids alive


def _blocked(chunk, n, b):
    """``chunk`` run on blocks of ``b`` of the ``n`` trajectories, one block after another.

    The whole chunk for one block at a time: the block's state stays in cache across the chunk's
    steps instead of every step streaming all ``n`` trajectories through memory. Only for runs
    where every operation is per trajectory (no oracle, whose draw is one block of samples for all
    trajectories; no per-trajectory parameter tables)."""
    import jax
    import jax.numpy as jnp
    n_blocks = -(-n // b)

    def split(a):
        # pad with copies of the last trajectory (computed, then dropped) to n_blocks * b rows
        a = jnp.concatenate([a, jnp.repeat(a[-1:], n_blocks * b - n, axis=0)]) if n_blocks * b > n else a
        return a.reshape((n_blocks, b) + a.shape[1:])

    def merge(a, axis=0):
        a = jnp.moveaxis(a, 0, axis)  # the block axis next to the trajectory axis
        a = a.reshape(a.shape[:axis] + (n_blocks * b,) + a.shape[axis + 2:])
        return jax.lax.slice_in_dim(a, 0, n, axis=axis)

    def blocked_chunk(state, t0, values, key):
        out, records = jax.lax.map(lambda s: chunk(s, t0, values, key), jax.tree.map(split, state))
        return jax.tree.map(merge, out), jax.tree.map(lambda r: merge(r, axis=1), records)
    return blocked_chunk


def compiled(run, k, m):
    """The cached chunk function for ``run`` (compiled on first call)."""
    key = _key(run, k, m)
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key][0]
    enable_persistent_cache()
    entry = _chunk_function(run, k, m)
    _cache[key] = entry
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return entry[0]


def _arguments(run, state):
    import jax
    import jax.numpy as jnp
    values = {name: jnp.asarray(value) for name, (value, _) in run.tables.items()}
    # traced, not compiled in: a run of another length reuses the program (see chunking)
    values["steps"], values["tail_start"] = jnp.asarray(run.steps), jnp.asarray(run.tail_start)
    values["objective"] = {name: jnp.asarray(getattr(run.objective, name))
                           for name in traced_parameters(run.objective)}
    seed_word = int(run.step_seed.generate_state(1, np.uint32)[0])
    key = jax.random.key(seed_word)
    return {name: jnp.asarray(v) for name, v in state.items()}, values, key


def unsupported(run):
    """``None`` if the run traces under JAX, else the reason (first line of the error)."""
    if not available():
        return "jax is not installed (pip install 'samtheory[fast]')"
    import jax

    k, m, _ = chunking(run)
    try:
        with jax.enable_x64(_x64(run)):
            fn = compiled(run, k, m)
            state = initial_state(run, np.zeros((run.n_total, run.dim)))
            jax.eval_shape(fn, *_with_t0(*_arguments(run, state), x64=_x64(run)))
    except Exception as exc:  # any tracing failure means: not expressible in jax.numpy
        _cache.pop(_key(run, k, m), None)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return f"the objective, oracle or method does not trace under JAX ({type(exc).__name__}: {first[:160]})"
    return None


def _with_t0(state, values, key, t0=0, x64=True):
    import jax.numpy as jnp
    # int64 under x64 (the default), int32 in a float32 run
    return state, jnp.asarray(t0, dtype=jnp.int64 if x64 else jnp.int32), values, key


def drive(run, state, records, bar):
    """Run every step of ``run`` from ``state`` (numpy arrays); returns the final state as numpy
    arrays and fills ``records``. Same contract as :func:`samtheory._loop.drive_numpy`."""
    import jax
    k, m, n_chunks = chunking(run)
    with jax.enable_x64(_x64(run)):
        fn = compiled(run, k, m)
        jstate, values, key = _arguments(run, state)
        for c in range(n_chunks):
            t0 = c * m * k
            jstate, (loss, gradsq, xs) = fn(*_with_t0(jstate, values, key, t0, x64=_x64(run)))
            if records.index:
                loss, gradsq = np.asarray(loss), np.asarray(gradsq)
                xs = None if xs is None else np.asarray(xs)
                for j in range(m):
                    t = t0 + j * k
                    if t < run.steps:
                        records.store(t, loss[j], gradsq[j], None if xs is None else xs[j])
            if bar is not None:
                bar.update(min(m * k, run.steps - t0))
            if bool(jstate["diverged"].all()):
                break
        return {name: _as_double(np.asarray(v)) for name, v in jstate.items()}


def _as_double(array):
    """A float32 run's state in the dtypes the numpy side expects (float64, int64); a no-op for
    the float64 run."""
    if array.dtype == np.float32:
        return array.astype(np.float64)
    if array.dtype == np.int32:
        return array.astype(np.int64)
    return array
