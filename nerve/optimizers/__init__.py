"""Optimizers (tf-keras 2.x names and numerics), each a thin mapping onto optax.

As in Keras 2 on Theano, training is a compiled function with updates:

    K.function(inputs, [loss], updates=optimizer.get_updates(loss, params))

`get_updates` adds ONE graph node that runs the optax update on the
parameters, gradients, slots, learning rate and step, and returns the new
parameters and slots. All state lives in nerve Variables, so a compiled
function updates it in place: `iterations`, `learning_rate` (`lr` is the
same Variable; `K.set_value` on it takes effect on the next step without a
recompile) and one Variable per leaf of the optax state (the slots), made on
the first `get_updates` (or `build`).

Differences from tf-keras that optax imposes (float32 rounding aside):
- `Adamax`: optax keeps `max(beta_2 * u, |g| + epsilon)` and divides by it;
  tf-keras keeps `max(beta_2 * u, |g|)` and divides by `u + epsilon`.
- `Nadam`: optax's Nadam has a constant `beta_1`; tf-keras uses Dozat's
  momentum schedule `beta_1 * (1 - 0.5 * 0.96**t)`, so early steps differ.
- `Adam(amsgrad=True)`: optax takes the maximum of the bias-corrected second
  moments; tf-keras the maximum of the raw ones, corrected afterwards.
- `weight_decay` with `Ftrl`: tf-keras decays the weights before the FTRL
  update reads them; here both see the weights from before the step.
- The state: `get_weights()` is `iterations`, then the optax state's leaves in
  optax's order (the step counts of Adam-like optimizers among them), not
  tf-keras's interleaved slots.

Example:
>>> import numpy as np
>>> from nerve import backend as K
>>> w = K.variable(np.array([1.0, -2.0]))
>>> loss = K.sum(K.square(w))
>>> opt = SGD(learning_rate=0.1)
>>> train = K.function([], [loss], updates=opt.get_updates(loss, [w]))
>>> for _ in range(3):
...     _ = train([])
>>> np.round(K.get_value(w), 4)
array([ 0.512, -1.024], dtype=float32)
>>> int(K.get_value(opt.iterations))
3
"""

from nerve.optimizers import schedules
from nerve.optimizers.base import Optimizer
from nerve.optimizers.catalog import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Ftrl,
    Nadam,
    RMSprop,
)
from nerve.optimizers.transforms import ftrl
from nerve.utils import serialization, validation

# Names and configs.

_OPTIMIZERS = {
    cls.__name__: cls
    for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl)
}
_BY_LOWER_NAME = {name.lower(): cls for name, cls in _OPTIMIZERS.items()}


def serialize(optimizer):
    """`{"class_name": ..., "config": {...}}` for an optimizer."""
    return serialization.serialize_object(optimizer)


def deserialize(config, custom_objects=None):
    """The optimizer a name or a config dict describes; built-in names are
    case-insensitive, as in tf-keras (`'adam'`, `'Adam'`, `'ADAM'`)."""
    def known(name):
        return name.lower() if isinstance(name, str) and name.lower() in _BY_LOWER_NAME else name

    if isinstance(config, dict) and "class_name" in config:
        config = {**config, "class_name": known(config["class_name"])}
    elif isinstance(config, str):
        config = known(config)
    return serialization.deserialize_object(
        config, {**_OPTIMIZERS, **_BY_LOWER_NAME}, custom_objects, kind="optimizer"
    )


def get(identifier):
    """An optimizer from a name (`'adam'`), a config dict or an `Optimizer` (returned as is).

    Example:
    >>> get("rmsprop").get_config()["rho"]
    0.9
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    validation.fail(
        "optimizers.get", "identifier", identifier,
        "an optimizer name, a config dict or an Optimizer instance",
    )


__all__ = [
    "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Nadam", "Optimizer",
    "RMSprop", "deserialize", "ftrl", "get", "schedules", "serialize",
]
