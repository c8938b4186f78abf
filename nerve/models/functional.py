"""The functional `Model`: a graph of layer calls found by walking the outputs' tags."""

import numpy as np
from jax import tree_util

from nerve import backend as K
from nerve.graph import Tensor
from nerve.layers.base import Layer, LayerNode, _call_arguments
from nerve.layers.input_layer import InputLayer
from nerve.models.training import Trainer


class Model(Trainer, Layer):
    """`Model(inputs, outputs)`: the layers between `Input` tensors and outputs.

    Inputs and outputs may be single tensors, lists or dicts. A model is a
    layer too: call it on new tensors, or nest it in another model.
    """

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        super().__init__(name=name, trainable=kwargs.pop("trainable", True), **kwargs)
        if inputs is None or outputs is None:
            raise TypeError("`Model` needs both `inputs` and `outputs` (tensors made by layers).")
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        # A one-element list behaves as the tensor itself, as in tf-keras.
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            inputs = inputs[0]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        self._nested_inputs, self._nested_outputs = inputs, outputs
        self.inputs = _check_inputs(inputs)
        self.outputs = _check_outputs(outputs)
        self._nodes = _walk(self.inputs, self.outputs)
        layers = []
        for node in self._nodes:
            if not any(node.layer is layer for layer in layers):
                layers.append(node.layer)
        _check_unique_names(layers)
        self._layers = layers
        self._sublayers = [layer for layer in layers if not isinstance(layer, InputLayer)]
        self.input_names = [t._keras_history[0].name for t in self.inputs]
        self.output_names = [t._keras_history[0].name for t in self.outputs]
        self._inbound_nodes = [LayerNode(self, inputs, outputs, {})]
        self._eager_functions = {}
        self.built = True

    @property
    def layers(self):
        return list(self._layers)

    # A model's own input and output stay defined after it is called elsewhere.
    @property
    def input(self):
        if not self.built:
            return super().input
        return self._nested_inputs

    @property
    def output(self):
        if not self.built:
            return super().output
        return self._nested_outputs

    def get_layer(self, name=None, index=None):
        """A layer by `name` or by `index` into `model.layers`."""
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model "
                    f'"{self.name}" only has {len(layers)} layers.'
                )
            return layers[index]
        if name is None:
            raise ValueError("Provide either a layer `name` or `index` to `get_layer`.")
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[layer.name for layer in layers]}."
        )

    # Running the graph.

    def call(self, inputs, training=None, mask=None):
        """Runs the model's layers on new tensors."""
        new = _flatten_like(self._nested_inputs, inputs, self.name)
        values = {id(t): v for t, v in zip(self.inputs, new)}
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            args = tree_util.tree_map(lambda t: values[id(t)], node.inputs)
            kwargs = dict(node.call_kwargs)
            extra = kwargs.pop("args", ())
            if training is not None and _accepts_training(layer):
                kwargs["training"] = training
            outputs = layer(args, *extra, **kwargs)
            for t, v in zip(node.output_tensors, tree_util.tree_leaves(outputs)):
                values[id(t)] = v
        return tree_util.tree_map(lambda t: values[id(t)], self._nested_outputs)

    def _call_eager(self, inputs, args, kwargs):
        # Run the model's own graph: no new layer calls, one program per signature.
        training = kwargs.pop("training", None)
        arrays = _flatten_like(self._nested_inputs, inputs, self.name)
        fn = self._eager_functions.get("predict")
        if fn is None:
            fn = K.function(self.inputs + [K.learning_phase()], self.outputs,
                            updates=self.updates, name=f"{self.name} call")
            self._eager_functions["predict"] = fn
        results = fn([np.asarray(a) for a in arrays] + [1 if training else 0])
        return tree_util.tree_unflatten(tree_util.tree_structure(self._nested_outputs), results)

    def compute_output_shape(self, input_shape):
        return tree_util.tree_map(K.int_shape, self._nested_outputs)

    def get_config(self):
        from nerve.models import config as model_config

        return model_config.functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nerve.models import config as model_config

        inputs, outputs, name = model_config.rebuild_functional(config, custom_objects)
        return cls(inputs=inputs, outputs=outputs, name=name)

    def to_json(self, **kwargs):
        import json

        from nerve.layers import serialize

        return json.dumps(_jsonable(serialize(self)), **kwargs)

    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Saves config and weights to an HDF5 file (Keras 2 layout), atomically."""
        from nerve.saving import save_model

        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath):
        from nerve.saving import save_weights

        save_weights(self, filepath)

    def load_weights(self, filepath):
        from nerve.saving import load_weights

        load_weights(self, filepath)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, show_receptive_field=True):
        from nerve.models import summary

        summary.print_summary(self, line_length, positions, print_fn, expand_nested,
                              show_trainable, show_receptive_field)


def _accepts_training(layer):
    accepted = _call_arguments(type(layer))
    return "training" in accepted or "kwargs" in accepted


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _flatten_like(structure, values, name):
    if isinstance(structure, dict):
        if not isinstance(values, dict):
            raise ValueError(
                f'Model "{name}" takes a dict of inputs {sorted(structure)}; '
                f"received {type(values).__name__}."
            )
        missing = [k for k in structure if k not in values]
        if missing:
            raise ValueError(f'Model "{name}" is missing input(s) {missing}.')
        return [values[k] for k in structure]
    flat = list(values) if isinstance(values, (list, tuple)) else [values]
    expected = len(structure) if isinstance(structure, (list, tuple)) else 1
    if len(flat) != expected:
        raise ValueError(
            f'Model "{name}" expects {expected} input(s), but it received {len(flat)}.'
        )
    return flat


def _check_inputs(inputs):
    flat = list(inputs.values()) if isinstance(inputs, dict) else tree_util.tree_leaves(inputs)
    seen = set()
    for t in flat:
        history = getattr(t, "_keras_history", None)
        if not isinstance(t, Tensor) or history is None or not isinstance(history[0], InputLayer):
            made_by = f' (made by layer "{history[0].name}")' if history else ""
            raise ValueError(
                f"Input tensors to a Model must come from `nerve.Input`. Received: {t!r}"
                f"{made_by}."
            )
        if id(t) in seen:
            raise ValueError(
                f"The list of inputs passed to the model contains the same input tensor "
                f"'{t.name}' more than once. Each input must appear once."
            )
        seen.add(id(t))
    return flat


def _check_outputs(outputs):
    flat = list(outputs.values()) if isinstance(outputs, dict) else (
        list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    )
    for t in flat:
        if not isinstance(t, Tensor) or t._keras_history is None:
            raise ValueError(
                "Output tensors of a Model must be the output of a nerve layer. "
                f"Received: {t!r}"
            )
    return flat


def _walk(inputs, outputs):
    """The layer calls between `inputs` and `outputs`, each after those it depends on."""
    input_ids = {id(t) for t in inputs}
    order = [t._keras_history[0]._inbound_nodes[t._keras_history[1]] for t in inputs]
    seen = {id(node) for node in order}
    for root in outputs:
        stack = [(root, False)]
        while stack:
            tensor, done = stack.pop()
            layer, node_index, _ = tensor._keras_history
            node = layer._inbound_nodes[node_index]
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(layer, InputLayer) and id(tensor) not in input_ids:
                accessed = sorted({n.layer.name for n in order if n.layer is not layer})
                raise ValueError(
                    f"Graph disconnected: cannot obtain value for tensor {tensor!r} at layer "
                    f'"{layer.name}". The following previous layers were accessed without '
                    f"issue: {accessed}. Add that input to the model's `inputs`."
                )
            stack.append((tensor, True))
            for t in reversed(node.input_tensors):
                if t._keras_history is None:
                    raise ValueError(
                        f'Layer "{layer.name}" was called on {t!r}, which was not made by a '
                        "layer. Start the model from `nerve.Input` tensors."
                    )
                stack.append((t, False))
    return order


def _check_unique_names(layers):
    counts = {}
    for layer in layers:
        counts[layer.name] = counts.get(layer.name, 0) + 1
    for name, count in counts.items():
        if count > 1:
            raise ValueError(
                f'The name "{name}" is used {count} times in the model. All layer names '
                "should be unique."
            )
