"""Loss functions and `Loss` classes (tf-keras 2.x), on symbolic tensors and on arrays alike.

A loss function takes `(y_true, y_pred)` and returns one value per sample (the
mean over the last axis where tf-keras takes it). A `Loss` object also weights
and reduces those values to the scalar a model minimises. Any callable
`(y_true, y_pred)` is a valid loss.

Example:
>>> import numpy as np
>>> from nerve import losses
>>> y_true = np.array([[0.0, 1.0], [0.0, 0.0]])
>>> y_pred = np.array([[1.0, 1.0], [1.0, 0.0]])
>>> np.asarray(losses.mean_squared_error(y_true, y_pred))
array([0.5, 0.5], dtype=float32)
>>> float(losses.MeanSquaredError()(y_true, y_pred, sample_weight=[0.7, 0.3]))
0.25
>>> losses.serialize(losses.get("mse"))
'mean_squared_error'
"""

import math
import numbers
import warnings

import jax
import jax.numpy as jnp

from nerve import backend as K
from nerve.graph import Tensor
from nerve.utils import serialization, validation


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


# Loss objects.


class Loss:
    """Base class of losses: subclasses implement `call(y_true, y_pred)`, returning
    per-sample losses; calling the object weights and reduces them.

    Args:
        reduction: one of 'auto' (= 'sum_over_batch_size'), 'sum_over_batch_size',
            'sum' or 'none' (see `Reduction`).
        name: the loss's name, or None.
    """

    def __init__(self, reduction=Reduction.AUTO, name=None):
        owner = validation.owner_of(self, name)
        self.reduction = validation.one_of(owner, "reduction", reduction, Reduction.all())
        self.name = name

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The weighted, reduced loss.

        Args:
            y_true: targets, `(batch, d0, .. dN)` (without the class axis for sparse losses).
            y_pred: predictions, `(batch, d0, .. dN)`.
            sample_weight: None, a scalar, `(batch,)` weights (one per sample),
                or weights of the per-sample losses' shape.

        Returns:
            A scalar, or the weighted per-sample losses for reduction 'none'.
        """
        losses = self.call(as_tensor(y_true), as_tensor(y_pred))
        return compute_weighted_loss(losses, sample_weight, self._reduction())

    def call(self, y_true, y_pred):
        """Per-sample losses, `(batch, d0, .. dN-1)`."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def _reduction(self):
        return Reduction.SUM_OVER_BATCH_SIZE if self.reduction == Reduction.AUTO else self.reduction

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A `Loss` computed by a function `fn(y_true, y_pred, **kwargs)`.

    Before calling `fn`, a trailing axis of size 1 is dropped from `y_pred`
    when `y_true` lacks it (`(n,)` targets against `(n, 1)` outputs), as
    tf-keras does for tensors.

    Args:
        fn: the loss function.
        reduction: as for `Loss`.
        name: the loss's name, or None.
        **kwargs: passed on to `fn`.
    """

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        if not callable(fn):
            validation.fail(validation.owner_of(self), "fn", fn, "a callable (y_true, y_pred)")
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_pred, y_true = squeeze_or_expand_dimensions(as_tensor(y_pred), as_tensor(y_true))
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is LossFunctionWrapper:
            config["fn"] = serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is LossFunctionWrapper:
            return cls(get(config.pop("fn")), **config)
        config.pop("fn", None)
        return cls(**config)


def _label_smoothing(owner, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        validation.fail(owner, "label_smoothing", value, "a float in the range [0, 1]")
    return float(value)


class MeanSquaredError(LossFunctionWrapper):
    """`mean(square(y_pred - y_true))`, weighted and reduced."""

    def __init__(self, reduction=Reduction.AUTO, name="mean_squared_error"):
        super().__init__(mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """`mean(abs(y_pred - y_true))`, weighted and reduced."""

    def __init__(self, reduction=Reduction.AUTO, name="mean_absolute_error"):
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """`100 * mean(abs((y_true - y_pred) / y_true))`, weighted and reduced."""

    def __init__(self, reduction=Reduction.AUTO, name="mean_absolute_percentage_error"):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """`mean(square(log(y_pred + 1) - log(y_true + 1)))`, weighted and reduced."""

    def __init__(self, reduction=Reduction.AUTO, name="mean_squared_logarithmic_error"):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (see `binary_crossentropy`), weighted and reduced.

    Args:
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; squeezes targets towards 0.5.
        axis: the axis to average over.
        reduction, name: as for `Loss`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="binary_crossentropy"):
        owner = validation.owner_of(self, name)
        _check_axis(owner, axis)
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=bool(from_logits),
            label_smoothing=_label_smoothing(owner, label_smoothing),
            axis=int(axis),
        )


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy with one-hot targets, weighted and reduced.

    Args:
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; moves targets towards `1 / num_classes`.
        axis: the class axis.
        reduction, name: as for `Loss`.
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="categorical_crossentropy"):
        owner = validation.owner_of(self, name)
        _check_axis(owner, axis)
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=bool(from_logits),
            label_smoothing=_label_smoothing(owner, label_smoothing),
            axis=int(axis),
        )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy with integer class labels, weighted and reduced.

    Args:
        from_logits: whether `y_pred` holds logits rather than probabilities.
        axis: the class axis of `y_pred`.
        ignore_class: an integer label that counts for nothing, or None. As in
            tf-keras, 'sum_over_batch_size' then averages over the other labels.
        reduction, name: as for `Loss`.
    """

    def __init__(self, from_logits=False, axis=-1, ignore_class=None, reduction=Reduction.AUTO,
                 name="sparse_categorical_crossentropy"):
        owner = validation.owner_of(self, name)
        _check_axis(owner, axis)
        if ignore_class is not None and (
            isinstance(ignore_class, bool) or not isinstance(ignore_class, numbers.Integral)
        ):
            validation.fail(owner, "ignore_class", ignore_class, "an integer or None")
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            from_logits=bool(from_logits),
            axis=int(axis),
            ignore_class=None if ignore_class is None else int(ignore_class),
        )

    def __call__(self, y_true, y_pred, sample_weight=None):
        ignore_class = self._fn_kwargs["ignore_class"]
        if ignore_class is None:
            return super().__call__(y_true, y_pred, sample_weight)
        y_true = as_tensor(y_true)
        losses = self.call(y_true, as_tensor(y_pred))
        valid = _valid_labels(y_true, ignore_class, K.ndim(losses))
        if self._reduction() == Reduction.SUM_OVER_BATCH_SIZE:
            # Weights total/valid on the valid labels: the mean is over those alone.
            valid = valid * (_num_elements(valid) / K.maximum(K.sum(valid), 1.0))
        if sample_weight is None:
            sample_weight = valid
        else:
            sample_weight = as_tensor(sample_weight)
            valid, _, sample_weight = squeeze_or_expand_dimensions(valid, None, sample_weight)
            sample_weight = K.cast(sample_weight, K.dtype(valid)) * valid
        return compute_weighted_loss(losses, sample_weight, self._reduction())


class Hinge(LossFunctionWrapper):
    """`mean(maximum(1 - y_true * y_pred, 0))` with -1/1 labels (0/1 converted)."""

    def __init__(self, reduction=Reduction.AUTO, name="hinge"):
        super().__init__(hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """`mean(square(maximum(1 - y_true * y_pred, 0)))` with -1/1 labels (0/1 converted)."""

    def __init__(self, reduction=Reduction.AUTO, name="squared_hinge"):
        super().__init__(squared_hinge, reduction=reduction, name=name)


class CategoricalHinge(LossFunctionWrapper):
    """`maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`."""

    def __init__(self, reduction=Reduction.AUTO, name="categorical_hinge"):
        super().__init__(categorical_hinge, reduction=reduction, name=name)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))`."""

    def __init__(self, reduction=Reduction.AUTO, name="kl_divergence"):
        super().__init__(kl_divergence, reduction=reduction, name=name)


class Poisson(LossFunctionWrapper):
    """`mean(y_pred - y_true * log(y_pred + epsilon))`."""

    def __init__(self, reduction=Reduction.AUTO, name="poisson"):
        super().__init__(poisson, reduction=reduction, name=name)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis` (-1 for aligned vectors).

    Args:
        axis: the axis the vectors lie along.
        reduction, name: as for `Loss`.
    """

    def __init__(self, axis=-1, reduction=Reduction.AUTO, name="cosine_similarity"):
        _check_axis(validation.owner_of(self, name), axis)
        super().__init__(cosine_similarity, reduction=reduction, name=name, axis=int(axis))


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for errors up to `delta`, linear beyond.

    Args:
        delta: a positive float, where the loss turns from quadratic to linear.
        reduction, name: as for `Loss`.
    """

    def __init__(self, delta=1.0, reduction=Reduction.AUTO, name="huber_loss"):
        if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not delta > 0:
            validation.fail(validation.owner_of(self, name), "delta", delta, "a positive number")
        super().__init__(huber, reduction=reduction, name=name, delta=float(delta))


class LogCosh(LossFunctionWrapper):
    """`mean(log(cosh(y_pred - y_true)))`."""

    def __init__(self, reduction=Reduction.AUTO, name="log_cosh"):
        super().__init__(log_cosh, reduction=reduction, name=name)


_CLASSES = (
    Loss,
    LossFunctionWrapper,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    CosineSimilarity,
    Huber,
    LogCosh,
)
_FUNCTIONS = (
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    hinge,
    squared_hinge,
    categorical_hinge,
    kl_divergence,
    poisson,
    cosine_similarity,
    huber,
    log_cosh,
)
_ALIASES = {
    "mse": mse, "MSE": MSE, "mae": mae, "MAE": MAE, "mape": mape, "MAPE": MAPE,
    "msle": msle, "MSLE": MSLE, "bce": bce, "BCE": BCE, "kld": kld, "KLD": KLD,
    "kullback_leibler_divergence": kullback_leibler_divergence, "logcosh": logcosh,
    "huber_loss": huber_loss, "cosine_proximity": cosine_proximity,
}
_OBJECTS = {
    **{cls.__name__: cls for cls in _CLASSES if cls is not Loss},
    **{fn.__name__: fn for fn in _FUNCTIONS},
    **_ALIASES,
}


def serialize(loss):
    """A `Loss`'s `{"class_name", "config"}` dict, or a loss function's name."""
    return serialization.serialize_object(loss)


def deserialize(name, custom_objects=None):
    """The loss function or `Loss` object that a name or config dict describes.

    A class name gives an instance with default arguments.
    """
    return serialization.deserialize_object(name, _OBJECTS, custom_objects, kind="loss function")


def get(identifier):
    """A loss from None (None), a name (`'mse'`, `'CategoricalCrossentropy'`), a
    config dict, or a callable (returned as it is).

    Raises:
        ValueError: for an unknown name or anything else.
    """
    if identifier is None:
        return None
    return deserialize(identifier)
