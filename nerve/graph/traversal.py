"""Walking the graph: topological order and evaluation."""

from nerve.graph.tensor import Tensor


def topo_sort(tensors, stop=frozenset()):
    """The nodes `tensors` depend on, each after its inputs, and the leaves reached.

    Tensors whose id is in `stop` count as leaves. Iterative, so deep graphs
    do not hit Python's recursion limit.
    """
    order, leaves, seen = [], [], set()
    for root in tensors:
        stack = [(root, False)]
        while stack:
            tensor, done = stack.pop()
            if done:
                order.append(tensor.node)
                continue
            is_leaf = tensor.node is None or id(tensor) in stop
            key = id(tensor) if is_leaf else id(tensor.node)
            if key in seen:
                continue
            seen.add(key)
            if is_leaf:
                leaves.append(tensor)
                continue
            stack.append((tensor, True))
            stack.extend((t, False) for t in reversed(tensor.node.inputs))
    return order, leaves


def evaluate(nodes, env):
    """Runs `nodes` in order; `env` maps `id(tensor)` to its value and is filled in."""
    for node in nodes:
        outputs = node.call([env[id(t)] for t in node.inputs])
        for tensor, value in zip(node.outputs, outputs):
            env[id(tensor)] = value
    return env


def is_symbolic(x):
    return isinstance(x, Tensor)


def clone(tensors, replace):
    """`tensors` rebuilt with some tensors replaced (`replace`: id(tensor) -> tensor).

    Only nodes downstream of a replaced tensor are copied; the rest is shared.
    Used to read values after updates, e.g. a metric's result from its new state.
    """
    from nerve.graph.node import Node

    nodes, _ = topo_sort(tensors)
    mapping = dict(replace)
    for node in nodes:
        if not any(id(t) in mapping for t in node.inputs):
            continue
        leaves = list(node.leaves)
        for position, t in zip(node.positions, node.inputs):
            leaves[position] = mapping.get(id(t), t)
        copy = Node(node.fn, node.treedef, leaves, node.name)
        copy.out_tree = node.out_tree
        copy.outputs = [Tensor(t.aval, copy, t.index) for t in node.outputs]
        for old, new in zip(node.outputs, copy.outputs):
            new.static_value = old.static_value
            mapping[id(old)] = new
    return [mapping.get(id(t), t) for t in tensors]
