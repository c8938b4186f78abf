"""Activations against numpy references (tf-keras 2.x), eagerly and in the graph."""

import math

import numpy as np
import pytest

from nerve import activations
from nerve import backend as K
from nerve.graph import Tensor
from nerve.utils.serialization import custom_object_scope

X = np.linspace(-3.0, 3.0, 12, dtype=np.float32).reshape(3, 4)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848, 1.0507009873554804934


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def np_gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def np_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


# (name, call, numpy reference): every activation, some with arguments.
CASES = [
    ("linear", activations.linear, lambda x: x),
    ("relu", activations.relu, lambda x: np.maximum(x, 0)),
    (
        "relu_alpha_max_threshold",
        lambda x: activations.relu(x, alpha=0.1, max_value=2.0, threshold=0.5),
        lambda x: np.where(x > 0.5, np.minimum(x, 2.0), 0) - 0.1 * np.maximum(0.5 - x, 0),
    ),
    ("sigmoid", activations.sigmoid, np_sigmoid),
    ("hard_sigmoid", activations.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    ("tanh", activations.tanh, np.tanh),
    ("softmax", activations.softmax, np_softmax),
    ("softmax_axis0", lambda x: activations.softmax(x, axis=0), lambda x: np_softmax(x, 0)),
    (
        "softmax_axes",
        lambda x: activations.softmax(x, axis=(0, 1)),
        lambda x: np_softmax(x.reshape(-1)).reshape(x.shape),
    ),
    ("softplus", activations.softplus, lambda x: np.log1p(np.exp(x))),
    ("softsign", activations.softsign, lambda x: x / (1 + np.abs(x))),
    ("elu", activations.elu, np_elu),
    ("elu_alpha", lambda x: activations.elu(x, alpha=0.5), lambda x: np_elu(x, 0.5)),
    ("selu", activations.selu, lambda x: SELU_SCALE * np_elu(x, SELU_ALPHA)),
    ("gelu", activations.gelu, np_gelu),
    ("gelu_tanh", lambda x: activations.gelu(x, approximate=True), np_gelu_tanh),
    ("swish", activations.swish, lambda x: x * np_sigmoid(x)),
    ("silu", activations.silu, lambda x: x * np_sigmoid(x)),
    ("exponential", activations.exponential, np.exp),
    ("leaky_relu", activations.leaky_relu, lambda x: np.where(x > 0, x, 0.3 * x)),
    (
        "leaky_relu_alpha",
        lambda x: activations.leaky_relu(x, alpha=0.1),
        lambda x: np.where(x > 0, x, 0.1 * x),
    ),
]
NAMES = [
    "linear",
    "relu",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softmax",
    "softplus",
    "softsign",
    "elu",
    "selu",
    "gelu",
    "swish",
    "silu",
    "exponential",
    "leaky_relu",
]


@pytest.mark.parametrize("name,fn,ref", CASES, ids=[c[0] for c in CASES])
def test_activation_on_arrays_matches_numpy(name, fn, ref):
    out = np.asarray(fn(X))
    assert out.shape == X.shape and out.dtype == np.float32
    np.testing.assert_allclose(out, ref(X.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_every_activation_builds_graph_nodes_that_compute_the_same_values():
    x = K.placeholder(shape=(None, 4))
    outs = [fn(x) for _, fn, _ in CASES]
    assert all(isinstance(o, Tensor) and K.int_shape(o) == (None, 4) for o in outs)
    # softmax over (0, 1) normalises over the batch too, so feed the same X.
    got = K.function([x], outs)([X])
    for (name, fn, _), value in zip(CASES, got):
        np.testing.assert_allclose(value, np.asarray(fn(X)), rtol=1e-6, atol=1e-6, err_msg=name)


def test_relu_edges_follow_tf_keras():
    # At the threshold the output is 0; a negative threshold still clips at 0 with max_value.
    x = np.array([[-2.0, -1.0, 0.0, 1.0, 5.0]], np.float32)
    np.testing.assert_allclose(activations.relu(x, threshold=1.0), [[0, 0, 0, 0, 5]])
    np.testing.assert_allclose(
        activations.relu(x, max_value=3.0, threshold=-1.5), [[0, 0, 0, 1, 3]]
    )


def test_softmax_refuses_1d_input_as_tf_keras():
    with pytest.raises(ValueError, match="Cannot apply softmax to a tensor that is 1D"):
        activations.softmax(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="Cannot apply softmax to a tensor that is 1D"):
        activations.softmax(K.placeholder(shape=(None,)))


def test_get_resolves_none_names_and_callables():
    assert activations.get(None) is activations.linear
    assert activations.get("softmax") is activations.softmax
    assert activations.get("silu") is activations.swish

    def cube(x):
        return x**3

    assert activations.get(cube) is cube
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `identifier` of activations.get: expected None, a name, "
        r"a config dict or a callable. Received: identifier=5",
    ):
        activations.get(5)


@pytest.mark.parametrize("name", NAMES)
def test_serialize_deserialize_round_trip(name):
    fn = activations.get(name)
    assert fn is getattr(activations, name)
    serialized = activations.serialize(fn)
    assert serialized == ("swish" if name == "silu" else name)
    assert activations.deserialize(serialized) is fn
    assert activations.get(serialized) is fn


def test_lifted_backend_ops_serialize_to_their_activation():
    assert activations.deserialize(activations.serialize(K.relu)) is activations.relu


def test_unknown_names_list_the_known_ones_and_custom_objects_resolve():
    with pytest.raises(
        ValueError, match=r"Unknown activation function: 'foo'\. Known names: 'elu', "
    ) as info:
        activations.get("foo")
    assert "custom_objects" in str(info.value)

    def cube(x):
        return x**3

    assert activations.deserialize("cube", custom_objects={"cube": cube}) is cube
    # Custom objects win over the built-in names.
    assert activations.deserialize("relu", custom_objects={"relu": cube}) is cube
    with custom_object_scope({"cube": cube}):
        assert activations.get("cube") is cube
    with pytest.raises(ValueError, match="Unknown activation function: 'cube'"):
        activations.get("cube")


def test_tf_keras_2_13_function_configs_deserialize():
    config = {"module": "keras.activations", "class_name": "function", "config": "relu"}
    assert activations.get(config) is activations.relu
