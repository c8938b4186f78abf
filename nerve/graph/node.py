"""Graph nodes and the lifting rule that turns a JAX function into a graph op."""

import functools

from jax import tree_util

from nerve.graph import shapes
from nerve.graph.tensor import Tensor


class Node:
    """One application of a pure JAX function `fn` to some symbolic arguments.

    The call's arguments are kept flattened: `leaves` holds the static values
    and the input tensors, whose positions are `positions`.
    """

    __slots__ = ("fn", "name", "treedef", "leaves", "positions", "inputs", "outputs", "out_tree")

    def __init__(self, fn, treedef, leaves, name):
        self.fn = fn
        self.name = name
        self.treedef = treedef
        self.leaves = leaves
        self.positions = [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tensor)]
        self.inputs = [leaves[i] for i in self.positions]
        self.outputs = []
        self.out_tree = None

    def call(self, values):
        """Runs `fn` with `values` (one per input tensor); returns its flat outputs."""
        leaves = list(self.leaves)
        for position, value in zip(self.positions, values):
            leaves[position] = value
        args, kwargs = tree_util.tree_unflatten(self.treedef, leaves)
        return tree_util.tree_leaves(self.fn(*args, **kwargs))

    def __repr__(self):
        return f"<Node '{self.name}' inputs={[t.name for t in self.inputs]}>"


def apply(fn, args=(), kwargs=None, name=None, out_avals=None):
    """Adds a node applying `fn` to `args`/`kwargs`; returns its output tensors
    in the structure `fn` returns. Shapes come from `fn` itself via `eval_shape`
    unless `out_avals` (a pytree) is given."""
    leaves, treedef = tree_util.tree_flatten((args, kwargs or {}))
    name = name or getattr(fn, "__name__", "op")
    node = Node(fn, treedef, leaves, name)
    if out_avals is None:
        out_avals = _infer(node)
    flat, node.out_tree = tree_util.tree_flatten(out_avals)
    node.outputs = [Tensor(aval, node, i) for i, aval in enumerate(flat)]
    return tree_util.tree_unflatten(node.out_tree, node.outputs)


def _infer(node):
    traced = [t for t in node.inputs if t.static_value is None]

    def run(*values):
        it = iter(values)
        leaves = list(node.leaves)
        for position, t in zip(node.positions, node.inputs):
            leaves[position] = next(it) if t.static_value is None else t.static_value
        args, kwargs = tree_util.tree_unflatten(node.treedef, leaves)
        return node.fn(*args, **kwargs)

    try:
        return shapes.infer(run, [t.aval for t in traced])
    except Exception as err:
        received = ", ".join(str(t.shape) for t in node.inputs)
        raise ValueError(
            f"Op '{node.name}' cannot be applied to inputs of shapes {received}: {err}"
        ) from err


def lift(fn=None, *, name=None):
    """Makes a JAX function a graph op.

    Called with concrete arrays, the lifted function computes at once; called
    with any symbolic tensor (also inside lists or dicts) it returns a new node
    whose static shape comes from `fn` itself.

    Example:
    >>> import jax
    >>> from nerve import backend as K
    >>> @K.lift
    ... def swish(x):
    ...     return x * jax.nn.sigmoid(x)
    >>> K.int_shape(swish(K.placeholder(shape=(None, 3))))
    (None, 3)
    """
    if fn is None:
        return functools.partial(lift, name=name)

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if not _any_tensor(args, kwargs):
            return fn(*args, **kwargs)
        return apply(fn, args, kwargs, name=name or fn.__name__)

    op.kernel = fn
    return op


def _any_tensor(args, kwargs):
    return any(isinstance(leaf, Tensor) for leaf in tree_util.tree_leaves((args, kwargs)))

