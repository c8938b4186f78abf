"""Loss functions `(y_true, y_pred)` giving per-sample values (tf-keras 2.x formulas)."""

import math
import numbers
import warnings

from nerve import backend as K
from nerve.losses.reduction import _cast_pair, _is_float, as_tensor
from nerve.utils import validation

# Loss functions.


def mean_squared_error(y_true, y_pred):
    """`mean(square(y_pred - y_true), axis=-1)`."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    return K.mean(K.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_pred - y_true), axis=-1)`."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    return K.mean(K.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    diff = K.abs((y_true - y_pred) / K.maximum(K.abs(y_true), K.epsilon()))
    return 100.0 * K.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)`."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    first_log = K.log(K.maximum(y_pred, K.epsilon()) + 1.0)
    second_log = K.log(K.maximum(y_true, K.epsilon()) + 1.0)
    return K.mean(K.square(first_log - second_log), axis=-1)


def _check_axis(owner, axis):
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        validation.fail(owner, "axis", axis, "an integer")


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over `axis`.

    Args:
        y_true: 0/1 targets (or probabilities).
        y_pred: probabilities, or logits with `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets are squeezed towards 0.5:
            `y_true * (1 - label_smoothing) + 0.5 * label_smoothing`.
        axis: the axis to average over.
    """
    _check_axis("binary_crossentropy", axis)
    y_true, y_pred = _cast_pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return K.mean(K.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy between one-hot `y_true` and `y_pred` along `axis`.

    Args:
        y_true: one-hot targets (or distributions).
        y_pred: probabilities (renormalised to sum to 1), or logits with
            `from_logits=True`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; targets become
            `y_true * (1 - label_smoothing) + label_smoothing / num_classes`.
        axis: the class axis.

    Warns:
        UserWarning: when `y_pred` has a single class (the loss is then always 0).
    """
    _check_axis("categorical_crossentropy", axis)
    y_true, y_pred = _cast_pair(y_true, y_pred)
    if K.int_shape(y_pred)[-1:] == (1,):
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be "
            f"(batch_size, num_classes) with num_classes > 1. Received: "
            f"y_pred.shape={K.int_shape(y_pred)}. Consider using 'binary_crossentropy' "
            "if you only have 2 classes.",
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = K.int_shape(y_true)[axis]
        if num_classes is None:
            num_classes = K.cast(K.shape(y_true)[axis], K.dtype(y_pred))
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def _valid_labels(y_true, ignore_class, ndim):
    """1 where a label is not `ignore_class`, else 0, with `ndim` axes."""
    valid = K.cast(K.not_equal(y_true, ignore_class), K.floatx())
    return K.squeeze(valid, -1) if K.ndim(valid) > ndim else valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1,
                                    ignore_class=None):
    """Categorical cross-entropy with integer class labels `y_true`.

    `y_true` has `y_pred`'s shape without the class `axis` (or with it of size 1).
    Labels equal to `ignore_class` (e.g. -1 for "void") give a loss of 0.
    """
    _check_axis("sparse_categorical_crossentropy", axis)
    y_pred = as_tensor(y_pred)
    if not _is_float(y_pred):
        y_pred = K.cast(y_pred, K.floatx())
    y_true = as_tensor(y_true)
    if ignore_class is None:
        return K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                 axis=axis)
    valid = _valid_labels(y_true, ignore_class, K.ndim(y_pred) - 1)
    safe = K.switch(K.not_equal(y_true, ignore_class), y_true, K.zeros_like(y_true))
    loss = K.sparse_categorical_crossentropy(safe, y_pred, from_logits=from_logits, axis=axis)
    return loss * K.cast(valid, K.dtype(loss))


def _maybe_convert_labels(y_true):
    """0/1 labels become -1/1; other labels are kept (decided over the whole batch)."""
    zero_or_one = K.maximum(
        K.cast(K.equal(y_true, 0.0), K.floatx()), K.cast(K.equal(y_true, 1.0), K.floatx())
    )
    is_binary = K.all(K.equal(zero_or_one, 1.0))
    return K.switch(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`; labels are -1/1 (0/1 converted)."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return K.mean(K.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`; 0/1 labels become -1/1."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return K.mean(K.square(K.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`maximum(neg - pos + 1, 0)` with `pos = sum(y_true * y_pred)`,
    `neg = max((1 - y_true) * y_pred)` over the last axis."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    pos = K.sum(y_true * y_pred, axis=-1)
    neg = K.max((1.0 - y_true) * y_pred, axis=-1)
    return K.maximum(neg - pos + 1.0, 0.0)


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to [epsilon, 1]."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    y_true = K.clip(y_true, K.epsilon(), 1.0)
    y_pred = K.clip(y_pred, K.epsilon(), 1.0)
    return K.sum(y_true * K.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    return K.mean(y_pred - y_true * K.log(y_pred + K.epsilon()), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """`-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`: -1 when aligned,
    0 when orthogonal or when either is a zero vector."""
    _check_axis("cosine_similarity", axis)
    y_true, y_pred = _cast_pair(y_true, y_pred)
    y_true = K.l2_normalize(y_true, axis=axis)
    y_pred = K.l2_normalize(y_pred, axis=axis)
    return -K.sum(y_true * y_pred, axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss, averaged over the last axis: for `x = y_pred - y_true`,
    `0.5 * x**2` where `|x| <= delta`, else `delta * |x| - 0.5 * delta**2`."""
    y_true, y_pred = _cast_pair(y_true, y_pred, dtype=K.floatx())
    error = y_pred - y_true
    abs_error = K.abs(error)
    quadratic = 0.5 * K.square(error)
    linear = delta * abs_error - 0.5 * delta**2
    return K.mean(K.switch(K.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed without overflow as
    `x + softplus(-2x) - log(2)`."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    x = y_pred - y_true
    return K.mean(x + K.softplus(-2.0 * x) - math.log(2.0), axis=-1)


# Aliases, as tf-keras names them.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
bce = BCE = binary_crossentropy
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber
cosine_proximity = cosine_similarity  # Keras 2.3's name
