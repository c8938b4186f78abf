"""Core layers through the shared harness, against numpy, and their argument checks."""

import numpy as np
import pytest

from nerve import backend as K
from nerve.layers import Activation, Dense, Dropout, Flatten, Input, InputLayer, Layer

from harness import run_layer_test


def test_dense_harness_and_numpy():
    layer, out = run_layer_test(Dense, {"units": 3, "activation": "relu"}, (None, 4),
                                expected_output_shape=(None, 3), expected_num_weights=2)
    run_layer_test(Dense, {"units": 2, "use_bias": False}, (None, 5, 4),
                   expected_output_shape=(None, 5, 2), expected_num_weights=1)
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(layer(x), np.maximum(x @ kernel + bias, 0), rtol=1e-5, atol=1e-6)


def test_dense_regularizers_appear_in_losses():
    layer = Dense(2, kernel_regularizer="l2", kernel_initializer="ones")
    layer(Input(shape=(3,)))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(K.eval(layer.losses[0]), 0.01 * 6, rtol=1e-6)


def test_activation_dropout_flatten_harness():
    run_layer_test(Activation, {"activation": "tanh"}, (None, 3), expected_output_shape=(None, 3))
    run_layer_test(Dropout, {"rate": 0.5, "seed": 1}, (None, 3), expected_output_shape=(None, 3))
    run_layer_test(Dropout, {"rate": 0.5, "noise_shape": (None, 1)}, (None, 3))
    run_layer_test(Flatten, {}, (None, 2, 3, 4), expected_output_shape=(None, 24))
    run_layer_test(Flatten, {"data_format": "channels_first"}, (None, 2, 3),
                   expected_output_shape=(None, 6))


def test_dropout_noise_shape_shares_the_mask():
    layer = Dropout(0.5, noise_shape=(None, 1), seed=2)
    out = layer(np.ones((50, 4), dtype="float32"), training=True)
    assert all(len(set(row)) == 1 for row in out)
    assert set(np.unique(out)) == {0.0, 2.0}


def test_flatten_channels_first_moves_channels_last():
    x = np.arange(12, dtype="float32").reshape(1, 3, 2, 2)
    np.testing.assert_array_equal(Flatten("channels_first")(x),
                                  x.transpose(0, 2, 3, 1).reshape(1, -1))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Dense(0), r'`units` of Dense "dense": expected a positive integer. '
                           r"Received: units=0"),
        (lambda: Dense(2.5), r"Received: units=2.5"),
        (lambda: Dense(2, activation="nope"), "Unknown activation function: 'nope'"),
        (lambda: Dense(2, kernel_initializer="nope"), "Unknown initializer: 'nope'"),
        (lambda: Dense(2, kernel_regularizer="nope"), "Unknown regularizer: 'nope'"),
        (lambda: Dense(2, kernel_constraint="nope"), "Unknown constraint: 'nope'"),
        (lambda: Dense(2, input_dim=0), r"Received: input_dim=0"),
        (lambda: Dense(2, input_shape=(0,)), r"Received: input_shape=\(0,\)"),
        (lambda: Dense(2, batch_input_shape=(None, -1)), r"Received: batch_input_shape"),
        (lambda: Dense(2, name=""), r"Received: name=''"),
        (lambda: Dropout(1.0), r'`rate` of Dropout "dropout": expected a float in the range '
                               r"\[0, 1\). Received: rate=1.0"),
        (lambda: Dropout(-0.1), r"Received: rate=-0.1"),
        (lambda: Dropout(0.1, seed=-1), r"Received: seed=-1"),
        (lambda: Activation("nope"), "Unknown activation function: 'nope'"),
        (lambda: Flatten(data_format="nchw"), r"Received: data_format='nchw'"),
        (lambda: Input(), "An input needs its shape"),
        (lambda: Input(shape=(2,), batch_shape=(None, 2)), "either `shape` or `batch_shape`"),
        (lambda: Input(shape=(2,), batch_size=0), r"Received: batch_size=0"),
        (lambda: Input(shape=(2,), sparse=True), "Sparse inputs are not supported"),
    ],
)
def test_constructor_arguments_are_checked(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_layer_base_defaults():
    layer = Layer(name="plain")
    assert layer(np.ones((2, 2))).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert layer.get_config() == {"name": "plain", "trainable": True, "dtype": "float32"}
    with pytest.raises(AttributeError, match='Layer "unused" is not connected'):
        _ = Layer(name="unused").output
    with pytest.raises(ValueError, match='Layer "dense" is not built yet'):
        Dense(2).count_params()
    assert isinstance(InputLayer(input_shape=(3,)).output.shape, tuple)


def test_eager_calls_leave_no_losses_behind():
    layer = Dense(2, activity_regularizer="l2")
    layer(np.ones((3, 4)))
    assert layer.losses == []
    inputs = Input(shape=(4,))
    layer(inputs)
    assert len(layer.losses) == 1
