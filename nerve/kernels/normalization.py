"""Batch statistics and normalisation, as tf-keras 2.x computes them."""

import jax.numpy as jnp
from jax import lax


def moments(x, axes, keepdims=False):
    """Mean and biased variance (divided by n) of `x` over `axes`.

    As `tf.nn.moments`, the variance is the mean squared distance to the
    mean with the mean held constant: the same value and, since those
    distances sum to zero, the same gradient, at less cost.
    """
    axes = tuple(axes)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - lax.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean, variance = jnp.squeeze(mean, axes), jnp.squeeze(variance, axes)
    return mean, variance


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """`(x - mean) / sqrt(var + epsilon) * gamma + beta`; `beta`/`gamma` may be None.

    Statistics and parameters of rank 1 lie along `axis` of `x`; others must
    broadcast against `x` as they are.
    """
    def along(v):
        if v is None or v.ndim != 1 or x.ndim <= 1:
            return v
        shape = [1] * x.ndim
        shape[axis] = v.shape[0]
        return jnp.reshape(v, shape)

    mean, var, beta, gamma = along(mean), along(var), along(beta), along(gamma)
    inv = lax.rsqrt(var + epsilon)
    if gamma is not None:
        inv = inv * gamma
    # tf.nn.batch_normalization's order of operations.
    return x * inv + ((beta if beta is not None else 0) - mean * inv)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    """Normalises `x` with its own statistics over `reduction_axes`; returns
    `(normalised, mean, variance)` with the statistics' reduced axes dropped."""
    mean, var = moments(x, reduction_axes, keepdims=True)
    kept = [a for a in range(x.ndim) if a not in [r % x.ndim for r in reduction_axes]]
    shape = tuple(x.shape[a] for a in kept)

    def broadcast(v):  # parameters given by the kept axes' sizes alone
        return v if v is None or v.ndim == x.ndim else jnp.reshape(v, mean.shape)

    normed = batch_normalization(x, mean, var, broadcast(beta), broadcast(gamma), epsilon=epsilon)
    return normed, jnp.reshape(mean, shape), jnp.reshape(var, shape)
