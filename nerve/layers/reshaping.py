"""Reshaping layers: Reshape, Permute, RepeatVector."""

import math
import numbers

import jax

from nerve import backend as K
from nerve.graph import apply, shapes
from nerve.layers.base import InputSpec, Layer
from nerve.utils import validation


class Reshape(Layer):
    """Reshapes every sample to `target_shape`; one entry may be -1 (inferred).

    Args:
        target_shape: the shape of a sample (batch axis excluded): positive
            integers, at most one of them -1.

    Input shape: any, with the batch axis first.
    Output shape: `(batch,) + target_shape`, the -1 resolved.

    Raises:
        ValueError: when called on an input whose samples do not fit `target_shape`.

    Example:
    >>> import numpy as np
    >>> Reshape((-1, 2))(np.zeros((5, 6))).shape
    (5, 3, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        expected = "a tuple of positive integers, at most one of them -1"
        try:
            items = tuple(target_shape)
        except TypeError:
            validation.fail(validation.owner_of(self), "target_shape", target_shape, expected)
        if (
            any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in items)
            or any(v <= 0 and v != -1 for v in items)
            or items.count(-1) > 1
        ):
            validation.fail(validation.owner_of(self), "target_shape", target_shape, expected)
        self.target_shape = tuple(int(v) for v in items)

    def _resolve(self, input_shape):
        """`target_shape` with the -1 filled in for samples of `input_shape`."""
        size = math.prod(input_shape[1:])
        known = math.prod(d for d in self.target_shape if d != -1)
        fits = size % known == 0 if -1 in self.target_shape else size == known
        if not fits:
            needs = f"a multiple of {known}" if -1 in self.target_shape else str(known)
            raise ValueError(
                f'Reshape "{self.name}" cannot reshape an input of shape {input_shape} to '
                f"target_shape {self.target_shape}: a sample holds {size} values, the target "
                f"needs {needs}."
            )
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        input_shape = K.int_shape(inputs)
        if None not in input_shape[1:]:
            return K.reshape(inputs, (-1,) + self._resolve(input_shape))
        # Sample sizes known only when the graph runs. `eval_shape` cannot divide unknown
        # sizes (nor prove they fit), so the static shape is stated (the -1 unknown) and
        # the sizes are checked when the program is traced, where they are known.
        def reshape(x):
            return K.reshape.kernel(x, x.shape[:1] + self._resolve(x.shape))

        dims = tuple(shapes.unknown_dim() if d == -1 else d for d in self.target_shape)
        aval = jax.ShapeDtypeStruct(inputs.aval.shape[:1] + dims, inputs.aval.dtype)
        return apply(reshape, (inputs,), name="reshape", out_avals=aval)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch axes of the input; `dims` counts them from 1, as Keras.

    Args:
        dims: a permutation of `1..n` for an input of rank `n + 1`.

    Input shape: `(batch, d1, ..., dn)`.
    Output shape: the `d`s in the order of `dims`.

    Example:
    >>> import numpy as np
    >>> Permute((2, 1))(np.zeros((4, 2, 3))).shape
    (4, 3, 2)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            items = tuple(dims)
        except TypeError:
            items = ()
        if (
            not items
            or any(isinstance(d, bool) or not isinstance(d, numbers.Integral) for d in items)
            or sorted(items) != list(range(1, len(items) + 1))
        ):
            validation.fail(validation.owner_of(self), "dims", dims,
                            "a permutation of 1..n (axes counted from 1; the batch axis stays)")
        self.dims = tuple(int(d) for d in items)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return K.permute_dimensions(inputs, (0,) + self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a 2D input `n` times along a new axis 1.

    Args:
        n: how many times to repeat (a positive integer).

    Input shape: `(batch, features)`.
    Output shape: `(batch, n, features)`.

    Example:
    >>> import numpy as np
    >>> RepeatVector(3)(np.zeros((2, 5))).shape
    (2, 3, 5)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = validation.positive_int(validation.owner_of(self), "n", n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return K.repeat(inputs, self.n)

    def get_config(self):
        return {**super().get_config(), "n": self.n}
