"""The `fit` loop: epochs of compiled steps, validation, and callbacks between calls."""

import jax
import numpy as np

from nerve import callbacks as callbacks_module
from nerve.models import streams
from nerve.utils.data_utils import Sequence


def fit(model, x, y, batch_size, epochs, verbose, callbacks, validation_split,
        validation_data, shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch,
        validation_steps, validation_batch_size, validation_freq):
    if streams.is_stream(x):
        if y is not None or sample_weight is not None or class_weight is not None:
            raise ValueError(
                "When `x` is a generator or Sequence it yields the targets (and sample "
                "weights): leave `y`, `sample_weight` and `class_weight` as None."
            )
        if validation_split:
            raise ValueError("`validation_split` needs arrays; give `validation_data` instead.")
        steps = steps_per_epoch or (len(x) if isinstance(x, Sequence) else None)

        def run_epoch(hooks):
            return streams.run(model, "train", x, steps, hooks)
    else:
        xs, ys, sws = model._arrays(x, y, sample_weight)
        if class_weight is not None:
            sws = _apply_class_weight(class_weight, ys, sws)
        if validation_data is None and validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(
                    "`validation_split` must be a float in (0, 1). "
                    f"Received: validation_split={validation_split}"
                )
            # The last fraction, taken before shuffling (Keras).
            split = int(len(xs[0]) * (1 - validation_split))
            validation_data = tuple([a[split:] for a in group] for group in (xs, ys, sws))
            xs, ys, sws = ([a[:split] for a in group] for group in (xs, ys, sws))
            validation_data = _Arrays(*validation_data)
        n = len(xs[0])
        steps = -(-n // batch_size)
        sources = jax.device_put(xs + ys + sws)  # on the device once, for every epoch
        model._function("train", ys)

        def run_epoch(hooks):
            return model._run("train", sources, n, batch_size, shuffle, hooks)

    validate = _validation(model, validation_data, validation_steps,
                           validation_batch_size or batch_size)
    verbose = 1 if verbose in ("auto", True) else int(verbose)
    history = callbacks_module.History()
    cbs = callbacks_module.CallbackList(
        list(callbacks or []) + [history], add_progbar=verbose != 0, model=model,
        verbose=verbose, epochs=epochs, steps=steps,
    )
    model.stop_training = False
    cbs.on_train_begin()
    hooks, interval = None, cbs.batch_interval()
    if interval is not None:
        def before(step):
            cbs.on_train_batch_begin(step)

        def after(step, outputs):
            cbs.on_train_batch_end(step, model._logs_of(outputs))
            return model.stop_training

        hooks = (before, after, interval)
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        logs = model._logs_of(run_epoch(hooks))
        if validate is not None and (epoch + 1) % validation_freq == 0:
            logs.update({f"val_{k}": v for k, v in validate().items()})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end()
    return history


class _Arrays(tuple):
    """Validation arrays already checked and split: (xs, ys, sample_weights)."""

    def __new__(cls, xs, ys, sws):
        return super().__new__(cls, (xs, ys, sws))


def _validation(model, data, steps, batch_size):
    """A function returning the validation logs, or None without validation data."""
    if data is None:
        return None
    if streams.is_stream(data):
        def run():
            model.reset_metrics()
            return model._logs_of(streams.run(model, "test", data, steps))

        return run
    if not isinstance(data, _Arrays):
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            length = f" of length {len(data)}" if hasattr(data, "__len__") else ""
            raise ValueError(
                "`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, "
                f"val_sample_weight). Received: {type(data).__name__}{length}."
            )
        data = _Arrays(*model._arrays(*data))
    xs, ys, sws = (jax.device_put(group) for group in data)  # once, not every epoch
    return lambda: model._evaluate_arrays(xs, ys, sws, batch_size)


def _apply_class_weight(class_weight, ys, sws):
    if len(ys) != 1:
        raise ValueError("`class_weight` is for models with one output; use `sample_weight`.")
    y = ys[0]
    labels = y.argmax(-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y)).astype(int)
    weights = np.array([class_weight.get(int(c), 1.0) for c in labels], np.float32)
    return [sws[0] * weights]
