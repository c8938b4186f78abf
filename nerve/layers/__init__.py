"""Layers, and `serialize`/`deserialize` for any of them (models included)."""

import inspect

from nerve.layers.activation import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from nerve.layers.base import InputSpec, Layer
from nerve.layers.core import (
    Activation,
    ActivityRegularization,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from nerve.layers.input_layer import Input, InputLayer
from nerve.layers.merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from nerve.layers.noise import GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D
from nerve.layers.wrappers import TimeDistributed


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
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(dict(config["config"]), custom_objects=custom_objects)
    return cls.from_config(dict(config["config"]))


__all__ = [
    "Activation",
    "ActivityRegularization",
    "Add",
    "Average",
    "Concatenate",
    "Dense",
    "Dot",
    "Dropout",
    "ELU",
    "Embedding",
    "Flatten",
    "GaussianDropout",
    "GaussianNoise",
    "Input",
    "InputLayer",
    "InputSpec",
    "Lambda",
    "Layer",
    "LeakyReLU",
    "Maximum",
    "Minimum",
    "Multiply",
    "PReLU",
    "Permute",
    "ReLU",
    "RepeatVector",
    "Reshape",
    "Softmax",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "Subtract",
    "ThresholdedReLU",
    "TimeDistributed",
    "add",
    "average",
    "concatenate",
    "deserialize",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "serialize",
    "subtract",
]
