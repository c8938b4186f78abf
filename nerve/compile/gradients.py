"""Symbolic gradients: one node that runs `jax.grad` over the subgraph to the loss."""

import jax
import jax.numpy as jnp

from nerve.graph import Tensor, apply, evaluate, topo_sort


def gradients(loss, variables):
    """Gradients of `sum(loss)` with respect to each of `variables`.

    `variables` may be Variables or any intermediate tensors; as in
    TensorFlow, the gradient for a tensor `x` counts every path from `x` to
    the loss, also those through other listed tensors. A variable the loss
    does not depend on (or an integer one) gets zeros. The result is made of
    ordinary nodes, so gradients of gradients work.
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"`loss` must be a symbolic tensor. Received: loss={loss!r}")
    if not jnp.issubdtype(loss.aval.dtype, jnp.floating):
        raise TypeError(f"`loss` must be a float tensor. Received dtype {loss.dtype}.")
    single = isinstance(variables, Tensor)
    wrt = [variables] if single else list(variables)
    for i, v in enumerate(wrt):
        if not isinstance(v, Tensor):
            raise TypeError(
                f"`variables[{i}]` must be a Variable or symbolic tensor. Received: {v!r}"
            )
    nodes, leaves = topo_sort([loss])
    ancestry = {id(t) for t in leaves} | {id(t) for node in nodes for t in node.outputs}
    connected = list(
        {id(v): v for v in wrt if id(v) in ancestry and _differentiable(v)}.values()
    )
    grads = dict(zip(map(id, connected), _grad_node(loss, connected, nodes))) if connected else {}
    result = [grads[id(v)] if id(v) in grads else _zeros(v) for v in wrt]
    return result[0] if single else result


def _differentiable(v):
    return jnp.issubdtype(v.aval.dtype, jnp.inexact)


def _grad_node(loss, wrt, nodes):
    """A node computing d sum(loss) / d v for each v in `wrt`.

    Each v gets a zero perturbation added where its value enters the graph;
    the gradient with respect to the perturbation is the gradient for v.
    Only nodes downstream of some v are re-run inside the node; everything
    else enters as an input (the frontier).
    """
    wrt_ids = {id(v) for v in wrt}
    depends, sub_nodes = set(wrt_ids), []
    for node in nodes:
        if any(id(t) in depends for t in node.inputs):
            sub_nodes.append(node)
            depends.update(id(t) for t in node.outputs)
    produced = {id(t) for node in sub_nodes for t in node.outputs}
    frontier = {}
    for t in [t for node in sub_nodes for t in node.inputs] + list(wrt) + [loss]:
        if id(t) not in produced:
            frontier.setdefault(id(t), t)
    frontier_ids = list(frontier)
    inner = [v for v in wrt if id(v) in produced]  # values known only after a forward pass
    order = [id(v) for v in wrt]

    def grad_of_sum(frontier_values):
        base = dict(zip(frontier_ids, frontier_values))
        if inner:
            base = evaluate(sub_nodes, dict(base))
        zeros = [jnp.zeros_like(base[i]) for i in order]

        def total(deltas):
            delta = dict(zip(order, deltas))
            env = {
                i: v + delta[i] if i in delta else v
                for i, v in zip(frontier_ids, frontier_values)
            }
            for node in sub_nodes:
                outputs = node.call([env[id(t)] for t in node.inputs])
                for t, value in zip(node.outputs, outputs):
                    env[id(t)] = value + delta[id(t)] if id(t) in delta else value
            return jnp.sum(env[id(loss)])

        return jax.grad(total)(zeros)

    # A gradient has the shape and dtype of what it is taken with respect to.
    avals = [v.aval for v in wrt]
    return apply(grad_of_sum, (list(frontier.values()),), name="gradients", out_avals=avals)


def _zeros(v):
    dtype = v.aval.dtype if _differentiable(v) else jnp.float32
    if None not in v.shape:
        return jnp.zeros(v.shape, dtype)
    return apply(lambda x: jnp.zeros(x.shape, dtype), (v,), name="zeros_like")
