"""Callbacks that set the learning rate between epochs: `ReduceLROnPlateau` and
`LearningRateScheduler`.

The rate is the optimizer's `learning_rate` Variable (`lr` in Keras 2), read
with `K.get_value` and written with `K.set_value`; the compiled step reads it
as state, so a new rate takes effect on the next step without a recompile.
Both write the rate into the epoch logs as `lr`, as tf-keras does.
"""

import inspect

import numpy as np

from nerve import backend as K
from nerve.callbacks.base import Callback
from nerve.callbacks.monitor import _Monitor


def _rate_variable(callback):
    optimizer = getattr(callback.model, "optimizer", None)
    variable = getattr(optimizer, "learning_rate", None)
    if variable is None:
        variable = getattr(optimizer, "lr", None)
    if variable is None:
        raise ValueError(
            f"{type(callback).__name__} needs a compiled model whose optimizer has a "
            f"`learning_rate` (or `lr`). Received: optimizer={optimizer!r}"
        )
    if getattr(optimizer, "_schedule", None) is not None:
        raise TypeError(
            f"{type(callback).__name__} cannot set the learning rate of an optimizer created "
            "with a learning-rate schedule (the schedule decides the rate each step). Create "
            "the optimizer with a number as `learning_rate` instead."
        )
    return variable


def _as_float(value):
    """A rate as the Python float its dtype shows: float32 0.001 is 0.001, not
    0.0010000000474974513, in logs, CSV files and messages."""
    return float(str(np.asarray(value)[()]))


def _get_rate(callback):
    return _as_float(K.get_value(_rate_variable(callback)))


def _set_rate(callback, value):
    """Sets the rate; returns it as stored (rounded to the Variable's dtype)."""
    variable = _rate_variable(callback)
    K.set_value(variable, value)
    return _as_float(K.get_value(variable))


class ReduceLROnPlateau(_Monitor):
    """Multiplies the learning rate by `factor` when `monitor` has not improved for
    `patience` epochs.

    After a reduction it waits `cooldown` epochs before counting again, and it
    never goes below `min_lr`. NaN and inf never improve; a missing monitor
    warns once and changes nothing.

    Args:
        monitor: the log key to watch, e.g. 'val_loss'.
        factor: the new rate is `rate * factor`; must be below 1.
        patience: epochs without improvement before the rate is reduced.
        verbose: 1 prints `Epoch 5: ReduceLROnPlateau reducing learning rate to 0.0001.`
        mode: 'min', 'max' or 'auto' (from the monitor's name).
        min_delta: the least change that counts as an improvement (`epsilon` is
            the Keras 1 name, accepted).
        cooldown: epochs to wait after a reduction before resuming normal operation.
        min_lr: the lower bound of the rate.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(
                f"ReduceLROnPlateau got unexpected keyword argument(s): {sorted(kwargs)}."
            )
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0 (it must reduce the "
                f"rate). Received: factor={factor}"
            )
        super().__init__(monitor, mode, min_delta)
        self.factor = factor
        self.patience = int(patience)
        self.verbose = verbose
        self.cooldown = int(cooldown)
        self.min_lr = min_lr
        self._reset()

    def _reset(self):
        self.best = self._initial_best()
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        rate = _get_rate(self)
        if logs is not None:
            logs["lr"] = rate
        current = self._current(logs)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                stored = np.asarray(K.get_value(_rate_variable(self)))
                if stored > stored.dtype.type(self.min_lr):
                    new_rate = _set_rate(self, max(rate * self.factor, self.min_lr))
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                              f"rate to {new_rate}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


def _takes_rate(schedule):
    """Whether `schedule` takes `(epoch, lr)`; None when its signature is unknown."""
    try:
        signature = inspect.signature(schedule)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(0, 0.0)
    except TypeError:
        return False
    return True


def _is_float(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (float, np.floating)):
        return True
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    return shape == () and dtype is not None and np.issubdtype(np.dtype(dtype), np.floating)


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch to `schedule(epoch)`.

    `schedule` takes the epoch (counted from 0) and, if its signature has room
    for it, the current rate: `schedule(epoch, lr)`. It must return a float.

    Args:
        schedule: `schedule(epoch)` or `schedule(epoch, lr)`, returning the new rate.
        verbose: 1 prints `Epoch 1: LearningRateScheduler setting learning rate to 0.01.`

    Example:
    >>> def schedule(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.5
    >>> callback = LearningRateScheduler(schedule)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "LearningRateScheduler's `schedule` must be a function of the epoch (and the "
                f"current rate). Received: schedule={schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose
        self._takes_rate = _takes_rate(schedule)

    def _call_schedule(self, epoch):
        if self._takes_rate is None:  # no signature (a builtin): try both, as tf-keras does
            try:
                return self.schedule(epoch, _get_rate(self))
            except TypeError:
                return self.schedule(epoch)
        if self._takes_rate:
            return self.schedule(epoch, _get_rate(self))
        return self.schedule(epoch)

    def on_epoch_begin(self, epoch, logs=None):
        rate = self._call_schedule(epoch)
        if not _is_float(rate):
            raise ValueError(
                'The output of the "schedule" function should be a float. Received: '
                f"{rate!r} (of type {type(rate).__name__}) for epoch {epoch}."
            )
        rate = _set_rate(self, float(np.asarray(rate)))
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = _get_rate(self)
