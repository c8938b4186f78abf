"""N-D max and average pooling with tf-keras 2.x semantics.

`pool` is one `lax.reduce_window`, except for the most common case, max
pooling whose windows tile the input ('valid' padding, strides equal to the
pool size): there a reshape and a max give the same values, and a hand-written
backward the same gradients, several times faster (the backward of
`reduce_window` is slow on CPU).
"""

import functools
import math

import jax
import jax.numpy as jnp
from jax import lax

from nerve.config import normalize_data_format


def spatial_axes(ndim, data_format):
    """The spatial axes of an input of rank `ndim` (batch and channels excluded)."""
    return tuple(range(2, ndim)) if data_format == "channels_first" else tuple(range(1, ndim - 1))


def pool(x, pool_size, strides=None, padding="valid", data_format=None, pool_mode="max"):
    """Max (`pool_mode='max'`) or average (`'avg'`) pooling over every spatial axis.

    'same' padding pads max pooling with -inf and averages over the real cells
    only, as TensorFlow; the extra cell of an odd padding goes at the end.
    """
    data_format = normalize_data_format(data_format)
    axes = spatial_axes(x.ndim, data_format)
    pool_size = _tuple(pool_size, len(axes))
    strides = pool_size if strides is None else _tuple(strides, len(axes))
    padding = padding.lower()
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"`pool_mode` must be 'max' or 'avg'. Received: pool_mode={pool_mode!r}")
    if pool_mode == "max" and strides == pool_size and _tiles(x, axes, pool_size, padding):
        return _tiled_max(x, pool_size, axes)
    window, step = [1] * x.ndim, [1] * x.ndim
    for axis, p, s in zip(axes, pool_size, strides):
        window[axis], step[axis] = p, s
    window, step, pad = tuple(window), tuple(step), padding.upper()
    if pool_mode == "max":
        return lax.reduce_window(x, _lowest(x.dtype), lax.max, window, step, pad)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(jnp.float32)
    total = lax.reduce_window(x, jnp.zeros((), x.dtype), lax.add, window, step, pad)
    if padding == "valid":
        return total / math.prod(pool_size)
    # Count the real cells under each window: one count per position, shared by
    # every sample and channel.
    ones = jnp.ones([x.shape[a] if a in axes else 1 for a in range(x.ndim)], x.dtype)
    count = lax.reduce_window(ones, jnp.zeros((), x.dtype), lax.add, window, step, pad)
    return total / count


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def _lowest(dtype):
    if jnp.issubdtype(dtype, jnp.floating):
        return jnp.array(-jnp.inf, dtype)
    return jnp.array(jnp.iinfo(dtype).min, dtype)


def _tiles(x, axes, pool_size, padding):
    """Whether windows of stride == size cover the input as the padding asks:
    always for 'valid' (the cells past the last window are dropped), for 'same'
    only when every size divides (then 'same' pads nothing)."""
    if padding == "valid":
        return True
    return all(isinstance(x.shape[a], int) and x.shape[a] % p == 0
               for a, p in zip(axes, pool_size))


def _crop(x, pool_size, axes):
    """`x` without the cells past the last whole window (autodiff pads them back)."""
    index = [slice(None)] * x.ndim
    for a, p in zip(axes, pool_size):
        if not (isinstance(x.shape[a], int) and x.shape[a] % p == 0):
            index[a] = slice(0, x.shape[a] // p * p)
    return x[tuple(index)]


def _tiled_max(x, pool_size, axes):
    return _max_of_tiles(_crop(x, pool_size, axes), pool_size, axes)


def _split_shape(x, pool_size, axes):
    """Each pooled axis of size d split into (d // p, p): the window index, then the
    cell within the window."""
    shape, cells = [], []
    for a in range(x.ndim):
        if a in axes:
            p = pool_size[axes.index(a)]
            shape += [x.shape[a] // p, p]
            cells.append(len(shape) - 1)
        else:
            shape.append(x.shape[a])
    return shape, tuple(cells)


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def _max_of_tiles(x, pool_size, axes):
    """Max over windows that tile `x` exactly."""
    shape, cells = _split_shape(x, pool_size, axes)
    return jnp.max(jnp.reshape(x, shape), axis=cells)


def _max_of_tiles_fwd(x, pool_size, axes):
    shape, cells = _split_shape(x, pool_size, axes)
    order = [i for i in range(len(shape)) if i not in cells] + list(cells)
    # (pooled shape..., cells of one window in row-major order)
    windows = jnp.transpose(jnp.reshape(x, shape), order)
    windows = jnp.reshape(windows, windows.shape[:x.ndim] + (math.prod(pool_size),))
    # The gradient goes to the first maximum of each window, as reduce_window's
    # (and TensorFlow's) does; jnp.max's would split it among ties.
    return jnp.max(windows, axis=-1), jnp.argmax(windows, axis=-1)


def _max_of_tiles_bwd(pool_size, axes, first, g):
    cells = jnp.arange(math.prod(pool_size))
    grads = jnp.where(cells == first[..., None], g[..., None], jnp.zeros((), g.dtype))
    ndim = first.ndim
    grads = jnp.reshape(grads, grads.shape[:ndim] + tuple(pool_size))
    # Each window's cells back beside its axis, then the split axes merged.
    order = []
    for a in range(ndim):
        order += [a, ndim + axes.index(a)] if a in axes else [a]
    grads = jnp.transpose(grads, order)
    shape = [first.shape[a] * pool_size[axes.index(a)] if a in axes else first.shape[a]
             for a in range(ndim)]
    return (jnp.reshape(grads, shape),)


_max_of_tiles.defvjp(_max_of_tiles_fwd, _max_of_tiles_bwd)
