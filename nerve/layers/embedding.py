"""`Embedding`: integer indices to dense vectors."""

import numbers

from nerve import backend as K
from nerve import constraints, initializers, regularizers
from nerve.layers.base import Layer
from nerve.layers.core import _activity_loss
from nerve.utils import validation
from nerve.utils.serialization import serialize_object


class Embedding(Layer):
    """Turns integer indices into dense vectors: row `i` of an `(input_dim, output_dim)` table.

    Args:
        input_dim: the vocabulary size (indices lie in `[0, input_dim)`).
        output_dim: the size of each vector.
        embeddings_initializer: for the table ('uniform': RandomUniform(-0.05, 0.05)).
        embeddings_regularizer: a regularizer of the table, or None.
        activity_regularizer: a regularizer of the output, or None.
        embeddings_constraint: a constraint on the table, or None.
        mask_zero: whether index 0 is padding, masked out downstream.
        input_length: the length of the index sequences (an int, or a tuple for
            higher-rank inputs) when it is fixed.

    Input shape: `(batch, ...)` integers (floats are cast to int32).
    Output shape: `(batch, ..., output_dim)`.

    Indices are not checked while the graph runs (XLA cannot raise there): an
    index at or above `input_dim` gives a row of NaN, a negative one counts from
    the end as in numpy (and a row of NaN below `-input_dim`).

    Example:
    >>> import numpy as np
    >>> layer = Embedding(10, 3)
    >>> layer(np.array([[1, 2, 9]])).shape
    (1, 3, 3)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        batch_size = kwargs.get("batch_size")
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.input_dim = validation.positive_int(owner, "input_dim", input_dim)
        self.output_dim = validation.positive_int(owner, "output_dim", output_dim)
        lengths = (None,)
        if input_length is not None:
            lengths = tuple(input_length) if isinstance(input_length, (list, tuple)) else (
                input_length,)
            if not lengths or any(
                n is not None and (isinstance(n, bool) or not isinstance(n, numbers.Integral)
                                   or n <= 0)
                for n in lengths
            ):
                validation.fail(owner, "input_length", input_length,
                                "None, a positive integer, or a tuple of them")
            input_length = lengths if isinstance(input_length, (list, tuple)) else int(
                input_length)
        self.input_length = input_length
        if self._batch_input_shape is None:
            # As tf-keras: an Embedding first in a Sequential takes sequences of any length.
            self._batch_input_shape = (batch_size,) + lengths
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def _check_length(self, input_shape):
        if self.input_length is None:
            return
        lengths = self.input_length
        lengths = lengths if isinstance(lengths, tuple) else (lengths,)
        dims = input_shape[1:]
        if len(lengths) != len(dims) or any(
            n is not None and d is not None and n != d for n, d in zip(lengths, dims)
        ):
            raise ValueError(
                f'Embedding "{self.name}" has input_length={self.input_length}, but received '
                f"an input of shape {input_shape}."
            )

    def call(self, inputs):
        self._check_length(K.int_shape(inputs))
        if K.dtype(inputs) not in ("int32", "int64"):
            inputs = K.cast(inputs, "int32")
        outputs = K.gather(self.embeddings, inputs)
        if self.activity_regularizer is not None:
            self.add_loss(_activity_loss(self.activity_regularizer, outputs))
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return K.not_equal(inputs, 0)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": serialize_object(self.embeddings_initializer),
            "embeddings_regularizer": serialize_object(self.embeddings_regularizer),
            "activity_regularizer": serialize_object(self.activity_regularizer),
            "embeddings_constraint": serialize_object(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        }
