"""Symbolic values: `Tensor` (an op's output), and the leaves `Placeholder` and `Variable`."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from nerve.config import standardize_dtype
from nerve.graph import shapes

_uids = itertools.count(1)


class Tensor:
    """A symbolic value: output `index` of `node`, or a leaf when `node` is None.

    `aval` is a `jax.ShapeDtypeStruct` whose unknown dimensions are JAX
    symbolic dimensions; `shape` shows them as `None`, as Keras does.
    """

    __array_ufunc__ = None  # numpy defers to our reflected operators: `arr + t` is a node
    __hash__ = object.__hash__  # `==` builds a node, so tensors hash by identity
    # A value known when the graph is built (a shape, the phase during shape
    # inference): shape inference uses it in place of an abstract value.
    static_value = None

    def __init__(self, aval, node=None, index=0, name=None):
        self.aval = aval
        self.node = node
        self.index = index
        self.name = name or (node.name if node is not None else "tensor")
        self._keras_history = None  # (layer, node_index, tensor_index) once a layer made it

    @property
    def shape(self):
        return shapes.static_shape(self.aval.shape)

    @property
    def dtype(self):
        return self.aval.dtype.name

    @property
    def ndim(self):
        return len(self.aval.shape)

    def __repr__(self):
        made_by = ""
        if self._keras_history is not None:
            made_by = f" (created by layer '{self._keras_history[0].name}')"
        return (f"<{type(self).__name__} '{self.name}' shape={self.shape} dtype={self.dtype}"
                f"{made_by}>")

    def __bool__(self):
        raise TypeError(
            f"The truth value of symbolic tensor '{self.name}' is unknown until the graph "
            "runs. Use `K.switch(condition, a, b)` for a choice inside the graph."
        )

    def __iter__(self):
        raise TypeError(
            f"Symbolic tensor '{self.name}' cannot be iterated; index it (`t[i]`) or use "
            "`K.unstack`-style ops instead."
        )

    def __len__(self):
        if self.ndim == 0 or self.shape[0] is None:
            raise TypeError(f"len() of tensor '{self.name}' with shape {self.shape} is unknown.")
        return self.shape[0]


class Placeholder(Tensor):
    """A graph input, fed when a compiled function is called."""

    def __init__(self, shape, dtype=None, name=None):
        dtype = standardize_dtype(dtype)
        self.declared_shape = tuple(None if d is None else int(d) for d in shape)
        self._ndim = len(self.declared_shape)
        self._fixed = tuple((i, d) for i, d in enumerate(self.declared_shape) if d is not None)
        aval = jax.ShapeDtypeStruct(shapes.symbolic_shape(self.declared_shape), jnp.dtype(dtype))
        super().__init__(aval, name=name or f"placeholder_{next(_uids)}")

    def check_feed(self, value):
        """`value` as an array of this placeholder's dtype; ValueError if it cannot fit."""
        # On every call of a compiled function: kept to plain loops, no generators.
        if type(value) is not np.ndarray and not isinstance(value, jax.Array):
            value = np.asarray(value)
        shape = value.shape
        if len(shape) != self._ndim:
            self._refuse(shape)
        for axis, size in self._fixed:
            if shape[axis] != size:
                self._refuse(shape)
        if value.dtype != self.aval.dtype:
            if not np.can_cast(value.dtype, self.aval.dtype, casting="same_kind"):
                raise ValueError(
                    f"Placeholder '{self.name}' has dtype {self.dtype} and cannot take an "
                    f"array of dtype {value.dtype.name} without changing its kind; "
                    f"cast it first, e.g. `x.astype('{self.dtype}')`."
                )
            value = value.astype(self.aval.dtype)
        return value

    def _refuse(self, shape):
        raise ValueError(
            f"Placeholder '{self.name}' expects shape {self.declared_shape}, "
            f"received an array of shape {tuple(shape)}."
        )


class LearningPhase(Placeholder):
    """The learning phase: static when a function is compiled (0 test, 1 train)."""

    static_value = 1  # shapes are inferred for training

    def __init__(self):
        super().__init__((), "int32", name="keras_learning_phase")

    def check_feed(self, value):
        if isinstance(value, (bool, int, np.integer, np.bool_)) or (
            np.ndim(value) == 0 and np.asarray(value).dtype.kind in "biu"
        ):
            if int(value) in (0, 1):
                return int(value)
        raise ValueError(f"The learning phase must be fed 0 or 1. Received: {value!r}")


class Variable(Tensor):
    """Mutable state (weights, optimizer slots, RNG keys); compiled calls update it."""

    def __init__(self, value, dtype=None, name=None, constraint=None, trainable=True):
        value = jnp.asarray(value, dtype=standardize_dtype(dtype))
        aval = jax.ShapeDtypeStruct(value.shape, value.dtype)
        super().__init__(aval, name=name or f"variable_{next(_uids)}")
        self._value = value
        self.constraint = constraint
        self.trainable = trainable

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new):
        self._value = new

    def assign_value(self, value):
        """Sets the value from any array-like, checking shape and casting the dtype."""
        value = jnp.asarray(value)
        if value.shape != self.aval.shape:
            raise ValueError(
                f"Variable '{self.name}' has shape {self.aval.shape}; cannot assign a "
                f"value of shape {value.shape}."
            )
        self._value = value.astype(self.aval.dtype)

    def numpy(self):
        # A copy: the buffer behind `value` may be donated to the next compiled call.
        return np.array(self._value, copy=True)

