"""Random sampling. Each function takes a PRNG key first; the graph supplies it.

`nerve.backend` binds these to a key Variable that every compiled call
advances, so each call draws fresh samples and a seed reproduces them.
"""

import jax
import jax.numpy as jnp
import numpy as np

from nerve.config import standardize_dtype


def _static_shape(shape):
    # A shape may arrive as an array (e.g. `K.shape(x)` evaluated under jit).
    if isinstance(shape, int):
        return (shape,)
    if isinstance(shape, (tuple, list)):
        # Symbolic dimensions (during shape inference) stay as they are.
        return tuple(int(d) if isinstance(d, (int, np.integer)) else d for d in shape)
    return tuple(int(d) for d in np.asarray(shape).reshape(-1))


def random_normal(key, shape, mean=0.0, stddev=1.0, dtype=None):
    dtype = standardize_dtype(dtype)
    return mean + stddev * jax.random.normal(key, _static_shape(shape), dtype)


def random_uniform(key, shape, minval=0.0, maxval=1.0, dtype=None):
    dtype = standardize_dtype(dtype)
    return jax.random.uniform(key, _static_shape(shape), dtype, minval, maxval)


def random_binomial(key, shape, p=0.0, dtype=None):
    """1 with probability `p`, else 0 (Keras's name for Bernoulli samples)."""
    dtype = standardize_dtype(dtype)
    return jax.random.bernoulli(key, p, _static_shape(shape)).astype(dtype)


def truncated_normal(key, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples redrawn beyond two standard deviations, as TensorFlow."""
    dtype = standardize_dtype(dtype)
    return mean + stddev * jax.random.truncated_normal(key, -2.0, 2.0, _static_shape(shape), dtype)


def dropout(key, x, level, noise_shape=None):
    """Zeroes entries with probability `level`, scales the rest by 1 / (1 - level)."""
    if not 0 <= level < 1:
        raise ValueError(f"`level` must be in [0, 1). Received: level={level}")
    shape = x.shape if noise_shape is None else _static_shape(noise_shape)
    keep = jax.random.bernoulli(key, 1.0 - level, shape)
    return jnp.where(keep, x / (1.0 - level), jnp.zeros((), x.dtype))
