"""Depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D.

Weights are laid out as in tf-keras: the depthwise kernel is
`(spatial..., in_channels, depth_multiplier)`, the pointwise kernel
`(1, ..., 1, in_channels * depth_multiplier, filters)`.
"""

from nerve import constraints, initializers, regularizers
from nerve.graph import lift
from nerve.kernels import conv as kconv
from nerve.layers.conv import BaseConv
from nerve.utils import validation
from nerve.utils.serialization import serialize_object

_depthwise_conv = lift(kconv.depthwise_conv)
_separable_conv = lift(kconv.separable_conv)


class DepthwiseConv(BaseConv):
    """Each input channel convolved with `depth_multiplier` filters of its own.

    Output channel `c * depth_multiplier + m` is input channel c through its
    filter m, as in TensorFlow.

    Args:
        kernel_size, strides, padding, data_format, dilation_rate: as for `Conv`
            ('causal' included).
        depth_multiplier: the number of filters per input channel.
        activation, use_bias: as for `Conv`.
        depthwise_initializer, bias_initializer: initializers of the weights.
        depthwise_regularizer, bias_regularizer, activity_regularizer:
            regularizers of the weights and the output, or None.
        depthwise_constraint, bias_constraint: constraints on the weights, or None.

    Input shape: `(batch, spatial..., channels)` or `(batch, channels, spatial...)`.
    Output shape: the same with `channels * depth_multiplier` channels, the
    spatial sizes as for `Conv`.

    Raises:
        ValueError: for an invalid argument; when built on an input whose channels
            are unknown; when called on an input narrower than the dilated kernel.
    """

    _ignored_config = ("groups",)

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        owner = validation.owner_of(self)
        self.depth_multiplier = validation.positive_int(owner, "depth_multiplier",
                                                        depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def _convolve(self, inputs):
        return _depthwise_conv(inputs, self.depthwise_kernel, strides=self.strides,
                               padding=self.padding, data_format=self.data_format,
                               dilation_rate=self.dilation_rate)

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": serialize_object(self.depthwise_initializer),
            "depthwise_regularizer": serialize_object(self.depthwise_regularizer),
            "depthwise_constraint": serialize_object(self.depthwise_constraint),
        }


class DepthwiseConv1D(DepthwiseConv):
    """Depthwise 1-D convolution; see `DepthwiseConv` for the arguments.

    Example:
    >>> import numpy as np
    >>> DepthwiseConv1D(3, depth_multiplier=2)(np.zeros((1, 5, 3))).shape
    (1, 3, 6)
    """

    rank = 1


class DepthwiseConv2D(DepthwiseConv):
    """Depthwise 2-D convolution; see `DepthwiseConv` for the arguments.

    Example:
    >>> import numpy as np
    >>> DepthwiseConv2D(3, padding="same")(np.zeros((1, 4, 4, 3))).shape
    (1, 4, 4, 3)
    """

    rank = 2


class SeparableConv(BaseConv):
    """A depthwise convolution, then a 1×…×1 convolution mixing its channels
    into `filters` outputs, then the bias and activation.

    Args:
        filters: the number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: as for `Conv`
            ('causal' included), all for the depthwise step.
        depth_multiplier: the number of depthwise filters per input channel.
        activation, use_bias: as for `Conv`.
        depthwise_initializer, pointwise_initializer, bias_initializer:
            initializers of the weights.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
            activity_regularizer: regularizers of the weights and the output, or None.
        depthwise_constraint, pointwise_constraint, bias_constraint: constraints
            on the weights, or None.

    Input shape: `(batch, spatial..., channels)` or `(batch, channels, spatial...)`.
    Output shape: the same with `filters` channels, the spatial sizes as for `Conv`.

    Raises:
        ValueError: for an invalid argument; when built on an input whose channels
            are unknown; when called on an input narrower than the dilated kernel.
    """

    # tf-keras writes its Conv base's kernel arguments into this config too.
    _ignored_config = ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        owner = validation.owner_of(self)
        self.filters = validation.positive_int(owner, "filters", filters)
        self.depth_multiplier = validation.positive_int(owner, "depth_multiplier",
                                                        depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (channels * self.depth_multiplier,
                                                    self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, inputs):
        return _separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel,
                               strides=self.strides, padding=self.padding,
                               data_format=self.data_format, dilation_rate=self.dilation_rate)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": serialize_object(self.depthwise_initializer),
            "pointwise_initializer": serialize_object(self.pointwise_initializer),
            "depthwise_regularizer": serialize_object(self.depthwise_regularizer),
            "pointwise_regularizer": serialize_object(self.pointwise_regularizer),
            "depthwise_constraint": serialize_object(self.depthwise_constraint),
            "pointwise_constraint": serialize_object(self.pointwise_constraint),
        }


class SeparableConv1D(SeparableConv):
    """Separable 1-D convolution; see `SeparableConv` for the arguments.

    Example:
    >>> import numpy as np
    >>> SeparableConv1D(4, 3, padding="causal")(np.zeros((1, 6, 2))).shape
    (1, 6, 4)
    """

    rank = 1


class SeparableConv2D(SeparableConv):
    """Separable 2-D convolution; see `SeparableConv` for the arguments.

    Example:
    >>> import numpy as np
    >>> SeparableConv2D(4, 3, depth_multiplier=2)(np.zeros((1, 5, 5, 2))).shape
    (1, 3, 3, 4)
    """

    rank = 2


# Keras's other names.
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
