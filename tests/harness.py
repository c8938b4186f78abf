"""The shared layer test: shapes, weights, config round trip and one training step.

Every layer goes through `run_layer_test`; numeric tests against numpy come on top.
"""

import numpy as np

from nerve import backend as K
from nerve.layers import Input
from nerve.models import Model


def _data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    shape = tuple(3 if d is None else d for d in shape)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(0, 5, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def run_layer_test(layer_cls, kwargs=None, input_shape=(None, 4), input_dtype="float32",
                   expected_output_shape=None, expected_num_weights=None,
                   expected_num_trainable=None, input_data=None, train=True):
    """Builds `layer_cls(**kwargs)` on an input of `input_shape` (batch axis included,
    a list of shapes for several inputs) and checks it; returns `(layer, output)`."""
    kwargs = kwargs or {}
    shapes = input_shape if isinstance(input_shape, list) else [input_shape]
    inputs = [Input(batch_shape=tuple(s), dtype=input_dtype) for s in shapes]
    layer = layer_cls(**kwargs)
    symbolic = layer(inputs if isinstance(input_shape, list) else inputs[0])
    if input_data is None:
        data = [_data(s, input_dtype, seed=i) for i, s in enumerate(shapes)]
    else:
        data = input_data if isinstance(input_data, list) else [input_data]
    model = Model(inputs, symbolic)
    output = model(data)

    # The static shape agrees with what running the layer gives.
    static = K.int_shape(symbolic)
    assert len(static) == output.ndim, (static, output.shape)
    for s, e in zip(static, output.shape):
        assert s is None or s == e, (static, output.shape)
    if expected_output_shape is not None:
        assert static == tuple(expected_output_shape), static
    if expected_num_weights is not None:
        assert len(layer.weights) == expected_num_weights, layer.weights
    if expected_num_trainable is not None:
        assert len(layer.trainable_weights) == expected_num_trainable, layer.trainable_weights

    # The config round-trips, and a layer made from it computes the same.
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    assert clone.get_config() == config
    clone_inputs = [Input(batch_shape=tuple(s), dtype=input_dtype) for s in shapes]
    clone_model = Model(clone_inputs, clone(clone_inputs if isinstance(input_shape, list)
                                            else clone_inputs[0]))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone_model(data), output, rtol=1e-5, atol=1e-6)

    # One gradient step on a float loss changes every trainable weight.
    if train and layer.trainable_weights:
        weights = layer.trainable_weights
        loss = K.mean(K.square(K.cast(symbolic, "float32") - 1.0))
        grads = K.gradients(loss, weights)
        step = K.function(inputs + [K.learning_phase()], [loss],
                          updates=[(w, w - 0.1 * g) for w, g in zip(weights, grads)])
        before = [w.numpy() for w in weights]
        step(data + [1])
        changed = [not np.array_equal(b, w.numpy()) for b, w in zip(before, weights)]
        assert all(changed), [w.name for w, c in zip(weights, changed) if not c]
    return layer, output
