"""Weight regularizers (tf-keras 2.x): callables from a weight to a scalar penalty.

On a Variable the penalty is a symbolic scalar (a graph node); on an array it
is computed at once.

Example:
>>> import numpy as np
>>> from nerve import regularizers
>>> float(regularizers.l2(0.1)(np.array([1.0, -2.0])))
0.5
"""

import math
import numbers

from nerve import backend as K
from nerve.utils import serialization, validation


class Regularizer:
    """Base class: subclasses implement `__call__(x)` and `get_config()`."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement `get_config()`.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _factor(owner, arg, value, default):
    if value is None:  # as tf-keras: None means the default
        return default
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < math.inf:
        validation.fail(owner, arg, value, "a non-negative number")
    return float(value)


class L1L2(Regularizer):
    """`l1 * sum(abs(x)) + l2 * sum(square(x))`.

    Args:
        l1: the L1 factor (non-negative).
        l2: the L2 factor (non-negative).
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor("L1L2", "l1", l1, 0.0)
        self.l2 = _factor("L1L2", "l2", l2, 0.0)

    def __call__(self, x):
        penalty = None
        if self.l1:
            penalty = self.l1 * K.sum(K.abs(x))
        if self.l2:
            term = self.l2 * K.sum(K.square(x))
            penalty = term if penalty is None else penalty + term
        if penalty is None:
            return K.constant(0.0, dtype=K.dtype(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """`l1 * sum(abs(x))`.

    Args:
        l1: the factor (non-negative).
    """

    def __init__(self, l1=0.01):
        self.l1 = _factor("L1", "l1", l1, 0.01)

    def __call__(self, x):
        return self.l1 * K.sum(K.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(square(x))` (no factor 1/2, as tf-keras).

    Args:
        l2: the factor (non-negative).
    """

    def __init__(self, l2=0.01):
        self.l2 = _factor("L2", "l2", l2, 0.01)

    def __call__(self, x):
        return self.l2 * K.sum(K.square(x))

    def get_config(self):
        return {"l2": self.l2}


def l1_l2(l1=0.01, l2=0.01):
    """An L1L2 regularizer; both factors default to 0.01 here (0 in `L1L2`), as tf-keras."""
    return L1L2(l1=l1, l2=l2)


# Aliases, as tf-keras: `regularizers.l2(0.01)` is an L2.
l1 = L1
l2 = L2

_OBJECTS = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": l1_l2}


def serialize(regularizer):
    """`{"class_name": ..., "config": {...}}` for a regularizer."""
    return serialization.serialize_object(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer a name or a config dict describes."""
    if isinstance(config, str) and config == "l1_l2":
        # The name means the function's defaults (0.01 each), not the class's.
        return l1_l2()
    return serialization.deserialize_object(config, _OBJECTS, custom_objects, kind="regularizer")


def get(identifier):
    """A regularizer from None (None), a name, a config dict, a class or a callable."""
    return serialization.get_object(identifier, deserialize, "regularizers.get")
