"""Zero padding, cropping and upsampling over the spatial axes of N-D inputs."""

import jax
import jax.numpy as jnp

from nerve.config import normalize_data_format
from nerve.kernels.pooling import spatial_axes


def spatial_padding(x, padding, data_format=None):
    """Pads each spatial axis with zeros; `padding` holds one `(before, after)` per axis."""
    axes = spatial_axes(x.ndim, normalize_data_format(data_format))
    pads = [(0, 0)] * x.ndim
    for axis, pair in zip(axes, padding):
        pads[axis] = tuple(pair)
    return jnp.pad(x, pads)


def spatial_cropping(x, cropping, data_format=None):
    """Drops `(before, after)` cells from each spatial axis."""
    axes = spatial_axes(x.ndim, normalize_data_format(data_format))
    index = [slice(None)] * x.ndim
    for axis, (before, after) in zip(axes, cropping):
        index[axis] = slice(before, x.shape[axis] - after)
    return x[tuple(index)]


def upsample(x, size, data_format=None, interpolation="nearest"):
    """Scales each spatial axis by the integer in `size`.

    'nearest' repeats every cell; 'bilinear' interpolates as `tf.image.resize`
    (half-pixel centres, edges clamped).
    """
    axes = spatial_axes(x.ndim, normalize_data_format(data_format))
    if interpolation == "nearest":
        for axis, factor in zip(axes, size):
            x = jnp.repeat(x, factor, axis=axis)
        return x
    if interpolation != "bilinear":
        raise ValueError(
            "`interpolation` must be 'nearest' or 'bilinear'. "
            f"Received: interpolation={interpolation!r}"
        )
    shape = list(x.shape)
    for axis, factor in zip(axes, size):
        shape[axis] = shape[axis] * factor
    # Upsampling only: no antialiasing to worry about, and jax.image's triangle
    # kernel renormalised at the edges equals TensorFlow's clamped coordinates.
    return jax.image.resize(x, tuple(shape), method="bilinear")


# Keras 2's backend names and signatures.


def temporal_padding(x, padding=(1, 1)):
    """Pads axis 1 of a `(batch, steps, features)` tensor."""
    return spatial_padding(x, [padding], "channels_last")


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    return spatial_padding(x, padding, data_format)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    return spatial_padding(x, padding, data_format)


def resize_images(x, height_factor, width_factor, data_format=None, interpolation="nearest"):
    return upsample(x, (height_factor, width_factor), data_format, interpolation)


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format=None):
    return upsample(x, (depth_factor, height_factor, width_factor), data_format)
