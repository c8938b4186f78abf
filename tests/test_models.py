"""Layer base, Input, functional Model and Sequential: graph walk, weights, config, errors."""

import json

import numpy as np
import pytest

import nerve
from nerve import backend as K
from nerve.layers import Activation, Dense, Dropout, Flatten, Input, InputLayer, Layer
from nerve.models import Model, Sequential, clone_model, model_from_json


def _mlp():
    inputs = Input(shape=(20,))
    x = Dense(10, activation="relu", name="hidden")(inputs)
    x = Dense(10, activation="relu")(x)
    return Model(inputs, Dense(2, activation="softmax")(x))


def test_default_names_are_snake_case_and_numbered():
    assert [Dense(1).name, Dense(1).name, Dense(1).name] == ["dense", "dense_1", "dense_2"]
    assert Dropout(0.5).name == "dropout"

    class MaxPooling2D(Layer):
        pass

    assert MaxPooling2D().name == "max_pooling2d"
    assert Input(shape=(2,)).name == "input_1"
    K.clear_session()
    assert Dense(1).name == "dense"


def test_unknown_keyword_arguments_are_named():
    with pytest.raises(TypeError, match="Keyword argument\\(s\\) not understood by Dense: "
                                        "output_dim, unitz"):
        Dense(3, unitz=2, output_dim=3)


def test_dense_builds_from_its_input_and_computes_like_numpy():
    layer = Dense(3, activation="tanh")
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    out = layer(x)
    assert layer.built and [w.shape for w in layer.weights] == [(5, 3), (3,)]
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, np.tanh(x @ kernel + bias), rtol=1e-5, atol=1e-6)
    assert layer.count_params() == 18


def test_incompatible_input_is_refused_at_call_time():
    inputs = Input(shape=(5,))
    layer = Dense(2)
    layer(inputs)
    with pytest.raises(ValueError, match=r'Input 0 of layer "dense" is incompatible: expected '
                                         r"last dimension 5, received shape \(None, 4\)"):
        layer(Input(shape=(4,)))
    with pytest.raises(ValueError, match=r'Input 0 of layer "dense" is incompatible: expected '
                                         r"last dimension 5, received shape \(3, 4\)"):
        layer(np.zeros((3, 4)))


def test_set_weights_checks_count_and_shapes():
    layer = Dense(2, name="out")
    layer(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r'Layer "out" expects 2 weight\(s\) \(out/kernel, '
                                         r"out/bias\), but received 1"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r'Layer "out" weight "out/kernel" has shape \(3, 2\), '
                                         r"but the value given has shape \(2, 3\)"):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])
    layer.set_weights([np.ones((3, 2)), np.full(2, 0.5)])
    np.testing.assert_array_equal(layer(np.ones((1, 3))), [[3.5, 3.5]])


def test_trainable_false_moves_weights_recursively():
    model = _mlp()
    assert len(model.trainable_weights) == 6 and model.non_trainable_weights == []
    model.get_layer("hidden").trainable = False
    assert len(model.trainable_weights) == 4 and len(model.non_trainable_weights) == 2
    outer_in = Input(shape=(20,))
    outer = Model(outer_in, model(outer_in))
    model.trainable = False
    assert outer.trainable_weights == [] and len(outer.non_trainable_weights) == 6
    assert len(outer.weights) == 6


def test_functional_model_walks_layers_and_predicts():
    model = _mlp()
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "Dense", "Dense", "Dense"]
    assert model.count_params() == 342
    assert K.int_shape(model.input) == (None, 20) and K.int_shape(model.output) == (None, 2)
    x = np.random.default_rng(1).random((7, 20)).astype("float32")
    w = model.get_weights()
    h = np.maximum(x @ w[0] + w[1], 0)
    h = np.maximum(h @ w[2] + w[3], 0)
    logits = h @ w[4] + w[5]
    expected = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(model(x), expected, rtol=1e-5, atol=1e-6)


def test_get_layer_errors():
    model = _mlp()
    assert model.get_layer(index=1).name == "hidden"
    with pytest.raises(ValueError, match="No such layer: conv"):
        model.get_layer("conv")
    with pytest.raises(ValueError, match='at index 9 but model "model" only has 4 layers'):
        model.get_layer(index=9)
    with pytest.raises(ValueError, match="Provide either a layer `name` or `index`"):
        model.get_layer()


def test_several_inputs_outputs_and_a_shared_layer():
    a, b = Input(shape=(3,), name="a"), Input(shape=(3,), name="b")
    shared = Dense(4, name="shared")
    ha, hb = shared(a), shared(b)
    out_sum = Activation("linear", name="sum")(ha)
    model = Model([a, b], [out_sum, hb])
    assert len(shared._inbound_nodes) == 2
    xa, xb = np.ones((2, 3)), np.zeros((2, 3))
    ya, yb = model([xa, xb])
    kernel, bias = shared.get_weights()
    np.testing.assert_allclose(ya, xa @ kernel + bias, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(yb, xb @ kernel + bias, rtol=1e-5, atol=1e-6)
    with pytest.raises(AttributeError, match='Layer "shared" has 2 inbound nodes'):
        _ = shared.output
    np.testing.assert_allclose(
        K.function([b], [shared.get_output_at(1)])([xb])[0], yb, rtol=1e-6)


def test_calling_a_model_on_new_tensors_and_nesting():
    inner = _mlp()
    x = Input(shape=(20,))
    outer = Model(x, Dense(1)(inner(x)))
    data = np.random.default_rng(2).random((3, 20)).astype("float32")
    expected = inner(data) @ outer.layers[-1].get_weights()[0] + outer.layers[-1].get_weights()[1]
    np.testing.assert_allclose(outer(data), expected, rtol=1e-5, atol=1e-6)
    assert outer.count_params() == 342 + 3


def test_graph_errors_name_the_tensor_and_layer():
    a, b = Input(shape=(3,), name="a"), Input(shape=(3,), name="b")
    h = Dense(2, name="d")(a)
    with pytest.raises(ValueError, match="Input tensors to a Model must come from `nerve.Input`"
                                         '.*made by layer "d"'):
        Model(h, Dense(1)(h))
    with pytest.raises(ValueError, match='Graph disconnected: cannot obtain value for tensor '
                                         ".*at layer \"a\""):
        Model(b, h)
    with pytest.raises(ValueError, match="contains the same input tensor 'a' more than once"):
        Model([a, a], h)
    with pytest.raises(ValueError, match="Output tensors of a Model must be the output of a "
                                         "nerve layer"):
        Model(a, np.zeros(2))
    d1 = Dense(2, name="same")
    with pytest.raises(ValueError, match='The name "same" is used 2 times in the model'):
        Model(a, Dense(2, name="same")(d1(a)))


def test_sequential_builds_from_the_first_layer_shape():
    model = Sequential([Dense(10, input_shape=(20,)), Dense(10), Dense(2)])
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "dense_2"]
    assert K.int_shape(model.input) == (None, 20)
    assert K.int_shape(model.output) == (None, 2)
    assert model.inputs[0] is model.input and model.outputs[0] is model.output
    assert model.count_params() == 342
    model.pop()
    assert K.int_shape(model.output) == (None, 10) and len(model.layers) == 2


def test_sequential_deferred_build_on_first_data():
    model = Sequential()
    model.add(Dense(4))
    model.add(Dense(1))
    assert not model.built
    with pytest.raises(AttributeError, match="is not connected"):
        _ = model.input
    out = model(np.ones((2, 3)))
    assert out.shape == (2, 1) and model.built
    assert K.int_shape(model.input) == (None, 3)
    with pytest.raises(TypeError, match="The added layer must be an instance of class Layer"):
        model.add("dense")


def test_sequential_with_input_first_and_eager_training_flag():
    model = Sequential([Input(shape=(1000,)), Dropout(0.5, seed=1)])
    ones = np.ones((1, 1000), dtype="float32")
    np.testing.assert_array_equal(model(ones), ones)
    dropped = model(ones, training=True)
    assert set(np.unique(dropped)) == {0.0, 2.0}


def test_config_round_trips():
    model = _mlp()
    config = model.get_config()
    clone = Model.from_config(config)
    assert clone.get_config() == config
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(3).random((2, 20)).astype("float32")
    np.testing.assert_allclose(clone(x), model(x), rtol=1e-6)
    seq = Sequential([Dense(3, input_shape=(4,), activation="relu"), Dropout(0.1), Dense(1)])
    seq_config = seq.get_config()
    assert seq_config["layers"][0]["class_name"] == "InputLayer"
    assert Sequential.from_config(seq_config).get_config() == seq_config
    restored = model_from_json(seq.to_json())
    assert isinstance(restored, Sequential)
    assert json.loads(restored.to_json()) == json.loads(seq.to_json())
    copy = clone_model(model)
    assert copy.get_config() == config
    assert not np.allclose(copy.get_weights()[0], model.get_weights()[0])


def test_hidden_features_three_ways():
    model = Sequential([Dense(8, input_shape=(5,), activation="relu", name="hidden"),
                        Dense(3, activation="softmax")])
    x = np.random.default_rng(4).random((6, 5)).astype("float32")
    kernel, bias = model.get_layer("hidden").get_weights()
    expected = np.maximum(x @ kernel + bias, 0)
    truncated = Sequential([Dense(8, input_shape=(5,), activation="relu")])
    for i, layer in enumerate(truncated.layers):
        layer.set_weights(model.layers[i].get_weights())
    np.testing.assert_allclose(truncated(x), expected, rtol=1e-5, atol=1e-6)
    features = Model(inputs=model.input, outputs=model.get_layer("hidden").output)
    np.testing.assert_allclose(features(x), expected, rtol=1e-5, atol=1e-6)
    fn = K.function([model.input, K.learning_phase()], [model.layers[0].output])
    np.testing.assert_allclose(fn([x, 0])[0], expected, rtol=1e-5, atol=1e-6)


def test_public_aliases():
    assert nerve.layers.Input is Input and isinstance(Input(shape=(1,))._keras_history[0],
                                                      InputLayer)
    assert Flatten()(np.ones((2, 3, 4))).shape == (2, 12)


def test_truncated_model_from_a_functional_source_explains_the_index_shift():
    source = _mlp()  # functional: layers[0] is the InputLayer
    truncated = Sequential([Dense(10, input_shape=(20,), activation="relu")])
    with pytest.raises(ValueError, match=r"expects 2 weight\(s\).*received 0\. If these come "
                                         r"from `model.layers\[i\]` of a functional model"):
        for i, layer in enumerate(truncated.layers):
            layer.set_weights(source.layers[i].get_weights())
    for i, layer in enumerate(truncated.layers):
        layer.set_weights(source.layers[i + 1].get_weights())
    x = np.random.default_rng(5).random((4, 20)).astype("float32")
    kernel, bias = source.get_layer("hidden").get_weights()
    np.testing.assert_allclose(truncated(x), np.maximum(x @ kernel + bias, 0), rtol=1e-5,
                               atol=1e-6)


def test_a_nested_model_keeps_its_own_input_and_output():
    inner = _mlp()
    x = Input(shape=(20,))
    Model(x, inner(x))
    assert inner.input is inner.inputs[0] and inner.output is inner.outputs[0]
    assert "(created by layer 'dense_1')" in repr(inner.output)
