"""`TerminateOnNaN`: stop training at the first batch whose loss is NaN or infinite."""

import math

from nerve.callbacks.base import Callback


class TerminateOnNaN(Callback):
    """Stops training gracefully when the loss becomes NaN or infinite.

    It looks at every batch's `loss`, so `fit` runs one step per compiled call
    while it is in the callback list. Training stops after the bad batch: that
    epoch ends (its `on_epoch_end` runs with the bad loss) and every callback's
    `on_train_end` runs.
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
