"""Symbolic gradients: one node that runs `jax.grad` over the subgraph to the loss."""

import jax
import jax.numpy as jnp

from nerve.graph import Tensor, apply, evaluate, topo_sort


def gradients(loss, variables):
    """Gradients of `sum(loss)` with respect to each of `variables`.

    `variables` may be Variables or any intermediate tensors. A variable the
    loss does not depend on gets zeros. The result is made of ordinary nodes,
    so gradients of gradients work.
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
    stop = {id(v) for v in wrt}
    nodes, _ = topo_sort([loss], stop=stop)
    depends = set(stop)
    sub_nodes = []
    for node in nodes:
        if any(id(t) in depends for t in node.inputs):
            sub_nodes.append(node)
            depends.update(id(t) for t in node.outputs)
    produced = {id(t) for node in sub_nodes for t in node.outputs}
    frontier, seen = [], set()
    for node in sub_nodes:
        for t in node.inputs:
            if id(t) not in produced and id(t) not in stop and id(t) not in seen:
                seen.add(id(t))
                frontier.append(t)
    connected = [v for v in wrt if id(v) in depends and _differentiable(v) and id(loss) in depends]
    grads = {}
    if connected:
        outs = _grad_node(loss, connected, frontier, sub_nodes)
        grads = {id(v): g for v, g in zip(connected, outs)}
    result = [grads.get(id(v)) if id(v) in grads else _zeros(v) for v in wrt]
    return result[0] if single else result


def _differentiable(v):
    return jnp.issubdtype(v.aval.dtype, jnp.inexact)


def _grad_node(loss, wrt, frontier, sub_nodes):
    wrt_ids = [id(v) for v in wrt]
    frontier_ids = [id(t) for t in frontier]

    def grad_of_sum(wrt_values, frontier_values):
        def total(values):
            env = dict(zip(frontier_ids, frontier_values))
            env.update(zip(wrt_ids, values))
            return jnp.sum(evaluate(sub_nodes, env)[id(loss)])

        return jax.grad(total)(list(wrt_values))

    # A gradient has the shape and dtype of what it is taken with respect to.
    avals = [v.aval for v in wrt]
    return apply(grad_of_sum, (list(wrt), list(frontier)), name="gradients", out_avals=avals)


def _zeros(v):
    dtype = v.aval.dtype if _differentiable(v) else jnp.float32
    if None not in v.shape:
        return jnp.zeros(v.shape, dtype)
    return apply(lambda x: jnp.zeros(x.shape, dtype), (v,), name="zeros_like")
