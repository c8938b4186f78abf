"""The examples run as tests: the cheat sheet's backend loop learns digits."""

import importlib.util
import pathlib

import numpy as np

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cheatsheet_backend_loss_falls(capsys):
    history = _load("cheatsheet_backend").main(steps=30, verbose=True)
    assert len(history) == 30
    assert np.all(np.diff(history) < 0)  # gradient descent on a convex loss, small steps
    assert history[-1] < 0.5 * history[0]
    assert "epoch  29  loss" in capsys.readouterr().out
