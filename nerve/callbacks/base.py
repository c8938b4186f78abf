"""The callback protocol: `Callback`, `CallbackList`, and the two loggers every fit has.

`fit` runs whole epochs in one compiled call and calls the epoch hooks between
calls. A callback that overrides a batch hook (`on_batch_begin/end`,
`on_train_batch_begin/end`, on its class or on the instance, as
`LambdaCallback` does) or sets `needs_batches = True` makes `fit` run one step
per call so that it hears about every batch; one that sets `batch_interval = k`
hears every k steps (a live progress bar); the others cost nothing per step.
"""

HOOKS = tuple(f"on_{what}_{when}" for what in ("train", "epoch", "train_batch", "test",
                                               "test_batch", "predict", "predict_batch")
              for when in ("begin", "end"))
_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


class Callback:
    """The base class: every hook does nothing. Keras 2's `on_batch_begin/end` are the
    training-batch hooks.

    Attributes:
        model: the model being trained, set by `set_model`.
        params: `verbose`, `epochs` and `steps` (batches per epoch) of the fit.
    """

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


def _nothing(self, *args, **kwargs):
    return None


for _hook in HOOKS:
    if not hasattr(Callback, _hook):
        setattr(Callback, _hook, _nothing)


def _overrides_batches(callback):
    own = vars(callback) if hasattr(callback, "__dict__") else {}
    return any(name in own or getattr(type(callback), name) is not getattr(Callback, name)
               for name in _BATCH_HOOKS)


class CallbackList:
    """Calls each hook on every callback in order.

    With `add_progbar` a `ProgbarLogger` is added last unless one is there, as
    in tf-keras, so its epoch line shows what other callbacks put in the logs
    (`lr`).
    """

    def __init__(self, callbacks=None, add_progbar=False, model=None, **params):
        from nerve.callbacks.progbar import ProgbarLogger

        self.callbacks = list(callbacks or [])
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.params = params
        self.model = model
        for callback in self.callbacks:
            callback.set_params(params)
            if model is not None:
                callback.set_model(model)

    def append(self, callback):
        self.callbacks.append(callback)
        callback.set_params(self.params)
        if self.model is not None:
            callback.set_model(self.model)

    def set_model(self, model):
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params):
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)

    def __iter__(self):
        return iter(self.callbacks)

    def needs_batches(self):
        """Whether some callback wants to hear about every batch."""
        return self.batch_interval() == 1

    def batch_interval(self):
        """Steps between batch hooks: 1 when a callback needs every batch, more when
        one only wants regular news (a live progress bar), None when none does.

        A callback states its own interval with a `batch_interval` attribute."""
        intervals = []
        for callback in self.callbacks:
            if "batch_interval" in vars(callback):
                wanted = callback.batch_interval
            else:
                wanted = 1 if _overrides_batches(callback) or getattr(
                    callback, "needs_batches", False) else None
            if wanted:
                intervals.append(wanted)
        return min(intervals) if intervals else None

    def __getattr__(self, name):
        if name not in HOOKS and name not in ("on_batch_begin", "on_batch_end"):
            raise AttributeError(name)

        indexed = name.startswith(("on_epoch_", "on_batch_")) or "_batch_" in name

        def call(*args, **kwargs):
            # Always pass `logs`, as tf-keras does: a LambdaCallback's function (or a
            # hook written without a default) may need it.
            if "logs" not in kwargs and len(args) == (1 if indexed else 0):
                args = args + (None,)
            for callback in self.callbacks:
                getattr(callback, name)(*args, **kwargs)

        return call


class BaseLogger(Callback):
    """Keras 2's epoch averager of batch metrics, kept for code that names it.

    In Keras 2 it summed each batch's metrics and wrote their averages into the
    epoch logs. nerve's logs already hold the epoch averages (the metrics are
    accumulated inside the compiled step), so it passes the logs through
    unchanged; it overrides no batch hook, so it never slows `fit` down.

    Args:
        stateful_metrics: accepted for compatibility (names of metrics that were
            not to be averaged); every nerve metric is already an epoch value.
    """

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])


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
