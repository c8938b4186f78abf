"""Convolution arithmetic: output lengths, argument normalisation, receptive fields.

The names and signatures are Keras 2's `keras.utils.conv_utils`, extended the
way nerve's layers are: `padding` is 'valid', 'same', 'causal', 'full', or
explicit padding for one axis, an int (both sides) or a `(before, after)` pair.
Lengths follow "A guide to convolution arithmetic for deep learning" (Dumoulin
& Visin, arXiv:1603.07285), with the dilated kernel spanning
`k_eff = dilation * (kernel - 1) + 1` cells:

* convolution: `(i + pad_before + pad_after - k_eff) // stride + 1` ('valid':
  no padding; 'same' and 'causal': `ceil(i / stride)`; 'full': `k_eff - 1` on
  both sides);
* transposed convolution: `stride * (i - 1) + k_eff - (pad_before + pad_after)
  + output_padding`, where the padding is what the matching convolution would
  pad ('same' gives `i * stride + output_padding` for every kernel size: tf-keras
  differs when `k_eff < stride`, nerve does not).

Lengths that are None (unknown) stay None. `receptive_fields(model)` follows
each layer of a convolutional model back to the model's input.
"""

import math
import numbers
from fractions import Fraction

from nerve.utils import validation

_NAMES = ("valid", "same", "causal", "full")


# Argument normalisation.


def normalize_tuple(value, n, name, allow_zero=False):
    """`value` as a tuple of `n` ints: an int is repeated, a sequence of `n` ints kept.

    Each int must be positive (at least 0 with `allow_zero=True`), as in tf-keras.

    >>> normalize_tuple(3, 2, "kernel_size")
    (3, 3)
    >>> normalize_tuple([1, 2], 2, "strides")
    (1, 2)
    """
    n = validation.positive_int("normalize_tuple", "n", n)
    return validation.int_tuple("normalize_tuple", name, value, n, minimum=0 if allow_zero else 1)


def normalize_padding(value, rank=None, owner="normalize_padding",
                      names=("valid", "same", "causal")):
    """A padding name in lower case ('valid', 'same' or 'causal'), or explicit padding.

    Explicit padding is an int (every side), a tuple of ints (both sides of each
    axis) or of `(before, after)` pairs; in one dimension a pair of ints is
    `(before, after)`. With `rank` (the number of spatial axes) it comes back as
    `rank` `(before, after)` pairs, else as given (tuples for lists).

    >>> normalize_padding("SAME")
    'same'
    >>> normalize_padding(1, rank=2)
    ((1, 1), (1, 1))
    >>> normalize_padding([(1, 0)], rank=1)
    ((1, 0),)
    """
    if rank is not None:
        rank = validation.positive_int(owner, "rank", rank)
    if isinstance(value, str):
        if value.lower() not in names:
            validation.fail(owner, "padding", value, "one of " + ", ".join(map(repr, names))
                            + " or explicit padding")
        return value.lower()
    expected = (", ".join(map(repr, names)) + ", a non-negative integer, or a tuple of "
                "non-negative integers or (before, after) pairs")
    if rank is not None:
        expected = expected.replace("a tuple of", f"a tuple of {rank}")
    if _is_count(value):
        return int(value) if rank is None else ((int(value),) * 2,) * rank
    try:
        items = tuple(value)
    except TypeError:
        validation.fail(owner, "padding", value, expected)
    if rank == 1 and len(items) == 2 and all(_is_count(v) for v in items):
        items = (items,)
    pairs = []
    for item in items:
        if _is_count(item):
            pairs.append(int(item) if rank is None else (int(item),) * 2)
            continue
        try:
            pair = tuple(item)
        except TypeError:
            pair = ()
        if len(pair) != 2 or not all(_is_count(p) for p in pair):
            validation.fail(owner, "padding", value, expected)
        pairs.append((int(pair[0]), int(pair[1])))
    if not pairs or (rank is not None and len(pairs) != rank):
        validation.fail(owner, "padding", value, expected)
    return tuple(pairs)


def normalize_data_format(value):
    """'channels_last' or 'channels_first'; None means `image_data_format()`."""
    from nerve import config

    return config.normalize_data_format(value)


# Lengths along one axis.


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """The length of a convolution's output along one axis.

    Args:
        input_length: the input's length, or None (unknown).
        filter_size: the kernel's size.
        padding: 'valid', 'same', 'causal', 'full', an int (both sides) or a
            `(before, after)` pair.
        stride: the step between windows.
        dilation: the spacing of the kernel's taps.

    Returns:
        `(input_length + pad_before + pad_after - k_eff) // stride + 1`, or 0
        when not even one window fits; None when `input_length` is None.

    >>> conv_output_length(7, 3, "valid", 2)
    3
    >>> conv_output_length(7, 3, "same", 2)
    4
    >>> conv_output_length(7, 2, (1, 0), 1, dilation=2)
    6
    """
    owner = "conv_output_length"
    filter_size, stride, dilation = _window(owner, filter_size, stride, dilation)
    padding = _lower(padding)
    if input_length is None:
        return None
    length = validation.non_negative_int(owner, "input_length", input_length)
    span = _span(filter_size, dilation)
    if padding in ("same", "causal"):
        _check_padding(owner, padding)
        return -(-length // stride)
    before, after = _fixed_pads(owner, padding, span)
    return max(0, (length + before + after - span) // stride + 1)


def conv_input_length(output_length, filter_size, padding, stride, dilation=1):
    """The shortest input length a convolution maps to `output_length` along one axis.

    `stride * (output_length - 1) + k_eff - (pad_before + pad_after)` with the
    padding the convolution pads that input with: 'same' and 'causal' give
    `stride * (output_length - 1) + 1` whatever the kernel size (tf-keras
    assumes `kernel_size // 2` on both sides, which is one short for even
    kernels). `dilation` is an extension of Keras's signature.

    Raises:
        ValueError: for invalid arguments, or when no input length gives
            `output_length` (explicit or 'full' padding wider than the kernel).

    >>> conv_input_length(3, 3, "valid", 2)
    7
    >>> conv_input_length(4, 3, "same", 2)
    7
    """
    owner = "conv_input_length"
    filter_size, stride, dilation = _window(owner, filter_size, stride, dilation)
    padding = _lower(padding)
    if output_length is None:
        return None
    out = validation.non_negative_int(owner, "output_length", output_length)
    if out == 0:
        return 0
    span = _span(filter_size, dilation)
    if padding in ("same", "causal"):
        _check_padding(owner, padding)
        return stride * (out - 1) + 1
    before, after = _fixed_pads(owner, padding, span)
    length = max(1, stride * (out - 1) + span - before - after)
    if conv_output_length(length, filter_size, padding, stride, dilation) != out:
        validation.fail(
            owner, "output_length", output_length,
            f"a length that some input reaches with filter_size={filter_size}, "
            f"stride={stride}, dilation={dilation} and padding={padding!r} (an input of length "
            f"1 already gives {conv_output_length(1, filter_size, padding, stride, dilation)})",
        )
    return length


def deconv_output_length(input_length, filter_size, padding, output_padding=None, stride=1,
                         dilation=1):
    """The length of a transposed convolution's output along one axis.

    `stride * (input_length - 1) + k_eff - (pad_before + pad_after) +
    output_padding` (conv arithmetic, relationship 14), where the padding is
    the one the matching convolution pads: 'valid' none, 'same' `k_eff - stride`
    in all (so the output is `input_length * stride + output_padding`; a
    negative amount is added), 'full' `k_eff - 1` on each side, 'causal'
    `k_eff - 1` before (the Conv*Transpose layers refuse 'causal'), or an int
    / `(before, after)` pair. Unlike tf-keras, the one formula holds with or
    without `output_padding` and for kernels smaller than the stride.

    Args:
        input_length: the input's length, or None (unknown).
        filter_size: the kernel's size.
        padding: as above.
        output_padding: None or an int smaller than `stride`: cells added after.
        stride: how far apart the input cells land in the output.
        dilation: the spacing of the kernel's taps.

    Returns:
        The length (0 when the padding crops everything), or None when
        `input_length` is None.

    >>> deconv_output_length(4, 3, "valid", stride=2)
    9
    >>> deconv_output_length(4, 1, "valid", stride=2)  # tf-keras: 8
    7
    >>> deconv_output_length(4, 3, "same", output_padding=1, stride=2)
    9
    """
    owner = "deconv_output_length"
    filter_size, stride, dilation = _window(owner, filter_size, stride, dilation)
    padding = _lower(padding)
    extra = 0
    if output_padding is not None:
        extra = validation.non_negative_int(owner, "output_padding", output_padding)
        if extra >= stride:
            validation.fail(owner, "output_padding", output_padding,
                            f"a non-negative integer smaller than stride={stride}")
    if input_length is None:
        return None
    length = validation.non_negative_int(owner, "input_length", input_length)
    if length == 0:
        return 0
    span = _span(filter_size, dilation)
    if padding == "same":
        total = span - stride
    elif padding == "causal":
        total = span - 1
    else:
        total = sum(_fixed_pads(owner, padding, span))
    return max(0, stride * (length - 1) + span - total + extra)


def _lower(padding):
    return padding.lower() if isinstance(padding, str) else padding


def _window(owner, filter_size, stride, dilation):
    return (validation.positive_int(owner, "filter_size", filter_size),
            validation.positive_int(owner, "stride", stride),
            validation.positive_int(owner, "dilation", dilation))


def _span(filter_size, dilation):
    return dilation * (filter_size - 1) + 1


def _is_count(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0


_PADDING_EXPECTED = ("'valid', 'same', 'causal', 'full', a non-negative integer or a "
                     "(before, after) pair of them")


def _check_padding(owner, padding):
    if not isinstance(padding, str) or padding not in _NAMES:
        validation.fail(owner, "padding", padding, _PADDING_EXPECTED)


def _fixed_pads(owner, padding, span):
    """(before, after) for every padding but 'same' and 'causal'."""
    if padding == "valid":
        return 0, 0
    if padding == "full":
        return span - 1, span - 1
    if _is_count(padding):
        return int(padding), int(padding)
    if not isinstance(padding, str):
        try:
            pair = tuple(padding)
        except TypeError:
            pair = ()
        if len(pair) == 2 and all(_is_count(p) for p in pair):
            return int(pair[0]), int(pair[1])
    validation.fail(owner, "padding", padding, _PADDING_EXPECTED)


def _same_pads(length, span, stride):
    """TensorFlow's 'same' padding: the odd cell after. Unknown lengths are
    taken as multiples of the stride."""
    if length is None:
        total = max(span - stride, 0)
    else:
        total = max((-(-length // stride) - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


# Receptive fields.


def receptive_fields(model):
    """How much of the input each layer of a convolutional model sees.

    Per spatial axis, with the input cells indexed 0, 1, 2, … and each layer
    seen from the model's input:

    * `receptive_field` r: how many input cells one output cell spans (holes of
      dilated kernels and padding included);
    * `jump` j: how far apart, in input cells, neighbouring output cells are;
    * `start`: the input coordinate of the centre of the first output cell's
      field (negative or fractional where the field reaches into padding or
      falls between cells).

    A convolution or pooling window of `k` cells, dilation `d`, stride `s` and
    `pad_before` padding updates them by the standard recursion (derived in
    Araujo et al., "Computing receptive fields of convolutional neural
    networks", Distill 2019), with `k_eff = d * (k - 1) + 1`:

        r <- r + (k_eff - 1) * j
        start <- start + ((k_eff - 1) / 2 - pad_before) * j
        j <- j * s

    'same' pads as TensorFlow (the odd cell after; an unknown length is taken
    as a multiple of the stride), 'causal' pads `k_eff - 1` before the first
    spatial axis. ZeroPadding moves `start` back by its `before` cells and
    Cropping forward. A transposed convolution (and UpSampling with 'nearest',
    which is one with `k = s = size`) divides the jump by its stride; its
    output cells each see at most `(k_eff - 1) // s + 1` input cells, which
    widens r by `(k_eff - 1) // s` jumps, and `start` moves to the centre of
    the input cells that the first output cell sees. Bilinear UpSampling mixes
    two neighbouring cells: r widens by one jump. Layers that keep the spatial
    sizes (activations, BatchNormalization, Dropout, Dense on the channels,
    merges, layers nerve does not know) are taken to act on each position
    alone and pass the values through; merges of several branches cover the
    union of their fields. An Embedding of token ids starts one spatial axis,
    its steps. Recurrent layers (with `return_sequences`), and the first layer
    whose output has no spatial axes (Flatten, global pooling), end the list.
    Nested models are followed layer by layer.

    Args:
        model: a built `Model` or `Sequential` with at least one convolution,
            pooling, padding, cropping or upsampling layer.

    Returns:
        A list with one dict per layer in `model.layers` order, InputLayers left
        out, up to the first layer without spatial axes: `{"layer": name,
        "receptive_field": (...), "jump": (...), "start": (...)}`, one entry per
        spatial axis (an int, or a float when fractional).

    Raises:
        ValueError: when the model is not built or has no such layer.
    """
    from nerve.layers.input_layer import InputLayer

    owner = "receptive_fields"
    if not getattr(model, "built", False) or not hasattr(model, "_nodes"):
        validation.fail(owner, "model", model, "a built Model or Sequential")
    if not _has_spatial_layers(model, _spatial_types()):
        validation.fail(owner, "model", model,
                        "a model with a convolution, pooling, padding, cropping or "
                        "upsampling layer")
    states = _walk(model)
    records = []
    for layer in model.layers:
        if isinstance(layer, InputLayer):
            continue
        state = states.get(id(layer))
        if state is None or state is _TOKENS:
            break
        records.append(_record(layer.name, state))
    return records


def summary_cells(model):
    """{id(layer): text} for `model.summary()`'s `Receptive field` column ('256', '5x5'),
    nested models' layers included; None when the model has no convolution or
    pooling layer or no layer with spatial axes."""
    from nerve.layers.input_layer import InputLayer

    types = _spatial_types()
    if not _has_spatial_layers(model, types[:2]):
        return None
    states = _walk(model)
    cells = {}

    def fill(m):
        for layer in m.layers:
            state = states.get(id(layer))
            if state not in (None, _TOKENS) and not isinstance(layer, InputLayer):
                cells[id(layer)] = "x".join(_text(r) for r, _, _ in state[1])
            if hasattr(layer, "_nodes"):
                fill(layer)

    fill(model)
    return cells or None


def _text(value):
    value = _number(value)
    return str(value) if isinstance(value, int) else f"{value:g}"


def _number(value):
    return int(value) if value.denominator == 1 else float(value)


def _record(name, state):
    axes = state[1]
    return {
        "layer": name,
        "receptive_field": tuple(_number(r) for r, _, _ in axes),
        "jump": tuple(_number(j) for _, j, _ in axes),
        "start": tuple(_number(s) for _, _, s in axes),
    }


def _spatial_types():
    """(convolutions, windowed pooling, other layers that move spatial cells)."""
    from nerve.layers.conv import BaseConv
    from nerve.layers.pooling import _Pooling
    from nerve.layers.spatial import _Cropping, _UpSampling, _ZeroPadding

    return BaseConv, _Pooling, _ZeroPadding, _Cropping, _UpSampling


def _has_spatial_layers(model, types):
    for layer in model.layers:
        if isinstance(layer, types):
            return True
        if hasattr(layer, "_nodes") and _has_spatial_layers(layer, types):
            return True
    return False


# A tensor's state: None (no spatial axes), or (data_format, axes) with one
# (r, j, start) of Fractions per spatial axis. Model inputs start as the
# identity in `image_data_format()` (channels_last for one axis); a spatial
# layer with the other data format re-reads an identity in its own. Inputs of
# rank 2 start as _TOKENS: an Embedding turns them into steps.

_ONE = (Fraction(1), Fraction(1), Fraction(0))
_TOKENS = ("tokens", None)


def _walk(model, input_states=None, states=None):
    """The state of every layer's first output in this model (and nested ones),
    keyed by id(layer); with `input_states`, the outputs' states too."""
    from nerve import backend as K
    from nerve.config import image_data_format

    states = {} if states is None else states
    tensors = {}
    for i, t in enumerate(model.inputs):
        if input_states is not None:
            tensors[id(t)] = input_states[i] if i < len(input_states) else None
            continue
        rank = len(K.int_shape(t)) - 2
        fmt = "channels_last" if rank == 1 else image_data_format()
        tensors[id(t)] = (fmt, (_ONE,) * rank) if rank >= 1 else _TOKENS if rank == 0 else None
    for node in model._nodes:
        layer = node.layer
        inputs = [tensors.get(id(t)) for t in node.input_tensors]
        if not node.input_tensors:  # an InputLayer: its tensor is the model's input
            outputs = [tensors.get(id(t)) for t in node.output_tensors]
        elif hasattr(layer, "_nodes") and hasattr(layer, "inputs"):
            outputs = _walk(layer, inputs, states)
        else:
            state = _layer_state(layer, node, inputs)
            outputs = [state] * len(node.output_tensors)
        for t, state in zip(node.output_tensors, outputs):
            tensors.setdefault(id(t), state)
        if outputs:
            states.setdefault(id(layer), outputs[0])
    if input_states is not None:
        return [tensors.get(id(t)) for t in model.outputs]
    return states


def _shape(tensor):
    from nerve import backend as K

    return tuple(K.int_shape(tensor))


def _spatial_sizes(shape, fmt):
    return shape[2:] if fmt == "channels_first" else shape[1:-1]


def _layer_state(layer, node, inputs):
    conv, pooling, padding, cropping, upsampling = _spatial_types()
    from nerve.layers.conv_transpose import ConvTranspose
    from nerve.layers.embedding import Embedding

    if any(state is _TOKENS for state in inputs):
        # Token ids (batch, steps): an Embedding makes each step a vector.
        if isinstance(layer, Embedding) and len(inputs) == 1 and all(
                len(_shape(t)) == 3 for t in node.output_tensors):
            return "channels_last", (_ONE,)
        return None

    if isinstance(layer, (conv, pooling, padding, cropping, upsampling)):
        if len(inputs) != 1 or inputs[0] is None:
            return None
        state = inputs[0]
        shape = _shape(node.input_tensors[0])
        if len(shape) != layer.rank + 2 or len(state[1]) != layer.rank:
            return None
        if state[0] != layer.data_format:
            if any(axis != _ONE for axis in state[1]):
                return None  # the spatial axes moved (Permute?): no telling which is which
            state = (layer.data_format, state[1])
        sizes = _spatial_sizes(shape, layer.data_format)
        if isinstance(layer, ConvTranspose):
            steps = _transposed_steps(layer)
        elif isinstance(layer, conv):
            steps = _conv_steps(layer, sizes)
        elif isinstance(layer, pooling):
            steps = _window_steps(layer.pool_size, (1,) * layer.rank, layer.strides,
                                  layer.padding, sizes)
        elif isinstance(layer, padding):
            steps = [(1, Fraction(-lo), 1) for lo, _ in layer._pairs]
        elif isinstance(layer, cropping):
            steps = [(1, Fraction(lo), 1) for lo, _ in layer._pairs]
        else:
            steps = _upsampling_steps(layer)
        return state[0], tuple(_apply(axis, step) for axis, step in zip(state[1], steps))
    return _generic_state(layer, node, inputs)


def _apply(axis, step):
    """One layer on one axis: it spans `span` cells of its input, its first
    output's field is centred `offset` cells into it, its cells are `scale`
    input cells apart."""
    r, j, start = axis
    span, offset, scale = step
    return r + (span - 1) * j, j * scale, start + offset * j


def _conv_steps(layer, sizes):
    if layer.padding == "causal":
        first = _window_steps(layer.kernel_size[:1], layer.dilation_rate[:1],
                              layer.strides[:1], "causal", sizes[:1])
        rest = _window_steps(layer.kernel_size[1:], layer.dilation_rate[1:],
                             layer.strides[1:], "same", sizes[1:])
        return first + rest
    return _window_steps(layer.kernel_size, layer.dilation_rate, layer.strides, layer.padding,
                         sizes)


def _window_steps(kernel_size, dilation_rate, strides, padding, sizes):
    steps = []
    for axis, (k, d, s, n) in enumerate(zip(kernel_size, dilation_rate, strides, sizes)):
        span = _span(k, d)
        if padding == "valid":
            before = 0
        elif padding == "same":
            before = _same_pads(n, span, s)[0]
        elif padding == "causal":
            before = span - 1
        else:
            before = padding[axis][0]
        steps.append((span, Fraction(span - 1, 2) - before, s))
    return steps


def _transposed_steps(layer):
    steps = []
    for axis, (k, d, s) in enumerate(zip(layer.kernel_size, layer.dilation_rate,
                                         layer.strides)):
        span = _span(k, d)
        if layer.padding == "valid":
            before = 0
        elif layer.padding == "same":
            before = max(span - s, 0) // 2
        else:
            before = layer.padding[axis][0]
        steps.append(_spread(span, s, before))
    return steps


def _spread(span, stride, before):
    """A transposed convolution on one axis: output cell m is full-output cell
    `m + before`, which input cells n with `n * stride <= m + before <
    n * stride + span` feed."""
    first, last = math.ceil(Fraction(before - span + 1, stride)), before // stride
    return (span - 1) // stride + 1, Fraction(first + last, 2), Fraction(1, stride)


def _upsampling_steps(layer):
    sizes = (layer.size,) if isinstance(layer.size, int) else layer.size
    if getattr(layer, "interpolation", "nearest") == "bilinear":
        return [(2 if u > 1 else 1, Fraction(0), Fraction(1, u)) for u in sizes]
    return [_spread(u, u, 0) for u in sizes]


def _generic_state(layer, node, inputs):
    """A layer nerve knows nothing spatial about: it passes the fields through
    when it keeps every input's spatial sizes (a merge covers the union)."""
    if not inputs or any(state is None for state in inputs) or hasattr(layer,
                                                                     "return_sequences"):
        return None
    out_shapes = [_shape(t) for t in node.output_tensors]
    fmts = {state[0] for state in inputs}
    ranks = {len(state[1]) for state in inputs}
    if len(fmts) != 1 or len(ranks) != 1:
        return None
    fmt = fmts.pop()
    for t in node.input_tensors:
        sizes = _spatial_sizes(_shape(t), fmt)
        for shape in out_shapes:
            if len(shape) != len(_shape(t)) or not _same_sizes(sizes,
                                                               _spatial_sizes(shape, fmt)):
                return None
    if len(inputs) == 1:
        return inputs[0]
    return fmt, tuple(_union(axes) for axes in zip(*(state[1] for state in inputs)))


def _same_sizes(a, b):
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def _union(axes):
    """The field covering several branches' fields (the widest jump kept)."""
    lo = min(start - (r - 1) * Fraction(1, 2) for r, _, start in axes)
    hi = max(start + (r - 1) * Fraction(1, 2) for r, _, start in axes)
    return hi - lo + 1, max(j for _, j, _ in axes), (lo + hi) / 2


__all__ = [
    "conv_input_length",
    "conv_output_length",
    "deconv_output_length",
    "normalize_data_format",
    "normalize_padding",
    "normalize_tuple",
    "receptive_fields",
]
