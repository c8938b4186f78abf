"""Checking and batching the arrays given to `fit`, `evaluate` and `predict`.

Everything here runs on the host before anything is traced, so bad input gets
an error that names the argument and the fix.
"""

import jax
import numpy as np

from nerve import backend as K


def to_arrays(data, names, what):
    """`data` (an array, a list or a dict by name) as a list of arrays in `names` order."""
    if isinstance(data, dict):
        missing = [name for name in names if name not in data]
        if missing:
            raise ValueError(
                f"No data provided for {missing} in `{what}`. The model expects keys {names}."
            )
        data = [data[name] for name in names]
    elif not isinstance(data, (list, tuple)):
        data = [data]
    elif data and all(np.ndim(v) == 0 for v in data) and len(names) == 1:
        data = [data]  # a plain list of numbers for a one-input model
    arrays = []
    for value in data:
        # Arrays already on a device stay there (no round trip through the host).
        array = value if isinstance(value, jax.Array) else np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"`{what}` holds an array of dtype {array.dtype}; nerve trains on numbers. "
                "Convert strings or objects to numeric arrays first."
            )
        if array.ndim == 0 or array.shape[0] == 0:
            raise ValueError(f"`{what}` is empty (an array of shape {array.shape}).")
        arrays.append(array)
    if len(arrays) != len(names):
        raise ValueError(
            f"The model expects {len(names)} array(s) in `{what}` ({', '.join(names)}), "
            f"but received {len(arrays)}."
        )
    return arrays


def check_input_shapes(arrays, tensors, names):
    for array, tensor, name in zip(arrays, tensors, names):
        expected = K.int_shape(tensor)
        if array.ndim != len(expected) or any(
            e is not None and e != s for e, s in zip(expected[1:], array.shape[1:])
        ):
            raise ValueError(
                f"Error when checking input: expected {name} to have shape {expected} "
                f"but got array with shape {array.shape}."
            )


def check_lengths(groups):
    """All arrays in `groups` ({argument: [arrays]}) hold the same number of samples."""
    counts = {what: {len(a) for a in arrays} for what, arrays in groups.items() if arrays}
    flat = {n for ns in counts.values() for n in ns}
    if len(flat) > 1:
        detail = ", ".join(f"{what}: {sorted(ns)}" for what, ns in counts.items())
        raise ValueError(
            f"Data cardinality is ambiguous: the arrays hold different numbers of samples "
            f"({detail}). Make sure all arrays contain the same number of samples."
        )
    return flat.pop()


def batch_indices(n, batch_size, shuffle, rng=np.random):
    """Sample indices per step `(steps, batch_size)` and a 0/1 mask for the padding
    of the last batch, so every step has the same shape and nothing recompiles."""
    order = rng.permutation(n) if shuffle else np.arange(n)
    steps = -(-n // batch_size)
    padded = np.zeros(steps * batch_size, dtype=np.int32)
    padded[:n] = order
    mask = np.zeros(steps * batch_size, dtype=np.float32)
    mask[:n] = 1.0
    return padded.reshape(steps, batch_size), mask.reshape(steps, batch_size)
