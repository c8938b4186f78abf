"""Models: the functional `Model`, `Sequential`, and (de)serialisation helpers."""

import json

from nerve.models.functional import Model
from nerve.models.sequential import Sequential
from nerve.saving import load_model, save_model


def model_from_config(config, custom_objects=None):
    from nerve.layers import deserialize

    return deserialize(config, custom_objects=custom_objects)


def model_from_json(json_string, custom_objects=None):
    """A model (new weights) from `model.to_json()`."""
    return model_from_config(json.loads(json_string), custom_objects=custom_objects)


def clone_model(model, input_tensors=None):
    """A model of the same config with newly initialized weights."""
    from nerve.layers import deserialize, serialize

    if input_tensors is not None:
        raise ValueError("`clone_model` with `input_tensors` is not supported; call the "
                         "clone on them instead.")
    return deserialize(serialize(model))


__all__ = [
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_config",
    "model_from_json",
    "save_model",
]
