"""Noise layers: GaussianNoise, GaussianDropout, SpatialDropout1D and SpatialDropout2D.

Each is active only in training (`K.in_train_phase`) and the identity at inference.
"""

import math

from nerve import backend as K
from nerve.config import normalize_data_format
from nerve.layers.base import InputSpec, Layer
from nerve.layers.core import Dropout
from nerve.utils import validation


def _seed(owner, seed):
    if seed is not None:
        validation.non_negative_int(owner, "seed", seed)
    return seed


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise of standard deviation `stddev` in training.

    Args:
        stddev: the standard deviation of the noise (non-negative).
        seed: an integer for reproducible noise, or None.

    Input shape: any. Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> layer = GaussianNoise(0.1)
    >>> layer(np.ones((2, 3))).tolist()  # inference: the identity
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.stddev = validation.non_negative_float(owner, "stddev", stddev)
        self.seed = _seed(owner, seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        def noisy():
            noise = K.random_normal(K.shape(inputs), 0.0, self.stddev, dtype=K.dtype(inputs),
                                    seed=self.seed)
            return inputs + noise

        return K.in_train_phase(noisy, inputs, training=training)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies the input by noise drawn from N(1, rate / (1 - rate)) in training.

    Args:
        rate: the drop probability of the equivalent Dropout, in [0, 1).
        seed: an integer for reproducible noise, or None.

    Input shape: any. Output shape: the input's.

    Example:
    >>> import numpy as np
    >>> GaussianDropout(0.2)(np.ones((1, 2))).tolist()  # inference: the identity
    [[1.0, 1.0]]
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.rate = validation.rate(owner, "rate", rate)
        self.seed = _seed(owner, seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))

        def noisy():
            noise = K.random_normal(K.shape(inputs), 1.0, stddev, dtype=K.dtype(inputs),
                                    seed=self.seed)
            return inputs * noise

        return K.in_train_phase(noisy, inputs, training=training)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: one draw per sample and channel."""

    def __init__(self, rate, seed=None, **kwargs):
        # tf-keras configs carry Dropout's `noise_shape` (None): accept only that.
        noise_shape = kwargs.pop("noise_shape", None)
        super().__init__(rate, seed=seed, **kwargs)
        if noise_shape is not None:
            validation.fail(validation.owner_of(self), "noise_shape", noise_shape,
                            "None (the layer drops whole channels)")


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of a `(batch, steps, channels)` input in training.

    Args:
        rate: the fraction of channels to drop, in [0, 1); kept ones are
            scaled by `1 / (1 - rate)`.
        seed: an integer for reproducible masks, or None.

    Example:
    >>> import numpy as np
    >>> SpatialDropout1D(0.5)(np.ones((1, 2, 3))).shape
    (1, 2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs):
        shape = K.shape(inputs)
        return (shape[0], 1, shape[2])


class SpatialDropout2D(_SpatialDropout):
    """Drops whole channels of a 4D input in training.

    Args:
        rate: the fraction of channels to drop, in [0, 1); kept ones are
            scaled by `1 / (1 - rate)`.
        data_format: 'channels_last' (`(batch, rows, cols, channels)`) or
            'channels_first' (`(batch, channels, rows, cols)`); None means
            `K.image_data_format()`.
        seed: an integer for reproducible masks, or None.

    Example:
    >>> import numpy as np
    >>> SpatialDropout2D(0.5)(np.ones((1, 2, 2, 3))).shape
    (1, 2, 2, 3)
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        if data_format is not None:
            validation.one_of(validation.owner_of(self), "data_format", data_format,
                              ("channels_last", "channels_first"))
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _get_noise_shape(self, inputs):
        shape = K.shape(inputs)
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[3])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
