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


def final_line(steps, elapsed, logs=None):
    """`10/10 [==============================] - 1s 19ms/step - loss: 1.5181`."""
    steps = steps or 1
    return (f"{steps}/{steps} [{'=' * 30}] - {elapsed:.0f}s {_per_step(elapsed / steps)}"
            f"{_format_logs(logs or {})}")


class ProgbarLogger(Callback):
    """tf-keras's progress output: `Epoch 1/3`, a bar with an ETA, one line per epoch.

    On a terminal the bar is redrawn about twenty times an epoch (`fit` then runs
    the epoch in that many compiled calls). Elsewhere, e.g. in a log file, each
    epoch prints only its final line: no `\\r` floods.
    """

    UPDATES_PER_EPOCH = 20

    def __init__(self, count_mode="steps", stream=None):
        super().__init__()
        self.stream = stream
        self.batch_interval = None

    def _out(self):
        return self.stream or sys.stdout

    def _print(self, text):
        print(text, file=self._out(), flush=True)

    def set_params(self, params):
        super().set_params(params)
        steps = params.get("steps")
        isatty = getattr(self._out(), "isatty", lambda: False)()
        live = params.get("verbose", 1) == 1 and steps and isatty
        self.batch_interval = max(1, steps // self.UPDATES_PER_EPOCH) if live else None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        if self.params.get("verbose", 1) == 1:
            self._print(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}")

    def on_train_batch_end(self, batch, logs=None):
        if not self.batch_interval:
            return
        steps, done = self.params["steps"], batch + 1
        elapsed = time.perf_counter() - self._start
        eta = elapsed / done * (steps - done)
        filled = 30 * done // steps
        bar = "=" * max(filled - 1, 0) + (">" if filled < 30 else "=") + "." * (30 - filled)
        self._out().write(f"\r{done}/{steps} [{bar[:30]}] - ETA: {eta:.0f}s"
                          f"{_format_logs(logs or {})}")
        self._out().flush()

    def on_epoch_end(self, epoch, logs=None):
        verbose = self.params.get("verbose", 1)
        steps = self.params.get("steps") or 1
        elapsed = time.perf_counter() - self._start
        if verbose == 1:
            redraw = "\r" if self.batch_interval else ""
            self._print(redraw + final_line(steps, elapsed, logs))
        elif verbose == 2:
            self._print(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}\n"
                        f"{steps}/{steps} - {elapsed:.0f}s{_format_logs(logs or {})} - "
                        f"{elapsed * 1e3:.0f}ms/epoch - {_per_step(elapsed / steps)}")
