"""Receptive fields: which input cells each layer's outputs see, per spatial axis.

`receptive_fields(model)` follows each layer of a convolutional model back to
the model's input by the standard recursion (r <- r + (k - 1) * d * j,
j <- j * s); `summary_cells` gives `model.summary()` its column.
"""

import math
from fractions import Fraction

from nerve.utils import validation
from nerve.utils.conv_utils import _same_pads, _span


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

__all__ = ["receptive_fields", "summary_cells"]
