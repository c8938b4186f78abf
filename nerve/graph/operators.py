"""Python operators on tensors: arithmetic, comparisons, `@` and indexing build nodes."""

import jax.numpy as jnp

from nerve.graph.node import lift
from nerve.graph.tensor import Tensor

_BINARY = {
    "add": jnp.add,
    "sub": jnp.subtract,
    "mul": jnp.multiply,
    "truediv": jnp.true_divide,
    "floordiv": jnp.floor_divide,
    "mod": jnp.mod,
    "pow": jnp.power,
    "matmul": jnp.matmul,
}
_COMPARISONS = {
    "lt": jnp.less,
    "le": jnp.less_equal,
    "gt": jnp.greater,
    "ge": jnp.greater_equal,
    "eq": jnp.equal,
    "ne": jnp.not_equal,
}
_UNARY = {"neg": jnp.negative, "pos": jnp.positive, "abs": jnp.abs, "invert": jnp.invert}


def _getitem(x, index):
    return x[index]


def _install():
    for name, fn in _BINARY.items():
        op = lift(fn, name=name)
        setattr(Tensor, f"__{name}__", lambda self, other, op=op: op(self, other))
        setattr(Tensor, f"__r{name}__", lambda self, other, op=op: op(other, self))
    for name, fn in _COMPARISONS.items():
        op = lift(fn, name=name)
        setattr(Tensor, f"__{name}__", lambda self, other, op=op: op(self, other))
    for name, fn in _UNARY.items():
        op = lift(fn, name=name)
        setattr(Tensor, f"__{name}__", lambda self, op=op: op(self))
    getitem = lift(_getitem, name="getitem")

    def __getitem__(self, index):
        out = getitem(self, index)
        if self.static_value is not None and isinstance(index, (int, slice)):
            out.static_value = self.static_value[index]  # e.g. `K.shape(x)[0]`
        return out

    Tensor.__getitem__ = __getitem__


_install()
