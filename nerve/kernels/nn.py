"""Activations, losses, convolution and pooling with tf-keras 2.x semantics."""

import jax
import jax.numpy as jnp

from nerve.config import epsilon, normalize_data_format
from nerve.kernels import conv as _conv
from nerve.kernels import pooling as _pooling

# Activations.


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """tf-keras's rectifier: `x` above `threshold`, clipped to [0, max_value], minus
    `alpha * (threshold - x)` below it.

    Written as tf-keras computes it rather than as its docstring reads: at `x ==
    threshold` the result is 0 (not `threshold`), and with `max_value` set the
    positive part is clipped at 0 from below even for a negative `threshold`.
    """
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return jax.nn.relu(x)
    out = jnp.where(x > threshold, x, 0)
    if max_value is not None:
        out = jnp.clip(out, 0, max_value)
    if alpha != 0.0:
        out = out - alpha * jax.nn.relu(threshold - x)
    return out


def elu(x, alpha=1.0):
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.minimum(x, 0)))


def sigmoid(x):
    return jax.nn.sigmoid(x)


def hard_sigmoid(x):
    """`clip(0.2 * x + 0.5, 0, 1)`, the tf-keras 2.x definition."""
    return jnp.clip(0.2 * x + 0.5, 0.0, 1.0)


def tanh(x):
    return jnp.tanh(x)


def softmax(x, axis=-1):
    return jax.nn.softmax(x, axis=axis)


def softplus(x):
    return jax.nn.softplus(x)


def softsign(x):
    return x / (1 + jnp.abs(x))


def selu(x):
    return jax.nn.selu(x)


def gelu(x, approximate=False):
    """Exact (erf) GELU by default, as tf-keras; `approximate=True` is the tanh form."""
    return jax.nn.gelu(x, approximate=approximate)


def swish(x):
    return jax.nn.silu(x)


silu = swish


def exponential(x):
    return jnp.exp(x)


def leaky_relu(x, alpha=0.3):
    return jax.nn.leaky_relu(x, negative_slope=alpha)


def bias_add(x, bias, data_format=None):
    """Adds `bias` along the channel axis (axis 1 for channels_first, else the last).

    `bias` is (channels,) or, as for locally connected layers, (spatial..., channels).
    """
    data_format = normalize_data_format(data_format)
    if bias.ndim not in (1, x.ndim - 1):
        raise ValueError(
            f"Unexpected bias dimensions {bias.ndim}, expected 1 or {x.ndim - 1}. "
            f"Received: x.shape={x.shape}, bias.shape={bias.shape}"
        )
    if data_format == "channels_first" and x.ndim > 2:
        if bias.ndim == 1:
            bias = jnp.reshape(bias, bias.shape + (1,) * (x.ndim - 2))
        else:
            # tf-keras reshapes (spatial..., channels) to (channels, spatial...), without
            # transposing; weights saved by tf-keras only line up if we do the same.
            bias = jnp.reshape(bias, bias.shape[-1:] + bias.shape[:-1])
    return x + bias


# Cross-entropies: probabilities are clipped to [eps, 1 - eps] as in tf-keras.


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if from_logits:
        return -jnp.sum(target * jax.nn.log_softmax(output, axis=axis), axis=axis)
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    output = jnp.clip(output, epsilon(), 1.0 - epsilon())
    return -jnp.sum(target * jnp.log(output), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    axis = axis % output.ndim
    if axis != output.ndim - 1:
        output = jnp.moveaxis(output, axis, -1)
    target = jnp.asarray(target)
    if target.ndim == output.ndim:  # (n, 1) labels, as Keras accepts them
        target = jnp.squeeze(target, -1)
    if from_logits:
        log_probs = jax.nn.log_softmax(output, axis=-1)
    else:
        # tf-keras feeds the log of the clipped probabilities to a softmax
        # cross-entropy as logits, so they are renormalised to sum to 1.
        logits = jnp.log(jnp.clip(output, epsilon(), 1.0 - epsilon()))
        log_probs = jax.nn.log_softmax(logits, axis=-1)
    labels = target.astype(jnp.int32)[..., None]
    return -jnp.take_along_axis(log_probs, labels, axis=-1)[..., 0]


def binary_crossentropy(target, output, from_logits=False):
    if from_logits:
        return jnp.maximum(output, 0) - output * target + jnp.log1p(jnp.exp(-jnp.abs(output)))
    eps = epsilon()
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output + eps) + (1 - target) * jnp.log(1 - output + eps))


# Convolution and pooling under Keras 2's backend names (the kernels live in
# `nerve.kernels.conv` and `nerve.kernels.pooling`).


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def conv(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, groups=1):
    """N-D convolution with a `(spatial..., in_channels // groups, out_channels)` kernel;
    `padding` is 'valid', 'same', 'causal' or (before, after) pairs (see `kernels.conv`)."""
    return _conv.conv(x, kernel, strides, padding, data_format, dilation_rate, groups)


def _backend_conv(x, kernel, strides, padding, data_format, dilation_rate):
    # tf-keras's K.conv1d pads axis 1 for 'causal' whatever the data format (the
    # channel axis under channels_first): refuse rather than quietly differ. The
    # layers (Conv1D...) pad the right axis and take channels_first.
    if padding == "causal" and normalize_data_format(data_format) == "channels_first":
        raise ValueError(
            "padding='causal' needs data_format='channels_last' in K.conv1d/K.conv2d "
            "(the Conv1D and Conv2D layers accept channels_first)."
        )
    return conv(x, kernel, strides, padding, data_format, dilation_rate)


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return _backend_conv(x, kernel, strides, padding, data_format, dilation_rate)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    return _backend_conv(x, kernel, strides, padding, data_format, dilation_rate)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    return _pooling.pool(x, pool_size, strides, padding, data_format, pool_mode)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None,
           pool_mode="max"):
    return _pooling.pool(x, pool_size, strides, padding, data_format, pool_mode)


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    return conv(x, kernel, strides, padding, data_format, dilation_rate)
