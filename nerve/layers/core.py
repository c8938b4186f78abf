"""Core layers: Dense, Activation, Dropout, Flatten and ActivityRegularization."""



from nerve import activations, constraints, initializers, regularizers
from nerve import backend as K
from nerve.layers.base import InputSpec, Layer
from nerve.utils import validation
from nerve.utils.serialization import serialize_object


class Dense(Layer):
    """`activation(dot(inputs, kernel) + bias)` over the last axis.

    Example:
    >>> import numpy as np
    >>> layer = Dense(3, kernel_initializer="ones")
    >>> layer(np.ones((2, 4))).tolist()
    [[4.0, 4.0, 4.0], [4.0, 4.0, 4.0]]
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.units = validation.positive_int(owner, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        last = input_shape[-1]
        if last is None:
            raise ValueError(
                f'The last dimension of the input to Dense "{self.name}" must be known. '
                f"Received shape {input_shape}."
            )
        self.kernel = self.add_weight("kernel", (last, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.built = True

    def call(self, inputs):
        outputs = K.dot(inputs, self.kernel)
        if self.bias is not None:
            outputs = K.bias_add(outputs, self.bias)
        outputs = self.activation(outputs)
        if self.activity_regularizer is not None:
            self.add_loss(_activity_loss(self.activity_regularizer, outputs))
        return outputs

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "activity_regularizer": serialize_object(self.activity_regularizer),
            "kernel_constraint": serialize_object(self.kernel_constraint),
            "bias_constraint": serialize_object(self.bias_constraint),
        }


class Activation(Layer):
    """Applies an activation function by name or callable."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a `rate` fraction of the inputs in training, scaling the rest by 1/(1-rate)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.rate = validation.rate(owner, "rate", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        if seed is not None:
            validation.non_negative_int(owner, "seed", seed)
        self.seed = seed

    def call(self, inputs, training=None):
        if self.rate == 0:
            return inputs
        noise_shape = self._get_noise_shape(inputs)
        return K.in_train_phase(
            lambda: K.dropout(inputs, self.rate, noise_shape, seed=self.seed),
            inputs, training=training,
        )

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        # None means "the input's size", known only when the graph runs.
        shape = K.shape(inputs)
        return tuple(shape[i] if n is None else n for i, n in enumerate(self.noise_shape))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


class Flatten(Layer):
    """Flattens every axis but the batch axis."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        from nerve.config import normalize_data_format

        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        if self.data_format == "channels_first" and K.ndim(inputs) > 2:
            inputs = K.permute_dimensions(inputs, (0,) + tuple(range(2, K.ndim(inputs))) + (1,))
        if K.ndim(inputs) == 1:
            return K.expand_dims(inputs, 1)
        return K.batch_flatten(inputs)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _activity_loss(regularizer, outputs):
    # As tf-keras 2.x: divided by the batch size, so the strength does not depend on it.
    penalty = regularizer(outputs)
    return penalty / K.cast(K.shape(outputs)[0], K.dtype(penalty))


class ActivityRegularization(Layer):
    """Passes its input through and adds `l1 * sum(|x|) + l2 * sum(x²)`, divided
    by the batch size (as tf-keras 2.x), to `layer.losses`.

    Args:
        l1: the L1 factor (non-negative).
        l2: the L2 factor (non-negative).

    Example:
    >>> from nerve.layers import Input
    >>> layer = ActivityRegularization(l2=0.1)
    >>> _ = layer(Input(shape=(3,)))
    >>> len(layer.losses)
    1
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.l1 = validation.non_negative_float(owner, "l1", l1)
        self.l2 = validation.non_negative_float(owner, "l2", l2)
        self.activity_regularizer = regularizers.L1L2(l1=self.l1, l2=self.l2)
        self.supports_masking = True

    def call(self, inputs):
        self.add_loss(_activity_loss(self.activity_regularizer, inputs))
        return inputs

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
