"""Convolution arithmetic (`nerve.utils.conv_utils`): exact lengths, lengths against the
layers' real output shapes, receptive fields of known stacks and against the
cells each output depends on, and the summary's `Receptive field` column."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nerve import backend as K
from nerve.layers import (
    Activation,
    Add,
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    BatchNormalization,
    Concatenate,
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    Cropping1D,
    Cropping2D,
    Dense,
    DepthwiseConv2D,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    Input,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    SeparableConv1D,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)
from nerve.models import Model, Sequential
from nerve.utils.conv_utils import (
    conv_input_length,
    conv_output_length,
    deconv_output_length,
    normalize_padding,
    normalize_tuple,
    receptive_fields,
)

# Small, deterministic property runs: every layer call infers its output shape by
# tracing the layer's real JAX computation (jax.eval_shape), nothing is compiled.
SETTINGS = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


# Exact lengths.


@pytest.mark.parametrize("args, expected", [
    ((7, 3, "valid", 1), 5),
    ((7, 3, "valid", 2), 3),
    ((8, 3, "valid", 2), 3),
    ((2, 3, "valid", 1), 0),  # not one window fits (tf-keras: 0 or less)
    ((7, 3, "same", 2), 4),
    ((8, 4, "same", 3), 3),
    ((7, 3, "causal", 1), 7),
    ((7, 3, "causal", 2), 4),
    ((7, 3, "full", 1), 9),
    ((7, 3, "full", 2), 5),
    ((7, 3, 1, 1), 7),  # an int pads both sides
    ((7, 3, (2, 0), 1), 7),
    ((7, 2, (1, 0), 1, 2), 6),
    ((10, 3, "valid", 1, 4), 2),  # k_eff = 9
    ((10, 3, "same", 1, 4), 10),
    ((None, 3, "valid", 2), None),
    ((7, 3, "VALID", 1), 5),
])
def test_conv_output_length(args, expected):
    assert conv_output_length(*args) == expected


@pytest.mark.parametrize("args, expected", [
    ((5, 3, "valid", 1), 7),
    ((3, 3, "valid", 2), 7),
    ((4, 3, "same", 2), 7),
    ((5, 2, "same", 1), 5),  # tf-keras: 4, which a 'same' convolution maps to 4
    ((4, 3, "causal", 2), 7),
    ((9, 3, "full", 1), 7),
    ((6, 3, (2, 0), 1), 6),
    ((6, 2, "valid", 1, 2), 8),
    ((0, 3, "valid", 1), 0),
    ((None, 3, "same", 1), None),
])
def test_conv_input_length(args, expected):
    assert conv_input_length(*args) == expected


@pytest.mark.parametrize("args, kwargs, expected", [
    ((4, 3, "valid"), {"stride": 2}, 9),
    ((4, 3, "same"), {"stride": 2}, 8),
    ((4, 3, "same"), {"stride": 2, "output_padding": 1}, 9),  # tf-keras: 8 (pads k // 2)
    ((4, 1, "valid"), {"stride": 2}, 7),  # k < s: tf-keras says 8
    ((4, 1, "same"), {"stride": 3}, 12),
    ((4, 2, "valid"), {"stride": 3, "output_padding": 2}, 13),
    ((4, 3, "full"), {"stride": 1}, 2),
    ((4, 3, "causal"), {"stride": 2}, 7),
    ((4, 3, (1, 2)), {"stride": 2}, 6),
    ((4, 3, 1), {"stride": 1}, 4),
    ((4, 3, "valid"), {"stride": 1, "dilation": 2}, 8),
    ((4, 3, "same"), {"stride": 2, "dilation": 3}, 8),
    ((1, 1, (1, 1)), {"stride": 1}, 0),  # everything cropped
    ((None, 3, "same"), {"stride": 2}, None),
])
def test_deconv_output_length(args, kwargs, expected):
    assert deconv_output_length(*args, **kwargs) == expected


def test_deconv_output_length_defaults_to_stride_one():
    assert deconv_output_length(5, 3, "valid") == 7
    assert deconv_output_length(5, 3, "same") == 5


@pytest.mark.parametrize("call, message", [
    (lambda: conv_output_length(5, 0, "valid", 1),
     "Invalid value for `filter_size` of conv_output_length: expected a positive integer. "
     "Received: filter_size=0"),
    (lambda: conv_output_length(5, 3, "valid", 0),
     "Invalid value for `stride` of conv_output_length"),
    (lambda: conv_output_length(5, 3, "valid", 1, dilation=0),
     "Invalid value for `dilation` of conv_output_length"),
    (lambda: conv_output_length(-1, 3, "valid", 1),
     "Invalid value for `input_length` of conv_output_length: expected a non-negative integer"),
    (lambda: conv_output_length(5, 3, "reflect", 1),
     "Invalid value for `padding` of conv_output_length: expected 'valid', 'same', 'causal', "
     "'full', a non-negative integer or a (before, after) pair of them. "
     "Received: padding='reflect'"),
    (lambda: conv_output_length(5, 3, (1, -1), 1),
     "Invalid value for `padding` of conv_output_length"),
    (lambda: conv_output_length(5, 3, (1, 2, 3), 1),
     "Invalid value for `padding` of conv_output_length"),
    (lambda: deconv_output_length(5, 3, "same", output_padding=2, stride=2),
     "Invalid value for `output_padding` of deconv_output_length: expected a non-negative "
     "integer smaller than stride=2. Received: output_padding=2"),
    (lambda: deconv_output_length(5, 3, "same", output_padding=-1, stride=2),
     "Invalid value for `output_padding` of deconv_output_length"),
    (lambda: conv_input_length(2, 1, (3, 3), 1),
     "Invalid value for `output_length` of conv_input_length: expected a length that some "
     "input reaches with filter_size=1, stride=1, dilation=1 and padding=(3, 3) (an input "
     "of length 1 already gives 7). Received: output_length=2"),
    (lambda: conv_input_length(2, 3, "full", 1),
     "Invalid value for `output_length` of conv_input_length"),
    (lambda: conv_input_length(2, True, "valid", 1),
     "Invalid value for `filter_size` of conv_input_length"),
])
def test_length_errors_name_the_argument(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(message)


def test_normalize_tuple():
    assert normalize_tuple(3, 2, "kernel_size") == (3, 3)
    assert normalize_tuple([1, 2, 3], 3, "strides") == (1, 2, 3)
    assert normalize_tuple(np.int64(2), 1, "pool_size") == (2,)
    assert normalize_tuple((0, 1), 2, "padding", allow_zero=True) == (0, 1)
    for value in [(1, 2), 0, (0, 1), "3", None, (1.5, 2, 2), (True, 1, 1)]:
        with pytest.raises(ValueError, match=r"^Invalid value for `kernel_size` of "
                           r"normalize_tuple: expected an integer or a tuple of 3 integers, "
                           r"each positive\. Received: kernel_size="):
            normalize_tuple(value, 3, "kernel_size")
    with pytest.raises(ValueError, match="each at least 0"):
        normalize_tuple(-1, 2, "padding", allow_zero=True)


def test_normalize_padding():
    assert normalize_padding("Valid") == "valid"
    assert normalize_padding("SAME") == "same"
    assert normalize_padding("causal") == "causal"
    assert normalize_padding(2) == 2
    assert normalize_padding([(1, 0), 2]) == ((1, 0), 2)
    assert normalize_padding(1, rank=2) == ((1, 1), (1, 1))
    assert normalize_padding((1, 2), rank=2) == ((1, 1), (2, 2))
    assert normalize_padding((1, 2), rank=1) == ((1, 2),)
    assert normalize_padding([[1, 2], [0, 3]], rank=2) == ((1, 2), (0, 3))
    with pytest.raises(ValueError, match=r"^Invalid value for `padding` of normalize_padding: "
                       r"expected one of 'valid', 'same', 'causal' or explicit padding\. Received: "
                       r"padding='full'$"):
        normalize_padding("full")
    for value, rank in [(-1, None), ((1, 2, 3), 2), (((1, 2, 3),), 1), (1.5, None), ((), None),
                        ((True, 1), 1)]:
        with pytest.raises(ValueError, match=r"^Invalid value for `padding` of "
                           r"normalize_padding: expected 'valid', 'same', 'causal', a "
                           r"non-negative integer, or a tuple of"):
            normalize_padding(value, rank=rank)


# Lengths against the layers' output shapes.

CONV = {1: Conv1D, 2: Conv2D, 3: Conv3D}
TRANSPOSED = {1: Conv1DTranspose, 2: Conv2DTranspose, 3: Conv3DTranspose}
POOLS = {(1, "max"): MaxPooling1D, (2, "max"): MaxPooling2D, (3, "max"): MaxPooling3D,
         (1, "avg"): AveragePooling1D, (2, "avg"): AveragePooling2D,
         (3, "avg"): AveragePooling3D}


@st.composite
def windows(draw, rank, max_kernel=4, max_stride=3, max_dilation=3, max_length=12):
    return {
        "lengths": tuple(draw(st.integers(1, max_length)) for _ in range(rank)),
        "kernel": tuple(draw(st.integers(1, max_kernel)) for _ in range(rank)),
        "strides": tuple(draw(st.integers(1, max_stride)) for _ in range(rank)),
        "dilation": tuple(draw(st.integers(1, max_dilation)) for _ in range(rank)),
    }


def explicit_pads(rank):
    pair = st.tuples(st.integers(0, 3), st.integers(0, 3))
    return st.tuples(*[pair] * rank)


def _output(layer, lengths, channels_first=False, channels=2):
    shape = (channels,) + lengths if channels_first else lengths + (channels,)
    out = K.int_shape(layer(Input(shape=shape)))
    return out[2:] if channels_first else out[1:-1]


@SETTINGS
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]),
       padding=st.sampled_from(["valid", "same", "causal", "explicit"]),
       channels_first=st.booleans())
def test_conv_output_length_is_the_conv_layers_output(data, rank, padding, channels_first):
    w = data.draw(windows(rank))
    if padding == "explicit":
        padding = data.draw(explicit_pads(rank))
    layer = CONV[rank](3, w["kernel"], strides=w["strides"], dilation_rate=w["dilation"],
                       padding=padding,
                       data_format="channels_first" if channels_first else "channels_last")
    expected = tuple(
        conv_output_length(n, k, padding if isinstance(padding, str) else padding[axis], s, d)
        for axis, (n, k, s, d) in enumerate(zip(w["lengths"], w["kernel"], w["strides"],
                                                w["dilation"])))
    if min(expected) == 0:
        with pytest.raises(ValueError, match="cannot convolve"):
            _output(layer, w["lengths"], channels_first)
    else:
        assert _output(layer, w["lengths"], channels_first) == expected


@SETTINGS
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]),
       padding=st.sampled_from(["valid", "same", "explicit"]), output_padding=st.booleans(),
       channels_first=st.booleans())
def test_deconv_output_length_is_the_transposed_layers_output(data, rank, padding,
                                                              output_padding, channels_first):
    w = data.draw(windows(rank, max_length=6))
    if padding == "explicit":
        padding = data.draw(explicit_pads(rank))
    extra = None
    if output_padding:
        extra = tuple(data.draw(st.integers(0, s - 1)) for s in w["strides"])
    layer = TRANSPOSED[rank](2, w["kernel"], strides=w["strides"], dilation_rate=w["dilation"],
                             padding=padding, output_padding=extra,
                             data_format="channels_first" if channels_first else "channels_last")
    expected = tuple(
        deconv_output_length(n, k, padding if isinstance(padding, str) else padding[axis],
                             None if extra is None else extra[axis], s, d)
        for axis, (n, k, s, d) in enumerate(zip(w["lengths"], w["kernel"], w["strides"],
                                                w["dilation"])))
    if min(expected) == 0:
        with pytest.raises(ValueError, match="cannot crop"):
            _output(layer, w["lengths"], channels_first)
    else:
        assert _output(layer, w["lengths"], channels_first) == expected


@SETTINGS
@given(data=st.data(), rank=st.sampled_from([1, 2, 3]), mode=st.sampled_from(["max", "avg"]),
       padding=st.sampled_from(["valid", "same"]), default_strides=st.booleans(),
       channels_first=st.booleans())
def test_conv_output_length_is_the_pooling_layers_output(data, rank, mode, padding,
                                                         default_strides, channels_first):
    w = data.draw(windows(rank))
    strides = w["kernel"] if default_strides else w["strides"]
    layer = POOLS[rank, mode](w["kernel"], strides=None if default_strides else strides,
                              padding=padding,
                              data_format="channels_first" if channels_first else "channels_last")
    expected = tuple(conv_output_length(n, p, padding, s)
                     for n, p, s in zip(w["lengths"], w["kernel"], strides))
    if min(expected) == 0:
        with pytest.raises(ValueError, match="at least the pool size"):
            _output(layer, w["lengths"], channels_first)
    else:
        assert _output(layer, w["lengths"], channels_first) == expected


@settings(SETTINGS, max_examples=300)
@given(out=st.integers(1, 10), k=st.integers(1, 5), s=st.integers(1, 4), d=st.integers(1, 3),
       padding=st.one_of(st.sampled_from(["valid", "same", "causal", "full"]),
                         st.integers(0, 3), st.tuples(st.integers(0, 3), st.integers(0, 3))))
def test_conv_input_length_is_the_shortest_input(out, k, s, d, padding):
    try:
        length = conv_input_length(out, k, padding, s, d)
    except ValueError:
        reach = {conv_output_length(n, k, padding, s, d) for n in range(1, s * out + 3 * k * d)}
        assert out not in reach
        return
    assert conv_output_length(length, k, padding, s, d) == out
    assert length == 1 or conv_output_length(length - 1, k, padding, s, d) < out


@settings(SETTINGS, max_examples=300)
@given(i=st.integers(1, 10), k=st.integers(1, 5), s=st.integers(1, 4), d=st.integers(1, 3),
       padding=st.one_of(st.sampled_from(["valid", "same", "full"]), st.integers(0, 3),
                         st.tuples(st.integers(0, 3), st.integers(0, 3))),
       data=st.data())
def test_deconv_output_length_inverts_the_convolution(i, k, s, d, padding, data):
    extra = None if padding == "same" else data.draw(st.integers(0, s - 1))
    length = deconv_output_length(i, k, padding, extra, s, d)
    if length > 0:  # the convolution of the transposed output has the input's length
        assert conv_output_length(length, k, padding, s, d) == i


# Receptive fields of known stacks.


def _fields(model, key="receptive_field"):
    return [record[key] for record in receptive_fields(model)]


def test_wavenet_stack_sees_256_steps():
    model = Sequential([Input(shape=(1000, 1))] + [
        Conv1D(4, 2, padding="causal", dilation_rate=2 ** i, name=f"d{2 ** i}")
        for i in range(8)])
    records = receptive_fields(model)
    assert [r["layer"] for r in records] == [f"d{2 ** i}" for i in range(8)]
    assert [r["receptive_field"] for r in records] == [(2 ** (i + 1),) for i in range(8)]
    assert records[-1] == {"layer": "d128", "receptive_field": (256,), "jump": (1,),
                           "start": (-127.5,)}  # output 0 sees inputs -255 (padding) to 0


def _vgg(data_format="channels_last"):
    shape = (3, 32, 32) if data_format == "channels_first" else (32, 32, 3)
    layers = [Input(shape=shape)]
    for convs in (2, 2, 3):
        layers += [Conv2D(4, 3, padding="same", activation="relu", data_format=data_format)
                   for _ in range(convs)]
        layers.append(MaxPooling2D(2, data_format=data_format))
    return Sequential(layers + [Flatten(), Dense(10)])


VGG_FIELDS = [3, 5, 6, 10, 14, 16, 24, 32, 40, 44]  # VGG16's first three blocks
VGG_JUMPS = [1, 1, 2, 2, 2, 4, 4, 4, 4, 8]
VGG_STARTS = [0, 0, 0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 1.5, 3.5]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_vgg_blocks(data_format):
    model = _vgg(data_format)
    records = receptive_fields(model)
    assert len(records) == 10  # Flatten and Dense end the list
    assert [r["receptive_field"] for r in records] == [(f, f) for f in VGG_FIELDS]
    assert [r["jump"] for r in records] == [(j, j) for j in VGG_JUMPS]
    assert [r["start"] for r in records] == [(s, s) for s in VGG_STARTS]
    assert [r["layer"] for r in records] == [layer.name for layer in model.layers[:10]]


def test_valid_strided_dilated_and_per_axis_windows():
    model = Sequential([
        Input(shape=(20, 20, 1)),
        Conv2D(2, 3),  # valid: the first output is centred on input (1, 1)
        Conv2D(2, (3, 1), strides=(2, 1), dilation_rate=(2, 1)),
        DepthwiseConv2D(2, strides=2),
    ])
    records = receptive_fields(model)
    assert [r["receptive_field"] for r in records] == [(3, 3), (7, 3), (9, 4)]
    assert [r["jump"] for r in records] == [(1, 1), (2, 1), (4, 2)]
    assert [r["start"] for r in records] == [(1, 1), (3, 1), (4, 1.5)]


def test_same_padding_depends_on_the_input_length():
    # 'same' with stride 2 pads (0, 1) on 8 cells and (1, 1) on 7, as TensorFlow.
    for length, start in [(8, 1), (7, 0), (None, 1)]:
        model = Sequential([Input(shape=(length, 1)), Conv1D(1, 3, strides=2, padding="same")])
        assert _fields(model, "start") == [(start,)]


def test_padding_cropping_and_pass_through_layers():
    model = Sequential([
        Input(shape=(10, 10, 1)),
        ZeroPadding2D(((1, 2), (3, 0))),
        Conv2D(2, 3),
        BatchNormalization(),
        Activation("relu"),
        Dropout(0.5),
        Cropping2D(((1, 0), (2, 2))),
        Dense(3),  # on the channels: still spatial
        Flatten(),
        Dense(2),
    ])
    records = receptive_fields(model)
    assert [r["layer"] for r in records] == [layer.name for layer in model.layers[:7]]
    assert [r["start"] for r in records] == [(-1, -3), (0, -2), (0, -2), (0, -2), (0, -2),
                                             (1, 0), (1, 0)]
    assert [r["receptive_field"] for r in records] == [(1, 1)] + [(3, 3)] * 6


def test_upsampling_and_transposed_convolutions_divide_the_jump():
    model = Sequential([
        Input(shape=(16, 1)),
        Conv1D(1, 3, strides=2),  # r 3, j 2, start 1
        UpSampling1D(2),  # each output repeats one input cell: r 3, j 1, start 1
        Conv1D(1, 3),  # r 5, j 1, start 2
        Conv1DTranspose(1, 3, strides=2),  # outputs see up to 2 cells: r 6, j 1/2
        SeparableConv1D(1, 1),
    ])
    records = receptive_fields(model)
    assert _fields(model) == [(3,), (3,), (5,), (6,), (6,)]
    assert _fields(model, "jump") == [(2,), (1,), (1,), (0.5,), (0.5,)]
    # Transposed output 0 is fed by input cell 0 and the cell before it (outside the
    # input: fields count such cells, as they count padding): centred 0.5 cells back.
    assert [r["start"] for r in records] == [(1,), (1,), (2,), (1.5,), (1.5,)]

    bilinear = Sequential([Input(shape=(8, 8, 1)), UpSampling2D(2, interpolation="bilinear"),
                           Conv2DTranspose(1, 4, strides=2, padding="same")])
    records = receptive_fields(bilinear)
    assert [r["receptive_field"] for r in records] == [(2, 2), (2.5, 2.5)]
    assert [r["jump"] for r in records] == [(0.5, 0.5), (0.25, 0.25)]
    # 'same' crops one cell before: output 0 is fed by inputs -1 (none) and 0.
    assert [r["start"] for r in records] == [(0, 0), (-0.25, -0.25)]


def test_branches_merge_into_the_union_of_their_fields():
    inputs = Input(shape=(12, 12, 2))
    small = Conv2D(2, 3, padding="same", name="small")(inputs)
    large = Conv2D(2, 5, padding="same", name="large")(inputs)
    pooled = UpSampling2D(2, name="up")(MaxPooling2D(2, name="pool")(inputs))
    added = Add(name="add")([small, large])
    merged = Concatenate(name="concat")([added, pooled])
    outputs = Dense(1, name="out")(GlobalAveragePooling2D(name="gap")(merged))
    model = Model(inputs, outputs)
    records = {r["layer"]: r for r in receptive_fields(model)}
    names = [layer.name for layer in model.layers[1:]]
    assert list(records) == names[:names.index("gap")]
    assert set(records) == {"small", "large", "pool", "add", "up", "concat"}
    assert records["add"]["receptive_field"] == (5, 5)
    assert records["up"]["receptive_field"] == (2, 2) and records["up"]["jump"] == (1, 1)
    # The 5x5 field centred on 0 and the 2x2 one centred on 0.5 cover cells -2 to 2.
    assert records["concat"]["receptive_field"] == (5, 5)
    assert records["concat"]["start"] == (0, 0)


def test_text_cnn_fields_are_counted_in_tokens():
    model = Sequential([Input(shape=(40,), dtype="int32"), Embedding(100, 8), Dropout(0.2),
                        Conv1D(4, 3, activation="relu"), MaxPooling1D(2), Conv1D(4, 3),
                        GlobalMaxPooling1D(), Dense(1)])
    records = receptive_fields(model)
    assert [r["layer"] for r in records] == [layer.name for layer in model.layers[:5]]
    assert _fields(model) == [(1,), (1,), (3,), (4,), (8,)]


def test_nested_models_are_followed():
    inner = Sequential([Conv2D(2, 3), MaxPooling2D(2)], name="inner")
    inputs = Input(shape=(16, 16, 1))
    outputs = Conv2D(1, 3, name="last")(inner(Conv2D(2, 3, name="first")(inputs)))
    records = receptive_fields(Model(inputs, outputs))
    assert [(r["layer"], r["receptive_field"], r["jump"], r["start"]) for r in records] == [
        ("first", (3, 3), (1, 1), (1, 1)),
        ("inner", (6, 6), (2, 2), (2.5, 2.5)),
        ("last", (10, 10), (2, 2), (4.5, 4.5)),
    ]


def test_receptive_fields_errors():
    dense = Sequential([Input(shape=(4,)), Dense(2)])
    with pytest.raises(ValueError, match=r"^Invalid value for `model` of receptive_fields: "
                       r"expected a model with a convolution, pooling, padding, cropping or "
                       r"upsampling layer\. Received: model=<Sequential"):
        receptive_fields(dense)
    unbuilt = Sequential([Conv2D(2, 3)])
    with pytest.raises(ValueError, match="expected a built Model or Sequential"):
        receptive_fields(unbuilt)


# Receptive fields against the input cells each output really depends on.

LAYERS_1D = st.one_of(
    st.builds(lambda k, s, d, p: Conv1D(1, k, strides=s, dilation_rate=d, padding=p,
                                        kernel_initializer="ones", use_bias=False),
              st.integers(1, 3), st.integers(1, 2), st.integers(1, 2),
              st.one_of(st.sampled_from(["valid", "same", "causal"]),
                        st.tuples(st.integers(0, 2), st.integers(0, 2)))),
    st.builds(lambda p, s, pad: AveragePooling1D(p, strides=s, padding=pad),
              st.integers(1, 3), st.integers(1, 2), st.sampled_from(["valid", "same"])),
    st.builds(lambda a, b: ZeroPadding1D((a, b)), st.integers(0, 2), st.integers(0, 2)),
    st.builds(lambda a, b: Cropping1D((a, b)), st.integers(0, 2), st.integers(0, 2)),
)


def _dependencies(model, n):
    """deps[m]: the input cells output cell m depends on (positive weights: no cancelling)."""
    outputs = model.predict(np.eye(n, dtype="float32")[:, :, None] + 0.0, verbose=0)
    return [np.flatnonzero(outputs[:, m, 0] > 0) for m in range(outputs.shape[1])]


@settings(SETTINGS, max_examples=12)
@given(layers=st.lists(LAYERS_1D, min_size=1, max_size=3))
def test_receptive_fields_bound_the_real_dependencies(layers):
    n = 64
    model = Sequential([Input(shape=(n, 1))] + layers + [Conv1D(1, 1, use_bias=False,
                                                                kernel_initializer="ones")])
    record = receptive_fields(model)[-1]
    (r,), (j,), (start,) = record["receptive_field"], record["jump"], record["start"]
    deps = _dependencies(model, n)
    for m, cells in enumerate(deps):
        lo, hi = start + m * j - (r - 1) / 2, start + m * j + (r - 1) / 2
        assert len(cells) == 0 or (lo <= cells.min() and cells.max() <= hi)
    # Away from the borders, the field is exactly the span of the dependencies.
    m = len(deps) // 2
    assert (deps[m].min(), deps[m].max()) == (start + m * j - (r - 1) / 2,
                                              start + m * j + (r - 1) / 2)


@settings(SETTINGS, max_examples=8)
@given(k=st.integers(1, 5), s=st.integers(1, 3),
       padding=st.one_of(st.sampled_from(["valid", "same"]),
                         st.tuples(st.integers(0, 2), st.integers(0, 2))))
def test_transposed_receptive_fields_against_the_real_dependencies(k, s, padding):
    n = 16
    model = Sequential([Input(shape=(n, 1)), Conv1DTranspose(1, k, strides=s, padding=padding,
                                                             kernel_initializer="ones",
                                                             use_bias=False)])
    record = receptive_fields(model)[0]
    (r,), (j,), (start,) = record["receptive_field"], record["jump"], record["start"]
    assert j == 1 / s
    deps = _dependencies(model, n)
    # Away from the borders: the widest span of inputs one output sees, and the centre
    # of every s-th output's inputs on the line through `start` with slope `jump`.
    inner = range(2 * s + 4, len(deps) - 2 * s - 4)
    assert r == max(deps[m].max() - deps[m].min() + 1 for m in inner if len(deps[m]))
    for m in inner:
        if m % s == 0 and len(deps[m]):
            assert (deps[m].min() + deps[m].max()) / 2 == start + m * j


# The summary's column.

CNN_SUMMARY = """\
Model: "cnn"
__________________________________________________________________________________
 Layer (type)                Output Shape              Param #   Receptive field
==================================================================================
 conv2d (Conv2D)             (None, 6, 6, 4)           40        3x3

 max_pooling2d               (None, 3, 3, 4)           0         4x4
 (MaxPooling2D)

 conv2d_1 (Conv2D)           (None, 3, 3, 2)           26        4x12

 flatten (Flatten)           (None, 18)                0

 dense (Dense)               (None, 1)                 19

==================================================================================
Total params: 85 (340.00 Byte)
Trainable params: 85 (340.00 Byte)
Non-trainable params: 0 (0.00 Byte)
__________________________________________________________________________________"""


def _cnn():
    return Sequential([Input(shape=(8, 8, 1)), Conv2D(4, 3), MaxPooling2D(2),
                       Conv2D(2, (1, 3), padding="same", dilation_rate=(1, 2)), Flatten(),
                       Dense(1)], name="cnn")


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def test_summary_has_a_receptive_field_column():
    lines = _summary(_cnn())
    assert "\n".join(line.rstrip() for line in lines) == CNN_SUMMARY
    assert all(len(line) == 82 for line in lines[1:-4])  # 65 + the column's 17


def test_summary_column_can_be_switched_off():
    lines = _summary(_cnn(), show_receptive_field=False)
    assert all("Receptive field" not in line and len(line) == 65 for line in lines[1:-4])
    assert lines[2].rstrip() == " Layer (type)                Output Shape              Param #"


def test_summary_column_before_trainable_and_in_graphs():
    model = _cnn()
    lines = _summary(model, show_trainable=True)
    assert lines[2].rstrip().endswith("Param #   Receptive field  Trainable")
    assert lines[4].rstrip().endswith("40        3x3              Y")

    inputs = Input(shape=(6, 6, 1))
    a = Conv2D(1, 3, padding="same", name="a")(inputs)
    b = Conv2D(1, 5, padding="same", name="b")(inputs)
    graph = Model(inputs, Add(name="sum")([a, b]))
    lines = _summary(graph)
    assert lines[2].split()[-2:] == ["Receptive", "field"]
    rows = {line.split()[0]: line.split()[-1] for line in lines[4:-5] if line.strip()}
    assert rows["a"] == "3x3" and rows["b"] == "5x5" and rows["sum"] == "5x5"
    # No field for the InputLayer: the column is blank after `Connected to`.
    assert rows[inputs._keras_history[0].name] == "[]"


def test_summary_wavenet_reads_256_and_dense_models_have_no_column():
    model = Sequential([Input(shape=(None, 1))] + [
        Conv1D(2, 2, padding="causal", dilation_rate=2 ** i) for i in range(8)])
    lines = _summary(model)
    assert "Receptive field" in lines[2]
    assert lines[-7].rstrip().endswith(" 256")
    dense = _summary(Sequential([Input(shape=(3,)), Dense(2)]))
    assert not any("Receptive" in line for line in dense)


def test_summary_expanded_nested_model_shows_inner_fields():
    inner = Sequential([Conv1D(1, 3, name="inner_conv"), MaxPooling1D(2, name="inner_pool")],
                       name="inner")
    inputs = Input(shape=(20, 1))
    model = Model(inputs, inner(Conv1D(1, 3, name="outer_conv")(inputs)))
    text = "\n".join(_summary(model, expand_nested=True))
    assert "\n outer_conv (Conv1D)" in text and "\n| inner_conv (Conv1D)" in text
    rows = {line.strip("| ").split()[0]: line.strip("| ").split()[-1]
            for line in text.splitlines() if "(" in line and "Model" not in line}
    assert rows["outer_conv"] == "3" and rows["inner_conv"] == "5" and rows["inner"] == "6"
    assert rows["inner_pool"] == "6"
