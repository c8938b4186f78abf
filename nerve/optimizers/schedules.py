"""Learning-rate schedules (tf-keras 2.x): thin wrappers over optax schedules."""

import math
import numbers

import jax.numpy as jnp
import optax

from nerve.optimizers.checks import _flag, _name, _non_negative, _number, _owner
from nerve.utils import serialization, validation

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

serialize = _serialize_schedule
deserialize = _deserialize_schedule
