"""Layers, and `serialize`/`deserialize` for any of them (models included)."""

from nerve.layers.base import InputSpec, Layer
from nerve.layers.core import Activation, Dense, Dropout, Flatten
from nerve.layers.input_layer import Input, InputLayer


def serialize(layer):
    """`{"class_name": ..., "config": ...}` as tf-keras writes it."""
    from nerve.models import Model, Sequential

    name = type(layer).__name__
    if type(layer) is Model:
        name = "Functional"
    elif isinstance(layer, Sequential):
        name = "Sequential"
    return {"class_name": name, "config": layer.get_config()}


def _known_classes():
    from nerve import models

    known = {name: obj for name, obj in globals().items()
             if isinstance(obj, type) and issubclass(obj, Layer)}
    known.update(Model=models.Model, Functional=models.Model, Sequential=models.Sequential)
    return known


def deserialize(config, custom_objects=None):
    """A new layer (or model) from `serialize`'s output; `custom_objects` maps
    the names of your own classes to them."""
    known = _known_classes()
    known.update(custom_objects or {})
    class_name = config.get("class_name") if isinstance(config, dict) else None
    if class_name not in known:
        raise ValueError(
            f"Unknown layer: '{class_name}'. If it is a custom layer, pass it in "
            f"`custom_objects={{'{class_name}': {class_name}}}`."
        )
    cls = known[class_name]
    from nerve.models import Model

    if isinstance(cls, type) and issubclass(cls, Model):
        return cls.from_config(config["config"], custom_objects=custom_objects)
    return cls.from_config(dict(config["config"]))


__all__ = [
    "Activation",
    "Dense",
    "Dropout",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "deserialize",
    "serialize",
]
