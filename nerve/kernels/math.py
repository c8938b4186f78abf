"""Tensor math with Keras 2 semantics, as pure functions on JAX arrays.

Every function here is an op: `nerve.backend` lifts it so that symbolic
arguments build graph nodes. No state, no classes.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from nerve.config import standardize_dtype


def _normalize_axis(axis, ndim):
    return axis + ndim if axis < 0 else axis


# Linear algebra and shape manipulation.


def dot(x, y):
    """Theano-style `dot`: (2, 3) · (4, 3, 5) → (2, 4, 5), as `numpy.dot`."""
    return jnp.dot(x, y)


def batch_dot(x, y, axes=None):
    """Dot product of `x[i]` and `y[i]` for every sample `i` (tf-keras 2.x rules)."""
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(
            "`batch_dot` needs tensors of rank 2 or more. "
            f"Received: x.shape={x.shape}, y.shape={y.shape}"
        )
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = _normalize_axis(axes[0], x.ndim), _normalize_axis(axes[1], y.ndim)
    if ax == 0 or ay == 0:
        raise ValueError(f"`batch_dot` cannot contract the batch axis. Received: axes={axes}")
    out = lax.dot_general(x, y, (((ax,), (ay,)), ((0,), (0,))))
    return jnp.expand_dims(out, 1) if out.ndim == 1 else out


def transpose(x):
    return jnp.transpose(x)


def reshape(x, shape):
    return jnp.reshape(x, tuple(shape))


def permute_dimensions(x, pattern):
    return jnp.transpose(x, tuple(pattern))


def flatten(x):
    return jnp.reshape(x, (-1,))


def batch_flatten(x):
    return jnp.reshape(x, (x.shape[0], -1))


def expand_dims(x, axis=-1):
    return jnp.expand_dims(x, axis)


def squeeze(x, axis):
    return jnp.squeeze(x, axis)


def concatenate(tensors, axis=-1):
    return jnp.concatenate(tensors, axis=axis)


def stack(x, axis=0):
    return jnp.stack(x, axis=axis)


def tile(x, n):
    return jnp.tile(x, n)


def repeat(x, n):
    """(samples, dim) → (samples, n, dim)."""
    if x.ndim != 2:
        raise ValueError(f"`repeat` needs a 2D tensor. Received: x.shape={x.shape}")
    return jnp.repeat(x[:, None, :], n, axis=1)


def repeat_elements(x, rep, axis):
    return jnp.repeat(x, rep, axis=axis)


def gather(reference, indices):
    return jnp.take(reference, indices, axis=0)


def one_hot(indices, num_classes):
    return jax.nn.one_hot(indices, num_classes, dtype=standardize_dtype())


def cast(x, dtype):
    return jnp.asarray(x).astype(standardize_dtype(dtype))


def shape(x):
    # Shapes are static under jit, so this is a constant that random ops and
    # reshapes can read back as a Python shape.
    return np.asarray(jnp.shape(x), dtype=np.int32)


def zeros_like(x, dtype=None):
    return jnp.zeros_like(x, dtype=None if dtype is None else standardize_dtype(dtype))


def ones_like(x, dtype=None):
    return jnp.ones_like(x, dtype=None if dtype is None else standardize_dtype(dtype))


def arange(start, stop=None, step=1, dtype="int32"):
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


def identity(x):
    return x


def stop_gradient(variables):
    return jax.tree_util.tree_map(lax.stop_gradient, variables)


# Reductions.


def sum(x, axis=None, keepdims=False):  # noqa: A001 - the Keras name
    return jnp.sum(x, axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(standardize_dtype())
    return jnp.mean(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.min(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return jnp.prod(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance (divides by n), as tf-keras."""
    return jnp.var(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return jnp.std(x, axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.any(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return jnp.all(x, axis=axis, keepdims=keepdims)


def argmax(x, axis=-1):
    return jnp.argmax(x, axis=axis)


def argmin(x, axis=-1):
    return jnp.argmin(x, axis=axis)


def cumsum(x, axis=0):
    return jnp.cumsum(x, axis=axis)


# Elementwise.


def square(x):
    return jnp.square(x)


def sqrt(x):
    # tf-keras clips at zero first, so rounding noise below 0 gives 0, not NaN.
    return jnp.sqrt(jnp.maximum(x, 0))


def exp(x):
    return jnp.exp(x)


def log(x):
    return jnp.log(x)


def abs(x):  # noqa: A001
    return jnp.abs(x)


def pow(x, a):  # noqa: A001
    return jnp.power(x, a)


def sign(x):
    return jnp.sign(x)


def round(x):  # noqa: A001
    """Rounds half to even, as TensorFlow and numpy."""
    return jnp.round(x)


def clip(x, min_value=None, max_value=None):
    if min_value is not None and max_value is not None:
        max_value = jnp.maximum(min_value, max_value)
    return jnp.clip(x, min_value, max_value)


def maximum(x, y):
    return jnp.maximum(x, y)


def minimum(x, y):
    return jnp.minimum(x, y)


def equal(x, y):
    return jnp.equal(x, y)


def not_equal(x, y):
    return jnp.not_equal(x, y)


def greater(x, y):
    return jnp.greater(x, y)


def greater_equal(x, y):
    return jnp.greater_equal(x, y)


def less(x, y):
    return jnp.less(x, y)


def less_equal(x, y):
    return jnp.less_equal(x, y)


def sin(x):
    return jnp.sin(x)


def cos(x):
    return jnp.cos(x)


def switch(condition, then_expression, else_expression):
    """Elementwise choice; a Python bool (a static learning phase) picks a branch."""
    if isinstance(condition, (bool, int)):
        return then_expression if condition else else_expression
    condition = jnp.asarray(condition)
    then_expression = jnp.asarray(then_expression)
    # tf-keras: a condition of lower rank selects whole slices along the leading axes.
    while condition.ndim and condition.ndim < then_expression.ndim:
        condition = condition[..., None]
    return jnp.where(condition, then_expression, else_expression)


def l2_normalize(x, axis=None):
    square_sum = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    return x * lax.rsqrt(jnp.maximum(square_sum, 1e-12))

