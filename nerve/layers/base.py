"""`Layer`: weights built from the first input shape, `call` written with backend ops.

Calling a layer on symbolic tensors runs `call` once to build graph nodes and
tags each output with the layer that made it (`_keras_history`), so models
can walk from outputs back to inputs. Called on arrays, a layer compiles the
same graph once per input signature and runs it.
"""

import functools
import inspect
import re

import numpy as np
from jax import tree_util

from nerve import backend as K
from nerve.config import standardize_dtype
from nerve.graph import Tensor, Variable, names
from nerve.utils import validation


class InputSpec:
    """What a layer accepts: rank bounds and fixed sizes on some axes."""

    def __init__(self, ndim=None, min_ndim=None, max_ndim=None, axes=None):
        self.ndim, self.min_ndim, self.max_ndim = ndim, min_ndim, max_ndim
        self.axes = dict(axes or {})

    def check(self, layer, index, shape):
        prefix = f'Input {index} of layer "{layer.name}" is incompatible:'
        rank = len(shape)
        if self.ndim is not None and rank != self.ndim:
            raise ValueError(f"{prefix} expected ndim={self.ndim}, received shape {shape}")
        if self.min_ndim is not None and rank < self.min_ndim:
            raise ValueError(f"{prefix} expected min_ndim={self.min_ndim}, received shape {shape}")
        if self.max_ndim is not None and rank > self.max_ndim:
            raise ValueError(f"{prefix} expected max_ndim={self.max_ndim}, received shape {shape}")
        for axis, size in self.axes.items():
            got = shape[axis] if -rank <= axis < rank else None
            if size is not None and got is not None and got != size:
                where = "last dimension" if axis == -1 else f"dimension {axis} of size"
                raise ValueError(f"{prefix} expected {where} {size}, received shape {shape}")


class LayerNode:
    """One call of a layer in a graph: its input and output tensors and arguments."""

    def __init__(self, layer, inputs, outputs, call_kwargs):
        self.layer = layer
        self.inputs = inputs
        self.outputs = outputs
        self.input_tensors = tree_util.tree_leaves(inputs)
        self.output_tensors = tree_util.tree_leaves(outputs)
        self.call_kwargs = call_kwargs


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return re.sub(r"(\d)_d\b", r"\1d", name)  # MaxPooling2D -> max_pooling2d


@functools.cache
def _call_arguments(cls):
    return set(inspect.signature(cls.call).parameters)


class Layer:
    """The base of every layer.

    Subclasses validate their arguments in `__init__`, create weights in
    `build(input_shape)` with `add_weight`, and write `call(inputs)` with
    backend ops. The output shape is inferred from `call`.
    """

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, input_dim=None, batch_size=None, **kwargs):
        if kwargs:
            raise TypeError(
                f"Keyword argument(s) not understood by {type(self).__name__}: "
                f"{', '.join(sorted(kwargs))}"
            )
        if name is not None and (not isinstance(name, str) or not name):
            validation.fail(type(self).__name__, "name", name, "a non-empty string")
        self.name = name or names.unique(_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype = standardize_dtype(dtype)
        self._batch_input_shape = None
        owner = validation.owner_of(self)
        if batch_input_shape is not None:
            self._batch_input_shape = validation.shape_tuple(owner, "batch_input_shape",
                                                             batch_input_shape)
        elif input_shape is not None:
            shape = validation.shape_tuple(owner, "input_shape", input_shape)
            self._batch_input_shape = (batch_size,) + shape
        elif input_dim is not None:
            dim = validation.positive_int(owner, "input_dim", input_dim)
            self._batch_input_shape = (batch_size, dim)
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._own_losses = []
        self._updates = []
        self._inbound_nodes = []
        self._sublayers = []
        self._eager_functions = {}

    # Sublayers assigned as attributes are tracked, so their weights count.

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and name != "layer_owner":
            self.__dict__.setdefault("_sublayers", [])
            if not any(value is layer for layer in self._sublayers):
                self._sublayers.append(value)
        super().__setattr__(name, value)

    # Weights.

    def build(self, input_shape):
        self.built = True

    def add_weight(self, name=None, shape=(), dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None):
        """Creates a weight variable named `<layer>/<name>` and tracks it."""
        from nerve import constraints, initializers, regularizers

        dtype = standardize_dtype(dtype or self.dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.startswith(("float", "bfloat")) else "zeros"
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        weight = Variable(
            np.asarray(value), dtype, name=f"{self.name}/{name or 'weight'}",
            constraint=constraints.get(constraint), trainable=trainable,
        )
        (self._trainable_weights if trainable else self._non_trainable_weights).append(weight)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._own_losses.append(regularizer(weight))
        return weight

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        nested = [w for layer in self._sublayers for w in layer.trainable_weights]
        return _unique(self._trainable_weights + nested)

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self._all_weights()
        nested = [w for layer in self._sublayers for w in layer.non_trainable_weights]
        return _unique(self._non_trainable_weights + nested)

    def _all_weights(self):
        """Every weight, trainable or not, in Keras's order."""
        nested = [w for layer in self._sublayers for w in layer._all_weights()]
        return _unique(self._trainable_weights + self._non_trainable_weights + nested)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    def get_weights(self):
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            hint = ""
            if params and not weights:
                hint = (
                    " If these come from `model.layers[i]` of a functional model, note that "
                    "its layers start with the InputLayer (no weights) while a Sequential "
                    "model's `layers` leave it out: use `model.layers[i + 1]`, or copy by "
                    "name with `model.get_layer(layer.name)`."
                )
            raise ValueError(
                f'Layer "{self.name}" expects {len(params)} weight(s) '
                f"({', '.join(p.name for p in params) or 'none'}), "
                f"but received {len(weights)}.{hint}"
            )
        for param, value in zip(params, weights):
            value = np.asarray(value)
            if value.shape != tuple(param.shape):
                raise ValueError(
                    f'Layer "{self.name}" weight "{param.name}" has shape {tuple(param.shape)}, '
                    f"but the value given has shape {value.shape}."
                )
        for param, value in zip(params, weights):
            param.assign_value(value)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f'Layer "{self.name}" is not built yet, so it has no weights to count. '
                "Call it on an input or build it first."
            )
        return int(sum(np.prod(w.shape, dtype=np.int64) for w in self.weights))

    @property
    def losses(self):
        nested = [loss for layer in self._sublayers for loss in layer.losses]
        return self._own_losses + nested

    def add_loss(self, loss):
        self._own_losses.append(loss)

    @property
    def updates(self):
        nested = [u for layer in self._sublayers for u in layer.updates]
        return self._updates + nested

    def add_update(self, updates):
        self._updates.extend([updates] if isinstance(updates, tuple) else updates)

    # Calling.

    def call(self, inputs, **kwargs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return None

    def __call__(self, inputs, *args, **kwargs):
        if any(isinstance(t, Tensor) for t in tree_util.tree_leaves(inputs)):
            return self._call_symbolic(inputs, args, kwargs)
        return self._call_eager(inputs, args, kwargs)

    def _call_symbolic(self, inputs, args, kwargs, track=True):
        self._check_inputs(inputs)
        if not self.built:
            self._build_from(inputs)
        outputs = self.call(inputs, *args, **self._call_kwargs(kwargs))
        if not track:
            return outputs
        input_ids = {id(t) for t in tree_util.tree_leaves(inputs)}

        def fresh(t):
            # An output that is an input (or another layer's) gets a node of its own.
            if not isinstance(t, Tensor):
                raise TypeError(f'Layer "{self.name}" returned a non-tensor output: {t!r}')
            if id(t) in input_ids or t._keras_history is not None or t.node is None:
                t = K.identity(t)
            return t

        outputs = tree_util.tree_map(fresh, outputs)
        node_index = len(self._inbound_nodes)
        self._inbound_nodes.append(LayerNode(self, inputs, outputs, dict(kwargs, args=args)))
        for i, t in enumerate(tree_util.tree_leaves(outputs)):
            t._keras_history = (self, node_index, i)
        return outputs

    def _call_kwargs(self, kwargs):
        accepted = _call_arguments(type(self))
        if "kwargs" in accepted:
            return kwargs
        return {k: v for k, v in kwargs.items() if k in accepted or k not in ("training", "mask")}

    def _build_from(self, inputs):
        shapes = tree_util.tree_map(K.int_shape, inputs)
        self.build(shapes)
        self.built = True

    def _check_inputs(self, inputs):
        spec = self.input_spec
        if spec is None:
            return
        tensors = tree_util.tree_leaves(inputs)
        specs = spec if isinstance(spec, (list, tuple)) else [spec] * len(tensors)
        for i, (s, t) in enumerate(zip(specs, tensors)):
            if s is not None:
                s.check(self, i, K.int_shape(t))

    def _call_eager(self, inputs, args, kwargs):
        arrays = tree_util.tree_map(np.asarray, inputs)
        flat, treedef = tree_util.tree_flatten(arrays)
        # Floats run in the layer's dtype (numpy's float64 too); ints as they are.
        flat = [a.astype(self.dtype) if a.dtype.kind == "f" else a for a in flat]
        self._check_inputs(flat)  # name the real shape, not the placeholder's
        training = kwargs.pop("training", None)
        key = (treedef, tuple((a.shape[1:], a.dtype.str) for a in flat), repr(args),
               repr(sorted(kwargs.items())))
        if any(isinstance(v, np.ndarray) for v in tree_util.tree_leaves((args, kwargs))):
            key = None  # arrays among the arguments: their repr is no identity
        entry = self._eager_functions.get(key) if key is not None else None
        if entry is None:
            placeholders = [
                K.placeholder(shape=(None,) + a.shape[1:] if a.ndim else (),
                              dtype=standardize_dtype(a.dtype))
                for a in flat
            ]
            symbolic = tree_util.tree_unflatten(treedef, placeholders)
            # Losses and updates made for these placeholders belong to this call
            # only: keep them out of the layers' lists.
            layers = _all_layers(self)
            saved = [(layer, list(layer._own_losses), list(layer._updates)) for layer in layers]
            before = len(self.updates)
            outputs = self._call_symbolic(symbolic, args, kwargs, track=False)
            updates = self.updates[before:]
            for layer, losses, layer_updates in saved:
                layer._own_losses[:], layer._updates[:] = losses, layer_updates
            flat_out, out_tree = tree_util.tree_flatten(outputs)
            fn = K.function(placeholders + [K.learning_phase()], flat_out, updates=updates)
            entry = (fn, out_tree)
            if key is not None:
                self._eager_functions[key] = entry
        fn, out_tree = entry
        results = fn(list(flat) + [1 if training else 0])
        return tree_util.tree_unflatten(out_tree, results)

    def compute_output_shape(self, input_shape):
        """Inferred by running `call` on placeholders of `input_shape`."""
        is_list = isinstance(input_shape, list)
        shapes = input_shape if is_list else [input_shape]
        placeholders = [K.placeholder(shape=tuple(s)) for s in shapes]
        inputs = placeholders if is_list else placeholders[0]
        outputs = self._call_symbolic(inputs, (), {}, track=False)
        return tree_util.tree_map(K.int_shape, outputs)

    # Connectivity.

    def _node_attribute(self, attr, node_index=None):
        if not self._inbound_nodes:
            raise AttributeError(
                f'Layer "{self.name}" is not connected: it has not been called on a '
                f"symbolic input yet, so it has no {attr}."
            )
        if node_index is None:
            if len(self._inbound_nodes) > 1:
                raise AttributeError(
                    f'Layer "{self.name}" has {len(self._inbound_nodes)} inbound nodes, so its '
                    f"{attr} is ambiguous. Use `get_{attr}_at(node_index)` instead."
                )
            node_index = 0
        if not 0 <= node_index < len(self._inbound_nodes):
            raise ValueError(
                f'Layer "{self.name}" has {len(self._inbound_nodes)} inbound node(s); '
                f"node_index={node_index} is out of range."
            )
        node = self._inbound_nodes[node_index]
        return node.inputs if attr == "input" else node.outputs

    @property
    def input(self):
        return self._node_attribute("input")

    @property
    def output(self):
        return self._node_attribute("output")

    def get_input_at(self, node_index):
        return self._node_attribute("input", node_index)

    def get_output_at(self, node_index):
        return self._node_attribute("output", node_index)

    @property
    def input_shape(self):
        return tree_util.tree_map(K.int_shape, self.input)

    @property
    def output_shape(self):
        return tree_util.tree_map(K.int_shape, self.output)

    # Configuration.

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _all_layers(layer):
    found, stack = [], [layer]
    while stack:
        current = stack.pop()
        if not any(current is f for f in found):
            found.append(current)
            stack.extend(current._sublayers)
    return found


def _unique(weights):
    seen, out = set(), []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            out.append(w)
    return out
