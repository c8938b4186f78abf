"""Global settings of the Keras 2 backend: float type, fuzz factor, image layout."""

import jax
import jax.numpy as jnp

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")


def floatx():
    """The default float type, as a string (`"float32"` unless changed)."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type; `"float64"` also turns on JAX's 64-bit mode."""
    global _FLOATX
    if value not in _FLOAT_TYPES:
        raise ValueError(
            f"Unknown `floatx` value, expected one of {_FLOAT_TYPES}. Received: value={value!r}"
        )
    if value == "float64":
        jax.config.update("jax_enable_x64", True)
    _FLOATX = value


def epsilon():
    """The fuzz factor used to keep logarithms and divisions finite (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """`"channels_last"` (default) or `"channels_first"`."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    data_format = normalize_data_format(data_format)
    _IMAGE_DATA_FORMAT = data_format


def normalize_data_format(value):
    if value is None:
        return _IMAGE_DATA_FORMAT
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of 'channels_first', "
            f"'channels_last'. Received: data_format={value!r}"
        )
    return value


def standardize_dtype(dtype=None):
    """A Keras dtype name for `dtype`: `None` and `"float"` mean `floatx()`.

    64-bit integers become 32-bit unless JAX's 64-bit mode is on (as JAX does);
    a 64-bit float is refused then, since silently losing precision is worse.
    """
    if dtype is None or dtype == "float" or dtype is float:
        return _FLOATX
    if dtype == "int" or dtype is int:
        dtype = "int32"
    name = jnp.dtype(dtype).name
    if not jax.config.jax_enable_x64:
        if name in ("float64", "complex128"):
            raise ValueError(
                f"dtype={name!r} needs JAX's 64-bit mode. Call "
                "`nerve.backend.set_floatx('float64')` or "
                "`jax.config.update('jax_enable_x64', True)` first, or use 'float32'."
            )
        name = {"int64": "int32", "uint64": "uint32"}.get(name, name)
    return name
