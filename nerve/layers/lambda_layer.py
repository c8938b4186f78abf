"""`Lambda`: a function of backend ops as a layer, saved by name and never as code."""

import inspect
import sys

from nerve import backend as K
from nerve.graph import Tensor
from nerve.layers.base import Layer
from nerve.utils import validation
from nerve.utils.serialization import get_custom_objects


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
