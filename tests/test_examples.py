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


def test_cheatsheet_fit_stops_early_and_keeps_the_best_model(tmp_path, capsys):
    from nerve.models import load_model

    path = tmp_path / "test.h5"
    history, (X_val, Y_val) = _load("cheatsheet_fit").main(path=str(path), verbose=True)
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert len(val_loss) < 50  # stopped early…
    assert len(val_loss) == best + 1 + 2  # …after `patience` epochs without improvement
    assert "early stopping" in capsys.readouterr().out
    probs = np.clip(load_model(str(path)).predict(X_val), 1e-7, 1 - 1e-7)
    saved_loss = np.mean(-np.sum(Y_val * np.log(probs), axis=1))
    np.testing.assert_allclose(saved_loss, val_loss[best], rtol=1e-5)
