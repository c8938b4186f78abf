"""HDF5 files in the Keras 2 layout: `model_config` and `model_weights/<layer>/<weight>`.

A first version for `ModelCheckpoint`: whole models and weights, written
atomically. (Optimizer state, training configs and chunked attributes come
with the saving work.)
"""

import json

import numpy as np

from nerve.saving.atomic import atomic_path

KERAS_VERSION = "2.15.0"


def _write_weights(group, model):
    layers = model.layers
    group.attrs["layer_names"] = np.array([layer.name.encode() for layer in layers])
    group.attrs["backend"] = b"nerve"
    group.attrs["keras_version"] = KERAS_VERSION.encode()
    for layer in layers:
        sub = group.create_group(layer.name)
        names = [f"{w.name}:0" for w in layer.weights]
        sub.attrs["weight_names"] = np.array([n.encode() for n in names])
        for name, weight in zip(names, layer.weights):
            sub.create_dataset(name, data=weight.numpy())


def save_weights(model, filepath):
    import h5py

    with atomic_path(filepath) as tmp, h5py.File(tmp, "w") as f:
        _write_weights(f, model)


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    import h5py

    from nerve.layers import serialize

    with atomic_path(filepath) as tmp, h5py.File(tmp, "w") as f:
        f.attrs["keras_version"] = KERAS_VERSION.encode()
        f.attrs["backend"] = b"nerve"
        f.attrs["model_config"] = json.dumps(serialize(model), default=_json_default).encode()
        _write_weights(f.create_group("model_weights"), model)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"Cannot write {value!r} into a model config.")


def _decode(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _read_weights(group, model):
    names = [_decode(n) for n in group.attrs["layer_names"]]
    by_name = {layer.name: layer for layer in model.layers}
    for name in names:
        sub = group[name]
        values = [np.asarray(sub[_decode(w)]) for w in sub.attrs["weight_names"]]
        if name not in by_name:
            raise ValueError(f"The file has weights for layer '{name}', which the model lacks.")
        if values or by_name[name].weights:
            by_name[name].set_weights(values)


def load_weights(model, filepath):
    import h5py

    with h5py.File(filepath, "r") as f:
        _read_weights(f["model_weights"] if "model_weights" in f else f, model)


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - the Keras name
    import h5py

    from nerve.layers import deserialize

    with h5py.File(filepath, "r") as f:
        config = json.loads(_decode(f.attrs["model_config"]))
        model = deserialize(config, custom_objects=custom_objects)
        _read_weights(f["model_weights"], model)
    return model
