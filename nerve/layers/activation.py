"""Activation layers with arguments: ReLU, LeakyReLU, PReLU, ELU, Softmax, ThresholdedReLU.

Example:
>>> import numpy as np
>>> ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 3.0]])).tolist()
[[0.0, 0.5, 1.0]]
"""

import numbers

from nerve import backend as K
from nerve import constraints, initializers, regularizers
from nerve.layers.base import InputSpec, Layer
from nerve.utils import validation
from nerve.utils.serialization import serialize_object


class ReLU(Layer):
    """tf-keras's rectifier: `x` above `threshold` (clipped at `max_value`), else
    `negative_slope * (x - threshold)`.

    Args:
        max_value: the largest output (non-negative), or None for no limit.
        negative_slope: the slope below `threshold` (non-negative).
        threshold: the input at which the unit switches on (non-negative).
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        if max_value is not None:
            max_value = validation.non_negative_float(owner, "max_value", max_value)
        self.max_value = max_value
        self.negative_slope = validation.non_negative_float(owner, "negative_slope",
                                                            negative_slope)
        self.threshold = validation.non_negative_float(owner, "threshold", threshold)
        self.supports_masking = True

    def call(self, inputs):
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                      threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """`x` for `x > 0`, else `alpha * x`.

    Args:
        alpha: the slope below 0 (non-negative).
    """

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = validation.non_negative_float(validation.owner_of(self), "alpha", alpha)
        self.supports_masking = True

    def call(self, inputs):
        return K.relu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """A leaky rectifier whose slopes are learned: `x` for `x > 0`, else `alpha * x`.

    `alpha` has one entry per position of a sample (the input shape without the
    batch axis); the axes in `shared_axes` share one, e.g. `shared_axes=[1, 2]`
    for one slope per channel of an image.

    Args:
        alpha_initializer: initializer of `alpha`.
        alpha_regularizer: regularizer of `alpha`, or None.
        alpha_constraint: constraint on `alpha`, or None.
        shared_axes: an axis or a list of axes (1 or more: the batch axis is
            always shared) along which `alpha` is shared, or None.
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is not None:
            axes = shared_axes if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if any(isinstance(a, bool) or not isinstance(a, numbers.Integral) or a < 1
                   for a in axes):
                validation.fail(validation.owner_of(self), "shared_axes", shared_axes,
                                "None, a positive integer or a list of positive integers")
            shared_axes = [int(a) for a in axes]
        self.shared_axes = shared_axes
        self.supports_masking = True

    def build(self, input_shape):
        rank = len(input_shape)
        shared = set(self.shared_axes or ())
        if any(axis >= rank for axis in shared):
            raise ValueError(
                f'PReLU "{self.name}" cannot share alpha along axes {self.shared_axes}: '
                f"its input has rank {rank}. Received: input_shape={input_shape}"
            )
        unknown = [i for i in range(1, rank) if i not in shared and input_shape[i] is None]
        if unknown:
            raise ValueError(
                f'PReLU "{self.name}" needs the size of every axis that has its own alpha, but '
                f"axes {unknown} are unknown; list them in `shared_axes`. "
                f"Received: input_shape={input_shape}"
            )
        shape = tuple(1 if i in shared else input_shape[i] for i in range(1, rank))
        self.alpha = self.add_weight("alpha", shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.input_spec = InputSpec(
            ndim=rank, axes={i: input_shape[i] for i in range(1, rank) if i not in shared}
        )
        self.built = True

    def call(self, inputs):
        return K.relu(inputs) - self.alpha * K.relu(-inputs)

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": serialize_object(self.alpha_initializer),
            "alpha_regularizer": serialize_object(self.alpha_regularizer),
            "alpha_constraint": serialize_object(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class ELU(Layer):
    """Exponential linear unit: `x` for `x > 0`, else `alpha * (exp(x) - 1)`.

    Args:
        alpha: the scale of the negative part (non-negative).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = validation.non_negative_float(validation.owner_of(self), "alpha", alpha)
        self.supports_masking = True

    def call(self, inputs):
        return K.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax along `axis` (an int, or a list of ints to normalize over together).

    Called with `mask` (1 to keep, 0 to drop; broadcast against the input), the
    dropped positions get (almost) zero probability.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or any(isinstance(a, bool) or not isinstance(a, numbers.Integral)
                           for a in axes):
            validation.fail(validation.owner_of(self), "axis", axis,
                            "an integer or a non-empty list of integers")
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            # tf-keras's large negative: exp underflows to 0, without inf - inf = NaN.
            inputs = inputs + (1.0 - K.cast(mask, K.dtype(inputs))) * -1e9
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        return K.softmax(inputs, axis=axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class ThresholdedReLU(Layer):
    """`x` for `x > theta`, else 0.

    Args:
        theta: the threshold (non-negative).
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = validation.non_negative_float(validation.owner_of(self), "theta", theta)
        self.supports_masking = True

    def call(self, inputs):
        return inputs * K.cast(K.greater(inputs, self.theta), K.dtype(inputs))

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}
