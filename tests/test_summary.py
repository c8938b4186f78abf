"""`model.summary()`: tf-keras 2.x's text layout, widths, wrapping, nesting and counts."""

import os
import subprocess
import sys
import textwrap

import pytest

from nerve.layers import Dense, Input, Layer
from nerve.models import Model, Sequential
from nerve.models.summary import print_summary


class Add(Layer):
    """A two-input layer, to make a graph that is not a chain."""

    def call(self, inputs):
        return inputs[0] + inputs[1]


def _lines(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def _mlp():
    return Sequential([Input(shape=(20,)), Dense(10, activation="relu"), Dense(10),
                       Dense(2, activation="softmax")])


def _branching():
    inputs = Input(shape=(20,))
    a = Dense(10, name="left")(inputs)
    b = Dense(10, name="right")(inputs)
    merged = Add()([a, b])
    return Model(inputs, [Dense(2, name="out_a")(merged), Dense(3, name="out_b")(merged)],
                 name="branching")


SEQUENTIAL = """\
Model: "sequential"
_________________________________________________________________
 Layer (type)                Output Shape              Param #
=================================================================
 dense (Dense)               (None, 10)                210

 dense_1 (Dense)             (None, 10)                110

 dense_2 (Dense)             (None, 2)                 22

=================================================================
Total params: 342 (1.34 KB)
Trainable params: 342 (1.34 KB)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________"""

BRANCHING = """\
Model: "branching"
__________________________________________________________________________________________________
 Layer (type)                   Output Shape         Param #     Connected to
==================================================================================================
 input_1 (InputLayer)           [(None, 20)]         0           []

 left (Dense)                   (None, 10)           210         ['input_1[0][0]']

 right (Dense)                  (None, 10)           210         ['input_1[0][0]']

 add (Add)                      (None, 10)           0           ['left[0][0]',
                                                                  'right[0][0]']

 out_a (Dense)                  (None, 2)            22          ['add[0][0]']

 out_b (Dense)                  (None, 3)            33          ['add[0][0]']

==================================================================================================
Total params: 475 (1.86 KB)
Trainable params: 475 (1.86 KB)
Non-trainable params: 0 (0.00 Byte)
__________________________________________________________________________________________________"""


def _check_table(lines, expected, width):
    # Compared without trailing spaces (kept out of the source); every table line is full width.
    assert [line.rstrip() for line in lines] == expected.split("\n")
    for line in lines[1:-4]:
        if not line.startswith("Total"):
            assert len(line) == width, repr(line)


def test_sequential_summary_text():
    _check_table(_lines(_mlp()), SEQUENTIAL, 65)


def test_branching_functional_summary_has_connections():
    _check_table(_lines(_branching()), BRANCHING, 98)


def test_functional_chain_uses_the_sequential_layout():
    inputs = Input(shape=(4,))
    model = Model(inputs, Dense(3)(Dense(5)(inputs)))
    lines = _lines(model)
    assert lines[2].rstrip() == " Layer (type)                Output Shape              Param #"
    assert lines[4].rstrip() == " input_1 (InputLayer)        [(None, 4)]               0"
    assert len(lines[1]) == 65


def test_shared_layer_is_not_a_chain_and_lists_both_calls():
    inputs = Input(shape=(3,))
    shared = Dense(3, name="shared")
    model = Model(inputs, shared(shared(inputs)))
    lines = [line.rstrip() for line in _lines(model)]
    assert "Connected to" in lines[2]
    row = lines.index(" shared (Dense)                 (None, 3)            12          "
                      "['input_1[0][0]',")
    assert lines[row + 1].strip() == "'shared[0][0]']"
    assert "Total params: 12 (48.00 Byte)" in lines


def test_header_words_start_at_the_column_offsets():
    for model, positions in [(_mlp(), [0.45, 0.85, 1.0]), (_branching(), [0.33, 0.55, 0.67, 1.0])]:
        width = 65 if len(positions) == 3 else 98
        header = _lines(model)[2]
        offsets = [int(width * p) for p in positions]
        words = ["Output Shape", "Param #", "Connected to"][:len(positions) - 1]
        assert header.index("Layer (type)") == 1  # one space of margin, as tf-keras
        assert [header.index(word) for word in words] == offsets[:-1]
        assert len(header) == offsets[-1]


def test_absolute_and_fractional_positions():
    header = _lines(_mlp(), positions=[30, 50, 70])[2]
    assert header.index("Output Shape") == 30 and header.index("Param #") == 50
    assert len(header) == 70
    header = _lines(_mlp(), line_length=100, positions=[0.5, 0.8, 1.0])[2]
    assert header.index("Output Shape") == 50 and header.index("Param #") == 80
    with pytest.raises(ValueError, match="`positions` of summary: expected 3 increasing"):
        _mlp().summary(positions=[0.5, 1.0])
    with pytest.raises(ValueError, match="`line_length` of summary"):
        _mlp().summary(line_length=0)


def test_line_length_is_honoured_when_stdout_is_not_a_terminal(capsys):
    _mlp().summary(line_length=120)
    lines = capsys.readouterr().out.split("\n")
    assert lines[1] == "_" * 120 and lines[3] == "=" * 120 and lines[-2] == "_" * 120
    assert all(len(line) == 120 for line in lines[2:-5] if not line.startswith("Total"))


def test_line_length_in_a_subprocess_with_a_pipe():
    code = textwrap.dedent("""
        from nerve.layers import Dense
        from nerve.models import Sequential
        Sequential([Dense(4, input_shape=(3,))]).summary(line_length=120)
        Sequential([Dense(4, input_shape=(3,))]).summary()
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "COLUMNS": "40"}).stdout
    rules = [line for line in out.split("\n") if line and set(line) == {"_"}]
    assert [len(rule) for rule in rules] == [120, 120, 65, 65]


def test_print_fn_gets_one_line_per_call():
    calls = []
    _branching().summary(print_fn=lambda *args, **kwargs: calls.append((args, kwargs)))
    assert all(len(args) == 1 and not kwargs for args, kwargs in calls)
    lines = [args[0] for args, _ in calls]
    assert all(isinstance(line, str) and "\n" not in line for line in lines)
    assert lines[0] == 'Model: "branching"' and len(lines) == BRANCHING.count("\n") + 1


def test_long_cells_wrap_within_their_column():
    model = Sequential([Input(shape=(5,)),
                        Dense(3, name="a_really_long_layer_name_that_cannot_fit_in_its_column")])
    lines = [line.rstrip() for line in _lines(model)]
    assert lines[4:8] == [" a_really_long_layer_name_t  (None, 3)                 18",
                          " hat_cannot_fit_in_its_colu",
                          " mn (Dense)",
                          ""]
    lines = [line.rstrip() for line in _lines(_mlp(), line_length=40)]
    assert lines[2:4] == [" Layer (type)     Output Shape    Param",
                          "                                  #"]


def test_thousands_separators_and_dtype_sizes():
    model = Sequential([Input(shape=(64,)), Dense(64), Dense(10, dtype="float16")])
    lines = _lines(model)
    assert "Total params: 4,810 (17.52 KB)" in lines  # 4,160 float32 + 650 float16
    assert "Trainable params: 4,810 (17.52 KB)" in lines
    big = Sequential([Input(shape=(1024,)), Dense(1024)])
    assert "Total params: 1,049,600 (4.00 MB)" in _lines(big)


def test_non_trainable_counts_after_freezing_a_layer():
    model = _mlp()
    model.layers[0].trainable = False
    lines = _lines(model)
    assert "Total params: 342 (1.34 KB)" in lines
    assert "Trainable params: 132 (528.00 Byte)" in lines
    assert "Non-trainable params: 210 (840.00 Byte)" in lines
    lines = _lines(model, show_trainable=True)
    assert [line.rstrip()[-1] for line in lines[4:9:2]] == ["N", "Y", "Y"]


def test_show_trainable_adds_a_column():
    model = _branching()
    model.get_layer("left").trainable = False
    lines = _lines(model, show_trainable=True)
    assert len(lines[1]) == 98 + 11
    assert lines[2].index("Trainable") == 98 and lines[2].rstrip().endswith("Trainable")
    flags = {line.split()[0]: line.rstrip()[-1] for line in lines[4:] if "(" in line[:30]
             and line.startswith(" ") and line[1] != " "}
    assert flags == {"input_1": "Y", "left": "N", "right": "Y", "add": "Y", "out_a": "Y",
                     "out_b": "Y"}


def test_nested_model_is_one_row_or_expanded():
    inner = _mlp()
    inputs = Input(shape=(20,))
    outer = Model(inputs, Dense(1, name="head")(inner(inputs)), name="outer")
    lines = [line.rstrip() for line in _lines(outer)]
    assert " sequential (Sequential)     (None, 2)                 342" in lines
    assert not any("dense_1" in line for line in lines)
    assert "Total params: 345 (1.35 KB)" in lines

    lines = _lines(outer, expand_nested=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(" sequential"))
    bar = "\u00af"
    assert lines[start + 1] == "|" + bar * 63 + "|"
    assert [line.rstrip() for line in lines[start + 2:start + 8]] == [
        "| dense (Dense)              (None, 10)                210      |",
        "|                                                               |",
        "| dense_1 (Dense)            (None, 10)                110      |",
        "|                                                               |",
        "| dense_2 (Dense)            (None, 2)                 22       |",
        bar * 65,
    ]
    assert all(len(line) == 65 for line in lines[start:start + 9])
    assert lines[start + 9].startswith(" head (Dense)")
    assert "Total params: 345 (1.35 KB)" in lines


def test_expanded_functional_inside_sequential_keeps_its_connections_out():
    outer = Sequential([Input(shape=(20,)), _branching()], name="outer")
    lines = _lines(outer, expand_nested=True)
    assert lines[4].rstrip() == " branching (Model)           [(None, 2),               475"
    assert lines[5].rstrip() == "                              (None, 3)]"
    assert lines[7].rstrip() == "| input_2 (InputLayer)       [(None, 20)]              0        |"
    assert sum(line.startswith("| ") and line[2] != " " for line in lines) == 6
    assert not any("[0][0]" in line for line in lines)
    assert "Total params: 475 (1.86 KB)" in lines


def test_two_levels_of_nesting():
    inner = _mlp()
    middle_in = Input(shape=(20,))
    middle = Model(middle_in, inner(middle_in), name="middle")
    outer = Sequential([Input(shape=(20,)), middle], name="outer")
    lines = _lines(outer, expand_nested=True)
    assert all(len(line) == 65 for line in lines[1:-4] if not line.startswith("Total"))
    assert any(line.startswith("|| dense_1 (Dense)") and line.endswith("||") for line in lines)
    assert lines.count("||" + "\u00af" * 61 + "||") == 1  # opens the second level
    assert lines.count("|" + "\u00af" * 63 + "|") == 2  # opens the first, closes the second
    assert lines.count("\u00af" * 65) == 1


def test_weights_shared_by_two_layers_count_once():
    class Tied(Layer):
        """Uses the transposed kernel of another Dense."""

        def __init__(self, source, **kwargs):
            super().__init__(**kwargs)
            self.source = source

        def call(self, inputs):
            from nerve import backend as K

            return K.dot(inputs, K.transpose(self.source.kernel))

    inputs = Input(shape=(6,))
    encoder = Dense(3, use_bias=False, name="encoder")
    decoder = Tied(encoder, name="decoder")
    model = Model(inputs, decoder(encoder(inputs)))
    lines = [line.rstrip() for line in _lines(model)]
    assert any(line.startswith(" decoder (Tied)") and line.endswith(" 18") for line in lines)
    assert "Total params: 18 (72.00 Byte)" in lines


def test_unbuilt_sequential_prints_its_message():
    lines = []
    model = Sequential([Dense(3)], name="later")
    model.summary(print_fn=lines.append)
    assert len(lines) == 1 and lines[0].startswith('Model: "later" has not been built yet')
    print_summary(model, print_fn=lines.append)
    assert len(lines) == 2 and "has not been built yet" in lines[1]
