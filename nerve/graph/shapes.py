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
        for fallback in (_infer_by_filling, _infer_by_unifying):
            try:
                return fallback(fn, avals)
            except Exception:
                pass
        raise err


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


def _infer_by_unifying(fn, avals):
    """Unknown sizes that meet known ones: an unknown non-batch dimension takes the
    largest known size at the same (right-aligned) axis of another input, which
    broadcasting or concatenation then needs it to be."""
    known = {}
    for a in avals:
        for axis in range(1, len(a.shape) + 1):
            d = a.shape[-axis]
            if isinstance(d, int) and d > known.get(axis, 0):
                known[axis] = d
    unified = []
    for a in avals:
        dims = list(a.shape)
        for axis in range(1, len(dims) + 1):
            d = dims[-axis]
            if not isinstance(d, int) and d is not BATCH and axis in known:
                dims[-axis] = known[axis]
        unified.append(jax.ShapeDtypeStruct(tuple(dims), a.dtype))
    return jax.eval_shape(fn, *unified)
