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

import functools
import numbers
import re

import numpy as np
from jax import tree_util

from nerve import backend as K
from nerve import config, initializers, losses
from nerve.graph import Placeholder, Tensor, Variable, evaluate, names, topo_sort
from nerve.graph.traversal import clone
from nerve.losses import as_tensor, squeeze_or_expand_dimensions
from nerve.utils import serialization, validation

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


# Graph helpers.


def _compatible(a, b):
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def _divide_no_nan(x, y):
    """`x / y`, and 0 where `y` is 0."""
    zero = K.equal(y, 0.0)
    safe = K.switch(zero, K.ones_like(y), y)
    return K.switch(zero, K.zeros_like(x / safe), x / safe)


def _broadcastable(weight_shape, value_shape):
    """Whether weights broadcast to values as tf-keras allows: a scalar, or the
    same rank with every size 1 or equal."""
    if len(weight_shape) == 0:
        return True
    return len(weight_shape) == len(value_shape) and all(
        w is None or v is None or w in (1, v) for w, v in zip(weight_shape, value_shape)
    )


def _refuse_weights(owner, weight, values):
    raise ValueError(
        f"The `sample_weight` of {owner} cannot be broadcast to its values: expected a "
        "scalar or weights of the values' rank with each size 1 or the same. Received: "
        f"sample_weight.shape={K.int_shape(weight)}, values.shape={K.int_shape(values)}"
    )


def _is_concrete(args):
    """Whether `args` hold no symbolic input: only arrays, or tensors of variables."""
    tensors = [x for x in tree_util.tree_leaves(args) if isinstance(x, Tensor)]
    if not tensors:
        return True
    _, leaves = topo_sort(tensors)
    return not any(isinstance(t, Placeholder) for t in leaves)


def _run_now(values):
    """`values` computed at once, op by op, from the variables' current values."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    nodes, leaves = topo_sort(tensors)
    env = {id(t): t.value for t in leaves if isinstance(t, Variable)}
    evaluate(nodes, env)
    return [env[id(v)] if isinstance(v, Tensor) else v for v in values]


def _array_like(x):
    return as_tensor(x) if isinstance(x, (list, tuple, numbers.Number)) else x


def _applied_when_concrete(update_state):
    """Wraps a metric's `update_state`: called on arrays, its updates are applied at once."""

    @functools.wraps(update_state)
    def wrapper(self, *args, **kwargs):
        # Lists and numbers as arrays, since backend ops take arrays.
        args = [_array_like(a) for a in args]
        kwargs = {k: _array_like(v) for k, v in kwargs.items()}
        if self._updating:  # a super().update_state() call: the outer call applies
            return update_state(self, *args, **kwargs)
        self._updating = True
        try:
            updates = list(update_state(self, *args, **kwargs) or [])
        finally:
            self._updating = False
        if not _is_concrete((args, kwargs)):
            return updates
        new_values = _run_now([value for _, value in updates])
        for (var, _), value in zip(updates, new_values):
            var.assign_value(value)
        return [(var, value) for (var, _), value in zip(updates, new_values)]

    wrapper._applies_when_concrete = True
    return wrapper


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


# Metric objects.


class Metric:
    """Base class of stateful metrics.

    Subclasses create their state with `add_weight` in `__init__`, and
    implement `update_state(...)` (returning a list of `(variable, new_value)`
    pairs built with backend ops) and `result()` (a tensor computed from the
    variables).

    Args:
        name: the metric's name; by default the class name in snake case,
            made unique (`precision`, `precision_1`, ...).
        dtype: the dtype of the state and the result (default `floatx()`).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        update_state = cls.__dict__.get("update_state")
        if update_state is not None and not getattr(update_state, "_applies_when_concrete", False):
            cls.update_state = _applied_when_concrete(update_state)

    def __init__(self, name=None, dtype=None):
        if name is not None and not isinstance(name, str):
            validation.fail(type(self).__name__, "name", name, "a string or None")
        self.name = name or names.unique(_snake_case(type(self).__name__))
        self.dtype = config.standardize_dtype(dtype)
        self._variables = []
        self._initial_values = []
        self._updating = False

    def add_weight(self, name, shape=(), initializer="zeros", dtype=None):
        """A non-trainable state variable `"<metric name>/<name>"`, reset to its initial value."""
        dtype = config.standardize_dtype(dtype or self.dtype)
        value = np.asarray(initializers.get(initializer)(tuple(shape), dtype))
        var = Variable(value, dtype, f"{self.name}/{name}", trainable=False)
        self._variables.append(var)
        self._initial_values.append(value)
        return var

    @property
    def variables(self):
        return list(self._variables)

    weights = variables

    def update_state(self, *args, **kwargs):
        """The `(variable, new_value)` updates that add one batch to the state."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state()`.")

    def result(self):
        """The metric's value, a tensor computed from the state variables."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result()`.")

    def result_after(self, updates):
        """`result()` computed from the new values in `updates` instead of the
        variables, so that one compiled function can both update and report."""
        result = self.result()
        if not isinstance(result, Tensor):
            return result
        return clone([result], {id(var): value for var, value in updates})[0]

    def reset_state(self):
        """Sets every state variable back to its initial value (at once)."""
        K.batch_set_value(list(zip(self._variables, self._initial_values)))

    def reset_states(self):
        """Keras 2's name of `reset_state`."""
        self.reset_state()

    def __call__(self, *args, **kwargs):
        """On arrays, as tf-keras eagerly: updates the state, returns the new result."""
        if not _is_concrete((args, kwargs)):
            raise TypeError(
                f"Calling metric '{self.name}' on symbolic tensors is not supported: use "
                "`updates = metric.update_state(...)` with `K.function(..., updates=updates)`, "
                "and `metric.result()` (or `metric.result_after(updates)`) for its value."
            )
        self.update_state(*args, **kwargs)
        return np.asarray(_run_now([self.result()])[0])

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


class _Reduce(Metric):
    """Sum or weighted mean of values, over all the batches seen."""

    _reduction = "sum"

    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")
        if self._reduction == "weighted_mean":
            self.count = self.add_weight("count")

    def update_state(self, values, sample_weight=None):
        """Adds `values` (weighted by `sample_weight`) to the state.

        Weights of lower rank than the values, that cannot broadcast, apply to
        the values reduced (summed for `Sum`, averaged for `Mean`) over the
        trailing axes.
        """
        values = K.cast(as_tensor(values), self.dtype)
        if sample_weight is not None:
            sample_weight = K.cast(as_tensor(sample_weight), self.dtype)
            values, _, sample_weight = squeeze_or_expand_dimensions(values, None, sample_weight)
            weight_shape, value_shape = K.int_shape(sample_weight), K.int_shape(values)
            if _broadcastable(weight_shape, value_shape):
                sample_weight = sample_weight * K.ones_like(values)
            elif len(weight_shape) < len(value_shape):
                axes = list(range(len(weight_shape), len(value_shape)))
                reduce = K.sum if self._reduction == "sum" else K.mean
                values = reduce(values, axis=axes)
                if not _broadcastable(weight_shape, K.int_shape(values)):
                    _refuse_weights(validation.owner_of(self), sample_weight, values)
            else:
                _refuse_weights(validation.owner_of(self), sample_weight, values)
            values = values * sample_weight
        updates = [(self.total, self.total + K.sum(values))]
        if self._reduction == "weighted_mean":
            count = K.sum(K.ones_like(values)) if sample_weight is None else K.sum(sample_weight)
            updates.append((self.count, self.count + count))
        return updates

    def result(self):
        if self._reduction == "sum":
            return K.identity(self.total)
        return _divide_no_nan(self.total, self.count)


class Sum(_Reduce):
    """The (weighted) sum of the values given to `update_state(values, sample_weight)`."""

    _reduction = "sum"

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Mean(_Reduce):
    """The weighted mean of the values given to `update_state(values, sample_weight)`:
    `sum(values * weights) / sum(weights)`, 0 before any weight."""

    _reduction = "weighted_mean"

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanMetricWrapper(Mean):
    """The weighted mean of a per-sample function `fn(y_true, y_pred, **kwargs)`.

    `total += sum(fn(y_true, y_pred) * w)`, `count += sum(w)` (w broadcast to
    the function's values), `result = total / count`.

    Args:
        fn: the per-sample function.
        name: the metric's name.
        dtype: the dtype of the state and the result.
        **kwargs: passed on to `fn`.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        if not callable(fn):
            validation.fail(validation.owner_of(self), "fn", fn, "a callable (y_true, y_pred)")
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = K.cast(as_tensor(y_true), self.dtype)
        y_pred = K.cast(as_tensor(y_pred), self.dtype)
        y_pred, y_true = squeeze_or_expand_dimensions(y_pred, y_true)
        matches = self._fn(y_true, y_pred, **self._fn_kwargs)
        return super().update_state(matches, sample_weight=sample_weight)

    def get_config(self):
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = serialize(self._fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is MeanMetricWrapper:
            return cls(get(config.pop("fn")), **config)
        config.pop("fn", None)
        return cls(**config)


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
