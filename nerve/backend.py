"""The Keras 2 backend `K`: names over nerve's graph, compiler and op table.

    from nerve import backend as K

Every op is a kernel from `nerve.kernels` made graph-aware by `lift`: on
arrays it computes, on symbolic tensors it builds a node.
"""

import jax
import jax.numpy as jnp
import numpy as np

from nerve import config
from nerve.compile import Function, function, gradients  # noqa: F401 - re-exported
from nerve.config import (  # noqa: F401 - re-exported
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from nerve.graph import LearningPhase, Placeholder, Tensor, Variable, apply, lift, names, phase, rng
from nerve.kernels import conv as _conv
from nerve.kernels import math as _math
from nerve.kernels import nn as _nn
from nerve.kernels import normalization as _normalization
from nerve.kernels import random as _random
from nerve.kernels import spatial as _spatial

learning_phase = phase.learning_phase
set_learning_phase = phase.set_learning_phase

# Ops: every kernel, lifted. Names and arguments are Keras 2's.
dot = lift(_math.dot)
batch_dot = lift(_math.batch_dot)
transpose = lift(_math.transpose)
reshape = lift(_math.reshape)
permute_dimensions = lift(_math.permute_dimensions)
flatten = lift(_math.flatten)
batch_flatten = lift(_math.batch_flatten)
expand_dims = lift(_math.expand_dims)
squeeze = lift(_math.squeeze)
concatenate = lift(_math.concatenate)
stack = lift(_math.stack)
tile = lift(_math.tile)
repeat = lift(_math.repeat)
repeat_elements = lift(_math.repeat_elements)
gather = lift(_math.gather)
one_hot = lift(_math.one_hot)
cast = lift(_math.cast)
zeros_like = lift(_math.zeros_like)
ones_like = lift(_math.ones_like)
stop_gradient = lift(_math.stop_gradient)
sum = lift(_math.sum)  # noqa: A001
mean = lift(_math.mean)
max = lift(_math.max)  # noqa: A001
min = lift(_math.min)  # noqa: A001
prod = lift(_math.prod)
var = lift(_math.var)
std = lift(_math.std)
any = lift(_math.any)  # noqa: A001
all = lift(_math.all)  # noqa: A001
argmax = lift(_math.argmax)
argmin = lift(_math.argmin)
cumsum = lift(_math.cumsum)
square = lift(_math.square)
sqrt = lift(_math.sqrt)
exp = lift(_math.exp)
log = lift(_math.log)
abs = lift(_math.abs)  # noqa: A001
pow = lift(_math.pow)  # noqa: A001
sign = lift(_math.sign)
round = lift(_math.round)  # noqa: A001
clip = lift(_math.clip)
maximum = lift(_math.maximum)
minimum = lift(_math.minimum)
equal = lift(_math.equal)
not_equal = lift(_math.not_equal)
greater = lift(_math.greater)
greater_equal = lift(_math.greater_equal)
less = lift(_math.less)
less_equal = lift(_math.less_equal)
sin = lift(_math.sin)
cos = lift(_math.cos)
switch = lift(_math.switch)
l2_normalize = lift(_math.l2_normalize)
identity = lift(_math.identity)
relu = lift(_nn.relu)
elu = lift(_nn.elu)
sigmoid = lift(_nn.sigmoid)
hard_sigmoid = lift(_nn.hard_sigmoid)
tanh = lift(_nn.tanh)
softmax = lift(_nn.softmax)
softplus = lift(_nn.softplus)
softsign = lift(_nn.softsign)
bias_add = lift(_nn.bias_add)
categorical_crossentropy = lift(_nn.categorical_crossentropy)
sparse_categorical_crossentropy = lift(_nn.sparse_categorical_crossentropy)
binary_crossentropy = lift(_nn.binary_crossentropy)
conv1d = lift(_nn.conv1d)
conv2d = lift(_nn.conv2d)
conv3d = lift(_nn.conv3d)
pool2d = lift(_nn.pool2d)
pool3d = lift(_nn.pool3d)
depthwise_conv2d = lift(_conv.depthwise_conv)
separable_conv2d = lift(_conv.separable_conv)
moments = lift(_normalization.moments)
batch_normalization = lift(_normalization.batch_normalization)
normalize_batch_in_training = lift(_normalization.normalize_batch_in_training)
temporal_padding = lift(_spatial.temporal_padding)
spatial_2d_padding = lift(_spatial.spatial_2d_padding)
spatial_3d_padding = lift(_spatial.spatial_3d_padding)
resize_images = lift(_spatial.resize_images)
resize_volumes = lift(_spatial.resize_volumes)
arange = _math.arange


_shape = lift(_math.shape)


def shape(x):
    """The shape of `x` as an int32 tensor, known statically where the shape is."""
    out = _shape(x)
    if isinstance(out, Tensor):
        out.static_value = x.aval.shape
    return out


# Graph leaves.


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input. `None` dimensions are unknown until fed; the first may
    be fixed too (`shape=X_train.shape`)."""
    if sparse:
        raise ValueError("Sparse placeholders are not supported; feed dense arrays.")
    if shape is None:
        if ndim is None:
            raise ValueError(
                "A placeholder needs its rank: pass `shape` (with None for unknown "
                "dimensions) or `ndim`."
            )
        shape = (None,) * ndim
    return Placeholder(tuple(shape), dtype, name)


def variable(value, dtype=None, name=None, constraint=None):
    """A variable holding `value`, cast to `dtype` (default `floatx()`)."""
    if isinstance(value, Tensor):
        value = eval(value)
    return Variable(np.asarray(value), dtype, name, constraint)


def constant(value, dtype=None, shape=None, name=None):
    """A constant array (concrete: ops on it compute at once)."""
    value = jnp.asarray(value, dtype=config.standardize_dtype(dtype))
    if shape is not None:
        shape = tuple(shape)
        value = jnp.broadcast_to(value, shape) if value.ndim == 0 else jnp.reshape(value, shape)
    return value


def zeros(shape, dtype=None, name=None):
    """A variable of zeros (a variable, as in Keras 2)."""
    return Variable(np.zeros(shape), dtype, name)


def ones(shape, dtype=None, name=None):
    return Variable(np.ones(shape), dtype, name)


def eye(size, dtype=None, name=None):
    """An identity-matrix variable; `size` is `n` or `(rows, columns)`."""
    rows, cols = (size, size) if isinstance(size, int) else tuple(size)
    return Variable(np.eye(rows, cols), dtype, name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    return Variable(eval(random_normal(shape, mean, scale, dtype, seed)), dtype, name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    return Variable(eval(random_uniform(shape, low, high, dtype, seed)), dtype, name)


# Random ops: fresh samples on every call, reproducible from a seed.


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return apply(_random.random_normal, (rng.op_key(seed), shape, mean, stddev, dtype))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return apply(_random.random_uniform, (rng.op_key(seed), shape, minval, maxval, dtype))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    return apply(_random.random_binomial, (rng.op_key(seed), shape, p, dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return apply(_random.truncated_normal, (rng.op_key(seed), shape, mean, stddev, dtype))


def dropout(x, level, noise_shape=None, seed=None):
    return apply(_random.dropout, (rng.op_key(seed), x, level, noise_shape))


# Values.


def eval(x):  # noqa: A001 - the Keras name
    """The value of `x` as a numpy array (compiles it when it is a graph)."""
    if isinstance(x, Variable):
        return x.numpy()
    if isinstance(x, Tensor):
        fn = getattr(x, "_eval_function", None)
        if fn is None:
            fn = x._eval_function = Function([], x, name=f"eval of '{x.name}'")
        return fn([])
    return np.asarray(x)


def get_value(x):
    return eval(x)


def batch_get_value(tensors):
    return [eval(x) for x in tensors]


def set_value(x, value):
    """Sets variable `x` to `value` (same shape; cast to its dtype)."""
    if not isinstance(x, Variable):
        raise TypeError(f"`set_value` needs a variable. Received: x={x!r}")
    x.assign_value(value)


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def update(x, new_x):
    """The update `x ← new_x`, for `K.function(..., updates=[...])`."""
    return (x, new_x)


def update_add(x, increment):
    return (x, x + increment)


def update_sub(x, decrement):
    return (x, x - decrement)


# The learning phase.


def in_train_phase(x, alt, training=None):
    """`x` in the training phase, `alt` otherwise; either may be a callable."""
    if training is None:
        training = learning_phase()
    if not isinstance(training, Tensor):
        chosen = x if training else alt
        return chosen() if callable(chosen) else chosen
    x = x() if callable(x) else x
    alt = alt() if callable(alt) else alt
    return switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)


# Introspection.


def is_placeholder(x):
    return isinstance(x, Placeholder) and not isinstance(x, LearningPhase)


def is_keras_tensor(x):
    """Whether `x` was made by a layer (or `Input`); ValueError for non-tensors."""
    if not isinstance(x, (Tensor, jax.Array, np.ndarray)):
        raise ValueError(
            f"Unexpectedly found an instance of type `{type(x)}`. "
            "Expected a symbolic tensor instance."
        )
    return isinstance(x, Tensor) and x._keras_history is not None


def is_tensor(x):
    return isinstance(x, (Tensor, jax.Array))


def int_shape(x):
    """The static shape, with None for unknown dimensions."""
    if isinstance(x, Tensor):
        return x.shape
    return tuple(np.shape(x))


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    """The dtype name, e.g. `'float32'`."""
    return x.dtype if isinstance(x, Tensor) else jnp.asarray(x).dtype.name


def count_params(x):
    shape = int_shape(x)
    if None in shape:
        raise ValueError(f"`count_params` needs a fully known shape. Received shape {shape}.")
    return int(np.prod(shape, dtype=np.int64))


def clear_session():
    """Resets default names (`dense`, `dense_1`, …) and the learning phase."""
    names.reset()
    phase.set_learning_phase(None)

