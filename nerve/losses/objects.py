"""Loss objects: `Loss`, `LossFunctionWrapper` and the tf-keras classes."""

import numbers

from nerve import backend as K
from nerve.losses.functions import (
    _check_axis,
    _valid_labels,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from nerve.losses.reduction import (
    Reduction,
    _num_elements,
    as_tensor,
    compute_weighted_loss,
    squeeze_or_expand_dimensions,
)
from nerve.utils import validation

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
            from nerve import losses

            config["fn"] = losses.serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is LossFunctionWrapper:
            from nerve import losses

            return cls(losses.get(config.pop("fn")), **config)
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
