"""`Sequential`: a functional model built one layer at a time."""

from nerve import backend as K
from nerve.graph import Tensor
from nerve.layers.base import Layer
from nerve.layers.input_layer import InputLayer
from nerve.models.functional import Model, _check_unique_names


class Sequential(Model):
    """A linear stack of layers.

    Its graph is built as soon as the input shape is known: from the first
    layer's `input_shape`/`input_dim`, an `Input` added first, `build(shape)`,
    or the first data it is called on.

    Example:
    >>> from nerve.layers import Dense
    >>> model = Sequential([Dense(8, input_shape=(4,)), Dense(2)])
    >>> model.output.shape
    (None, 2)
    """

    def __init__(self, layers=None, name=None, **kwargs):
        Layer.__init__(self, name=name, trainable=kwargs.pop("trainable", True), **kwargs)
        self._seq_layers = []
        self._input_layer = None
        self._seq_outputs = []  # the output of each layer in this model's graph
        self.built = False
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._seq_layers)

    def add(self, layer):
        """Appends `layer` (or an `Input` tensor / `InputLayer`, which sets the input)."""
        if isinstance(layer, Tensor) and layer._keras_history is not None:
            layer = layer._keras_history[0]
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._seq_layers:
                raise ValueError(
                    f'Sequential model "{self.name}" already has layers; an input can only '
                    "be added first."
                )
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer. "
                f"Received: layer={layer!r} of type {type(layer)}."
            )
        _check_unique_names(self._seq_layers + [layer])
        self._seq_layers.append(layer)
        if self._input_layer is None and len(self._seq_layers) == 1 and (
            layer._batch_input_shape is not None
        ):
            self._input_layer = InputLayer(batch_input_shape=layer._batch_input_shape,
                                           dtype=layer.dtype, name=f"{layer.name}_input")
        if self._input_layer is not None:
            previous = self._seq_outputs[-1] if self._seq_outputs else self._input_layer.output
            self._seq_outputs.append(layer(previous))
            self._init_graph(self._input_layer.output, self._seq_outputs[-1])

    def pop(self):
        """Removes the last layer."""
        if not self._seq_layers:
            raise TypeError(f'Sequential model "{self.name}" has no layers to pop.')
        self._seq_layers.pop()
        if self._seq_outputs:
            self._seq_outputs.pop()
            if self._seq_outputs:
                self._init_graph(self._input_layer.output, self._seq_outputs[-1])
            else:
                self.built = False
                self._inbound_nodes = []

    def build(self, input_shape=None):
        """Builds the graph for inputs of `input_shape` (batch axis included)."""
        if self._input_layer is not None and self._seq_outputs:
            return
        if input_shape is None:
            raise ValueError(
                f'Sequential model "{self.name}" cannot be built without an input shape: '
                "give the first layer `input_shape`, call `build(input_shape)`, or call "
                "the model on data."
            )
        self._input_layer = self._input_layer or InputLayer(
            batch_input_shape=tuple(input_shape), name=f"{self.name}_input"
        )
        layers, self._seq_layers, self._seq_outputs = self._seq_layers, [], []
        for layer in layers:
            self.add(layer)
        if not layers:
            raise ValueError(f'Sequential model "{self.name}" has no layers to build.')

    def __call__(self, inputs, *args, **kwargs):
        if not self.built:
            first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
            self.build((None,) + tuple(K.int_shape(first))[1:])
        return super().__call__(inputs, *args, **kwargs)

    def get_config(self):
        from nerve.layers import serialize

        layers = [serialize(layer) for layer in self._seq_layers]
        if self._input_layer is not None:
            layers.insert(0, serialize(self._input_layer))
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from nerve.layers import deserialize

        model = cls(name=config.get("name"))
        for layer_config in config["layers"]:
            model.add(deserialize(layer_config, custom_objects=custom_objects))
        return model

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, show_receptive_field=True):
        if not self.built:
            print_fn = print_fn or print
            print_fn(
                f'Model: "{self.name}" has not been built yet: give the first layer an '
                "`input_shape`, call `build(input_shape)`, or call it on data to see "
                "its summary."
            )
            return
        super().summary(line_length, positions, print_fn, expand_nested, show_trainable,
                        show_receptive_field)
