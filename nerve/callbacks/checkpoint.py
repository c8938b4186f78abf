"""`ModelCheckpoint`: save the model (or its weights) after epochs or on improvement."""

import os

from nerve.callbacks.monitor import _Monitor


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
        if self.needs_batches:
            # Only then a batch hook: on the class it would make every fit run one step
            # per compiled call.
            self.on_train_batch_end = self._count_batch
        self._batches_seen = 0
        self._epochs_since_save = 0
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def _count_batch(self, batch, logs=None):
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
