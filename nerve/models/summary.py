"""`model.summary()`: tf-keras 2.x's plain-text table of a model's layers.

The layout follows tf-keras 2.x: the model's name, a `_` rule, the column
headers, a `=` rule, one row per layer with a blank separator line after each,
a closing `=` rule, the parameter totals with their memory size, and a closing
`_` rule. Functional models that are not a simple chain get a `Connected to`
column (`layer[node_index][tensor_index]` for each input of the call).

Text that does not fit its column wraps onto continuation lines within that
column: after a list item (`'dense[0][0]',`) or a tuple (`(None, 2),`) first,
as tf-keras does, else at the last space, else anywhere. Every line goes to
`print_fn` on its own, without a newline; the width is always `line_length`
(or its default), never the terminal's.

Models with convolution or pooling layers get a `Receptive field` column (not
in tf-keras): how many input cells one output cell of each layer sees, per
spatial axis (`256`, `5x5`), from `nerve.utils.conv_utils.receptive_fields`;
blank for layers without spatial axes.
"""

import numbers

import numpy as np
from jax import numpy as jnp
from jax import tree_util

from nerve import backend as K
from nerve.layers.input_layer import InputLayer

_CHAIN_DEFAULTS = (65, [0.45, 0.85, 1.0])
_GRAPH_DEFAULTS = (98, [0.33, 0.55, 0.67, 1.0])
_TRAINABLE_WIDTH = 11  # the `Trainable` column tf-keras appends
_RECEPTIVE_WIDTH = 17  # nerve's `Receptive field` column, before `Trainable`
_BREAKS = ("),", "],", "},", "',")  # wrap after a finished item, as tf-keras does
_UNITS = ("Byte", "KB", "MB", "GB", "TB", "PB")


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, show_receptive_field=True):
    """Prints `model`'s layers, output shapes, parameter counts and totals.

    Args:
        model: a built `Model` or `Sequential`.
        line_length: the width of every line (default 65 for chains of layers,
            98 for other functional models).
        positions: where each column ends: fractions of `line_length` when the
            last is at most 1, else absolute positions (default
            `[.45, .85, 1.]`, or `[.33, .55, .67, 1.]` with `Connected to`).
        print_fn: called once per line, with the line (default `print`).
        expand_nested: also list the layers of nested models, indented
            inside a `|` border.
        show_trainable: add a `Trainable` column (`Y`/`N`).
        show_receptive_field: add a `Receptive field` column when the model has
            convolution or pooling layers.
    """
    print_fn = print_fn or print
    if not getattr(model, "built", True) or not hasattr(model, "_nodes"):
        print_fn(
            f'Model: "{model.name}" has not been built yet: build it (give the first layer an '
            "`input_shape`, call `build(input_shape)`, or call it on data) to see its summary."
        )
        return
    chain = _is_chain(model)
    default_length, default_positions = _CHAIN_DEFAULTS if chain else _GRAPH_DEFAULTS
    headers = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    if line_length is None:
        line_length = default_length
    elif isinstance(line_length, bool) or not isinstance(line_length, numbers.Integral) or (
        line_length < 2 * len(headers)
    ):
        raise ValueError(
            f"Invalid value for `line_length` of summary: expected an integer of at least "
            f"{2 * len(headers)}. Received: line_length={line_length!r}"
        )
    line_length = int(line_length)
    positions = _positions(positions if positions is not None else default_positions,
                           line_length, len(headers))
    receptive = None
    if show_receptive_field:
        from nerve.utils import conv_utils

        receptive = conv_utils.summary_cells(model)
    if receptive is not None:
        line_length += _RECEPTIVE_WIDTH
        positions.append(line_length)
        headers.append("Receptive field")
    if show_trainable:
        line_length += _TRAINABLE_WIDTH
        positions.append(line_length)
        headers.append("Trainable")

    table = _Table(print_fn, line_length, positions, chain, expand_nested, show_trainable,
                   receptive)
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    table.row(headers, 0)
    print_fn("=" * line_length)
    table.layers(model, 0)
    print_fn("=" * line_length)

    trainable = _unique(model.trainable_weights)
    seen = {id(w) for w in trainable}
    non_trainable = [w for w in _unique(model.non_trainable_weights) if id(w) not in seen]
    n_trainable, n_frozen = _count(trainable), _count(non_trainable)
    size_trainable, size_frozen = _memory(trainable), _memory(non_trainable)
    print_fn(f"Total params: {n_trainable + n_frozen:,} "
             f"({_readable(size_trainable + size_frozen)})")
    print_fn(f"Trainable params: {n_trainable:,} ({_readable(size_trainable)})")
    print_fn(f"Non-trainable params: {n_frozen:,} ({_readable(size_frozen)})")
    print_fn("_" * line_length)


class _Table:
    """Prints rows of cells, wrapped within their columns, indented `level` borders deep."""

    def __init__(self, print_fn, line_length, positions, chain, expand_nested, show_trainable,
                 receptive=None):
        self.print_fn, self.line_length, self.positions = print_fn, line_length, positions
        self.chain, self.expand_nested = chain, expand_nested
        self.show_trainable = show_trainable
        self.receptive = receptive  # {id(layer): text}, or None for no column

    def layers(self, model, level):
        """One row per layer of `model`; nested models opened when `expand_nested`."""
        nodes = {id(node) for node in getattr(model, "_nodes", [])}
        layers = model.layers
        for i, layer in enumerate(layers):
            self.layer(layer, nodes, level)
            nested = self.expand_nested and getattr(layer, "_nodes", None) and layer.layers
            if nested:
                inner = self.line_length - 2 * level - 2
                self.print_fn("|" * (level + 1) + "\u00af" * inner + "|" * (level + 1))
                self.layers(layer, level + 1)
                inner = self.line_length - 2 * level
                self.print_fn("|" * level + "\u00af" * inner + "|" * level)
            if level == 0 or i < len(layers) - 1:
                self.print_fn("|" * level + " " * (self.line_length - 2 * level) + "|" * level)

    def layer(self, layer, nodes, level):
        calls = [n for n in layer._inbound_nodes if id(n) in nodes] or layer._inbound_nodes
        params = layer.count_params() if layer.built else "0 (unused)"
        cells = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer, calls), params]
        if not self.chain:
            cells.append([
                f"{t._keras_history[0].name}[{t._keras_history[1]}][{t._keras_history[2]}]"
                for node in calls for t in node.input_tensors if t._keras_history is not None
            ])
        if self.receptive is not None:
            cells.append(self.receptive.get(id(layer), ""))
        if self.show_trainable:
            cells.append("Y" if layer.trainable else "N")
        self.row(cells, level)

    def row(self, cells, level):
        positions, last = self.positions, len(self.positions) - 1
        starts = [level + 1] + positions[:-1]  # column 0 after the borders and one space
        widths = [
            max(1, end - start - (0 if col == last else 2) - (level if col == last else 0))
            for col, (start, end) in enumerate(zip(starts, positions))
        ]
        pending = [str(cell) for cell in cells]
        while True:
            line = "|" * level + " "
            for col, text in enumerate(pending):
                piece, pending[col] = _split(text, widths[col])
                line += piece
                end = positions[col] - (level if col == last else 0)
                line += " " * max(end - len(line), 0 if col == last else 2)
            self.print_fn(line + "|" * level)
            if not any(pending):
                return


def _split(text, width):
    """The part of `text` that goes on this line, and the rest."""
    head = text[:width]
    cuts = [head.find(b) + len(b) for b in _BREAKS if b in head]
    if cuts:
        cut = min(cuts)
    elif len(text) <= width:
        cut = len(text)
    else:
        space = head.rfind(" ")
        cut = space + 1 if space > 0 else width
    return text[:cut].rstrip() if cut < len(text) else text, text[cut:]


def _output_shape(layer, calls):
    if not calls:
        return "multiple"
    shapes = {str(tree_util.tree_map(K.int_shape, node.outputs)) for node in calls}
    if len(shapes) > 1:
        return "multiple"
    shape = shapes.pop()
    return f"[{shape}]" if isinstance(layer, InputLayer) else shape


def _is_chain(model):
    """tf-keras's `sequential_like`: one call per depth, each with at most one input."""
    from nerve.models.sequential import Sequential

    if isinstance(model, Sequential):
        return True
    nodes = list(model._nodes)
    ids = {id(node) for node in nodes}
    consumers = {id(node): [] for node in nodes}
    for node in nodes:
        for t in node.input_tensors:
            producer = _producer(t)
            if producer is not None and id(producer) in ids:
                consumers[id(producer)].append(node)
    depth = {}
    for node in reversed(nodes):  # `_nodes` lists each call after those it depends on
        depth[id(node)] = max((depth[id(c)] + 1 for c in consumers[id(node)]), default=0)
    by_depth = {}
    for node in nodes:
        by_depth.setdefault(depth[id(node)], []).append(node)
    if any(len(group) > 1 or len(group[0].input_tensors) > 1 for group in by_depth.values()):
        return False
    calls = {}
    for node in nodes:  # a layer called twice (shared) is no chain either
        calls[id(node.layer)] = calls.get(id(node.layer), 0) + 1
    return all(count == 1 for count in calls.values())


def _producer(tensor):
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None
    layer, node_index, _ = history
    return layer._inbound_nodes[node_index]


def _positions(positions, line_length, columns):
    try:
        values = [float(p) for p in positions]
    except (TypeError, ValueError):
        values = []
    if len(values) != columns or any(p <= 0 for p in values) or values != sorted(values):
        raise ValueError(
            f"Invalid value for `positions` of summary: expected {columns} increasing positive "
            f"numbers (fractions of `line_length`, or absolute columns). "
            f"Received: positions={positions!r}"
        )
    if values[-1] <= 1:
        return [int(line_length * p) for p in values]
    return [int(p) for p in values]


def _unique(weights):
    seen, out = set(), []
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            out.append(w)
    return out


def _count(weights):
    return int(sum(int(np.prod(w.shape, dtype=np.int64)) for w in weights))


def _memory(weights):
    return int(sum(int(np.prod(w.shape, dtype=np.int64)) * jnp.dtype(w.dtype).itemsize
                   for w in weights))


def _readable(size):
    """Bytes in 1024-based units with two decimals, as tf-keras prints them."""
    size = float(size)
    for unit in _UNITS[:-1]:
        if size < 1024:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} {_UNITS[-1]}"
