"""Per-sample metric functions: accuracies of every kind (tf-keras 2.x)."""


import numpy as np

from nerve import backend as K
from nerve.losses import as_tensor
from nerve.metrics.base import _compatible

# The "threshold" every kept top-k prediction passes (tf-keras's NEG_INF).
_NEG_INF = -1e10


# Per-sample metric functions.


def _float(x):
    x = as_tensor(x)
    if not np.issubdtype(np.dtype(K.dtype(x)), np.floating):
        x = K.cast(x, K.floatx())
    return x


def accuracy(y_true, y_pred):
    """1 where `y_pred` equals `y_true` element by element, else 0."""
    y_true, y_pred = as_tensor(y_true), as_tensor(y_pred)
    if not _compatible(K.int_shape(y_true), K.int_shape(y_pred)):
        raise ValueError(
            "`accuracy` needs `y_true` and `y_pred` of the same shape. Received: "
            f"y_true.shape={K.int_shape(y_true)}, y_pred.shape={K.int_shape(y_pred)}"
        )
    if K.dtype(y_true) != K.dtype(y_pred):
        y_pred = K.cast(y_pred, K.dtype(y_true))
    return K.cast(K.equal(y_true, y_pred), K.floatx())


def _binary_matches(y_true, y_pred, threshold=0.5):
    y_pred = _float(y_pred)
    y_pred = K.cast(K.greater(y_pred, threshold), K.dtype(y_pred))
    y_true = K.cast(as_tensor(y_true), K.dtype(y_pred))
    return K.cast(K.equal(y_true, y_pred), K.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """The fraction of the last axis where `y_pred > threshold` matches the 0/1 `y_true`."""
    return K.mean(_binary_matches(y_true, y_pred, threshold), axis=-1)


def _sparse_categorical_matches(y_true, y_pred):
    """1 where the argmax of `y_pred` is the label; `(n, 1)` labels give `(n, 1)`."""
    y_true, y_pred = as_tensor(y_true), as_tensor(y_pred)
    keep_axis = K.ndim(y_true) == K.ndim(y_pred)
    if keep_axis:
        y_true = K.squeeze(y_true, -1)
    predicted = K.argmax(y_pred, axis=-1)
    if K.dtype(predicted) != K.dtype(y_true):
        predicted = K.cast(predicted, K.dtype(y_true))
    matches = K.cast(K.equal(y_true, predicted), K.floatx())
    return K.expand_dims(matches, -1) if keep_axis else matches


def _squeeze_last(matches):
    if K.ndim(matches) > 1 and K.int_shape(matches)[-1] == 1:
        return K.squeeze(matches, -1)
    return matches


def categorical_accuracy(y_true, y_pred):
    """1 where the argmax of `y_pred` is the argmax of the one-hot `y_true`."""
    return _sparse_categorical_matches(K.argmax(as_tensor(y_true), axis=-1), y_pred)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the argmax of `y_pred` is the integer label `y_true`."""
    return _squeeze_last(_sparse_categorical_matches(y_true, y_pred))


def _sparse_top_k_matches(y_true, y_pred, k=5):
    """1 where the label's score is among the `k` highest (ties count in, as `in_top_k`)."""
    y_true, y_pred = as_tensor(y_true), _float(y_pred)
    keep_axis = K.ndim(y_true) == K.ndim(y_pred)
    if keep_axis:
        y_true = K.squeeze(y_true, -1)
    num_classes = K.int_shape(y_pred)[-1]
    if num_classes is None:
        raise ValueError(
            "Top-k accuracy needs the number of classes (the last axis of `y_pred`) to be "
            f"known. Received: y_pred.shape={K.int_shape(y_pred)}"
        )
    one_hot = K.one_hot(K.cast(y_true, "int32"), num_classes)
    target = K.sum(K.switch(K.greater(one_hot, 0), y_pred, K.zeros_like(y_pred)), axis=-1)
    higher = K.sum(K.cast(K.greater(y_pred, K.expand_dims(target, -1)), K.floatx()), axis=-1)
    matches = K.cast(K.less(higher, k), K.floatx())
    return K.expand_dims(matches, -1) if keep_axis else matches


def _top_k_matches(y_true, y_pred, k=5):
    return _sparse_top_k_matches(K.argmax(as_tensor(y_true), axis=-1), y_pred, k)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the one-hot `y_true`'s class is among the `k` highest scores of `y_pred`."""
    return _top_k_matches(y_true, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the integer label `y_true` is among the `k` highest scores of `y_pred`."""
    return _squeeze_last(_sparse_top_k_matches(y_true, y_pred, k))


acc = ACC = accuracy
