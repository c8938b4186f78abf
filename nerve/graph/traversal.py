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
