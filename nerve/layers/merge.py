"""Merge layers: combine a list of tensors elementwise, by concatenation or by a dot product.

Elementwise merges broadcast as tf-keras does: the batch axes line up, and an
input of lower rank gets new axes right after its batch axis.

Example:
>>> import numpy as np
>>> Add()([np.ones((2, 3)), np.full((2, 3), 2.0)]).tolist()
[[3.0, 3.0, 3.0], [3.0, 3.0, 3.0]]
>>> concatenate([np.ones((1, 2)), np.zeros((1, 1))]).tolist()
[[1.0, 1.0, 0.0]]
"""

import functools
import numbers

from nerve import backend as K
from nerve.layers.base import Layer
from nerve.utils import validation


class _Merge(Layer):
    """The base of merge layers: checks the list of inputs, then `_merge` combines it.

    `_counts` is (fewest, most) inputs accepted; most is None for no limit.
    """

    _counts = (2, None)

    def call(self, inputs):
        shapes = self._input_shapes(inputs)
        self._check_shapes(shapes)
        return self._merge(list(inputs))

    def _describe(self):
        cls = type(self).__name__
        article = "An" if cls[0] in "AEIOU" else "A"
        return f'{article} `{cls}` layer ("{self.name}")'

    def _input_shapes(self, inputs):
        fewest, most = self._counts
        wanted = f"exactly {fewest}" if fewest == most else f"at least {fewest}"
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{self._describe()} should be called on a list of {wanted} inputs. "
                f"Received: a single input of shape {K.int_shape(inputs)}"
            )
        shapes = [K.int_shape(x) for x in inputs]
        if len(shapes) < fewest or (most is not None and len(shapes) > most):
            raise ValueError(
                f"{self._describe()} should be called on a list of {wanted} inputs. "
                f"Received {len(shapes)} input(s): input_shape={shapes}"
            )
        return shapes

    def _check_inputs(self, inputs):
        # Called by `Layer` with the arrays themselves on eager calls, whose
        # batch sizes the placeholders `call` sees do not show.
        super()._check_inputs(inputs)
        if isinstance(inputs, (list, tuple)):
            self._check_batch_sizes([K.int_shape(x) for x in inputs])

    def _check_batch_sizes(self, shapes):
        batch_sizes = {s[0] for s in shapes if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"{self._describe()} cannot merge inputs with different batch sizes. "
                f"Received: input_shape={shapes}"
            )

    def _check_shapes(self, shapes):
        """Elementwise merges: one batch size, and the other axes broadcast (numpy's rule)."""
        self._check_batch_sizes(shapes)
        rank = max(len(s) for s in shapes)
        for axis in range(1, rank):
            # Right-aligned below the batch axis, as numpy aligns trailing axes.
            sizes = {s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 1}
            if len(sizes - {None, 1}) > 1:
                raise ValueError(
                    f"{self._describe()} requires inputs whose shapes broadcast together "
                    f"(batch axis aside). Received: input_shape={shapes}"
                )

    def _merge(self, inputs):
        raise NotImplementedError


def _align_ranks(inputs):
    """Inserts axes after the batch axis of lower-rank inputs, as tf-keras does."""
    rank = max(K.ndim(x) for x in inputs)
    aligned = []
    for x in inputs:
        for _ in range(rank - K.ndim(x)):
            x = K.expand_dims(x, 1)
        aligned.append(x)
    return aligned


class Add(_Merge):
    """The elementwise sum of a list of inputs."""

    def _merge(self, inputs):
        return functools.reduce(lambda a, b: a + b, _align_ranks(inputs))


class Subtract(_Merge):
    """`inputs[0] - inputs[1]`, for exactly two inputs."""

    _counts = (2, 2)

    def _merge(self, inputs):
        first, second = _align_ranks(inputs)
        return first - second


class Multiply(_Merge):
    """The elementwise product of a list of inputs."""

    def _merge(self, inputs):
        return functools.reduce(lambda a, b: a * b, _align_ranks(inputs))


class Average(_Merge):
    """The elementwise mean of a list of inputs."""

    def _merge(self, inputs):
        return functools.reduce(lambda a, b: a + b, _align_ranks(inputs)) / len(inputs)


class Maximum(_Merge):
    """The elementwise maximum of a list of inputs."""

    def _merge(self, inputs):
        return functools.reduce(K.maximum, _align_ranks(inputs))


class Minimum(_Merge):
    """The elementwise minimum of a list of inputs."""

    def _merge(self, inputs):
        return functools.reduce(K.minimum, _align_ranks(inputs))


class Concatenate(_Merge):
    """Joins a list of inputs along `axis`; every other axis must match.

    Args:
        axis: the axis to join along (negative counts from the end).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            validation.fail(validation.owner_of(self), "axis", axis, "an integer")
        self.axis = int(axis)

    def _check_batch_sizes(self, shapes):
        rank = max(len(s) for s in shapes)
        if rank and self.axis % rank != 0:  # joining along the batch axis needs no match
            super()._check_batch_sizes(shapes)

    def _check_shapes(self, shapes):
        ranks = {len(s) for s in shapes}
        rank = max(ranks)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"{self._describe()} cannot concatenate along axis={self.axis}: its inputs "
                f"have rank {rank}. Received: input_shape={shapes}"
            )
        axis = self.axis % rank
        matching = len(ranks) == 1 and all(
            len({s[i] for s in shapes} - {None}) <= 1 for i in range(rank) if i != axis
        )
        if not matching:
            raise ValueError(
                f"{self._describe()} requires inputs with matching shapes except for the "
                f"concatenation axis (axis={self.axis}). Received: input_shape={shapes}"
            )

    def _merge(self, inputs):
        return K.concatenate(inputs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(_Merge):
    """The dot product of two inputs' samples over `axes`, as `K.batch_dot`.

    Args:
        axes: an axis of both inputs, or a pair `(axis of the first, axis of the
            second)`; the batch axis 0 cannot be one of them.
        normalize: whether to L2-normalize both inputs along `axes` first, so
            the result is the cosine similarity.

    Example:
    >>> import numpy as np
    >>> Dot(axes=1)([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])]).tolist()
    [[11.0]]
    """

    _counts = (2, 2)

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        pair = (axes, axes) if isinstance(axes, numbers.Integral) else axes
        if (
            not isinstance(pair, (list, tuple))
            or len(pair) != 2
            or any(isinstance(a, bool) or not isinstance(a, numbers.Integral) for a in pair)
            or 0 in pair
        ):
            validation.fail(owner, "axes", axes,
                            "a non-zero integer or a pair of non-zero integers")
        if not isinstance(normalize, bool):
            validation.fail(owner, "normalize", normalize, "a bool")
        self.axes = int(axes) if isinstance(axes, numbers.Integral) else [int(a) for a in axes]
        self.normalize = normalize

    def _contracted(self, shapes):
        """The two axes, made non-negative; ValueError unless both are real, non-batch axes."""
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        axes = []
        for axis, shape in zip(pair, shapes):
            rank = len(shape)
            if not -rank <= axis < rank or axis % rank == 0:
                raise ValueError(
                    f"{self._describe()} cannot take the dot product over axes={self.axes}: "
                    f"each must be a non-batch axis of its input. Received: input_shape={shapes}"
                )
            axes.append(axis % rank)
        return axes

    def _check_shapes(self, shapes):
        self._check_batch_sizes(shapes)
        first, second = self._contracted(shapes)
        if shapes[0][first] != shapes[1][second]:
            raise ValueError(
                f"{self._describe()} requires the dot axes to have the same size: "
                f"{shapes[0][first]} (axis {first} of the first input) != "
                f"{shapes[1][second]} (axis {second} of the second). "
                f"Received: input_shape={shapes}"
            )

    def _merge(self, inputs):
        x, y = inputs
        axes = self._contracted([K.int_shape(x), K.int_shape(y)])
        if self.normalize:
            x, y = K.l2_normalize(x, axis=axes[0]), K.l2_normalize(y, axis=axes[1])
        return K.batch_dot(x, y, axes=tuple(axes))

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """`Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """`Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """`Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """`Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """`Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """`Concatenate(axis, **kwargs)(inputs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """`Dot(axes, normalize, **kwargs)(inputs)`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
