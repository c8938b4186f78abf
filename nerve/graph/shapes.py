"""Static shapes: unknown dimensions as JAX symbolic dimensions, inference by `eval_shape`."""

import itertools

import jax
from jax import export

_SCOPE = export.SymbolicScope()
BATCH = export.symbolic_shape("batch", scope=_SCOPE)[0]
_unknown_ids = itertools.count(1)
_FILLS = (83, 89)  # two unlikely sizes for the fallback below


def unknown_dim():
    """A fresh symbolic dimension, unrelated to any other."""
    return export.symbolic_shape(f"d{next(_unknown_ids)}", scope=_SCOPE)[0]


def symbolic_shape(shape):
    """`shape` with `None` replaced: the leading axis by the shared batch symbol
    (so samples of different inputs line up), every other one by a fresh symbol."""
    return tuple(
        (BATCH if i == 0 else unknown_dim()) if d is None else d for i, d in enumerate(shape)
    )


def static_shape(shape):
    """`shape` with every dimension that is not a known integer as `None`."""
    return tuple(d if isinstance(d, int) else None for d in shape)


def infer(fn, avals):
    """Output avals of `fn` on inputs described by `avals` (a flat list).

    First with symbolic dimensions. Some JAX functions do not support those, and
    unknown non-batch dimensions have no relation to one another; then run with
    every unknown dimension set to 83 and to 89: what differs is unknown.
    """
    try:
        return jax.eval_shape(fn, *avals)
    except Exception as err:
        if all(all(isinstance(d, int) for d in a.shape) for a in avals):
            raise
        try:
            return _infer_by_filling(fn, avals)
        except Exception:
            raise err from None


def _infer_by_filling(fn, avals):
    runs = []
    for fill in _FILLS:
        filled = [
            jax.ShapeDtypeStruct(tuple(d if isinstance(d, int) else fill for d in a.shape), a.dtype)
            for a in avals
        ]
        runs.append(jax.eval_shape(fn, *filled))
    first, second = runs

    def merge(a, b):
        dims = tuple(
            da if da == db else unknown_dim() for da, db in zip(a.shape, b.shape)
        )
        return jax.ShapeDtypeStruct(dims, a.dtype)

    return jax.tree_util.tree_map(merge, first, second)
