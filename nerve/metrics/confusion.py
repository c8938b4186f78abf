"""Confusion-matrix metrics at thresholds: Precision, Recall and AUC."""

import numbers

import numpy as np

from nerve import backend as K
from nerve.losses import as_tensor, squeeze_or_expand_dimensions
from nerve.metrics.base import Metric, _broadcastable, _compatible, _divide_no_nan, _refuse_weights
from nerve.metrics.functions import _NEG_INF
from nerve.utils import validation

# Confusion-matrix metrics.


def _filter_top_k(x, k):
    """`x` with all but the `k` largest values of the last axis set to -1e10
    (ties go to the lower index, as `tf.math.top_k`)."""
    num_classes = K.int_shape(x)[-1]
    later = K.expand_dims(x, -2)  # [..., i, j] = x_j
    this = K.expand_dims(x, -1)  # [..., i, j] = x_i
    earlier = np.tri(num_classes, k=-1, dtype=K.dtype(x))  # [i, j] = 1 where j < i
    ahead = K.cast(K.greater(later, this), K.dtype(x))
    ahead = ahead + K.cast(K.equal(later, this), K.dtype(x)) * earlier
    keep = K.cast(K.less(K.sum(ahead, axis=-1), k), K.dtype(x))
    return x * keep + _NEG_INF * (1.0 - keep)


def _evenly_distributed(thresholds):
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=K.epsilon()))


def _confusion_updates(owner, variables, y_true, y_pred, thresholds, evenly=False, top_k=None,
                       class_id=None, sample_weight=None, multi_label=False, label_weights=None):
    """Updates adding one batch's weighted confusion counts at each threshold.

    `variables` maps 'tp', 'fp', 'tn', 'fn' to variables of shape
    `(num_thresholds,)` (or `(num_thresholds, num_labels)` with
    `multi_label`). A prediction is positive when strictly above a threshold;
    a label is positive when nonzero.
    """
    dtype = next(iter(variables.values())).dtype
    y_true = K.cast(as_tensor(y_true), dtype)
    y_pred = K.cast(as_tensor(y_pred), dtype)
    if sample_weight is None:
        y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true)
    else:
        sample_weight = K.cast(as_tensor(sample_weight), dtype)
        y_pred, y_true, sample_weight = squeeze_or_expand_dimensions(
            y_pred, y_true, sample_weight
        )
    if not _compatible(K.int_shape(y_true), K.int_shape(y_pred)):
        raise ValueError(
            f"{owner} needs `y_true` and `y_pred` of the same shape. Received: "
            f"y_true.shape={K.int_shape(y_true)}, y_pred.shape={K.int_shape(y_pred)}"
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if evenly:
        # As tf-keras's bucketed computation for evenly spaced thresholds.
        y_pred = K.clip(y_pred, 0.0, 1.0)

    weights = None
    if sample_weight is not None:
        if not _broadcastable(K.int_shape(sample_weight), K.int_shape(y_pred)):
            _refuse_weights(owner, sample_weight, y_pred)
        weights = sample_weight * K.ones_like(y_pred)
    if label_weights is not None:
        label_weights = K.cast(label_weights, dtype) * K.ones_like(y_pred)
        weights = label_weights if weights is None else weights * label_weights

    thresholds = np.asarray(thresholds, dtype=dtype)
    positive = K.cast(K.not_equal(y_true, 0.0), dtype)
    if multi_label:  # (1, batch, labels) against (thresholds, 1, 1)
        y_pred, positive = K.expand_dims(y_pred, 0), K.expand_dims(positive, 0)
        weights = None if weights is None else K.expand_dims(weights, 0)
        thresholds = thresholds.reshape(-1, 1, 1)
    else:  # everything flattened: (1, n) against (thresholds, 1)
        y_pred, positive = K.reshape(y_pred, (1, -1)), K.reshape(positive, (1, -1))
        weights = None if weights is None else K.reshape(weights, (1, -1))
        thresholds = thresholds.reshape(-1, 1)
    predicted = K.cast(K.greater(y_pred, thresholds), dtype)
    negative = 1.0 - positive
    if weights is not None:
        positive, negative = positive * weights, negative * weights
    counts = {
        "tp": lambda: positive * predicted,
        "fn": lambda: positive * (1.0 - predicted),
        "fp": lambda: negative * predicted,
        "tn": lambda: negative * (1.0 - predicted),
    }
    return [(var, var + K.sum(counts[key](), axis=1)) for key, var in variables.items()]


def _parse_thresholds(owner, thresholds, default):
    if thresholds is None:
        return [default]
    items = thresholds if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    items = list(np.asarray(items).reshape(-1)) if isinstance(items, np.ndarray) else list(items)
    if not items or any(
        isinstance(t, bool) or not isinstance(t, numbers.Real) or not 0 <= t <= 1 for t in items
    ):
        validation.fail(owner, "thresholds", thresholds,
                        "a float or a list of floats in the range [0, 1]")
    return [float(t) for t in items]


def _plain(value):
    """`value` as plain Python numbers and lists, for JSON configs."""
    return np.asarray(value).tolist() if isinstance(value, (np.ndarray, np.generic)) else value


class _PrecisionRecall(Metric):
    """Shared by Precision and Recall: counts at thresholds, for top-k or one class."""

    _counts = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        owner = validation.owner_of(self)
        if top_k is not None:
            top_k = validation.positive_int(owner, "top_k", top_k)
        if class_id is not None:
            class_id = validation.non_negative_int(owner, "class_id", class_id)
        self.init_thresholds = _plain(thresholds)
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = _parse_thresholds(
            owner, thresholds, 0.5 if top_k is None else _NEG_INF
        )
        self._evenly = _evenly_distributed(self.thresholds)
        shape = (len(self.thresholds),)
        self._state = {key: self.add_weight(attr, shape) for key, attr in self._counts}
        for key, attr in self._counts:
            setattr(self, attr, self._state[key])

    def update_state(self, y_true, y_pred, sample_weight=None):
        return _confusion_updates(
            validation.owner_of(self), self._state, y_true, y_pred, self.thresholds,
            evenly=self._evenly, top_k=self.top_k, class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def _ratio(self, other):
        value = _divide_no_nan(self.true_positives, self.true_positives + other)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """`true_positives / (true_positives + false_positives)`, over all batches.

    A prediction is positive when above the threshold; a label when nonzero.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5, or
            only the top-k predictions with `top_k`); a list gives one
            precision per threshold.
        top_k: only the `top_k` highest predictions of each sample count as
            positive.
        class_id: only the labels and predictions of this class count.
        name, dtype: as for `Metric`.
    """

    _counts = (("tp", "true_positives"), ("fp", "false_positives"))

    def result(self):
        return self._ratio(self.false_positives)


class Recall(_PrecisionRecall):
    """`true_positives / (true_positives + false_negatives)`, over all batches.

    Args: as for `Precision`.
    """

    _counts = (("tp", "true_positives"), ("fn", "false_negatives"))

    def result(self):
        return self._ratio(self.false_negatives)


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from confusion counts at
    `num_thresholds` thresholds (tf-keras's approximation).

    Args:
        num_thresholds: how many thresholds, an integer > 1: 0 - epsilon,
            1 + epsilon and `num_thresholds - 2` evenly spaced in between.
        curve: 'ROC' or 'PR'.
        summation_method: 'interpolation' (trapezoids; for PR, Davis &
            Goadrich's interpolation of precision), 'minoring' or 'majoring'.
        name, dtype: as for `Metric`.
        thresholds: thresholds in [0, 1] to use instead (epsilon end points added).
        multi_label: whether each label (the last axis) gets its own curve,
            the AUCs then averaged; otherwise all values are pooled.
        num_labels: the number of labels with `multi_label`, or None to take
            it from the first batch.
        label_weights: non-negative weights per label, for the pooled counts or
            the average of the per-label AUCs.
        from_logits: whether predictions are logits (a sigmoid is applied).
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        owner = validation.owner_of(self)
        if not isinstance(curve, str) or curve.upper() not in ("ROC", "PR"):
            validation.fail(owner, "curve", curve, "one of 'ROC', 'PR'")
        methods = ("interpolation", "minoring", "majoring")
        if not isinstance(summation_method, str) or summation_method.lower() not in methods:
            validation.fail(owner, "summation_method", summation_method,
                            "one of " + ", ".join(repr(m) for m in methods))
        self.curve = curve.upper()
        self.summation_method = summation_method.lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_parse_thresholds(owner, thresholds, None))
            self.num_thresholds = len(inner) + 2
            self._evenly = _evenly_distributed([0.0] + inner + [1.0])
        else:
            if (
                isinstance(num_thresholds, bool)
                or not isinstance(num_thresholds, numbers.Integral)
                or num_thresholds <= 1
            ):
                validation.fail(owner, "num_thresholds", num_thresholds,
                                "an integer greater than 1")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (self.num_thresholds - 1) for i in range(self.num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - K.epsilon()] + inner + [1.0 + K.epsilon()])
        self.multi_label = bool(multi_label)
        if num_labels is not None:
            num_labels = validation.positive_int(owner, "num_labels", num_labels)
            if not self.multi_label:
                validation.fail(owner, "num_labels", num_labels, "None unless multi_label=True")
        self.num_labels = num_labels
        if label_weights is not None:
            label_weights = np.asarray(label_weights, dtype=self.dtype)
            if label_weights.ndim != 1 or (label_weights < 0).any():
                validation.fail(owner, "label_weights", _plain(label_weights),
                                "a list of non-negative weights, one per label")
        self.label_weights = label_weights
        self.from_logits = bool(from_logits)
        self._built = False
        if not self.multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2 or shape[-1] is None:
                raise ValueError(
                    f"{validation.owner_of(self)} with multi_label=True needs predictions "
                    f"of shape (batch, num_labels), num_labels known. Received shape {shape}."
                )
            self._num_labels = shape[-1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self.true_positives = self.add_weight("true_positives", variable_shape)
        self.true_negatives = self.add_weight("true_negatives", variable_shape)
        self.false_positives = self.add_weight("false_positives", variable_shape)
        self.false_negatives = self.add_weight("false_negatives", variable_shape)
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self._built:
            self._build(K.int_shape(as_tensor(y_pred)))
        y_pred = as_tensor(y_pred)
        if self.from_logits:
            y_pred = K.sigmoid(K.cast(y_pred, self.dtype))
        state = {
            "tp": self.true_positives,
            "tn": self.true_negatives,
            "fp": self.false_positives,
            "fn": self.false_negatives,
        }
        return _confusion_updates(
            validation.owner_of(self), state, y_true, y_pred, self._thresholds,
            evenly=self._evenly, sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average(self, by_threshold):
        """Sums over thresholds; with multi_label, averages the label AUCs."""
        if not self.multi_label:
            return K.sum(by_threshold)
        by_label = K.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return K.mean(by_label)
        weights = self.label_weights
        return _divide_no_nan(K.sum(by_label * weights), K.sum(K.constant(weights)))

    def _interpolate_pr_auc(self):
        """PR AUC with precision interpolated between thresholds (Davis & Goadrich):
        within each interval TP and P = TP + FP vary linearly, so the area is
        `slope * (dTP + intercept * log(P_A / P_B)) / positives`."""
        n = self.num_thresholds
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = _divide_no_nan(dtp, K.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = K.cast(K.greater(p[: n - 1], 0.0), self.dtype) * K.cast(
            K.greater(p[1:], 0.0), self.dtype
        )
        safe_ratio = K.switch(
            K.greater(both_positive, 0.0),
            _divide_no_nan(p[: n - 1], K.maximum(p[1:], 0.0)),
            K.ones_like(p[1:]),
        )
        increment = _divide_no_nan(
            slope * (dtp + intercept * K.log(safe_ratio)), K.maximum(tp[1:] + fn[1:], 0.0)
        )
        return self._average(increment)

    def result(self):
        if not self._built:
            return K.constant(0.0, dtype=self.dtype)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        n = self.num_thresholds
        tp, fp = self.true_positives, self.false_positives
        recall = _divide_no_nan(tp, tp + self.false_negatives)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + self.true_negatives), recall
        else:
            x, y = recall, _divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = K.minimum(y[: n - 1], y[1:])
        else:
            heights = K.maximum(y[: n - 1], y[1:])
        return self._average((x[: n - 1] - x[1:]) * heights)

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": _plain(self.label_weights),
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self._thresholds[1:-1]]
        return config
