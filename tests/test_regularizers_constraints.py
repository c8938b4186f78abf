"""Regularizers and constraints (tf-keras 2.x) against numpy references."""

import json

import jax
import numpy as np
import pytest

from nerve import backend as K
from nerve import constraints, regularizers
from nerve.graph import Tensor

W = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -4.0]], np.float32)
EPS = 1e-7  # K.epsilon()


# Regularizers.


def test_penalties_match_numpy():
    l1, l2 = np.abs(W).sum(), np.square(W).sum()  # 10.5 and 30.25
    np.testing.assert_allclose(regularizers.L1(0.1)(W), 0.1 * l1, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L2(0.1)(W), 0.1 * l2, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L1L2(0.1, 0.2)(W), 0.1 * l1 + 0.2 * l2, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L1()(W), 0.01 * l1, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L2()(W), 0.01 * l2, rtol=1e-6)
    np.testing.assert_allclose(regularizers.l1_l2()(W), 0.01 * (l1 + l2), rtol=1e-6)
    np.testing.assert_allclose(regularizers.L1L2(l2=0.5)(W), 0.5 * l2, rtol=1e-6)
    zero = regularizers.L1L2()(W)
    assert float(zero) == 0.0 and zero.dtype == np.float32


def test_penalties_on_variables_are_symbolic_scalars():
    v = K.variable(W)
    for reg in (regularizers.L1(0.1), regularizers.L2(0.1), regularizers.L1L2(0.1, 0.2)):
        penalty = reg(v)
        assert isinstance(penalty, Tensor) and K.int_shape(penalty) == ()
        np.testing.assert_allclose(K.eval(penalty), reg(W), rtol=1e-6)


def test_aliases_are_the_classes_as_in_tf_keras():
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2
    assert isinstance(regularizers.l2(0.01), regularizers.L2)
    assert regularizers.l1_l2(0.3).get_config() == {"l1": 0.3, "l2": 0.01}
    # None means the default, as tf-keras.
    assert regularizers.L2(None).l2 == 0.01 and regularizers.L1L2(None, 0.1).l1 == 0.0


@pytest.mark.parametrize(
    "make,owner,arg,value",
    [
        (lambda: regularizers.L1(-0.1), "L1", "l1", "-0.1"),
        (lambda: regularizers.L2(float("nan")), "L2", "l2", "nan"),
        (lambda: regularizers.L1L2(l2=float("inf")), "L1L2", "l2", "inf"),
        (lambda: regularizers.L1L2(l1="0.1"), "L1L2", "l1", "'0.1'"),
        (lambda: regularizers.l1_l2(l1=True), "L1L2", "l1", "True"),
    ],
)
def test_factors_must_be_non_negative_numbers(make, owner, arg, value):
    with pytest.raises(
        ValueError,
        match=rf"Invalid value for `{arg}` of {owner}: expected a non-negative number\. "
        rf"Received: {arg}={value}",
    ):
        make()


@pytest.mark.parametrize(
    "name,cls,config",
    [
        ("L1", regularizers.L1, {"l1": 0.01}),
        ("L2", regularizers.L2, {"l2": 0.01}),
        ("L1L2", regularizers.L1L2, {"l1": 0.0, "l2": 0.0}),
        ("l1", regularizers.L1, {"l1": 0.01}),
        ("l2", regularizers.L2, {"l2": 0.01}),
        # The name means the function's defaults, not the class's (tf-keras).
        ("l1_l2", regularizers.L1L2, {"l1": 0.01, "l2": 0.01}),
    ],
)
def test_regularizer_names_resolve_and_round_trip(name, cls, config):
    reg = regularizers.get(name)
    assert type(reg) is cls and reg.get_config() == config
    serialized = json.loads(json.dumps(regularizers.serialize(reg)))
    assert serialized == {"class_name": cls.__name__, "config": config}
    again = regularizers.deserialize(serialized)
    assert type(again) is cls and again.get_config() == config


def test_regularizer_get_forms_and_errors():
    assert regularizers.get(None) is None
    reg = regularizers.L2(0.5)
    assert regularizers.get(reg) is reg
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)
    # Keras 2.0 saved `l2(0.01)` as an L1L2 config.
    old = regularizers.get({"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}})
    assert old.get_config() == {"l1": 0.0, "l2": 0.01}
    assert repr(old) == "L1L2(l1=0.0, l2=0.01)"

    def custom(x):
        return 0.0

    assert regularizers.get(custom) is custom
    assert regularizers.deserialize("custom", custom_objects={"custom": custom}) is custom
    with pytest.raises(ValueError, match=r"Unknown regularizer: 'l3'\. Known names: 'L1', "):
        regularizers.get("l3")
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `identifier` of regularizers.get: expected None, a name, "
        r"a config dict or a callable\. Received: identifier=0\.01",
    ):
        regularizers.get(0.01)
    with pytest.raises(NotImplementedError, match="Regularizer does not implement `get_config"):
        regularizers.Regularizer().get_config()
    assert regularizers.Regularizer()(W) == 0.0


# Constraints.


def np_norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


def np_max_norm(w, max_value, axis):
    norms = np_norms(w, axis)
    return w * np.clip(norms, 0, max_value) / (EPS + norms)


def np_min_max_norm(w, low, high, rate, axis):
    norms = np_norms(w, axis)
    desired = rate * np.clip(norms, low, high) + (1 - rate) * norms
    return w * desired / (EPS + norms)


CONSTRAINTS = [
    (constraints.MaxNorm(), lambda w: np_max_norm(w, 2, 0)),
    (constraints.MaxNorm(3.0, axis=1), lambda w: np_max_norm(w, 3.0, 1)),
    (constraints.MaxNorm(2.0, axis=[0, 1]), lambda w: np_max_norm(w, 2.0, (0, 1))),
    (constraints.NonNeg(), lambda w: np.where(w >= 0, w, 0)),
    (constraints.UnitNorm(), lambda w: w / (EPS + np_norms(w, 0))),
    (constraints.UnitNorm(axis=-1), lambda w: w / (EPS + np_norms(w, -1))),
    (constraints.MinMaxNorm(), lambda w: np_min_max_norm(w, 0.0, 1.0, 1.0, 0)),
    (constraints.MinMaxNorm(3.5, 4.0, 0.5, 1), lambda w: np_min_max_norm(w, 3.5, 4.0, 0.5, 1)),
]
IDS = [repr(c) for c, _ in CONSTRAINTS]


@pytest.mark.parametrize("constraint,ref", CONSTRAINTS, ids=IDS)
def test_constraints_match_numpy_eagerly_and_under_jit(constraint, ref):
    expected = ref(W.astype(np.float64))
    np.testing.assert_allclose(constraint(W), expected, rtol=1e-6, atol=1e-7)
    # Pure jax.numpy, so it runs inside a compiled optimizer step.
    np.testing.assert_allclose(jax.jit(constraint)(W), expected, rtol=1e-6, atol=1e-7)


def test_constraints_on_variables_build_nodes():
    v = K.variable(W)
    outs = [c(v) for c, _ in CONSTRAINTS]
    assert all(isinstance(o, Tensor) and K.int_shape(o) == W.shape for o in outs)
    for (c, _), got in zip(CONSTRAINTS, K.function([], outs)([])):
        np.testing.assert_allclose(got, c(W), rtol=1e-6, atol=1e-7)


def test_constraints_are_finite_on_zero_weights():
    zeros = np.zeros((3, 2), np.float32)
    for c in (constraints.MaxNorm(), constraints.UnitNorm(), constraints.MinMaxNorm(1.0, 2.0)):
        np.testing.assert_array_equal(c(zeros), zeros)


@pytest.mark.parametrize(
    "make,owner,arg,expected,value",
    [
        (lambda: constraints.MaxNorm(-1), "MaxNorm", "max_value", "a non-negative number", "-1"),
        (lambda: constraints.MaxNorm(axis="0"), "MaxNorm", "axis", "an integer or a tuple", "'0'"),
        (
            lambda: constraints.UnitNorm(axis=[]),
            "UnitNorm",
            "axis",
            "an integer or a tuple",
            r"\[\]",
        ),
        (
            lambda: constraints.UnitNorm(axis=1.0),
            "UnitNorm",
            "axis",
            "an integer or a tuple",
            "1.0",
        ),
        (
            lambda: constraints.MinMaxNorm(min_value=-0.5),
            "MinMaxNorm",
            "min_value",
            "a non-negative number",
            "-0.5",
        ),
        (
            lambda: constraints.MinMaxNorm(2.0, 1.0),
            "MinMaxNorm",
            "max_value",
            "a number of at least min_value=2.0",
            "1.0",
        ),
        (
            lambda: constraints.MinMaxNorm(rate=1.5),
            "MinMaxNorm",
            "rate",
            r"a number in \[0, 1\]",
            "1.5",
        ),
        (lambda: constraints.MinMaxNorm(rate=None), "MinMaxNorm", "rate", "a number in", "None"),
    ],
)
def test_constraint_arguments_use_the_one_template(make, owner, arg, expected, value):
    with pytest.raises(
        ValueError,
        match=rf"Invalid value for `{arg}` of {owner}: expected {expected}.*"
        rf"Received: {arg}={value}",
    ):
        make()


@pytest.mark.parametrize(
    "name,cls",
    [
        ("MaxNorm", constraints.MaxNorm),
        ("NonNeg", constraints.NonNeg),
        ("UnitNorm", constraints.UnitNorm),
        ("MinMaxNorm", constraints.MinMaxNorm),
        ("max_norm", constraints.MaxNorm),
        ("non_neg", constraints.NonNeg),
        ("unit_norm", constraints.UnitNorm),
        ("min_max_norm", constraints.MinMaxNorm),
        ("maxnorm", constraints.MaxNorm),
        ("nonneg", constraints.NonNeg),
        ("unitnorm", constraints.UnitNorm),
    ],
)
def test_constraint_names_resolve_and_round_trip(name, cls):
    c = constraints.get(name)
    assert type(c) is cls and getattr(constraints, name) is cls
    serialized = json.loads(json.dumps(constraints.serialize(c)))
    assert serialized["class_name"] == cls.__name__
    again = constraints.deserialize(serialized)
    assert type(again) is cls and again.get_config() == c.get_config()


def test_configured_constraints_round_trip():
    for c in (constraints.MaxNorm(3, axis=[0, 1]), constraints.MinMaxNorm(0.5, 2.0, 0.3, -1)):
        again = constraints.get(json.loads(json.dumps(constraints.serialize(c))))
        assert again.get_config() == c.get_config()
        np.testing.assert_array_equal(again(W), c(W))
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}


def test_constraint_get_forms_and_errors():
    assert constraints.get(None) is None
    c = constraints.NonNeg()
    assert constraints.get(c) is c
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)
    clip = jax.numpy.tanh
    assert constraints.get(clip) is clip
    assert constraints.Constraint()(W) is W
    with pytest.raises(ValueError, match=r"Unknown constraint: 'positive'\. Known names: "):
        constraints.get("positive")
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `identifier` of constraints.get: expected None, a name, "
        r"a config dict or a callable\. Received: identifier=2",
    ):
        constraints.get(2)
