"""The graph IR: operators, indexing, the lifting rule and static shapes."""

import operator

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from nerve import backend as K
from nerve.graph import Tensor

A = np.array([[1.0, -2.0, 3.0], [4.5, 5.0, -6.0]], dtype="float32")
B = np.array([[2.0, 3.0, -4.0], [1.5, -2.0, 2.5]], dtype="float32")


def _run(out, *placeholders_and_values):
    placeholders = list(placeholders_and_values[::2])
    values = list(placeholders_and_values[1::2])
    return K.function(placeholders, out)(values)


@pytest.mark.parametrize(
    "op",
    [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
     operator.mod, operator.pow, operator.lt, operator.le, operator.gt, operator.ge,
     operator.eq, operator.ne],
)
def test_binary_operators_match_numpy_both_ways(op):
    x = K.placeholder(shape=(None, 3))
    y = K.placeholder(shape=(None, 3))
    base = np.abs(A) if op is operator.pow else A
    row = B[0]  # numpy operands broadcast against the unknown batch axis
    together = K.function([x, y], [op(x, y), op(x, row), op(base[0], y), op(x, 2.0), op(3.0, y)])
    out = together([base, B])
    wanted = [op(base, B), op(base, row), op(base[0], B), op(base, 2.0), op(3.0, B)]
    for got, want in zip(out, wanted):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert K.int_shape(op(x, y)) == (None, 3)


def test_matmul_and_unary_operators():
    x = K.placeholder(shape=(None, 3))
    neg, absolute, product = _run([-x, abs(x), x @ B.T], x, A)
    np.testing.assert_array_equal(neg, -A)
    np.testing.assert_array_equal(absolute, np.abs(A))
    np.testing.assert_allclose(product, A @ B.T, rtol=1e-6)
    assert K.int_shape(x @ B.T) == (None, 2)
    flags = K.placeholder(shape=(2,), dtype="bool")
    np.testing.assert_array_equal(_run(~flags, flags, np.array([True, False])), [False, True])


@pytest.mark.parametrize(
    "index, shape",
    [
        ((slice(None), 1), (None,)),
        ((Ellipsis, None), (None, 3, 1)),
        ((slice(None), slice(0, 2)), (None, 2)),
        ((slice(None), slice(None, None, -1)), (None, 3)),
        (1, (3,)),
    ],
)
def test_indexing_and_slicing(index, shape):
    x = K.placeholder(shape=(None, 3))
    out = x[index]
    assert K.int_shape(out) == shape
    np.testing.assert_array_equal(_run(out, x, A), A[index])


def test_slicing_the_batch_axis_gives_an_unknown_size():
    x = K.placeholder(shape=(None, 3))
    assert K.int_shape(x[1:]) == (None, 3)
    np.testing.assert_array_equal(_run(x[1:], x, A), A[1:])


def test_tensors_are_not_bools_and_numpy_defers_to_them():
    x = K.placeholder(shape=(2,), name="x")
    with pytest.raises(TypeError, match="truth value of symbolic tensor 'eq' is unknown"):
        bool(x == 1)
    with pytest.raises(TypeError, match="Symbolic tensor 'x' cannot be iterated"):
        iter(x)
    assert isinstance(np.ones(2) + x, Tensor)
    assert len(K.placeholder(shape=(4, 2))) == 4
    with pytest.raises(TypeError, match=r"len\(\) of tensor 'x' with shape \(None,\)"):
        len(K.placeholder(shape=(None,), name="x"))


def test_lift_makes_a_jax_function_an_op():
    @K.lift
    def scaled_norm(x, scale=1.0):
        return scale * jnp.linalg.norm(x, axis=-1)

    concrete = scaled_norm(np.array([[3.0, 4.0]]), scale=2.0)
    assert isinstance(concrete, jax.Array)
    np.testing.assert_allclose(concrete, [10.0])
    x = K.placeholder(shape=(None, 2))
    out = scaled_norm(x, scale=2.0)
    assert isinstance(out, Tensor) and K.int_shape(out) == (None,)
    np.testing.assert_allclose(_run(out, x, np.array([[3.0, 4.0], [6.0, 8.0]])), [10.0, 20.0])
    assert scaled_norm.__name__ == "scaled_norm"


def test_lift_with_several_outputs_and_tensors_in_lists():
    @K.lift
    def split_sum(parts):
        total = sum(parts)
        return total, {"double": 2 * total}

    x, y = K.placeholder(shape=(None, 2)), K.placeholder(shape=(None, 2))
    total, extra = split_sum([x, y])
    assert K.int_shape(total) == (None, 2) and K.int_shape(extra["double"]) == (None, 2)
    out = K.function([x, y], [total, extra["double"]])([np.ones((1, 2)), np.ones((1, 2))])
    np.testing.assert_array_equal(out[1], [[4.0, 4.0]])


def test_unknown_dimensions_of_different_inputs_combine():
    # Only the batch axis is shared between placeholders; other unknown sizes are
    # unrelated symbols, and shape inference falls back to trying sizes.
    a = K.placeholder(shape=(None, None))
    b = K.placeholder(shape=(None, None))
    out = a + b
    assert K.int_shape(out) == (None, None)
    total = _run(out, a, np.ones((2, 5)), b, np.ones((2, 5)))
    np.testing.assert_array_equal(total, 2 * np.ones((2, 5)))
    assert K.int_shape(K.reshape(a, (-1,))) == (None,)
    assert K.int_shape(K.batch_flatten(K.placeholder(shape=(None, 2, 3)))) == (None, 6)


def test_an_op_on_incompatible_shapes_fails_when_built():
    x = K.placeholder(shape=(None, 4))
    w = K.variable(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"Op 'dot' cannot be applied to inputs of shapes "
                                         r"\(None, 4\), \(5, 3\)"):
        K.dot(x, w)


def test_random_shape_from_k_shape():
    # VAE-style sampling: the noise takes the shape of a tensor with a batch axis.
    mean = K.placeholder(shape=(None, 2))
    z = mean + K.random_normal(K.shape(mean))
    assert K.int_shape(z) == (None, 2)
    assert _run(z, mean, np.zeros((5, 2))).shape == (5, 2)


def test_introspection():
    x = K.placeholder(shape=(None, 3), dtype="int32", name="ids")
    assert (K.ndim(x), K.dtype(x), K.is_placeholder(x)) == (2, "int32", True)
    assert not K.is_placeholder(K.learning_phase())
    assert repr(x) == "<Placeholder 'ids' shape=(None, 3) dtype=int32>"
    assert K.is_keras_tensor(x) is False
    with pytest.raises(ValueError, match="Expected a symbolic tensor instance"):
        K.is_keras_tensor([1, 2])
    assert K.count_params(K.variable(np.zeros((3, 4)))) == 12
    with pytest.raises(ValueError, match=r"needs a fully known shape. Received shape \(None, 3\)"):
        K.count_params(x)
    assert K.int_shape(np.zeros((2, 5))) == (2, 5)
    assert K.is_tensor(x) and not K.is_tensor(np.zeros(2))


def test_clone_replaces_tensors_downstream_only():
    from nerve.graph.traversal import clone

    x = K.placeholder(shape=(2,))
    v = K.variable(np.array([1.0, 2.0]))
    shared = K.exp(x)
    out = shared + v * 3
    (copied,) = clone([out], {id(v): v + 10})
    f = K.function([x], [out, copied])
    old, new = f([np.zeros(2)])
    np.testing.assert_allclose(old, [4.0, 7.0])
    np.testing.assert_allclose(new, [34.0, 37.0])
    assert copied.node.inputs[0] is shared  # the part without `v` is not copied


def test_unknown_sizes_meeting_known_ones_take_their_size():
    a = K.placeholder(shape=(None, None))
    b = K.placeholder(shape=(None, 4))
    assert K.int_shape(a + b) == (None, 4)
    c = K.placeholder(shape=(None, None, 3))
    d = K.placeholder(shape=(None, 4, 5))
    assert K.int_shape(K.concatenate([c, d], axis=-1)) == (None, 4, 8)
    out = K.function([a, b], [a + b])([np.ones((2, 4)), np.ones((2, 4))])[0]
    np.testing.assert_array_equal(out, 2 * np.ones((2, 4)))
