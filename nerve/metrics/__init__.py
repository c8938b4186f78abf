"""Metrics (tf-keras 2.x): per-sample metric functions and stateful `Metric` objects.

A `Metric` keeps its running state in non-trainable variables and works in
the graph, in the Keras 2 style:

- `update_state(y_true, y_pred, sample_weight=None)` returns the list of
  `(variable, new_value)` updates for one batch, built with backend ops, for
  `K.function(..., updates=...)`. Called on arrays (no placeholders involved)
  it also applies them at once, as tf-keras does eagerly; the returned pairs
  then hold the new values, so applying them again changes nothing.
- `result()` is a scalar tensor computed from the variables; evaluate it after
  the updates ran (a compiled function's outputs read the values from before
  its updates), or use `result_after(updates)` inside the same function.
- `reset_state()` sets the variables back to their initial values.

Example:
>>> import numpy as np
>>> from nerve import backend as K, metrics
>>> m = metrics.BinaryAccuracy()
>>> updates = m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
>>> float(K.eval(m.result()))
0.75
>>> y_true, y_pred = K.placeholder(shape=(None, 1)), K.placeholder(shape=(None, 1))
>>> m.reset_state()
>>> step = K.function([y_true, y_pred], [], updates=m.update_state(y_true, y_pred))
>>> _ = step([np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]])])
>>> float(K.eval(m.result()))
1.0
"""

from nerve import losses
from nerve.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
)
from nerve.metrics.base import Mean, MeanMetricWrapper, Metric, Sum
from nerve.metrics.confusion import AUC, Precision, Recall
from nerve.metrics.functions import (
    ACC,
    acc,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from nerve.utils import serialization, validation

# Lookup.

_CLASSES = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    MeanSquaredError,
    MeanAbsoluteError,
    Precision,
    Recall,
    AUC,
)
_FUNCTIONS = (
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
)
_OBJECTS = {
    # Loss functions are metric functions too (`metrics=['mse']`).
    **{name: obj for name, obj in losses._OBJECTS.items() if not isinstance(obj, type)},
    **{cls.__name__: cls for cls in _CLASSES if cls is not Metric},
    **{fn.__name__: fn for fn in _FUNCTIONS},
    "acc": acc,
    "ACC": ACC,
}


def serialize(metric):
    """A `Metric`'s `{"class_name", "config"}` dict, or a metric function's name."""
    return serialization.serialize_object(metric)


def deserialize(config, custom_objects=None):
    """The metric function or `Metric` object that a name or config dict describes.

    A class name gives an instance with default arguments.
    """
    return serialization.deserialize_object(config, _OBJECTS, custom_objects, kind="metric")


def get(identifier):
    """A metric from a name (`'mse'`, `'AUC'`), a config dict, or a callable (as it is).

    `'accuracy'` and `'acc'` give the element-wise `accuracy` function here;
    `compile` picks the right accuracy with `resolve_accuracy`.

    Raises:
        ValueError: for an unknown name or anything else (None included).
    """
    if identifier is None:
        validation.fail("metric deserialization", "identifier", identifier,
                        "a name, a config dict or a callable")
    return deserialize(identifier)


_BINARY_LOSSES = (losses.binary_crossentropy, losses.BinaryCrossentropy)
_SPARSE_LOSSES = (losses.sparse_categorical_crossentropy, losses.SparseCategoricalCrossentropy)


def _loss_kind(loss):
    """'binary', 'sparse' or None: which cross-entropy `loss` is, if any."""
    if isinstance(loss, (str, dict)):
        loss = losses.get(loss)
    for kind, (fn, cls) in (("binary", _BINARY_LOSSES), ("sparse", _SPARSE_LOSSES)):
        if isinstance(loss, cls):
            return kind
        if isinstance(loss, losses.LossFunctionWrapper):
            if loss.fn is fn:
                return kind
        elif loss is fn or getattr(loss, "__name__", None) == fn.__name__:
            return kind
    return None


def resolve_accuracy(name, loss_fn, y_true_shape, y_pred_shape):
    """The metric that `'accuracy'`/`'acc'` (or `'crossentropy'`/`'ce'`) means for
    an output, named `name` as the user wrote it.

    The tf-keras rule: binary when the output has one unit or the loss is a
    binary cross-entropy; sparse when the loss is a sparse categorical
    cross-entropy, or the targets have a lower rank than the output, or one
    column against several; categorical otherwise.

    Args:
        name: 'accuracy', 'acc', 'crossentropy' or 'ce' (any case).
        loss_fn: the output's loss (a name, function or `Loss`), or None.
        y_true_shape: the targets' shape (None dims allowed), or None if unknown.
        y_pred_shape: the output's shape.

    Returns:
        A `BinaryAccuracy`, `SparseCategoricalAccuracy` or `CategoricalAccuracy`
        (for cross-entropy, a `MeanMetricWrapper` of the matching loss function).

    Example:
    >>> resolve_accuracy("acc", "sparse_categorical_crossentropy", (None,), (None, 10))
    <SparseCategoricalAccuracy name='acc'>
    """
    kinds = ("accuracy", "acc", "crossentropy", "ce")
    if not isinstance(name, str) or name.lower() not in kinds:
        validation.fail("resolve_accuracy", "name", name,
                        "one of " + ", ".join(repr(k) for k in kinds))
    y_pred_shape = tuple(y_pred_shape)
    y_true_shape = y_pred_shape[:-1] + (None,) if y_true_shape is None else tuple(y_true_shape)
    pred_last = y_pred_shape[-1] if y_pred_shape else None
    true_last = y_true_shape[-1] if y_true_shape else None
    kind = _loss_kind(loss_fn)
    if pred_last == 1 or kind == "binary":
        choice = "binary"
    elif (
        kind == "sparse"
        or len(y_true_shape) < len(y_pred_shape)
        or (true_last == 1 and pred_last != 1)
    ):
        choice = "sparse"
    else:
        choice = "categorical"
    if name.lower() in ("accuracy", "acc"):
        cls = {
            "binary": BinaryAccuracy,
            "sparse": SparseCategoricalAccuracy,
            "categorical": CategoricalAccuracy,
        }[choice]
        return cls(name=name)
    fn = {
        "binary": losses.binary_crossentropy,
        "sparse": losses.sparse_categorical_crossentropy,
        "categorical": losses.categorical_crossentropy,
    }[choice]
    return MeanMetricWrapper(fn, name=name)
