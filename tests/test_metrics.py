"""Metrics against numpy and scikit-learn: per-sample functions, and stateful metrics
streamed over two weighted batches, in compiled graphs and eagerly."""

import json

import numpy as np
import pytest

from nerve import backend as K
from nerve import losses, metrics
from nerve.utils.serialization import custom_object_scope

EPS = 1e-7
rng = np.random.default_rng(1)


def div0(a, b):
    b = np.asarray(b, dtype=np.float64)
    return np.where(b == 0, 0.0, np.asarray(a) / np.where(b == 0, 1.0, b))


def weighted_mean(values, weights=None):
    values = np.asarray(values, dtype=np.float64)
    if weights is None:
        return values.mean()
    weights = np.asarray(weights, dtype=np.float64)
    weights = weights.reshape(weights.shape + (1,) * (values.ndim - weights.ndim))
    weights = np.broadcast_to(weights, values.shape)
    return div0((values * weights).sum(), weights.sum())


def np_top_k_mask(scores, k):
    """1 for the k highest scores of each row, ties to the lower index (tf.math.top_k)."""
    order = np.argsort(-scores, axis=-1, kind="stable")[..., :k]
    mask = np.zeros_like(scores)
    np.put_along_axis(mask, order, 1.0, axis=-1)
    return mask


def np_in_top_k(labels, scores, k):
    target = np.take_along_axis(scores, labels[..., None].astype(int), -1)
    return (np.sum(scores > target, -1) < k).astype(np.float64)


def np_confusion(y_true, y_pred, weights, thresholds):
    """Weighted (tp, fp, tn, fn) at each threshold, values pooled (flattened)."""
    positive = (np.asarray(y_true) != 0).reshape(-1).astype(np.float64)
    scores = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    weights = np.broadcast_to(np.asarray(weights, np.float64).reshape(
        np.shape(weights) + (1,) * (np.ndim(y_pred) - np.ndim(weights))), np.shape(y_pred)
    ).reshape(-1)
    predicted = (scores[None, :] > np.asarray(thresholds)[:, None]).astype(np.float64)
    return (
        predicted @ (positive * weights),
        predicted @ ((1 - positive) * weights),
        (1 - predicted) @ ((1 - positive) * weights),
        (1 - predicted) @ (positive * weights),
    )


def auc_thresholds(n):
    return np.array([-EPS] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + EPS])


def np_auc_from_counts(tp, fp, tn, fn, curve="ROC", method="interpolation"):
    """tf-keras's AUC from confusion counts at sorted thresholds."""
    if curve == "PR" and method == "interpolation":
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = div0(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), div0(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return np.sum(div0(slope * (dtp + intercept * np.log(ratio)), tp[1:] + fn[1:]))
    recall = div0(tp, tp + fn)
    if curve == "ROC":
        x, y = div0(fp, fp + tn), recall
    else:
        x, y = recall, div0(tp, tp + fp)
    heights = {
        "interpolation": (y[:-1] + y[1:]) / 2,
        "minoring": np.minimum(y[:-1], y[1:]),
        "majoring": np.maximum(y[:-1], y[1:]),
    }[method]
    return np.sum((x[:-1] - x[1:]) * heights)


def np_auc(y_true, y_pred, weights, num_thresholds=200, curve="ROC", method="interpolation",
           thresholds=None):
    if thresholds is None:
        thresholds, y_pred = auc_thresholds(num_thresholds), np.clip(y_pred, 0, 1)
    counts = np_confusion(y_true, y_pred, weights, thresholds)
    return np_auc_from_counts(*counts, curve=curve, method=method)


# Per-sample functions.

SCORES = rng.uniform(size=(8, 5)).astype(np.float32)
SCORES[0] = [0.3, 0.3, 0.1, 0.3, 0.0]  # ties
LABELS = np.array([3, 0, 1, 2, 4, 4, 0, 2])
ONE_HOT = np.eye(5, dtype=np.float32)[LABELS]
BINARY = rng.integers(0, 2, size=(8, 3)).astype(np.float32)
PROBS = rng.uniform(size=(8, 3)).astype(np.float32)

FUNCTION_CASES = [
    ("accuracy", lambda: metrics.accuracy(LABELS, np.argmax(SCORES, -1)),
     (LABELS == np.argmax(SCORES, -1)).astype(float)),
    ("binary_accuracy", lambda: metrics.binary_accuracy(BINARY, PROBS),
     np.mean(BINARY == (PROBS > 0.5), -1)),
    ("binary_accuracy_threshold", lambda: metrics.binary_accuracy(BINARY, PROBS, threshold=0.8),
     np.mean(BINARY == (PROBS > 0.8), -1)),
    ("categorical_accuracy", lambda: metrics.categorical_accuracy(ONE_HOT, SCORES),
     (np.argmax(SCORES, -1) == LABELS).astype(float)),
    ("sparse_categorical_accuracy", lambda: metrics.sparse_categorical_accuracy(LABELS, SCORES),
     (np.argmax(SCORES, -1) == LABELS).astype(float)),
    ("sparse_categorical_accuracy_column",
     lambda: metrics.sparse_categorical_accuracy(LABELS[:, None].astype(np.float32), SCORES),
     (np.argmax(SCORES, -1) == LABELS).astype(float)),
    ("top_k", lambda: metrics.top_k_categorical_accuracy(ONE_HOT, SCORES, k=2),
     np_in_top_k(LABELS, SCORES, 2)),
    ("top_k_default", lambda: metrics.top_k_categorical_accuracy(ONE_HOT, SCORES),
     np.ones(8)),
    ("sparse_top_k", lambda: metrics.sparse_top_k_categorical_accuracy(LABELS, SCORES, k=1),
     np_in_top_k(LABELS, SCORES, 1)),
    ("sparse_top_k_column",
     lambda: metrics.sparse_top_k_categorical_accuracy(LABELS[:, None], SCORES, k=3),
     np_in_top_k(LABELS, SCORES, 3)),
]


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=[c[0] for c in FUNCTION_CASES])
def test_metric_functions(case):
    _, compute, expected = case
    got = np.asarray(compute())
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected)


def test_top_k_counts_ties_in_like_in_top_k():
    # Label 0 ties with labels 1 and 3 for first place: in the top 1, as tf.nn.in_top_k.
    got = metrics.sparse_top_k_categorical_accuracy([0, 2, 4], SCORES[:1].repeat(3, 0), k=1)
    np.testing.assert_allclose(got, [1.0, 0.0, 0.0])


def test_metric_functions_in_the_graph():
    scores, labels = K.placeholder(shape=(None, 5)), K.placeholder(shape=(None,))
    column = K.placeholder(shape=(None, 1))
    outputs = [
        metrics.sparse_categorical_accuracy(labels, scores),
        metrics.sparse_categorical_accuracy(column, scores),
        metrics.sparse_top_k_categorical_accuracy(labels, scores, k=2),
        metrics.binary_accuracy(column, scores),
    ]
    assert [K.int_shape(o) for o in outputs] == [(None,), (None,), (None,), (None,)]
    got = K.function([scores, labels, column], outputs)(
        [SCORES, LABELS.astype(np.float32), LABELS[:, None].astype(np.float32)]
    )
    np.testing.assert_allclose(got[0], np.argmax(SCORES, -1) == LABELS)
    np.testing.assert_allclose(got[1], np.argmax(SCORES, -1) == LABELS)
    np.testing.assert_allclose(got[2], np_in_top_k(LABELS, SCORES, 2))
    np.testing.assert_allclose(got[3], np.mean(LABELS[:, None] == (SCORES > 0.5), -1))


# Streaming: two weighted batches, in a compiled graph and eagerly.


def _data(kind, n, seed):
    r = np.random.default_rng(seed)
    if kind == "binary":
        y = r.integers(0, 2, size=(n, 1)).astype(np.float32)
        return y, np.clip(y * 0.4 + r.uniform(size=(n, 1)) * 0.6, 0, 1).astype(np.float32)
    if kind == "multilabel":
        y = r.integers(0, 2, size=(n, 3)).astype(np.float32)
        return y, np.clip(y * 0.3 + r.uniform(size=(n, 3)) * 0.7, 0, 1).astype(np.float32)
    if kind in ("categorical", "sparse", "sparse_column"):
        labels = r.integers(0, 4, size=n)
        scores = r.uniform(size=(n, 4)).astype(np.float32)
        scores[np.arange(n), labels] += r.uniform(0, 0.5, size=n).astype(np.float32)
        scores /= scores.sum(-1, keepdims=True)
        y = {"categorical": np.eye(4, dtype=np.float32)[labels], "sparse": labels,
             "sparse_column": labels[:, None]}[kind]
        return y.astype(np.float32), scores
    if kind == "logits":
        y = r.integers(0, 2, size=(n, 1)).astype(np.float32)
        return y, (4 * y - 2 + 2 * r.normal(size=(n, 1))).astype(np.float32)
    if kind == "ints":
        y = r.integers(0, 3, size=(n, 1))
        return y.astype(np.float32), np.where(r.uniform(size=(n, 1)) < 0.7, y,
                                              r.integers(0, 3, size=(n, 1))).astype(np.float32)
    y = r.normal(size=(n, 3)).astype(np.float32)  # regression
    return y, (y + r.normal(size=(n, 3))).astype(np.float32)


def _weights(n, seed):
    return np.random.default_rng(seed).uniform(0, 2, size=n).astype(np.float32)


def ref_mean_of(fn):
    return lambda y, p, w: weighted_mean(fn(y.astype(np.float64), p.astype(np.float64)), w)


def ref_precision(threshold=0.5, class_id=None, top_k=None):
    def ref(y, p, w):
        if top_k is not None:
            mask = np_top_k_mask(p, top_k)
            p = p * mask + -1e10 * (1 - mask)
        if class_id is not None:
            y, p = y[..., class_id], p[..., class_id]
        tp, fp, _, _ = np_confusion(y, p, w, [threshold])
        return div0(tp, tp + fp)[0]

    return ref


def ref_recall(threshold=0.5, class_id=None, top_k=None):
    def ref(y, p, w):
        if top_k is not None:
            mask = np_top_k_mask(p, top_k)
            p = p * mask + -1e10 * (1 - mask)
        if class_id is not None:
            y, p = y[..., class_id], p[..., class_id]
        tp, _, _, fn = np_confusion(y, p, w, [threshold])
        return div0(tp, tp + fn)[0]

    return ref


def ref_multilabel_auc(label_weights=None, curve="ROC"):
    def ref(y, p, w):
        aucs = [np_auc(y[:, j], p[:, j], w, curve=curve) for j in range(y.shape[1])]
        if label_weights is None:
            return np.mean(aucs)
        return np.dot(aucs, label_weights) / np.sum(label_weights)

    return ref


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# (id, metric factory, data kind, numpy reference (y_true, y_pred, weights) -> result)
STREAM_CASES = [
    ("Accuracy", metrics.Accuracy, "ints", ref_mean_of(lambda y, p: (y == p)[:, 0])),
    ("BinaryAccuracy", metrics.BinaryAccuracy, "binary",
     ref_mean_of(lambda y, p: np.mean(y == (p > 0.5), -1))),
    ("BinaryAccuracy_multilabel", lambda: metrics.BinaryAccuracy(threshold=0.7), "multilabel",
     ref_mean_of(lambda y, p: np.mean(y == (p > 0.7), -1))),
    ("CategoricalAccuracy", metrics.CategoricalAccuracy, "categorical",
     ref_mean_of(lambda y, p: np.argmax(y, -1) == np.argmax(p, -1))),
    ("SparseCategoricalAccuracy", metrics.SparseCategoricalAccuracy, "sparse",
     ref_mean_of(lambda y, p: y == np.argmax(p, -1))),
    ("SparseCategoricalAccuracy_column", metrics.SparseCategoricalAccuracy, "sparse_column",
     ref_mean_of(lambda y, p: y[:, 0] == np.argmax(p, -1))),
    ("TopKCategoricalAccuracy", lambda: metrics.TopKCategoricalAccuracy(k=2), "categorical",
     ref_mean_of(lambda y, p: np_in_top_k(np.argmax(y, -1), p, 2))),
    ("SparseTopKCategoricalAccuracy", lambda: metrics.SparseTopKCategoricalAccuracy(k=2),
     "sparse", ref_mean_of(lambda y, p: np_in_top_k(y, p, 2))),
    ("MeanSquaredError", metrics.MeanSquaredError, "regression",
     ref_mean_of(lambda y, p: np.mean((y - p) ** 2, -1))),
    ("MeanAbsoluteError", metrics.MeanAbsoluteError, "regression",
     ref_mean_of(lambda y, p: np.mean(np.abs(y - p), -1))),
    ("MeanMetricWrapper_huber",
     lambda: metrics.MeanMetricWrapper(losses.huber, name="h", delta=0.5), "regression",
     ref_mean_of(lambda y, p: np.mean(np.where(np.abs(p - y) <= 0.5, 0.5 * (p - y) ** 2,
                                               0.5 * np.abs(p - y) - 0.125), -1))),
    ("Precision", metrics.Precision, "binary", ref_precision()),
    ("Precision_threshold", lambda: metrics.Precision(thresholds=0.7), "binary",
     ref_precision(0.7)),
    ("Precision_multilabel", metrics.Precision, "multilabel", ref_precision()),
    ("Precision_class_id", lambda: metrics.Precision(class_id=1), "multilabel",
     ref_precision(class_id=1)),
    ("Precision_top_k", lambda: metrics.Precision(top_k=2), "categorical",
     ref_precision(threshold=-1e10, top_k=2)),
    ("Precision_top_k_class_id", lambda: metrics.Precision(top_k=1, class_id=2), "categorical",
     ref_precision(threshold=-1e10, top_k=1, class_id=2)),
    ("Recall", metrics.Recall, "binary", ref_recall()),
    ("Recall_threshold", lambda: metrics.Recall(thresholds=[0.3]), "multilabel",
     ref_recall(0.3)),
    ("Recall_class_id", lambda: metrics.Recall(class_id=0), "multilabel",
     ref_recall(class_id=0)),
    ("Recall_top_k", lambda: metrics.Recall(top_k=2), "categorical",
     ref_recall(threshold=-1e10, top_k=2)),
    ("AUC", metrics.AUC, "binary", lambda y, p, w: np_auc(y, p, w)),
    ("AUC_PR", lambda: metrics.AUC(curve="PR"), "binary",
     lambda y, p, w: np_auc(y, p, w, curve="PR")),
    ("AUC_minoring", lambda: metrics.AUC(num_thresholds=50, summation_method="minoring"),
     "binary", lambda y, p, w: np_auc(y, p, w, 50, method="minoring")),
    ("AUC_PR_majoring",
     lambda: metrics.AUC(num_thresholds=20, curve="pr", summation_method="Majoring"), "binary",
     lambda y, p, w: np_auc(y, p, w, 20, curve="PR", method="majoring")),
    ("AUC_thresholds", lambda: metrics.AUC(thresholds=[0.8, 0.2, 0.5]), "binary",
     lambda y, p, w: np_auc(y, p, w, thresholds=[-EPS, 0.2, 0.5, 0.8, 1 + EPS])),
    ("AUC_from_logits", lambda: metrics.AUC(from_logits=True), "logits",
     lambda y, p, w: np_auc(y, _sigmoid(p), w)),
    ("AUC_pooled_labels", lambda: metrics.AUC(num_thresholds=30), "multilabel",
     lambda y, p, w: np_auc(y, p, w, 30)),
    ("AUC_label_weights", lambda: metrics.AUC(label_weights=[1.0, 0.0, 2.0]), "multilabel",
     lambda y, p, w: np_auc(y, p, w[:, None] * np.array([1.0, 0.0, 2.0]))),
    ("AUC_multi_label", lambda: metrics.AUC(multi_label=True), "multilabel",
     ref_multilabel_auc()),
    ("AUC_multi_label_weights",
     lambda: metrics.AUC(multi_label=True, num_labels=3, label_weights=[0.5, 1, 2], curve="PR"),
     "multilabel", ref_multilabel_auc([0.5, 1, 2], curve="PR")),
]
STREAM_IDS = [c[0] for c in STREAM_CASES]
BATCH = 16


def _batches(kind):
    return [(*_data(kind, BATCH, seed), _weights(BATCH, seed + 10)) for seed in (0, 1)]


@pytest.fixture(scope="module")
def compiled_runs():
    """Every streaming case run in compiled graphs, one update function (and one
    result function) per kind of data: results after each batch and after a reset."""
    runs = {}
    for kind in dict.fromkeys(case[2] for case in STREAM_CASES):
        cases = [case for case in STREAM_CASES if case[2] == kind]
        batches = _batches(kind)
        y_true = K.placeholder(shape=(None,) + batches[0][0].shape[1:])
        y_pred = K.placeholder(shape=(None,) + batches[0][1].shape[1:])
        weight = K.placeholder(shape=(None,))
        made, updates, after = [], [], []
        for case in cases:
            metric = case[1]()
            metric_updates = metric.update_state(y_true, y_pred, weight)
            assert all(isinstance(v, K.Variable) for v, _ in metric_updates)
            made.append(metric)
            updates += metric_updates
            after.append(metric.result_after(metric_updates))
        step = K.function([y_true, y_pred, weight], after, updates=updates)
        result = K.function([], [metric.result() for metric in made])
        steps, results = [], []
        for batch in batches:
            steps.append(step(list(batch)))
            results.append(result([]))
        for metric in made:
            metric.reset_state()
        reset = result([])
        for i, case in enumerate(cases):
            runs[case[0]] = {
                "steps": [s[i] for s in steps],
                "results": [r[i] for r in results],
                "reset": reset[i],
                "variables": [K.eval(v) for v in made[i].variables],
            }
    return runs


@pytest.mark.parametrize("case", STREAM_CASES, ids=STREAM_IDS)
def test_streaming_in_a_compiled_graph(case, compiled_runs):
    name, _, kind, ref = case
    run = compiled_runs[name]
    batches = _batches(kind)
    expected = [ref(*batches[0]), ref(*(np.concatenate(parts) for parts in zip(*batches)))]
    # result_after(updates) inside the step, result() read after it: the same values.
    np.testing.assert_allclose(run["steps"], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(run["results"], expected, rtol=1e-5, atol=1e-6)
    assert not any(v.any() for v in run["variables"])
    np.testing.assert_allclose(run["reset"], 0.0)


# The eager path differs only in how updates are applied: a few cases suffice.
EAGER_CASES = ["Accuracy", "SparseCategoricalAccuracy_column", "MeanMetricWrapper_huber",
               "Recall_threshold", "AUC_label_weights"]


@pytest.mark.parametrize("case", [c for c in STREAM_CASES if c[0] in EAGER_CASES],
                         ids=[c[0] for c in STREAM_CASES if c[0] in EAGER_CASES])
def test_streaming_on_arrays(case):
    _, make, kind, ref = case
    batches = _batches(kind)
    metric = make()
    updates = metric.update_state(*batches[0])
    # Applied at once; the pairs hold the new values, so applying them again is a no-op.
    assert not any(isinstance(v, K.Tensor) for _, v in updates)
    K.function([], [], updates=updates)([])
    got = metric(batches[1][0], batches[1][1], sample_weight=batches[1][2])
    expected = ref(*(np.concatenate(parts) for parts in zip(*batches)))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_unweighted_streaming_and_a_ragged_last_batch():
    metric = metrics.CategoricalAccuracy()
    y_true, y_pred = K.placeholder(shape=(None, 4)), K.placeholder(shape=(None, 4))
    step = K.function([y_true, y_pred], [], updates=metric.update_state(y_true, y_pred))
    first, second = _data("categorical", 10, 0), _data("categorical", 3, 1)
    step(list(first))
    step(list(second))
    y, p = (np.concatenate(parts) for parts in zip(first, second))
    assert float(K.eval(metric.result())) == pytest.approx(
        np.mean(np.argmax(y, -1) == np.argmax(p, -1))
    )


# Mean and Sum.


@pytest.mark.parametrize(
    "values, weights",
    [
        (np.array([1.0, 3.0, 5.0, 7.0]), None),
        (np.array([1.0, 3.0, 5.0, 7.0]), np.array([1.0, 0.0, 0.5, 2.0])),
        (np.array([1.0, 3.0, 5.0, 7.0]), 0.5),
        (np.arange(12.0).reshape(4, 3), np.array([1.0, 0.0, 0.5, 2.0])),  # expanded
        (np.arange(12.0).reshape(4, 3), np.array([[1.0], [0.0], [0.5], [2.0]])),
        (np.arange(12.0).reshape(4, 3), np.arange(12.0).reshape(4, 3) % 3),
        (np.arange(24.0).reshape(4, 3, 2), np.array([1.0, 0.0, 0.5, 2.0])),  # reduced
        (np.arange(4.0).reshape(4, 1), np.array([1.0, 0.0, 0.5, 2.0])),  # squeezed
    ],
    ids=["plain", "weighted", "scalar", "expand", "column", "elementwise", "reduce", "squeeze"],
)
def test_mean_and_sum(values, weights):
    mean, total = metrics.Mean(), metrics.Sum()
    for metric in (mean, total):
        metric.update_state(values, sample_weight=weights)
        metric.update_state(values + 1, sample_weight=weights)
    both = np.concatenate([values, values + 1])
    w = None if weights is None else np.concatenate([np.broadcast_to(weights, np.shape(values))
                                                     if np.ndim(weights) == 0 else weights] * 2)
    if w is not None and w.ndim < both.ndim and w.ndim == 1 and both.ndim == 3:
        per_sample_mean, per_sample_sum = both.mean((1, 2)), both.sum((1, 2))
        expected_mean = np.sum(per_sample_mean * w) / np.sum(w)
        expected_sum = np.sum(per_sample_sum * w)
    else:
        expected_mean = weighted_mean(both, w)
        ww = 1.0 if w is None else np.broadcast_to(
            w.reshape(w.shape + (1,) * (both.ndim - w.ndim)), both.shape)
        expected_sum = np.sum(both * ww)
    assert float(K.eval(mean.result())) == pytest.approx(expected_mean)
    assert float(K.eval(total.result())) == pytest.approx(expected_sum)


def test_mean_starts_at_zero_and_reads_state_before_updates():
    mean = metrics.Mean(name="loss_mean")
    assert mean.name == "loss_mean" and [v.name for v in mean.variables] == [
        "loss_mean/total", "loss_mean/count"
    ]
    assert not any(v.trainable for v in mean.variables)
    assert float(K.eval(mean.result())) == 0.0
    x = K.placeholder(shape=(None,))
    updates = mean.update_state(x)
    # Outputs of a compiled function read the state from before its updates.
    step = K.function([x], [mean.result(), mean.result_after(updates)], updates=updates)
    before, after = step([np.array([2.0, 4.0])])
    assert (before, after) == (0.0, 3.0)
    before, after = step([np.array([9.0])])
    assert (before, after) == (3.0, 5.0)


def test_a_user_metric():
    class TruePositives(metrics.Metric):
        def __init__(self, name="tp", dtype=None):
            super().__init__(name=name, dtype=dtype)
            self.tp = self.add_weight("tp")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = K.cast(K.greater(y_pred, 0.5), self.dtype) * K.cast(y_true, self.dtype)
            return [K.update_add(self.tp, K.sum(hits))]

        def result(self):
            return K.identity(self.tp)

    metric = TruePositives()
    assert float(metric([1, 1, 0], [0.9, 0.2, 0.8])) == 1.0
    assert float(metric([1, 1, 0], [0.9, 0.7, 0.8])) == 3.0
    y_true, y_pred = K.placeholder(shape=(None,)), K.placeholder(shape=(None,))
    K.function([y_true, y_pred], [], updates=metric.update_state(y_true, y_pred))(
        [np.ones(4), np.ones(4)]
    )
    assert float(K.eval(metric.result())) == 7.0
    assert metrics.serialize(metric) == {
        "class_name": "TruePositives", "config": {"name": "tp", "dtype": "float32"}
    }


# Against scikit-learn.


@pytest.fixture(scope="module")
def scored():
    r = np.random.default_rng(7)
    y = r.integers(0, 2, size=(2, 400))
    p = np.clip(0.35 * y + 0.65 * r.uniform(size=(2, 400)), 0, 1).astype(np.float32)
    w = r.uniform(0.2, 2.0, size=(2, 400)).astype(np.float32)
    return y.astype(np.float32), p, w


def _stream_eagerly(metric, y, p, w):
    for batch in range(y.shape[0]):
        result = metric(y[batch], p[batch], sample_weight=w[batch])
    return result


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_precision_and_recall_match_sklearn(scored, threshold):
    from sklearn.metrics import precision_score, recall_score

    y, p, w = scored
    for cls, score in ((metrics.Precision, precision_score), (metrics.Recall, recall_score)):
        got = _stream_eagerly(cls(thresholds=threshold), y, p, w)
        expected = score(y.ravel(), p.ravel() > threshold, sample_weight=w.ravel())
        assert float(got) == pytest.approx(expected, rel=1e-5)


def test_several_thresholds_give_a_vector(scored):
    from sklearn.metrics import precision_score

    y, p, w = scored
    got = _stream_eagerly(metrics.Precision(thresholds=[0.2, 0.6, 0.9]), y, p, w)
    assert got.shape == (3,)
    expected = [precision_score(y.ravel(), p.ravel() > t, sample_weight=w.ravel())
                for t in (0.2, 0.6, 0.9)]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_auc_matches_sklearn(scored):
    from sklearn.metrics import average_precision_score, roc_auc_score

    y, p, w = scored
    roc = _stream_eagerly(metrics.AUC(), y, p, w)
    assert float(roc) == pytest.approx(
        roc_auc_score(y.ravel(), p.ravel(), sample_weight=w.ravel()), abs=1e-2
    )
    pr = _stream_eagerly(metrics.AUC(curve="PR"), y, p, w)
    assert float(pr) == pytest.approx(
        average_precision_score(y.ravel(), p.ravel(), sample_weight=w.ravel()), abs=1e-2
    )


def test_multi_label_auc_matches_sklearn(scored):
    from sklearn.metrics import roc_auc_score

    y, p, w = scored
    # Two labels per sample: the batches become the label axis.
    labels, scores = y.T, p.T
    got = metrics.AUC(multi_label=True)(labels, scores)
    expected = np.mean([roc_auc_score(labels[:, j], scores[:, j]) for j in range(2)])
    assert float(got) == pytest.approx(expected, abs=1e-2)
    assert float(metrics.AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])) == 0.75


def test_auc_of_nothing_is_zero():
    auc = metrics.AUC(multi_label=True)
    assert auc.variables == [] and float(K.eval(auc.result())) == 0.0
    assert float(K.eval(metrics.AUC().result())) == 0.0


# resolve_accuracy: the tf-keras rule.


@pytest.mark.parametrize(
    "name, loss, y_true_shape, y_pred_shape, expected",
    [
        ("accuracy", "binary_crossentropy", (None, 1), (None, 1), metrics.BinaryAccuracy),
        ("acc", "mse", (None, 1), (None, 1), metrics.BinaryAccuracy),
        ("acc", "binary_crossentropy", (None, 5), (None, 5), metrics.BinaryAccuracy),
        ("acc", losses.BinaryCrossentropy(from_logits=True), (None, 5), (None, 5),
         metrics.BinaryAccuracy),
        ("acc", losses.LossFunctionWrapper(losses.binary_crossentropy), (None, 3), (None, 3),
         metrics.BinaryAccuracy),
        ("acc", "bce", (None, 3), (None, 3), metrics.BinaryAccuracy),
        ("accuracy", "categorical_crossentropy", (None, 5), (None, 5),
         metrics.CategoricalAccuracy),
        ("acc", None, None, (None, 3), metrics.CategoricalAccuracy),
        ("acc", "mse", (None, 5), (None, 5), metrics.CategoricalAccuracy),
        ("acc", "sparse_categorical_crossentropy", (None, 1), (None, 5),
         metrics.SparseCategoricalAccuracy),
        ("acc", losses.SparseCategoricalCrossentropy(), (None, 5), (None, 5),
         metrics.SparseCategoricalAccuracy),
        ("acc", losses.sparse_categorical_crossentropy, None, (None, 5),
         metrics.SparseCategoricalAccuracy),
        ("ACC", "mse", (None,), (None, 5), metrics.SparseCategoricalAccuracy),
        ("Accuracy", "categorical_crossentropy", (None, 1), (None, 5),
         metrics.SparseCategoricalAccuracy),
        ("accuracy", "mse", (None, 7), (None, 7, 5), metrics.SparseCategoricalAccuracy),
    ],
)
def test_resolve_accuracy(name, loss, y_true_shape, y_pred_shape, expected):
    metric = metrics.resolve_accuracy(name, loss, y_true_shape, y_pred_shape)
    assert type(metric) is expected
    assert metric.name == name


@pytest.mark.parametrize(
    "loss, y_pred_shape, fn",
    [
        ("binary_crossentropy", (None, 4), losses.binary_crossentropy),
        ("mse", (None, 4), losses.categorical_crossentropy),
        ("sparse_categorical_crossentropy", (None, 4), losses.sparse_categorical_crossentropy),
    ],
)
def test_resolve_crossentropy(loss, y_pred_shape, fn):
    metric = metrics.resolve_accuracy("ce", loss, (None, 4), y_pred_shape)
    assert type(metric) is metrics.MeanMetricWrapper and metric._fn is fn
    assert metric.name == "ce"


def test_resolved_accuracy_computes():
    metric = metrics.resolve_accuracy("acc", "sparse_categorical_crossentropy", (None, 1),
                                      (None, 4))
    y, p = _data("sparse_column", 12, 3)
    assert float(metric(y, p)) == pytest.approx(np.mean(y[:, 0] == np.argmax(p, -1)))


# Names, lookup and configs.


def test_default_names_are_unique():
    assert [metrics.Precision().name, metrics.Precision().name] == ["precision", "precision_1"]
    assert metrics.AUC().name == "auc" and metrics.Recall(name="r").name == "r"
    assert metrics.MeanMetricWrapper(losses.mse).name == "mean_metric_wrapper"
    assert metrics.Mean().name == "mean" and metrics.Mean().name == "mean"
    assert [v.name for v in metrics.AUC().variables] == [
        "auc_1/true_positives", "auc_1/true_negatives", "auc_1/false_positives",
        "auc_1/false_negatives",
    ]


CONFIG_CASES = [
    metrics.Mean(name="m"),
    metrics.Sum(),
    metrics.Accuracy(),
    metrics.BinaryAccuracy(threshold=0.7),
    metrics.CategoricalAccuracy(name="cat"),
    metrics.SparseCategoricalAccuracy(),
    metrics.TopKCategoricalAccuracy(k=3),
    metrics.SparseTopKCategoricalAccuracy(k=2, name="top2"),
    metrics.MeanSquaredError(),
    metrics.MeanAbsoluteError(),
    metrics.MeanMetricWrapper(losses.huber, name="h", delta=0.5),
    metrics.Precision(thresholds=[0.2, 0.7], name="p"),
    metrics.Precision(top_k=2, class_id=1, name="p2"),
    metrics.Recall(thresholds=np.array([0.4]), name="r"),
    metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring", name="a"),
    metrics.AUC(thresholds=[0.9, 0.1], from_logits=True, name="a2"),
    metrics.AUC(multi_label=True, num_labels=3, label_weights=np.array([1, 2, 3]), name="a3"),
]


@pytest.mark.parametrize("metric", CONFIG_CASES, ids=lambda m: f"{type(m).__name__}-{m.name}")
def test_metric_config_round_trip(metric):
    config = metric.get_config()
    assert config["name"] == metric.name and config["dtype"] == "float32"
    assert json.loads(json.dumps(config)) == config  # plain values only
    clone = type(metric).from_config(config)
    assert type(clone) is type(metric) and clone.get_config() == config
    serialized = metrics.serialize(metric)
    assert serialized == {"class_name": type(metric).__name__, "config": config}
    again = metrics.get(json.loads(json.dumps(serialized)))
    assert type(again) is type(metric) and again.get_config() == config
    assert [K.int_shape(v) for v in again.variables] == [K.int_shape(v) for v in
                                                         metric.variables]


def test_configs_carry_arguments():
    assert metrics.Precision(thresholds=[0.2, 0.7], name="p").get_config() == {
        "name": "p", "dtype": "float32", "thresholds": [0.2, 0.7], "top_k": None,
        "class_id": None,
    }
    assert metrics.AUC(thresholds=[0.9, 0.1], name="a").get_config()["thresholds"] == [0.1, 0.9]
    assert metrics.MeanMetricWrapper(losses.huber, name="h", delta=0.5).get_config() == {
        "name": "h", "dtype": "float32", "delta": 0.5, "fn": "huber",
    }
    assert metrics.TopKCategoricalAccuracy(k=3).get_config() == {
        "name": "top_k_categorical_accuracy", "dtype": "float32", "k": 3,
    }


@pytest.mark.parametrize(
    "name, expected",
    [
        ("accuracy", metrics.accuracy),
        ("acc", metrics.accuracy),
        ("binary_accuracy", metrics.binary_accuracy),
        ("categorical_accuracy", metrics.categorical_accuracy),
        ("sparse_categorical_accuracy", metrics.sparse_categorical_accuracy),
        ("top_k_categorical_accuracy", metrics.top_k_categorical_accuracy),
        ("sparse_top_k_categorical_accuracy", metrics.sparse_top_k_categorical_accuracy),
        ("mse", losses.mean_squared_error),
        ("MAE", losses.mean_absolute_error),
        ("binary_crossentropy", losses.binary_crossentropy),
        ("logcosh", losses.log_cosh),
    ],
)
def test_get_function_names(name, expected):
    assert metrics.get(name) is expected
    assert metrics.deserialize(metrics.serialize(expected)) is expected


def test_get_class_names_and_callables():
    for name in ("AUC", "Precision", "Recall", "Mean", "Sum", "BinaryAccuracy",
                 "MeanSquaredError", "TopKCategoricalAccuracy"):
        assert type(metrics.get(name)).__name__ == name
    assert isinstance(metrics.get("MeanSquaredError"), metrics.Metric)

    def my_metric(y_true, y_pred):
        return K.mean(y_pred, axis=-1)

    assert metrics.get(my_metric) is my_metric
    with custom_object_scope({"my_metric": my_metric}):
        wrapper = metrics.MeanMetricWrapper(my_metric, name="mine")
        assert metrics.deserialize(metrics.serialize(wrapper))._fn is my_metric


# Errors.


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: metrics.get("nope"), r"Unknown metric: 'nope'\. Known names: .*'AUC'"),
        (lambda: metrics.get(None), r"Invalid value for `identifier` of metric "
                                    r"deserialization: expected a name, a config dict or a "
                                    r"callable\. Received: identifier=None"),
        (lambda: metrics.get(1.5), r"Received: identifier=1\.5"),
        (lambda: metrics.TopKCategoricalAccuracy(k=0),
         r"Invalid value for `k` of TopKCategoricalAccuracy \"top_k_categorical_accuracy\": "
         r"expected a positive integer\. Received: k=0"),
        (lambda: metrics.SparseTopKCategoricalAccuracy(k=2.5), r"Received: k=2\.5"),
        (lambda: metrics.AUC(num_thresholds=1),
         r"Invalid value for `num_thresholds` of AUC \"auc\": expected an integer greater "
         r"than 1\. Received: num_thresholds=1"),
        (lambda: metrics.AUC(curve="XY"),
         r"Invalid value for `curve` of AUC \"auc\": expected one of 'ROC', 'PR'\. "
         r"Received: curve='XY'"),
        (lambda: metrics.AUC(summation_method="riemann"),
         r"`summation_method` .*expected one of 'interpolation', 'minoring', 'majoring'\. "
         r"Received: summation_method='riemann'"),
        (lambda: metrics.AUC(thresholds=[0.5, 1.5]),
         r"Invalid value for `thresholds` of AUC \"auc\": expected a float or a list of "
         r"floats in the range \[0, 1\]\. Received: thresholds=\[0\.5, 1\.5\]"),
        (lambda: metrics.AUC(num_labels=3),
         r"`num_labels` of AUC \"auc\": expected None unless multi_label=True"),
        (lambda: metrics.AUC(label_weights=[1.0, -1.0]),
         r"`label_weights` of AUC \"auc\": expected a list of non-negative weights"),
        (lambda: metrics.Precision(thresholds=-0.1),
         r"Invalid value for `thresholds` of Precision \"precision\": .*Received: "
         r"thresholds=-0\.1"),
        (lambda: metrics.Precision(top_k=0), r"`top_k` of Precision .*Received: top_k=0"),
        (lambda: metrics.Recall(class_id=-1),
         r"`class_id` of Recall \"recall\": expected a non-negative integer\. "
         r"Received: class_id=-1"),
        (lambda: metrics.BinaryAccuracy(threshold="high"),
         r"`threshold` of BinaryAccuracy \"binary_accuracy\": expected a number"),
        (lambda: metrics.MeanMetricWrapper("mse", name="w"),
         r"Invalid value for `fn` of MeanMetricWrapper \"w\": expected a callable"),
        (lambda: metrics.Mean(name=3), r"`name` of Mean: expected a string or None"),
        (lambda: metrics.Mean(dtype="float64"), r"dtype='float64' needs JAX's 64-bit mode"),
        (lambda: metrics.resolve_accuracy("auc", None, None, (None, 2)),
         r"Invalid value for `name` of resolve_accuracy: expected one of 'accuracy', 'acc', "
         r"'crossentropy', 'ce'\. Received: name='auc'"),
        (lambda: metrics.accuracy(np.ones((4, 1)), np.ones((4, 2))),
         r"`accuracy` needs `y_true` and `y_pred` of the same shape\. Received: "
         r"y_true.shape=\(4, 1\), y_pred.shape=\(4, 2\)"),
        (lambda: metrics.Precision().update_state(np.ones((4, 3)), np.ones((4, 2))),
         r"Precision \"precision\" needs `y_true` and `y_pred` of the same shape"),
        (lambda: metrics.Mean().update_state(np.ones((4, 3)), np.ones((4, 2))),
         r"The `sample_weight` of Mean \"mean\" cannot be broadcast to its values.*"
         r"Received: sample_weight.shape=\(4, 2\), values.shape=\(4, 3\)"),
        (lambda: metrics.AUC().update_state(np.ones(4), np.ones(4), np.ones((4, 2, 3))),
         r"The `sample_weight` of AUC \"auc\" cannot be broadcast"),
        (lambda: metrics.AUC(multi_label=True).update_state(np.ones((2, 2, 2)),
                                                            np.ones((2, 2, 2))),
         r"AUC \"auc\" with multi_label=True needs predictions of shape \(batch, num_labels\)"),
        (lambda: metrics.sparse_top_k_categorical_accuracy(
            K.placeholder(shape=(None,)), K.placeholder(shape=(None, None))),
         r"Top-k accuracy needs the number of classes"),
    ],
)
def test_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_symbolic_call_explains_the_graph_api():
    x = K.placeholder(shape=(None, 1))
    with pytest.raises(TypeError, match=r"Calling metric 'binary_accuracy' on symbolic "
                                        r"tensors is not supported: use `updates = "
                                        r"metric\.update_state\(\.\.\.\)`"):
        metrics.BinaryAccuracy()(x, x)


def test_base_metric_is_abstract():
    metric = metrics.Metric(name="base")
    with pytest.raises(NotImplementedError, match=r"Metric must implement `update_state\(\)`"):
        metric.update_state(np.ones(2), np.ones(2))
    with pytest.raises(NotImplementedError, match=r"Metric must implement `result\(\)`"):
        metric.result()
