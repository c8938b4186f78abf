"""Numpy helpers of Keras 2's `keras.utils.np_utils`."""

import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows for the integer class labels `y` (a trailing axis of 1 is dropped).

    Example:
    >>> to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    y = np.asarray(y)
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        raise ValueError(f"`y` must hold integer class labels. Received values like {y.flat[0]!r}.")
    y = y.astype("int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if y.size and y.min() < 0:
        raise ValueError(f"`y` must hold labels >= 0. Received a label {y.min()}.")
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif y.size and y.max() >= num_classes:
        raise ValueError(
            f"`y` holds label {y.max()}, which does not fit num_classes={num_classes}. "
            "Pass a larger `num_classes` or leave it None."
        )
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """`x` scaled to unit `order`-norm along `axis` (zero rows stay zero)."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
