"""Convolution layers against explicit-loop numpy references, causality, the harness,
and their argument checks."""

import json
import re

import jax
import numpy as np
import pytest
from jax import lax

from nerve import backend as K
from nerve.kernels import conv as kconv
from nerve.layers import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    Convolution2D,
    Deconvolution2D,
    DepthwiseConv1D,
    DepthwiseConv2D,
    Input,
    SeparableConv1D,
    SeparableConv2D,
    deserialize,
)

from harness import run_layer_test

RNG = np.random.default_rng(0)


def randn(*shape):
    return RNG.normal(size=shape).astype("float32")


# Numpy references: one output (or input) cell at a time, in float64.


def np_pads(padding, sizes, kernel_size, strides, dilation):
    """TensorFlow's padding: 'same' puts the odd cell after; 'causal' all before axis 0."""
    spans = [d * (k - 1) + 1 for k, d in zip(kernel_size, dilation)]
    if not isinstance(padding, str):
        return list(padding)
    if padding == "valid":
        return [(0, 0)] * len(sizes)
    pads = []
    for n, span, s in zip(sizes, spans, strides):
        total = max((-(-n // s) - 1) * s + span - n, 0)
        pads.append((total // 2, total - total // 2))
    if padding == "causal":
        pads[0] = (spans[0] - 1, 0)
    return pads


def _to_last(x, channels_first):
    return np.moveaxis(np.float64(x), 1, -1) if channels_first else np.float64(x)


def _from_last(out, channels_first):
    return np.float32(np.moveaxis(out, -1, 1) if channels_first else out)


def np_conv(x, kernel, strides, padding, dilation, groups=1, channels_first=False):
    """Each output cell: the dot of the kernel with the window of its group's channels."""
    x = _to_last(x, channels_first)
    n = x.ndim - 2
    size = kernel.shape[:n]
    x = np.pad(x, [(0, 0)] + np_pads(padding, x.shape[1:-1], size, strides, dilation) + [(0, 0)])
    spans = [d * (k - 1) + 1 for k, d in zip(size, dilation)]
    out_size = [(m - span) // s + 1 for m, span, s in zip(x.shape[1:-1], spans, strides)]
    cin, cout = kernel.shape[-2], kernel.shape[-1]
    out = np.zeros((len(x), *out_size, cout))
    for o in np.ndindex(*out_size):
        for k in np.ndindex(*size):
            at = tuple(i * s + j * d for i, j, s, d in zip(o, k, strides, dilation))
            for f in range(cout):
                g = f // (cout // groups)
                out[(slice(None), *o, f)] += x[(slice(None), *at)][:, g * cin:(g + 1) * cin] @ \
                    kernel[k][:, f]
    return _from_last(out, channels_first)


def np_depthwise(x, kernel, strides, padding, dilation, channels_first=False):
    """Output channel c * multiplier + m: input channel c alone through its filter m."""
    x = _to_last(x, channels_first)
    n = x.ndim - 2
    size = kernel.shape[:n]
    x = np.pad(x, [(0, 0)] + np_pads(padding, x.shape[1:-1], size, strides, dilation) + [(0, 0)])
    spans = [d * (k - 1) + 1 for k, d in zip(size, dilation)]
    out_size = [(m - span) // s + 1 for m, span, s in zip(x.shape[1:-1], spans, strides)]
    channels, mult = kernel.shape[-2:]
    out = np.zeros((len(x), *out_size, channels * mult))
    for o in np.ndindex(*out_size):
        for k in np.ndindex(*size):
            at = tuple(i * s + j * d for i, j, s, d in zip(o, k, strides, dilation))
            for c, m in np.ndindex(channels, mult):
                out[(slice(None), *o, c * mult + m)] += x[(slice(None), *at, c)] * kernel[k][c, m]
    return _from_last(out, channels_first)


def np_conv_transpose(x, kernel, strides, crops, dilation, output_padding=None,
                      channels_first=False):
    """Scatters each input cell times the kernel (spatial..., out, in) into the full
    output, then crops `(before, after)` per axis (a negative crop adds zeros) and
    appends `output_padding` cells."""
    x = _to_last(x, channels_first)
    n = x.ndim - 2
    size = kernel.shape[:n]
    spans = [d * (k - 1) + 1 for k, d in zip(size, dilation)]
    full_size = [s * (i - 1) + span for i, s, span in zip(x.shape[1:-1], strides, spans)]
    extra = output_padding or (0,) * n
    margin = [max(0, -lo) for lo, _ in crops]
    tail = [max(0, -hi) + e for (_, hi), e in zip(crops, extra)]
    full = np.zeros((len(x), *[m + f + t for m, f, t in zip(margin, full_size, tail)],
                     kernel.shape[-2]))
    for i in np.ndindex(*x.shape[1:-1]):
        for k in np.ndindex(*size):
            at = tuple(m + a * s + b * d for m, a, b, s, d in zip(margin, i, k, strides, dilation))
            full[(slice(None), *at)] += x[(slice(None), *i)] @ kernel[k].T
    out_size = [f - lo - hi + e for f, (lo, hi), e in zip(full_size, crops, extra)]
    window = tuple(slice(m + lo, m + lo + o) for m, (lo, _), o in zip(margin, crops, out_size))
    return _from_last(full[(slice(None), *window)], channels_first)


def run(layer, x):
    """The layer's output on `x` and its weights, the bias random so it counts."""
    out = layer(x)
    return out, layer.get_weights()


def check(out, ref, rank):
    assert out.shape == ref.shape, (out.shape, ref.shape)
    tol = 1e-4 if rank == 3 else 1e-5
    np.testing.assert_allclose(out, ref, rtol=tol, atol=tol)


# Plain convolutions.

CONV_CASES = [
    # (rank, kwargs, input spatial size)
    (1, {"padding": "valid"}, (7,)),
    (1, {"padding": "same", "strides": 2}, (7,)),
    (1, {"padding": "causal", "dilation_rate": 2}, (7,)),
    (1, {"padding": (2, 1), "strides": 2, "dilation_rate": 2}, (8,)),
    (1, {"padding": "causal", "data_format": "channels_first", "strides": 2}, (7,)),
    (1, {"padding": "same", "groups": 2, "filters": 4}, (6,)),
    (2, {"padding": "valid", "strides": (2, 1)}, (5, 6)),
    (2, {"padding": "same", "dilation_rate": 2, "strides": 2}, (6, 5)),
    (2, {"padding": "causal", "strides": (1, 2)}, (5, 6)),
    (2, {"padding": "causal", "data_format": "channels_first", "dilation_rate": (2, 1)}, (5, 4)),
    (2, {"padding": ((1, 0), (0, 2)), "data_format": "channels_first"}, (4, 5)),
    (2, {"padding": 1, "groups": 2, "filters": 2, "kernel_size": (2, 3)}, (4, 4)),
    (3, {"padding": "valid", "kernel_size": (2, 2, 1)}, (3, 4, 3)),
    (3, {"padding": "same", "strides": 2, "data_format": "channels_first"}, (3, 4, 3)),
    (3, {"padding": "causal", "groups": 2, "filters": 2, "dilation_rate": (2, 1, 1)}, (4, 3, 3)),
    (3, {"padding": (1, 0, 1), "strides": (1, 2, 1)}, (3, 3, 2)),
]


@pytest.mark.parametrize("rank, kwargs, spatial", CONV_CASES)
def test_conv_matches_numpy(rank, kwargs, spatial):
    kwargs = {"filters": 3, "kernel_size": 3 if rank < 3 else 2, **kwargs,
              "bias_initializer": "random_normal"}
    channels_first = kwargs.get("data_format") == "channels_first"
    channels = 4 if kwargs.get("groups", 1) > 1 else 2
    x = randn(2, channels, *spatial) if channels_first else randn(2, *spatial, channels)
    layer = (Conv1D, Conv2D, Conv3D)[rank - 1](**kwargs)
    out, (kernel, bias) = run(layer, x)
    ref = np_conv(x, kernel, layer.strides, layer.padding, layer.dilation_rate, layer.groups,
                  channels_first)
    bias = bias.reshape((-1,) + (1,) * rank) if channels_first else bias
    check(out, ref + bias, rank)


def test_conv_activation_and_no_bias():
    x = randn(2, 5, 3)
    layer = Conv1D(2, 2, activation="relu", use_bias=False)
    out, (kernel,) = run(layer, x)
    check(out, np.maximum(np_conv(x, kernel, (1,), "valid", (1,)), 0), 1)


# Exact small cases.


def test_exact_causal_and_same_with_a_kernel_of_ones():
    x = np.arange(4.0, dtype="float32").reshape(1, 4, 1)
    ones = {"kernel_initializer": "ones", "use_bias": False}
    assert Conv1D(1, 2, padding="causal", **ones)(x)[0, :, 0].tolist() == [0, 1, 3, 5]
    assert Conv1D(1, 2, padding="same", **ones)(x)[0, :, 0].tolist() == [1, 3, 5, 3]
    x = np.arange(10.0, dtype="float32").reshape(1, 10, 1)
    out = Conv1D(1, 3, padding="causal", dilation_rate=2, **ones)(x)[0, :, 0]
    assert out.tolist() == [0, 1, 2, 4, 6, 9, 12, 15, 18, 21]


# Causality: perturbing input t leaves every output before t as it was.


@pytest.mark.parametrize("kernel", [2, 3, 5])
@pytest.mark.parametrize("dilation", [1, 2, 4])
@pytest.mark.parametrize("rank", [1, 2])
def test_causal_outputs_never_see_the_future(kernel, dilation, rank):
    steps, t = 12, 6
    x = randn(1, steps, *(4,) * (rank - 1), 2)
    perturbed = x.copy()
    perturbed[:, t] += 10.0
    layer = (Conv1D, Conv2D)[rank - 1](3, kernel, padding="causal", dilation_rate=dilation)
    out = layer(np.concatenate([x, perturbed]))
    assert out.shape[1:-1] == x.shape[1:-1]  # stride 1 keeps every size
    np.testing.assert_array_equal(out[0, :t], out[1, :t])
    assert not np.allclose(out[0, t], out[1, t])


@pytest.mark.parametrize("layer_cls", [DepthwiseConv1D, SeparableConv1D])
def test_causal_depthwise_and_separable(layer_cls):
    x = randn(1, 9, 2)
    perturbed = x.copy()
    perturbed[:, 5] += 10.0
    args = (3,) if layer_cls is DepthwiseConv1D else (2, 3)
    out = layer_cls(*args, padding="causal", dilation_rate=2)(np.concatenate([x, perturbed]))
    assert out.shape[1] == 9
    np.testing.assert_array_equal(out[0, :5], out[1, :5])
    assert not np.allclose(out[0, 5], out[1, 5])


# Depthwise and separable.

DEPTHWISE_CASES = [
    (1, {"padding": "valid", "depth_multiplier": 2}, (7,)),
    (1, {"padding": "causal", "dilation_rate": 2, "data_format": "channels_first"}, (6,)),
    (2, {"padding": "same", "strides": 2, "depth_multiplier": 2}, (5, 5)),
    (2, {"padding": ((0, 1), (2, 0)), "data_format": "channels_first", "dilation_rate": 2},
     (5, 4)),
]


@pytest.mark.parametrize("rank, kwargs, spatial", DEPTHWISE_CASES)
def test_depthwise_matches_numpy(rank, kwargs, spatial):
    channels_first = kwargs.get("data_format") == "channels_first"
    x = randn(2, 3, *spatial) if channels_first else randn(2, *spatial, 3)
    layer = (DepthwiseConv1D, DepthwiseConv2D)[rank - 1](
        3, bias_initializer="random_normal", **kwargs)
    out, (kernel, bias) = run(layer, x)
    assert kernel.shape == (3,) * rank + (3, layer.depth_multiplier)
    ref = np_depthwise(x, kernel, layer.strides, layer.padding, layer.dilation_rate,
                       channels_first)
    bias = bias.reshape((-1,) + (1,) * rank) if channels_first else bias
    check(out, ref + bias, rank)


@pytest.mark.parametrize("rank, kwargs, spatial", DEPTHWISE_CASES)
def test_separable_matches_numpy(rank, kwargs, spatial):
    channels_first = kwargs.get("data_format") == "channels_first"
    x = randn(2, 3, *spatial) if channels_first else randn(2, *spatial, 3)
    layer = (SeparableConv1D, SeparableConv2D)[rank - 1](
        4, 3, bias_initializer="random_normal", **kwargs)
    out, (depthwise, pointwise, bias) = run(layer, x)
    assert pointwise.shape == (1,) * rank + (3 * layer.depth_multiplier, 4)
    mid = np_depthwise(x, depthwise, layer.strides, layer.padding, layer.dilation_rate,
                       channels_first)
    ref = np_conv(mid, pointwise, (1,) * rank, "valid", (1,) * rank,
                  channels_first=channels_first)
    bias = bias.reshape((-1,) + (1,) * rank) if channels_first else bias
    check(out, ref + bias, rank)


# Transposed convolutions.


def transpose_crops(padding, kernel_size, strides, dilation):
    """Conv arithmetic: 'valid' crops nothing, 'same' crops k_eff - s (odd cell after)."""
    if not isinstance(padding, str):
        return list(padding)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel_size, dilation)]
    if padding == "valid":
        return [(0, 0)] * len(spans)
    return [(max(k - s, 0) // 2, k - s - max(k - s, 0) // 2) for k, s in zip(spans, strides)]


TRANSPOSE_CASES = [
    # (rank, kwargs, input spatial size, expected output spatial size)
    (1, {"padding": "valid", "strides": 2}, (4,), (9,)),
    (1, {"padding": "same", "strides": 2}, (4,), (8,)),
    (1, {"padding": "same", "strides": 3, "kernel_size": 2}, (4,), (12,)),
    (1, {"padding": "valid", "strides": 3, "kernel_size": 2, "output_padding": 2}, (3,), (10,)),
    (1, {"padding": (1, 2), "strides": 2, "dilation_rate": 2}, (4,), (8,)),
    (1, {"padding": "same", "strides": 2, "output_padding": 1,
         "data_format": "channels_first"}, (3,), (7,)),
    (2, {"padding": "same", "strides": (2, 1)}, (3, 4), (6, 4)),
    (2, {"padding": "valid", "strides": 2, "dilation_rate": (1, 2), "output_padding": (1, 0),
         "data_format": "channels_first"}, (3, 3), (8, 9)),
    (2, {"padding": 1, "strides": 2}, (3, 2), (5, 3)),
    (3, {"padding": "same", "strides": 2, "kernel_size": 2}, (2, 2, 1), (4, 4, 2)),
    (3, {"padding": "valid", "strides": (1, 2, 1), "data_format": "channels_first"}, (2, 2, 2),
     (4, 5, 4)),
]


@pytest.mark.parametrize("rank, kwargs, spatial, expected", TRANSPOSE_CASES)
def test_conv_transpose_matches_numpy(rank, kwargs, spatial, expected):
    kwargs = {"filters": 2, "kernel_size": 3, **kwargs, "bias_initializer": "random_normal"}
    channels_first = kwargs.get("data_format") == "channels_first"
    x = randn(2, 3, *spatial) if channels_first else randn(2, *spatial, 3)
    layer = (Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)[rank - 1](**kwargs)
    out, (kernel, bias) = run(layer, x)
    assert kernel.shape == layer.kernel_size + (2, 3)  # (spatial..., filters, in) as tf-keras
    crops = transpose_crops(layer.padding, layer.kernel_size, layer.strides, layer.dilation_rate)
    ref = np_conv_transpose(x, kernel, layer.strides, crops, layer.dilation_rate,
                            layer.output_padding, channels_first)
    bias = bias.reshape((-1,) + (1,) * rank) if channels_first else bias
    check(out, ref + bias, rank)
    assert (out.shape[2:] if channels_first else out.shape[1:-1]) == expected


@pytest.mark.parametrize("padding, size, extra", [("same", 6, 0), ("same", 8, 0), ("valid", 7, 0),
                                                  (((2, 1),), 7, 1), (((0, 2),), 6, 1)])
def test_conv_transpose_is_the_adjoint_of_conv(padding, size, extra):
    """<conv(x, W), y> == <x, conv_transpose(y, W)>: the same kernel array, read as
    (spatial, in, out) by one and (spatial, out, in) by the other, as in tf-keras."""
    x, kernel = randn(2, size, 3), randn(3, 3, 4)
    y = randn(*np.shape(kconv.conv(x, kernel, 2, padding)))
    forward = np.sum(np.asarray(kconv.conv(x, kernel, 2, padding)) * y)
    back = kconv.conv_transpose(y, kernel, 2, padding, output_padding=extra)
    assert back.shape == x.shape
    np.testing.assert_allclose(forward, np.sum(x * np.asarray(back)), rtol=1e-4)


# Every layer through the shared harness.

HARNESS_CASES = [
    (Conv1D, {"filters": 2, "kernel_size": 3, "padding": "causal"}, (None, 6, 3), (None, 6, 2)),
    (Conv2D, {"filters": 2, "kernel_size": (2, 3), "strides": 2, "activation": "relu",
              "kernel_regularizer": "l2", "groups": 2, "padding": ((1, 0), 1)},
     (None, 5, 5, 4), (None, 3, 3, 2)),
    (Conv3D, {"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
     (None, 1, 3, 3, 3), (None, 2, 2, 2, 2)),
    (SeparableConv1D, {"filters": 2, "kernel_size": 2, "depth_multiplier": 2},
     (None, 5, 3), (None, 4, 2)),
    (SeparableConv2D, {"filters": 2, "kernel_size": 3, "padding": "same", "use_bias": False},
     (None, 4, 4, 2), (None, 4, 4, 2)),
    (DepthwiseConv1D, {"kernel_size": 2, "depth_multiplier": 3, "padding": "causal"},
     (None, 5, 2), (None, 5, 6)),
    (DepthwiseConv2D, {"kernel_size": 2, "strides": 2, "data_format": "channels_first"},
     (None, 2, 4, 4), (None, 2, 2, 2)),
    (Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
     (None, 4, 3), (None, 10, 2)),
    (Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
     (None, 3, 3, 2), (None, 6, 6, 2)),
    (Conv3DTranspose, {"filters": 1, "kernel_size": 2, "strides": (1, 2, 1)},
     (None, 2, 2, 2, 1), (None, 3, 4, 3, 1)),
]


@pytest.mark.parametrize("layer_cls, kwargs, input_shape, output_shape", HARNESS_CASES,
                         ids=[c[0].__name__ for c in HARNESS_CASES])
def test_harness(layer_cls, kwargs, input_shape, output_shape):
    layer, _ = run_layer_test(layer_cls, kwargs, input_shape,
                              expected_output_shape=output_shape)
    config = layer.get_config()
    assert json.loads(json.dumps(config)) is not None
    assert config["padding"] == kwargs.get("padding", "valid") or isinstance(
        config["padding"], list)


def test_unknown_spatial_sizes_and_attributes():
    inputs = Input(shape=(None, None, 3))
    layer = Conv2D(4, 3, strides=(2, 1), padding="causal", dilation_rate=(1, 2))
    assert K.int_shape(layer(inputs)) == (None, None, None, 4)
    assert layer(np.zeros((1, 5, 7, 3), "float32")).shape == (1, 3, 7, 4)
    assert (layer.kernel_size, layer.strides, layer.dilation_rate) == ((3, 3), (2, 1), (1, 2))
    assert layer.padding == "causal"
    explicit = Conv1D(1, 2, padding=((1, 2),))
    assert explicit.padding == ((1, 2),)
    assert explicit.get_config()["padding"] == [[1, 2]]
    assert Conv2D(1, 2, padding=(1, 2)).padding == ((1, 1), (2, 2))
    assert Conv2D(1, 2, padding="SAME").padding == "same"


def test_configs_aliases_and_tf_keras_keys():
    assert Convolution2D is Conv2D and Deconvolution2D is Conv2DTranspose
    layer = deserialize({"class_name": "Convolution2D",
                         "config": {"filters": 2, "kernel_size": [3, 3],
                                    "padding": [[1, 0], [0, 1]]}})
    assert layer.padding == ((1, 0), (0, 1)) and layer.kernel_size == (3, 3)
    # tf-keras writes its Conv base's keys into these configs too.
    SeparableConv2D.from_config({"filters": 2, "kernel_size": 3, "groups": 1,
                                 "kernel_initializer": None, "kernel_regularizer": None,
                                 "kernel_constraint": None})
    DepthwiseConv2D.from_config({"kernel_size": 3, "groups": 1})
    Conv2DTranspose.from_config({"filters": 2, "kernel_size": 3, "groups": 1})


def test_weights_load_into_a_layer_of_the_other_data_format():
    x = randn(2, 5, 4, 3)
    last = Conv2D(2, 3, bias_initializer="random_normal")
    first = Conv2D(2, 3, data_format="channels_first")
    out = last(x)
    first(np.moveaxis(x, -1, 1))
    first.set_weights(last.get_weights())
    check(np.moveaxis(first(np.moveaxis(x, -1, 1)), 1, -1), out, 2)


# Errors name the layer, the argument and the value.


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Conv2D(0, 3), r'`filters` of Conv2D "conv2d": expected a positive integer. '
                               r"Received: filters=0"),
        (lambda: SeparableConv1D(0, 3), r"Received: filters=0"),
        (lambda: Conv1DTranspose(-1, 3), r"Received: filters=-1"),
        (lambda: Conv2D(2, (3,)), r"`kernel_size` of Conv2D \"conv2d\": expected an integer or "
                                  r"a tuple of 2 integers, each positive. Received: "
                                  r"kernel_size=\(3,\)"),
        (lambda: Conv1D(2, 0), r"Received: kernel_size=0"),
        (lambda: Conv3D(2, "3"), r"Received: kernel_size='3'"),
        (lambda: Conv2D(2, 3, strides=(1, 0)), r"Received: strides=\(1, 0\)"),
        (lambda: Conv2D(2, 3, strides=1.5), r"Received: strides=1.5"),
        (lambda: Conv1D(2, 3, dilation_rate=(1, 2)), r"Received: dilation_rate=\(1, 2\)"),
        (lambda: DepthwiseConv2D(3, dilation_rate=True), r"Received: dilation_rate=True"),
        (lambda: Conv2D(2, 3, padding="full"), r"`padding` of Conv2D \"conv2d\": expected one "
                                               r"of 'valid', 'same', 'causal' or explicit "
                                               r"padding. Received: padding='full'"),
        (lambda: Conv2DTranspose(2, 3, padding="causal"),
         r"`padding` of Conv2DTranspose .*expected one of 'valid', 'same' or explicit .*"
         r"Received: padding='causal'"),
        (lambda: Conv2D(2, 3, padding=-1), r"Received: padding=-1"),
        (lambda: Conv2D(2, 3, padding=(1, 2, 3)), r"Received: padding=\(1, 2, 3\)"),
        (lambda: Conv2D(2, 3, padding=((1, 2, 3), 1)), r"Received: padding"),
        (lambda: Conv1D(2, 3, padding=None), r"Received: padding=None"),
        (lambda: Conv2D(2, 3, data_format="NCHW"), r"`data_format` of Conv2D .*"
                                                   r"Received: data_format='NCHW'"),
        (lambda: Conv2D(3, 3, groups=2), r"`groups` of Conv2D \"conv2d\": expected a positive "
                                         r"integer dividing filters=3. Received: groups=2"),
        (lambda: Conv2D(3, 3, groups=0), r"Received: groups=0"),
        (lambda: Conv2DTranspose(2, 3, strides=2, output_padding=2),
         r"`output_padding` of Conv2DTranspose .*expected values smaller than the strides "
         r"\(2, 2\). Received: output_padding=2"),
        (lambda: Conv1DTranspose(2, 3, output_padding=-1), r"Received: output_padding=-1"),
        (lambda: Conv2DTranspose(2, 3, groups=2), "not understood by Conv2DTranspose: groups"),
        (lambda: DepthwiseConv2D(3, depth_multiplier=0), r"Received: depth_multiplier=0"),
        (lambda: SeparableConv2D(2, 3, depth_multiplier=1.5), r"Received: depth_multiplier=1.5"),
        (lambda: Conv2D(2, 3, activation="nope"), "Unknown activation function: 'nope'"),
        (lambda: Conv2D(2, 3, kernel_initializer="nope"), "Unknown initializer: 'nope'"),
        (lambda: Conv2D(2, 3, bias_initializer="nope"), "Unknown initializer: 'nope'"),
        (lambda: Conv2D(2, 3, kernel_regularizer="nope"), "Unknown regularizer: 'nope'"),
        (lambda: Conv2D(2, 3, bias_regularizer="nope"), "Unknown regularizer: 'nope'"),
        (lambda: Conv2D(2, 3, activity_regularizer="nope"), "Unknown regularizer: 'nope'"),
        (lambda: Conv2D(2, 3, kernel_constraint="nope"), "Unknown constraint: 'nope'"),
        (lambda: Conv2D(2, 3, bias_constraint="nope"), "Unknown constraint: 'nope'"),
        (lambda: DepthwiseConv1D(3, depthwise_initializer="nope"), "Unknown initializer"),
        (lambda: SeparableConv1D(2, 3, pointwise_regularizer="nope"), "Unknown regularizer"),
        (lambda: SeparableConv1D(2, 3, pointwise_constraint="nope"), "Unknown constraint"),
        (lambda: Conv2D(2, 3, name=""), r"Received: name=''"),
    ],
)
def test_constructor_arguments_are_checked(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_build_and_call_errors():
    with pytest.raises(ValueError, match=r'Conv2D "conv2d" has groups=2, which must divide '
                                         r"the number of input channels, but the input has 3"):
        Conv2D(4, 3, groups=2)(Input(shape=(5, 5, 3)))
    with pytest.raises(ValueError, match=r'channel dimension of the input to Conv1D "conv1d" '
                                         r"must be known \(axis 2"):
        Conv1D(2, 3)(Input(shape=(5, None)))
    with pytest.raises(ValueError, match=r'Conv1D "conv1d_1" cannot convolve an input of shape '
                                         r"\(None, 3, 2\): along spatial axis 0 its kernel "
                                         r"spans 5 cells"):
        Conv1D(2, 5)(Input(shape=(3, 2)))
    with pytest.raises(ValueError, match=r"spans 5 cells .*dilation_rate=\(1, 2\).*more than "
                                         r"the 4 of the input padded with padding=\[\[0, 0\], "
                                         r"\[1, 0\]\]"):
        Conv2D(2, 3, dilation_rate=(1, 2), padding=((0, 0), (1, 0)))(np.zeros((1, 5, 3, 1)))
    with pytest.raises(ValueError, match=r'Conv1DTranspose "conv1d_transpose" cannot crop '
                                         r"padding=\[\[3, 3\]\]"):
        Conv1DTranspose(1, 2, padding=3)(Input(shape=(2, 1)))
    with pytest.raises(ValueError, match=r"expected ndim=4, received shape \(None, 5, 3\)"):
        Conv2D(2, 3)(Input(shape=(5, 3)))
    with pytest.raises(ValueError, match=r"expected dimension 1 of size 2"):
        layer = DepthwiseConv1D(2, data_format="channels_first")
        layer(Input(shape=(2, 5)))
        layer(Input(shape=(3, 5)))


# Gradients: on CPU written by hand in the canonical layout (see `kernels.conv`).

GRADIENT_CASES = [
    # (input shape, kernel shape, strides, pads, lhs_dilation, rhs_dilation, groups, format)
    ((2, 7, 4), (3, 4, 6), (2,), ((1, 2),), (1,), (2,), 1, "channels_last"),
    ((2, 4, 7), (2, 2, 6), (1,), ((0, 0),), (2,), (1,), 2, "channels_first"),
    ((2, 6, 5, 4), (3, 2, 1, 4), (2, 1), ((2, -1), (0, 1)), (1, 1), (1, 2), 4, "channels_last"),
    ((2, 4, 6, 5), (2, 3, 2, 6), (1, 2), ((1, 1), (2, 0)), (2, 1), (2, 1), 2, "channels_first"),
    ((1, 4, 3, 5, 2), (2, 2, 3, 2, 3), (2, 1, 1), ((1, 0), (0, 1), (1, 1)), (1, 2, 1),
     (1, 1, 2), 1, "channels_last"),
]


@pytest.mark.parametrize("canonical", [True, False], ids=["cpu", "other-backends"])
@pytest.mark.parametrize("x_shape, k_shape, strides, pads, lhs, rhs, groups, data_format",
                         GRADIENT_CASES)
def test_gradients_match_jax_autodiff(x_shape, k_shape, strides, pads, lhs, rhs, groups,
                                      data_format, canonical, monkeypatch):
    monkeypatch.setattr(kconv, "_canonical_gradients", lambda: canonical)
    x, kernel = randn(*x_shape), randn(*k_shape)

    def ours(x, kernel):
        return kconv._convolve(x, kernel, data_format, strides, pads, lhs, rhs, groups)

    def plain(x, kernel):
        numbers = kconv._dimension_numbers(len(strides), data_format)
        return lax.conv_general_dilated(x, kernel, strides, pads, lhs, rhs,
                                        dimension_numbers=numbers, feature_group_count=groups)

    y, vjp = jax.vjp(ours, x, kernel)
    y_ref, vjp_ref = jax.vjp(plain, x, kernel)
    dy = randn(*y_ref.shape)
    tol = 1e-4 if len(strides) == 3 else 1e-5
    for got, want in zip((y, *vjp(dy)), (y_ref, *vjp_ref(dy))):
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_gradient_convolutions_are_in_the_canonical_layout():
    """XLA:CPU runs other layouts inside `lax.scan` (as `fit` does) many times slower."""
    if not kconv._canonical_gradients():
        pytest.skip("the hand-written gradients are for XLA:CPU")
    x, kernel, up = randn(2, 3, 6, 5), randn(3, 3, 3, 4), randn(2, 2, 3, 4)

    def loss(kernel, up):
        h = kconv.conv(x, kernel, 2, "same", "channels_first", dilation_rate=(1, 2), groups=1)
        h = kconv.conv_transpose(h, up, 2, "valid", "channels_first", output_padding=1)
        return (h ** 2).sum()

    hlo = jax.jit(jax.grad(loss, (0, 1))).lower(kernel, up).as_text()
    layouts = re.findall(r"dim_numbers = (.*?->\[[^\]]*\])", hlo)
    assert len(layouts) == 5, layouts  # 2 forward, 3 backward (x needs no gradient)
    assert set(layouts) == {"[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]"}, layouts
