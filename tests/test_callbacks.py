"""Callbacks with scripted monitor sequences: the exact stopping and saving semantics."""

import os

import numpy as np
import pytest

from nerve.callbacks import CallbackList, EarlyStopping, History, ModelCheckpoint


class FakeModel:
    """Just what callbacks touch: weights that change each epoch, and saving."""

    def __init__(self):
        self.stop_training = False
        self.epoch_weight = 0
        self.saved = []

    def get_weights(self):
        return [np.array(self.epoch_weight)]

    def set_weights(self, weights):
        self.epoch_weight = int(weights[0])

    def save(self, path):
        self.saved.append((path, self.epoch_weight))

    def save_weights(self, path):
        self.saved.append(("weights:" + path, self.epoch_weight))


def _run(callback, values, monitor="val_loss", model=None):
    """Feeds `values` as the monitored value of epochs 0, 1, …; returns epochs run."""
    model = model or FakeModel()
    callbacks = CallbackList([callback], model=model, epochs=len(values))
    callbacks.on_train_begin()
    run = 0
    for epoch, value in enumerate(values):
        model.epoch_weight = epoch
        callbacks.on_epoch_begin(epoch)
        callbacks.on_epoch_end(epoch, {monitor: value} if value is not None else {})
        run += 1
        if model.stop_training:
            break
    callbacks.on_train_end()
    return run, model


def test_early_stopping_patience_two():
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    run, _ = _run(stopper, [1, 0.9, 0.95, 0.96, 0.97])
    assert run == 4 and stopper.stopped_epoch == 3 and stopper.best == 0.9


def test_restore_best_weights_gives_the_best_epoch(capsys):
    stopper = EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    _, model = _run(stopper, [1, 0.9, 0.95, 0.96, 0.97])
    assert model.epoch_weight == 1
    out = capsys.readouterr().out
    assert "Restoring model weights from the end of the best epoch: 2." in out
    assert "Epoch 4: early stopping" in out


def test_restore_best_weights_at_the_end_without_a_stop():
    stopper = EarlyStopping(patience=5, restore_best_weights=True)
    _, model = _run(stopper, [1.0, 0.5, 0.7])
    assert stopper.stopped_epoch == 0 and model.epoch_weight == 1


def test_min_delta_improvement_is_strict_and_max_mode():
    stopper = EarlyStopping(monitor="val_loss", min_delta=0.1, patience=1)
    run, _ = _run(stopper, [1.0, 0.9, 0.85])  # 0.9 is not < 1.0 - 0.1
    assert run == 2
    accuracy = EarlyStopping(monitor="val_acc", patience=1)
    assert accuracy.mode == "max"
    run, _ = _run(accuracy, [0.5, 0.6, 0.55], monitor="val_acc")
    assert run == 3 and accuracy.best == 0.6


def test_baseline_must_be_beaten():
    stopper = EarlyStopping(monitor="val_loss", patience=2, baseline=0.5)
    run, _ = _run(stopper, [0.9, 0.8, 0.7, 0.6])
    assert run == 2  # never better than the baseline: stops after `patience` epochs


def test_nan_never_improves_and_state_resets_between_fits():
    stopper = EarlyStopping(patience=1)
    run, _ = _run(stopper, [float("nan"), float("nan"), 1.0])
    assert run == 2 and stopper.best == np.inf
    run, _ = _run(stopper, [1.0, 0.5, 0.4])
    assert run == 3 and stopper.stopped_epoch == 0


def test_missing_monitor_warns_once_and_never_stops():
    stopper = EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(RuntimeWarning, match=r"monitoring 'val_loss', which is not in the "
                                            r"logs. Available keys: \['loss'\]"):
        model = FakeModel()
        callbacks = CallbackList([stopper], model=model)
        callbacks.on_train_begin()
        for epoch in range(3):
            callbacks.on_epoch_end(epoch, {"loss": 1.0})
    assert not model.stop_training


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(RuntimeWarning, match="mode 'upward' is unknown; using 'auto'"):
        stopper = EarlyStopping(monitor="val_auc", mode="upward")
    assert stopper.mode == "max"


def test_checkpoint_saves_only_improvements(tmp_path, capsys):
    path = str(tmp_path / "test.h5")
    checkpoint = ModelCheckpoint(name=path, verbose=1, save_best_only=True)
    _, model = _run(checkpoint, [2.2168, 2.5, 1.0, float("inf")])
    assert model.saved == [(path, 0), (path, 2)]
    out = capsys.readouterr().out
    assert f"Epoch 1: val_loss improved from inf to 2.21680, saving model to {path}" in out
    assert "Epoch 2: val_loss did not improve from 2.21680" in out
    assert checkpoint.filepath == path and checkpoint.best == 1.0
    _, again = _run(checkpoint, [1.5, 0.5])  # the best persists across fits
    assert again.saved == [(path, 1)]


def test_checkpoint_templates_period_and_weights_only(tmp_path):
    template = str(tmp_path / "sub" / "w-{epoch:02d}-{val_loss:.2f}.h5")
    checkpoint = ModelCheckpoint(template, save_weights_only=True, period=2)
    _, model = _run(checkpoint, [0.5, 0.25, 0.125, 0.0625])
    assert [p for p, _ in model.saved] == [
        "weights:" + str(tmp_path / "sub" / "w-02-0.25.h5"),
        "weights:" + str(tmp_path / "sub" / "w-04-0.06.h5"),
    ]
    assert os.path.isdir(tmp_path / "sub")


def test_checkpoint_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="is a folder; give a file name inside it"):
        ModelCheckpoint(str(tmp_path))
    with pytest.raises(TypeError, match="ModelCheckpoint needs a `filepath`"):
        ModelCheckpoint()
    with pytest.raises(ValueError, match="as `filepath` or `name`, not both"):
        ModelCheckpoint("a.h5", name="b.h5")
    with pytest.raises(ValueError, match="`save_freq` must be 'epoch' or a positive integer"):
        ModelCheckpoint("a.h5", save_freq=0)


def test_history_records_each_epoch():
    history = History()
    callbacks = CallbackList([history], model=FakeModel())
    callbacks.on_train_begin()
    for epoch, loss in enumerate([3.0, 2.0]):
        callbacks.on_epoch_end(epoch, {"loss": loss})
    assert history.epoch == [0, 1] and history.history == {"loss": [3.0, 2.0]}
