"""`LambdaCallback`: a callback made of plain functions."""

from nerve.callbacks.base import Callback


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given, called with the hook's
    arguments:

    - `on_epoch_begin(epoch, logs)`, `on_epoch_end(epoch, logs)`
    - `on_batch_begin(batch, logs)`, `on_batch_end(batch, logs)`
    - `on_train_begin(logs)`, `on_train_end(logs)`

    Further keyword arguments become attributes, so any other hook can be given
    too (`on_test_end=...`). A batch hook makes `fit` run one step per call.

    Example:
    >>> losses = []
    >>> record = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    >>> record.on_epoch_end(0, {"loss": 0.5})
    >>> losses
    [0.5]
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_batch_begin": on_batch_begin, "on_batch_end": on_batch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end}
        for name, value in list(kwargs.items()) + list(hooks.items()):
            if name.startswith("on_") and value is not None and not callable(value):
                raise TypeError(
                    f"LambdaCallback's `{name}` must be a function. Received: {name}={value!r}"
                )
        self.__dict__.update(kwargs)
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
