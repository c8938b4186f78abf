"""`Metric`: state in Variables, symbolic `update_state` returning update pairs."""

import functools
import numbers
import re

import numpy as np
from jax import tree_util

from nerve import backend as K
from nerve import config, initializers
from nerve.graph import Placeholder, Tensor, Variable, evaluate, names, topo_sort
from nerve.graph.traversal import clone
from nerve.losses import as_tensor, squeeze_or_expand_dimensions
from nerve.utils import validation

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
            from nerve import metrics

            config["fn"] = metrics.serialize(self._fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is MeanMetricWrapper:
            from nerve import metrics

            return cls(metrics.get(config.pop("fn")), **config)
        config.pop("fn", None)
        return cls(**config)
