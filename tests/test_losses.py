"""Losses against numpy references (tf-keras 2.x formulas), eagerly and in the graph."""

import json

import numpy as np
import pytest

from nerve import backend as K
from nerve import losses
from nerve.utils.serialization import custom_object_scope

EPS = 1e-7
N, C = 6, 4
rng = np.random.default_rng(0)
REAL_TRUE = rng.normal(size=(N, C)).astype(np.float32)
REAL_PRED = rng.normal(size=(N, C)).astype(np.float32) * 2
POS_TRUE = rng.uniform(0.1, 3.0, size=(N, C)).astype(np.float32)
POS_PRED = rng.uniform(0.1, 3.0, size=(N, C)).astype(np.float32)
BINARY = rng.integers(0, 2, size=(N, C)).astype(np.float32)
SIGNS = 2 * BINARY - 1
PROBS = rng.uniform(0.02, 0.98, size=(N, C)).astype(np.float32)
LOGITS = rng.normal(size=(N, C)).astype(np.float32) * 3
LABELS = np.array([0, 1, 2, 3, 1, 2])
ONE_HOT = np.eye(C, dtype=np.float32)[LABELS]
DIST_PRED = (np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)).astype(np.float32)
DIST_TRUE = rng.dirichlet(np.ones(C), size=N).astype(np.float32)
WEIGHTS = np.array([0.5, 1.0, 0.0, 2.0, 1.5, 0.25], dtype=np.float32)


def np_log_softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def np_softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def np_bce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return np.mean(t * np_softplus(-p) + (1 - t) * np_softplus(p), axis=axis)
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS)), axis=axis)


def np_cce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = t * (1 - label_smoothing) + label_smoothing / t.shape[axis]
    if from_logits:
        return -np.sum(t * np_log_softmax(p, axis), axis=axis)
    p = np.clip(p / p.sum(axis=axis, keepdims=True), EPS, 1 - EPS)
    return -np.sum(t * np.log(p), axis=axis)


def np_scce(labels, p, from_logits=False, axis=-1):
    p = np.moveaxis(p, axis, -1)
    logp = np_log_softmax(p if from_logits else np.log(np.clip(p, EPS, 1 - EPS)))
    labels = labels.reshape(p.shape[:-1]).astype(int)
    return -np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]


def np_hinge_labels(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def np_l2_normalize(x, axis):
    return x / np.sqrt(np.maximum(np.sum(x**2, axis=axis, keepdims=True), 1e-12))


def np_huber(t, p, delta=1.0):
    x = p - t
    return np.mean(
        np.where(np.abs(x) <= delta, 0.5 * x**2, delta * np.abs(x) - 0.5 * delta**2), -1
    )


def np_mape(t, p):
    return 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1)


def np_msle(t, p):
    return np.mean(
        (np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2, -1
    )


def np_kld(t, p):
    t, p = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    return np.sum(t * np.log(t / p), -1)


def np_categorical_hinge(t, p):
    return np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0)


# (id, loss function call, numpy reference, y_true, y_pred): every function, and
# its arguments.
CASES = [
    ("mse", losses.mean_squared_error, lambda t, p: np.mean((p - t) ** 2, -1),
     REAL_TRUE, REAL_PRED),
    ("mae", losses.mean_absolute_error, lambda t, p: np.mean(np.abs(p - t), -1),
     REAL_TRUE, REAL_PRED),
    ("mape", losses.mean_absolute_percentage_error, np_mape, REAL_TRUE, REAL_PRED),
    ("mape_zero_true", losses.mape, np_mape, np.zeros((N, C), np.float32), REAL_PRED),
    ("msle", losses.mean_squared_logarithmic_error, np_msle, POS_TRUE, POS_PRED),
    ("msle_negative", losses.msle, np_msle, REAL_TRUE, REAL_PRED),
    ("bce", losses.binary_crossentropy, np_bce, BINARY, PROBS),
    ("bce_saturated", losses.binary_crossentropy, np_bce, BINARY, BINARY),
    ("bce_logits", lambda t, p: losses.binary_crossentropy(t, p, from_logits=True),
     lambda t, p: np_bce(t, p, from_logits=True), BINARY, LOGITS),
    ("bce_smoothing", lambda t, p: losses.binary_crossentropy(t, p, label_smoothing=0.2),
     lambda t, p: np_bce(t, p, label_smoothing=0.2), BINARY, PROBS),
    ("bce_logits_smoothing",
     lambda t, p: losses.binary_crossentropy(t, p, from_logits=True, label_smoothing=0.3),
     lambda t, p: np_bce(t, p, from_logits=True, label_smoothing=0.3), BINARY, LOGITS),
    ("bce_axis0", lambda t, p: losses.binary_crossentropy(t, p, axis=0),
     lambda t, p: np_bce(t, p, axis=0), BINARY, PROBS),
    ("cce", losses.categorical_crossentropy, np_cce, ONE_HOT, DIST_PRED),
    ("cce_unnormalised", losses.categorical_crossentropy, np_cce, ONE_HOT, PROBS),
    ("cce_logits", lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True),
     lambda t, p: np_cce(t, p, from_logits=True), ONE_HOT, LOGITS),
    ("cce_smoothing", lambda t, p: losses.categorical_crossentropy(t, p, label_smoothing=0.1),
     lambda t, p: np_cce(t, p, label_smoothing=0.1), ONE_HOT, DIST_PRED),
    ("cce_logits_smoothing",
     lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True, label_smoothing=0.2),
     lambda t, p: np_cce(t, p, from_logits=True, label_smoothing=0.2), ONE_HOT, LOGITS),
    ("cce_axis0", lambda t, p: losses.categorical_crossentropy(t, p, axis=0),
     lambda t, p: np_cce(t, p, axis=0), ONE_HOT, PROBS),
    ("scce", losses.sparse_categorical_crossentropy, np_scce, LABELS, DIST_PRED),
    ("scce_column_labels", losses.sparse_categorical_crossentropy, np_scce,
     LABELS[:, None].astype(np.float32), DIST_PRED),
    ("scce_logits",
     lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True),
     lambda t, p: np_scce(t, p, from_logits=True), LABELS, LOGITS),
    ("scce_axis0",
     lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True, axis=0),
     lambda t, p: np_scce(t, p, from_logits=True, axis=0), LABELS[:C], LOGITS),
    ("hinge_01", losses.hinge,
     lambda t, p: np.mean(np.maximum(1 - np_hinge_labels(t) * p, 0), -1), BINARY, REAL_PRED),
    ("hinge_signs", losses.hinge,
     lambda t, p: np.mean(np.maximum(1 - t * p, 0), -1), SIGNS, REAL_PRED),
    ("hinge_other", losses.hinge,
     lambda t, p: np.mean(np.maximum(1 - t * p, 0), -1), REAL_TRUE, REAL_PRED),
    ("squared_hinge_01", losses.squared_hinge,
     lambda t, p: np.mean(np.maximum(1 - np_hinge_labels(t) * p, 0) ** 2, -1),
     BINARY, REAL_PRED),
    ("squared_hinge_signs", losses.squared_hinge,
     lambda t, p: np.mean(np.maximum(1 - t * p, 0) ** 2, -1), SIGNS, REAL_PRED),
    ("categorical_hinge", losses.categorical_hinge, np_categorical_hinge, ONE_HOT, REAL_PRED),
    ("kld", losses.kl_divergence, np_kld, DIST_TRUE, DIST_PRED),
    ("kld_one_hot", losses.kld, np_kld, ONE_HOT, DIST_PRED),
    ("poisson", losses.poisson, lambda t, p: np.mean(p - t * np.log(p + EPS), -1),
     POS_TRUE, POS_PRED),
    ("cosine", losses.cosine_similarity,
     lambda t, p: -np.sum(np_l2_normalize(t, -1) * np_l2_normalize(p, -1), -1),
     REAL_TRUE, REAL_PRED),
    ("cosine_axis0", lambda t, p: losses.cosine_similarity(t, p, axis=0),
     lambda t, p: -np.sum(np_l2_normalize(t, 0) * np_l2_normalize(p, 0), 0),
     REAL_TRUE, REAL_PRED),
    ("cosine_zero", losses.cosine_similarity, lambda t, p: np.zeros(N),
     np.zeros((N, C), np.float32), REAL_PRED),
    ("huber", losses.huber, np_huber, REAL_TRUE, REAL_PRED),
    ("huber_delta", lambda t, p: losses.huber(t, p, delta=0.3),
     lambda t, p: np_huber(t, p, 0.3), REAL_TRUE, REAL_PRED),
    ("log_cosh", losses.log_cosh, lambda t, p: np.mean(np.log(np.cosh(p - t)), -1),
     REAL_TRUE, REAL_PRED),
    ("log_cosh_large", losses.logcosh,
     lambda t, p: np.mean(np.abs(p - t) - np.log(2), -1), REAL_TRUE, REAL_PRED * 200),
]
IDS = [case[0] for case in CASES]
REF = {case[0]: case[2] for case in CASES}


def _expected(case):
    _, _, ref, y_true, y_pred = case
    return ref(y_true.astype(np.float64), y_pred.astype(np.float64))


@pytest.fixture(scope="module")
def graph_results():
    """Every case computed by one compiled function of placeholders."""
    inputs, feeds, outputs = [], [], []
    for name, fn, _, y_true, y_pred in CASES:
        # An unknown batch size, except where the loss reduces over the batch axis.
        batch = (y_true.shape[:1], y_pred.shape[:1]) if "axis0" in name else ((None,), (None,))
        t = K.placeholder(shape=batch[0] + y_true.shape[1:], dtype=y_true.dtype.name)
        p = K.placeholder(shape=batch[1] + y_pred.shape[1:])
        inputs += [t, p]
        feeds += [y_true, y_pred]
        outputs.append(fn(t, p))
    return dict(zip(IDS, K.function(inputs, outputs)(feeds)))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loss_functions_on_arrays(case):
    _, fn, _, y_true, y_pred = case
    np.testing.assert_allclose(fn(y_true, y_pred), _expected(case), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loss_functions_in_the_graph(case, graph_results):
    np.testing.assert_allclose(graph_results[case[0]], _expected(case), rtol=1e-5, atol=1e-5)


def test_loss_functions_accept_lists_and_integer_predictions():
    np.testing.assert_allclose(losses.mse([[0, 1], [0, 0]], [[1, 1], [1, 0]]), [0.5, 0.5])
    np.testing.assert_allclose(
        losses.categorical_crossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]),
        [0.0513, 2.303], rtol=1e-3,
    )
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]),
        [0.0513, 2.303], rtol=1e-3,
    )


def test_loss_function_shapes_are_static():
    t, p = K.placeholder(shape=(None, 5, C)), K.placeholder(shape=(None, 5, C))
    assert K.int_shape(losses.mse(t, p)) == (None, 5)
    assert K.int_shape(losses.categorical_crossentropy(t, p, axis=1)) == (None, C)
    labels = K.placeholder(shape=(None, 5))
    assert K.int_shape(losses.sparse_categorical_crossentropy(labels, p)) == (None, 5)
    assert K.int_shape(losses.cosine_similarity(t, p, axis=1)) == (None, C)


def test_losses_have_gradients():
    x = K.placeholder(shape=(N, C))
    w = K.variable(np.full((C, C), 0.1))
    loss = losses.CategoricalCrossentropy(from_logits=True)(ONE_HOT, K.dot(x, w))
    (grad,) = K.gradients(loss, [w])
    g = K.function([x], grad)([REAL_TRUE])
    # d/dW of the mean softmax cross-entropy: x^T (softmax(xW) - y) / N.
    z = REAL_TRUE @ np.full((C, C), 0.1)
    probs = np.exp(np_log_softmax(z))
    np.testing.assert_allclose(g, REAL_TRUE.T @ (probs - ONE_HOT) / N, rtol=1e-4, atol=1e-6)


# Loss objects: the reductions, with sample weights.

# (class, kwargs, per-sample numpy reference, y_true, y_pred)
CLASS_CASES = [
    (losses.MeanSquaredError, {}, REF["mse"], REAL_TRUE, REAL_PRED),
    (losses.MeanAbsoluteError, {}, REF["mae"], REAL_TRUE, REAL_PRED),
    (losses.MeanAbsolutePercentageError, {}, np_mape, REAL_TRUE, REAL_PRED),
    (losses.MeanSquaredLogarithmicError, {}, np_msle, POS_TRUE, POS_PRED),
    (losses.BinaryCrossentropy, {}, np_bce, BINARY, PROBS),
    (losses.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.1},
     lambda t, p: np_bce(t, p, True, 0.1), BINARY, LOGITS),
    (losses.CategoricalCrossentropy, {}, np_cce, ONE_HOT, DIST_PRED),
    (losses.CategoricalCrossentropy, {"from_logits": True, "label_smoothing": 0.2},
     lambda t, p: np_cce(t, p, True, 0.2), ONE_HOT, LOGITS),
    (losses.SparseCategoricalCrossentropy, {}, np_scce, LABELS, DIST_PRED),
    (losses.SparseCategoricalCrossentropy, {"from_logits": True},
     lambda t, p: np_scce(t, p, True), LABELS[:, None], LOGITS),
    (losses.Hinge, {}, REF["hinge_01"], BINARY, REAL_PRED),
    (losses.SquaredHinge, {}, REF["squared_hinge_01"], BINARY, REAL_PRED),
    (losses.CategoricalHinge, {}, np_categorical_hinge, ONE_HOT, REAL_PRED),
    (losses.KLDivergence, {}, np_kld, DIST_TRUE, DIST_PRED),
    (losses.Poisson, {}, REF["poisson"], POS_TRUE, POS_PRED),
    (losses.CosineSimilarity, {}, REF["cosine"], REAL_TRUE, REAL_PRED),
    (losses.CosineSimilarity, {"axis": 0}, REF["cosine_axis0"], REAL_TRUE, REAL_PRED),
    (losses.Huber, {"delta": 0.5}, lambda t, p: np_huber(t, p, 0.5), REAL_TRUE, REAL_PRED),
    (losses.LogCosh, {}, REF["log_cosh"], REAL_TRUE, REAL_PRED),
    (losses.LossFunctionWrapper, {"fn": losses.huber, "delta": 2.0},
     lambda t, p: np_huber(t, p, 2.0), REAL_TRUE, REAL_PRED),
]
CLASS_IDS = [f"{case[0].__name__}{'_' + '_'.join(case[1]) if case[1] else ''}"
             for case in CLASS_CASES]


def _reduce(values, weights, reduction):
    weighted = values if weights is None else values * weights
    if reduction == "none":
        return weighted
    total = weighted.sum()
    return total if reduction == "sum" else total / weighted.size


@pytest.mark.parametrize("reduction", ["auto", "sum_over_batch_size", "sum", "none"])
@pytest.mark.parametrize("case", CLASS_CASES, ids=CLASS_IDS)
def test_loss_classes_reduce_weighted_losses(case, reduction):
    cls, kwargs, ref, y_true, y_pred = case
    loss = cls(reduction=reduction, **kwargs)
    per_sample = ref(y_true.astype(np.float64), y_pred.astype(np.float64))
    np.testing.assert_allclose(
        loss(y_true, y_pred), _reduce(per_sample, None, reduction), rtol=1e-5, atol=1e-5
    )
    weights = WEIGHTS[: per_sample.shape[0]]
    np.testing.assert_allclose(
        loss(y_true, y_pred, sample_weight=weights),
        _reduce(per_sample, weights, reduction), rtol=1e-5, atol=1e-5,
    )


@pytest.mark.parametrize(
    "weights, expected_weights",
    [
        (2.0, 2.0),
        (WEIGHTS, WEIGHTS),
        (WEIGHTS[:, None], WEIGHTS),
        (np.arange(N * 3, dtype=np.float32).reshape(N, 3), None),
    ],
    ids=["scalar", "per_sample", "column", "per_step"],
)
def test_sample_weight_shapes(weights, expected_weights):
    # Targets (N, 3, C): per-sample losses are (N, 3); weights broadcast to them.
    y_true = np.stack([REAL_TRUE] * 3, axis=1)
    y_pred = np.stack([REAL_PRED, REAL_TRUE, -REAL_PRED], axis=1)
    per_step = np.mean((y_pred.astype(np.float64) - y_true) ** 2, -1)
    if expected_weights is None:
        full = np.asarray(weights)
    else:
        full = np.broadcast_to(np.reshape(expected_weights, (-1, 1)) if np.ndim(
            expected_weights) else expected_weights, per_step.shape)
    for reduction in ["sum_over_batch_size", "sum", "none"]:
        got = losses.MeanSquaredError(reduction=reduction)(y_true, y_pred, sample_weight=weights)
        np.testing.assert_allclose(got, _reduce(per_step, full, reduction), rtol=1e-5)


def test_loss_classes_in_the_graph_with_weights():
    t, p = K.placeholder(shape=(None, C)), K.placeholder(shape=(None, C))
    w = K.placeholder(shape=(None,))
    outputs = [
        losses.BinaryCrossentropy(from_logits=True)(t, p, w),
        losses.CategoricalCrossentropy(label_smoothing=0.1, reduction="sum")(t, p),
        losses.Huber(reduction="none")(t, p, w),
    ]
    assert K.int_shape(outputs[0]) == () and K.int_shape(outputs[2]) == (None,)
    got = K.function([t, p, w], outputs)([ONE_HOT, PROBS, WEIGHTS])
    np.testing.assert_allclose(
        got[0], np.sum(np_bce(ONE_HOT, PROBS, True) * WEIGHTS) / N, rtol=1e-5
    )
    np.testing.assert_allclose(got[1], np.sum(np_cce(ONE_HOT, PROBS, label_smoothing=0.1)),
                               rtol=1e-5)
    np.testing.assert_allclose(got[2], np_huber(ONE_HOT, PROBS) * WEIGHTS, rtol=1e-5)


def test_tf_keras_docstring_values():
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    assert float(losses.MeanSquaredError()(y_true, y_pred)) == pytest.approx(0.5)
    assert float(losses.MeanSquaredError()(y_true, y_pred, [0.7, 0.3])) == pytest.approx(0.25)
    assert float(losses.MeanSquaredError(reduction="sum")(y_true, y_pred)) == pytest.approx(1.0)
    t2, p2 = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
    assert float(losses.Huber()(t2, p2)) == pytest.approx(0.155, abs=1e-3)
    assert float(losses.KLDivergence()(t2, p2)) == pytest.approx(0.458, abs=1e-3)
    assert float(losses.BinaryCrossentropy()(t2, p2)) == pytest.approx(0.815, abs=1e-3)
    assert float(losses.LogCosh()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])) == (
        pytest.approx(0.108, abs=1e-3)
    )


def test_targets_without_the_unit_axis_are_lined_up():
    # (n,) targets against (n, 1) outputs: y_pred loses its last axis, as in tf-keras.
    y_true, y_pred = BINARY[:, 0], PROBS[:, :1]
    got = losses.BinaryCrossentropy()(y_true, y_pred)
    np.testing.assert_allclose(got, np_bce(y_true, y_pred[:, 0], axis=-1), rtol=1e-5)
    # (n, 1) targets against (n,) outputs: y_true loses it.
    np.testing.assert_allclose(
        losses.MeanAbsoluteError()(REAL_TRUE[:, :1], REAL_PRED[:, 0]),
        np.mean(np.abs(REAL_TRUE[:, 0] - REAL_PRED[:, 0])), rtol=1e-5,
    )


def test_sparse_crossentropy_ignore_class():
    labels = np.array([0, -1, 2, 3, -1, 1])
    valid = labels >= 0
    per_sample = np_scce(np.where(valid, labels, 0), DIST_PRED) * valid
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels, DIST_PRED, ignore_class=-1), per_sample,
        rtol=1e-5,
    )
    for column in (labels, labels[:, None]):
        for weights, w in ((None, 1.0), (WEIGHTS, WEIGHTS)):
            expected = {
                "auto": np.sum(per_sample * w) / valid.sum(),  # the mean over valid labels
                "sum": np.sum(per_sample * w),
                "none": per_sample * w,
            }
            for reduction, value in expected.items():
                loss = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction=reduction)
                np.testing.assert_allclose(loss(column, DIST_PRED, weights), value, rtol=1e-5)
    t, p = K.placeholder(shape=(None,)), K.placeholder(shape=(None, C))
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)(t, p)
    got = K.function([t, p], loss)([labels.astype(np.float32), DIST_PRED])
    assert float(got) == pytest.approx(per_sample.sum() / valid.sum(), rel=1e-5)
    config = losses.SparseCategoricalCrossentropy(ignore_class=-1).get_config()
    assert config["ignore_class"] == -1
    assert losses.SparseCategoricalCrossentropy.from_config(config).get_config() == config


def test_compute_weighted_loss():
    values = np.array([1.0, 2.0, 3.0])
    assert float(losses.compute_weighted_loss(values, [1.0, 0.0, 1.0])) == pytest.approx(4 / 3)
    assert float(losses.compute_weighted_loss(values, reduction="sum")) == 6.0
    assert float(losses.compute_weighted_loss(np.zeros((0,)))) == 0.0
    x = K.placeholder(shape=(None,))
    f = K.function([x], losses.compute_weighted_loss(x, 2.0))
    assert float(f([values])) == pytest.approx(4.0)
    assert float(f([np.zeros((0,), np.float32)])) == 0.0


def test_a_subclass_implements_call():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            return K.mean(K.pow(y_pred - y_true, 3), axis=-1)

    loss = Cubed(name="cubed")
    np.testing.assert_allclose(
        loss(REAL_TRUE, REAL_PRED), np.mean((REAL_PRED - REAL_TRUE) ** 3), rtol=1e-4
    )
    assert loss.get_config() == {"reduction": "auto", "name": "cubed"}


def test_any_callable_is_a_loss():
    def my_loss(y_true, y_pred):
        return K.mean(K.abs(y_pred - y_true), axis=-1)

    assert losses.get(my_loss) is my_loss
    wrapped = losses.LossFunctionWrapper(my_loss, reduction="sum", name="mine")
    np.testing.assert_allclose(
        wrapped(REAL_TRUE, REAL_PRED), np.sum(np.mean(np.abs(REAL_PRED - REAL_TRUE), -1)),
        rtol=1e-5,
    )


# Lookup and configs.

ALIASES = {
    "mse": losses.mean_squared_error, "MSE": losses.mean_squared_error,
    "mean_squared_error": losses.mean_squared_error,
    "mae": losses.mean_absolute_error, "MAE": losses.mean_absolute_error,
    "mape": losses.mean_absolute_percentage_error,
    "MAPE": losses.mean_absolute_percentage_error,
    "msle": losses.mean_squared_logarithmic_error,
    "MSLE": losses.mean_squared_logarithmic_error,
    "bce": losses.binary_crossentropy, "binary_crossentropy": losses.binary_crossentropy,
    "categorical_crossentropy": losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": losses.sparse_categorical_crossentropy,
    "hinge": losses.hinge, "squared_hinge": losses.squared_hinge,
    "categorical_hinge": losses.categorical_hinge,
    "kld": losses.kl_divergence, "KLD": losses.kl_divergence,
    "kullback_leibler_divergence": losses.kl_divergence,
    "kl_divergence": losses.kl_divergence, "poisson": losses.poisson,
    "cosine_similarity": losses.cosine_similarity, "cosine_proximity": losses.cosine_similarity,
    "huber": losses.huber, "huber_loss": losses.huber,
    "log_cosh": losses.log_cosh, "logcosh": losses.log_cosh,
}


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_get_function_names(name):
    fn = losses.get(name)
    assert fn is ALIASES[name]
    assert losses.deserialize(losses.serialize(fn)) is fn


@pytest.mark.parametrize("case", CLASS_CASES, ids=CLASS_IDS)
def test_loss_config_round_trip(case):
    cls, kwargs, _, y_true, y_pred = case
    loss = cls(reduction="sum", name="my_loss", **kwargs)
    config = loss.get_config()
    assert config["reduction"] == "sum" and config["name"] == "my_loss"
    json.dumps(config)  # plain values only
    clone = cls.from_config(config)
    assert type(clone) is cls and clone.get_config() == config
    serialized = losses.serialize(loss)
    assert serialized == {"class_name": cls.__name__, "config": config}
    again = losses.deserialize(json.loads(json.dumps(serialized)))
    assert type(again) is cls and again.get_config() == config
    np.testing.assert_allclose(again(y_true, y_pred), loss(y_true, y_pred), rtol=1e-6)
    assert type(losses.get(serialized)) is cls


def test_class_names_give_default_instances():
    loss = losses.get("CategoricalCrossentropy")
    assert isinstance(loss, losses.CategoricalCrossentropy)
    assert loss.get_config() == {
        "reduction": "auto", "name": "categorical_crossentropy",
        "from_logits": False, "label_smoothing": 0.0, "axis": -1,
    }
    loss = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert loss.get_config()["from_logits"] is True
    assert losses.get("Huber").get_config() == {
        "reduction": "auto", "name": "huber_loss", "delta": 1.0,
    }
    assert losses.get(None) is None
    # tf-keras >= 2.13 writes functions as {"class_name": "function", "config": name}.
    assert losses.get({"class_name": "function", "config": "mse"}) is losses.mean_squared_error


def test_custom_objects():
    def my_loss(y_true, y_pred):
        return y_pred - y_true

    with custom_object_scope({"my_loss": my_loss}):
        assert losses.get("my_loss") is my_loss
        wrapper = losses.LossFunctionWrapper(my_loss, name="w")
        assert wrapper.get_config()["fn"] == "my_loss"
        assert losses.deserialize(losses.serialize(wrapper)).fn is my_loss
    assert losses.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss


# Errors.


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: losses.get("nope"), r"Unknown loss function: 'nope'\. Known names: .*'mse'"),
        (lambda: losses.get(3), r"Invalid value for `identifier` of loss function "
                                r"deserialization: expected a name, a config dict or a "
                                r"callable\. Received: identifier=3"),
        (lambda: losses.get({"config": {}}), r"expected a dict with the keys 'class_name'"),
        (lambda: losses.MeanSquaredError(reduction="mean"),
         r"Invalid value for `reduction` of MeanSquaredError \"mean_squared_error\": expected "
         r"one of 'auto', 'none', 'sum', 'sum_over_batch_size'\. Received: reduction='mean'"),
        (lambda: losses.Loss(reduction=None),
         r"Invalid value for `reduction` of Loss: expected one of .*Received: reduction=None"),
        (lambda: losses.Huber(delta=-1),
         r"Invalid value for `delta` of Huber \"huber_loss\": expected a positive number\. "
         r"Received: delta=-1"),
        (lambda: losses.Huber(delta="1"), r"`delta` .*Received: delta='1'"),
        (lambda: losses.BinaryCrossentropy(label_smoothing=1.5),
         r"Invalid value for `label_smoothing` of BinaryCrossentropy \"binary_crossentropy\": "
         r"expected a float in the range \[0, 1\]\. Received: label_smoothing=1\.5"),
        (lambda: losses.CategoricalCrossentropy(label_smoothing=-0.1),
         r"`label_smoothing` of CategoricalCrossentropy .*Received: label_smoothing=-0\.1"),
        (lambda: losses.CategoricalCrossentropy(axis=True),
         r"Invalid value for `axis` of CategoricalCrossentropy \"categorical_crossentropy\": "
         r"expected an integer\. Received: axis=True"),
        (lambda: losses.SparseCategoricalCrossentropy(axis=1.0), r"Received: axis=1\.0"),
        (lambda: losses.SparseCategoricalCrossentropy(ignore_class="void"),
         r"`ignore_class` of SparseCategoricalCrossentropy \"sparse_categorical_crossentropy\": "
         r"expected an integer or None\. Received: ignore_class='void'"),
        (lambda: losses.CosineSimilarity(axis="x"), r"`axis` of CosineSimilarity"),
        (lambda: losses.categorical_crossentropy(ONE_HOT, PROBS, axis=True),
         r"Invalid value for `axis` of categorical_crossentropy: expected an integer"),
        (lambda: losses.LossFunctionWrapper("mse"),
         r"Invalid value for `fn` of LossFunctionWrapper: expected a callable"),
        (lambda: losses.compute_weighted_loss(np.ones(3), reduction="avg"),
         r"Invalid value for `reduction` of compute_weighted_loss: .*Received: reduction='avg'"),
        (lambda: losses.mse(K.placeholder(shape=(None, 3)), K.placeholder(shape=(None, 4))),
         r"Op '.*' cannot be applied to inputs of shapes \(None, 4\), \(None, 3\)"),
    ],
)
def test_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_base_loss_call_is_abstract():
    with pytest.raises(NotImplementedError, match=r"Loss must implement `call\(y_true, y_pred\)`"):
        losses.Loss()(ONE_HOT, PROBS)


def test_categorical_crossentropy_warns_on_one_class():
    with pytest.warns(UserWarning, match=r"expected y_pred\.shape to be \(batch_size, "
                                         r"num_classes\) with num_classes > 1"):
        out = losses.categorical_crossentropy(np.ones((3, 1)), np.ones((3, 1)))
    np.testing.assert_allclose(out, 0.0, atol=1e-6)
