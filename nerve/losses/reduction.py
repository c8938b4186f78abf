"""Reductions and the shape helpers shared by losses and metrics."""

import math

import jax
import jax.numpy as jnp

from nerve import backend as K
from nerve.graph import Tensor
from nerve.utils import validation


class Reduction:
    """How a `Loss` turns per-sample losses into what it returns.

    - `NONE`: the weighted per-sample losses, unreduced.
    - `SUM`: their sum.
    - `SUM_OVER_BATCH_SIZE`: their sum divided by the number of elements.
    - `AUTO`: `SUM_OVER_BATCH_SIZE`, as in tf-keras outside distribution.
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)


# Helpers shared with `nerve.metrics`.


def as_tensor(x):
    """`x` itself when it is a tensor or JAX array, else `x` as a JAX array."""
    if isinstance(x, (Tensor, jax.Array)):
        return x
    return jnp.asarray(x)


def _is_float(x):
    return jnp.issubdtype(jnp.dtype(K.dtype(x)), jnp.floating)


def _cast_pair(y_true, y_pred, dtype=None):
    """`y_pred` as a float tensor (of `dtype`, if given) and `y_true` cast to its dtype."""
    y_pred = as_tensor(y_pred)
    if dtype is not None and K.dtype(y_pred) != dtype:
        y_pred = K.cast(y_pred, dtype)
    elif not _is_float(y_pred):
        y_pred = K.cast(y_pred, K.floatx())
    y_true = as_tensor(y_true)
    if K.dtype(y_true) != K.dtype(y_pred):
        y_true = K.cast(y_true, K.dtype(y_pred))
    return y_true, y_pred


def _remove_squeezable_dimensions(labels, predictions):
    """Drops a trailing axis of size 1 from whichever of the two has one axis too many."""
    rank_diff = K.ndim(predictions) - K.ndim(labels)
    if rank_diff == 1 and K.int_shape(predictions)[-1] == 1:
        predictions = K.squeeze(predictions, -1)
    elif rank_diff == -1 and K.int_shape(labels)[-1] == 1:
        labels = K.squeeze(labels, -1)
    return labels, predictions


def squeeze_or_expand_dimensions(y_pred, y_true=None, sample_weight=None):
    """Lines up ranks as tf-keras does before a loss or metric.

    `y_true` loses a trailing 1 when it has one axis more than `y_pred`, and
    `y_pred` loses one when it has an axis more than `y_true` and that axis has
    size 1 (`(n,)` labels against `(n, 1)` outputs). `sample_weight` then gains
    or loses a trailing axis to be one rank from `y_pred`'s.

    Returns:
        `(y_pred, y_true)`, or `(y_pred, y_true, sample_weight)` when a weight is given.
    """
    if y_true is not None:
        pred_rank, true_rank = K.ndim(y_pred), K.ndim(y_true)
        if pred_rank - true_rank != 1 or K.int_shape(y_pred)[-1:] == (1,):
            y_true, y_pred = _remove_squeezable_dimensions(y_true, y_pred)
    if sample_weight is None:
        return y_pred, y_true
    weight_rank, pred_rank = K.ndim(sample_weight), K.ndim(y_pred)
    if weight_rank == 0:
        return y_pred, y_true, sample_weight
    if weight_rank - pred_rank == 1 and K.int_shape(sample_weight)[-1] == 1:
        sample_weight = K.squeeze(sample_weight, -1)
    elif pred_rank - weight_rank == 1:
        sample_weight = K.expand_dims(sample_weight, -1)
    return y_pred, y_true, sample_weight


def _num_elements(x):
    """The number of elements of `x`: a Python number when its shape is known."""
    shape = K.int_shape(x)
    if None not in shape:
        return float(math.prod(shape))
    return K.maximum(K.sum(K.ones_like(x)), 1.0)


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Weights per-sample `losses` by `sample_weight` and reduces them.

    Args:
        losses: per-sample (or per-element) losses.
        sample_weight: None, a scalar, or weights broadcastable to `losses`
            (after `squeeze_or_expand_dimensions`).
        reduction: one of `Reduction.all()`; 'auto' is 'sum_over_batch_size'.

    Returns:
        The weighted losses for 'none', else a scalar: their sum, divided by
        the number of elements for 'sum_over_batch_size' (0 when there are none).
    """
    validation.one_of("compute_weighted_loss", "reduction", reduction, Reduction.all())
    losses = as_tensor(losses)
    if not _is_float(losses):
        losses = K.cast(losses, K.floatx())
    if sample_weight is None:
        weighted = losses
    else:
        sample_weight = as_tensor(sample_weight)
        if K.dtype(sample_weight) != K.dtype(losses):
            sample_weight = K.cast(sample_weight, K.dtype(losses))
        losses, _, sample_weight = squeeze_or_expand_dimensions(losses, None, sample_weight)
        weighted = losses * sample_weight
    if reduction == Reduction.NONE:
        return weighted
    total = K.sum(weighted)
    if reduction == Reduction.SUM:
        return total
    count = _num_elements(weighted)
    return total / (max(count, 1.0) if isinstance(count, float) else count)
