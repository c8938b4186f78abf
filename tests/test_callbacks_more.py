"""The Keras 2 callbacks beyond stopping and saving, with scripted sequences: learning-rate
callbacks on a fake optimizer, CSV files to the byte, NaN termination in a real fit."""

import os

import numpy as np
import pytest

import nerve
from nerve import backend as K
from nerve.callbacks import (
    BaseLogger,
    Callback,
    CallbackList,
    CSVLogger,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from nerve.layers import Dense
from nerve.models import Sequential


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = K.variable(learning_rate)


class FakeModel:
    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)


def _rate(model):
    return float(K.get_value(model.optimizer.learning_rate))


def _run(callback, values, monitor="val_loss", model=None):
    """Feeds `values` as epochs 0, 1, …; returns the logs and the rate after each epoch."""
    model = model or FakeModel()
    callbacks = CallbackList([callback], model=model, epochs=len(values))
    callbacks.on_train_begin()
    all_logs, rates = [], []
    for epoch, value in enumerate(values):
        callbacks.on_epoch_begin(epoch)
        logs = {monitor: value}
        callbacks.on_epoch_end(epoch, logs)
        all_logs.append(logs)
        rates.append(_rate(model))
        if model.stop_training:
            break
    callbacks.on_train_end()
    return all_logs, rates


# ReduceLROnPlateau.

def test_reduce_lr_patience_cooldown_and_min_lr(capsys):
    reducer = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2, min_lr=0.02, verbose=1)
    values = [1.0, 0.9] + [0.95] * 11
    logs, rates = _run(reducer, values, model=FakeModel(0.1))
    # Reduced after epochs 3, 6, 9 (0-based), each time `patience` epochs after the
    # cooldown ended; the third reduction stops at min_lr, after which nothing changes.
    assert rates == pytest.approx([0.1] * 3 + [0.05] * 3 + [0.025] * 3 + [0.02] * 4)
    assert [log["lr"] for log in logs] == [0.1] * 4 + [0.05] * 3 + [0.025] * 3 + [0.02] * 3
    assert reducer.best == 0.9 and reducer.wait == 2 and reducer.cooldown_counter == 0
    out = capsys.readouterr().out
    assert out == ("\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.05.\n"
                   "\nEpoch 7: ReduceLROnPlateau reducing learning rate to 0.025.\n"
                   "\nEpoch 10: ReduceLROnPlateau reducing learning rate to 0.02.\n")


def test_reduce_lr_message_improvement_in_cooldown_and_nan(capsys):
    reducer = ReduceLROnPlateau(monitor="loss", patience=4, verbose=1)
    _, rates = _run(reducer, [1.0] * 5, monitor="loss", model=FakeModel(0.001))
    assert "Epoch 5: ReduceLROnPlateau reducing learning rate to 0.0001." in capsys.readouterr().out
    assert rates[-1] == pytest.approx(1e-4)
    # An improvement resets the wait; NaN and inf never improve; min_delta is strict.
    reducer = ReduceLROnPlateau(patience=2, cooldown=1, min_delta=0.1)
    _, rates = _run(reducer, [1.0, float("nan"), 0.95, 0.85, float("inf"), 0.7])
    assert rates == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.01, 0.01])
    assert reducer.best == 0.7


def test_reduce_lr_max_mode_epsilon_alias_and_reset():
    reducer = ReduceLROnPlateau(monitor="val_acc", patience=1, epsilon=0.05)
    assert reducer.mode == "max" and reducer.min_delta == 0.05
    model = FakeModel()
    _, rates = _run(reducer, [0.5, 0.54, 0.7], monitor="val_acc", model=model)
    assert rates == pytest.approx([0.1, 0.01, 0.01])
    _, rates = _run(reducer, [0.1, 0.12], monitor="val_acc", model=model)  # a fresh best
    assert reducer.best == 0.1 and rates == pytest.approx([0.01, 0.001])


def test_reduce_lr_missing_monitor_warns_once_and_changes_nothing():
    reducer = ReduceLROnPlateau(patience=0)
    model = FakeModel()
    with pytest.warns(RuntimeWarning, match=r"ReduceLROnPlateau is monitoring 'val_loss', "
                                            r"which is not in the logs. Available keys: "
                                            r"\['loss', 'lr'\]") as record:
        callbacks = CallbackList([reducer], model=model)
        callbacks.on_train_begin()
        for epoch in range(3):
            logs = {"loss": 1.0}
            callbacks.on_epoch_end(epoch, logs)
    assert len(record) == 1 and _rate(model) == pytest.approx(0.1)
    assert logs == {"loss": 1.0, "lr": 0.1}


def test_reduce_lr_argument_errors():
    with pytest.raises(ValueError, match=r"does not support a factor >= 1.0 .* factor=1.5"):
        ReduceLROnPlateau(factor=1.5)
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\): \['patiance'\]"):
        ReduceLROnPlateau(patiance=3)
    reducer = ReduceLROnPlateau()
    model = FakeModel()
    model.optimizer = object()
    reducer.set_model(model)
    with pytest.raises(ValueError, match="optimizer has a `learning_rate`"):
        reducer.on_epoch_end(0, {"val_loss": 1.0})


def test_reduce_lr_in_a_real_fit_logs_the_rate():
    model = _tiny_model(nerve.optimizers.SGD(learning_rate=0.5))
    x = np.ones((8, 2), "float32")
    history = model.fit(x, x[:, :1], epochs=3, batch_size=8, verbose=0,
                        callbacks=[ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                                     min_delta=10.0)])
    assert history.history["lr"] == [0.5, 0.5, 0.25]  # the rate each epoch ran with
    assert float(K.get_value(model.optimizer.learning_rate)) == 0.125


# LearningRateScheduler.

def test_scheduler_with_the_epoch_only(capsys):
    scheduler = LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1), verbose=1)
    logs, rates = _run(scheduler, [1.0] * 3)
    assert rates == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert [log["lr"] for log in logs] == [0.1, 0.05, 0.033333335]
    out = capsys.readouterr().out
    assert "\nEpoch 2: LearningRateScheduler setting learning rate to 0.05.\n" in out


def test_scheduler_with_the_epoch_and_the_rate():
    seen = []

    def schedule(epoch, lr):
        seen.append((epoch, lr))
        return lr if epoch < 2 else np.float32(lr * 0.5)

    logs, rates = _run(LearningRateScheduler(schedule), [1.0] * 4, model=FakeModel(0.2))
    assert seen == [(0, 0.2), (1, 0.2), (2, 0.2), (3, 0.1)]
    assert rates == pytest.approx([0.2, 0.2, 0.1, 0.05])
    assert [log["lr"] for log in logs] == [0.2, 0.2, 0.1, 0.05]

    class Halving:  # a callable object with an optional second argument gets the rate
        def __call__(self, epoch, lr=None):
            return lr / 2

    _, rates = _run(LearningRateScheduler(Halving()), [1.0] * 2, model=FakeModel(0.2))
    assert rates == pytest.approx([0.1, 0.05])


def test_scheduler_errors():
    with pytest.raises(ValueError, match=r'output of the "schedule" function should be a float'
                                         r"\. Received: 1 \(of type int\) for epoch 0"):
        _run(LearningRateScheduler(lambda epoch: 1), [1.0])

    def broken(epoch, lr):
        raise TypeError("a bug inside the schedule")

    with pytest.raises(TypeError, match="a bug inside the schedule"):  # not retried with one
        _run(LearningRateScheduler(broken), [1.0])
    with pytest.raises(TypeError, match="`schedule` must be a function"):
        LearningRateScheduler(0.1)
    model = FakeModel()
    model.optimizer = nerve.optimizers.SGD(
        learning_rate=nerve.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="created with a learning-rate schedule"):
        _run(LearningRateScheduler(lambda epoch: 0.1), [1.0], model=model)


def test_scheduler_in_a_real_fit_sets_the_rate_used():
    model = _tiny_model(nerve.optimizers.SGD(learning_rate=0.1))
    x = np.ones((8, 2), "float32")
    before = model.get_weights()
    model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch: 0.0)])
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


# CSVLogger.

def _log_epochs(logger, rows, model=None):
    model = model or FakeModel()
    callbacks = CallbackList([logger], model=model)
    callbacks.on_train_begin()
    for epoch, logs in rows:
        callbacks.on_epoch_end(epoch, dict(logs))
    callbacks.on_train_end()


def _read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def test_csv_logger_writes_a_header_and_a_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    model = FakeModel()
    callbacks = CallbackList([logger], model=model)
    callbacks.on_train_begin()
    assert _read(path) == ""
    callbacks.on_epoch_end(0, {"val_loss": 0.25, "loss": 0.5, "acc": 0.75})
    assert _read(path) == "epoch,acc,loss,val_loss\n0,0.75,0.5,0.25\n"  # flushed at once
    callbacks.on_epoch_end(1, {"loss": 0.125, "acc": np.float32(1.0), "extra": 3.0})
    callbacks.on_train_end()
    assert _read(path) == "epoch,acc,loss,val_loss\n0,0.75,0.5,0.25\n1,1.0,0.125,NA\n"
    assert logger.keys == ["acc", "loss", "val_loss"] and logger.sep == ","


def test_csv_logger_adds_val_columns_when_the_first_epoch_has_none(tmp_path):
    path = tmp_path / "log.csv"
    _log_epochs(CSVLogger(str(path), separator=";"),
                [(0, {"loss": 0.5}), (1, {"loss": 0.25, "val_loss": 0.5})])
    assert _read(path) == "epoch;loss;val_loss\n0;0.5;NA\n1;0.25;0.5\n"


def test_csv_logger_overwrites_without_append(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("old contents\n")
    logger = CSVLogger(path)
    _log_epochs(logger, [(0, {"loss": 1.0, "val_loss": 2.0})])
    _log_epochs(logger, [(0, {"loss": 3.0, "val_loss": 4.0})])  # a second fit starts over
    assert _read(path) == "epoch,loss,val_loss\n0,3.0,4.0\n"


def test_csv_logger_appends_under_one_header(tmp_path):
    path = tmp_path / "sub" / "log.csv"
    _log_epochs(CSVLogger(path, append=True), [(0, {"loss": 1.0, "val_loss": 2.0})])
    logger = CSVLogger(path, append=True)
    _log_epochs(logger, [(1, {"val_loss": 1.5, "loss": 0.5, "lr": 0.1})])
    _log_epochs(logger, [(2, {"loss": 0.25})])
    assert not logger.append_header
    assert _read(path) == "epoch,loss,val_loss\n0,1.0,2.0\n1,0.5,1.5\n2,0.25,NA\n"


def test_csv_logger_append_cuts_a_torn_last_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss\n0,1.0\n1,0.")  # a crash in the middle of a row
    _log_epochs(CSVLogger(path, append=True), [(1, {"loss": 0.5})])
    assert _read(path) == "epoch,loss\n0,1.0\n1,0.5\n"
    path.write_text("epo")  # a crash in the middle of the header: start afresh
    _log_epochs(CSVLogger(path, append=True), [(0, {"loss": 0.5, "val_loss": 1.0})])
    assert _read(path) == "epoch,loss,val_loss\n0,0.5,1.0\n"


def test_csv_logger_quotes_lists_and_rejects_bad_arguments(tmp_path):
    path = tmp_path / "log.csv"
    _log_epochs(CSVLogger(path), [(0, {"loss": 1.0, "val_loss": np.array([1, 2])})])
    assert _read(path) == 'epoch,loss,val_loss\n0,1.0,"[1, 2]"\n'
    with pytest.raises(ValueError, match=r"separator must be one character.*separator='::'"):
        CSVLogger(path, separator="::")
    with pytest.raises(ValueError, match="is a folder; give a file name inside it"):
        CSVLogger(tmp_path)


# TerminateOnNaN and LambdaCallback.

def _tiny_model(optimizer="sgd"):
    nerve.utils.set_random_seed(0)
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer, "mse")
    return model


def test_terminate_on_nan_stops_a_real_fit(tmp_path, capsys):
    model = _tiny_model()
    x = np.ones((32, 2), "float32")
    y = np.zeros((32, 1), "float32")
    y[13] = np.inf  # in batch 3 of 4-sample batches
    events = []
    watcher = LambdaCallback(
        on_batch_end=lambda batch, logs: events.append(("batch", batch)),
        on_epoch_end=lambda epoch, logs: events.append(("epoch", epoch)),
        on_train_end=lambda logs: events.append(("train_end", model.stop_training)))
    path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=5, batch_size=4, shuffle=False, verbose=0,
                        callbacks=[TerminateOnNaN(), watcher, CSVLogger(path)])
    assert capsys.readouterr().out == "Batch 3: Invalid loss, terminating training\n"
    assert events == [("batch", 0), ("batch", 1), ("batch", 2), ("batch", 3), ("epoch", 0),
                      ("train_end", True)]
    assert history.epoch == [0] and not np.isfinite(history.history["loss"][0])
    assert _read(path).splitlines()[1].startswith("0,")


def test_terminate_on_nan_ignores_finite_losses_and_no_loss():
    model = FakeModel()
    callbacks = CallbackList([TerminateOnNaN()], model=model)
    assert callbacks.needs_batches()
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_train_batch_end(1, {"acc": float("nan")})
    assert not model.stop_training
    callbacks.on_train_batch_end(2, {"loss": float("-inf")})
    assert model.stop_training


def test_lambda_callback_calls_each_hook():
    calls = []

    def recorder(name):
        return lambda *args: calls.append((name,) + args)

    hooks = {name: recorder(name) for name in ("on_epoch_begin", "on_epoch_end",
                                               "on_batch_begin", "on_batch_end",
                                               "on_train_begin", "on_train_end")}
    callback = LambdaCallback(**hooks, on_test_end=lambda logs: calls.append(("test", logs)))
    callbacks = CallbackList([callback], model=FakeModel())
    assert callbacks.needs_batches()
    callbacks.on_train_begin({"a": 1})
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_epoch_end(0, {"loss": 1.0})
    callbacks.on_train_end()
    callbacks.on_test_end({"loss": 2.0})
    assert calls == [("on_train_begin", {"a": 1}), ("on_epoch_begin", 0, None),
                     ("on_batch_begin", 0, None), ("on_batch_end", 0, {"loss": 1.0}),
                     ("on_epoch_end", 0, {"loss": 1.0}), ("on_train_end", None),
                     ("test", {"loss": 2.0})]
    assert not CallbackList([LambdaCallback(on_epoch_end=print)]).needs_batches()
    with pytest.raises(TypeError, match="`on_epoch_end` must be a function"):
        LambdaCallback(on_epoch_end="print")


def test_lambda_callback_in_a_real_fit_sees_every_batch():
    model = _tiny_model()
    x = np.ones((10, 2), "float32")
    batches = []
    model.fit(x, x[:, :1], epochs=2, batch_size=4, verbose=0,
              callbacks=[LambdaCallback(on_batch_end=lambda b, logs: batches.append(b))])
    assert batches == [0, 1, 2, 0, 1, 2]


# The protocol and the loggers.

def test_base_logger_passes_logs_through_without_batch_hooks():
    logger = BaseLogger(stateful_metrics=["acc"])
    callbacks = CallbackList([logger, History()], model=FakeModel())
    assert not callbacks.needs_batches() and logger.stateful_metrics == {"acc"}
    logs = {"loss": 0.5}
    callbacks.on_epoch_begin(0)
    callbacks.on_epoch_end(0, logs)
    assert logs == {"loss": 0.5}


def test_progbar_is_added_last_and_shows_the_rate(capsys):
    model = _tiny_model(nerve.optimizers.SGD(learning_rate=0.5))
    callbacks = CallbackList([LearningRateScheduler(lambda epoch: 0.25)], add_progbar=True)
    assert isinstance(callbacks.callbacks[-1], ProgbarLogger)
    x = np.ones((8, 2), "float32")
    model.fit(x, x[:, :1], epochs=1, batch_size=8, verbose=1,
              callbacks=[LearningRateScheduler(lambda epoch: 0.25)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/1" and lines[1].endswith(" - lr: 0.2500")


def test_callback_list_helpers():
    model = FakeModel()
    first, second = Callback(), Callback()
    callbacks = CallbackList([first], model=model, epochs=3)
    callbacks.append(second)
    assert list(callbacks) == [first, second]
    assert second.model is model and second.params == {"epochs": 3}
    callbacks.set_params({"epochs": 4})
    assert first.params == {"epochs": 4}
    with pytest.raises(AttributeError, match="on_nothing"):
        callbacks.on_nothing  # noqa: B018


def test_old_import_paths_still_work():
    import nerve.callbacks as callbacks

    for name in ("Callback", "CallbackList", "History", "BaseLogger", "ProgbarLogger",
                 "EarlyStopping", "ModelCheckpoint", "CSVLogger", "ReduceLROnPlateau",
                 "LearningRateScheduler", "TerminateOnNaN", "LambdaCallback"):
        assert getattr(callbacks, name).__module__.startswith("nerve.callbacks.")
    assert os.path.isdir(os.path.dirname(callbacks.__file__))


def test_only_batch_hungry_callbacks_make_fit_run_step_by_step(tmp_path):
    path = str(tmp_path / "m.h5")
    assert not CallbackList([ModelCheckpoint(path), CSVLogger(path + ".csv"),
                             ReduceLROnPlateau(), LearningRateScheduler(lambda e: 0.1),
                             BaseLogger(), History(), ProgbarLogger()]).needs_batches()
    assert CallbackList([ModelCheckpoint(path, save_freq=2)]).needs_batches()

    class Custom(Callback):
        def on_batch_end(self, batch, logs=None):
            pass

    assert CallbackList([Custom()]).needs_batches()


def test_checkpoint_every_n_batches_counts_across_epochs(tmp_path):
    class Saving:
        stop_training = False

        def __init__(self):
            self.saved = []

        def save(self, path):
            self.saved.append(path)

    model = Saving()
    checkpoint = ModelCheckpoint(str(tmp_path / "m-{epoch}.h5"), save_freq=3)
    callbacks = CallbackList([checkpoint], model=model)
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        for batch in range(2):
            callbacks.on_train_batch_end(batch, {"loss": 1.0})
        callbacks.on_epoch_end(epoch, {"loss": 1.0})
    assert model.saved == [str(tmp_path / "m-2.h5")]
