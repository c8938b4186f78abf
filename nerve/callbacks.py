"""Callbacks: hooks that run between compiled calls of `fit`, `evaluate` and `predict`."""

import os
import sys
import time
import warnings

import numpy as np

_HOOKS = [f"on_{what}_{when}" for what in ("train", "epoch", "train_batch", "test",
                                           "test_batch", "predict", "predict_batch")
          for when in ("begin", "end")]


class Callback:
    """The base class: every hook does nothing. Keras 2's `on_batch_begin/end` are the
    training-batch hooks."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)


for _hook in _HOOKS:
    if not hasattr(Callback, _hook):
        setattr(Callback, _hook, lambda self, *args, **kwargs: None)


def _overrides_batches(callback):
    names = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")
    return any(getattr(type(callback), n) is not getattr(Callback, n) for n in names)


class CallbackList:
    """Calls each hook on every callback in order."""

    def __init__(self, callbacks=None, add_progbar=False, model=None, **params):
        self.callbacks = list(callbacks or [])
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.insert(0, ProgbarLogger())
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)
            if model is not None:
                callback.set_model(model)

    def needs_batches(self):
        """Whether some callback wants to hear about every batch."""
        return any(_overrides_batches(c) or getattr(c, "needs_batches", False)
                   for c in self.callbacks)

    def __getattr__(self, name):
        if name not in _HOOKS:
            raise AttributeError(name)

        def call(*args, **kwargs):
            for callback in self.callbacks:
                getattr(callback, name)(*args, **kwargs)

        return call


class History(Callback):
    """Records the logs of every epoch: `history.history['loss']`, `history.epoch`."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


def _format_value(value):
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"


def _format_logs(logs):
    return "".join(f" - {k}: {_format_value(v)}" for k, v in logs.items())


def _per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


class ProgbarLogger(Callback):
    """tf-keras's progress output: `Epoch 1/3` then one line per epoch.

    Steps run in compiled calls of many batches, so each epoch prints its final
    line once: log files get no `\\r` floods.
    """

    def __init__(self, count_mode="steps", stream=None):
        super().__init__()
        self.stream = stream

    def _print(self, text):
        print(text, file=self.stream or sys.stdout, flush=True)

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        if self.params.get("verbose", 1) == 1:
            self._print(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}")

    def on_epoch_end(self, epoch, logs=None):
        verbose = self.params.get("verbose", 1)
        steps = self.params.get("steps") or 1
        elapsed = time.perf_counter() - self._start
        if verbose == 1:
            self._print(f"{steps}/{steps} [{'=' * 30}] - {elapsed:.0f}s "
                        f"{_per_step(elapsed / steps)}{_format_logs(logs or {})}")
        elif verbose == 2:
            self._print(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}\n"
                        f"{steps}/{steps} - {elapsed:.0f}s{_format_logs(logs or {})} - "
                        f"{elapsed * 1e3:.0f}ms/epoch - {_per_step(elapsed / steps)}")


class _Monitor(Callback):
    """What EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share: reading a
    monitored value and judging improvement (NaN and inf never improve)."""

    def __init__(self, monitor, mode, min_delta=0.0):
        super().__init__()
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode {mode!r} is unknown; using 'auto'.",
                          RuntimeWarning, stacklevel=3)
            mode = "auto"
        if mode == "auto":
            maximize = any(key in monitor for key in ("acc", "auc", "precision", "recall"))
            mode = "max" if maximize else "min"
        self.mode = mode
        self._warned = False

    def _initial_best(self):
        return -np.inf if self.mode == "max" else np.inf

    def _is_improvement(self, current, reference):
        if current is None or not np.isfinite(current):
            return False
        if self.mode == "max":
            return current > reference + self.min_delta
        return current < reference - self.min_delta

    def _current(self, logs):
        value = (logs or {}).get(self.monitor)
        if value is None and not self._warned:
            self._warned = True
            warnings.warn(
                f"{type(self).__name__} is monitoring '{self.monitor}', which is not in the "
                f"logs. Available keys: {sorted(logs or {})}.", RuntimeWarning, stacklevel=3)
        return value


class EarlyStopping(_Monitor):
    """Stops training when `monitor` has not improved for `patience` epochs."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta)
        self.patience = int(patience)
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self._initial_best()
        self.best_weights = None
        self.best_epoch = 0
        self._last_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch
        current = self._current(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
                return
        # Not better than the best (or than the baseline) for `patience` epochs.
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            self._restore()

    def _restore(self):
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            if self.verbose > 0:
                print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        elif self._last_epoch is not None and self.best_epoch != self._last_epoch:
            self._restore()


class ModelCheckpoint(_Monitor):
    """Saves the model (or its weights) after epochs, or only when `monitor` improves.

    `name=` is accepted as an alias of `filepath`; `{epoch:02d}` and log keys
    (`{val_loss:.2f}`) are filled in, with epochs counted from 1.
    """

    def __init__(self, filepath=None, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch", options=None,
                 initial_value_threshold=None, period=None, name=None):
        super().__init__(monitor, mode)
        if filepath is not None and name is not None:
            raise ValueError("Pass the checkpoint path as `filepath` or `name`, not both.")
        filepath = filepath if filepath is not None else name
        if filepath is None:
            raise TypeError("ModelCheckpoint needs a `filepath`, e.g. 'best.h5'.")
        self.filepath = os.fspath(filepath)
        if os.path.isdir(self.filepath):
            raise ValueError(
                f"ModelCheckpoint's filepath {self.filepath!r} is a folder; give a file name "
                "inside it, e.g. os.path.join(folder, 'model.h5')."
            )
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if save_freq != "epoch" and (not isinstance(save_freq, int) or save_freq <= 0):
            raise ValueError(
                f"`save_freq` must be 'epoch' or a positive integer. Received: "
                f"save_freq={save_freq!r}"
            )
        self.save_freq = save_freq
        self.period = 1 if period is None else int(period)
        self.best = self._initial_best() if initial_value_threshold is None else (
            initial_value_threshold)
        self.needs_batches = save_freq != "epoch"
        self._batches_seen = 0
        self._epochs_since_save = 0
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq != "epoch":
            self._batches_seen += 1
            if self._batches_seen % self.save_freq == 0:
                self._save(self._epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_since_save += 1
        if self.save_freq == "epoch" and self._epochs_since_save >= self.period:
            self._epochs_since_save = 0
            self._save(epoch, logs)

    def _save(self, epoch, logs):
        logs = logs or {}
        filepath = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = self._current(logs)
            if current is None:
                return
            if not self._is_improvement(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
        folder = os.path.dirname(os.path.abspath(filepath))
        os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
