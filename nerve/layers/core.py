"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Lambda, Embedding and ActivityRegularization."""

import inspect
import math
import numbers
import sys

import jax

from nerve import activations, constraints, initializers, regularizers
from nerve import backend as K
from nerve.graph import Tensor, apply, shapes
from nerve.layers.base import InputSpec, Layer
from nerve.utils import validation
from nerve.utils.serialization import get_custom_objects, serialize_object


class Dense(Layer):
    """`activation(dot(inputs, kernel) + bias)` over the last axis.

    Example:
    >>> import numpy as np
    >>> layer = Dense(3, kernel_initializer="ones")
    >>> layer(np.ones((2, 4))).tolist()
    [[4.0, 4.0, 4.0], [4.0, 4.0, 4.0]]
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.units = validation.positive_int(owner, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        last = input_shape[-1]
        if last is None:
            raise ValueError(
                f'The last dimension of the input to Dense "{self.name}" must be known. '
                f"Received shape {input_shape}."
            )
        self.kernel = self.add_weight("kernel", (last, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.built = True

    def call(self, inputs):
        outputs = K.dot(inputs, self.kernel)
        if self.bias is not None:
            outputs = K.bias_add(outputs, self.bias)
        outputs = self.activation(outputs)
        if self.activity_regularizer is not None:
            self.add_loss(_activity_loss(self.activity_regularizer, outputs))
        return outputs

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "activity_regularizer": serialize_object(self.activity_regularizer),
            "kernel_constraint": serialize_object(self.kernel_constraint),
            "bias_constraint": serialize_object(self.bias_constraint),
        }


class Activation(Layer):
    """Applies an activation function by name or callable."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a `rate` fraction of the inputs in training, scaling the rest by 1/(1-rate)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.rate = validation.rate(owner, "rate", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        if seed is not None:
            validation.non_negative_int(owner, "seed", seed)
        self.seed = seed

    def call(self, inputs, training=None):
        if self.rate == 0:
            return inputs
        noise_shape = self._get_noise_shape(inputs)
        return K.in_train_phase(
            lambda: K.dropout(inputs, self.rate, noise_shape, seed=self.seed),
            inputs, training=training,
        )

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        # None means "the input's size", known only when the graph runs.
        shape = K.shape(inputs)
        return tuple(shape[i] if n is None else n for i, n in enumerate(self.noise_shape))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


class Flatten(Layer):
    """Flattens every axis but the batch axis."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        from nerve.config import normalize_data_format

        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        if self.data_format == "channels_first" and K.ndim(inputs) > 2:
            inputs = K.permute_dimensions(inputs, (0,) + tuple(range(2, K.ndim(inputs))) + (1,))
        if K.ndim(inputs) == 1:
            return K.expand_dims(inputs, 1)
        return K.batch_flatten(inputs)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _activity_loss(regularizer, outputs):
    # As tf-keras 2.x: divided by the batch size, so the strength does not depend on it.
    penalty = regularizer(outputs)
    return penalty / K.cast(K.shape(outputs)[0], K.dtype(penalty))


class Reshape(Layer):
    """Reshapes every sample to `target_shape`; one entry may be -1 (inferred).

    Args:
        target_shape: the shape of a sample (batch axis excluded): positive
            integers, at most one of them -1.

    Input shape: any, with the batch axis first.
    Output shape: `(batch,) + target_shape`, the -1 resolved.

    Raises:
        ValueError: when called on an input whose samples do not fit `target_shape`.

    Example:
    >>> import numpy as np
    >>> Reshape((-1, 2))(np.zeros((5, 6))).shape
    (5, 3, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        expected = "a tuple of positive integers, at most one of them -1"
        try:
            items = tuple(target_shape)
        except TypeError:
            validation.fail(validation.owner_of(self), "target_shape", target_shape, expected)
        if (
            any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in items)
            or any(v <= 0 and v != -1 for v in items)
            or items.count(-1) > 1
        ):
            validation.fail(validation.owner_of(self), "target_shape", target_shape, expected)
        self.target_shape = tuple(int(v) for v in items)

    def _resolve(self, input_shape):
        """`target_shape` with the -1 filled in for samples of `input_shape`."""
        size = math.prod(input_shape[1:])
        known = math.prod(d for d in self.target_shape if d != -1)
        fits = size % known == 0 if -1 in self.target_shape else size == known
        if not fits:
            needs = f"a multiple of {known}" if -1 in self.target_shape else str(known)
            raise ValueError(
                f'Reshape "{self.name}" cannot reshape an input of shape {input_shape} to '
                f"target_shape {self.target_shape}: a sample holds {size} values, the target "
                f"needs {needs}."
            )
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        input_shape = K.int_shape(inputs)
        if None not in input_shape[1:]:
            return K.reshape(inputs, (-1,) + self._resolve(input_shape))
        # Sample sizes known only when the graph runs. `eval_shape` cannot divide unknown
        # sizes (nor prove they fit), so the static shape is stated (the -1 unknown) and
        # the sizes are checked when the program is traced, where they are known.
        def reshape(x):
            return K.reshape.kernel(x, x.shape[:1] + self._resolve(x.shape))

        dims = tuple(shapes.unknown_dim() if d == -1 else d for d in self.target_shape)
        aval = jax.ShapeDtypeStruct(inputs.aval.shape[:1] + dims, inputs.aval.dtype)
        return apply(reshape, (inputs,), name="reshape", out_avals=aval)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch axes of the input; `dims` counts them from 1, as Keras.

    Args:
        dims: a permutation of `1..n` for an input of rank `n + 1`.

    Input shape: `(batch, d1, ..., dn)`.
    Output shape: the `d`s in the order of `dims`.

    Example:
    >>> import numpy as np
    >>> Permute((2, 1))(np.zeros((4, 2, 3))).shape
    (4, 3, 2)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            items = tuple(dims)
        except TypeError:
            items = ()
        if (
            not items
            or any(isinstance(d, bool) or not isinstance(d, numbers.Integral) for d in items)
            or sorted(items) != list(range(1, len(items) + 1))
        ):
            validation.fail(validation.owner_of(self), "dims", dims,
                            "a permutation of 1..n (axes counted from 1; the batch axis stays)")
        self.dims = tuple(int(d) for d in items)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return K.permute_dimensions(inputs, (0,) + self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a 2D input `n` times along a new axis 1.

    Args:
        n: how many times to repeat (a positive integer).

    Input shape: `(batch, features)`.
    Output shape: `(batch, n, features)`.

    Example:
    >>> import numpy as np
    >>> RepeatVector(3)(np.zeros((2, 5))).shape
    (2, 3, 5)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = validation.positive_int(validation.owner_of(self), "n", n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return K.repeat(inputs, self.n)

    def get_config(self):
        return {**super().get_config(), "n": self.n}


def _callable_name(fn):
    """`(name, module)` of a function a config can name, or None for any other callable."""
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str) or not name.isidentifier():
        return None  # lambdas, partials, callable objects
    if getattr(K, name, None) is fn:
        return name, "nerve.backend"
    module = getattr(fn, "__module__", None)
    if getattr(sys.modules.get(module), name, None) is fn:
        return name, module
    return None  # nested functions, closures


def _lookup_callable(owner, arg, name, module, custom_objects):
    """The callable a config names: from `custom_objects`, the registered custom
    objects, or a backend op; never imported or built from the config itself."""
    for table in (custom_objects or {}, get_custom_objects()):
        if name in table:
            return table[name]
    op = getattr(K, name, None) if module == "nerve.backend" else None
    if op is not None and hasattr(op, "kernel"):  # a lifted backend op
        return op
    raise ValueError(
        f"{owner} needs the function {name!r} (module {module!r}) for `{arg}`, which is not "
        f"known. Pass it in `custom_objects={{{name!r}: {name}}}` or register it with "
        "`nerve.utils.serialization.custom_object_scope`; a config never names code to import."
    )


class Lambda(Layer):
    """Wraps a function of backend ops as a layer.

    Args:
        function: `function(inputs, **arguments)`; it also receives `mask` and
            `training` when its signature names them.
        output_shape: the expected output shape without the batch axis, or a
            function from the input shape to the full output shape. Optional:
            shapes are inferred; when given, the inferred shape is checked against it.
        mask: None, or `mask(inputs, mask)` giving the output mask.
        arguments: a dict of keyword arguments (plain JSON values) for `function`.

    A config names `function` (and `output_shape`/`mask` when they are
    functions); it can hold only named module-level functions, which
    `from_config` finds in `custom_objects`, among the registered custom
    objects, or among the backend ops. Configs never carry code.

    Raises:
        ValueError: from `get_config` for a lambda or nested function, from
            `from_config` for a function it cannot find, and when called if
            the output does not have `output_shape`.

    Example:
    >>> import numpy as np
    >>> from nerve import backend as K
    >>> Lambda(K.square)(np.array([[1.0, -2.0]])).tolist()
    [[1.0, 4.0]]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        if not callable(function):
            validation.fail(owner, "function", function, "a callable")
        self.function = function
        if output_shape is not None and not callable(output_shape):
            output_shape = validation.shape_tuple(owner, "output_shape", output_shape)
        self._output_shape = output_shape
        if mask is not None and not callable(mask):
            validation.fail(owner, "mask", mask, "None or a callable `mask(inputs, mask)`")
        self.mask = mask
        self.supports_masking = mask is not None
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict) or not all(isinstance(k, str) for k in arguments):
            validation.fail(owner, "arguments", arguments, "None or a dict with string keys")
        self.arguments = dict(arguments)
        try:
            self._function_args = set(inspect.signature(function).parameters)
        except (TypeError, ValueError):  # builtins without a signature
            self._function_args = set()

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if "mask" in self._function_args:
            kwargs["mask"] = mask
        if "training" in self._function_args:
            kwargs["training"] = training
        outputs = self.function(inputs, **kwargs)
        self._check_output_shape(inputs, outputs)
        return outputs

    def _check_output_shape(self, inputs, outputs):
        if self._output_shape is None or not isinstance(outputs, Tensor):
            return
        got = K.int_shape(outputs)
        if callable(self._output_shape):
            from jax import tree_util

            expected = tuple(self._output_shape(tree_util.tree_map(K.int_shape, inputs)))
        else:
            expected, got = self._output_shape, got[1:]
        if len(expected) != len(got) or any(
            e is not None and g is not None and e != g for e, g in zip(expected, got)
        ):
            raise ValueError(
                f'Lambda "{self.name}" declares output_shape {expected}, but its function '
                f"returns an output of shape {K.int_shape(outputs)}."
            )

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def _serialize_callable(self, arg, fn):
        named = _callable_name(fn)
        if named is None:
            raise ValueError(
                f'Lambda "{self.name}" cannot save its `{arg}` {fn!r} in a config: only named '
                "module-level functions are saved (by name), never code. Define it with `def` "
                "at module level, or save only the weights."
            )
        return named

    def get_config(self):
        name, module = self._serialize_callable("function", self.function)
        config = {**super().get_config(), "function": name, "function_type": "function",
                  "module": module}
        if callable(self._output_shape):
            shape_name, shape_module = self._serialize_callable("output_shape", self._output_shape)
            config.update(output_shape=shape_name, output_shape_type="function",
                          output_shape_module=shape_module)
        else:
            config.update(output_shape=self._output_shape, output_shape_type="raw",
                          output_shape_module=None)
        if self.mask is not None:
            mask_name, mask_module = self._serialize_callable("mask", self.mask)
            config.update(mask=mask_name, mask_type="function", mask_module=mask_module)
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        owner = f'Lambda "{config.get("name")}"'

        def find(arg):
            value = config.pop(arg, None)
            kind = config.pop(f"{arg}_type", "raw" if arg == "output_shape" else "function")
            module = config.pop("module" if arg == "function" else f"{arg}_module", None)
            if value is None or kind == "raw":
                return value
            if kind != "function" or not isinstance(value, str):
                raise ValueError(
                    f"{owner} has its `{arg}` saved as code (type {kind!r}), not by name. nerve "
                    "never runs code from a config: rebuild the layer with "
                    "`Lambda(your_function)`, or save a named module-level function and pass it "
                    "in `custom_objects`."
                )
            return _lookup_callable(owner, arg, value, module, custom_objects)

        function = find("function")
        output_shape = find("output_shape")
        mask = find("mask")
        return cls(function, output_shape=output_shape, mask=mask, **config)


class Embedding(Layer):
    """Turns integer indices into dense vectors: row `i` of an `(input_dim, output_dim)` table.

    Args:
        input_dim: the vocabulary size (indices lie in `[0, input_dim)`).
        output_dim: the size of each vector.
        embeddings_initializer: for the table ('uniform': RandomUniform(-0.05, 0.05)).
        embeddings_regularizer: a regularizer of the table, or None.
        activity_regularizer: a regularizer of the output, or None.
        embeddings_constraint: a constraint on the table, or None.
        mask_zero: whether index 0 is padding, masked out downstream.
        input_length: the length of the index sequences (an int, or a tuple for
            higher-rank inputs) when it is fixed.

    Input shape: `(batch, ...)` integers (floats are cast to int32).
    Output shape: `(batch, ..., output_dim)`.

    Indices are not checked while the graph runs (XLA cannot raise there): an
    index at or above `input_dim` gives a row of NaN, a negative one counts from
    the end as in numpy (and a row of NaN below `-input_dim`).

    Example:
    >>> import numpy as np
    >>> layer = Embedding(10, 3)
    >>> layer(np.array([[1, 2, 9]])).shape
    (1, 3, 3)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        batch_size = kwargs.get("batch_size")
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.input_dim = validation.positive_int(owner, "input_dim", input_dim)
        self.output_dim = validation.positive_int(owner, "output_dim", output_dim)
        lengths = (None,)
        if input_length is not None:
            lengths = tuple(input_length) if isinstance(input_length, (list, tuple)) else (
                input_length,)
            if not lengths or any(
                n is not None and (isinstance(n, bool) or not isinstance(n, numbers.Integral)
                                   or n <= 0)
                for n in lengths
            ):
                validation.fail(owner, "input_length", input_length,
                                "None, a positive integer, or a tuple of them")
            input_length = lengths if isinstance(input_length, (list, tuple)) else int(
                input_length)
        self.input_length = input_length
        if self._batch_input_shape is None:
            # As tf-keras: an Embedding first in a Sequential takes sequences of any length.
            self._batch_input_shape = (batch_size,) + lengths
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def _check_length(self, input_shape):
        if self.input_length is None:
            return
        lengths = self.input_length
        lengths = lengths if isinstance(lengths, tuple) else (lengths,)
        dims = input_shape[1:]
        if len(lengths) != len(dims) or any(
            n is not None and d is not None and n != d for n, d in zip(lengths, dims)
        ):
            raise ValueError(
                f'Embedding "{self.name}" has input_length={self.input_length}, but received '
                f"an input of shape {input_shape}."
            )

    def call(self, inputs):
        self._check_length(K.int_shape(inputs))
        if K.dtype(inputs) not in ("int32", "int64"):
            inputs = K.cast(inputs, "int32")
        outputs = K.gather(self.embeddings, inputs)
        if self.activity_regularizer is not None:
            self.add_loss(_activity_loss(self.activity_regularizer, outputs))
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return K.not_equal(inputs, 0)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": serialize_object(self.embeddings_initializer),
            "embeddings_regularizer": serialize_object(self.embeddings_regularizer),
            "activity_regularizer": serialize_object(self.activity_regularizer),
            "embeddings_constraint": serialize_object(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        }


class ActivityRegularization(Layer):
    """Passes its input through and adds `l1 * sum(|x|) + l2 * sum(x²)`, divided
    by the batch size (as tf-keras 2.x), to `layer.losses`.

    Args:
        l1: the L1 factor (non-negative).
        l2: the L2 factor (non-negative).

    Example:
    >>> from nerve.layers import Input
    >>> layer = ActivityRegularization(l2=0.1)
    >>> _ = layer(Input(shape=(3,)))
    >>> len(layer.losses)
    1
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        owner = validation.owner_of(self)
        self.l1 = validation.non_negative_float(owner, "l1", l1)
        self.l2 = validation.non_negative_float(owner, "l2", l2)
        self.activity_regularizer = regularizers.L1L2(l1=self.l1, l2=self.l2)
        self.supports_masking = True

    def call(self, inputs):
        self.add_loss(_activity_loss(self.activity_regularizer, inputs))
        return inputs

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
