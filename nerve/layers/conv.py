"""Convolution layers: Conv1D, Conv2D and Conv3D, and what every convolution shares.

The depthwise and separable layers are in `separable.py`, the transposed ones in
`conv_transpose.py`. Kernels are laid out as in tf-keras, so weights are
interchangeable: `(spatial..., in_channels // groups, filters)`.
"""


from nerve import activations, constraints, initializers, regularizers
from nerve import backend as K
from nerve.config import image_data_format
from nerve.graph import lift
from nerve.kernels import conv as kconv
from nerve.layers.base import InputSpec, Layer
from nerve.layers.core import _activity_loss
from nerve.utils import conv_utils, validation
from nerve.utils.serialization import serialize_object

_conv = lift(kconv.conv)


def normalize_padding(owner, value, rank, names=("valid", "same", "causal")):
    """A padding name from `names`, or `rank` explicit `(before, after)` pairs."""
    return conv_utils.normalize_padding(value, rank, owner=owner, names=names)


def padding_config(padding):
    """`padding` as a JSON value: the name, or a list of [before, after] lists."""
    return padding if isinstance(padding, str) else [list(pair) for pair in padding]


class BaseConv(Layer):
    """What every convolution shares: the window arguments, the bias, the activation.

    Subclasses set `rank`, make their weights in `build` (after `_channels`) and
    write `_convolve(inputs)`.
    """

    rank = None
    padding_names = ("valid", "same", "causal")
    default_data_format = None  # None: `image_data_format()`
    # Keys tf-keras writes in this layer's config that mean nothing here.
    _ignored_config = ()

    def __init__(self, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, bias_initializer="zeros",
                 bias_regularizer=None, activity_regularizer=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        n = self.rank
        self.kernel_size = validation.int_tuple(owner, "kernel_size", kernel_size, n)
        self.strides = validation.int_tuple(owner, "strides", strides, n)
        self.dilation_rate = validation.int_tuple(owner, "dilation_rate", dilation_rate, n)
        self.padding = normalize_padding(owner, padding, n, self.padding_names)
        if data_format is None:
            data_format = self.default_data_format or image_data_format()
        self.data_format = validation.one_of(owner, "data_format", data_format,
                                             ("channels_last", "channels_first"))
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.bias = None
        self.input_spec = InputSpec(ndim=n + 2)

    @property
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _channels(self, input_shape):
        """The number of input channels, which must be known; fixes it in `input_spec`."""
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the input to {validation.owner_of(self)} must be "
                f"known (axis {self._channel_axis % (self.rank + 2)} for "
                f"data_format={self.data_format!r}). Received shape {tuple(input_shape)}."
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        return channels

    def _add_bias(self, size):
        if self.use_bias:
            self.bias = self.add_weight("bias", (size,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _spatial(self, shape):
        return shape[2:] if self.data_format == "channels_first" else shape[1:-1]

    def _check_input(self, shape):
        """A kernel wider than the padded input would fail deep inside XLA: say so here."""
        if self.padding in ("same", "causal"):
            return
        pads = [(0, 0)] * self.rank if self.padding == "valid" else self.padding
        spans = kconv.effective_kernel_size(self.kernel_size, self.dilation_rate)
        for axis, (size, span, (lo, hi)) in enumerate(zip(self._spatial(shape), spans, pads)):
            if size is not None and size + lo + hi < span:
                raise ValueError(
                    f"{validation.owner_of(self)} cannot convolve an input of shape "
                    f"{tuple(shape)}: along spatial axis {axis} its kernel spans {span} cells "
                    f"(kernel_size={self.kernel_size}, dilation_rate={self.dilation_rate}), "
                    f"more than the {size + lo + hi} of the input padded with "
                    f"padding={padding_config(self.padding)!r}. Use a smaller kernel, "
                    "padding='same', or a larger input."
                )

    def _convolve(self, inputs):
        raise NotImplementedError

    def call(self, inputs):
        self._check_input(K.int_shape(inputs))
        outputs = self._convolve(inputs)
        if self.bias is not None:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        outputs = self.activation(outputs)
        if self.activity_regularizer is not None:
            self.add_loss(_activity_loss(self.activity_regularizer, outputs))
        return outputs

    def get_config(self):
        return {
            **super().get_config(),
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": padding_config(self.padding),
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": serialize_object(self.bias_initializer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "activity_regularizer": serialize_object(self.activity_regularizer),
            "bias_constraint": serialize_object(self.bias_constraint),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "groups" in cls._ignored_config and config.get("groups", 1) == 1:
            config.pop("groups", None)
        for key in cls._ignored_config:
            if key != "groups":
                config.pop(key, None)
        return cls(**config)


class Conv(BaseConv):
    """`activation(conv(inputs, kernel) + bias)` over `rank` spatial axes.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of `rank` ints, the window size.
        strides: an int or a tuple of `rank` ints (> 1 together with a
            `dilation_rate` > 1 is allowed, unlike tf-keras).
        padding: 'valid' (none); 'same' (the output is `ceil(input / strides)`
            long, the odd cell of padding after, as TensorFlow); 'causal' (left
            pad `dilation_rate * (kernel_size - 1)` along the first spatial axis,
            'same' along the others: output t never sees input after t); or
            explicit padding: an int, a tuple of `rank` ints, or `rank`
            `(before, after)` pairs.
        data_format: 'channels_last' (`(batch, spatial..., channels)`) or
            'channels_first' (`(batch, channels, spatial...)`); None:
            `image_data_format()` ('channels_last' for Conv1D).
        dilation_rate: an int or a tuple of `rank` ints, the spacing of the
            kernel's taps.
        groups: split the input channels into this many groups, each convolved
            with `filters // groups` filters; divides `filters` and the input channels.
        activation: the activation applied last, or None.
        use_bias: whether a bias is added.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers
            of the weights and the output, or None.
        kernel_constraint, bias_constraint: constraints on the weights, or None.

    Input shape: `(batch, spatial..., channels)` or `(batch, channels, spatial...)`.
    Output shape: the same with `filters` channels; each spatial size `n`
    becomes `(n + pad - d * (k - 1) - 1) // s + 1` (`ceil(n / s)` for 'same'
    and 'causal').

    Raises:
        ValueError: for an invalid argument; when built on an input whose channels
            are unknown or not divisible by `groups`; when called on an input
            narrower than the dilated kernel (with 'valid' or explicit padding).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        owner = validation.owner_of(self)
        self.filters = validation.positive_int(owner, "filters", filters)
        self.groups = validation.positive_int(owner, "groups", groups)
        if self.filters % self.groups:
            validation.fail(owner, "groups", groups,
                            f"a positive integer dividing filters={self.filters}")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{validation.owner_of(self)} has groups={self.groups}, which must divide the "
                f"number of input channels, but the input has {channels} channels "
                f"(shape {tuple(input_shape)})."
            )
        self.kernel = self.add_weight(
            "kernel", self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._add_bias(self.filters)
        self.built = True

    def _convolve(self, inputs):
        return _conv(inputs, self.kernel, strides=self.strides, padding=self.padding,
                     data_format=self.data_format, dilation_rate=self.dilation_rate,
                     groups=self.groups)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "groups": self.groups,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "kernel_constraint": serialize_object(self.kernel_constraint),
        }


class Conv1D(Conv):
    """1-D convolution over `(batch, steps, channels)`; see `Conv` for the arguments.

    Example:
    >>> import numpy as np
    >>> layer = Conv1D(1, 2, padding="causal", kernel_initializer="ones", use_bias=False)
    >>> layer(np.arange(4.0).reshape(1, 4, 1))[0, :, 0].tolist()
    [0.0, 1.0, 3.0, 5.0]
    """

    rank = 1
    default_data_format = "channels_last"


class Conv2D(Conv):
    """2-D convolution over `(batch, rows, cols, channels)`; see `Conv` for the arguments.

    Example:
    >>> import numpy as np
    >>> Conv2D(8, 3, strides=2, padding="same")(np.zeros((1, 5, 5, 3))).shape
    (1, 3, 3, 8)
    """

    rank = 2


class Conv3D(Conv):
    """3-D convolution over `(batch, depth, rows, cols, channels)`; see `Conv` for the
    arguments.

    Example:
    >>> import numpy as np
    >>> Conv3D(2, (1, 2, 3))(np.zeros((1, 4, 4, 4, 3))).shape
    (1, 4, 3, 2, 2)
    """

    rank = 3


# Keras's other names.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
