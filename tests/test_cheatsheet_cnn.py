"""The cheat sheet's section 6 example: a digits CNN and a WaveNet stack learn, and their
summaries show the receptive fields."""

import importlib.util
import pathlib

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(out, name):
    (line,) = [line for line in out.splitlines() if line.startswith(f" {name} ")]
    return line.split()


def test_digits_cnn_summary_and_training(capsys):
    model, history = _load("cheatsheet_cnn").digits(epochs=4)
    out = capsys.readouterr().out
    header = [line for line in out.splitlines() if line.startswith(" Layer (type)")][0]
    assert header.rstrip().endswith("Param #   Receptive field")
    fields = {layer.name: _row(out, layer.name)[-1] for layer in model.layers[:4]}
    assert list(fields.values()) == ["3x3", "4x4", "8x8", "10x10"]
    assert _row(out, "flatten")[-1] == "0"  # no receptive field after Flatten: blank
    loss, val_loss = history.history["loss"], history.history["val_loss"]
    assert loss[-1] < 0.3 * loss[0] and val_loss[-1] < 0.5 * val_loss[0]
    assert history.history["val_accuracy"][-1] > 0.9


def test_wavenet_stack_sees_256_steps_and_learns_the_delay(capsys):
    model, history = _load("cheatsheet_cnn").wavenet(epochs=8, delay=100)
    out = capsys.readouterr().out
    assert [_row(out, f"causal_{2 ** i}")[-1] for i in range(8)] == [
        "2", "4", "8", "16", "32", "64", "128", "256"]
    assert _row(out, "output")[-1] == "256"
    assert "Output t sees inputs t - 255 to t, so input t - 100 is in reach." in out
    loss = history.history["loss"]
    assert loss[-1] < loss[len(loss) // 2] < loss[0]
    assert loss[-1] < 0.25 * loss[0]  # the variance of the target is about loss[0]
