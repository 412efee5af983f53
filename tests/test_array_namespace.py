"""samtheory/_array.py: every catalog objective evaluates under JAX tracing, to the numpy values.

Tolerance 1e-12 relative to the largest value: XLA's and the C library's sin/exp/log/tanh differ
by an ulp or two, and sums may be ordered differently; both are ~1e-16 relative.
"""
import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

from samtheory._array import is_jax, namespace  # noqa: E402
from samtheory.functions import CATALOG, get_function  # noqa: E402


def test_namespace_tells_numpy_from_jax():
    assert namespace(np.ones(2)) is np
    assert namespace(np.ones(2), jnp.ones(2)) is jnp
    assert not is_jax(np.ones(2)) and is_jax(jnp.ones(2))
    seen = []
    jax.jit(lambda x: seen.append(is_jax(x)) or x)(jnp.ones(2))
    assert seen == [True]  # tracers count as JAX arrays


def _close(actual, desired):
    scale = max(1.0, float(np.max(np.abs(desired))))
    np.testing.assert_allclose(np.asarray(actual), desired, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("name", list(CATALOG))
def test_value_and_grad_trace_to_the_numpy_values(name):
    f = get_function(name)
    x = f.sample_points(np.random.default_rng(0), 64)
    with jax.enable_x64(True):
        value = jax.jit(f.value)(jnp.asarray(x))
        grad = jax.jit(f.grad)(jnp.asarray(x))
    assert is_jax(value) and is_jax(grad)
    _close(value, f.value(x))
    _close(grad, f.grad(x))


@pytest.mark.parametrize("name", ["least-squares", "ridge", "logistic"])
def test_sampled_gradients_trace_to_the_numpy_values(name):
    f = get_function(name)
    rng = np.random.default_rng(1)
    x = f.sample_points(rng, 32)
    idx = rng.integers(0, f.n_components, size=(32, 3))
    weights = rng.uniform(0.5, 2.0, size=(32, 3))
    with jax.enable_x64(True):
        traced = jax.jit(f.sampled_grad)(jnp.asarray(x), jnp.asarray(idx), jnp.asarray(weights))
    _close(traced, f.sampled_grad(x, idx, weights))


def test_wrong_dimension_is_refused_under_tracing_too():
    f = get_function("quadratic")
    with jax.enable_x64(True), pytest.raises(ValueError, match="must have shape"):
        jax.jit(f.grad)(jnp.ones((4, f.dim + 1)))
