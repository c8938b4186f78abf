"""K.gradients: against analytic numpy gradients and finite differences."""

import numpy as np
import pytest

from nerve import backend as K


def _finite_differences(f, w, eps=1e-3):
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[i] = eps
        grad[i] = (f(w + step) - f(w - step)) / (2 * eps)
    return grad


def test_softmax_regression_gradient_matches_numpy():
    rng = np.random.default_rng(0)
    X = rng.random((6, 4)).astype("float32")
    Y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]
    W = rng.random((4, 3)).astype("float32")
    x, target = K.placeholder(shape=(None, 4)), K.placeholder(shape=(None, 3))
    w, b = K.variable(W), K.variable(np.zeros(3))
    loss = K.categorical_crossentropy(target, K.softmax(K.dot(x, w) + b))  # per sample
    gw, gb = K.function([x, target], K.gradients(loss, [w, b]))([X, Y])
    logits = X @ W
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(gw, X.T @ (p - Y), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gb, (p - Y).sum(0), rtol=1e-4, atol=1e-5)


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 3))
    W = rng.normal(size=(3, 2)) * 0.5
    w = K.variable(W)
    x = K.placeholder(shape=(None, 3))
    loss = K.sum(K.tanh(K.dot(x, w)) ** 2) + K.mean(K.sigmoid(w))
    grad = K.function([x], K.gradients(loss, w))([X])

    def f(w_value):
        return np.sum(np.tanh(X @ w_value) ** 2) + np.mean(1 / (1 + np.exp(-w_value)))

    np.testing.assert_allclose(grad, _finite_differences(f, W), rtol=2e-3, atol=2e-4)


def test_gradient_with_respect_to_an_intermediate_tensor():
    x = K.placeholder(shape=(None, 2))
    w = K.variable(np.array([[1.0, 2.0], [3.0, 4.0]]))
    h = K.dot(x, w)
    loss = K.sum(h * h) + K.sum(x)  # the x term does not pass through h
    grad_h = K.function([x], K.gradients(loss, [h]))([np.array([[1.0, 1.0]])])[0]
    np.testing.assert_allclose(grad_h, 2 * np.array([[4.0, 6.0]]))


def test_unconnected_variables_get_zeros():
    w = K.variable(np.ones(3))
    unused = K.variable(np.ones((4,)))
    count = K.variable(np.array([1, 2, 3]), dtype="int32")
    g_w, g_unused, g_count = K.gradients(K.sum(w * count), [w, unused, count])
    np.testing.assert_array_equal(K.eval(g_w), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(K.eval(g_unused), np.zeros(4))
    np.testing.assert_array_equal(K.eval(g_count), np.zeros(3))


def test_non_scalar_loss_is_differentiated_as_its_sum():
    w = K.variable(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(K.eval(K.gradients(w * w, [w])[0]), [2.0, 4.0, 6.0])


def test_gradients_of_gradients():
    w = K.variable(np.array([1.0, 2.0]))
    (g,) = K.gradients(K.sum(w**3), [w])
    (gg,) = K.gradients(K.sum(g), [w])
    np.testing.assert_allclose(K.eval(g), 3 * np.array([1.0, 4.0]))
    np.testing.assert_allclose(K.eval(gg), 6 * np.array([1.0, 2.0]))


def test_dropout_mask_is_shared_by_loss_and_gradient():
    w = K.variable(np.ones(1000))
    loss = K.sum(K.dropout(w, 0.5, seed=3))
    f = K.function([], [loss] + K.gradients(loss, [w]))
    value, grad = f([])
    assert set(np.unique(grad)) == {0.0, 2.0}
    np.testing.assert_allclose(value, grad.sum())


def test_gradient_through_the_learning_phase():
    w = K.variable(np.array([1.0, 2.0]))
    loss = K.sum(K.in_train_phase(w * 3, w))
    f = K.function([K.learning_phase()], K.gradients(loss, [w]))
    np.testing.assert_array_equal(f([1])[0], [3.0, 3.0])
    np.testing.assert_array_equal(f([0])[0], [1.0, 1.0])


def test_stop_gradient_blocks():
    w = K.variable(np.array([2.0]))
    loss = K.sum(w * K.stop_gradient(w))
    np.testing.assert_array_equal(K.eval(K.gradients(loss, [w])[0]), [2.0])


def test_bad_arguments():
    w = K.variable(np.ones(2))
    with pytest.raises(TypeError, match="`loss` must be a symbolic tensor"):
        K.gradients(1.0, [w])
    with pytest.raises(TypeError, match="`loss` must be a float tensor. Received dtype int32"):
        K.gradients(K.argmax(w), [w])
    with pytest.raises(TypeError, match=r"`variables\[1\]` must be a Variable or symbolic tensor"):
        K.gradients(K.sum(w), [w, np.ones(2)])


def test_a_variable_listed_twice_and_the_loss_itself():
    w = K.variable(np.array([1.0, 2.0]))
    loss = w * w
    g1, g2, g_loss = K.gradients(loss, [w, w, loss])
    np.testing.assert_array_equal(K.eval(g1), [2.0, 4.0])
    np.testing.assert_array_equal(K.eval(g2), [2.0, 4.0])
    np.testing.assert_array_equal(K.eval(g_loss), [1.0, 1.0])


def test_listing_a_tensor_and_its_input_gives_total_derivatives():
    w = K.variable(np.array([1.0, 2.0]))
    h = w * 3
    loss = K.sum(h * h) + K.sum(w)
    g_w, g_h = K.gradients(loss, [w, h])
    np.testing.assert_allclose(K.eval(g_w), 18 * np.array([1.0, 2.0]) + 1)
    np.testing.assert_allclose(K.eval(g_h), 2 * 3 * np.array([1.0, 2.0]))
