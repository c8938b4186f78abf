"""Initializers (tf-keras 2.x) and the shared config (de)serialization helper."""

import json
import math

import numpy as np
import pytest

import nerve
from nerve import initializers
from nerve.utils import serialization

TRUNC = 0.87962566103423978  # stddev of a unit normal truncated to [-2, 2]

# Every name tf-keras knows (class names and snake-case aliases) and the class it gives.
NAMES = {
    "Zeros": initializers.Zeros,
    "Ones": initializers.Ones,
    "Constant": initializers.Constant,
    "RandomNormal": initializers.RandomNormal,
    "RandomUniform": initializers.RandomUniform,
    "TruncatedNormal": initializers.TruncatedNormal,
    "VarianceScaling": initializers.VarianceScaling,
    "GlorotUniform": initializers.GlorotUniform,
    "GlorotNormal": initializers.GlorotNormal,
    "HeNormal": initializers.HeNormal,
    "HeUniform": initializers.HeUniform,
    "LecunNormal": initializers.LecunNormal,
    "LecunUniform": initializers.LecunUniform,
    "Orthogonal": initializers.Orthogonal,
    "Identity": initializers.Identity,
    "zeros": initializers.Zeros,
    "ones": initializers.Ones,
    "constant": initializers.Constant,
    "random_normal": initializers.RandomNormal,
    "random_uniform": initializers.RandomUniform,
    "truncated_normal": initializers.TruncatedNormal,
    "variance_scaling": initializers.VarianceScaling,
    "glorot_uniform": initializers.GlorotUniform,
    "glorot_normal": initializers.GlorotNormal,
    "he_normal": initializers.HeNormal,
    "he_uniform": initializers.HeUniform,
    "lecun_normal": initializers.LecunNormal,
    "lecun_uniform": initializers.LecunUniform,
    "orthogonal": initializers.Orthogonal,
    "identity": initializers.Identity,
    # Older Keras names, still accepted by tf-keras.
    "normal": initializers.RandomNormal,
    "uniform": initializers.RandomUniform,
    "zero": initializers.Zeros,
    "one": initializers.Ones,
}

# (class, scale, mode, distribution) of the VarianceScaling presets.
PRESETS = [
    (initializers.GlorotUniform, 1.0, "fan_avg", "uniform"),
    (initializers.GlorotNormal, 1.0, "fan_avg", "truncated_normal"),
    (initializers.HeNormal, 2.0, "fan_in", "truncated_normal"),
    (initializers.HeUniform, 2.0, "fan_in", "uniform"),
    (initializers.LecunNormal, 1.0, "fan_in", "truncated_normal"),
    (initializers.LecunUniform, 1.0, "fan_in", "uniform"),
]


def expected_variance(scale, mode, shape):
    fan_in, fan_out = initializers.compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return scale / n


# Deterministic initializers.


def test_zeros_ones_constant_fill_and_cast():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)), np.zeros((2, 3)))
    ones = initializers.Ones()((4,), dtype="int32")
    assert ones.dtype == np.int32 and ones.tolist() == [1, 1, 1, 1]
    out = initializers.Constant(2.5)((2, 2))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, np.full((2, 2), 2.5))
    # An array value with as many entries as the shape is reshaped, as tf.constant.
    np.testing.assert_array_equal(
        initializers.Constant([1, 2, 3, 4])((2, 2)), [[1.0, 2.0], [3.0, 4.0]]
    )
    assert initializers.Zeros()((2,), "bool").dtype == np.bool_
    assert initializers.Zeros()((), "float16").dtype == np.float16
    assert initializers.Constant(True)((1,)).tolist() == [1.0]
    config = initializers.Constant(np.float32(0.5)).get_config()
    assert config == {"value": 0.5} and type(config["value"]) is float


def test_default_dtype_is_floatx_and_bfloat16_works():
    for init in (initializers.GlorotUniform(), initializers.Orthogonal(), initializers.Ones()):
        assert init((3, 3)).dtype == np.float32
    assert str(initializers.HeNormal(seed=1)((3, 3), dtype="bfloat16").dtype) == "bfloat16"
    assert initializers.RandomNormal()((5,), dtype="float").dtype == np.float32


def test_identity_is_gain_times_eye_for_2d_shapes_only():
    np.testing.assert_array_equal(initializers.Identity(gain=3.0)((3, 3)), 3 * np.eye(3))
    np.testing.assert_array_equal(initializers.identity()((2, 3)), np.eye(2, 3))
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `shape` of Identity: expected a 2-D shape\. "
        r"Received: shape=\(2, 2, 2\)",
    ):
        initializers.Identity()((2, 2, 2))


# Random initializers: statistics.


def test_random_normal_statistics():
    w = initializers.RandomNormal(mean=1.0, stddev=2.0, seed=0)((200, 300))
    assert w.dtype == np.float32
    assert abs(w.mean() - 1.0) < 0.05 and abs(w.std() - 2.0) / 2.0 < 0.02


def test_truncated_normal_stays_within_two_stddev():
    w = initializers.TruncatedNormal(mean=0.5, stddev=0.1, seed=1)((200, 300))
    assert np.all(np.abs(w - 0.5) <= 0.2 + 1e-6)
    assert abs(w.std() - 0.1 * TRUNC) / (0.1 * TRUNC) < 0.02
    assert abs(w.mean() - 0.5) < 0.005


def test_random_uniform_range_and_integer_dtypes():
    w = initializers.RandomUniform(-2.0, 3.0, seed=0)((200, 300))
    assert w.min() >= -2.0 and w.max() < 3.0
    assert abs(w.mean() - 0.5) < 0.05 and abs(w.var() - 25 / 12) / (25 / 12) < 0.03
    ints = initializers.RandomUniform(0, 5, seed=0)((1000,), dtype="int32")
    assert ints.dtype == np.int32 and set(ints.tolist()) == {0, 1, 2, 3, 4}
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `dtype` of RandomUniform: expected a float dtype, as no "
        r"integer lies in \[0\.1, 0\.9\)\. Received: dtype='int32'",
    ):
        initializers.RandomUniform(0.1, 0.9)((3,), dtype="int32")


def test_compute_fans_follows_tf_keras():
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans((200, 300)) == (200, 300)
    assert initializers.compute_fans((5, 16, 32)) == (80, 160)  # Conv1D kernel
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)  # Conv2D kernel
    assert initializers.compute_fans((2, 3, 3, 16, 32)) == (288, 576)  # Conv3D kernel


@pytest.mark.parametrize("cls,scale,mode,distribution", PRESETS, ids=lambda p: str(p))
def test_presets_have_the_promised_variance_and_bounds(cls, scale, mode, distribution):
    shape = (200, 300)
    w = cls(seed=3)(shape)
    variance = expected_variance(scale, mode, shape)
    assert abs(w.var() / variance - 1) < 0.1
    assert abs(w.mean()) < 0.1 * math.sqrt(variance)
    if distribution == "uniform":
        assert np.abs(w).max() <= math.sqrt(3 * variance)
    else:
        assert np.abs(w).max() <= 2 * math.sqrt(variance) / TRUNC + 1e-6
    # The same as the VarianceScaling it stands for, draw for draw.
    same = initializers.VarianceScaling(scale, mode, distribution, seed=3)(shape)
    np.testing.assert_array_equal(w, same)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_on_conv_kernels(mode, distribution):
    shape = (3, 3, 40, 60)  # fans 360 and 540
    w = initializers.VarianceScaling(2.0, mode, distribution, seed=5)(shape)
    assert w.shape == shape
    assert abs(w.var() / expected_variance(2.0, mode, shape) - 1) < 0.1


def test_variance_scaling_accepts_normal_and_any_case():
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    assert initializers.VarianceScaling(distribution="Uniform").distribution == "uniform"


@pytest.mark.parametrize("shape", [(200, 300), (300, 200), (3, 3, 4, 8)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    w = initializers.Orthogonal(gain=2.0, seed=0)(shape)
    assert w.shape == shape
    m = w.reshape(-1, shape[-1])
    gram = m @ m.T if m.shape[0] < m.shape[1] else m.T @ m
    np.testing.assert_allclose(gram, 4 * np.eye(len(gram)), atol=1e-4)


def test_orthogonal_needs_rank_2():
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `shape` of Orthogonal: expected a shape of rank 2 or more\. "
        r"Received: shape=\(5,\)",
    ):
        initializers.Orthogonal()((5,))


# Seeds.

RANDOM = [
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.Orthogonal,
] + [p[0] for p in PRESETS]


@pytest.mark.parametrize("cls", RANDOM, ids=lambda c: c.__name__)
def test_seeded_initializers_repeat_and_unseeded_ones_follow_set_random_seed(cls):
    shape = (4, 5)
    seeded = cls(seed=7)
    np.testing.assert_array_equal(seeded(shape), seeded(shape))
    assert not np.array_equal(seeded(shape), cls(seed=8)(shape))
    unseeded = cls()
    assert not np.array_equal(unseeded(shape), unseeded(shape))
    nerve.utils.set_random_seed(11)
    first = [unseeded(shape), cls()(shape)]
    nerve.utils.set_random_seed(11)
    np.testing.assert_array_equal(first, [unseeded(shape), cls()(shape)])


def test_negative_seeds_work():
    init = initializers.RandomNormal(seed=-3)
    np.testing.assert_array_equal(init((3,)), init((3,)))
    assert init.get_config()["seed"] == -3


# Argument checks: one template for all.

BAD_ARGUMENTS = [
    (lambda: initializers.RandomNormal(stddev=0), "stddev", "RandomNormal", "a positive number"),
    (
        lambda: initializers.TruncatedNormal(stddev=-1.0),
        "stddev",
        "TruncatedNormal",
        "a positive number",
    ),
    (lambda: initializers.RandomNormal(mean="a"), "mean", "RandomNormal", "a finite number"),
    (lambda: initializers.RandomNormal(seed=1.5), "seed", "RandomNormal", "None or an integer"),
    (lambda: initializers.GlorotUniform(seed=True), "seed", "GlorotUniform", "None or an int"),
    (
        lambda: initializers.RandomUniform(1.0, 1.0),
        "maxval",
        "RandomUniform",
        "a number above minval=1.0",
    ),
    (
        lambda: initializers.RandomUniform(minval=float("nan")),
        "minval",
        "RandomUniform",
        "a finite number",
    ),
    (lambda: initializers.VarianceScaling(0.0), "scale", "VarianceScaling", "a positive number"),
    (
        lambda: initializers.VarianceScaling(mode="fan"),
        "mode",
        "VarianceScaling",
        "one of 'fan_in', 'fan_out', 'fan_avg'",
    ),
    (
        lambda: initializers.VarianceScaling(distribution="gaussian"),
        "distribution",
        "VarianceScaling",
        "one of 'truncated_normal', 'untruncated_normal', 'uniform'",
    ),
    (lambda: initializers.Orthogonal(gain=None), "gain", "Orthogonal", "a finite number"),
    (lambda: initializers.Identity(gain=math.inf), "gain", "Identity", "a finite number"),
    (
        lambda: initializers.Constant("a"),
        "value",
        "Constant",
        "a number or an array of numbers",
    ),
    (
        lambda: initializers.Constant([[1.0], [2.0, 3.0]]),
        "value",
        "Constant",
        "a number or an array of numbers",
    ),
    (
        lambda: initializers.Constant([1.0, 2.0])((3,)),
        "shape",
        "Constant",
        "a shape of 2 values, as `value` has",
    ),
    (
        lambda: initializers.GlorotUniform()((3, None)),
        "shape",
        "GlorotUniform",
        "a tuple of non-negative integers",
    ),
    (
        lambda: initializers.Zeros()(3),
        "shape",
        "Zeros",
        "a tuple of non-negative integers",
    ),
    (
        lambda: initializers.HeNormal()((3, 3), dtype="int32"),
        "dtype",
        "HeNormal",
        "a floating-point dtype",
    ),
]


@pytest.mark.parametrize(
    "make,arg,owner,expected", BAD_ARGUMENTS, ids=[f"{b[2]}-{b[1]}" for b in BAD_ARGUMENTS]
)
def test_bad_arguments_use_the_one_template(make, arg, owner, expected):
    match = rf"Invalid value for `{arg}` of {owner}: expected {expected}.*\. Received: {arg}="
    with pytest.raises(ValueError, match=match):
        make()


# get / serialize / deserialize.


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_name_resolves_and_round_trips(name):
    init = initializers.get(name)
    cls = NAMES[name]
    assert type(init) is cls
    assert getattr(initializers, name) is cls
    config = initializers.serialize(init)
    assert config["class_name"] == cls.__name__
    again = initializers.deserialize(json.loads(json.dumps(config)))
    assert type(again) is cls and again.get_config() == init.get_config()


@pytest.mark.parametrize(
    "init",
    [
        initializers.Constant(value=np.array([1.0, 2.0, 3.0, 4.0])),
        initializers.RandomNormal(mean=1.0, stddev=0.5, seed=3),
        initializers.RandomUniform(-1.0, 2.0, seed=4),
        initializers.TruncatedNormal(stddev=0.3, seed=5),
        initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=6),
        initializers.GlorotNormal(seed=7),
        initializers.Orthogonal(gain=0.5, seed=8),
        initializers.Identity(gain=2.0),
    ],
    ids=lambda i: type(i).__name__,
)
def test_configured_initializers_round_trip_to_the_same_values(init):
    config = json.loads(json.dumps(initializers.serialize(init)))
    again = initializers.get(config)
    assert again.get_config() == init.get_config()
    np.testing.assert_array_equal(again((2, 2)), init((2, 2)))


def test_tf_keras_configs_load():
    # Shapes of configs tf-keras writes: presets carry only their seed, old ones a dtype.
    glorot = initializers.deserialize({"class_name": "GlorotUniform", "config": {"seed": None}})
    assert isinstance(glorot, initializers.GlorotUniform)
    old = {"class_name": "RandomNormal", "config": {"mean": 0, "stddev": 1, "dtype": "float32"}}
    assert initializers.get(old).stddev == 1.0
    new = {
        "module": "keras.initializers",
        "class_name": "Zeros",
        "config": {},
        "registered_name": None,
    }
    assert isinstance(initializers.get(new), initializers.Zeros)
    assert repr(initializers.HeNormal(seed=2)) == "HeNormal(seed=2)"


def test_get_passes_objects_and_callables_and_instantiates_classes():
    assert initializers.get(None) is None
    init = initializers.Ones()
    assert initializers.get(init) is init
    assert isinstance(initializers.get(initializers.HeUniform), initializers.HeUniform)

    def my_init(shape, dtype=None):
        return np.full(shape, 3.0)

    assert initializers.get(my_init) is my_init
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `identifier` of initializers.get: expected None, a name, "
        r"a config dict or a callable\. Received: identifier=1\.5",
    ):
        initializers.get(1.5)


def test_unknown_names_and_custom_objects():
    with pytest.raises(ValueError, match=r"Unknown initializer: 'foo'\. Known names: ") as info:
        initializers.get("foo")
    assert "'glorot_uniform'" in str(info.value) and "custom_objects" in str(info.value)
    with pytest.raises(ValueError, match=r"Unknown initializer: 'Foo'"):
        initializers.get({"class_name": "Foo", "config": {}})

    class Fives(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 5.0)

    assert isinstance(initializers.deserialize("Fives", {"Fives": Fives}), Fives)
    config = initializers.serialize(Fives())
    assert config == {"class_name": "Fives", "config": {}}
    assert isinstance(initializers.deserialize(config, custom_objects={"Fives": Fives}), Fives)
    with serialization.custom_object_scope({"Fives": Fives}):
        assert isinstance(initializers.get("Fives"), Fives)
    assert "Fives" not in serialization.get_custom_objects()


# The shared serialization helper itself.


def test_serialize_object_forms():
    assert serialization.serialize_object(None) is None
    assert serialization.serialize_object(np.tanh) == "tanh"
    with pytest.raises(ValueError, match="Cannot serialize 3: it has neither a `get_config"):
        serialization.serialize_object(3)


def test_deserialize_object_errors_and_from_config_custom_objects():
    table = {"A": initializers.Zeros}
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `identifier` of layer deserialization: expected a dict with "
        r"the keys 'class_name' and 'config'\. Received: identifier=\{'class_name': 'A'\}",
    ):
        serialization.deserialize_object({"class_name": "A"}, table, kind="layer")
    with pytest.raises(
        ValueError,
        match=r"Invalid value for `identifier` of initializer deserialization: expected a "
        r"name, a config dict or a callable\. Received: identifier=3",
    ):
        serialization.deserialize_object(3, table)
    assert serialization.deserialize_object(None, table) is None

    class Model:
        # Containers (models) pass custom_objects on to their parts.
        def __init__(self, got):
            self.got = got

        @classmethod
        def from_config(cls, config, custom_objects=None):
            return cls(custom_objects)

    extra = {"x": 1}
    out = serialization.deserialize_object(
        {"class_name": "Model", "config": {}}, {"Model": Model}, extra, kind="model"
    )
    assert out.got is extra

    class Plain:  # no from_config: built from the config as keyword arguments
        def __init__(self, a):
            self.a = a

    out = serialization.deserialize_object(
        {"class_name": "Plain", "config": {"a": 2}}, {}, {"Plain": Plain}
    )
    assert out.a == 2
