"""Functional model configs in tf-keras 2.x's layout, and rebuilding models from them."""

from jax import tree_util

from nerve.layers.input_layer import InputLayer


def functional_config(model):
    """`{"name", "layers": [... "inbound_nodes" ...], "input_layers", "output_layers"}`."""
    from nerve.layers import serialize

    in_model = {id(node) for node in model._nodes}
    index = {}  # (layer id, index in layer._inbound_nodes) -> index among this model's nodes
    for layer in model._layers:
        kept = 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in in_model:
                index[(id(layer), i)] = kept
                kept += 1

    def ref(tensor):
        layer, node_index, tensor_index = tensor._keras_history
        return [layer.name, index[(id(layer), node_index)], tensor_index]

    layers = []
    for layer in model._layers:
        inbound = []
        if not isinstance(layer, InputLayer):
            for node in layer._inbound_nodes:
                if id(node) in in_model:
                    kwargs = {k: v for k, v in node.call_kwargs.items()
                              if k != "args" and isinstance(v, (bool, int, float, str))}
                    inbound.append([ref(t) + [kwargs] for t in node.input_tensors])
        entry = serialize(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = inbound
        layers.append(entry)
    return {
        "name": model.name,
        "layers": layers,
        "input_layers": [ref(t) for t in model.inputs],
        "output_layers": [ref(t) for t in model.outputs],
    }


def rebuild_functional(config, custom_objects=None):
    """Creates the layers of a functional config and calls them as recorded.

    Returns `(inputs, outputs, name)`. Node indices count only the calls made
    while rebuilding, so a nested model's own node is skipped as in tf-keras.
    """
    from nerve.layers import deserialize

    outputs_of = {}  # (layer name, node index) -> output tensors of that call
    made = {}  # layer name -> calls made so far
    pending = []
    for entry in config["layers"]:
        layer = deserialize(entry, custom_objects=custom_objects)
        name = entry.get("name", layer.name)
        made[name] = 0
        if isinstance(layer, InputLayer):
            outputs_of[(name, 0)] = [layer.output]
            made[name] = 1
        pending.extend((layer, name, i, node) for i, node in enumerate(entry["inbound_nodes"]))
    while pending:
        waiting = []
        for layer, name, i, node in pending:
            ready = made[name] == i and all((ref[0], ref[1]) in outputs_of for ref in node)
            if not ready:
                waiting.append((layer, name, i, node))
                continue
            tensors = [outputs_of[(ref[0], ref[1])][ref[2]] for ref in node]
            kwargs = node[0][3] if len(node[0]) > 3 else {}
            out = layer(tensors[0] if len(tensors) == 1 else tensors, **kwargs)
            outputs_of[(name, i)] = tree_util.tree_leaves(out)
            made[name] += 1
        if len(waiting) == len(pending):
            stuck = sorted({name for _, name, _, _ in waiting})
            raise ValueError(f"The model config cannot be rebuilt: layers {stuck} wait on "
                             "inputs that no layer in the config produces.")
        pending = waiting

    def tensor(ref):
        return outputs_of[(ref[0], ref[1])][ref[2]]

    inputs = [tensor(ref) for ref in config["input_layers"]]
    outputs = [tensor(ref) for ref in config["output_layers"]]
    return inputs, outputs, config.get("name")
