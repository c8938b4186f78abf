"""Layer wrappers: TimeDistributed."""

from nerve import backend as K
from nerve.layers.base import InputSpec, Layer
from nerve.utils import validation


def _sizes(x):
    """The shape of `x`: static sizes where known, graph values elsewhere."""
    dynamic = K.shape(x)
    return tuple(dynamic[i] if d is None else d for i, d in enumerate(K.int_shape(x)))


class TimeDistributed(Layer):
    """Applies `layer` to every temporal slice (axis 1) of the input.

    The slices are folded into the batch axis, `(batch * time, ...)`, so the
    inner layer runs once; its weights are this layer's weights.

    Args:
        layer: the layer to apply to each step.

    Input shape: `(batch, time, ...)`.
    Output shape: `(batch, time) + ` the inner layer's output shape without its batch axis.

    Example:
    >>> import numpy as np
    >>> from nerve.layers import Dense
    >>> TimeDistributed(Dense(2))(np.ones((4, 3, 5))).shape
    (4, 3, 2)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            validation.fail(validation.owner_of(self), "layer", layer, "a Layer instance")
        self.layer = layer
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build((None,) + tuple(input_shape[2:]))
            self.layer.built = True
        self.built = True

    def call(self, inputs, training=None):
        sizes = _sizes(inputs)
        outputs = self.layer(K.reshape(inputs, (-1,) + sizes[2:]), training=training)
        return K.reshape(outputs, sizes[:2] + _sizes(outputs)[1:])

    def get_config(self):
        from nerve.layers import serialize

        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nerve.layers import deserialize

        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
