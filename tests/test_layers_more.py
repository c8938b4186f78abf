"""Reshape, Permute, RepeatVector, Lambda, Embedding, ActivityRegularization, the noise
layers and TimeDistributed: the shared harness, numpy references and every argument check."""

import numpy as np
import pytest

from nerve import backend as K
from nerve import layers as nerve_layers
from nerve.layers import (
    ActivityRegularization,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GaussianDropout,
    GaussianNoise,
    Input,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
    SpatialDropout1D,
    SpatialDropout2D,
    TimeDistributed,
)
from nerve.models import Model, Sequential
from nerve.utils.serialization import custom_object_scope

from harness import run_layer_test

RNG = np.random.default_rng(0)


def scale(x, factor=1.0):
    """A module-level function, so a Lambda config can name it."""
    return x * factor


def first_half(input_shape):
    return (input_shape[0], input_shape[1] // 2)


def take_first_half(x):
    return x[:, : K.int_shape(x)[1] // 2]


def keep_positive(inputs, mask=None):
    return K.greater(inputs, 0.0)


def normal(shape):
    return RNG.normal(size=shape).astype("float32")


# Reshape, Permute, RepeatVector.


def test_reshape_harness_and_numpy():
    run_layer_test(Reshape, {"target_shape": (2, 3)}, (None, 6), expected_output_shape=(None, 2, 3),
                   expected_num_weights=0)
    run_layer_test(Reshape, {"target_shape": (-1, 2)}, (None, 3, 4),
                   expected_output_shape=(None, 6, 2))
    # Sizes unknown until the graph runs: the -1 follows them.
    run_layer_test(Reshape, {"target_shape": (-1, 2)}, (None, None, 4),
                   expected_output_shape=(None, None, 2))
    x = normal((5, 3, 4))
    np.testing.assert_array_equal(Reshape((4, -1))(x), x.reshape(5, 4, 3))
    np.testing.assert_array_equal(Reshape((12,))(x), x.reshape(5, 12))
    np.testing.assert_array_equal(Reshape([2, 2, 3])(x), x.reshape(5, 2, 2, 3))


def test_reshape_of_unknown_sizes_computes_and_differentiates():
    inputs = Input(shape=(None, 3))
    out = Reshape((2, -1))(inputs)
    assert K.int_shape(out) == (None, 2, None)
    grad = K.gradients(K.sum(K.square(out)), [inputs])[0]
    x = normal((2, 4, 3))
    value, g = K.function([inputs], [out, grad])([x])
    np.testing.assert_array_equal(value, x.reshape(2, 2, 6))
    np.testing.assert_allclose(g, 2 * x, rtol=1e-6)


def test_reshape_json_config_and_fixed_batch():
    layer = Reshape([3, -1])
    assert layer.get_config()["target_shape"] == (3, -1)
    out = layer(Input(batch_shape=(7, 6)))
    assert K.int_shape(out) == (7, 3, 2)


def test_permute_harness_and_numpy():
    run_layer_test(Permute, {"dims": (2, 1)}, (None, 3, 4), expected_output_shape=(None, 4, 3))
    run_layer_test(Permute, {"dims": [3, 1, 2]}, (None, 2, 3, 4),
                   expected_output_shape=(None, 4, 2, 3))
    x = normal((2, 3, 4, 5))
    np.testing.assert_array_equal(Permute((3, 1, 2))(x), x.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(Permute((1, 2, 3))(x), x)


def test_repeat_vector_harness_and_numpy():
    run_layer_test(RepeatVector, {"n": 3}, (None, 4), expected_output_shape=(None, 3, 4))
    x = normal((2, 4))
    np.testing.assert_array_equal(RepeatVector(3)(x), np.repeat(x[:, None, :], 3, axis=1))


# Lambda.


def test_lambda_harness_with_a_backend_op_and_a_registered_function():
    layer, _ = run_layer_test(Lambda, {"function": K.square}, (None, 3),
                              expected_output_shape=(None, 3), expected_num_weights=0)
    config = layer.get_config()
    assert (config["function"], config["function_type"], config["module"]) == (
        "square", "function", "nerve.backend")
    with custom_object_scope({"scale": scale, "first_half": first_half,
                              "take_first_half": take_first_half}):
        run_layer_test(Lambda, {"function": scale, "arguments": {"factor": 2.0},
                                "output_shape": (3,)}, (None, 3))
        run_layer_test(Lambda, {"function": take_first_half, "output_shape": first_half},
                       (None, 4), expected_output_shape=(None, 2))


def test_lambda_computes_with_arguments_mask_and_training():
    x = normal((4, 3))
    np.testing.assert_allclose(Lambda(scale, arguments={"factor": 3.0})(x), 3 * x, rtol=1e-6)
    np.testing.assert_allclose(Lambda(lambda t: K.sum(t, axis=1))(x), x.sum(axis=1), rtol=1e-5)

    def phase(inputs, training=None):
        return K.in_train_phase(inputs * 0.0, inputs, training=training)

    np.testing.assert_array_equal(Lambda(phase)(x, training=True), np.zeros_like(x))
    np.testing.assert_array_equal(Lambda(phase)(x), x)
    layer = Lambda(K.identity, mask=keep_positive)
    assert layer.supports_masking
    np.testing.assert_array_equal(K.eval(layer.compute_mask(x)), x > 0)
    assert Lambda(K.identity).compute_mask(x) is None


def test_lambda_config_names_functions_and_never_carries_code():
    with custom_object_scope({"take_first_half": take_first_half, "first_half": first_half,
                              "keep_positive": keep_positive}):
        layer = Lambda(take_first_half, output_shape=first_half, mask=keep_positive)
        config = layer.get_config()
        assert config["output_shape"] == "first_half"
        assert config["output_shape_type"] == "function"
        assert config["mask"] == "keep_positive"
        clone = Lambda.from_config(config)
        assert clone.get_config() == config
        assert clone.function is take_first_half and clone.mask is keep_positive
    # custom_objects works as well as the registered objects.
    config = Lambda(scale, arguments={"factor": 2.0}).get_config()
    clone = Lambda.from_config(config, custom_objects={"scale": scale})
    assert clone.function is scale and clone.arguments == {"factor": 2.0}


def test_lambda_in_a_model_round_trips_through_its_config():
    inputs = Input(shape=(4,))
    outputs = Lambda(scale, arguments={"factor": -1.0})(Dense(3)(inputs))
    model = Model(inputs, outputs)
    with custom_object_scope({"scale": scale}):
        clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = normal((2, 4))
    np.testing.assert_allclose(clone(x), model(x), rtol=1e-6)


# Embedding.


def test_embedding_harness_and_lookups():
    layer, out = run_layer_test(Embedding, {"input_dim": 6, "output_dim": 3}, (None, 5),
                                input_dtype="int32", expected_output_shape=(None, 5, 3),
                                expected_num_weights=1)
    table = layer.get_weights()[0]  # after the harness's training step
    initial = Embedding(60, 30)
    initial.build((None, 2))
    assert np.all(np.abs(initial.get_weights()[0]) <= 0.05)  # 'uniform': RandomUniform(±0.05)
    assert np.abs(initial.get_weights()[0]).max() > 0.04
    assert layer.get_config()["embeddings_initializer"]["class_name"] == "RandomUniform"
    indices = np.array([[0, 5, 2], [3, 3, 1]])
    np.testing.assert_array_equal(layer(indices), table[indices])
    # Float indices are cast, as tf-keras does.
    np.testing.assert_array_equal(layer(indices.astype("float32")), table[indices])
    # Unchecked while the graph runs (as documented): too large gives NaN, -1 the last row.
    out = layer(np.array([[6, -1]]))
    assert np.all(np.isnan(out[0, 0])) and np.array_equal(out[0, 1], table[-1])
    run_layer_test(Embedding, {"input_dim": 5, "output_dim": 2, "input_length": 4,
                               "mask_zero": True, "embeddings_regularizer": "l2"},
                   (None, 4), input_dtype="int32", expected_output_shape=(None, 4, 2))
    run_layer_test(Embedding, {"input_dim": 5, "output_dim": 2, "input_length": (2, 3)},
                   (None, 2, 3), input_dtype="int32", expected_output_shape=(None, 2, 3, 2))


def test_embedding_mask_losses_and_sequential():
    layer = Embedding(4, 2, mask_zero=True, embeddings_initializer="ones",
                      embeddings_regularizer="l1", activity_regularizer="l2")
    inputs = Input(shape=(3,), dtype="int32")
    layer(inputs)
    indices = np.array([[0, 1, 2], [3, 0, 0]])
    np.testing.assert_array_equal(K.eval(layer.compute_mask(indices)), indices != 0)
    assert Embedding(4, 2).compute_mask(indices) is None
    assert len(layer.losses) == 2
    np.testing.assert_allclose(K.eval(layer.losses[0]), 0.01 * 8, rtol=1e-6)
    # The activity loss is divided by the batch size, as tf-keras 2.x.
    loss = K.function([inputs], [layer.losses[1]])([indices])[0]
    np.testing.assert_allclose(loss, 0.01 * 12 / 2, rtol=1e-6)
    assert Embedding(4, 2).get_config()["batch_input_shape"] == (None, None)
    model = Sequential([Embedding(10, 3, input_length=4), Flatten(), Dense(1)])
    assert model.output_shape == (None, 1)
    assert model(np.array([[1, 2, 3, 9]])).shape == (1, 1)


# ActivityRegularization.


def test_activity_regularization_harness_and_loss():
    run_layer_test(ActivityRegularization, {"l1": 0.01, "l2": 0.02}, (None, 3),
                   expected_output_shape=(None, 3), expected_num_weights=0)
    layer = ActivityRegularization(l1=0.1, l2=0.2)
    inputs = Input(shape=(3,))
    out = layer(inputs)
    x = normal((4, 3))
    value, loss = K.function([inputs], [out, layer.losses[0]])([x])
    np.testing.assert_array_equal(value, x)
    expected = (0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum()) / 4
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_dense_activity_regularizer_is_divided_by_the_batch_size():
    layer = Dense(2, kernel_initializer="ones", activity_regularizer="l1")
    inputs = Input(shape=(3,))
    layer(inputs)
    loss = K.function([inputs], [layer.losses[0]])([np.ones((5, 3), "float32")])[0]
    np.testing.assert_allclose(loss, 0.01 * 3 * 10 / 5, rtol=1e-6)


# Noise layers.


@pytest.mark.parametrize(
    "cls, kwargs, shape",
    [
        (GaussianNoise, {"stddev": 0.5}, (None, 3)),
        (GaussianNoise, {"stddev": 0.5, "seed": 3}, (None, 2, 3)),
        (GaussianDropout, {"rate": 0.3}, (None, 3)),
        (GaussianDropout, {"rate": 0.3, "seed": 3}, (None, 3)),
        (SpatialDropout1D, {"rate": 0.5}, (None, 4, 3)),
        (SpatialDropout2D, {"rate": 0.5, "seed": 1}, (None, 3, 3, 2)),
        (SpatialDropout2D, {"rate": 0.5, "data_format": "channels_first"}, (None, 2, 3, 3)),
    ],
)
def test_noise_layers_harness(cls, kwargs, shape):
    layer, _ = run_layer_test(cls, kwargs, shape, expected_output_shape=shape,
                              expected_num_weights=0)
    x = normal((2,) + shape[1:])
    np.testing.assert_array_equal(layer(x), x)  # inference: the identity


def test_gaussian_noise_statistics():
    x = normal((400, 500))
    noise = GaussianNoise(0.5)(x, training=True) - x
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 0.5) < 0.01
    np.testing.assert_array_equal(GaussianNoise(0.5)(x, training=False), x)


def test_gaussian_noise_follows_the_learning_phase():
    inputs = Input(shape=(100,))
    out = GaussianNoise(1.0)(inputs)
    fn = K.function([inputs, K.learning_phase()], [out])
    x = np.ones((50, 100), "float32")
    np.testing.assert_array_equal(fn([x, 0])[0], x)
    assert abs(fn([x, 1])[0].std() - 1.0) < 0.05


def test_seeded_noise_repeats():
    x = np.ones((3, 4), "float32")
    first = GaussianNoise(1.0, seed=7)(x, training=True)
    again = GaussianNoise(1.0, seed=7)(x, training=True)
    np.testing.assert_array_equal(first, again)


def test_gaussian_dropout_statistics():
    rate = 0.2
    x = np.full((400, 500), 2.0, "float32")
    factor = GaussianDropout(rate)(x, training=True) / x
    assert abs(factor.mean() - 1.0) < 0.01
    assert abs(factor.var() - rate / (1 - rate)) < 0.01
    np.testing.assert_array_equal(GaussianDropout(0.0)(x, training=True), x)


def test_spatial_dropout_1d_drops_whole_channels():
    rate = 0.25
    x = np.abs(normal((200, 6, 50))) + 1.0
    out = SpatialDropout1D(rate)(x, training=True)
    kept = out[:, 0, :] != 0  # (samples, channels)
    assert np.all((out != 0) == kept[:, None, :])  # one draw per sample and channel
    np.testing.assert_allclose(out[:, :, :][np.broadcast_to(kept[:, None, :], x.shape)],
                               x[np.broadcast_to(kept[:, None, :], x.shape)] / (1 - rate),
                               rtol=1e-6)
    assert abs((1 - kept.mean()) - rate) < 0.03
    np.testing.assert_array_equal(SpatialDropout1D(rate)(x), x)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_spatial_dropout_2d_drops_whole_channels(data_format):
    rate = 0.5
    x = np.abs(normal((100, 40, 3, 3))) + 1.0
    if data_format == "channels_last":
        x = x.transpose(0, 2, 3, 1)
    out = SpatialDropout2D(rate, data_format=data_format)(x, training=True)
    if data_format == "channels_last":
        out, x = out.transpose(0, 3, 1, 2), x.transpose(0, 3, 1, 2)
    kept = out[:, :, 0, 0] != 0
    assert np.all((out != 0) == kept[:, :, None, None])
    np.testing.assert_allclose(out[out != 0], x[out != 0] * 2, rtol=1e-6)
    assert abs(kept.mean() - 0.5) < 0.05
    assert isinstance(SpatialDropout2D(0.1), Dropout)


# TimeDistributed.


def test_time_distributed_harness():
    layer, _ = run_layer_test(TimeDistributed, {"layer": Dense(2)}, (None, 5, 4),
                              expected_output_shape=(None, 5, 2), expected_num_weights=2,
                              expected_num_trainable=2)
    assert layer.get_config()["layer"]["class_name"] == "Dense"
    run_layer_test(TimeDistributed, {"layer": Dense(2)}, (None, None, 3, 4),
                   expected_output_shape=(None, None, 3, 2))
    run_layer_test(TimeDistributed, {"layer": Flatten()}, (None, 5, 2, 3),
                   expected_output_shape=(None, 5, 6))
    run_layer_test(TimeDistributed, {"layer": Embedding(6, 2)}, (None, 3, 4),
                   input_dtype="int32", expected_output_shape=(None, 3, 4, 2))


def test_time_distributed_dense_equals_dense_per_step():
    dense = Dense(3, activation="tanh")
    wrapper = TimeDistributed(dense)
    x = normal((4, 6, 5))
    out = wrapper(x)
    kernel, bias = dense.get_weights()
    assert wrapper.weights == dense.weights
    for t in range(6):
        np.testing.assert_allclose(out[:, t], np.tanh(x[:, t] @ kernel + bias), rtol=1e-5,
                                   atol=1e-6)
    dense.trainable = False
    assert wrapper.trainable_weights == [] and len(wrapper.non_trainable_weights) == 2


def test_time_distributed_passes_the_training_flag():
    x = np.ones((8, 5, 100), "float32")
    wrapper = TimeDistributed(Dropout(0.5))
    np.testing.assert_array_equal(wrapper(x), x)
    assert set(np.unique(wrapper(x, training=True))) == {0.0, 2.0}


def test_time_distributed_in_a_model_round_trips_through_its_config():
    inputs = Input(shape=(3, 4))
    model = Model(inputs, TimeDistributed(Dense(2))(inputs))
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = normal((2, 3, 4))
    np.testing.assert_allclose(clone(x), model(x), rtol=1e-6)
    restored = nerve_layers.deserialize(nerve_layers.serialize(model.layers[1]))
    assert isinstance(restored, TimeDistributed) and isinstance(restored.layer, Dense)


# Every argument check and call-time error.


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Reshape((2, -1, -1)), r'`target_shape` of Reshape "reshape": expected a tuple '
                                       r"of positive integers, at most one of them -1. "
                                       r"Received: target_shape=\(2, -1, -1\)"),
        (lambda: Reshape((2, 0)), r"Received: target_shape=\(2, 0\)"),
        (lambda: Reshape((2, -2)), r"Received: target_shape=\(2, -2\)"),
        (lambda: Reshape((2.0,)), r"Received: target_shape=\(2.0,\)"),
        (lambda: Reshape(6), r"Received: target_shape=6"),
        (lambda: Permute((1, 3)), r'`dims` of Permute "permute": expected a permutation of '
                                  r"1..n .*Received: dims=\(1, 3\)"),
        (lambda: Permute((0, 1)), r"Received: dims=\(0, 1\)"),
        (lambda: Permute((1, 1)), r"Received: dims=\(1, 1\)"),
        (lambda: Permute(()), r"Received: dims=\(\)"),
        (lambda: Permute(2), r"Received: dims=2"),
        (lambda: Permute((True, 2)), r"Received: dims=\(True, 2\)"),
        (lambda: RepeatVector(0), r'`n` of RepeatVector "repeat_vector": expected a positive '
                                  r"integer. Received: n=0"),
        (lambda: RepeatVector(2.0), r"Received: n=2.0"),
        (lambda: Lambda("square"), r'`function` of Lambda "lambda": expected a callable. '
                                   r"Received: function='square'"),
        (lambda: Lambda(K.square, output_shape=(0,)), r"Received: output_shape=\(0,\)"),
        (lambda: Lambda(K.square, output_shape=3), r"Received: output_shape=3"),
        (lambda: Lambda(K.square, mask=True), r"`mask` of .*expected None or a callable"),
        (lambda: Lambda(K.square, arguments=[1]), r"Received: arguments=\[1\]"),
        (lambda: Lambda(K.square, arguments={1: 2}), r"Received: arguments=\{1: 2\}"),
        (lambda: Embedding(0, 2), r'`input_dim` of Embedding "embedding": expected a positive '
                                  r"integer. Received: input_dim=0"),
        (lambda: Embedding(3, -1), r"Received: output_dim=-1"),
        (lambda: Embedding(3, 2, input_length=0), r"Received: input_length=0"),
        (lambda: Embedding(3, 2, input_length=(2, "a")), r"Received: input_length=\(2, 'a'\)"),
        (lambda: Embedding(3, 2, input_length=()), r"Received: input_length=\(\)"),
        (lambda: Embedding(3, 2, embeddings_initializer="nope"), "Unknown initializer: 'nope'"),
        (lambda: Embedding(3, 2, embeddings_regularizer="nope"), "Unknown regularizer: 'nope'"),
        (lambda: Embedding(3, 2, activity_regularizer="nope"), "Unknown regularizer: 'nope'"),
        (lambda: Embedding(3, 2, embeddings_constraint="nope"), "Unknown constraint: 'nope'"),
        (lambda: ActivityRegularization(l1=-1.0), r'`l1` of ActivityRegularization '
                                                  r'"activity_regularization": expected a '
                                                  r"non-negative number. Received: l1=-1.0"),
        (lambda: ActivityRegularization(l2="x"), r"Received: l2='x'"),
        (lambda: GaussianNoise(-0.1), r'`stddev` of GaussianNoise "gaussian_noise": expected a '
                                      r"non-negative number. Received: stddev=-0.1"),
        (lambda: GaussianNoise(0.1, seed=-1), r"Received: seed=-1"),
        (lambda: GaussianDropout(1.0), r'`rate` of GaussianDropout "gaussian_dropout": expected '
                                       r"a float in the range \[0, 1\). Received: rate=1.0"),
        (lambda: GaussianDropout(0.1, seed=1.5), r"Received: seed=1.5"),
        (lambda: SpatialDropout1D(-0.5), r'`rate` of SpatialDropout1D "spatial_dropout1d".*'
                                         r"Received: rate=-0.5"),
        (lambda: SpatialDropout1D(0.5, seed="a"), r"Received: seed='a'"),
        (lambda: SpatialDropout1D(0.5, noise_shape=(None, 1, 1)),
         r"expected None \(the layer drops whole channels\). Received: noise_shape"),
        (lambda: SpatialDropout2D(2), r"Received: rate=2"),
        (lambda: SpatialDropout2D(0.5, data_format="nhwc"),
         r'`data_format` of SpatialDropout2D "spatial_dropout2d": expected one of '
         r"'channels_last', 'channels_first'. Received: data_format='nhwc'"),
        (lambda: TimeDistributed(K.square), r'`layer` of TimeDistributed "time_distributed": '
                                            r"expected a Layer instance. Received: layer="),
    ],
)
def test_constructor_arguments_are_checked(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_reshape_call_errors_name_the_layer_and_shapes():
    with pytest.raises(ValueError, match=r'Reshape "reshape" cannot reshape an input of shape '
                                         r"\(None, 7\) to target_shape \(2, 3\): a sample "
                                         r"holds 7 values, the target needs 6\."):
        Reshape((2, 3))(Input(shape=(7,)))
    with pytest.raises(ValueError, match=r"target_shape \(-1, 4\): a sample holds 6 values, "
                                         r"the target needs a multiple of 4\."):
        Reshape((-1, 4))(np.zeros((2, 6)))
    # With sizes unknown until the graph runs, the check runs then, naming the real shape.
    inputs = Input(shape=(None, 4))
    model = Model(inputs, Reshape((5, 2))(inputs))
    assert model.output_shape == (None, 5, 2)
    with pytest.raises(ValueError, match=r'Reshape "reshape_2" cannot reshape an input of '
                                         r"shape \(2, 3, 4\) to target_shape \(5, 2\): a sample "
                                         r"holds 12 values, the target needs 10\."):
        model(np.zeros((2, 3, 4)))


@pytest.mark.parametrize(
    "make, shape, message",
    [
        (lambda: Permute((2, 1)), (3,), r'Input 0 of layer "permute" is incompatible: expected '
                                        r"ndim=3, received shape \(None, 3\)"),
        (lambda: RepeatVector(2), (3, 4), r'layer "repeat_vector" is incompatible: expected '
                                          r"ndim=2"),
        (lambda: TimeDistributed(Dense(2)), (3,), r'layer "time_distributed" is incompatible: '
                                                  r"expected min_ndim=3"),
        (lambda: SpatialDropout1D(0.5), (3,), r'layer "spatial_dropout1d" is incompatible: '
                                              r"expected ndim=3"),
        (lambda: SpatialDropout2D(0.5), (3, 4), r'layer "spatial_dropout2d" is incompatible: '
                                                r"expected ndim=4"),
        (lambda: Embedding(5, 2, input_length=4), (3,),
         r'Embedding "embedding" has input_length=4, but received an input of shape '
         r"\(None, 3\)\."),
        (lambda: Embedding(5, 2, input_length=(2, None)), (2,),
         r"has input_length=\(2, None\), but received an input of shape \(None, 2\)\."),
        (lambda: Lambda(K.square, output_shape=(4,)), (3,),
         r'Lambda "lambda" declares output_shape \(4,\), but its function returns an output '
         r"of shape \(None, 3\)\."),
        (lambda: Lambda(K.square, output_shape=(3, 1)), (3,),
         r"declares output_shape \(3, 1\)"),
        (lambda: Lambda(take_first_half, output_shape=lambda s: s), (4,),
         r"declares output_shape \(None, 4\), but its function returns an output of shape "
         r"\(None, 2\)"),
    ],
)
def test_call_errors(make, shape, message):
    layer = make()
    with pytest.raises(ValueError, match=message):
        layer(Input(shape=shape))


def test_lambda_config_errors():
    with pytest.raises(ValueError, match=r'Lambda "lambda" cannot save its `function` <function '
                                         r".*<lambda>.*only named module-level functions"):
        Lambda(lambda x: x).get_config()

    def local(x):
        return x

    with pytest.raises(ValueError, match=r"cannot save its `function` <function .*local"):
        Lambda(local).get_config()
    with pytest.raises(ValueError, match=r"cannot save its `output_shape`"):
        Lambda(K.square, output_shape=lambda s: s).get_config()
    with pytest.raises(ValueError, match=r"cannot save its `mask`"):
        Lambda(K.square, mask=lambda x, m: m).get_config()
    config = Lambda(scale, name="scaled").get_config()
    with pytest.raises(ValueError, match=r"Lambda \"scaled\" needs the function 'scale' "
                                         r"\(module '.*'\) for `function`, which is not known\. "
                                         r"Pass it in `custom_objects=\{'scale': scale\}`"):
        Lambda.from_config(config)
    # A config cannot reach arbitrary module attributes: nothing is imported or run.
    hostile = dict(config, function="system", module="os")
    with pytest.raises(ValueError, match=r"needs the function 'system' \(module 'os'\)"):
        Lambda.from_config(hostile)
    hostile = dict(config, function="exec", module="nerve.backend")
    with pytest.raises(ValueError, match=r"needs the function 'exec'"):
        Lambda.from_config(hostile)
    bytecode = dict(config, function=["4wEAAAAA", None, None], function_type="lambda")
    with pytest.raises(ValueError, match=r"has its `function` saved as code \(type 'lambda'\), "
                                         r"not by name\. nerve never runs code from a config"):
        Lambda.from_config(bytecode)
    nested = dict(config, function={"class_name": "__lambda__", "config": {"code": "..."}})
    with pytest.raises(ValueError, match=r"saved as code \(type 'function'\)"):
        Lambda.from_config(nested)
    shape_code = dict(config, output_shape=["4wEAAAAA"], output_shape_type="lambda")
    with pytest.raises(ValueError, match=r"has its `output_shape` saved as code"):
        Lambda.from_config(shape_code, custom_objects={"scale": scale})
