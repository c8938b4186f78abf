"""Mean metrics over per-sample functions: the accuracies, MSE and MAE."""

import numbers

from nerve import losses
from nerve.metrics.base import MeanMetricWrapper
from nerve.metrics.functions import (
    _binary_matches,
    _sparse_categorical_matches,
    _sparse_top_k_matches,
    _top_k_matches,
    accuracy,
    categorical_accuracy,
)
from nerve.utils import validation


class Accuracy(MeanMetricWrapper):
    """How often `y_pred` equals `y_true`, element by element."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches the 0/1 labels.

    Args:
        name, dtype: as for `Metric`.
        threshold: the probability above which a prediction counts as 1.
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
            validation.fail(f'BinaryAccuracy "{name}"', "threshold", threshold, "a number")
        super().__init__(_binary_matches, name, dtype=dtype, threshold=float(threshold))


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of `y_pred` is the argmax of the one-hot labels."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of `y_pred` is the integer label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(_sparse_categorical_matches, name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the `k` highest scores.

    Args:
        k: a positive integer.
        name, dtype: as for `Metric`.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        k = validation.positive_int(f'TopKCategoricalAccuracy "{name}"', "k", k)
        super().__init__(_top_k_matches, name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` highest scores.

    Args:
        k: a positive integer.
        name, dtype: as for `Metric`.
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        k = validation.positive_int(f'SparseTopKCategoricalAccuracy "{name}"', "k", k)
        super().__init__(_sparse_top_k_matches, name, dtype=dtype, k=k)


class MeanSquaredError(MeanMetricWrapper):
    """The weighted mean of `mean_squared_error` over the samples."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The weighted mean of `mean_absolute_error` over the samples."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name, dtype=dtype)
