"""Transposed convolutions: Conv1DTranspose, Conv2DTranspose and Conv3DTranspose.

The kernel is laid out as in tf-keras, `(spatial..., filters, in_channels)`.
Each input cell adds the kernel times its value to the output, `strides` cells
apart; per axis the output is `s * (i - 1) + k_eff - pad + output_padding`
long (conv arithmetic), with `k_eff = d * (k - 1) + 1`, pad 0 for 'valid' and
`k_eff - s` for 'same' (so that 'same' gives `i * s`).
"""

from nerve import constraints, initializers, regularizers
from nerve.graph import lift
from nerve.kernels import conv as kconv
from nerve.layers.conv import BaseConv, padding_config
from nerve.utils import validation
from nerve.utils.serialization import serialize_object

_conv_transpose = lift(kconv.conv_transpose)


class ConvTranspose(BaseConv):
    """The transpose of a convolution (its gradient), often called deconvolution.

    Args:
        filters: the number of output channels.
        kernel_size, strides, dilation_rate: as for `Conv`; `strides` spreads the
            input cells apart in the output.
        padding: 'valid' (the full output), 'same' (`input * strides` long; the
            odd cell cropped after, as TensorFlow), or explicit padding cropped
            from the full output: an int, a tuple of `rank` ints, or `rank`
            `(before, after)` pairs. 'causal' is refused.
        output_padding: None, or an int or a tuple of `rank` ints, each smaller
            than the stride: cells added after each axis of the output, to pick
            among the input sizes a strided convolution maps to the same size.
        data_format, activation, use_bias: as for `Conv`.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers
            of the weights and the output, or None.
        kernel_constraint, bias_constraint: constraints on the weights, or None.

    Input shape: `(batch, spatial..., channels)` or `(batch, channels, spatial...)`.
    Output shape: the same with `filters` channels, each spatial size `i`
    becoming `s * (i - 1) + k_eff - pad + output_padding`.

    Unlike tf-keras, the output size follows that one formula with or without
    `output_padding` (tf-keras gives `i * s` for 'valid' when `k_eff < s`, and
    pads 'same' by `k_eff // 2` on both sides once `output_padding` is set).

    Raises:
        ValueError: for an invalid argument; when built on an input whose channels
            are unknown; when called on an input whose output would be empty.
    """

    padding_names = ("valid", "same")
    _ignored_config = ("groups",)

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        owner = validation.owner_of(self)
        self.filters = validation.positive_int(owner, "filters", filters)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = validation.int_tuple(owner, "output_padding", output_padding,
                                                       self.rank, minimum=0)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                validation.fail(owner, "output_padding", output_padding,
                                f"values smaller than the strides {self.strides}")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self.add_weight(
            "kernel", self.kernel_size + (self.filters, channels),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._add_bias(self.filters)
        self.built = True

    def _check_input(self, shape):
        """Explicit padding can crop away the whole output: say so before XLA does."""
        if isinstance(self.padding, str):
            return
        spans = kconv.effective_kernel_size(self.kernel_size, self.dilation_rate)
        extra = self.output_padding or (0,) * self.rank
        for axis, (size, span, s, (lo, hi), e) in enumerate(
            zip(self._spatial(shape), spans, self.strides, self.padding, extra)
        ):
            if size is not None and s * (size - 1) + span + e - lo - hi < 1:
                raise ValueError(
                    f"{validation.owner_of(self)} cannot crop padding="
                    f"{padding_config(self.padding)!r} from its output on an input of shape "
                    f"{tuple(shape)}: along spatial axis {axis} the full output has only "
                    f"{s * (size - 1) + span + e} cells."
                )

    def _convolve(self, inputs):
        return _conv_transpose(inputs, self.kernel, strides=self.strides, padding=self.padding,
                               data_format=self.data_format, dilation_rate=self.dilation_rate,
                               output_padding=self.output_padding)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "output_padding": self.output_padding,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "kernel_constraint": serialize_object(self.kernel_constraint),
        }


class Conv1DTranspose(ConvTranspose):
    """Transposed 1-D convolution; see `ConvTranspose` for the arguments.

    Example:
    >>> import numpy as np
    >>> Conv1DTranspose(2, 3, strides=2)(np.zeros((1, 4, 3))).shape
    (1, 9, 2)
    """

    rank = 1


class Conv2DTranspose(ConvTranspose):
    """Transposed 2-D convolution; see `ConvTranspose` for the arguments.

    Example:
    >>> import numpy as np
    >>> Conv2DTranspose(2, 3, strides=2, padding="same")(np.zeros((1, 4, 4, 3))).shape
    (1, 8, 8, 2)
    """

    rank = 2


class Conv3DTranspose(ConvTranspose):
    """Transposed 3-D convolution; see `ConvTranspose` for the arguments.

    Example:
    >>> import numpy as np
    >>> Conv3DTranspose(2, 2, strides=2)(np.zeros((1, 2, 2, 2, 1))).shape
    (1, 4, 4, 4, 2)
    """

    rank = 3


# Keras's other names (Deconvolution2D/3D from Keras 1 and 2.0).
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
Deconvolution2D = Conv2DTranspose
Deconvolution3D = Conv3DTranspose
