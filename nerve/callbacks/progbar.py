"""`ProgbarLogger`: tf-keras's progress output, one final line per epoch."""

import sys
import time

from nerve.callbacks.base import Callback


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
    line once: log files get no `\\r` floods (on a terminal too, for now).
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
