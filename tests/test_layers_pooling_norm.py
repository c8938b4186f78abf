"""Pooling, spatial reshaping and normalization layers: against explicit numpy loops,
through the shared harness, and their argument checks."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from nerve import backend as K
from nerve.kernels import pooling as pooling_kernels
from nerve.layers import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool2D,
    BatchNormalization,
    Cropping1D,
    Cropping2D,
    Cropping3D,
    Dense,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    Input,
    LayerNormalization,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
    deserialize,
    serialize,
)
from nerve.models import Model, Sequential

from harness import run_layer_test

RNG = np.random.default_rng(0)


def _normal(*shape):
    return RNG.normal(size=shape).astype("float32")


# Numpy references, written as explicit loops over the output positions.


def np_pool(x, pool_size, strides, padding, data_format, mode):
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    strides = strides or pool_size
    counts, befores = [], []
    for d, p, s in zip(spatial, pool_size, strides):
        if padding == "valid":
            counts.append((d - p) // s + 1)
            befores.append(0)
        else:  # TensorFlow's 'same': ceil(d / s) windows, the odd padding cell at the end
            n = -(-d // s)
            counts.append(n)
            befores.append(max((n - 1) * s + p - d, 0) // 2)
    out = np.zeros((x.shape[0], *counts, x.shape[-1]), x.dtype)
    for index in itertools.product(*map(range, counts)):
        window = tuple(
            slice(max(i * s - b, 0), min(i * s - b + p, d))  # real cells only
            for i, s, b, p, d in zip(index, strides, befores, pool_size, spatial)
        )
        cells = x[(slice(None),) + window]
        reduce = np.max if mode == "max" else np.mean
        out[(slice(None),) + index] = reduce(cells, axis=tuple(range(1, 1 + len(spatial))))
    return np.moveaxis(out, -1, 1) if data_format == "channels_first" else out


def np_bilinear(x, size, axes):
    """tf.image.resize's bilinear upsampling (half-pixel centres, clamped edges),
    one axis at a time."""
    for axis, factor in zip(axes, size):
        d = x.shape[axis]
        rows = []
        for o in range(d * factor):
            src = (o + 0.5) / factor - 0.5
            low = int(np.floor(src))
            frac = src - low
            a, b = min(max(low, 0), d - 1), min(max(low + 1, 0), d - 1)
            rows.append(np.take(x, a, axis) * (1 - frac) + np.take(x, b, axis) * frac)
        x = np.stack(rows, axis=axis)
    return x


# Pooling.

POOL_CASES = [
    # (layer classes, input shape without batch, pool_size, strides, padding, data_format)
    ((MaxPooling1D, AveragePooling1D), (7, 3), (2,), None, "valid", "channels_last"),
    ((MaxPooling1D, AveragePooling1D), (3, 7), (3,), (2,), "same", "channels_first"),
    ((MaxPooling1D, AveragePooling1D), (7, 2), (2,), None, "same", "channels_last"),
    ((MaxPooling1D, AveragePooling1D), (2, 8), (3,), (1,), "valid", "channels_first"),
    ((MaxPooling2D, AveragePooling2D), (5, 7, 2), (2, 2), None, "valid", "channels_last"),
    ((MaxPooling2D, AveragePooling2D), (2, 5, 6), (3, 2), (2, 1), "same", "channels_first"),
    ((MaxPooling2D, AveragePooling2D), (4, 6, 2), (2, 3), None, "same", "channels_last"),
    ((MaxPooling2D, AveragePooling2D), (2, 6, 7), (2, 3), (1, 2), "valid", "channels_first"),
    ((MaxPooling3D, AveragePooling3D), (2, 5, 4, 3), (2, 2, 2), None, "valid", "channels_first"),
    ((MaxPooling3D, AveragePooling3D), (4, 5, 3, 2), (2, 3, 2), (1, 2, 2), "same",
     "channels_last"),
    ((MaxPooling3D, AveragePooling3D), (4, 4, 2, 1), (2, 2, 2), None, "same", "channels_last"),
    ((MaxPooling3D, AveragePooling3D), (5, 4, 4, 2), (3, 2, 2), (2, 1, 1), "valid",
     "channels_last"),
]


@pytest.mark.parametrize("classes, shape, pool_size, strides, padding, data_format", POOL_CASES)
def test_pooling_matches_numpy(classes, shape, pool_size, strides, padding, data_format):
    x = _normal(2, *shape)
    for cls, mode in zip(classes, ("max", "avg")):
        layer = cls(pool_size=pool_size, strides=strides, padding=padding,
                    data_format=data_format)
        expected = np_pool(x, pool_size, strides, padding, data_format, mode)
        np.testing.assert_allclose(layer(x), expected, rtol=1e-6, atol=1e-6)
        assert layer.pool_size == pool_size
        assert layer.strides == (strides or pool_size)
        assert layer.padding == padding


def test_pooling_exact_cases():
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    assert MaxPooling2D((2, 2))(x)[0, :, :, 0].tolist() == [[5, 7], [13, 15]]
    y = -np.arange(25, dtype="float32").reshape(1, 5, 5, 1)
    same = MaxPooling2D(2, padding="same")(y)[0, :, :, 0]
    assert same.tolist() == [[0, -2, -4], [-10, -12, -14], [-20, -22, -24]]
    # Average pooling counts only the real cells of the padded last row and column.
    avg = AveragePooling2D(2, padding="same")(-y)[0, :, :, 0]
    np.testing.assert_allclose(avg, [[3, 5, 6.5], [13, 15, 16.5], [20.5, 22.5, 24]])
    # 'SAME' in capitals is accepted and kept in lower case, as tf-keras.
    assert MaxPooling2D(padding="SAME").padding == "same"


def test_pooling_attributes_are_tuples():
    layer = MaxPooling2D(3, strides=1)
    assert (layer.pool_size, layer.strides, layer.padding) == ((3, 3), (1, 1), "valid")
    assert MaxPooling1D(4).strides == (4,)
    assert AveragePooling3D((1, 2, 3)).strides == (1, 2, 3)
    assert MaxPool2D is MaxPooling2D and AvgPool2D is AveragePooling2D


@pytest.mark.parametrize("shape, pool_size, axes", [
    ((3, 6, 8, 4), (2, 2), (1, 2)),     # tiles exactly
    ((3, 7, 9, 2), (2, 3), (1, 2)),     # cells past the last window are dropped
    ((2, 3, 5, 6), (2, 3), (2, 3)),     # channels first
    ((2, 9, 3), (3,), (1,)),
    ((2, 4, 5, 6, 2), (2, 2, 3), (1, 2, 3)),
])
def test_tiled_max_pooling_fast_path_equals_reduce_window(shape, pool_size, axes):
    data_format = "channels_first" if axes[0] == 2 else "channels_last"
    # Rounded rectified values: many ties, where gradient conventions differ.
    x = jnp.asarray(np.round(np.maximum(RNG.normal(size=shape), 0)), jnp.float32)
    window = tuple(pool_size[axes.index(a)] if a in axes else 1 for a in range(len(shape)))

    def fast(x):
        return pooling_kernels.pool(x, pool_size, None, "valid", data_format, "max")

    def reference(x):
        return lax.reduce_window(x, -jnp.inf, lax.max, window, window, "VALID")

    np.testing.assert_array_equal(fast(x), reference(x))
    weights = jnp.asarray(RNG.normal(size=reference(x).shape), jnp.float32)
    grads = [jax.jit(jax.grad(lambda x, f=f: jnp.sum(f(x) * weights)))(x)
             for f in (fast, reference)]
    np.testing.assert_array_equal(grads[0], grads[1])  # the first maximum gets it all
    # And the fast path is really taken: no reduce_window, forward or backward.
    program = str(jax.make_jaxpr(jax.grad(lambda x: jnp.sum(fast(x) * weights)))(x))
    assert "reduce_window" not in program and "select_and" not in program


def test_same_max_pooling_that_tiles_uses_the_fast_path_and_pads_with_minus_inf():
    x = jnp.asarray(-np.abs(_normal(2, 4, 6, 3)) - 100)  # all below any zero padding
    fast = pooling_kernels.pool(x, 2, None, "same", "channels_last")
    assert "reduce_window" not in str(jax.make_jaxpr(
        lambda x: pooling_kernels.pool(x, 2, None, "same", "channels_last"))(x))
    np.testing.assert_array_equal(fast, np_pool(np.asarray(x), (2, 2), None, "same",
                                                "channels_last", "max"))
    odd = pooling_kernels.pool(x[:, :3], 2, None, "same", "channels_last")
    np.testing.assert_array_equal(odd, np_pool(np.asarray(x[:, :3]), (2, 2), None, "same",
                                               "channels_last", "max"))
    assert float(jnp.max(odd)) < -100


def test_pooling_with_unknown_spatial_sizes():
    inputs = Input(shape=(None, None, 3))
    for layer in (MaxPooling2D(2), MaxPooling2D(2, padding="same"), AveragePooling2D(3, 2)):
        out = layer(inputs)
        assert K.int_shape(out) == (None, None, None, 3)
        model = Model(inputs, out)
        x = _normal(2, 7, 5, 3)
        np.testing.assert_allclose(
            model(x), np_pool(x, layer.pool_size, layer.strides, layer.padding,
                              "channels_last", layer.pool_mode), rtol=1e-6)


@pytest.mark.parametrize("cls, mode, rank", [
    (GlobalMaxPooling1D, "max", 1), (GlobalAveragePooling1D, "avg", 1),
    (GlobalMaxPooling2D, "max", 2), (GlobalAveragePooling2D, "avg", 2),
    (GlobalMaxPooling3D, "max", 3), (GlobalAveragePooling3D, "avg", 3),
])
def test_global_pooling_matches_numpy(cls, mode, rank):
    x = _normal(2, *range(3, 3 + rank), 2)
    reduce = np.max if mode == "max" else np.mean
    last, first = tuple(range(1, rank + 1)), tuple(range(2, rank + 2))
    close = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(cls()(x), reduce(x, axis=last), **close)
    np.testing.assert_allclose(cls(keepdims=True)(x), reduce(x, axis=last, keepdims=True),
                               **close)
    np.testing.assert_allclose(cls(data_format="channels_first")(x), reduce(x, axis=first),
                               **close)


def test_global_average_pooling_1d_masks_steps():
    x = _normal(2, 4, 3)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=bool)
    inputs, mask_input = Input(shape=(4, 3)), Input(shape=(4,), dtype="bool")
    model = Model([inputs, mask_input], GlobalAveragePooling1D()(inputs, mask=mask_input))
    expected = np.stack([x[0, :2].mean(0), x[1].mean(0)])
    np.testing.assert_allclose(model([x, mask]), expected, rtol=1e-6)
    inputs = Input(shape=(3, 4))
    layer = GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    model = Model([inputs, mask_input], layer(inputs, mask=mask_input))
    np.testing.assert_allclose(model([np.moveaxis(x, 1, 2), mask]), expected[:, :, None],
                               rtol=1e-6)


# Padding, cropping and upsampling.


def test_zero_padding_matches_numpy():
    x = _normal(2, 3, 2)
    np.testing.assert_array_equal(ZeroPadding1D(2)(x), np.pad(x, [(0, 0), (2, 2), (0, 0)]))
    np.testing.assert_array_equal(ZeroPadding1D((0, 3))(x), np.pad(x, [(0, 0), (0, 3), (0, 0)]))
    x = _normal(2, 3, 4, 2)
    np.testing.assert_array_equal(ZeroPadding2D()(x), np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)]))
    np.testing.assert_array_equal(ZeroPadding2D((1, 2))(x),
                                  np.pad(x, [(0, 0), (1, 1), (2, 2), (0, 0)]))
    layer = ZeroPadding2D(((1, 0), (2, 3)), data_format="channels_first")
    assert layer.padding == ((1, 0), (2, 3))
    np.testing.assert_array_equal(layer(x), np.pad(x, [(0, 0), (0, 0), (1, 0), (2, 3)]))
    x = _normal(1, 2, 3, 2, 2)
    np.testing.assert_array_equal(ZeroPadding3D(((0, 1), (2, 0), (1, 1)))(x),
                                  np.pad(x, [(0, 0), (0, 1), (2, 0), (1, 1), (0, 0)]))
    np.testing.assert_array_equal(ZeroPadding3D(1, data_format="channels_first")(x),
                                  np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1), (1, 1)]))


def test_cropping_matches_numpy():
    x = _normal(2, 6, 2)
    np.testing.assert_array_equal(Cropping1D()(x), x[:, 1:5])
    np.testing.assert_array_equal(Cropping1D((2, 0))(x), x[:, 2:])
    x = _normal(2, 5, 6, 3)
    np.testing.assert_array_equal(Cropping2D(((1, 2), (0, 3)))(x), x[:, 1:3, 0:3])
    np.testing.assert_array_equal(Cropping2D(1, data_format="channels_first")(x),
                                  x[:, :, 1:5, 1:2])
    np.testing.assert_array_equal(Cropping2D((2, 1))(x), x[:, 2:3, 1:5])
    x = _normal(1, 4, 5, 6, 2)
    np.testing.assert_array_equal(Cropping3D()(x), x[:, 1:3, 1:4, 1:5])
    np.testing.assert_array_equal(
        Cropping3D(((0, 1), (2, 0), (0, 0)), data_format="channels_first")(x),
        x[:, :, 0:4, 2:6, :])


def test_upsampling_matches_numpy():
    x = _normal(2, 3, 2)
    np.testing.assert_array_equal(UpSampling1D(3)(x), np.repeat(x, 3, axis=1))
    x = _normal(2, 3, 4, 2)
    np.testing.assert_array_equal(UpSampling2D((2, 3))(x),
                                  np.repeat(np.repeat(x, 2, axis=1), 3, axis=2))
    np.testing.assert_array_equal(UpSampling2D(2, data_format="channels_first")(x),
                                  np.repeat(np.repeat(x, 2, axis=2), 2, axis=3))
    np.testing.assert_allclose(UpSampling2D((2, 3), interpolation="bilinear")(x),
                               np_bilinear(x, (2, 3), (1, 2)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        UpSampling2D(3, data_format="channels_first", interpolation="bilinear")(x),
        np_bilinear(x, (3, 3), (2, 3)), rtol=1e-5, atol=1e-6)
    x = _normal(1, 2, 3, 2, 2)
    np.testing.assert_array_equal(
        UpSampling3D((1, 2, 3))(x),
        np.repeat(np.repeat(x, 2, axis=2), 3, axis=3))
    np.testing.assert_array_equal(
        UpSampling3D(2, data_format="channels_first")(x),
        np.repeat(np.repeat(np.repeat(x, 2, axis=2), 2, axis=3), 2, axis=4))


# Normalization.


def _np_normalize(x, mean, var, gamma, beta, epsilon):
    return (x - mean) / np.sqrt(var + epsilon) * gamma + beta


def test_batch_normalization_training_and_inference_formulas():
    x = (RNG.normal(size=(16, 5)) * 3 + 2).astype("float32")
    layer = BatchNormalization(momentum=0.8, epsilon=1e-3)
    layer.build((None, 5))
    gamma, beta = _normal(5), _normal(5)
    moving_mean, moving_var = _normal(5), np.abs(_normal(5)) + 0.5
    layer.set_weights([gamma, beta, moving_mean, moving_var])

    mean, var = x.mean(0), x.var(0)  # the biased variance
    out = layer(x, training=True)
    np.testing.assert_allclose(out, _np_normalize(x, mean, var, gamma, beta, 1e-3),
                               rtol=1e-5, atol=1e-5)
    new_mean = 0.8 * moving_mean + 0.2 * mean
    new_var = 0.8 * moving_var + 0.2 * var
    np.testing.assert_allclose(layer.get_weights()[2], new_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[3], new_var, rtol=1e-5, atol=1e-6)

    # Inference uses the moving statistics and leaves them as they are.
    out = layer(x, training=False)
    np.testing.assert_allclose(out, _np_normalize(x, new_mean, new_var, gamma, beta, 1e-3),
                               rtol=1e-5, atol=1e-5)
    out = layer(x)  # learning phase 0
    np.testing.assert_allclose(out, _np_normalize(x, new_mean, new_var, gamma, beta, 1e-3),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[2], new_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[3], new_var, rtol=1e-5, atol=1e-6)


def test_batch_normalization_update_follows_the_learning_phase():
    x = (RNG.normal(size=(8, 3)) + 5).astype("float32")
    inputs = Input(shape=(3,))
    layer = BatchNormalization(momentum=0.5)
    model = Model(inputs, layer(inputs))
    assert len(model.updates) == 2
    before = layer.get_weights()
    model(x)  # the model's program with its updates, in learning phase 0
    for b, a in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(b, a)
    model(x, training=True)
    np.testing.assert_allclose(layer.get_weights()[2], 0.5 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.get_weights()[3], 0.5 + 0.5 * x.var(0), rtol=1e-5)
    # A graph function fed the learning phase applies them only when it is 1.
    fn = K.function([inputs, K.learning_phase()], [model.output], updates=model.updates)
    after_training = layer.get_weights()
    fn([x, 0])
    for b, a in zip(after_training, layer.get_weights()):
        np.testing.assert_array_equal(b, a)
    fn([x, 1])
    np.testing.assert_allclose(layer.get_weights()[2], 0.75 * x.mean(0), rtol=1e-5)


def test_batch_normalization_channels_first_and_several_axes():
    x = (RNG.normal(size=(4, 3, 5, 2)) * 2 + 1).astype("float32")
    layer = BatchNormalization(axis=1, momentum=0.0, epsilon=1e-5)
    out = layer(x, training=True)
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-5, atol=1e-5)
    assert [w.shape for w in layer.get_weights()] == [(3,)] * 4
    np.testing.assert_allclose(layer.get_weights()[2], mean.ravel(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[3], var.ravel(), rtol=1e-5)

    layer = BatchNormalization(axis=[1, -1], momentum=0.0, center=False)
    out = layer(x, training=True)
    mean, var = x.mean(axis=(0, 2), keepdims=True), x.var(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-5, atol=1e-5)
    assert [w.shape for w in layer.get_weights()] == [(1, 3, 1, 2)] * 3  # gamma, means


def test_batch_normalization_weights_in_tf_keras_order():
    layer = BatchNormalization()
    layer.build((None, 4))
    assert [w.name for w in layer.weights] == [
        f"{layer.name}/gamma", f"{layer.name}/beta", f"{layer.name}/moving_mean",
        f"{layer.name}/moving_variance"]
    assert [w.name.split("/")[1] for w in layer.trainable_weights] == ["gamma", "beta"]
    assert layer.count_params() == 16
    layer = BatchNormalization(center=False, scale=False)
    layer.build((None, 4))
    assert [w.name.split("/")[1] for w in layer.weights] == ["moving_mean", "moving_variance"]


def test_frozen_batch_normalization_runs_in_inference_mode():
    x = (RNG.normal(size=(8, 3)) + 5).astype("float32")
    layer = BatchNormalization(trainable=False)
    out = layer(x, training=True)
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.get_weights()[2], np.zeros(3))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_fit_updates_moving_statistics_and_predict_evaluate_do_not():
    x = (RNG.normal(size=(32, 3)) * 2 + 3).astype("float32")
    y = RNG.normal(size=(32, 1)).astype("float32")
    bn = BatchNormalization(momentum=0.9, input_shape=(3,))
    model = Sequential([bn, Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    mean, var = 0.1 * x.mean(0), 0.9 + 0.1 * x.var(0)
    np.testing.assert_allclose(bn.get_weights()[2], mean, rtol=1e-5)
    np.testing.assert_allclose(bn.get_weights()[3], var, rtol=1e-5)
    # Two batches: one update per step, in order.
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for half in (x[:16], x[16:]):
        mean, var = 0.9 * mean + 0.1 * half.mean(0), 0.9 * var + 0.1 * half.var(0)
    np.testing.assert_allclose(bn.get_weights()[2], mean, rtol=1e-5)
    np.testing.assert_allclose(bn.get_weights()[3], var, rtol=1e-5)

    before = bn.get_weights()
    predictions = model.predict(x, batch_size=8, verbose=0)
    model.evaluate(x, y, batch_size=8, verbose=0)
    model.predict_on_batch(x)
    for b, a in zip(before, bn.get_weights()):
        np.testing.assert_array_equal(b, a)
    gamma, beta, mm, mv = before
    kernel, bias = model.layers[1].get_weights()
    expected = _np_normalize(x, mm, mv, gamma, beta, 1e-3) @ kernel + bias
    np.testing.assert_allclose(predictions, expected, rtol=1e-5, atol=1e-5)


def test_layer_normalization_matches_numpy():
    x = (RNG.normal(size=(4, 3, 5)) * 3 + 1).astype("float32")
    layer = LayerNormalization()
    layer.build((None, 3, 5))
    gamma, beta = _normal(5), _normal(5)
    layer.set_weights([gamma, beta])
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(layer(x), _np_normalize(x, mean, var, gamma, beta, 1e-3),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer(x, training=True), layer(x), rtol=1e-6)

    layer = LayerNormalization(axis=(1, 2), epsilon=1e-5, center=False)
    mean, var = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    np.testing.assert_allclose(layer(x), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-5,
                               atol=1e-5)
    assert [w.shape for w in layer.weights] == [(3, 5)]
    assert layer.get_config()["axis"] == [1, 2]


# Every layer through the shared harness.

HARNESS_CASES = [
    (MaxPooling1D, {"pool_size": 2}, (None, 6, 3), (None, 3, 3)),
    (MaxPooling1D, {"pool_size": 3, "strides": 1, "padding": "same",
                    "data_format": "channels_first"}, (None, 3, 5), (None, 3, 5)),
    (AveragePooling1D, {"pool_size": 2, "padding": "same"}, (None, 5, 2), (None, 3, 2)),
    (MaxPooling2D, {"pool_size": (2, 2)}, (None, 4, 5, 2), (None, 2, 2, 2)),
    (AveragePooling2D, {"pool_size": 3, "strides": 2, "padding": "same",
                        "data_format": "channels_first"}, (None, 2, 5, 4), (None, 2, 3, 2)),
    (MaxPooling3D, {"pool_size": 2, "padding": "same"}, (None, 3, 4, 2, 1), (None, 2, 2, 1, 1)),
    (AveragePooling3D, {"pool_size": (1, 2, 2)}, (None, 2, 4, 4, 1), (None, 2, 2, 2, 1)),
    (GlobalMaxPooling1D, {}, (None, 4, 3), (None, 3)),
    (GlobalAveragePooling1D, {"keepdims": True}, (None, 4, 3), (None, 1, 3)),
    (GlobalMaxPooling2D, {"data_format": "channels_first"}, (None, 2, 3, 4), (None, 2)),
    (GlobalAveragePooling2D, {}, (None, 3, 4, 2), (None, 2)),
    (GlobalMaxPooling3D, {"keepdims": True}, (None, 2, 3, 2, 2), (None, 1, 1, 1, 2)),
    (GlobalAveragePooling3D, {}, (None, 2, 3, 2, 2), (None, 2)),
    (ZeroPadding1D, {"padding": (1, 2)}, (None, 3, 2), (None, 6, 2)),
    (ZeroPadding2D, {"padding": ((1, 0), (0, 2))}, (None, 3, 3, 1), (None, 4, 5, 1)),
    (ZeroPadding3D, {"padding": 1, "data_format": "channels_first"}, (None, 1, 2, 2, 2),
     (None, 1, 4, 4, 4)),
    (Cropping1D, {"cropping": (1, 0)}, (None, 4, 2), (None, 3, 2)),
    (Cropping2D, {"cropping": ((1, 1), (0, 1))}, (None, 4, 4, 1), (None, 2, 3, 1)),
    (Cropping3D, {"cropping": 1}, (None, 3, 4, 5, 1), (None, 1, 2, 3, 1)),
    (UpSampling1D, {"size": 3}, (None, 2, 2), (None, 6, 2)),
    (UpSampling2D, {"size": (2, 1), "interpolation": "bilinear"}, (None, 2, 3, 1),
     (None, 4, 3, 1)),
    (UpSampling2D, {"data_format": "channels_first"}, (None, 1, 2, 3), (None, 1, 4, 6)),
    (UpSampling3D, {"size": 2}, (None, 1, 2, 1, 2), (None, 2, 4, 2, 2)),
]


@pytest.mark.parametrize("cls, kwargs, input_shape, output_shape", HARNESS_CASES)
def test_layers_through_the_harness(cls, kwargs, input_shape, output_shape):
    layer, _ = run_layer_test(cls, kwargs, input_shape, expected_output_shape=output_shape,
                              expected_num_weights=0)
    assert deserialize(serialize(layer)).get_config() == layer.get_config()


def test_normalization_layers_through_the_harness():
    run_layer_test(BatchNormalization, {"momentum": 0.9}, (None, 4),
                   expected_output_shape=(None, 4), expected_num_weights=4,
                   expected_num_trainable=2)
    run_layer_test(BatchNormalization, {"axis": 1, "scale": False, "beta_regularizer": "l2",
                                        "gamma_constraint": "non_neg"},
                   (None, 2, 3, 3), expected_num_weights=3, expected_num_trainable=1)
    run_layer_test(LayerNormalization, {"axis": [-2, -1], "gamma_initializer": "he_normal"},
                   (None, 3, 4), expected_output_shape=(None, 3, 4), expected_num_weights=2,
                   expected_num_trainable=2)
    run_layer_test(LayerNormalization, {"center": False, "epsilon": 1e-5}, (None, 5),
                   expected_num_weights=1)


def test_aliases_deserialize():
    for name, cls in (("MaxPool1D", MaxPool1D), ("GlobalAvgPool1D", GlobalAvgPool1D),
                      ("GlobalMaxPool3D", GlobalMaxPool3D)):
        layer = deserialize({"class_name": name, "config": {"name": "p"}})
        assert type(layer) is cls


# Argument checks.


@pytest.mark.parametrize("make, message", [
    (lambda: MaxPooling2D(0), r'`pool_size` of MaxPooling2D "max_pooling2d": expected an '
                              r"integer or a tuple of 2 integers, each positive. "
                              r"Received: pool_size=0"),
    (lambda: MaxPooling1D((2, 2)), r"Received: pool_size=\(2, 2\)"),
    (lambda: AveragePooling3D((2, 2)), r"Received: pool_size=\(2, 2\)"),
    (lambda: MaxPooling2D(2, strides=(1, 0)), r"`strides` of .* Received: strides=\(1, 0\)"),
    (lambda: MaxPooling2D(2.5), r"Received: pool_size=2.5"),
    (lambda: MaxPooling2D(padding="full"), r"`padding` of MaxPooling2D \"max_pooling2d\": "
                                           r"expected one of 'valid', 'same'. "
                                           r"Received: padding='full'"),
    (lambda: AveragePooling1D(padding="causal"), r"Received: padding='causal'"),
    (lambda: MaxPooling2D(data_format="nhwc"), r"expected one of 'channels_first', "
                                               r"'channels_last'. Received: data_format='nhwc'"),
    (lambda: GlobalAveragePooling2D(data_format="nchw"), r"Received: data_format='nchw'"),
    (lambda: GlobalMaxPooling1D(keepdims=1), r"`keepdims` of GlobalMaxPooling1D "
                                             r"\"global_max_pooling1d\": expected True or "
                                             r"False. Received: keepdims=1"),
    (lambda: ZeroPadding1D(-1), r"`padding` of ZeroPadding1D \"zero_padding1d\": expected a "
                                r"non-negative integer or a tuple of 2 of them"),
    (lambda: ZeroPadding1D((1, 2, 3)), r"Received: padding=\(1, 2, 3\)"),
    (lambda: ZeroPadding2D((1, 2, 3)), r"expected a non-negative integer, a tuple of 2 of "
                                       r"them, or a tuple of 2 tuples of 2 of them"),
    (lambda: ZeroPadding2D(((1, 2), (3,))), r"Received: padding=\(\(1, 2\), \(3,\)\)"),
    (lambda: ZeroPadding3D("1"), r"Received: padding='1'"),
    (lambda: ZeroPadding2D(data_format="x"), r"Received: data_format='x'"),
    (lambda: Cropping1D(1.5), r"`cropping` of Cropping1D \"cropping1d\".*Received: "
                              r"cropping=1.5"),
    (lambda: Cropping2D(((1, -1), (0, 0))), r"Received: cropping=\(\(1, -1\), \(0, 0\)\)"),
    (lambda: Cropping3D((1, 1)), r"tuple of 3 of them.*Received: cropping=\(1, 1\)"),
    (lambda: UpSampling1D(0), r"`size` of UpSampling1D \"up_sampling1d\": .*Received: size=0"),
    (lambda: UpSampling2D((2, 2, 2)), r"Received: size=\(2, 2, 2\)"),
    (lambda: UpSampling3D(-2), r"Received: size=-2"),
    (lambda: UpSampling2D(interpolation="bicubic"), r"`interpolation` of UpSampling2D "
                                                    r"\"up_sampling2d\": expected one of "
                                                    r"'nearest', 'bilinear'. "
                                                    r"Received: interpolation='bicubic'"),
    (lambda: BatchNormalization(axis="last"), r"`axis` of BatchNormalization "
                                              r"\"batch_normalization\": expected an integer "
                                              r"or a list of distinct integers. "
                                              r"Received: axis='last'"),
    (lambda: BatchNormalization(axis=[1, 1]), r"Received: axis=\[1, 1\]"),
    (lambda: BatchNormalization(axis=[]), r"Received: axis=\[\]"),
    (lambda: BatchNormalization(momentum=1.5), r"`momentum` of .*expected a number in the "
                                               r"range \[0, 1\]. Received: momentum=1.5"),
    (lambda: BatchNormalization(momentum="0.9"), r"Received: momentum='0.9'"),
    (lambda: BatchNormalization(epsilon=-1e-3), r"`epsilon` of .*expected a non-negative "
                                                r"number. Received: epsilon=-0.001"),
    (lambda: BatchNormalization(beta_initializer="nope"), "Unknown initializer: 'nope'"),
    (lambda: BatchNormalization(moving_variance_initializer="nope"),
     "Unknown initializer: 'nope'"),
    (lambda: BatchNormalization(gamma_regularizer="nope"), "Unknown regularizer: 'nope'"),
    (lambda: BatchNormalization(beta_constraint="nope"), "Unknown constraint: 'nope'"),
    (lambda: BatchNormalization(fused=True), "not understood by BatchNormalization: fused"),
    (lambda: LayerNormalization(axis=1.0), r"`axis` of LayerNormalization "
                                           r"\"layer_normalization\".*Received: axis=1.0"),
    (lambda: LayerNormalization(epsilon="small"), r"Received: epsilon='small'"),
    (lambda: LayerNormalization(gamma_initializer="nope"), "Unknown initializer: 'nope'"),
])
def test_constructor_arguments_are_checked(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


@pytest.mark.parametrize("make, shape, message", [
    (lambda: MaxPooling2D(3), (None, 2, 5, 1),
     r'MaxPooling2D "max_pooling2d" with pool_size=\(3, 3\) and padding=\'valid\' needs '
     r"spatial sizes of at least the pool size. Received an input of shape "
     r"\(None, 2, 5, 1\) \(channels_last\)"),
    (lambda: AveragePooling1D(4, data_format="channels_first"), (None, 8, 3),
     r"Received an input of shape \(None, 8, 3\) \(channels_first\)"),
    (lambda: MaxPooling2D(), (None, 4, 4),
     r'Input 0 of layer "max_pooling2d" is incompatible: expected ndim=4, '
     r"received shape \(None, 4, 4\)"),
    (lambda: GlobalAveragePooling3D(), (None, 4, 4, 4),
     r"expected ndim=5, received shape \(None, 4, 4, 4\)"),
    (lambda: ZeroPadding2D(), (None, 4, 4, 4, 1), r"expected ndim=4"),
    (lambda: Cropping1D((2, 2)), (None, 4, 3),
     r'Cropping1D "cropping1d" would crop away a whole axis: cropping=\(2, 2\) removes 4 of '
     r"4 cells. Received an input of shape \(None, 4, 3\)"),
    (lambda: Cropping2D(((0, 0), (3, 0)), data_format="channels_first"), (None, 3, 5, 3),
     r"removes 3 of 3 cells"),
    (lambda: UpSampling3D(), (None, 2, 2), r"expected ndim=5"),
    (lambda: BatchNormalization(axis=2), (None, 3),
     r'BatchNormalization "batch_normalization" got axis=2, out of range for an input of '
     r"shape \(None, 3\): expected axes 1 to 1"),
    (lambda: BatchNormalization(axis=0), (None, 3), r"axis 0 is the batch"),
    (lambda: BatchNormalization(axis=[1, -1]), (None, 3),
     r"got axis=\[1, -1\], which names an axis twice"),
    (lambda: BatchNormalization(), (None, 2, None),
     r"normalizes along axis=-1, whose size must be known. Received an input of shape "
     r"\(None, 2, None\)"),
    (lambda: LayerNormalization(axis=-3), (None, 4),
     r'LayerNormalization "layer_normalization" got axis=-3, out of range'),
])
def test_call_time_errors(make, shape, message):
    with pytest.raises(ValueError, match=message):
        make()(Input(batch_shape=shape))


def test_normalization_input_checked_against_the_built_feature_size():
    layer = BatchNormalization()
    layer(Input(shape=(3,)))
    with pytest.raises(ValueError, match=r'Input 0 of layer "batch_normalization" is '
                                         r"incompatible: expected dimension 1 of size 3, "
                                         r"received shape \(2, 4\)"):
        layer(np.ones((2, 4)))
    layer = LayerNormalization(axis=1)
    layer(Input(shape=(3, 2)))
    with pytest.raises(ValueError, match=r"expected dimension 1 of size 3, received shape "
                                         r"\(None, 4, 2\)"):
        layer(Input(shape=(4, 2)))
