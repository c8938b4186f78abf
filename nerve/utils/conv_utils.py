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

import numbers

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


from nerve.utils.receptive_fields import receptive_fields, summary_cells  # noqa: E402

__all__ = [
    "conv_input_length",
    "conv_output_length",
    "deconv_output_length",
    "normalize_data_format",
    "normalize_padding",
    "normalize_tuple",
    "receptive_fields",
    "summary_cells",
]
