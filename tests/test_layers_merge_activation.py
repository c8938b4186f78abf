"""Merge and activation layers: the shared harness, numpy references, functional forms
inside a model, and every argument and call-time check."""

import numpy as np
import pytest

from nerve import backend as K
from nerve.layers import (
    ELU,
    Add,
    Average,
    Concatenate,
    Dot,
    Input,
    LeakyReLU,
    Maximum,
    Minimum,
    Multiply,
    PReLU,
    ReLU,
    Softmax,
    Subtract,
    ThresholdedReLU,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from nerve.models import Model

from harness import run_layer_test


def _normal(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=1e-6)


# Merge layers.

ELEMENTWISE = [
    (Add, lambda xs: sum(xs)),
    (Subtract, lambda xs: xs[0] - xs[1]),
    (Multiply, lambda xs: np.prod(np.broadcast_arrays(*xs), axis=0)),
    (Average, lambda xs: sum(xs) / len(xs)),
    (Maximum, lambda xs: np.max(np.broadcast_arrays(*xs), axis=0)),
    (Minimum, lambda xs: np.min(np.broadcast_arrays(*xs), axis=0)),
]


@pytest.mark.parametrize("cls, reference", ELEMENTWISE)
def test_elementwise_merges_harness_and_numpy(cls, reference):
    run_layer_test(cls, {}, [(None, 4), (None, 4)], expected_output_shape=(None, 4),
                   expected_num_weights=0)
    # A lower-rank input gains axes after its batch axis (tf-keras), then broadcasts.
    run_layer_test(cls, {}, [(None, 3, 4), (None, 4)], expected_output_shape=(None, 3, 4))
    run_layer_test(cls, {}, [(None, 1, 4), (None, 3, 1)], expected_output_shape=(None, 3, 4))
    x, y = _normal(2, 3, 4), _normal(2, 4, seed=1)
    _close(cls()([x, y]), reference([x, y[:, None, :]]))
    if cls is not Subtract:
        xs = [_normal(2, 4, seed=i) for i in range(3)]
        run_layer_test(cls, {}, [(None, 4)] * 3, expected_output_shape=(None, 4))
        _close(cls()(xs), reference(xs))


def test_concatenate_harness_and_numpy():
    run_layer_test(Concatenate, {}, [(None, 2), (None, 3), (None, 1)],
                   expected_output_shape=(None, 6))
    run_layer_test(Concatenate, {"axis": 1}, [(None, 2, 3), (None, 4, 3)],
                   expected_output_shape=(None, 6, 3))
    # An unknown size on the joined axis makes the result's unknown.
    run_layer_test(Concatenate, {"axis": -2}, [(None, None, 3), (None, 4, 3)],
                   expected_output_shape=(None, None, 3))
    x, y = _normal(2, 2, 3), _normal(2, 4, 3, seed=1)
    _close(Concatenate(axis=1)([x, y]), np.concatenate([x, y], axis=1))
    # Joining along the batch axis: batch sizes may differ.
    _close(Concatenate(axis=0)([x, x[:1]]), np.concatenate([x, x[:1]], axis=0))


def _np_dot(x, y, axes, normalize=False):
    if normalize:
        x = x / np.linalg.norm(x, axis=axes[0], keepdims=True)
        y = y / np.linalg.norm(y, axis=axes[1], keepdims=True)
    out = np.stack([np.tensordot(a, b, axes=(axes[0] - 1, axes[1] - 1)) for a, b in zip(x, y)])
    return out[:, None] if out.ndim == 1 else out


def test_dot_harness_and_numpy():
    run_layer_test(Dot, {"axes": 1}, [(None, 4), (None, 4)], expected_output_shape=(None, 1))
    run_layer_test(Dot, {"axes": [2, 1]}, [(None, 3, 4), (None, 4, 5)],
                   expected_output_shape=(None, 3, 5))
    run_layer_test(Dot, {"axes": -1, "normalize": True}, [(None, 3, 4), (None, 5, 4)],
                   expected_output_shape=(None, 3, 5))
    x, y = _normal(2, 4), _normal(2, 4, seed=1)
    _close(Dot(1)([x, y]), _np_dot(x, y, (1, 1)))
    _close(Dot(1, normalize=True)([x, y]), _np_dot(x, y, (1, 1), normalize=True))
    a, b = _normal(2, 3, 4), _normal(2, 5, 3, seed=1)
    _close(Dot((1, 2))([a, b]), _np_dot(a, b, (1, 2)))
    _close(Dot((-2, -1), normalize=True)([a, b]), _np_dot(a, b, (1, 2), normalize=True))
    assert Dot((1, 2)).compute_output_shape([(None, 3, 4), (None, 5, 3)]) == (None, 4, 5)


def test_functional_forms_in_a_model_and_its_config_round_trip():
    a, b = Input(shape=(4,)), Input(shape=(4,))
    outputs = [add([a, b]), subtract([a, b]), multiply([a, b]), average([a, b]),
               maximum([a, b]), minimum([a, b]), concatenate([a, b], axis=1),
               dot([a, b], axes=1, normalize=True, name="cosine")]
    model = Model([a, b], outputs)
    assert model.get_layer("cosine").normalize is True
    x, y = _normal(3, 4), _normal(3, 4, seed=1)
    expected = [x + y, x - y, x * y, (x + y) / 2, np.maximum(x, y), np.minimum(x, y),
                np.concatenate([x, y], axis=1), _np_dot(x, y, (1, 1), normalize=True)]
    for got, want in zip(model([x, y]), expected):
        _close(got, want)
    clone = Model.from_config(model.get_config())
    for got, want in zip(clone([x, y]), expected):
        _close(got, want)


# Activation layers.


def test_relu_harness_and_numpy():
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 1.0, 3.0, 7.0]], dtype="float32")
    run_layer_test(ReLU, {}, (None, 3, 4), expected_output_shape=(None, 3, 4),
                   expected_num_weights=0)
    run_layer_test(ReLU, {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5})
    _close(ReLU()(x), np.maximum(x, 0))
    _close(ReLU(max_value=6)(x), np.clip(x, 0, 6))
    _close(ReLU(negative_slope=0.1)(x), np.where(x > 0, x, 0.1 * x))
    # At or below the threshold: `negative_slope * (x - threshold)`, 0 at it.
    _close(ReLU(negative_slope=0.1, threshold=1.0)(x), np.where(x > 1, x, 0.1 * (x - 1)))
    _close(ReLU(max_value=2.0, threshold=0.5)(x), np.where(x > 0.5, np.minimum(x, 2.0), 0))
    assert ReLU(max_value=6).get_config()["max_value"] == 6.0


def test_leaky_relu_elu_thresholded_relu_harness_and_numpy():
    x = _normal(3, 5) * 2
    for cls, kwargs in [(LeakyReLU, {"alpha": 0.2}), (ELU, {"alpha": 0.5}),
                        (ThresholdedReLU, {"theta": 0.5})]:
        run_layer_test(cls, kwargs, (None, 5), expected_output_shape=(None, 5),
                       expected_num_weights=0)
    _close(LeakyReLU()(x), np.where(x > 0, x, 0.3 * x))
    _close(LeakyReLU(alpha=0.2)(x), np.where(x > 0, x, 0.2 * x))
    _close(ELU()(x), np.where(x > 0, x, np.expm1(x)))
    _close(ELU(alpha=0.5)(x), np.where(x > 0, x, 0.5 * np.expm1(x)))
    _close(ThresholdedReLU()(x), np.where(x > 1.0, x, 0))
    _close(ThresholdedReLU(theta=0.5)(np.array([[0.5, 0.6]])), [[0.0, 0.6]])


def test_prelu_harness_and_numpy():
    layer, _ = run_layer_test(PReLU, {}, (None, 3, 4), expected_output_shape=(None, 3, 4),
                              expected_num_weights=1, expected_num_trainable=1)
    assert layer.alpha.shape == (3, 4)
    layer, _ = run_layer_test(PReLU, {"shared_axes": [1, 2], "alpha_initializer": "ones"},
                              (None, 5, None, 2), expected_output_shape=(None, 5, None, 2))
    assert layer.alpha.shape == (1, 1, 2)
    x = _normal(2, 3, 4)
    alpha = _normal(3, 4, seed=1)
    layer = PReLU()
    layer.build((None, 3, 4))
    layer.set_weights([alpha])
    _close(layer(x), np.where(x > 0, x, alpha * x))
    shared = PReLU(shared_axes=1, alpha_initializer="ones")
    _close(shared(x), x)
    assert shared.alpha.shape == (1, 4) and shared.get_config()["shared_axes"] == [1]


def test_prelu_regularizer_and_constraint():
    layer = PReLU(alpha_initializer="ones", alpha_regularizer="l2", alpha_constraint="non_neg")
    layer(Input(shape=(3,)))
    assert len(layer.losses) == 1
    _close(K.eval(layer.losses[0]), 0.01 * 3)
    config = layer.get_config()
    assert config["alpha_regularizer"]["class_name"] == "L2"
    assert config["alpha_constraint"]["class_name"] == "NonNeg"


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_harness_and_numpy():
    run_layer_test(Softmax, {}, (None, 5), expected_output_shape=(None, 5),
                   expected_num_weights=0)
    run_layer_test(Softmax, {"axis": [1, 2]}, (None, 2, 3), expected_output_shape=(None, 2, 3))
    x = _normal(2, 3, 4)
    _close(Softmax()(x), _np_softmax(x, -1))
    _close(Softmax(axis=1)(x), _np_softmax(x, 1))
    _close(Softmax(axis=(1, 2))(x), _np_softmax(x, (1, 2)))
    assert Softmax(axis=(1, 2)).get_config()["axis"] == [1, 2]


def test_softmax_mask_drops_positions():
    x = _normal(2, 4)
    mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0]], dtype="float32")
    inputs, mask_input = Input(shape=(4,)), Input(shape=(4,))
    model = Model([inputs, mask_input], Softmax()(inputs, mask=mask_input))
    expected = np.where(mask > 0, np.exp(x), 0)
    _close(model([x, mask]), expected / expected.sum(axis=-1, keepdims=True))


# Argument checks.


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Concatenate(axis="1"), r'`axis` of Concatenate "concatenate": expected an '
                                        r"integer. Received: axis='1'"),
        (lambda: Concatenate(axis=True), r"Received: axis=True"),
        (lambda: Dot(axes="1"), r'`axes` of Dot "dot": expected a non-zero integer or a pair '
                                r"of non-zero integers. Received: axes='1'"),
        (lambda: Dot(axes=(1, 2, 3)), r"Received: axes=\(1, 2, 3\)"),
        (lambda: Dot(axes=0), r"Received: axes=0"),
        (lambda: Dot(axes=[1, 0]), r"Received: axes=\[1, 0\]"),
        (lambda: Dot(axes=(1.0, 1)), r"Received: axes=\(1.0, 1\)"),
        (lambda: Dot(axes=1, normalize="yes"), r'`normalize` of Dot "dot": expected a bool. '
                                               r"Received: normalize='yes'"),
        (lambda: Add(axis=1), "Keyword argument\\(s\\) not understood by Add: axis"),
        (lambda: ReLU(max_value=-1), r'`max_value` of ReLU "re_lu": expected a non-negative '
                                     r"number. Received: max_value=-1"),
        (lambda: ReLU(max_value="6"), r"Received: max_value='6'"),
        (lambda: ReLU(negative_slope=-0.1), r"Received: negative_slope=-0.1"),
        (lambda: ReLU(negative_slope=None), r"Received: negative_slope=None"),
        (lambda: ReLU(threshold=-1.0), r"Received: threshold=-1.0"),
        (lambda: LeakyReLU(alpha=-0.3), r'`alpha` of LeakyReLU "leaky_re_lu": expected a '
                                        r"non-negative number. Received: alpha=-0.3"),
        (lambda: LeakyReLU(alpha=None), r"Received: alpha=None"),
        (lambda: ELU(alpha=-1.0), r'`alpha` of ELU "elu": .* Received: alpha=-1.0'),
        (lambda: ThresholdedReLU(theta=-0.5), r'`theta` of ThresholdedReLU "thresholded_re_lu"'
                                              r": .* Received: theta=-0.5"),
        (lambda: Softmax(axis=1.5), r'`axis` of Softmax "softmax": expected an integer or a '
                                    r"non-empty list of integers. Received: axis=1.5"),
        (lambda: Softmax(axis=[]), r"Received: axis=\[\]"),
        (lambda: PReLU(alpha_initializer="nope"), "Unknown initializer: 'nope'"),
        (lambda: PReLU(alpha_regularizer="nope"), "Unknown regularizer: 'nope'"),
        (lambda: PReLU(alpha_constraint="nope"), "Unknown constraint: 'nope'"),
        (lambda: PReLU(shared_axes=0), r'`shared_axes` of PReLU "p_re_lu": expected None, a '
                                       r"positive integer or a list of positive integers. "
                                       r"Received: shared_axes=0"),
        (lambda: PReLU(shared_axes=[1, "2"]), r"Received: shared_axes=\[1, '2'\]"),
    ],
)
def test_constructor_arguments_are_checked(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


# Call-time checks.


def _inputs(*shapes):
    return [Input(shape=s) for s in shapes]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Add()(Input(shape=(3,))),
         r'An `Add` layer \("add"\) should be called on a list of at least 2 inputs. '
         r"Received: a single input of shape \(None, 3\)"),
        (lambda: Maximum()(_inputs((3,))),
         r'A `Maximum` layer \("maximum"\) should be called on a list of at least 2 inputs. '
         r"Received 1 input\(s\): input_shape=\[\(None, 3\)\]"),
        (lambda: Subtract()(_inputs((3,), (3,), (3,))),
         r'A `Subtract` layer \("subtract"\) should be called on a list of exactly 2 inputs. '
         r"Received 3 input\(s\)"),
        (lambda: Dot(1)(_inputs((3,), (3,), (3,))),
         r"A `Dot` layer .* exactly 2 inputs. Received 3 input\(s\)"),
        (lambda: Concatenate()(_inputs((3,))),
         r"A `Concatenate` layer .* at least 2 inputs. Received 1 input\(s\)"),
        (lambda: Multiply()(_inputs((3,), (4,))),
         r'A `Multiply` layer \("multiply"\) requires inputs whose shapes broadcast together '
         r"\(batch axis aside\). Received: input_shape=\[\(None, 3\), \(None, 4\)\]"),
        (lambda: Average()(_inputs((2, 3), (3, 3))),
         r"An `Average` layer .* broadcast together .*=\[\(None, 2, 3\), \(None, 3, 3\)\]"),
        (lambda: Add()([Input(batch_shape=(2, 3)), Input(batch_shape=(4, 3))]),
         r'An `Add` layer \("add"\) cannot merge inputs with different batch sizes. '
         r"Received: input_shape=\[\(2, 3\), \(4, 3\)\]"),
        (lambda: Minimum()([np.ones((3, 4)), np.ones((2, 4))]),
         r"A `Minimum` layer .* different batch sizes. "
         r"Received: input_shape=\[\(3, 4\), \(2, 4\)\]"),
        (lambda: Concatenate()(_inputs((2, 3), (4, 3))),
         r'A `Concatenate` layer \("concatenate"\) requires inputs with matching shapes '
         r"except for the concatenation axis \(axis=-1\). "
         r"Received: input_shape=\[\(None, 2, 3\), \(None, 4, 3\)\]"),
        (lambda: Concatenate()(_inputs((3,), (3, 4))),
         r"matching shapes except for the concatenation axis .*=\[\(None, 3\), \(None, 3, 4\)\]"),
        (lambda: Concatenate(axis=1)([Input(batch_shape=(2, 3)), Input(batch_shape=(4, 3))]),
         r"A `Concatenate` layer .* different batch sizes. "
         r"Received: input_shape=\[\(2, 3\), \(4, 3\)\]"),
        (lambda: Concatenate(axis=3)(_inputs((3,), (3,))),
         r'A `Concatenate` layer \("concatenate"\) cannot concatenate along axis=3: its inputs '
         r"have rank 2. Received: input_shape=\[\(None, 3\), \(None, 3\)\]"),
        (lambda: Concatenate()([np.ones((3, 4)), np.ones((2, 4))]),
         r"A `Concatenate` layer .* different batch sizes"),
        (lambda: Dot(1)(_inputs((3,), (4,))),
         r'A `Dot` layer \("dot"\) requires the dot axes to have the same size: 3 \(axis 1 of '
         r"the first input\) != 4 \(axis 1 of the second\). "
         r"Received: input_shape=\[\(None, 3\), \(None, 4\)\]"),
        (lambda: Dot(2)(_inputs((3,), (3,))),
         r'A `Dot` layer \("dot"\) cannot take the dot product over axes=2: each must be a '
         r"non-batch axis of its input. Received: input_shape=\[\(None, 3\), \(None, 3\)\]"),
        (lambda: Dot(-2)(_inputs((3,), (3,))), r"cannot take the dot product over axes=-2"),
        (lambda: Dot([1, -3])(_inputs((3,), (3,))),
         r"cannot take the dot product over axes=\[1, -3\]"),
        (lambda: Dot(1)([np.ones((3, 4)), np.ones((2, 4))]),
         r"A `Dot` layer .* different batch sizes"),
        (lambda: PReLU(shared_axes=[1, 3])(Input(shape=(2, 3))),
         r'PReLU "p_re_lu" cannot share alpha along axes \[1, 3\]: its input has rank 3. '
         r"Received: input_shape=\(None, 2, 3\)"),
        (lambda: PReLU()(Input(shape=(None, 3))),
         r'PReLU "p_re_lu" needs the size of every axis that has its own alpha, but axes '
         r"\[1\] are unknown; list them in `shared_axes`. "
         r"Received: input_shape=\(None, None, 3\)"),
    ],
)
def test_call_time_errors_name_the_layer_and_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_prelu_input_spec_after_build():
    layer = PReLU(shared_axes=1)
    layer(Input(shape=(2, 3)))
    layer(Input(shape=(5, 3)))  # the shared axis may change size
    with pytest.raises(ValueError, match=r'Input 0 of layer "p_re_lu" is incompatible: .*'
                                         r"received shape \(None, 2, 4\)"):
        layer(Input(shape=(2, 4)))
