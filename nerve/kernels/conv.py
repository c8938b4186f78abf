"""Convolutions of any rank: plain and grouped, depthwise, separable and transposed.

Kernels are laid out as tf-keras lays them out, so weights are interchangeable:
plain `(spatial..., in_channels // groups, out_channels)`, depthwise
`(spatial..., in_channels, depth_multiplier)`, transposed
`(spatial..., out_channels, in_channels)`.

`padding` is 'valid'; 'same' (the odd cell of padding after, as TensorFlow);
'causal' (before the first spatial axis `dilation * (kernel - 1)` cells, so
output t never sees input after t; 'same' along the other axes); or explicit
`(before, after)` pairs, one per spatial axis.
"""

import functools

import jax
import jax.numpy as jnp
from jax import lax

from nerve.config import normalize_data_format


def _tuple(value, n):
    return (value,) * n if isinstance(value, int) else tuple(value)


def _dimension_numbers(n, data_format, kernel="IO"):
    spatial = "DHW"[3 - n:]
    lhs = "NC" + spatial if data_format == "channels_first" else "N" + spatial + "C"
    return lhs, spatial + kernel, lhs


def _spatial_shape(x, data_format):
    return x.shape[2:] if data_format == "channels_first" else x.shape[1:-1]


def effective_kernel_size(kernel_size, dilation_rate):
    """The span `dilation * (kernel - 1) + 1` of each dilated kernel axis."""
    return tuple(d * (k - 1) + 1 for k, d in zip(kernel_size, dilation_rate))


def conv_padding(padding, sizes, kernel_size, strides, dilation_rate):
    """`(before, after)` per spatial axis of a convolution over inputs of `sizes`."""
    spans = effective_kernel_size(kernel_size, dilation_rate)
    if not isinstance(padding, str):
        return [tuple(pair) for pair in padding]
    if padding == "valid":
        return [(0, 0)] * len(spans)
    if padding == "same":
        return list(lax.padtype_to_pads(sizes, spans, strides, "SAME"))
    if padding == "causal":
        rest = lax.padtype_to_pads(sizes[1:], spans[1:], strides[1:], "SAME")
        return [(spans[0] - 1, 0)] + list(rest)
    raise ValueError(
        "`padding` must be 'valid', 'same', 'causal' or (before, after) pairs. "
        f"Received: padding={padding!r}"
    )


def conv_transpose_padding(padding, kernel_size, strides, dilation_rate, output_padding=None):
    """`(before, after)` cropped from each axis of the full transposed output.

    The full output of an input of size i is `s * (i - 1) + k_eff` long; 'valid'
    keeps it, 'same' crops it to `i * s` (the extra cell after, as TensorFlow; a
    negative crop appends zeros), explicit pairs crop as given.
    """
    spans = effective_kernel_size(kernel_size, dilation_rate)
    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0)] * len(spans)
        elif padding == "same":
            pads = [(max(k - s, 0) // 2, k - s - max(k - s, 0) // 2)
                    for k, s in zip(spans, strides)]
        else:
            raise ValueError(
                "`padding` of a transposed convolution must be 'valid', 'same' or "
                f"(before, after) pairs. Received: padding={padding!r}"
            )
    else:
        pads = [tuple(pair) for pair in padding]
    extra = (0,) * len(spans) if output_padding is None else _tuple(output_padding, len(spans))
    return [(lo, hi - e) for (lo, hi), e in zip(pads, extra)]


def conv(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, groups=1):
    """N-D convolution (cross-correlation, as every deep-learning library) of
    `x` with a `(spatial..., in_channels // groups, out_channels)` kernel."""
    data_format = normalize_data_format(data_format)
    n = x.ndim - 2
    strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
    pads = conv_padding(padding, _spatial_shape(x, data_format), kernel.shape[:n], strides,
                        dilation)
    return _convolve(x, kernel, data_format, strides, pads, (1,) * n, dilation, groups)


def depthwise_conv(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each input channel convolved with its own `depth_multiplier` filters; output
    channel `c * depth_multiplier + m` is channel c's filter m, as TensorFlow."""
    in_channels, multiplier = kernel.shape[-2:]
    kernel = kernel.reshape(kernel.shape[:-2] + (1, in_channels * multiplier))
    return conv(x, kernel, strides, padding, data_format, dilation_rate, groups=in_channels)


def separable_conv(x, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """A depthwise convolution followed by a 1×…×1 convolution mixing the channels."""
    x = depthwise_conv(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(x, pointwise_kernel, 1, "valid", data_format)


def conv_transpose(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1,
                   output_padding=None):
    """The transpose (gradient) of a convolution, with a `(spatial..., out_channels,
    in_channels)` kernel: each input cell adds the kernel times its value to the
    output, `strides` cells apart. Output size `s * (i - 1) + k_eff - pad +
    output_padding` per axis ('same': `i * s + output_padding`)."""
    data_format = normalize_data_format(data_format)
    n = x.ndim - 2
    strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
    size = kernel.shape[:n]
    crops = conv_transpose_padding(padding, size, strides, dilation, output_padding)
    spans = effective_kernel_size(size, dilation)
    # A stride-1 convolution of the input spread `strides` apart with the flipped
    # kernel; the full transposed output needs `span - 1` cells of padding each side.
    pads = [(k - 1 - lo, k - 1 - hi) for k, (lo, hi) in zip(spans, crops)]
    kernel = jnp.swapaxes(lax.rev(kernel, tuple(range(n))), -1, -2)
    return _convolve(x, kernel, data_format, (1,) * n, pads, strides, dilation, 1)


# Every convolution above is one `lax.conv_general_dilated` with a
# (spatial..., in, out) kernel. Differentiated by JAX, its kernel gradient is a
# convolution in a layout XLA:CPU runs with a slow generic loop once it sits in a
# `lax.scan` or `while` (25x slower than outside one: `fit` scans its steps). On
# CPU both gradients are therefore written by hand as convolutions in the
# canonical layout (batch, spatial..., channels) x (spatial..., in, out), the
# transposes explicit. Other backends choose their own layouts.


def _canonical_gradients():
    return jax.default_backend() == "cpu"


def _convolve(x, kernel, data_format, strides, pads, lhs_dilation, rhs_dilation, groups):
    n = x.ndim - 2
    pads = tuple((lo, hi) for lo, hi in pads)
    if not _canonical_gradients():
        return lax.conv_general_dilated(
            x, kernel, strides, pads, lhs_dilation, rhs_dilation,
            dimension_numbers=_dimension_numbers(n, data_format), feature_group_count=groups,
        )
    if data_format == "channels_first":
        x = jnp.moveaxis(x, 1, -1)
    y = _canonical_conv(x, kernel, strides, pads, lhs_dilation, rhs_dilation, groups)
    return jnp.moveaxis(y, -1, 1) if data_format == "channels_first" else y


def _lax_conv(x, kernel, strides, pads, lhs_dilation, rhs_dilation, groups=1, batch_groups=1):
    return lax.conv_general_dilated(
        x, kernel, strides, pads, lhs_dilation, rhs_dilation,
        dimension_numbers=_dimension_numbers(x.ndim - 2, "channels_last"),
        feature_group_count=groups, batch_group_count=batch_groups,
    )


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4, 5, 6))
def _canonical_conv(x, kernel, strides, pads, lhs_dilation, rhs_dilation, groups):
    return _lax_conv(x, kernel, strides, pads, lhs_dilation, rhs_dilation, groups)


def _canonical_conv_fwd(x, kernel, strides, pads, lhs_dilation, rhs_dilation, groups):
    y = _lax_conv(x, kernel, strides, pads, lhs_dilation, rhs_dilation, groups)
    return y, (x, kernel)


def _canonical_conv_bwd(strides, pads, lhs_dilation, rhs_dilation, groups, saved, dy):
    # y[o] = sum_k xp[o * s + k * d] . w[k], with xp the input spread `lhs_dilation`
    # apart and padded: per axis, `needed` cells of xp are read, the rest get no gradient.
    x, kernel = saved
    n = x.ndim - 2
    size, sizes_in, sizes_out = kernel.shape[:n], x.shape[1:-1], dy.shape[1:-1]
    spans = effective_kernel_size(size, rhs_dilation)
    needed = [(o - 1) * s + k for o, s, k in zip(sizes_out, strides, spans)]
    spread = [(i - 1) * ld + 1 for i, ld in zip(sizes_in, lhs_dilation)]

    # dx[i] = sum_o dy[o] . w[k]^T where o * s + k * d = i * l + lo: dy spread
    # `strides` apart, convolved with the flipped kernel, every `lhs_dilation`-th cell.
    cin, cout = kernel.shape[-2:]
    flipped = lax.rev(kernel, tuple(range(n))).reshape(size + (cin, groups, cout // groups))
    flipped = jnp.swapaxes(flipped, -1, -3).reshape(size + (cout // groups, groups * cin))
    dx_pads = [(k - 1 - lo, (i - 1) * ld + k - (k - 1 - lo) - ((o - 1) * s + 1))
               for k, (lo, _), i, ld, o, s in zip(spans, pads, sizes_in, lhs_dilation,
                                                   sizes_out, strides)]
    dx = _lax_conv(dy, flipped, lhs_dilation, dx_pads, strides, rhs_dilation, groups)

    # dw[k] = sum_{n, o} xp[n, o * s + k * d]^T dy[n, o]: a convolution with the
    # channels as batch and the batch as channels (each group its own batch group).
    dw_pads = [(lo, needed_ - lo - p) for (lo, _), needed_, p in zip(pads, needed, spread)]
    x_t = jnp.moveaxis(x, (0, n + 1), (n + 1, 0))  # (channels, spatial..., batch)
    dy_t = jnp.moveaxis(dy, 0, n)  # (spatial..., batch, channels)
    dw = _lax_conv(x_t, dy_t, rhs_dilation, dw_pads, lhs_dilation, strides, batch_groups=groups)
    return dx.astype(x.dtype), jnp.moveaxis(dw, 0, n).astype(kernel.dtype)


_canonical_conv.defvjp(_canonical_conv_fwd, _canonical_conv_bwd)
