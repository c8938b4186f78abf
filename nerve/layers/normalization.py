"""Normalization layers: BatchNormalization and LayerNormalization."""

import numbers

from nerve import backend as K
from nerve import constraints, initializers, regularizers
from nerve.graph import Tensor, lift
from nerve.kernels import normalization as _normalization
from nerve.layers.base import InputSpec, Layer
from nerve.utils import validation
from nerve.utils.serialization import serialize_object

_moments = lift(_normalization.moments)
_batch_normalization = lift(_normalization.batch_normalization)


def _axis_arg(owner, value):
    """An int or a non-empty list of distinct ints, kept as given (a tuple as a list)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    try:
        items = list(value)
    except TypeError:
        items = []
    if (not items or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in items)
            or len(set(items)) != len(items)):
        validation.fail(owner, "axis", value, "an integer or a list of distinct integers")
    return [int(v) for v in items]


def _resolve_axes(layer, input_shape):
    """`layer.axis` as sorted non-negative axes of `input_shape`, each of known size."""
    ndim = len(input_shape)
    axes = [layer.axis] if isinstance(layer.axis, int) else list(layer.axis)
    for axis in axes:
        if not -ndim <= axis < ndim or axis % ndim == 0:
            raise ValueError(
                f'{type(layer).__name__} "{layer.name}" got axis={layer.axis}, out of range '
                f"for an input of shape {input_shape}: expected axes 1 to {ndim - 1} "
                f"(or -{ndim - 1} to -1; axis 0 is the batch)."
            )
    if len({a % ndim for a in axes}) != len(axes):
        raise ValueError(
            f'{type(layer).__name__} "{layer.name}" got axis={layer.axis}, which names an '
            f"axis twice for an input of shape {input_shape}."
        )
    axes = sorted(a % ndim for a in axes)
    if any(input_shape[a] is None for a in axes):
        raise ValueError(
            f'{type(layer).__name__} "{layer.name}" normalizes along axis={layer.axis}, '
            f"whose size must be known. Received an input of shape {input_shape}."
        )
    return axes


class _Normalization(Layer):
    """What both normalizations share: the axis, epsilon, and gamma/beta."""

    def __init__(self, axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                 beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                 **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.axis = _axis_arg(owner, axis)
        self.epsilon = validation.non_negative_float(owner, "epsilon", epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _add_gamma_beta(self, shape):
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)

    def _along(self, v):
        """A parameter of the normalized axes, shaped to broadcast against the input."""
        return None if v is None else K.reshape(v, self._broadcast_shape)

    def _normalize(self, inputs, mean, variance):
        return _batch_normalization(inputs, mean, variance, self._along(self.beta),
                                    self._along(self.gamma), epsilon=self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_object(self.beta_initializer),
            "gamma_initializer": serialize_object(self.gamma_initializer),
            "beta_regularizer": serialize_object(self.beta_regularizer),
            "gamma_regularizer": serialize_object(self.gamma_regularizer),
            "beta_constraint": serialize_object(self.beta_constraint),
            "gamma_constraint": serialize_object(self.gamma_constraint),
        }


class BatchNormalization(_Normalization):
    """Normalizes each feature with the batch's statistics in training and with
    their moving averages in inference, then scales by `gamma` and shifts by `beta`.

    In training (learning phase 1 or `training=True`) the batch mean and biased
    variance over every axis but `axis` normalize the input, and each call's
    update moves `moving_mean` and `moving_variance` towards them:
    `moving = momentum * moving + (1 - momentum) * batch`. Inference uses the
    moving statistics and changes nothing. A layer made with `trainable=False`
    always runs in inference mode, as in tf-keras 2.

    Args:
        axis: the feature axis (or a list of axes): -1 for channels_last, 1 for
            channels_first.
        momentum: the weight of the old moving statistics, in [0, 1].
        epsilon: added to the variance before the square root.
        center, scale: whether to learn `beta` and `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: as their names say.

    Weights: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance`
    (not trainable), in that order: tf-keras's.

    Example:
    >>> import numpy as np
    >>> layer = BatchNormalization(epsilon=0.0)
    >>> x = np.array([[0.0], [4.0]])
    >>> layer(x, training=True).tolist()
    [[-1.0], [1.0]]
    >>> [round(float(w[0]), 4) for w in layer.get_weights()[2:]]  # 0.99·0 + 0.01·2, 0.99 + 0.01·4
    [0.02, 1.03]
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)
        owner = validation.owner_of(self)
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not (
                0 <= momentum <= 1):
            validation.fail(owner, "momentum", momentum, "a number in the range [0, 1]")
        self.momentum = float(momentum)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)

    def build(self, input_shape):
        axes = _resolve_axes(self, input_shape)
        ndim = len(input_shape)
        self._reduction_axes = [a for a in range(ndim) if a not in axes]
        self._broadcast_shape = [input_shape[a] if a in axes else 1 for a in range(ndim)]
        # One axis: parameters of shape (features,); several: the input's rank, with 1
        # on the other axes (as tf-keras stores them).
        shape = (input_shape[axes[0]],) if len(axes) == 1 else tuple(self._broadcast_shape)
        self._add_gamma_beta(shape)
        self.moving_mean = self.add_weight("moving_mean", shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in axes})
        self.built = True

    def call(self, inputs, training=None):
        if not self.trainable:
            training = False  # frozen: inference mode, as tf-keras 2
        if training is None:
            training = K.learning_phase()
        if not isinstance(training, Tensor) and not training:
            return self._inference(inputs)
        mean, variance = _moments(inputs, self._reduction_axes)
        shape = K.int_shape(self.moving_mean)
        mean, variance = K.reshape(mean, shape), K.reshape(variance, shape)
        updates = []
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            new = moving * self.momentum + batch * (1.0 - self.momentum)
            # In inference (learning phase 0) the update writes the old value back.
            updates.append((moving, K.in_train_phase(new, moving, training=training)))
        self.add_update(updates)
        return K.in_train_phase(
            lambda: self._normalize(inputs, self._along(mean), self._along(variance)),
            lambda: self._inference(inputs),
            training=training,
        )

    def _inference(self, inputs):
        return self._normalize(inputs, self._along(self.moving_mean),
                               self._along(self.moving_variance))

    def get_config(self):
        config = super().get_config()
        config.update(
            momentum=self.momentum,
            moving_mean_initializer=serialize_object(self.moving_mean_initializer),
            moving_variance_initializer=serialize_object(self.moving_variance_initializer),
        )
        return config


class LayerNormalization(_Normalization):
    """Normalizes each sample over `axis` (the features by default) with its own mean
    and biased variance, then scales by `gamma` and shifts by `beta`, both of the
    shape of the normalized axes.

    Example:
    >>> import numpy as np
    >>> LayerNormalization(epsilon=0.0)(np.array([[1.0, 3.0]])).tolist()
    [[-1.0, 1.0]]
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                         **kwargs)

    def build(self, input_shape):
        axes = _resolve_axes(self, input_shape)
        ndim = len(input_shape)
        self._axes = axes
        self._broadcast_shape = [input_shape[a] if a in axes else 1 for a in range(ndim)]
        self._add_gamma_beta(tuple(input_shape[a] for a in axes))
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in axes})
        self.built = True

    def call(self, inputs):
        mean, variance = _moments(inputs, self._axes, keepdims=True)
        return self._normalize(inputs, mean, variance)
