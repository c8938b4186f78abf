"""Optimizers (tf-keras 2.x names and numerics), each a thin mapping onto optax.

As in Keras 2 on Theano, training is a compiled function with updates:

    K.function(inputs, [loss], updates=optimizer.get_updates(loss, params))

`get_updates` adds ONE graph node that runs the optax update on the
parameters, gradients, slots, learning rate and step, and returns the new
parameters and slots. All state lives in nerve Variables, so a compiled
function updates it in place: `iterations`, `learning_rate` (`lr` is the
same Variable; `K.set_value` on it takes effect on the next step without a
recompile) and one Variable per leaf of the optax state (the slots), made on
the first `get_updates` (or `build`).

Differences from tf-keras that optax imposes (float32 rounding aside):
- `Adamax`: optax keeps `max(beta_2 * u, |g| + epsilon)` and divides by it;
  tf-keras keeps `max(beta_2 * u, |g|)` and divides by `u + epsilon`.
- `Nadam`: optax's Nadam has a constant `beta_1`; tf-keras uses Dozat's
  momentum schedule `beta_1 * (1 - 0.5 * 0.96**t)`, so early steps differ.
- `Adam(amsgrad=True)`: optax takes the maximum of the bias-corrected second
  moments; tf-keras the maximum of the raw ones, corrected afterwards.
- `weight_decay` with `Ftrl`: tf-keras decays the weights before the FTRL
  update reads them; here both see the weights from before the step.
- The state: `get_weights()` is `iterations`, then the optax state's leaves in
  optax's order (the step counts of Adam-like optimizers among them), not
  tf-keras's interleaved slots.

Example:
>>> import numpy as np
>>> from nerve import backend as K
>>> w = K.variable(np.array([1.0, -2.0]))
>>> loss = K.sum(K.square(w))
>>> opt = SGD(learning_rate=0.1)
>>> train = K.function([], [loss], updates=opt.get_updates(loss, [w]))
>>> for _ in range(3):
...     _ = train([])
>>> np.round(K.get_value(w), 4)
array([ 0.512, -1.024], dtype=float32)
>>> int(K.get_value(opt.iterations))
3
"""

import functools
import math
import numbers
import re
import sys
import types
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from nerve import config
from nerve.compile import Function, gradients
from nerve.graph import Placeholder, Tensor, Variable, apply
from nerve.utils import serialization, validation

# Argument checks.


def _number(owner, arg, value, expected, ok):
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or not ok(value)
    ):
        validation.fail(owner, arg, value, expected)
    return float(value)


def _non_negative(owner, arg, value):
    return _number(owner, arg, value, "a non-negative number", lambda v: v >= 0)


def _positive_or_none(owner, arg, value):
    if value is None:
        return None
    return _number(owner, arg, value, "a positive number or None", lambda v: v > 0)


def _fraction(owner, arg, value):
    """A decay factor: 1 would never forget, so [0, 1)."""
    return _number(owner, arg, value, "a float in the range [0, 1)", lambda v: 0 <= v < 1)


def _flag(owner, arg, value):
    if not isinstance(value, (bool, np.bool_)):
        validation.fail(owner, arg, value, "a boolean")
    return bool(value)


def _name(owner, arg, value, allow_none=False):
    if (value is None and allow_none) or (isinstance(value, str) and value):
        return value
    validation.fail(owner, arg, value, "a non-empty string" + (" or None" if allow_none else ""))


def _owner(cls_name, name):
    return cls_name if name in (None, cls_name) else f'{cls_name} "{name}"'


# Learning-rate schedules: thin wrappers over optax schedules, with tf-keras configs.


class LearningRateSchedule:
    """Base class: a callable from the step (an integer, from 0) to the learning rate.

    Subclasses implement `__call__(step)` with `jax.numpy` (it runs inside the
    compiled training step) and `get_config()`. Any plain callable of the step
    works as a learning rate too; a schedule adds a config.
    """

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} does not implement `__call__(step)`.")

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement `get_config()`.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: the rate at step 0 (non-negative).
        decay_steps: the steps over which the rate is multiplied by `decay_rate` (positive).
        decay_rate: the factor (positive).
        staircase: if True, `step / decay_steps` is an integer division.
        name: an optional name, kept in the config.

    Example:
    >>> round(float(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(10)), 6)
    0.05
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        owner = _owner("ExponentialDecay", name)
        self.name = _name(owner, "name", name, allow_none=True)
        _non_negative(owner, "initial_learning_rate", initial_learning_rate)
        _number(owner, "decay_steps", decay_steps, "a positive number", lambda v: v > 0)
        # optax turns a zero rate into a constant schedule; tf-keras would give 0 after step 0.
        _number(owner, "decay_rate", decay_rate, "a positive number", lambda v: v > 0)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = _flag(owner, "staircase", staircase)
        self._schedule = optax.exponential_decay(
            initial_learning_rate, decay_steps, decay_rate, staircase=self.staircase
        )

    def __call__(self, step):
        return self._schedule(step)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[1]` while `step <= boundaries[1]`, …

    Args:
        boundaries: increasing step numbers.
        values: the rates, one more than `boundaries`.
        name: an optional name, kept in the config.

    Example:
    >>> schedule = PiecewiseConstantDecay([2], [1.0, 0.5])
    >>> [float(schedule(step)) for step in range(4)]
    [1.0, 1.0, 1.0, 0.5]
    """

    def __init__(self, boundaries, values, name=None):
        owner = _owner("PiecewiseConstantDecay", name)
        self.name = _name(owner, "name", name, allow_none=True)
        if not isinstance(boundaries, (list, tuple)) or any(
            isinstance(b, bool) or not isinstance(b, numbers.Real) for b in boundaries
        ) or any(a >= b for a, b in zip(boundaries, boundaries[1:])):
            validation.fail(owner, "boundaries", boundaries, "a list of increasing numbers")
        if not isinstance(values, (list, tuple)) or len(values) != len(boundaries) + 1:
            validation.fail(
                owner, "values", values,
                f"a list of {len(boundaries) + 1} rates (one more than `boundaries`)",
            )
        for value in values:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                validation.fail(owner, "values", values, "a list of numbers")
        self.boundaries = list(boundaries)
        self.values = list(values)
        # tf-keras moves on once `step > boundary`; optax once `step >= boundary`.
        # For integer steps, `step > b` is `step >= floor(b) + 1`.
        self._schedule = optax.join_schedules(
            [optax.constant_schedule(v) for v in self.values],
            [math.floor(b) + 1 for b in self.boundaries],
        )

    def __call__(self, step):
        return self._schedule(step)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from `initial_learning_rate` to `alpha * initial_learning_rate`
    over `decay_steps`, after an optional linear warmup to `warmup_target`.

    Args:
        initial_learning_rate: the rate at step 0 (non-negative).
        decay_steps: the length of the decay (positive).
        alpha: the final rate as a fraction of the decay's start, in [0, 1].
        name: an optional name, kept in the config.
        warmup_target: if set, the rate rises linearly to it over `warmup_steps`,
            then decays from it.
        warmup_steps: the length of the warmup (non-negative integer).

    Example:
    >>> round(float(CosineDecay(1.0, decay_steps=10)(5)), 6)
    0.5
    """

    def __init__(
        self, initial_learning_rate, decay_steps, alpha=0.0, name=None, warmup_target=None,
        warmup_steps=0,
    ):
        owner = _owner("CosineDecay", name)
        self.name = _name(owner, "name", name, allow_none=True)
        _non_negative(owner, "initial_learning_rate", initial_learning_rate)
        _number(owner, "decay_steps", decay_steps, "a positive number", lambda v: v > 0)
        _number(owner, "alpha", alpha, "a float in the range [0, 1]", lambda v: 0 <= v <= 1)
        if warmup_target is not None:
            _non_negative(owner, "warmup_target", warmup_target)
        self.warmup_steps = validation.non_negative_int(owner, "warmup_steps", warmup_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.warmup_target = warmup_target
        if warmup_target is None:
            self._schedule = optax.cosine_decay_schedule(initial_learning_rate, decay_steps, alpha)
        else:
            decay = optax.cosine_decay_schedule(warmup_target, decay_steps, alpha)
            self._schedule = decay if not self.warmup_steps else optax.join_schedules(
                [
                    optax.linear_schedule(initial_learning_rate, warmup_target, self.warmup_steps),
                    decay,
                ],
                [self.warmup_steps],
            )

    def __call__(self, step):
        return self._schedule(step)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    optax has no inverse-time schedule, so this one is the formula itself.

    Args:
        initial_learning_rate: the rate at step 0 (non-negative).
        decay_steps: the step scale (positive).
        decay_rate: the rate of decay (non-negative).
        staircase: if True, `step / decay_steps` is an integer division.
        name: an optional name, kept in the config.

    Example:
    >>> float(InverseTimeDecay(1.0, decay_steps=1, decay_rate=0.5)(2))
    0.5
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        owner = _owner("InverseTimeDecay", name)
        self.name = _name(owner, "name", name, allow_none=True)
        _non_negative(owner, "initial_learning_rate", initial_learning_rate)
        _number(owner, "decay_steps", decay_steps, "a positive number", lambda v: v > 0)
        _non_negative(owner, "decay_rate", decay_rate)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = _flag(owner, "staircase", staircase)

    def __call__(self, step):
        p = jnp.asarray(step, jnp.float32) / self.decay_steps
        if self.staircase:
            p = jnp.floor(p)
        return self.initial_learning_rate / (1 + self.decay_rate * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


_SCHEDULES = {
    cls.__name__: cls
    for cls in (ExponentialDecay, PiecewiseConstantDecay, CosineDecay, InverseTimeDecay)
}


def _serialize_schedule(schedule):
    return serialization.serialize_object(schedule)


def _deserialize_schedule(config, custom_objects=None):
    return serialization.deserialize_object(
        config, _SCHEDULES, custom_objects, kind="learning rate schedule"
    )


# `nerve.optimizers.schedules`, as tf-keras names it: a submodule without a file of its
# own, so that the optimizers stay one module. Make this a package if it grows.
schedules = types.ModuleType(__name__ + ".schedules", "Learning-rate schedules (tf-keras 2.x).")
for _cls in (LearningRateSchedule, *_SCHEDULES.values()):
    setattr(schedules, _cls.__name__, _cls)
schedules.serialize = _serialize_schedule
schedules.deserialize = _deserialize_schedule
sys.modules[schedules.__name__] = schedules


# optax pieces that optax does not ship.


def _clip_each_by_norm(max_norm):
    """tf-keras `clipnorm`: every gradient clipped by its own norm. optax only clips by
    the global norm, which for a single array is that array's norm."""
    clip = optax.clip_by_global_norm(max_norm)
    return optax.stateless_with_tree_map(lambda g, _: clip.update(g, clip.init(g))[0])


class FtrlState(NamedTuple):
    accumulator: Any
    linear: Any


def ftrl(
    learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
    l1_regularization_strength=0.0, l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0, beta=0.0,
):
    """FTRL-proximal as tf-keras computes it, as an optax GradientTransformation.

    optax (0.2.x) has no FTRL, so this is the one update rule written in nerve.
    FTRL sets each weight from its accumulators rather than stepping it, so the
    update returned is `new_weight - weight`; it needs `params`.
    """
    power = -learning_rate_power
    l1 = l1_regularization_strength
    l2 = l2_regularization_strength + beta / (2.0 * learning_rate)

    def init(params):
        return FtrlState(
            accumulator=jax.tree.map(lambda p: jnp.full_like(p, initial_accumulator_value), params),
            linear=jax.tree.map(jnp.zeros_like, params),
        )

    def one(g, w, accumulator, linear):
        new_accumulator = accumulator + g * g
        linear = (
            linear
            + g
            + 2 * l2_shrinkage_regularization_strength * w
            - (new_accumulator**power - accumulator**power) / learning_rate * w
        )
        quadratic = new_accumulator**power / learning_rate + 2 * l2
        new_w = (jnp.clip(linear, -l1, l1) - linear) / quadratic
        return new_w - w, new_accumulator, linear

    def update(updates, state, params=None):
        if params is None:
            raise ValueError("The FTRL update needs the current weights: pass `params`.")
        leaves, treedef = jax.tree.flatten(updates)
        columns = ([], [], [])
        for args in zip(
            leaves,
            treedef.flatten_up_to(params),
            treedef.flatten_up_to(state.accumulator),
            treedef.flatten_up_to(state.linear),
        ):
            for column, value in zip(columns, one(*args)):
                column.append(value)
        new_updates, accumulator, linear = (treedef.unflatten(c) for c in columns)
        return new_updates, FtrlState(accumulator, linear)

    return optax.GradientTransformation(init, update)


# The optimizers.


class _Default(float):
    """A default value that knows it was not passed, so `lr=` can be told from
    `learning_rate=`. It is the float it shows (`learning_rate=0.001`)."""


_RATE, _SGD_RATE = _Default(0.001), _Default(0.01)


class _Built(NamedTuple):
    """What a compiled step needs to know of the weights it was built for."""

    slot_tree: Any
    decay_mask: Any
    constraints: list


class _CallableList(list):
    """A list that returns itself when called: `optimizer.variables` and
    `optimizer.variables()` both work, as in tf-keras."""

    def __call__(self):
        return self


class Optimizer:
    """Base class: maps Keras arguments onto an optax transformation.

    A subclass lists its hyperparameters in `_hyperparameters` (attribute names,
    also its config keys) and implements `_optax(learning_rate, step)`, the optax
    transformation of one step; `learning_rate` and `step` (counted from 1) are
    traced scalars, so they change without a recompile. Clipping, weight decay,
    the schedule and the state Variables are handled here.

    Args:
        learning_rate: a non-negative number, a `LearningRateSchedule`, or a
            callable from the step (from 0) to the rate. `lr` is an alias.
        name: the optimizer's name, prefix of its Variables' names.
        weight_decay: decoupled weight decay: each step the weights lose
            `learning_rate * weight_decay` of themselves (None: none).
        clipnorm: clips each gradient to this norm.
        clipvalue: clips each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clips the gradients together to this global norm.
            At most one of the three clippings can be set.
        decay: Keras 2's learning-rate decay: the rate used at step `t` (from 0)
            is `learning_rate / (1 + decay * t)`.
        use_ema, ema_momentum, ema_overwrite_frequency, jit_compile,
            is_legacy_optimizer: accepted for tf-keras configs; a moving average
            of the weights is not supported (`use_ema` must be False), and every
            step is compiled anyway.
    """

    _hyperparameters = ()

    def __init__(
        self, learning_rate, name, weight_decay=None, clipnorm=None, clipvalue=None,
        global_clipnorm=None, decay=0.0, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, jit_compile=True, **kwargs,
    ):
        cls = type(self).__name__
        self.name = _name(cls, "name", name)
        owner = self._owner = _owner(cls, name)
        kwargs.pop("is_legacy_optimizer", None)  # in tf-keras configs; nothing to do
        if "lr" in kwargs:
            lr = kwargs.pop("lr")
            if type(learning_rate) is not _Default:
                raise TypeError(
                    f"{owner} got both `learning_rate` and its alias `lr`; pass one. "
                    f"Received: learning_rate={learning_rate!r}, lr={lr!r}"
                )
            learning_rate = lr
        if kwargs:
            names = ", ".join(repr(k) for k in sorted(kwargs))
            raise TypeError(f"{owner} got unexpected keyword argument(s): {names}.")

        if isinstance(learning_rate, Tensor) or not callable(learning_rate):
            value = _number(
                owner, "learning_rate", learning_rate,
                "a non-negative number or a learning-rate schedule", lambda v: v >= 0,
            )
            self._schedule = None
        else:
            value = learning_rate(0)
            self._schedule = learning_rate
        self.weight_decay = None
        if weight_decay is not None:
            self.weight_decay = _non_negative(owner, "weight_decay", weight_decay)
        self.clipnorm = _positive_or_none(owner, "clipnorm", clipnorm)
        self.clipvalue = _positive_or_none(owner, "clipvalue", clipvalue)
        self.global_clipnorm = _positive_or_none(owner, "global_clipnorm", global_clipnorm)
        clips = {
            k: v
            for k, v in zip(
                ("clipnorm", "clipvalue", "global_clipnorm"), (clipnorm, clipvalue, global_clipnorm)
            )
            if v is not None
        }
        if len(clips) > 1:
            received = ", ".join(f"{k}={v!r}" for k, v in clips.items())
            raise ValueError(
                f"{owner}: at most one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                f"set. Received: {received}"
            )
        self.decay = _non_negative(owner, "decay", decay)
        if use_ema is not False:
            validation.fail(owner, "use_ema", use_ema, "False (no moving average of the weights)")
        self.use_ema = False
        self.ema_momentum = _number(
            owner, "ema_momentum", ema_momentum, "a float in the range [0, 1]",
            lambda v: 0 <= v <= 1,
        )
        if ema_overwrite_frequency is not None:
            ema_overwrite_frequency = validation.positive_int(
                owner, "ema_overwrite_frequency", ema_overwrite_frequency
            )
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.jit_compile = _flag(owner, "jit_compile", jit_compile)

        self.iterations = Variable(0, "int32", name=f"{self.name}/iterations", trainable=False)
        self._learning_rate = Variable(
            value, config.floatx(), name=f"{self.name}/learning_rate", trainable=False
        )
        self._params = None  # the weights the slots were built for
        self._slots = []
        self._built = None
        self._exclude_vars = []
        self._exclude_names = []
        self._eager = {}

    # The learning rate.

    @property
    def learning_rate(self):
        """The learning rate: a scalar Variable (with a schedule: the rate of the last step)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if self._schedule is not None:
            raise TypeError(
                f"{self._owner} was created with a learning-rate schedule, so its learning "
                "rate cannot be set. Create it with a number as `learning_rate` instead."
            )
        value = _number(
            self._owner, "learning_rate", value, "a non-negative number", lambda v: v >= 0
        )
        self._learning_rate.assign_value(value)

    lr = learning_rate  # the Keras 2 name: the same property, the same Variable

    # The optax transformation of one step.

    def _optax(self, learning_rate, step):
        raise NotImplementedError(f"{type(self).__name__} does not implement `_optax`.")

    def _clipping(self):
        if self.clipnorm is not None:
            return _clip_each_by_norm(self.clipnorm)
        if self.global_clipnorm is not None:
            return optax.clip_by_global_norm(self.global_clipnorm)
        if self.clipvalue is not None:
            return optax.clip(self.clipvalue)
        return None

    def _transformation(self, learning_rate, step, decay_mask=None):
        clipping = self._clipping()
        parts = [] if clipping is None else [clipping]
        parts.append(self._optax(learning_rate, step))
        if self.weight_decay:
            # Decoupled, as tf-keras: w -= learning_rate * weight_decay * w.
            parts.append(
                optax.add_decayed_weights(-learning_rate * self.weight_decay, decay_mask)
            )
        return optax.chain(*parts)

    def _rate(self, iterations, learning_rate):
        """The learning rate of the step that starts at `iterations`."""
        if self._schedule is not None:
            learning_rate = jnp.asarray(self._schedule(iterations), learning_rate.dtype)
        if self.decay:
            learning_rate = learning_rate / (1.0 + self.decay * iterations)
        return learning_rate

    def _step(self, built, params, grads, slots, iterations, learning_rate):
        """The graph op: one optax update on concrete (traced) arrays."""
        rate = self._rate(iterations, learning_rate)
        transformation = self._transformation(rate, iterations + 1, built.decay_mask)
        state = jax.tree.unflatten(built.slot_tree, slots)
        updates, state = transformation.update(grads, state, params)
        new_params = optax.apply_updates(params, updates)
        new_params = [
            p if constraint is None else constraint(p)
            for p, constraint in zip(new_params, built.constraints)
        ]
        return new_params, jax.tree.leaves(state), iterations + 1, rate

    # Building the state.

    def build(self, params):
        """Creates the slot Variables for `params`; `get_updates` calls it.

        Called again with the same weights it does nothing. With other weights
        (a model compiled again after freezing layers) it makes fresh slots, as
        Keras 2 did on every `get_updates`; functions compiled before keep theirs.
        """
        params = self._check_params(params)
        if self._built is not None and [id(p) for p in params] == [id(p) for p in self._params]:
            return
        decay_mask = None
        if self.weight_decay and (self._exclude_vars or self._exclude_names):
            decay_mask = [self._use_weight_decay(p) for p in params]
        values = [p.value for p in params]
        rate = jnp.asarray(self._learning_rate.value)
        state = self._transformation(rate, jnp.asarray(1, jnp.int32), decay_mask).init(values)
        leaves, slot_tree = jax.tree_util.tree_flatten_with_path(state)
        names = set()
        self._slots = [
            Variable(
                np.asarray(leaf), jnp.dtype(leaf.dtype).name,
                _unique_name(self._slot_name(path, params), names), trainable=False,
            )
            for path, leaf in leaves
        ]
        self._params = params
        constraints = [getattr(p, "constraint", None) for p in params]
        self._built = _Built(slot_tree, decay_mask, constraints)

    def _slot_name(self, path, params):
        # e.g. "Adam/mu/dense/kernel" for the first moment of "dense/kernel", "Adam/count".
        fields = [k.name for k in path if isinstance(k, jax.tree_util.GetAttrKey)]
        name = "/".join([self.name, *fields]) if fields else f"{self.name}/slot"
        last = path[-1] if path else None
        if isinstance(last, jax.tree_util.SequenceKey) and fields and last.idx < len(params):
            name += "/" + params[last.idx].name
        return name

    def _check_params(self, params):
        if isinstance(params, Tensor):
            params = [params]
        params = list(params)
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Variable):
                raise TypeError(f"`params[{i}]` must be a Variable. Received: {p!r}")
            if not jnp.issubdtype(p.aval.dtype, jnp.floating):
                raise TypeError(
                    f"`params[{i}]` ('{p.name}') must be a float Variable to be trained. "
                    f"Received dtype {p.dtype}."
                )
            if id(p) in seen:
                raise ValueError(f"Variable '{p.name}' appears twice in `params`.")
            seen.add(id(p))
        return params

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Keeps weight decay off `var_list` and off weights whose name matches any of
        `var_names` (regular expressions, searched). Call it before the optimizer is built."""
        if self._built is not None:
            raise ValueError(
                f"{self._owner} is already built; call `exclude_from_weight_decay` before "
                "`get_updates`/`build`."
            )
        self._exclude_vars = list(var_list or [])
        self._exclude_names = list(var_names or [])

    def _use_weight_decay(self, p):
        return all(p is not v for v in self._exclude_vars) and not any(
            re.search(pattern, p.name) for pattern in self._exclude_names
        )

    # Updates.

    def get_gradients(self, loss, params):
        """The gradients the update uses: `K.gradients(loss, params)`, clipped as configured."""
        grads = gradients(loss, self._check_params(params))
        clip = self._clipping()
        if clip is None:
            return grads

        def clip_gradients(grads):
            return clip.update(grads, clip.init(grads))[0]

        return apply(clip_gradients, (grads,), name=f"{self.name}/clip_gradients")

    def get_updates(self, loss, params):
        """The `(Variable, new_value)` updates of one training step, for `K.function`.

        Example:
        >>> import numpy as np
        >>> from nerve import backend as K
        >>> w = K.variable(np.array([3.0]))
        >>> opt = Adam(learning_rate=0.1)
        >>> loss = K.sum(K.square(w))
        >>> step = K.function([], [loss], updates=opt.get_updates(loss, [w]))
        >>> float(step([])[0])  # the loss before the step
        9.0
        >>> np.round(K.get_value(w), 4)
        array([2.9], dtype=float32)
        """
        if not isinstance(loss, Tensor):
            raise TypeError(
                "`get_updates(loss, params)` needs a symbolic `loss` (and a list of "
                f"Variables as `params`). Received: loss={loss!r}"
            )
        params = self._check_params(params)
        return self._updates(gradients(loss, params), params)

    def _updates(self, grads, params):
        self.build(params)
        new_params, new_slots, iterations, rate = apply(
            functools.partial(self._step, self._built),
            (params, list(grads), self._slots, self.iterations, self._learning_rate),
            name=f"{self.name}/update",
        )
        updates = [(self.iterations, iterations)]
        updates += list(zip(params, new_params)) + list(zip(self._slots, new_slots))
        if self._schedule is not None:  # the rate of the last step, as tf-keras
            updates.append((self._learning_rate, rate))
        return updates

    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs.

        With symbolic gradients this returns the updates (as `get_updates`); with
        arrays it runs the step at once (compiled once per set of variables) and
        returns `iterations`.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        grads, params = zip(*pairs)
        params = self._check_params(params)
        if any(isinstance(g, Tensor) for g in grads):
            return self._updates(grads, params)
        key = tuple(id(p) for p in params)
        if key not in self._eager:
            feeds = [Placeholder(p.shape, p.dtype, name=f"gradient_{i}") for i, p in
                     enumerate(params)]
            self._eager[key] = Function(
                feeds, [], updates=self._updates(feeds, params), name=f"{self.name}/apply"
            )
        self._eager[key](list(grads))
        return self.iterations

    # State.

    @property
    def variables(self):
        """`iterations`, then the slots (in optax's state order): callable, as in tf-keras."""
        return _CallableList([self.iterations, *self._slots])

    @property
    def weights(self):
        return list(self.variables)

    def get_weights(self):
        """The values of `variables()` as numpy arrays."""
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights):
        """Sets `variables()` from arrays, as `get_weights` returns them."""
        weights = list(weights)
        variables = self.variables
        if len(weights) != len(variables):
            hint = (
                " Its slots are made by `get_updates(loss, params)` or `build(params)`; "
                "call one of them first."
                if self._built is None else ""
            )
            raise ValueError(
                f"{self._owner} has {len(variables)} weight(s) (iterations and slots), "
                f"received a list of {len(weights)}.{hint}"
            )
        for variable, value in zip(variables, weights):
            variable.assign_value(value)

    # Configs.

    def get_config(self):
        if self._schedule is not None:
            learning_rate = serialization.serialize_object(self._schedule)
        else:
            # The shortest decimal that is the Variable's value: 0.001, not 0.0010000000474974513.
            learning_rate = float(str(self._learning_rate.numpy()[()]))
        config = {
            "name": self.name,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "jit_compile": self.jit_compile,
            "is_legacy_optimizer": False,
            "learning_rate": learning_rate,
        }
        if self.decay:
            config["decay"] = self.decay
        config.update({k: getattr(self, k) for k in self._hyperparameters})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), (dict, str)):
            config["learning_rate"] = _deserialize_schedule(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _unique_name(name, taken):
    unique, i = name, 1
    while unique in taken:
        unique, i = f"{name}_{i}", i + 1
    taken.add(unique)
    return unique


class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum.

    As tf-keras: `m = momentum * m - learning_rate * g`, then `w += m`, or with
    Nesterov `w += momentum * m - learning_rate * g`. The learning rate enters
    before the momentum (optax's `sgd` applies it after), so a changed learning
    rate acts as in tf-keras: on new gradients only.

    Args:
        learning_rate: the rate or a schedule (default 0.01).
        momentum: in [0, 1]; 0 keeps no momentum slot.
        nesterov: whether to use Nesterov momentum.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate=_SGD_RATE, momentum=0.0, nesterov=False, name="SGD",
                 **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.momentum = _number(
            self._owner, "momentum", momentum, "a float in the range [0, 1]", lambda v: 0 <= v <= 1
        )
        self.nesterov = _flag(self._owner, "nesterov", nesterov)

    def _optax(self, learning_rate, step):
        scale = optax.scale_by_learning_rate(learning_rate)
        if not self.momentum:
            return scale
        return optax.chain(scale, optax.trace(decay=self.momentum, nesterov=self.nesterov))


class RMSprop(Optimizer):
    """RMSprop: `w -= learning_rate * g / sqrt(v + epsilon)`, `v` the moving mean of `g**2`.

    optax's `rmsprop` with `eps_in_sqrt=True` is tf-keras's update exactly,
    centered and with momentum too.

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        rho: the decay of the moving mean, in [0, 1).
        momentum: in [0, 1); 0 keeps no momentum slot.
        epsilon: added under the square root.
        centered: divide by the estimated variance instead of the second moment.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=_RATE, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.rho = _fraction(self._owner, "rho", rho)
        self.momentum = _fraction(self._owner, "momentum", momentum)
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)
        self.centered = _flag(self._owner, "centered", centered)

    def _optax(self, learning_rate, step):
        return optax.rmsprop(
            learning_rate, decay=self.rho, eps=self.epsilon, centered=self.centered,
            momentum=self.momentum or None, eps_in_sqrt=True,
        )


class _Moments(Optimizer):
    """The Adam family's arguments: `beta_1`, `beta_2` (in [0, 1)) and `epsilon`."""

    _hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate, beta_1, beta_2, epsilon, name, **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1 = _fraction(self._owner, "beta_1", beta_1)
        self.beta_2 = _fraction(self._owner, "beta_2", beta_2)
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)


class Adam(_Moments):
    """Adam (Kingma and Ba), optionally AMSGrad.

    tf-keras divides by `sqrt(v) + epsilon` with `v` NOT bias-corrected, which
    is optax's form (bias-corrected `v`) with `eps = epsilon / sqrt(1 - beta_2**t)`;
    that `eps` is passed at every step, so the update is tf-keras's.

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        beta_1: the decay of the first moment, in [0, 1).
        beta_2: the decay of the second moment, in [0, 1).
        epsilon: tf-keras's "epsilon hat".
        amsgrad: use the maximum of past second moments (see the module notes).
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=_RATE, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="Adam", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)
        self.amsgrad = _flag(self._owner, "amsgrad", amsgrad)

    def _optax(self, learning_rate, step):
        eps = self.epsilon / jnp.sqrt(1.0 - self.beta_2**step)
        make = optax.amsgrad if self.amsgrad else optax.adam
        return make(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (`weight_decay`, default 0.004), as tf-keras.

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        weight_decay: each step the weights lose `learning_rate * weight_decay`
            of themselves (required, non-negative).
        beta_1, beta_2, epsilon, amsgrad: as `Adam`.
        name, **kwargs: see `Optimizer`.
    """

    def __init__(self, learning_rate=_RATE, weight_decay=0.004, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-7, amsgrad=False, name="AdamW", **kwargs):
        if weight_decay is None:
            validation.fail(_owner("AdamW", name), "weight_decay", weight_decay,
                            "a non-negative number (AdamW needs one)")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, name,
                         weight_decay=weight_decay, **kwargs)


class Adagrad(Optimizer):
    """Adagrad: `w -= learning_rate * g / sqrt(a + epsilon)`, `a` the sum of `g**2`
    from `initial_accumulator_value` (optax's `adagrad`, exactly).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        initial_accumulator_value: the accumulators' start (non-negative).
        epsilon: added under the square root.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=_RATE, initial_accumulator_value=0.1,
                 epsilon=1e-7, name="Adagrad", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.initial_accumulator_value = _non_negative(
            self._owner, "initial_accumulator_value", initial_accumulator_value
        )
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)

    def _optax(self, learning_rate, step):
        return optax.adagrad(
            learning_rate, initial_accumulator_value=self.initial_accumulator_value,
            eps=self.epsilon,
        )


class Adadelta(Optimizer):
    """Adadelta (Zeiler), with a learning rate as tf-keras (optax's `adadelta`, exactly).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        rho: the decay of the moving means, in [0, 1).
        epsilon: added under the square roots.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("rho", "epsilon")

    def __init__(self, learning_rate=_RATE, rho=0.95, epsilon=1e-7, name="Adadelta",
                 **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.rho = _fraction(self._owner, "rho", rho)
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)

    def _optax(self, learning_rate, step):
        return optax.adadelta(learning_rate, rho=self.rho, eps=self.epsilon)


class Adamax(_Moments):
    """Adamax, Adam with the infinity norm (optax's `adamax`; see the module notes
    for where `epsilon` goes).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        beta_1, beta_2: the decays, in [0, 1).
        epsilon: a small constant for numerical stability.
        name, **kwargs: see `Optimizer`.
    """

    def __init__(self, learning_rate=_RATE, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Adamax", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)

    def _optax(self, learning_rate, step):
        return optax.adamax(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=self.epsilon)


class Nadam(_Moments):
    """Adam with Nesterov momentum (optax's `nadam`; tf-keras's momentum schedule is
    not in optax, see the module notes).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        beta_1, beta_2: the decays, in [0, 1).
        epsilon: added to the square root of the second moment.
        name, **kwargs: see `Optimizer`.
    """

    def __init__(self, learning_rate=_RATE, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Nadam", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)

    def _optax(self, learning_rate, step):
        return optax.nadam(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=self.epsilon)


class Ftrl(Optimizer):
    """FTRL-proximal (McMahan et al.), as tf-keras computes it (see `ftrl`).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        learning_rate_power: how the rate falls with the accumulated squared
            gradients (non-positive; 0 keeps it fixed).
        initial_accumulator_value: the accumulators' start (non-negative).
        l1_regularization_strength, l2_regularization_strength: the L1 and
            (stabilising) L2 penalties (non-negative).
        l2_shrinkage_regularization_strength: an L2 penalty on the weights'
            magnitude (non-negative).
        beta: FTRL's beta (non-negative).
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = (
        "learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
        "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta",
    )

    def __init__(self, learning_rate=_RATE, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, name="Ftrl", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        owner = self._owner
        self.learning_rate_power = _number(
            owner, "learning_rate_power", learning_rate_power, "a non-positive number",
            lambda v: v <= 0,
        )
        self.initial_accumulator_value = _non_negative(
            owner, "initial_accumulator_value", initial_accumulator_value
        )
        for arg, value in [
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
            ("beta", beta),
        ]:
            setattr(self, arg, _non_negative(owner, arg, value))

    def _optax(self, learning_rate, step):
        return ftrl(learning_rate, **{k: getattr(self, k) for k in self._hyperparameters})


# Names and configs.

_OPTIMIZERS = {
    cls.__name__: cls
    for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl)
}
_BY_LOWER_NAME = {name.lower(): cls for name, cls in _OPTIMIZERS.items()}


def serialize(optimizer):
    """`{"class_name": ..., "config": {...}}` for an optimizer."""
    return serialization.serialize_object(optimizer)


def deserialize(config, custom_objects=None):
    """The optimizer a name or a config dict describes; built-in names are
    case-insensitive, as in tf-keras (`'adam'`, `'Adam'`, `'ADAM'`)."""
    def known(name):
        return name.lower() if isinstance(name, str) and name.lower() in _BY_LOWER_NAME else name

    if isinstance(config, dict) and "class_name" in config:
        config = {**config, "class_name": known(config["class_name"])}
    elif isinstance(config, str):
        config = known(config)
    return serialization.deserialize_object(
        config, {**_OPTIMIZERS, **_BY_LOWER_NAME}, custom_objects, kind="optimizer"
    )


def get(identifier):
    """An optimizer from a name (`'adam'`), a config dict or an `Optimizer` (returned as is).

    Example:
    >>> get("rmsprop").get_config()["rho"]
    0.9
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    validation.fail(
        "optimizers.get", "identifier", identifier,
        "an optimizer name, a config dict or an Optimizer instance",
    )


__all__ = [
    "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Nadam", "Optimizer",
    "RMSprop", "deserialize", "get", "schedules", "serialize",
]
