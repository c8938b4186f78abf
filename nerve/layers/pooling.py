"""Pooling layers: max and average pooling over windows, and global pooling, in 1-3 D."""

from nerve import backend as K
from nerve.config import image_data_format
from nerve.graph import lift
from nerve.kernels import pooling as _pooling
from nerve.layers.base import InputSpec, Layer
from nerve.utils import validation

_pool = lift(_pooling.pool)


def data_format_arg(owner, value):
    """`data_format` checked; None means `image_data_format()`."""
    if value is None:
        return image_data_format()
    return validation.one_of(owner, "data_format", value, ("channels_first", "channels_last"))


def padding_arg(owner, value, choices=("valid", "same")):
    """`padding` checked, in lower case as tf-keras keeps it."""
    lowered = value.lower() if isinstance(value, str) else value
    if lowered not in choices:
        validation.one_of(owner, "padding", value, choices)
    return lowered


class _Pooling(Layer):
    """Max or average pooling over windows of `pool_size` cells, moved by `strides`.

    `pool_size`, `strides` and `padding` are attributes: `pool_size` and
    `strides` as tuples of one int per spatial axis.
    """

    rank = None
    pool_mode = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.pool_size = validation.int_tuple(owner, "pool_size", pool_size, self.rank)
        self.strides = (self.pool_size if strides is None
                        else validation.int_tuple(owner, "strides", strides, self.rank))
        self.padding = padding_arg(owner, padding)
        self.data_format = data_format_arg(owner, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        if self.padding == "valid":
            shape = K.int_shape(inputs)
            axes = _pooling.spatial_axes(len(shape), self.data_format)
            for axis, size in zip(axes, self.pool_size):
                if shape[axis] is not None and shape[axis] < size:
                    raise ValueError(
                        f'{type(self).__name__} "{self.name}" with pool_size={self.pool_size} '
                        f"and padding='valid' needs spatial sizes of at least the pool size. "
                        f"Received an input of shape {shape} ({self.data_format}); "
                        "use padding='same' or a smaller pool_size."
                    )
        return _pool(inputs, self.pool_size, self.strides, self.padding, self.data_format,
                     self.pool_mode)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(_Pooling):
    """Max pooling over the steps of `(batch, steps, features)` inputs
    (`(batch, features, steps)` with `data_format='channels_first'`).

    Args:
        pool_size: the window size, a positive int (or a tuple of one).
        strides: how far the window moves; None means `pool_size`.
        padding: 'valid' (windows inside the input) or 'same' (the input padded
            with -inf so that `ceil(steps / strides)` windows fit).
        data_format: 'channels_last' (default) or 'channels_first'.

    Example:
    >>> import numpy as np
    >>> MaxPooling1D(2)(np.arange(6.0).reshape(1, 6, 1))[0, :, 0].tolist()
    [1.0, 3.0, 5.0]
    """

    rank, pool_mode = 1, "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pooling):
    """Average pooling over steps; with 'same' padding only real cells are averaged."""

    rank, pool_mode = 1, "avg"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(_Pooling):
    """Max pooling over the rows and columns of images.

    Args:
        pool_size: an int or a tuple of 2 (rows, columns).
        strides: an int, a tuple of 2, or None (the pool size).
        padding: 'valid' or 'same' (padded with -inf).
        data_format: 'channels_last' or 'channels_first'; None means
            `image_data_format()`.

    Input shape: `(batch, rows, cols, channels)` (or channels first).
    Output shape: `(batch, pooled_rows, pooled_cols, channels)`.

    Example:
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> MaxPooling2D()(x)[0, :, :, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """

    rank, pool_mode = 2, "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    """Average pooling over the rows and columns of images ('same': real cells only)."""

    rank, pool_mode = 2, "avg"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling3D(_Pooling):
    """Max pooling over the three spatial axes of volumes."""

    rank, pool_mode = 3, "max"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling3D(_Pooling):
    """Average pooling over the three spatial axes of volumes ('same': real cells only)."""

    rank, pool_mode = 3, "avg"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPooling(Layer):
    """The max or mean over every spatial axis; `keepdims=True` keeps them as size 1."""

    rank = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.data_format = data_format_arg(owner, data_format)
        if not isinstance(keepdims, bool):
            validation.fail(owner, "keepdims", keepdims, "True or False")
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _axes(self):
        return _pooling.spatial_axes(self.rank + 2, self.data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class _GlobalMaxPooling(_GlobalPooling):
    def call(self, inputs):
        return K.max(inputs, axis=self._axes(), keepdims=self.keepdims)


class _GlobalAveragePooling(_GlobalPooling):
    def call(self, inputs):
        return K.mean(inputs, axis=self._axes(), keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMaxPooling):
    """The max over steps: `(batch, steps, features)` → `(batch, features)`.

    Example:
    >>> import numpy as np
    >>> GlobalMaxPooling1D()(np.array([[[1.0], [3.0], [2.0]]])).tolist()
    [[3.0]]
    """

    rank = 1

    def __init__(self, data_format="channels_last", keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)


class GlobalAveragePooling1D(_GlobalAveragePooling):
    """The mean over steps; a `mask` (batch, steps) passed to the call averages
    over the unmasked steps only, as tf-keras.

    Example:
    >>> import numpy as np
    >>> GlobalAveragePooling1D()(np.array([[[1.0], [3.0], [2.0]]])).tolist()
    [[2.0]]
    """

    rank = 1

    def __init__(self, data_format="channels_last", keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps = self._axes()[0]
        weights = K.expand_dims(K.cast(mask, K.dtype(inputs)), 1 if steps == 2 else 2)
        total = K.sum(inputs * weights, axis=steps, keepdims=self.keepdims)
        return total / K.sum(weights, axis=steps, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling2D(_GlobalMaxPooling):
    """The max over rows and columns: `(batch, rows, cols, channels)` → `(batch, channels)`."""

    rank = 2


class GlobalAveragePooling2D(_GlobalAveragePooling):
    """The mean over rows and columns: `(batch, rows, cols, channels)` → `(batch, channels)`."""

    rank = 2


class GlobalMaxPooling3D(_GlobalMaxPooling):
    """The max over the three spatial axes of volumes."""

    rank = 3


class GlobalAveragePooling3D(_GlobalAveragePooling):
    """The mean over the three spatial axes of volumes."""

    rank = 3


# Keras's short names.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)
