"""samtheory/_array.py: every objective's evaluation code runs unchanged under JAX tracing.

Each catalog objective, and least squares / ridge / logistic regression built by their ``random``
constructors, is evaluated with numpy and under ``jax.jit`` with 64-bit floats, and the two must
agree to 1e-12.

Why 1e-12. Both sides run the same formula in float64 (machine epsilon 2.2e-16); they differ only
in how each operation is rounded: XLA's sin/cos/exp/log/tanh are not the C library's (the two
differ by one or two ulps), XLA may contract a multiply-add into an FMA, and it may sum a
reduction (einsum, sum, mean over at most 40 terms here) in another order. Every evaluation is a
short chain of such operations, so the two results differ by a few ulps times a small
amplification, at most about 1e-14 relative to the magnitude of the terms. The terms are bounded
by a modest multiple of the largest result (the sample points are O(10) and the data O(1)), so
``atol = 1e-12 * scale`` with ``scale = max(1, max |numpy result|)`` (the 1 covers results near 0,
where the error is set by terms of order 1) leaves a margin of about 100 over that estimate (the
differences measured when this test was written are at most 5e-16 of the scale), while any real
difference in the math (a wrong sign, factor or term) shows at 1e-3 or above.
"""
import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

from samtheory._array import is_jax, namespace  # noqa: E402
from samtheory._validation import InvalidParameterError  # noqa: E402
from samtheory.functions import (CATALOG, CustomObjective, FiniteSum, LeastSquares,  # noqa: E402
                                 LogisticRegression, Ridge, get_function)

#: Finite sums built through their ``random`` constructors, away from the catalog defaults: a
#: Haar design with heterogeneous rows and inconsistent targets, a ridge, a logistic regression.
RANDOM_FINITE_SUMS = {
    "least-squares-haar": lambda: LeastSquares.random(6, 6, design="haar-cond", cond=50.0,
                                                      consistent=False, seed=3),
    "ridge-random": lambda: Ridge.random(25, 4, reg=0.3, consistent=False, seed=2),
    "logistic-random": lambda: LogisticRegression.random(40, 4, reg=0.01, seed=5),
}


def _build(name):
    return RANDOM_FINITE_SUMS[name]() if name in RANDOM_FINITE_SUMS else get_function(name)


ALL = list(CATALOG) + list(RANDOM_FINITE_SUMS)
FINITE_SUMS = ["least-squares", "ridge", "logistic"] + list(RANDOM_FINITE_SUMS)


def _close(actual, desired):
    """Agreement to 1e-12 (module docstring), relative and absolute at the scale of the result."""
    assert not is_jax(desired)  # the reference really is the numpy result
    scale = max(1.0, float(np.max(np.abs(desired))))
    np.testing.assert_allclose(np.asarray(actual), desired, rtol=1e-12, atol=1e-12 * scale)


def test_namespace_tells_numpy_from_jax():
    assert namespace(np.ones(2)) is np
    assert namespace([1.0, 2.0]) is np
    assert namespace(np.ones(2), jnp.ones(2)) is jnp
    assert not is_jax(np.ones(2)) and is_jax(jnp.ones(2))
    seen = []
    jax.jit(lambda x: seen.append(is_jax(x)) or x)(jnp.ones(2))
    assert seen == [True]  # tracers count as JAX arrays


@pytest.mark.parametrize("name", ALL)
def test_value_and_grad_trace_to_the_numpy_values(name):
    f = _build(name)
    x = f.sample_points(np.random.default_rng(0), 64)
    expected_value, expected_grad = f.value(x), f.grad(x)
    # the numpy path stays numpy
    assert type(expected_value) is np.ndarray and type(expected_grad) is np.ndarray
    traced = []

    def both(z):
        v, g = f.value(z), f.grad(z)
        traced.append((v, g))
        return v, g

    with jax.enable_x64(True):
        value, grad = jax.jit(both)(jnp.asarray(x))
    # it really traced: inside jit the objective returned tracers (a numpy fallback would have
    # returned numpy arrays, or failed on the tracer), and the compiled results are JAX arrays
    (v_in, g_in), = traced
    assert isinstance(v_in, jax.core.Tracer) and isinstance(g_in, jax.core.Tracer)
    assert is_jax(value) and is_jax(grad)
    assert value.dtype == jnp.float64 and grad.dtype == jnp.float64
    assert value.shape == expected_value.shape and grad.shape == expected_grad.shape
    _close(value, expected_value)
    _close(grad, expected_grad)


@pytest.mark.parametrize("name", FINITE_SUMS)
def test_component_values_and_grads_trace_to_the_numpy_values(name):
    f = _build(name)
    assert isinstance(f, FiniteSum)
    x = f.sample_points(np.random.default_rng(2), 16)
    with jax.enable_x64(True):
        values, grads = jax.jit(lambda z: (f.component_values(z), f.component_grads(z)))(jnp.asarray(x))
    assert is_jax(values) and is_jax(grads)
    _close(values, f.component_values(x))
    _close(grads, f.component_grads(x))


@pytest.mark.parametrize("name", FINITE_SUMS)
def test_sampled_gradients_trace_to_the_numpy_values(name):
    f = _build(name)
    n = f.n_components
    T, b = 8, 3
    x = f.sample_points(np.random.default_rng(1), T)
    # fixed indices (repeats included, first and last component included) and weights
    idx = (np.arange(T * b).reshape(T, b) * 7) % n
    idx[0] = [0, n - 1, 0]
    weights = 0.5 + 0.25 * (np.arange(T * b).reshape(T, b) % 5)
    expected = f.sampled_grad(x, idx, weights)
    assert type(expected) is np.ndarray
    with jax.enable_x64(True):
        traced = jax.jit(f.sampled_grad)(jnp.asarray(x), jnp.asarray(idx), jnp.asarray(weights))
        # any one argument being JAX selects the JAX path (as in the backend, where idx is drawn)
        mixed = jax.jit(lambda i: f.sampled_grad(x, i, weights))(jnp.asarray(idx))
    assert is_jax(traced) and is_jax(mixed)
    _close(traced, expected)
    _close(mixed, expected)


def test_sampled_gradients_check_static_shapes_under_tracing():
    f = get_function("least-squares")
    x, idx, w = jnp.zeros((4, f.dim)), jnp.zeros((4, 2), dtype=int), jnp.ones((4, 2))
    with jax.enable_x64(True):
        with pytest.raises(InvalidParameterError, match="shapes"):
            jax.jit(f.sampled_grad)(x, idx, jnp.ones((4, 3)))
        with pytest.raises(InvalidParameterError, match="shapes"):
            jax.jit(f.sampled_grad)(jnp.zeros((4, f.dim + 1)), idx, w)
        with pytest.raises(InvalidParameterError, match="integer"):
            jax.jit(f.sampled_grad)(x, jnp.zeros((4, 2)), w)


def test_wrong_dimension_is_refused_under_tracing_too():
    f = get_function("quadratic")
    with jax.enable_x64(True), pytest.raises(ValueError, match="must have shape"):
        jax.jit(f.grad)(jnp.ones((4, f.dim + 1)))


def test_custom_objective_with_traceable_callables_traces():
    def value(x):
        xp = namespace(x)
        return xp.sum(xp.sqrt(1 + x ** 2), axis=-1) - x.shape[-1]

    def grad(x):
        return x / namespace(x).sqrt(1 + x ** 2)

    f = CustomObjective(value, grad, dim=2, f_star=0.0, minimizer=[0, 0], smoothness=1.0)
    x = f.sample_points(np.random.default_rng(0), 16)
    with jax.enable_x64(True):
        v, g = jax.jit(lambda z: (f.value(z), f.grad(z)))(jnp.asarray(x))
    assert is_jax(v) and is_jax(g)
    _close(v, f.value(x))
    _close(g, f.grad(x))
