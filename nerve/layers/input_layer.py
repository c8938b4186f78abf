"""`Input` and `InputLayer`: the placeholders a model starts from."""

from nerve import backend as K
from nerve.graph import names
from nerve.layers.base import Layer, LayerNode
from nerve.utils import validation


class InputLayer(Layer):
    """Holds a model input: a placeholder tagged as this layer's output."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=False, name=None, batch_input_shape=None, batch_shape=None, **kwargs):
        if batch_shape is not None:
            batch_input_shape = batch_shape
        if batch_input_shape is None and input_shape is None and input_tensor is None:
            raise ValueError(
                "An input needs its shape: pass `shape` (without the batch axis) or "
                "`batch_shape`, e.g. `Input(shape=(64,))`."
            )
        if sparse:
            raise ValueError("Sparse inputs are not supported; feed dense arrays.")
        kwargs.pop("ragged", None)  # tf-keras configs carry it
        super().__init__(name=name or names.numbered("input"), dtype=dtype, input_shape=input_shape,
                         batch_input_shape=batch_input_shape, batch_size=batch_size, **kwargs)
        if input_tensor is not None:
            self._batch_input_shape = K.int_shape(input_tensor)
        shape = self._batch_input_shape
        tensor = input_tensor if input_tensor is not None else K.placeholder(
            shape=shape, dtype=self.dtype, name=self.name
        )
        self.built = True
        self._inbound_nodes.append(LayerNode(self, [], tensor, {}))
        tensor._keras_history = (self, 0, 0)

    def get_config(self):
        return {
            "batch_input_shape": self._batch_input_shape,
            "dtype": self.dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
        }


def Input(shape=None, batch_size=None, name=None, dtype=None, batch_shape=None, tensor=None,
          sparse=False, **kwargs):
    """A symbolic model input of `shape` (without the batch axis).

    Example:
    >>> x = Input(shape=(64,))
    >>> x.shape
    (None, 64)
    """
    if shape is not None and batch_shape is not None:
        raise ValueError("Pass either `shape` or `batch_shape` to `Input`, not both.")
    if batch_size is not None:
        validation.positive_int("Input", "batch_size", batch_size)
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       batch_shape=batch_shape, input_tensor=tensor, sparse=sparse, **kwargs)
    return layer.output
