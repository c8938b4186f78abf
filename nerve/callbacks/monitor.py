"""What EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share: one monitored value."""

import warnings

import numpy as np

from nerve.callbacks.base import Callback


class _Monitor(Callback):
    """Reads a monitored value from the epoch logs and judges improvement.

    - `mode='auto'` maximizes names with `acc`, `auc`, `precision` or `recall`
      in them and minimizes the rest; an unknown mode warns and means 'auto'.
    - NaN and inf never improve.
    - A monitor missing from the logs warns ONCE (listing the keys there are);
      the callback then does nothing that epoch: no stop, no save, no error.
    """

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
