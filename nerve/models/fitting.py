"""The `fit` loop: epochs of compiled steps, validation, and callbacks between calls."""

import jax.numpy as jnp

from nerve import callbacks as callbacks_module


def fit(model, x, y, batch_size, epochs, verbose, callbacks, validation_split,
        validation_data, shuffle, sample_weight, initial_epoch, validation_batch_size,
        validation_freq):
    xs, ys, sws = model._arrays(x, y, sample_weight)
    val = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "`validation_data` must be a tuple (x_val, y_val) or (x_val, y_val, "
                f"val_sample_weight). Received: {type(validation_data).__name__} of length "
                f"{len(validation_data) if hasattr(validation_data, '__len__') else '?'}."
            )
        val = model._arrays(*validation_data)
    elif validation_split:
        if not 0 < validation_split < 1:
            raise ValueError(
                "`validation_split` must be a float in (0, 1). "
                f"Received: validation_split={validation_split}"
            )
        # The last fraction, taken before shuffling (Keras).
        split = int(len(xs[0]) * (1 - validation_split))
        val = tuple([a[split:] for a in group] for group in (xs, ys, sws))
        xs, ys, sws = ([a[:split] for a in group] for group in (xs, ys, sws))
    n = len(xs[0])
    verbose = 1 if verbose in ("auto", True) else int(verbose)
    steps = -(-n // batch_size)
    history = callbacks_module.History()
    cbs = callbacks_module.CallbackList(
        list(callbacks or []) + [history], add_progbar=verbose != 0, model=model,
        verbose=verbose, epochs=epochs, steps=steps,
    )
    sources = [jnp.asarray(a) for a in xs + ys + sws]  # on the device once
    model._function("train", ys)
    model.stop_training = False
    cbs.on_train_begin()
    hooks = None
    if cbs.needs_batches():
        def before(step):
            cbs.on_train_batch_begin(step)

        def after(step, outputs):
            logs = {name: float(o[-1]) for name, o in zip(model.metrics_names, outputs)}
            cbs.on_train_batch_end(step, logs)
            return model.stop_training

        hooks = (before, after)
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        outputs = model._run("train", sources, n, batch_size, shuffle, hooks)
        logs = {name: float(o[-1]) for name, o in zip(model.metrics_names, outputs)}
        if val is not None and (epoch + 1) % validation_freq == 0:
            val_logs = model._evaluate_arrays(*val, validation_batch_size or batch_size)
            logs.update({f"val_{k}": v for k, v in val_logs.items()})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end()
    return history
