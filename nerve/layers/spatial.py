"""Spatial reshaping layers: zero padding, cropping and upsampling in 1-3 D.

(tf-keras files these under `layers/reshaping` with Reshape and Flatten;
here they sit apart from the core layers since they work per spatial axis.)
"""

import numbers

from nerve.graph import lift
from nerve.kernels import spatial as _spatial
from nerve.layers.base import InputSpec, Layer
from nerve.layers.pooling import data_format_arg
from nerve.utils import validation

_pad = lift(_spatial.spatial_padding)
_crop = lift(_spatial.spatial_cropping)
_upsample = lift(_spatial.upsample)


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0


def _pairs(owner, arg, value, rank):
    """One `(before, after)` pair of non-negative ints per spatial axis, from an int
    (everywhere), a tuple of `rank` ints (one per axis, both sides) or of `rank`
    pairs; for one axis a tuple of 2 ints is the pair itself."""
    if rank == 1:
        expected = "a non-negative integer or a tuple of 2 of them (before, after)"
    else:
        expected = (f"a non-negative integer, a tuple of {rank} of them, or a tuple of "
                    f"{rank} tuples of 2 of them (before, after)")
    if _is_int(value):
        return ((int(value),) * 2,) * rank
    try:
        items = tuple(value)
        if rank == 1 and len(items) == 2 and all(_is_int(v) for v in items):
            return (tuple(int(v) for v in items),)
        if rank > 1 and len(items) == rank and all(_is_int(v) for v in items):
            return tuple((int(v),) * 2 for v in items)
        pairs = tuple(tuple(p) for p in items)
    except TypeError:
        pairs = ()
    if rank == 1 or len(pairs) != rank or any(
            len(p) != 2 or not all(_is_int(v) for v in p) for p in pairs):
        validation.fail(owner, arg, value, expected)
    return tuple((int(a), int(b)) for a, b in pairs)


def _spatial_shape(layer, shape):
    axes = range(1, layer.rank + 1) if layer.data_format == "channels_last" else range(
        2, layer.rank + 2)
    return [shape[a] for a in axes]


class _ZeroPadding(Layer):
    rank = None

    def __init__(self, padding, data_format, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self._pairs = _pairs(owner, "padding", padding, self.rank)
        self.data_format = data_format_arg(owner, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    @property
    def padding(self):
        return self._pairs[0] if self.rank == 1 else self._pairs

    def call(self, inputs):
        return _pad(inputs, self._pairs, self.data_format)

    def get_config(self):
        config = {**super().get_config(), "padding": self.padding}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class ZeroPadding1D(_ZeroPadding):
    """Adds zeros before and after the steps of `(batch, steps, features)` inputs.

    Args:
        padding: an int (both sides) or a tuple `(before, after)`.

    Example:
    >>> import numpy as np
    >>> ZeroPadding1D((1, 2))(np.ones((1, 2, 1)))[0, :, 0].tolist()
    [0.0, 1.0, 1.0, 0.0, 0.0]
    """

    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding, "channels_last", **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros around images.

    Args:
        padding: an int (everywhere), `(rows, cols)` (each on both sides) or
            `((top, bottom), (left, right))`.
        data_format: 'channels_last' or 'channels_first'; None means
            `image_data_format()`.

    Example:
    >>> import numpy as np
    >>> ZeroPadding2D(1)(np.ones((1, 1, 1, 1)))[0, :, :, 0].tolist()
    [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Adds zeros around volumes: `padding` is an int, 3 ints or 3 `(before, after)` pairs."""

    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(Layer):
    rank = None

    def __init__(self, cropping, data_format, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self._pairs = _pairs(owner, "cropping", cropping, self.rank)
        self.data_format = data_format_arg(owner, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    @property
    def cropping(self):
        return self._pairs[0] if self.rank == 1 else self._pairs

    def call(self, inputs):
        spatial = _spatial_shape(self, inputs.shape)
        for size, (before, after) in zip(spatial, self._pairs):
            if size is not None and before + after >= size:
                raise ValueError(
                    f'{type(self).__name__} "{self.name}" would crop away a whole axis: '
                    f"cropping={self.cropping} removes {before + after} of {size} cells. "
                    f"Received an input of shape {inputs.shape} ({self.data_format})."
                )
        return _crop(inputs, self._pairs, self.data_format)

    def get_config(self):
        config = {**super().get_config(), "cropping": self.cropping}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class Cropping1D(_Cropping):
    """Drops steps at the start and end of `(batch, steps, features)` inputs.

    Example:
    >>> import numpy as np
    >>> Cropping1D((1, 2))(np.arange(5.0).reshape(1, 5, 1))[0, :, 0].tolist()
    [1.0, 2.0]
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, "channels_last", **kwargs)


class Cropping2D(_Cropping):
    """Drops rows and columns at the edges of images: `cropping` as `ZeroPadding2D`'s
    `padding`."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Drops cells at the edges of volumes."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class _UpSampling(Layer):
    rank = None

    def __init__(self, size, data_format, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.size = validation.int_tuple(owner, "size", size, self.rank)
        self.data_format = data_format_arg(owner, data_format)
        self.interpolation = validation.one_of(owner, "interpolation", interpolation,
                                               ("nearest", "bilinear"))
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        return _upsample(inputs, self.size, self.data_format, self.interpolation)


class UpSampling1D(_UpSampling):
    """Repeats each step `size` times.

    Example:
    >>> import numpy as np
    >>> UpSampling1D(2)(np.array([[[1.0], [2.0]]]))[0, :, 0].tolist()
    [1.0, 1.0, 2.0, 2.0]
    """

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, "channels_last", **kwargs)
        self.size = self.size[0]  # an int, as tf-keras keeps it

    def call(self, inputs):
        return _upsample(inputs, (self.size,), self.data_format)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(_UpSampling):
    """Scales images up by `size = (rows, cols)`.

    Args:
        size: an int or a tuple of 2 positive ints.
        data_format: 'channels_last' or 'channels_first'; None means
            `image_data_format()`.
        interpolation: 'nearest' (repeat each cell) or 'bilinear' (as
            `tf.image.resize`: half-pixel centres, edges clamped).

    Example:
    >>> import numpy as np
    >>> UpSampling2D(2)(np.array([[[[1.0]]]]))[0, :, :, 0].tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, interpolation, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Scales volumes up by repeating each cell `size` times along each axis."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
