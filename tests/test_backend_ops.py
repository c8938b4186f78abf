"""Every op of `nerve.backend` against a numpy reference with tf-keras 2.x semantics.

Each deterministic op is checked twice by `check`: eagerly on numpy arrays (a
concrete array comes back), and symbolically on placeholders compiled with
`K.function`, where `K.int_shape` must also be right: known where the inputs
determine a dimension, None where it follows an unknown input dimension.
"""

import jax
import numpy as np
import pytest

import nerve
from nerve import backend as K
from nerve.graph import Tensor, Variable

RNG = np.random.default_rng(0)
EPS = 1e-7  # K.epsilon()
GROW = 3  # an unknown input dimension grows by this much in the second reference run


def floats(*shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, shape).astype(np.float32)


def ints(high, *shape):
    return RNG.integers(0, high, shape).astype(np.int32)


def assert_same(got, expected):
    """Same shape, same dtype (kind only where numpy chose a 64-bit type), same values."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape
    if expected.dtype.itemsize == 8:
        assert got.dtype.kind == expected.dtype.kind, (got.dtype, expected.dtype)
    else:
        assert got.dtype == expected.dtype
    if expected.dtype.kind == "f":
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, expected)


def _grow(array, shape):
    # Larger along every unknown axis, repeating entries so indices and labels stay valid.
    for axis, dim in enumerate(shape):
        if dim is None:
            size = array.shape[axis]
            array = np.take(array, np.arange(size + GROW) % size, axis=axis)
    return array


def expected_int_shape(ref, arrays, shapes):
    """The reference's output shape, with None where it changes when unknown inputs grow."""
    grown = [_grow(a, s) for a, s in zip(arrays, shapes)]
    small, large = np.shape(ref(*arrays)), np.shape(ref(*grown))
    return tuple(d if d == e else None for d, e in zip(small, large))


def check(op, ref, arrays, shapes=None):
    """`op` eagerly and through placeholders of `shapes` (None: the arrays' shapes)."""
    expected = np.asarray(ref(*arrays))
    eager = op(*arrays)
    assert isinstance(eager, (jax.Array, np.ndarray)), type(eager)
    assert_same(eager, expected)

    shapes = [a.shape for a in arrays] if shapes is None else shapes
    inputs = [K.placeholder(shape=s, dtype=a.dtype.name) for a, s in zip(arrays, shapes)]
    out = op(*inputs)
    assert isinstance(out, Tensor)
    assert_same(K.function(inputs, out)(list(arrays)), expected)
    static = K.int_shape(out)
    assert len(static) == expected.ndim
    assert all(s is None or s == d for s, d in zip(static, expected.shape)), static
    if all(None not in s for s in shapes):
        assert static == expected.shape
    assert static == expected_int_shape(ref, arrays, shapes)


def case(id, op, ref, arrays, shapes=None):  # noqa: A002 - pytest's name
    return pytest.param(op, ref, arrays, shapes, id=id)


OPS = "op, ref, arrays, shapes"


# Linear algebra and shapes.


def np_batch_dot(x, y, axes=None):
    """tf-keras 2.x's algorithm: move the contracted axes, squash to rank 3, matmul."""
    x_ndim, y_ndim = x.ndim, y.ndim
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 1 if y_ndim == 2 else y_ndim - 2)
    a0, a1 = axes[0] % x_ndim, axes[1] % y_ndim
    if x_ndim == 2:
        x, a0 = x[:, None, :], a0 + 1
    if y_ndim == 2:
        y = y[:, :, None]
    x, y = np.moveaxis(x, a0, -1), np.moveaxis(y, a1, 1)
    mid, trail = x.shape[1:-1], y.shape[2:]
    out = np.matmul(x.reshape(len(x), -1, x.shape[-1]), y.reshape(len(y), y.shape[1], -1))
    out = out.reshape((len(out),) + mid + trail)
    if x_ndim == 2:
        return np.squeeze(out, 1)
    return np.squeeze(out, -1) if y_ndim == 2 else out


LINEAR = [
    case("dot-2d", K.dot, np.dot, [floats(2, 3), floats(3, 4)], [(None, 3), (3, 4)]),
    case("dot-theano-nd", K.dot, np.dot, [floats(2, 3), floats(4, 3, 5)]),
    case("dot-nd-batch", K.dot, np.dot, [floats(2, 3), floats(4, 3, 5)], [(None, 3), (4, 3, 5)]),
    case("dot-3d-2d", K.dot, np.dot, [floats(2, 2, 3), floats(3, 4)], [(None, 2, 3), (3, 4)]),
    case("dot-unknown-k", K.dot, np.dot, [floats(2, 3), floats(3, 4)], [(2, None), (None, 4)]),
    case(
        "batch_dot-2d-2d",
        K.batch_dot,
        np_batch_dot,
        [floats(2, 3), floats(2, 3)],
        [(None, 3), (None, 3)],
    ),
    case(
        "batch_dot-2d-2d-int-axes",
        lambda x, y: K.batch_dot(x, y, axes=1),
        lambda x, y: np_batch_dot(x, y, axes=1),
        [floats(2, 3), floats(2, 3)],
    ),
    case("batch_dot-3d-3d", K.batch_dot, np_batch_dot, [floats(2, 3, 4), floats(2, 4, 5)]),
    case(
        "batch_dot-3d-3d-axes",
        lambda x, y: K.batch_dot(x, y, axes=(1, 2)),
        lambda x, y: np_batch_dot(x, y, axes=(1, 2)),
        [floats(2, 3, 4), floats(2, 5, 3)],
        [(None, 3, 4), (None, 5, 3)],
    ),
    case(
        "batch_dot-3d-3d-int-axes",
        lambda x, y: K.batch_dot(x, y, axes=2),
        lambda x, y: np_batch_dot(x, y, axes=2),
        [floats(2, 3, 4), floats(2, 5, 4)],
    ),
    case(
        "batch_dot-negative-axes",
        lambda x, y: K.batch_dot(x, y, axes=(-1, -2)),
        lambda x, y: np_batch_dot(x, y, axes=(-1, -2)),
        [floats(2, 3, 4), floats(2, 4, 5)],
    ),
    case(
        "batch_dot-3d-2d",
        K.batch_dot,
        np_batch_dot,
        [floats(2, 3, 4), floats(2, 4)],
        [(None, 3, 4), (None, 4)],
    ),
    case(
        "batch_dot-2d-3d",
        K.batch_dot,
        np_batch_dot,
        [floats(2, 4), floats(2, 4, 5)],
        [(None, 4), (None, 4, 5)],
    ),
    case(
        "batch_dot-keras-doc-example",
        lambda x, y: K.batch_dot(x, y, axes=(1, 2)),
        lambda x, y: np_batch_dot(x, y, axes=(1, 2)),
        [floats(3, 4), floats(3, 5, 4)],
    ),
    case(
        "batch_dot-4d-3d",
        K.batch_dot,
        np_batch_dot,
        [floats(2, 3, 4, 5), floats(2, 5, 6)],
        [(None, 3, 4, 5), (None, 5, 6)],
    ),
    case(
        "batch_dot-3d-4d",
        lambda x, y: K.batch_dot(x, y, axes=(1, 3)),
        lambda x, y: np_batch_dot(x, y, axes=(1, 3)),
        [floats(2, 3, 4), floats(2, 5, 6, 3)],
    ),
]

SHAPES = [
    case("transpose-2d", K.transpose, np.transpose, [floats(2, 3)], [(None, 3)]),
    case("transpose-3d", K.transpose, np.transpose, [floats(2, 3, 4)]),
    case(
        "reshape-batch",
        lambda x: K.reshape(x, (-1, 6)),
        lambda x: x.reshape(-1, 6),
        [floats(2, 2, 3)],
        [(None, 2, 3)],
    ),
    case(
        "reshape-known",
        lambda x: K.reshape(x, [4, 3, 2]),
        lambda x: x.reshape(4, 3, 2),
        [floats(2, 3, 4)],
    ),
    case(
        "permute_dimensions",
        lambda x: K.permute_dimensions(x, (0, 2, 1)),
        lambda x: x.transpose(0, 2, 1),
        [floats(2, 3, 4)],
        [(None, 3, 4)],
    ),
    case(
        "permute_dimensions-batch-moves",
        lambda x: K.permute_dimensions(x, [2, 0, 1]),
        lambda x: x.transpose(2, 0, 1),
        [floats(2, 3, 4)],
        [(None, 3, 4)],
    ),
    case("flatten", K.flatten, np.ravel, [floats(2, 2, 3)], [(None, 2, 3)]),
    case("flatten-known", K.flatten, np.ravel, [floats(2, 3)]),
    case(
        "batch_flatten",
        K.batch_flatten,
        lambda x: x.reshape(len(x), -1),
        [floats(2, 2, 3)],
        [(None, 2, 3)],
    ),
    case(
        "batch_flatten-unknown-inner",
        K.batch_flatten,
        lambda x: x.reshape(len(x), -1),
        [floats(2, 2, 3, 1)],
        [(2, None, 3, 1)],
    ),
    case("expand_dims", K.expand_dims, lambda x: x[..., None], [floats(2, 3)], [(None, 3)]),
    case(
        "expand_dims-axis-0",
        lambda x: K.expand_dims(x, 0),
        lambda x: x[None],
        [floats(2, 3)],
        [(None, 3)],
    ),
    case(
        "expand_dims-axis-1",
        lambda x: K.expand_dims(x, axis=1),
        lambda x: x[:, None],
        [floats(2, 3)],
    ),
    case(
        "squeeze",
        lambda x: K.squeeze(x, 1),
        lambda x: x[:, 0],
        [floats(2, 1, 3)],
        [(None, 1, 3)],
    ),
    case(
        "squeeze-last",
        lambda x: K.squeeze(x, -1),
        lambda x: x[..., 0],
        [floats(2, 3, 1)],
    ),
    case(
        "concatenate",
        lambda x, y: K.concatenate([x, y]),
        lambda x, y: np.concatenate([x, y], -1),
        [floats(2, 2), floats(2, 3)],
        [(None, 2), (None, 3)],
    ),
    case(
        "concatenate-batch-axis",
        lambda x, y: K.concatenate([x, y], axis=0),
        lambda x, y: np.concatenate([x, y], 0),
        [floats(2, 3), floats(2, 3)],
        [(None, 3), (None, 3)],
    ),
    case(
        "concatenate-three-axis-1",
        lambda x, y, z: K.concatenate([x, y, z], axis=1),
        lambda x, y, z: np.concatenate([x, y, z], 1),
        [floats(2, 1, 2), floats(2, 2, 2), floats(2, 3, 2)],
    ),
    case(
        "stack",
        lambda x, y: K.stack([x, y]),
        lambda x, y: np.stack([x, y]),
        [floats(2, 3), floats(2, 3)],
        [(None, 3), (None, 3)],
    ),
    case(
        "stack-axis-1",
        lambda x, y: K.stack([x, y], axis=1),
        lambda x, y: np.stack([x, y], 1),
        [floats(2, 3), floats(2, 3)],
        [(None, 3), (None, 3)],
    ),
    case(
        "stack-axis-last",
        lambda x, y, z: K.stack([x, y, z], axis=-1),
        lambda x, y, z: np.stack([x, y, z], -1),
        [floats(2, 3), floats(2, 3), floats(2, 3)],
    ),
    case(
        "tile",
        lambda x: K.tile(x, [2, 3]),
        lambda x: np.tile(x, (2, 3)),
        [floats(2, 3)],
        [(None, 3)],
    ),
    case(
        "tile-3d",
        lambda x: K.tile(x, (1, 2, 1)),
        lambda x: np.tile(x, (1, 2, 1)),
        [floats(2, 3, 2)],
    ),
    case(
        "repeat",
        lambda x: K.repeat(x, 4),
        lambda x: np.stack([x] * 4, axis=1),
        [floats(2, 3)],
        [(None, 3)],
    ),
    case(
        "repeat_elements-axis-1",
        lambda x: K.repeat_elements(x, 2, axis=1),
        lambda x: np.repeat(x, 2, axis=1),
        [floats(2, 3)],
        [(None, 3)],
    ),
    case(
        "repeat_elements-batch-axis",
        lambda x: K.repeat_elements(x, 3, 0),
        lambda x: np.repeat(x, 3, axis=0),
        [floats(2, 3)],
        [(None, 3)],
    ),
    case(
        "repeat_elements-unknown-axis",
        lambda x: K.repeat_elements(x, 2, axis=-1),
        lambda x: np.repeat(x, 2, axis=-1),
        [floats(2, 3, 4)],
        [(None, 3, None)],
    ),
    case(
        "gather",
        K.gather,
        lambda ref, i: ref[i],
        [floats(5, 3), np.array([4, 0, 0, 2], np.int32)],
        [(5, 3), (None,)],
    ),
    case(
        "gather-2d-indices",
        K.gather,
        lambda ref, i: ref[i],
        [floats(5, 3), np.array([[1, 3], [4, 1]], np.int32)],
    ),
    case(
        "gather-unknown-reference",
        K.gather,
        lambda ref, i: ref[i],
        [floats(5, 3), np.array([1, 1, 0], np.int32)],
        [(None, 3), (3,)],
    ),
    case(
        "one_hot",
        lambda i: K.one_hot(i, 4),
        lambda i: np.eye(4, dtype=np.float32)[i],
        [np.array([3, 0, 2, 2], np.int32)],
        [(None,)],
    ),
    case(
        "one_hot-2d",
        lambda i: K.one_hot(i, 3),
        lambda i: np.eye(3, dtype=np.float32)[i],
        [ints(3, 2, 4)],
        [(None, 4)],
    ),
    case(
        "cast-float-to-int32",
        lambda x: K.cast(x, "int32"),
        lambda x: x.astype(np.int32),  # truncates towards zero, as tf.cast
        [np.array([[-1.7, -0.2, 0.5, 2.9]], np.float32)],
        [(None, 4)],
    ),
    case(
        "cast-int-to-floatx",
        lambda x: K.cast(x, K.floatx()),
        lambda x: x.astype(np.float32),
        [ints(9, 2, 3)],
        [(None, 3)],
    ),
    case(
        "cast-float16",
        lambda x: K.cast(x, "float16"),
        lambda x: x.astype(np.float16),
        [floats(2, 3)],
    ),
    case(
        "cast-bool",
        lambda x: K.cast(x, "bool"),
        lambda x: x.astype(bool),
        [np.array([[0.0, 1.5, -2.0, 0.0]], np.float32)],
        [(None, 4)],
    ),
    case(
        "shape",
        K.shape,
        lambda x: np.array(x.shape, np.int32),
        [floats(2, 3)],
        [(None, 3)],
    ),
    case("shape-3d", K.shape, lambda x: np.array(x.shape, np.int32), [floats(2, 3, 4)]),
    case("zeros_like", K.zeros_like, np.zeros_like, [floats(2, 3)], [(None, 3)]),
    case("ones_like", K.ones_like, np.ones_like, [floats(2, 3)], [(None, 3)]),
    case(
        "zeros_like-dtype",
        lambda x: K.zeros_like(x, dtype="int32"),
        lambda x: np.zeros(x.shape, np.int32),
        [floats(2, 3)],
        [(None, 3)],
    ),
    case(
        "ones_like-dtype",
        lambda x: K.ones_like(x, dtype="float16"),
        lambda x: np.ones(x.shape, np.float16),
        [ints(4, 2, 3)],
    ),
]


@pytest.mark.parametrize(OPS, LINEAR + SHAPES)
def test_linear_algebra_and_shape_ops(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


# Reductions.

X3 = floats(2, 3, 4)
POSITIVE = floats(2, 3, 4, low=0.5, high=1.5)
FLAGS = np.array([[[True, False], [True, True]], [[False, False], [True, False]]])
AXES = [
    pytest.param({}, id="all"),
    pytest.param({"axis": 0}, id="axis-0"),
    pytest.param({"axis": 1}, id="axis-1"),
    pytest.param({"axis": -1, "keepdims": True}, id="axis-last-keepdims"),
    pytest.param({"axis": [1, 2]}, id="axis-list"),
    pytest.param({"axis": None, "keepdims": True}, id="all-keepdims"),
]


def _f32(fn):
    # Statistics in float64, compared as the float32 the op returns.
    return lambda x, **kw: np.asarray(fn(np.float64(x), **kw), np.float32)


def _axis(kw):
    axis = kw.get("axis")
    return {**kw, "axis": tuple(axis) if isinstance(axis, list) else axis}


REDUCTIONS = [
    pytest.param(K.sum, _f32(np.sum), X3, id="sum"),
    pytest.param(K.mean, _f32(np.mean), X3, id="mean"),
    pytest.param(K.mean, _f32(np.mean), FLAGS, id="mean-of-bool"),
    pytest.param(K.max, np.max, X3, id="max"),
    pytest.param(K.min, np.min, X3, id="min"),
    pytest.param(K.prod, _f32(np.prod), POSITIVE, id="prod"),
    pytest.param(K.std, _f32(np.std), X3, id="std"),
    pytest.param(K.var, _f32(np.var), X3, id="var"),
    pytest.param(K.any, np.any, FLAGS, id="any"),
    pytest.param(K.all, np.all, FLAGS, id="all"),
    pytest.param(K.any, np.any, np.float32(FLAGS) * X3[:, :2, :2], id="any-of-float"),
    pytest.param(K.all, np.all, np.float32(FLAGS) * X3[:, :2, :2], id="all-of-float"),
]


@pytest.mark.parametrize("kwargs", AXES)
@pytest.mark.parametrize("op, ref, x", REDUCTIONS)
def test_reductions(op, ref, x, kwargs):
    check(
        lambda t: op(t, **kwargs),
        lambda a: ref(a, **_axis(kwargs)),
        [x],
        [(None,) + x.shape[1:]],
    )


ARG_OPS = [
    case("argmax", K.argmax, lambda x: np.argmax(x, -1), [X3], [(None, 3, 4)]),
    case("argmax-axis-0", lambda x: K.argmax(x, 0), lambda x: np.argmax(x, 0), [X3]),
    case("argmin", K.argmin, lambda x: np.argmin(x, -1), [X3], [(None, 3, 4)]),
    case(
        "argmin-axis-1",
        lambda x: K.argmin(x, axis=1),
        lambda x: np.argmin(x, 1),
        [X3],
        [(None, 3, 4)],
    ),
    case("cumsum", K.cumsum, lambda x: np.cumsum(x, 0), [X3], [(None, 3, 4)]),
    case(
        "cumsum-axis-1",
        lambda x: K.cumsum(x, axis=1),
        lambda x: np.cumsum(x, 1),
        [X3],
        [(None, 3, 4)],
    ),
    case(
        "cumsum-int",
        lambda x: K.cumsum(x, -1),
        lambda x: np.cumsum(x, -1).astype(np.int32),
        [ints(5, 2, 4)],
    ),
]


@pytest.mark.parametrize(OPS, ARG_OPS)
def test_arg_and_scan_ops(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


# Elementwise.

HALVES = np.array([[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -0.6]], np.float32)
WIDE = np.array([[-4.0, -2.5, -1.0, -0.1, 0.0, 0.3, 1.0, 2.5, 3.0, 4.0]], np.float32)
NONZERO = np.array([[-3.0, -1.5, -0.25, 0.5, 2.0, 4.0]], np.float32)


def np_sigmoid(x):
    return 1 / (1 + np.exp(-np.float64(x)))


def _np32(fn):
    return lambda x: np.asarray(fn(np.float64(x)), np.float32)


UNARY = [
    ("square", K.square, np.square, WIDE),
    ("sqrt", K.sqrt, lambda x: np.sqrt(np.maximum(x, 0)), WIDE),  # negatives clip to 0
    ("exp", K.exp, np.exp, WIDE),
    ("log", K.log, np.log, np.abs(NONZERO)),
    ("abs", K.abs, np.abs, WIDE),
    ("sign", K.sign, np.sign, WIDE),
    ("round-half-to-even", K.round, np.round, HALVES),
    ("sin", K.sin, np.sin, WIDE),
    ("cos", K.cos, np.cos, WIDE),
    ("tanh", K.tanh, np.tanh, WIDE),
    ("sigmoid", K.sigmoid, _np32(np_sigmoid), WIDE),
    ("hard_sigmoid", K.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1), WIDE),
    ("softplus", K.softplus, _np32(lambda x: np.log1p(np.exp(x))), WIDE),
    ("softsign", K.softsign, lambda x: x / (1 + np.abs(x)), WIDE),
    ("elu", K.elu, _np32(lambda x: np.where(x > 0, x, np.expm1(x))), WIDE),
    (
        "elu-alpha",
        lambda x: K.elu(x, 0.5),
        _np32(lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
        WIDE,
    ),
    ("pow-int", lambda x: K.pow(x, 3), lambda x: x**3, WIDE),
    ("pow-half", lambda x: K.pow(x, 0.5), lambda x: x**0.5, np.abs(NONZERO)),
    ("pow-negative", lambda x: K.pow(x, -1.0), lambda x: 1 / x, NONZERO),
    ("clip", lambda x: K.clip(x, -1.0, 2.0), lambda x: np.clip(x, -1, 2), WIDE),
    ("clip-no-min", lambda x: K.clip(x, None, 0.5), lambda x: np.minimum(x, 0.5), WIDE),
    ("clip-no-max", lambda x: K.clip(x, 0.0, None), lambda x: np.maximum(x, 0), WIDE),
    # tf-keras raises max_value to min_value when they are the wrong way round.
    ("clip-inverted", lambda x: K.clip(x, 1.0, -1.0), lambda x: np.full_like(x, 1.0), WIDE),
]


@pytest.mark.parametrize(
    OPS, [case(name, op, ref, [x], [(None, x.shape[1])]) for name, op, ref, x in UNARY]
)
def test_elementwise_unary(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


def test_round_is_half_to_even_exactly():
    np.testing.assert_array_equal(K.round(HALVES), [[-2, -2, -0, 0, 2, 2, 0, -1]])


WHOLE = RNG.integers(-2, 3, (3, 4)).astype(np.float32)  # whole numbers, so some are equal
ROW = RNG.integers(-2, 3, (4,)).astype(np.float32)
BINARY = [
    ("maximum", K.maximum, np.maximum),
    ("minimum", K.minimum, np.minimum),
    ("equal", K.equal, np.equal),
    ("not_equal", K.not_equal, np.not_equal),
    ("greater", K.greater, np.greater),
    ("greater_equal", K.greater_equal, np.greater_equal),
    ("less", K.less, np.less),
    ("less_equal", K.less_equal, np.less_equal),
]


@pytest.mark.parametrize(
    OPS,
    [case(name, op, ref, [WHOLE, ROW], [(None, 4), (4,)]) for name, op, ref in BINARY]
    + [case(f"{name}-same-shape", op, ref, [WHOLE, WHOLE[::-1]]) for name, op, ref in BINARY],
)
def test_elementwise_binary(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


# Activations and normalisation.


def np_relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """tf-keras 2.x `K.relu`, step by step."""
    negative = np.maximum(threshold - x, 0)
    out = np.where(x > threshold, x, 0).astype(x.dtype)
    if max_value is not None:
        out = np.clip(out, 0, max_value).astype(x.dtype)
    return out - np.float32(alpha) * negative


RELU_X = np.array([[-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, 5.0, 6.0, 7.0]], np.float32)
RELU_ARGS = [
    pytest.param({}, id="plain"),
    pytest.param({"alpha": 0.1}, id="leaky"),
    pytest.param({"max_value": 6.0}, id="relu6"),
    pytest.param({"max_value": 2.5}, id="max_value"),
    pytest.param({"threshold": 1.0}, id="threshold"),
    pytest.param({"alpha": 0.2, "threshold": 1.0}, id="alpha-threshold"),
    pytest.param({"alpha": 0.3, "max_value": 2.0, "threshold": 0.5}, id="all-three"),
    pytest.param({"max_value": 2.0, "threshold": -1.0}, id="negative-threshold-clipped-at-0"),
    pytest.param({"alpha": 0.5, "max_value": 5.0}, id="alpha-max_value"),
]


@pytest.mark.parametrize("kwargs", RELU_ARGS)
def test_relu(kwargs):
    check(
        lambda x: K.relu(x, **kwargs),
        lambda x: np_relu(x, **kwargs),
        [RELU_X],
        [(None, RELU_X.shape[1])],
    )


def test_relu_at_the_threshold_is_zero_as_in_tf_keras():
    x = np.array([1.0, 2.0], np.float32)
    np.testing.assert_array_equal(K.relu(x, threshold=1.0), [0.0, 2.0])
    np.testing.assert_array_equal(K.relu(x, alpha=0.5, threshold=1.0), [0.0, 2.0])
    np.testing.assert_array_equal(K.relu(x * 3, max_value=3.0), [3.0, 3.0])


def np_softmax(x, axis=-1):
    x = np.float64(x)
    e = np.exp(x - x.max(axis, keepdims=True))
    return np.float32(e / e.sum(axis, keepdims=True))


def np_l2_normalize(x, axis=None):
    x = np.float64(x)
    return np.float32(x / np.sqrt(np.maximum(np.sum(x * x, axis, keepdims=True), 1e-12)))


WITH_ZERO_ROW = np.concatenate([floats(2, 4), np.zeros((1, 4), np.float32)])

NORMALISATIONS = [
    case("softmax", K.softmax, np_softmax, [floats(3, 4)], [(None, 4)]),
    case(
        "softmax-axis-1",
        lambda x: K.softmax(x, axis=1),
        lambda x: np_softmax(x, 1),
        [floats(2, 3, 4)],
        [(None, 3, 4)],
    ),
    case(
        "softmax-axis-0",
        lambda x: K.softmax(x, 0),
        lambda x: np_softmax(x, 0),
        [floats(3, 4)],
    ),
    case(
        "l2_normalize-all",
        K.l2_normalize,
        np_l2_normalize,
        [WITH_ZERO_ROW],
        [(None, 4)],
    ),
    case(
        "l2_normalize-rows-with-a-zero-row",
        lambda x: K.l2_normalize(x, axis=-1),
        lambda x: np_l2_normalize(x, -1),
        [WITH_ZERO_ROW],
        [(None, 4)],
    ),
    case(
        "l2_normalize-axis-0",
        lambda x: K.l2_normalize(x, 0),
        lambda x: np_l2_normalize(x, 0),
        [WITH_ZERO_ROW],
    ),
]


def np_bias_add(x, bias, channels_first=False):
    """tf-keras 2.x `bias_add`: a multi-dimensional bias is (spatial..., channels), and for
    channels_first it is reshaped (not transposed) to (channels, spatial...)."""
    if channels_first and x.ndim > 2:
        if bias.ndim == 1:
            bias = bias.reshape((-1,) + (1,) * (x.ndim - 2))
        else:
            bias = bias.reshape(bias.shape[-1:] + bias.shape[:-1])
    return x + bias


BIAS = [
    case("bias_add-2d", K.bias_add, np_bias_add, [floats(2, 3), floats(3)], [(None, 3), (3,)]),
    case(
        "bias_add-4d-channels_last",
        lambda x, b: K.bias_add(x, b, data_format="channels_last"),
        np_bias_add,
        [floats(2, 2, 2, 3), floats(3)],
        [(None, 2, 2, 3), (3,)],
    ),
    case(
        "bias_add-4d-channels_first",
        lambda x, b: K.bias_add(x, b, data_format="channels_first"),
        lambda x, b: np_bias_add(x, b, channels_first=True),
        [floats(2, 3, 2, 2), floats(3)],
        [(None, 3, 2, 2), (3,)],
    ),
    case(
        "bias_add-3d-channels_first",
        lambda x, b: K.bias_add(x, b, "channels_first"),
        lambda x, b: np_bias_add(x, b, channels_first=True),
        [floats(2, 3, 4), floats(3)],
    ),
    case(
        "bias_add-2d-channels_first",
        lambda x, b: K.bias_add(x, b, "channels_first"),
        lambda x, b: np_bias_add(x, b, channels_first=True),
        [floats(2, 3), floats(3)],
    ),
    case(
        "bias_add-full-bias-channels_last",
        K.bias_add,
        np_bias_add,
        [floats(2, 2, 3, 4), floats(2, 3, 4)],
        [(None, 2, 3, 4), (2, 3, 4)],
    ),
    case(
        "bias_add-full-bias-channels_first",
        lambda x, b: K.bias_add(x, b, "channels_first"),
        lambda x, b: np_bias_add(x, b, channels_first=True),
        [floats(2, 4, 2, 3), floats(2, 3, 4)],
        [(None, 4, 2, 3), (2, 3, 4)],
    ),
]


@pytest.mark.parametrize(OPS, NORMALISATIONS + BIAS)
def test_normalisations_and_bias_add(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


# Losses.


def np_log_softmax(x, axis=-1):
    x = np.float64(x)
    shifted = x - x.max(axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis, keepdims=True))


def np_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if from_logits:
        log_probs = np_log_softmax(output, axis)
    else:
        output = np.float64(output) / np.sum(output, axis, keepdims=True)
        log_probs = np.log(np.clip(output, EPS, 1 - EPS))
    return np.float32(-np.sum(target * log_probs, axis))


def np_sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """tf-keras 2.x: log of the clipped probabilities, used as logits."""
    output = np.moveaxis(np.float64(output), axis, -1)
    if not from_logits:
        output = np.log(np.clip(output, EPS, 1 - EPS))
    labels = target.reshape(output.shape[:-1]).astype(int)
    log_probs = np_log_softmax(output)
    return np.float32(-np.take_along_axis(log_probs, labels[..., None], -1)[..., 0])


def np_binary_crossentropy(target, output, from_logits=False):
    target = np.float64(target)
    if from_logits:
        p = np_sigmoid(output)
        return np.float32(-(target * np.log(p) + (1 - target) * np.log(1 - p)))
    p = np.clip(np.float64(output), EPS, 1 - EPS)
    return np.float32(-(target * np.log(p + EPS) + (1 - target) * np.log(1 - p + EPS)))


LABELS = np.array([2, 0, 1, 1], np.int32)
ONE_HOT = np.eye(3, dtype=np.float32)[LABELS]
# Unnormalised rows, and a row with exact 0 and 1 to show the clipping.
PROBS = np.concatenate([floats(3, 3, low=0.05, high=1.0), [[1.0, 0.0, 0.0]]]).astype(np.float32)
LOGITS = floats(4, 3, low=-3.0, high=3.0)
PROBS_3D = floats(2, 3, 4, low=0.05, high=1.0)  # classes on axis 1
SOFT = floats(4, 3, low=0.0, high=1.0)
# Zero and tiny probabilities get clipped. (Near 1, `1 - p + eps` is float32 rounding
# noise that XLA's constant folding changes; see the test of certain predictions.)
EDGES = np.array([[0.0, 0.999, 0.3], [0.9, 0.5, 1e-9], [0.99, 0.0, 0.7], [0.2, 0.8, 0.5]], "f")


def _loss(fn, ref, **kwargs):
    return (lambda t, o: fn(t, o, **kwargs)), (lambda t, o: ref(t, o, **kwargs))


def cce(**kwargs):
    return _loss(K.categorical_crossentropy, np_categorical_crossentropy, **kwargs)


def scce(**kwargs):
    return _loss(K.sparse_categorical_crossentropy, np_sparse_categorical_crossentropy, **kwargs)


def bce(**kwargs):
    return _loss(K.binary_crossentropy, np_binary_crossentropy, **kwargs)


LOSSES = [
    case("cce", *cce(), [ONE_HOT, PROBS], [(None, 3), (None, 3)]),
    case("cce-soft-targets", *cce(), [SOFT, PROBS]),
    case("cce-logits", *cce(from_logits=True), [ONE_HOT, LOGITS], [(None, 3), (None, 3)]),
    case(
        "cce-axis-1",
        *cce(axis=1),
        [np.eye(3, dtype=np.float32)[:, [0, 2, 1, 1]][None].repeat(2, 0), PROBS_3D],
        [(None, 3, 4), (None, 3, 4)],
    ),
    case(
        "cce-logits-axis-1",
        *cce(from_logits=True, axis=1),
        [np.eye(3, dtype=np.float32)[:, [0, 2, 1, 1]][None].repeat(2, 0), PROBS_3D],
    ),
    case("scce", *scce(), [LABELS, PROBS], [(None,), (None, 3)]),
    case("scce-labels-n-1", *scce(), [LABELS[:, None], PROBS], [(None, 1), (None, 3)]),
    case("scce-float-labels", *scce(), [np.float32(LABELS[:, None]), PROBS]),
    case("scce-logits", *scce(from_logits=True), [LABELS, LOGITS], [(None,), (None, 3)]),
    case(
        "scce-logits-labels-n-1",
        *scce(from_logits=True),
        [LABELS[:, None], LOGITS],
        [(None, 1), (None, 3)],
    ),
    case(
        "scce-timesteps",
        *scce(),
        [ints(4, 2, 3), floats(2, 3, 4, low=0.05, high=1.0)],
        [(None, 3), (None, 3, 4)],
    ),
    case("scce-axis-1", *scce(axis=1), [ints(3, 2, 4), PROBS_3D]),
    case("bce", *bce(), [SOFT, EDGES], [(None, 3), (None, 3)]),
    case("bce-hard-targets", *bce(), [np.float32(ONE_HOT), EDGES]),
    case("bce-logits", *bce(from_logits=True), [SOFT, LOGITS], [(None, 3), (None, 3)]),
]


@pytest.mark.parametrize(OPS, LOSSES)
def test_crossentropies(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


def test_binary_crossentropy_of_certain_wrong_predictions_is_clipped():
    target = np.array([[1.0, 0.0]], np.float32)
    output = np.array([[0.0, 1.0]], np.float32)
    expected = -np.log(2 * EPS)  # p clipped to eps (or 1 - eps), plus eps inside the log
    x, y = K.placeholder(shape=(None, 2)), K.placeholder(shape=(None, 2))
    compiled = K.function([x, y], K.binary_crossentropy(x, y))
    for loss in [K.binary_crossentropy(target, output), compiled([target, output])]:
        np.testing.assert_allclose(loss, [[expected, expected]], rtol=2e-2)  # float32 noise


def test_crossentropies_of_perfect_predictions_are_finite_and_tiny():
    target = np.array([[0.0, 1.0]], np.float32)
    losses = [
        K.categorical_crossentropy(target, target),
        K.sparse_categorical_crossentropy(np.array([1]), target),
        K.binary_crossentropy(target, target),
    ]
    for loss in losses:
        assert np.all(np.abs(np.asarray(loss)) < 3e-7), loss


# Convolution and pooling.


def _same_padding(sizes, windows, strides):
    pads = []
    for size, window, stride in zip(sizes, windows, strides):
        total = max((-(-size // stride) - 1) * stride + window - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def np_conv(x, kernel, strides=1, padding="valid", channels_first=False, dilation=1):
    """Direct convolution, one output position at a time; TensorFlow's 'same' padding."""
    n = x.ndim - 2
    strides = (strides,) * n if isinstance(strides, int) else tuple(strides)
    dilation = (dilation,) * n if isinstance(dilation, int) else tuple(dilation)
    x = np.moveaxis(np.float64(x), 1, -1) if channels_first else np.float64(x)
    size = kernel.shape[:n]
    spans = [(k - 1) * d + 1 for k, d in zip(size, dilation)]
    if padding == "causal":
        x = np.pad(x, [(0, 0), (spans[0] - 1, 0), (0, 0)])
    elif padding == "same":
        x = np.pad(x, [(0, 0)] + _same_padding(x.shape[1:-1], spans, strides) + [(0, 0)])
    out_size = [(s - span) // st + 1 for s, span, st in zip(x.shape[1:-1], spans, strides)]
    out = np.zeros((len(x), *out_size, kernel.shape[-1]))
    for o in np.ndindex(*out_size):
        for k in np.ndindex(*size):
            at = tuple(i * st + j * d for i, j, st, d in zip(o, k, strides, dilation))
            out[(slice(None), *o)] += x[(slice(None), *at)] @ kernel[k]
    return np.float32(np.moveaxis(out, -1, 1) if channels_first else out)


def np_pool2d(x, pool, strides=(1, 1), padding="valid", channels_first=False, mode="max"):
    """Pooling over NaN padding, so 'same' averages count only real cells."""
    x = np.moveaxis(np.float64(x), 1, -1) if channels_first else np.float64(x)
    if padding == "same":
        pads = _same_padding(x.shape[1:3], pool, strides)
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=np.nan)
    rows = (x.shape[1] - pool[0]) // strides[0] + 1
    cols = (x.shape[2] - pool[1]) // strides[1] + 1
    reduce = np.nanmax if mode == "max" else np.nanmean
    out = np.empty((len(x), rows, cols, x.shape[-1]))
    for i, j in np.ndindex(rows, cols):
        r, c = i * strides[0], j * strides[1]
        out[:, i, j] = reduce(x[:, r : r + pool[0], c : c + pool[1]], axis=(1, 2))
    return np.float32(np.moveaxis(out, -1, 1) if channels_first else out)


def _conv(fn, ref, **kwargs):
    ref_kwargs = {
        "strides": kwargs.get("strides", 1),
        "padding": kwargs.get("padding", "valid"),
        "channels_first": kwargs.get("data_format") == "channels_first",
        "dilation": kwargs.get("dilation_rate", 1),
    }
    return (lambda x, k: fn(x, k, **kwargs)), (lambda x, k: ref(x, k, **ref_kwargs))


def _pool(**kwargs):
    ref_kwargs = {
        "strides": kwargs.get("strides", (1, 1)),
        "padding": kwargs.get("padding", "valid"),
        "channels_first": kwargs.get("data_format") == "channels_first",
        "mode": kwargs.get("pool_mode", "max"),
    }
    pool = kwargs.pop("pool_size")
    return (lambda x: K.pool2d(x, pool, **kwargs)), (lambda x: np_pool2d(x, pool, **ref_kwargs))


SEQ, K1 = floats(2, 7, 2), floats(3, 2, 4)
IMG, K2 = floats(2, 5, 5, 2), floats(3, 3, 2, 3)
CONVS = [
    case("conv1d-valid", *_conv(K.conv1d, np_conv), [SEQ, K1], [(None, 7, 2), (3, 2, 4)]),
    case("conv1d-same-strided", *_conv(K.conv1d, np_conv, strides=2, padding="same"), [SEQ, K1]),
    case(
        "conv1d-causal-dilated",
        *_conv(K.conv1d, np_conv, padding="causal", dilation_rate=2),
        [SEQ, K1],
        [(None, 7, 2), (3, 2, 4)],
    ),
    case("conv1d-causal", *_conv(K.conv1d, np_conv, padding="causal"), [SEQ, K1]),
    case(
        "conv1d-same-dilated",
        *_conv(K.conv1d, np_conv, padding="same", dilation_rate=2),
        [SEQ, K1],
        [(None, 7, 2), (3, 2, 4)],
    ),
    case(
        "conv1d-unknown-steps",
        *_conv(K.conv1d, np_conv, strides=2),
        [SEQ, K1],
        [(None, None, 2), (3, 2, 4)],
    ),
    case(
        "conv1d-channels_first",
        *_conv(K.conv1d, np_conv, padding="same", data_format="channels_first"),
        [np.moveaxis(SEQ, 1, 2).copy(), K1],
        [(None, 2, 7), (3, 2, 4)],
    ),
    case("conv2d-valid", *_conv(K.conv2d, np_conv), [IMG, K2], [(None, 5, 5, 2), (3, 3, 2, 3)]),
    case(
        "conv2d-same-strided",
        *_conv(K.conv2d, np_conv, strides=(2, 2), padding="same"),
        [IMG, K2],
        [(None, 5, 5, 2), (3, 3, 2, 3)],
    ),
    case(
        "conv2d-uneven",
        *_conv(K.conv2d, np_conv, strides=(2, 1)),
        [IMG, floats(2, 3, 2, 3)],
    ),
    case(
        "conv2d-dilated",
        *_conv(K.conv2d, np_conv, dilation_rate=(2, 2), padding="same"),
        [IMG, K2],
    ),
    case(
        "conv2d-channels_first",
        *_conv(K.conv2d, np_conv, padding="same", data_format="channels_first"),
        [np.moveaxis(IMG, 3, 1).copy(), K2],
        [(None, 2, 5, 5), (3, 3, 2, 3)],
    ),
    case(
        "conv2d-channels_first-valid-strided",
        *_conv(K.conv2d, np_conv, strides=2, data_format="channels_first"),
        [np.moveaxis(IMG, 3, 1).copy(), K2],
    ),
]
POOLS = [
    case("max-valid", *_pool(pool_size=(2, 2), strides=(2, 2)), [IMG], [(None, 5, 5, 2)]),
    case(
        "avg-valid",
        *_pool(pool_size=(2, 2), strides=(2, 2), pool_mode="avg"),
        [IMG],
        [(None, 5, 5, 2)],
    ),
    case("max-default-strides", *_pool(pool_size=(2, 2)), [IMG]),
    case(
        "max-same",
        *_pool(pool_size=(2, 2), strides=(2, 2), padding="same"),
        [IMG],
        [(None, 5, 5, 2)],
    ),
    case(
        "avg-same-counts-real-cells",
        *_pool(pool_size=(2, 2), strides=(2, 2), padding="same", pool_mode="avg"),
        [IMG],
        [(None, 5, 5, 2)],
    ),
    case(
        "avg-same-3x3",
        *_pool(pool_size=(3, 3), padding="same", pool_mode="avg"),
        [IMG],
    ),
    case(
        "max-same-unknown-size",
        *_pool(pool_size=(2, 3), strides=(2, 2), padding="same"),
        [IMG],
        [(None, None, None, 2)],
    ),
    case(
        "max-same-channels_first",
        *_pool(pool_size=(2, 2), strides=(2, 2), padding="same", data_format="channels_first"),
        [np.moveaxis(IMG, 3, 1).copy()],
        [(None, 2, 5, 5)],
    ),
    case(
        "avg-same-channels_first",
        *_pool(
            pool_size=(3, 3),
            strides=(2, 2),
            padding="same",
            pool_mode="avg",
            data_format="channels_first",
        ),
        [np.moveaxis(IMG, 3, 1).copy()],
    ),
]


@pytest.mark.parametrize(OPS, CONVS + POOLS)
def test_convolution_and_pooling(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


def test_avg_pool_same_corner_is_the_mean_of_real_cells_only():
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    out = K.pool2d(x, (2, 2), (2, 2), padding="same", pool_mode="avg")
    np.testing.assert_allclose(out[0, :, :, 0], [[2.0, 3.5], [6.5, 8.0]])


# Other graph ops: switch, identity, stop_gradient.


OTHERS = [
    case("identity", K.identity, lambda x: x, [floats(2, 3)], [(None, 3)]),
    case("stop_gradient", K.stop_gradient, lambda x: x, [floats(2, 3)], [(None, 3)]),
    case(
        "switch",
        K.switch,
        np.where,
        [FLAGS[0], floats(2, 2), floats(2, 2)],
        [(None, 2), (None, 2), (None, 2)],
    ),
    case(
        "switch-lower-rank-condition",
        K.switch,
        lambda c, a, b: np.where(c[:, None], a, b),
        [np.array([True, False]), floats(2, 3), floats(2, 3)],
        [(None,), (None, 3), (None, 3)],
    ),
]


@pytest.mark.parametrize(OPS, OTHERS)
def test_other_ops(op, ref, arrays, shapes):
    check(op, ref, arrays, shapes)


def test_switch_on_a_python_bool_picks_a_branch():
    a, b = floats(2), floats(2)
    assert K.switch(True, a, b) is a
    assert K.switch(0, a, b) is b


# Creation ops.


@pytest.mark.parametrize(
    "make, expected",
    [
        pytest.param(lambda: K.zeros((2, 3)), np.zeros((2, 3), np.float32), id="zeros"),
        pytest.param(lambda: K.ones((3,)), np.ones(3, np.float32), id="ones"),
        pytest.param(lambda: K.eye(3), np.eye(3, dtype=np.float32), id="eye"),
        pytest.param(
            lambda: K.zeros((2, 2), dtype="int32"), np.zeros((2, 2), np.int32), id="zeros-int32"
        ),
        pytest.param(
            lambda: K.ones((2, 1), dtype="float16"), np.ones((2, 1), np.float16), id="ones-f16"
        ),
        pytest.param(lambda: K.eye(2, dtype="int32"), np.eye(2, dtype=np.int32), id="eye-int32"),
    ],
)
def test_zeros_ones_eye_are_variables(make, expected):
    var = make()
    assert isinstance(var, Variable)
    assert K.int_shape(var) == expected.shape
    assert K.dtype(var) == expected.dtype.name
    assert_same(K.eval(var), expected)
    x = K.placeholder(shape=expected.shape, dtype=expected.dtype.name)
    assert_same(K.function([x], x + var)([expected]), expected + expected)


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((5,), {}, np.arange(5, dtype=np.int32)),
        ((1, 7, 2), {}, np.arange(1, 7, 2, dtype=np.int32)),
        ((-3,), {}, np.arange(0, dtype=np.int32)),
        ((0, 2, 0.5), {"dtype": "float32"}, np.arange(0, 2, 0.5, dtype=np.float32)),
        ((3,), {"dtype": "float32"}, np.arange(3, dtype=np.float32)),
    ],
)
def test_arange(args, kwargs, expected):
    assert_same(K.arange(*args, **kwargs), expected)


# Errors.


def _both_ways(op, *arrays):
    """`op` eagerly, then on placeholders of the arrays' shapes (both must raise)."""
    yield lambda: op(*arrays)
    yield lambda: op(*[K.placeholder(shape=a.shape, dtype=a.dtype.name) for a in arrays])


@pytest.mark.parametrize(
    "op, arrays, match",
    [
        pytest.param(K.batch_dot, [floats(3), floats(3, 2)], "rank 2 or more", id="bd-rank-1"),
        pytest.param(K.batch_dot, [floats(3, 2), floats(3)], "rank 2 or more", id="bd-rank-1-y"),
        pytest.param(
            lambda x, y: K.batch_dot(x, y, axes=0),
            [floats(2, 3), floats(2, 3)],
            "cannot contract the batch axis",
            id="bd-axes-0",
        ),
        pytest.param(
            lambda x, y: K.batch_dot(x, y, axes=(1, 0)),
            [floats(2, 3), floats(2, 3)],
            "cannot contract the batch axis",
            id="bd-axes-y-0",
        ),
        pytest.param(
            lambda x, y: K.batch_dot(x, y, axes=(-2, 1)),
            [floats(2, 3), floats(2, 3)],
            "cannot contract the batch axis",
            id="bd-negative-axis-0",
        ),
        pytest.param(lambda x: K.repeat(x, 2), [floats(3)], "needs a 2D tensor", id="repeat-1d"),
        pytest.param(
            lambda x: K.repeat(x, 2), [floats(2, 3, 4)], "needs a 2D tensor", id="repeat-3d"
        ),
        pytest.param(
            lambda x: K.pool2d(x, (2, 2), pool_mode="sum"),
            [IMG],
            "`pool_mode` must be 'max' or 'avg'",
            id="pool-mode",
        ),
        pytest.param(
            lambda x, k: K.conv1d(x, k, padding="causal", data_format="channels_first"),
            [floats(2, 2, 7), K1],
            "padding='causal' needs data_format='channels_last'",
            id="causal-channels_first",
        ),
        pytest.param(
            lambda x, k: K.conv2d(x, k, data_format="channels_middle"),
            [IMG, K2],
            "data_format",
            id="conv-data-format",
        ),
        pytest.param(
            lambda x: K.pool2d(x, (2, 2), data_format="NHWC"),
            [IMG],
            "data_format",
            id="pool-data-format",
        ),
        pytest.param(
            lambda x, b: K.bias_add(x, b),
            [floats(2, 3, 4), floats(2, 2, 3, 4)],
            "Unexpected bias dimensions 4, expected 1 or 2",
            id="bias-rank",
        ),
        pytest.param(
            lambda x: K.dropout(x, 1.0), [floats(2, 3)], r"must be in \[0, 1\)", id="dropout-1"
        ),
        pytest.param(
            lambda x: K.dropout(x, -0.1), [floats(2, 3)], r"must be in \[0, 1\)", id="dropout-neg"
        ),
        pytest.param(
            lambda x: K.dropout(x, 1.5), [floats(2, 3)], r"must be in \[0, 1\)", id="dropout-1.5"
        ),
    ],
)
def test_kernel_errors(op, arrays, match):
    for call in _both_ways(op, *arrays):
        with pytest.raises(ValueError, match=match):
            call()


def test_cast_to_float64_needs_x64_mode():
    if jax.config.jax_enable_x64:
        pytest.skip("64-bit mode is on in this process")
    for call in _both_ways(lambda x: K.cast(x, "float64"), floats(2)):
        with pytest.raises(ValueError, match="needs JAX's 64-bit mode"):
            call()


# Random ops.

N = 20000


def _normal(shape, seed=None):
    return K.random_normal(shape, mean=1.0, stddev=2.0, seed=seed)


def _uniform(shape, seed=None):
    return K.random_uniform(shape, minval=-1.0, maxval=3.0, seed=seed)


def _binomial(shape, seed=None):
    return K.random_binomial(shape, p=0.3, seed=seed)


def _truncated(shape, seed=None):
    return K.truncated_normal(shape, mean=-1.0, stddev=0.5, seed=seed)


def _dropout(shape, seed=None):
    return K.dropout(np.ones(shape, np.float32), 0.25, seed=seed)


GENERATORS = [
    pytest.param(_normal, id="random_normal"),
    pytest.param(_uniform, id="random_uniform"),
    pytest.param(_binomial, id="random_binomial"),
    pytest.param(_truncated, id="truncated_normal"),
    pytest.param(_dropout, id="dropout"),
]


@pytest.fixture
def seeded():
    """Statistics from a seeded generator; their tolerances are about 5 standard errors."""
    nerve.utils.set_random_seed(0)


def _draw(tensor):
    out = K.function([], tensor)([])
    assert out.shape == K.int_shape(tensor)
    assert out.dtype == np.float32
    return out


def test_random_normal_statistics(seeded):
    x = _draw(_normal((N,)))
    assert abs(x.mean() - 1.0) < 0.07 and abs(x.std() - 2.0) < 0.06
    assert abs(np.mean(np.abs(x - 1.0) < 2.0) - 0.6827) < 0.017  # a normal, not just any


def test_random_uniform_statistics(seeded):
    x = _draw(_uniform((100, N // 100)))
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.05 and abs(x.std() - 4 / np.sqrt(12)) < 0.03
    assert np.all(np.abs(np.histogram(x, 4, (-1, 3))[0] / N - 0.25) < 0.02)


def test_random_binomial_statistics(seeded):
    x = _draw(_binomial((N,)))
    assert set(np.unique(x)) == {0.0, 1.0}
    assert abs(x.mean() - 0.3) < 0.017


def test_truncated_normal_statistics(seeded):
    x = _draw(_truncated((N,)))
    assert np.all(np.abs(x + 1.0) <= 2 * 0.5)  # redrawn beyond two standard deviations
    # A standard normal truncated to [-2, 2] has standard deviation 0.8796.
    assert abs(x.mean() + 1.0) < 0.02 and abs(x.std() - 0.8796 * 0.5) < 0.02


def test_random_ops_take_a_dtype():
    x = K.function([], K.random_uniform((2, 3), dtype="float16"))([])
    assert x.dtype == np.float16 and x.shape == (2, 3)


@pytest.mark.parametrize("level", [0.25, 0.6])
def test_dropout_scales_kept_entries_and_zeroes_the_rest(level, seeded):
    x = K.placeholder(shape=(None, 100))
    out = K.dropout(x, level)
    assert K.int_shape(out) == (None, 100)
    values = floats(N // 100, 100, low=1.0, high=2.0)
    dropped = K.function([x], out)(values)
    kept = dropped != 0
    np.testing.assert_allclose(dropped[kept], values[kept] / (1 - level), rtol=1e-6)
    assert abs(1 - kept.mean() - level) < 0.017


def test_dropout_noise_shape_shares_the_mask(seeded):
    out = _draw(K.dropout(np.ones((200, 50), np.float32), 0.5, noise_shape=(200, 1)))
    assert np.all((out == 0).all(1) | (out == 2).all(1))
    assert 60 < (out[:, 0] == 0).sum() < 140


def test_dropout_level_zero_keeps_everything():
    x = floats(3, 4)
    np.testing.assert_array_equal(_draw(K.dropout(x, 0.0)), x)


@pytest.mark.parametrize("make", GENERATORS)
def test_each_call_draws_fresh_samples(make):
    draw = K.function([], make((1000,)))
    assert not np.array_equal(draw([]), draw([]))


@pytest.mark.parametrize("make", GENERATORS)
def test_set_random_seed_reproduces_the_samples(make):
    draw = K.function([], make((1000,)))
    nerve.utils.set_random_seed(7)
    first = [draw([]), draw([])]
    nerve.utils.set_random_seed(7)
    np.testing.assert_array_equal([draw([]), draw([])], first)
    nerve.utils.set_random_seed(8)
    assert not np.array_equal(draw([]), first[0])


@pytest.mark.parametrize("make", GENERATORS)
def test_ops_built_with_the_same_seed_draw_the_same_samples(make):
    first, second = K.function([], [make((1000,), seed=3), make((1000,), seed=3)])([])
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("make", GENERATORS)
def test_ops_built_with_different_seeds_differ(make):
    first, second = K.function([], [make((1000,), seed=3), make((1000,), seed=4)])([])
    assert not np.array_equal(first, second)


def test_set_random_seed_then_rebuilding_reproduces_the_samples():
    # As tf-keras 2.x, where set_random_seed also fixes the op seeds drawn from numpy.
    nerve.utils.set_random_seed(5)
    first = K.eval(K.random_normal((100,)))
    nerve.utils.set_random_seed(5)
    np.testing.assert_array_equal(K.eval(K.random_normal((100,))), first)


def test_eye_takes_a_size_or_rows_and_columns():
    np.testing.assert_array_equal(K.eval(K.eye(2)), np.eye(2))
    np.testing.assert_array_equal(K.eval(K.eye((2, 3))), np.eye(2, 3))


def test_keras_2_names_for_spatial_ops_and_pooling():
    x = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(K.eval(K.temporal_padding(x[:, :, :, 0], (1, 2))),
                                  np.pad(x[:, :, :, 0], ((0, 0), (1, 2), (0, 0))))
    np.testing.assert_array_equal(K.eval(K.spatial_2d_padding(x, ((1, 0), (0, 2)))),
                                  np.pad(x, ((0, 0), (1, 0), (0, 2), (0, 0))))
    np.testing.assert_array_equal(K.eval(K.resize_images(x, 2, 3, "channels_last")),
                                  x.repeat(2, axis=1).repeat(3, axis=2))
    volume = x[..., None]
    np.testing.assert_array_equal(
        K.eval(K.pool3d(volume, (1, 2, 5), strides=(1, 2, 5))),
        volume.reshape(2, 3, 2, 2, 1, 5, 1).max(axis=(3, 5)))
    mean, var = K.moments(x, axes=(0, 1, 2))
    np.testing.assert_allclose(K.eval(mean), x.mean((0, 1, 2)), rtol=1e-6)
    np.testing.assert_allclose(K.eval(var), x.var((0, 1, 2)), rtol=1e-5)
