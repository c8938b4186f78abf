"""Weight initializers (tf-keras 2.x): callables `(shape, dtype=None) -> numpy array`.

They draw with numpy's Generator rather than `jax.random`: eager JAX random
ops compile once per shape, and a model has many shapes. A seeded initializer
gives the same values on every call; an unseeded one draws a fresh seed from
`nerve.graph.rng.draw_seed()`, so `nerve.utils.set_random_seed` makes runs
reproducible.

Example:
>>> from nerve import initializers
>>> initializers.get("glorot_uniform")((3, 4)).shape
(3, 4)
>>> initializers.serialize(initializers.RandomNormal(stddev=0.1, seed=1))
{'class_name': 'RandomNormal', 'config': {'mean': 0.0, 'stddev': 0.1, 'seed': 1}}
"""

import inspect
import math
import numbers

import jax.numpy as jnp
import numpy as np

from nerve import config
from nerve.graph import rng
from nerve.utils import serialization, validation

# The stddev of a unit normal truncated to [-2, 2]: dividing by it gives the
# truncated draw the variance VarianceScaling promises (tf-keras's constant).
_TRUNCATED_STDDEV = 0.87962566103423978


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype=None)` and `get_config()`."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("Initializer subclasses must implement `__call__()`.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)  # configs of TF1-style initializers carry one
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    # Helpers for subclasses.

    def _shape(self, shape):
        try:
            dims = tuple(shape)
        except TypeError:
            dims = None
        if dims is None or any(
            isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0 for d in dims
        ):
            validation.fail(type(self).__name__, "shape", shape, "a tuple of non-negative integers")
        return tuple(int(d) for d in dims)

    def _float_dtype(self, dtype):
        name = config.standardize_dtype(dtype)
        if not jnp.issubdtype(name, jnp.floating):
            validation.fail(type(self).__name__, "dtype", dtype, "a floating-point dtype")
        return name

    def _generator(self):
        seed = self.seed if self.seed is not None else rng.draw_seed()
        return np.random.default_rng(seed % 2**64)  # numpy refuses negative seeds


def _number(owner, arg, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        validation.fail(owner, arg, value, "a finite number")
    return float(value)


def _positive(owner, arg, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < math.inf:
        validation.fail(owner, arg, value, "a positive number")
    return float(value)


def _seed(owner, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
        validation.fail(owner, "seed", value, "None or an integer")
    return None if value is None else int(value)


def _cast(values, dtype):
    # jnp.dtype knows bfloat16 (through ml_dtypes), np.dtype does not.
    return np.asarray(values).astype(jnp.dtype(dtype), copy=False)


def _work_dtype(dtype):
    # float64 draws only for float64 weights: numpy draws float32 about twice as fast.
    return np.float64 if dtype == "float64" else np.float32


def _uniform(generator, low, high, shape, dtype):
    return low + (high - low) * generator.random(shape, dtype=_work_dtype(dtype))


def _standard_normal(generator, shape, dtype, truncate):
    values = generator.standard_normal(shape, dtype=_work_dtype(dtype))
    if truncate:  # redraw beyond 2 stddev, as tf.random.truncated_normal
        flat = values.reshape(-1)
        redo = np.flatnonzero(np.abs(flat) > 2)
        while redo.size:
            flat[redo] = generator.standard_normal(redo.size, dtype=flat.dtype)
            redo = redo[np.abs(flat[redo]) > 2]
    return values


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(self._shape(shape), dtype=jnp.dtype(config.standardize_dtype(dtype)))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(self._shape(shape), dtype=jnp.dtype(config.standardize_dtype(dtype)))


class Constant(Initializer):
    """Every value `value` (a number, or an array of as many values as the shape holds).

    Args:
        value: the value to fill with.
    """

    def __init__(self, value=0):
        try:
            kind = np.asarray(value).dtype.kind
        except ValueError:  # ragged nested lists
            kind = None
        if kind is None or kind not in "biuf":
            validation.fail("Constant", "value", value, "a number or an array of numbers")
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = self._shape(shape)
        value = np.asarray(self.value)
        if value.size == 1:
            out = np.full(shape, value.reshape(()))
        elif value.size == math.prod(shape):
            out = value.reshape(shape)
        else:
            validation.fail(
                "Constant", "shape", shape, f"a shape of {value.size} values, as `value` has"
            )
        return _cast(out, config.standardize_dtype(dtype))

    def get_config(self):
        value = np.asarray(self.value)  # plain Python values, so configs are JSON
        return {"value": value.tolist() if value.ndim else value.item()}


class RandomNormal(Initializer):
    """Normal draws.

    Args:
        mean: the mean.
        stddev: the standard deviation (positive).
        seed: an integer for the same values on every call, or None.
    """

    _truncate = False

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        owner = type(self).__name__
        self.mean = _number(owner, "mean", mean)
        self.stddev = _positive(owner, "stddev", stddev)
        self.seed = _seed(owner, seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = self._shape(shape), self._float_dtype(dtype)
        z = _standard_normal(self._generator(), shape, dtype, truncate=self._truncate)
        return _cast(self.mean + self.stddev * z, dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal draws, those further than 2 stddev from the mean drawn again.

    Args:
        mean: the mean.
        stddev: the standard deviation before truncation (positive).
        seed: an integer for the same values on every call, or None.
    """

    _truncate = True


class RandomUniform(Initializer):
    """Uniform draws in `[minval, maxval)`; integer dtypes draw integers.

    Args:
        minval: the lower bound.
        maxval: the upper bound (above `minval`).
        seed: an integer for the same values on every call, or None.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = _number("RandomUniform", "minval", minval)
        self.maxval = _number("RandomUniform", "maxval", maxval)
        if not self.minval < self.maxval:
            validation.fail("RandomUniform", "maxval", maxval, f"a number above minval={minval!r}")
        self.seed = _seed("RandomUniform", seed)

    def __call__(self, shape, dtype=None):
        shape, name = self._shape(shape), config.standardize_dtype(dtype)
        if jnp.issubdtype(name, jnp.integer):
            low, high = math.ceil(self.minval), math.ceil(self.maxval)
            if low >= high:
                validation.fail(
                    "RandomUniform",
                    "dtype",
                    dtype,
                    f"a float dtype, as no integer lies in [{self.minval}, {self.maxval})",
                )
            return self._generator().integers(low, high, shape).astype(name)
        name = self._float_dtype(dtype)
        return _cast(_uniform(self._generator(), self.minval, self.maxval, shape, name), name)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def compute_fans(shape):
    """`(fan_in, fan_out)` of a weight shape, as tf-keras.

    Convolution kernels `(k..., in, out)` count the receptive field times the
    channels; a vector counts its length both ways, a scalar 1.
    """
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(Initializer):
    """Draws with a variance of `scale / n`, `n` being the fan in, fan out or their mean.

    The truncated normal's stddev is divided by the stddev of a 2-sigma truncated
    unit normal, so the variance after truncation is `scale / n`; the uniform
    draws lie in `[-sqrt(3 * scale / n), sqrt(3 * scale / n)]`.

    Args:
        scale: the scaling factor (positive).
        mode: 'fan_in', 'fan_out' or 'fan_avg'.
        distribution: 'truncated_normal' ('normal' too), 'untruncated_normal' or 'uniform'.
        seed: an integer for the same values on every call, or None.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        owner = type(self).__name__  # a preset's errors name the preset
        self.scale = _positive(owner, "scale", scale)
        self.mode = validation.one_of(owner, "mode", mode, ("fan_in", "fan_out", "fan_avg"))
        name = distribution.lower() if isinstance(distribution, str) else None
        if name not in ("truncated_normal", "untruncated_normal", "uniform", "normal"):
            validation.fail(
                owner,
                "distribution",
                distribution,
                "one of 'truncated_normal', 'untruncated_normal', 'uniform' ('normal' is "
                "'truncated_normal')",
            )
        self.distribution = "truncated_normal" if name == "normal" else name
        self.seed = _seed(owner, seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = self._shape(shape), self._float_dtype(dtype)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        scale = self.scale / max(1.0, n)
        generator = self._generator()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            values = _uniform(generator, -limit, limit, shape, dtype)
        else:
            truncate = self.distribution == "truncated_normal"
            stddev = math.sqrt(scale) / (_TRUNCATED_STDDEV if truncate else 1.0)
            values = stddev * _standard_normal(generator, shape, dtype, truncate)
        return _cast(values, dtype)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed settings, configured by its seed alone."""

    _settings = {}

    def __init__(self, seed=None):
        super().__init__(**self._settings, seed=seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotUniform(_Preset):
    """Uniform in `[-limit, limit]`, `limit = sqrt(6 / (fan_in + fan_out))` (Xavier)."""

    _settings = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


class GlorotNormal(_Preset):
    """Truncated normal with stddev `sqrt(2 / (fan_in + fan_out))` (Xavier)."""

    _settings = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


class HeNormal(_Preset):
    """Truncated normal with stddev `sqrt(2 / fan_in)`."""

    _settings = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


class HeUniform(_Preset):
    """Uniform in `[-limit, limit]`, `limit = sqrt(6 / fan_in)`."""

    _settings = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


class LecunNormal(_Preset):
    """Truncated normal with stddev `sqrt(1 / fan_in)`."""

    _settings = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


class LecunUniform(_Preset):
    """Uniform in `[-limit, limit]`, `limit = sqrt(3 / fan_in)`."""

    _settings = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times `gain`; shapes of rank > 2 are flattened to
    `(prod(shape[:-1]), shape[-1])`.

    Args:
        gain: the factor applied to the orthogonal matrix.
        seed: an integer for the same values on every call, or None.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = _number("Orthogonal", "gain", gain)
        self.seed = _seed("Orthogonal", seed)

    def __call__(self, shape, dtype=None):
        shape, dtype = self._shape(shape), self._float_dtype(dtype)
        if len(shape) < 2:
            validation.fail("Orthogonal", "shape", shape, "a shape of rank 2 or more")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._generator().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        # Signs from R's diagonal make Q uniformly distributed (as tf-keras).
        q *= np.where(np.diag(r) < 0, -1.0, 1.0)
        if rows < cols:
            q = q.T
        return _cast(self.gain * q.reshape(shape), dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only; non-square allowed).

    Args:
        gain: the factor applied to the identity matrix.
    """

    def __init__(self, gain=1.0):
        self.gain = _number("Identity", "gain", gain)

    def __call__(self, shape, dtype=None):
        shape, dtype = self._shape(shape), self._float_dtype(dtype)
        if len(shape) != 2:
            validation.fail("Identity", "shape", shape, "a 2-D shape")
        return _cast(self.gain * np.eye(*shape), dtype)

    def get_config(self):
        return {"gain": self.gain}


# Aliases, as tf-keras: `initializers.glorot_uniform(seed=1)` is a GlorotUniform.
zeros = zero = Zeros
ones = one = Ones
constant = Constant
random_normal = normal = RandomNormal
random_uniform = uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
identity = Identity

_OBJECTS = {
    name: obj
    for name, obj in globals().items()
    if inspect.isclass(obj)
    and issubclass(obj, Initializer)
    and obj is not Initializer
    and not name.startswith("_")
}


def serialize(initializer):
    """`{"class_name": ..., "config": {...}}` for an initializer."""
    return serialization.serialize_object(initializer)


def deserialize(config, custom_objects=None):
    """The initializer a name or a config dict describes."""
    return serialization.deserialize_object(config, _OBJECTS, custom_objects, kind="initializer")


def get(identifier):
    """A initializer from None (None), a name, a config dict, a class or a callable."""
    return serialization.get_object(identifier, deserialize, "initializers.get")
