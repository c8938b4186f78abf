"""Activation functions (tf-keras 2.x), on symbolic tensors and on arrays alike.

Example:
>>> import numpy as np
>>> from nerve import activations
>>> np.asarray(activations.get("relu")(np.array([-1.0, 2.0])))
array([0., 2.], dtype=float32)
>>> activations.serialize(activations.softmax)
'softmax'
"""

from nerve import backend as K
from nerve.graph import lift
from nerve.kernels import nn as _nn
from nerve.utils import serialization, validation

_selu = lift(_nn.selu)
_gelu = lift(_nn.gelu)
_swish = lift(_nn.swish)
_exponential = lift(_nn.exponential)
_leaky_relu = lift(_nn.leaky_relu)


def linear(x):
    """The identity: returns `x` unchanged."""
    return x


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, as `K.relu`.

    Args:
        x: a tensor or array.
        alpha: slope below `threshold`.
        max_value: the largest output, or None for no limit.
        threshold: inputs at or below it give 0 (or the `alpha` slope).
    """
    return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def sigmoid(x):
    """`1 / (1 + exp(-x))`."""
    return K.sigmoid(x)


def hard_sigmoid(x):
    """A piecewise-linear sigmoid: `clip(0.2 * x + 0.5, 0, 1)`."""
    return K.hard_sigmoid(x)


def tanh(x):
    """Hyperbolic tangent."""
    return K.tanh(x)


def softmax(x, axis=-1):
    """Softmax along `axis` (an int or a tuple of ints).

    Raises:
        ValueError: if `x` has fewer than 2 dimensions, as tf-keras.
    """
    if K.ndim(x) <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x!r}")
    return K.softmax(x, axis=axis)


def softplus(x):
    """`log(exp(x) + 1)`."""
    return K.softplus(x)


def softsign(x):
    """`x / (abs(x) + 1)`."""
    return K.softsign(x)


def elu(x, alpha=1.0):
    """Exponential linear unit: `x` if `x > 0`, else `alpha * (exp(x) - 1)`."""
    return K.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU with the self-normalising constants (alpha≈1.6733, scale≈1.0507)."""
    return _selu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit; `approximate=True` uses the tanh formula."""
    return _gelu(x, approximate=approximate)


def swish(x):
    """`x * sigmoid(x)` (also called SiLU)."""
    return _swish(x)


silu = swish


def exponential(x):
    """`exp(x)`."""
    return _exponential(x)


def leaky_relu(x, alpha=0.3):
    """`x` if `x >= 0`, else `alpha * x`."""
    return _leaky_relu(x, alpha=alpha)


_OBJECTS = {
    fn.__name__: fn
    for fn in (
        linear,
        relu,
        sigmoid,
        hard_sigmoid,
        tanh,
        softmax,
        softplus,
        softsign,
        elu,
        selu,
        gelu,
        swish,
        exponential,
        leaky_relu,
    )
}
_OBJECTS["silu"] = swish


def serialize(activation):
    """The activation's name (a config dict for objects with `get_config`)."""
    return serialization.serialize_object(activation)


def deserialize(name, custom_objects=None):
    """The activation function called `name` (or described by a config dict)."""
    return serialization.deserialize_object(
        name, _OBJECTS, custom_objects, kind="activation function"
    )


def get(identifier):
    """An activation function from None (linear), a name, a config dict or a callable."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    validation.fail(
        "activations.get", "identifier", identifier, "None, a name, a config dict or a callable"
    )
