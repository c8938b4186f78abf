"""Weight constraints (tf-keras 2.x): projections applied to weights after each update.

`__call__(w)` is pure `jax.numpy` on arrays (so it runs inside a compiled
training step) and builds a graph node on symbolic tensors.

Example:
>>> import numpy as np
>>> from nerve import constraints
>>> np.round(np.asarray(constraints.UnitNorm()(np.array([[3.0], [4.0]]))), 4)
array([[0.6],
       [0.8]], dtype=float32)
"""

import inspect
import math
import numbers

import jax.numpy as jnp

from nerve import config
from nerve.graph import lift
from nerve.utils import serialization, validation


def _norms(w, axis):
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))


@lift
def _max_norm(w, max_value, axis):
    norms = _norms(w, axis)
    return w * (jnp.clip(norms, 0, max_value) / (config.epsilon() + norms))


@lift
def _non_neg(w):
    w = jnp.asarray(w)
    return w * (w >= 0).astype(w.dtype)


@lift
def _unit_norm(w, axis):
    return w / (config.epsilon() + _norms(w, axis))


@lift
def _min_max_norm(w, min_value, max_value, rate, axis):
    norms = _norms(w, axis)
    desired = rate * jnp.clip(norms, min_value, max_value) + (1 - rate) * norms
    return w * (desired / (config.epsilon() + norms))


class Constraint:
    """Base class: subclasses implement `__call__(w)` (returning the projected `w`)."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _non_negative(owner, arg, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < math.inf:
        validation.fail(owner, arg, value, "a non-negative number")
    return value


def _axis(owner, value):
    def is_int(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    if is_int(value):
        return int(value)
    if isinstance(value, (list, tuple)) and value and all(is_int(v) for v in value):
        return tuple(int(v) for v in value)
    validation.fail(owner, "axis", value, "an integer or a tuple of integers")


class MaxNorm(Constraint):
    """Rescales the slices along `axis` whose L2 norm exceeds `max_value`.

    Args:
        max_value: the largest norm allowed (non-negative).
        axis: the axis (or axes) the norms are taken over: 0 for a Dense kernel's
            incoming weights, `[0, 1, 2]` for a Conv2D kernel's.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = _non_negative("MaxNorm", "max_value", max_value)
        self.axis = _axis("MaxNorm", axis)

    def __call__(self, w):
        return _max_norm(w, self.max_value, self.axis)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to 0."""

    def __call__(self, w):
        return _non_neg(w)


class UnitNorm(Constraint):
    """Rescales the slices along `axis` to an L2 norm of 1.

    Args:
        axis: the axis (or axes) the norms are taken over.
    """

    def __init__(self, axis=0):
        self.axis = _axis("UnitNorm", axis)

    def __call__(self, w):
        return _unit_norm(w, self.axis)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the L2 norms of the slices along `axis` into `[min_value, max_value]`.

    Args:
        min_value: the smallest norm allowed (non-negative).
        max_value: the largest norm allowed (at least `min_value`).
        rate: how far to move each step: 1 projects at once, less moves part way
            (`rate * clipped_norm + (1 - rate) * norm`); in [0, 1].
        axis: the axis (or axes) the norms are taken over.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _non_negative("MinMaxNorm", "min_value", min_value)
        self.max_value = _non_negative("MinMaxNorm", "max_value", max_value)
        if max_value < min_value:
            validation.fail(
                "MinMaxNorm",
                "max_value",
                max_value,
                f"a number of at least min_value={min_value!r}",
            )
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
            validation.fail("MinMaxNorm", "rate", rate, "a number in [0, 1]")
        self.rate = rate
        self.axis = _axis("MinMaxNorm", axis)

    def __call__(self, w):
        return _min_max_norm(w, self.min_value, self.max_value, self.rate, self.axis)

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


# Aliases, as tf-keras (the last three from Keras 1).
max_norm = maxnorm = MaxNorm
non_neg = nonneg = NonNeg
unit_norm = unitnorm = UnitNorm
min_max_norm = MinMaxNorm

_OBJECTS = {
    name: obj
    for name, obj in globals().items()
    if inspect.isclass(obj) and issubclass(obj, Constraint) and obj is not Constraint
}


def serialize(constraint):
    """`{"class_name": ..., "config": {...}}` for a constraint."""
    return serialization.serialize_object(constraint)


def deserialize(config, custom_objects=None):
    """The constraint a name or a config dict describes."""
    return serialization.deserialize_object(config, _OBJECTS, custom_objects, kind="constraint")


def get(identifier):
    """A constraint from None (None), a name, a config dict, a class or a callable."""
    return serialization.get_object(identifier, deserialize, "constraints.get")
