"""The training engine: fit/evaluate/predict, compile counts, a hand-written reference."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import nerve
from nerve import backend as K
from nerve.compile import compile_count
from nerve.layers import Dense, Dropout, Input
from nerve.models import Model, Sequential

RNG = np.random.default_rng(0)
X = RNG.normal(size=(50, 5)).astype("float32")
LABELS = (X[:, 0] + X[:, 1] > 0).astype("int32")
Y = np.eye(2, dtype="float32")[LABELS]


def _model(seed=0, metrics=("acc",), optimizer="sgd"):
    nerve.utils.set_random_seed(seed)
    model = Sequential([Dense(8, activation="tanh", input_shape=(5,)),
                        Dense(2, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=list(metrics))
    return model


def test_fit_learns_and_names_history_keys_as_given():
    model = _model(optimizer=nerve.optimizers.Adam(0.05))
    history = model.fit(X, Y, epochs=15, batch_size=16, validation_data=(X, Y), verbose=0)
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["acc"][-1] > 0.9
    assert model.metrics_names == ["loss", "acc"]


def test_programs_are_compiled_once_for_all_epochs():
    model = _model()
    model.fit(X, Y, epochs=3, batch_size=16, validation_data=(X[:7], Y[:7]), verbose=0)
    train = model._function("train", [Y])
    test = model._function("test", [Y])
    # Training: the three full batches scanned, then one step per call (measured by the
    # step planner), and the ragged 2-sample batch at its own size. Validation: one
    # padded and masked program.
    assert train.compile_count == 3 and test.compile_count == 1
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    assert train.compile_count == 3
    model.fit(X[:48], Y[:48], epochs=2, batch_size=16, verbose=0)  # no ragged batch
    assert train.compile_count == 4  # three steps per epoch instead of two


def test_fit_matches_a_hand_written_optax_loop():
    model = _model(metrics=(), optimizer=nerve.optimizers.SGD(learning_rate=0.1))
    params = [jnp.asarray(w) for w in model.get_weights()]

    def loss_fn(params, x, y):
        h = jnp.tanh(x @ params[0] + params[1])
        p = jax.nn.softmax(h @ params[2] + params[3])
        p = jnp.clip(p, 1e-7, 1 - 1e-7)
        return jnp.mean(-jnp.sum(y * jnp.log(p), axis=-1))

    opt = optax.sgd(0.1)
    state = opt.init(params)
    for start in range(0, len(X), 16):  # the last batch holds 2 samples
        grads = jax.grad(loss_fn)(params, X[start:start + 16], Y[start:start + 16])
        updates, state = opt.update(grads, state, params)
        params = optax.apply_updates(params, updates)
    model.fit(X, Y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_predict_evaluate_and_batches():
    model = _model()
    expected = model(X)
    out = model.predict(X, batch_size=16)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert model.predict(X[:3]).shape == (3, 2)
    loss, acc = model.evaluate(X, Y, verbose=0)
    p = np.clip(expected, 1e-7, 1 - 1e-7)
    np.testing.assert_allclose(loss, np.mean(-np.sum(Y * np.log(p), axis=1)), rtol=1e-5)
    np.testing.assert_allclose(acc, np.mean(expected.argmax(1) == LABELS), rtol=1e-6)
    no_metrics = _model(metrics=())
    assert isinstance(no_metrics.evaluate(X, Y, verbose=0), float)
    assert set(model.evaluate(X, Y, return_dict=True)) == {"loss", "acc"}


def test_on_batch_methods():
    model = _model()
    before = model.get_weights()
    loss, acc = model.train_on_batch(X[:10], Y[:10])
    assert not np.allclose(before[0], model.get_weights()[0])
    assert np.isfinite(loss) and 0 <= acc <= 1
    test_loss, _ = model.test_on_batch(X[:10], Y[:10])
    assert test_loss < loss + 1.0
    np.testing.assert_allclose(model.predict_on_batch(X[:4]), model(X[:4]), rtol=1e-5, atol=1e-6)


def test_sample_weights_and_validation_split():
    model = _model(metrics=())
    weights = np.zeros(len(X), dtype="float32")
    before = model.get_weights()
    model.fit(X, Y, sample_weight=weights, epochs=1, verbose=0)
    for b, a in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # zero weights: zero gradients
    history = model.fit(X, Y, validation_split=0.2, epochs=1, verbose=0)
    assert "val_loss" in history.history


def test_learning_rate_change_takes_effect_without_recompiling():
    model = _model(metrics=(), optimizer=nerve.optimizers.SGD(learning_rate=0.1))
    model.fit(X, Y, epochs=1, batch_size=25, verbose=0)
    K.set_value(model.optimizer.learning_rate, 0.0)
    frozen = model.get_weights()
    model.fit(X, Y, epochs=1, batch_size=25, verbose=0)
    for a, b in zip(frozen, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model._function("train", [Y]).compile_count == 1


def test_dropout_model_predict_is_deterministic():
    nerve.utils.set_random_seed(1)
    model = Sequential([Dense(16, input_shape=(5,)), Dropout(0.5), Dense(2)])
    model.compile("sgd", "mse")
    np.testing.assert_array_equal(model.predict(X), model.predict(X))


def test_progress_output_without_a_terminal(capsys):
    model = _model()
    model.fit(X, Y, epochs=2, batch_size=25, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("2/2 [==============================] - ")
    assert " - loss: " in lines[1] and " - acc: " in lines[1] and "\r" not in lines[1]


def _two_io():
    a, b = Input(shape=(3,), name="a"), Input(shape=(2,), name="b")
    merged = nerve.layers.concatenate([a, b])
    out1 = Dense(1, name="out1")(merged)
    out2 = Dense(2, activation="softmax", name="out2")(merged)
    model = Model([a, b], [out1, out2])
    model.compile("sgd", loss={"out1": "mse", "out2": "categorical_crossentropy"},
                  loss_weights=[1.0, 0.5], metrics={"out2": ["accuracy"]})
    return model


def test_several_inputs_and_outputs():
    model = _two_io()
    xa, xb = X[:, :3], X[:, 3:]
    history = model.fit({"a": xa, "b": xb}, [X[:, :1], Y], epochs=2, verbose=0)
    assert list(history.history) == ["loss", "out1_loss", "out2_loss", "out2_accuracy"]
    h = history.history
    np.testing.assert_allclose(h["loss"][0], h["out1_loss"][0] + 0.5 * h["out2_loss"][0],
                               rtol=1e-4)
    out1, out2 = model.predict([xa, xb])
    assert out1.shape == (50, 1) and out2.shape == (50, 2)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda m: m.fit(X[:, :4], Y, verbose=0), ValueError,
         r"expected .* to have shape \(None, 5\) but got array with shape \(50, 4\)"),
        (lambda m: m.fit(X, Y[:40], verbose=0), ValueError,
         r"different numbers of samples \(x: \[50\], y: \[40\], sample_weight: \[40\]\)"),
        (lambda m: m.fit(X, Y, validation_data=(X,), verbose=0), ValueError,
         r"`validation_data` must be a tuple \(x_val, y_val\)"),
        (lambda m: m.fit(X, LABELS, verbose=0), ValueError,
         r"expects one-hot targets of shape \(n, 2\).*to_categorical"),
        (lambda m: m.fit(X[:0], Y[:0], verbose=0), ValueError, r"`x` is empty"),
        (lambda m: m.fit(np.array([["a"] * 5]), Y[:1], verbose=0), TypeError,
         r"`x` holds an array of dtype <U1"),
        (lambda m: m.fit([X, X], Y, verbose=0), ValueError,
         r"expects 1 array\(s\) in `x` .*but received 2"),
        (lambda m: m.fit(X, Y, validation_split=1.5, verbose=0), ValueError,
         r"`validation_split` must be a float in \(0, 1\)"),
        (lambda m: m.fit(X, Y, epochz=3), TypeError, r"Invalid keyword argument\(s\) to `fit`"),
    ],
)
def test_bad_input_is_refused_before_tracing(call, error, message):
    model = _model()
    before = compile_count()
    with pytest.raises(error, match=message):
        call(model)
    assert compile_count() == before  # refused before anything was traced


def test_sparse_labels_out_of_range_and_uncompiled_model():
    model = Sequential([Dense(2, input_shape=(5,), activation="softmax")])
    with pytest.raises(RuntimeError, match="You must compile the model before calling `fit`"):
        model.fit(X, LABELS)
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"integer labels in \[0, 1\], but the targets range "
                                         r"from 0 to 2"):
        model.fit(X, np.array([0, 2] * 25), verbose=0)
    with pytest.raises(ValueError, match=r"from -1 to 1"):
        model.fit(X, np.array([-1, 1] * 25), verbose=0)
    with pytest.raises(ValueError, match="`compile` needs a `loss`"):
        model.compile("sgd")
    with pytest.raises(ValueError, match=r"`loss` has 2 entries but the model has 1 output"):
        model.compile("sgd", loss=["mse", "mse"])
    with pytest.raises(ValueError, match=r"Unknown output name\(s\) \['nope'\] in `loss`"):
        model.compile("sgd", loss={"nope": "mse"})


def test_predict_from_eight_threads_matches_one_thread():
    from concurrent.futures import ThreadPoolExecutor

    nerve.utils.set_random_seed(2)
    model = Sequential([Dense(16, input_shape=(5,)), Dropout(0.3), Dense(2)])
    expected = model.predict(X, batch_size=8)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: model.predict(X, batch_size=8), range(16)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


class Batches(nerve.utils.Sequence):
    def __init__(self, size):
        self.size, self.epochs_ended = size, 0

    def __len__(self):
        return -(-len(X) // self.size)

    def __getitem__(self, i):
        return X[i * self.size:(i + 1) * self.size], Y[i * self.size:(i + 1) * self.size]

    def on_epoch_end(self):
        self.epochs_ended += 1


def _generator(size=16):
    while True:
        for start in range(0, len(X), size):
            yield X[start:start + size], Y[start:start + size]


def test_sequence_and_generator_train_like_arrays():
    reference = _model(metrics=())
    reference.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    for data, steps in [(Batches(16), None), (_generator(), 4)]:
        model = _model(metrics=())
        model.fit(data, steps_per_epoch=steps, epochs=2, verbose=0)
        for a, b in zip(model.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    sequence = Batches(16)
    model = _model(metrics=())
    model.fit_generator(sequence, epochs=3, verbose=0, validation_data=_generator(),
                        validation_steps=2)
    assert sequence.epochs_ended == 3
    # Full batches and the ragged last one, each compiled once for all three epochs.
    assert model._function("train", [Y[:16]]).compile_count == 2
    np.testing.assert_allclose(model.predict_generator(Batches(16)), model.predict(X),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.evaluate_generator(Batches(16)),
                               model.evaluate(X, Y, verbose=0), rtol=1e-5)


def test_stream_errors():
    model = _model()
    with pytest.raises(ValueError, match="yielded no batches"):
        model.fit(iter([]), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"must yield tuples \(x, y\)"):
        model.fit(iter([X]), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="leave `y`, `sample_weight` and `class_weight` as None"):
        model.fit(_generator(), Y, steps_per_epoch=1, verbose=0)


def test_class_weight_scales_the_loss():
    weighted = _model(metrics=())
    loss = weighted.evaluate(X, Y, verbose=0)
    history = weighted.fit(X, Y, class_weight={0: 0.0, 1: 0.0}, epochs=1, verbose=0)
    assert history.history["loss"][0] == 0.0
    np.testing.assert_allclose(weighted.evaluate(X, Y, verbose=0), loss, rtol=1e-6)


def test_one_dimensional_targets_and_loss_objects_with_sample_weights():
    nerve.utils.set_random_seed(3)
    model = Sequential([Dense(1, input_shape=(5,))])
    target = X[:, 0] * 2.0 + 1.0  # shape (n,) for an (n, 1) output
    weights = np.linspace(0.0, 2.0, len(X)).astype("float32")
    pred = model.predict(X)[:, 0]
    for loss in ["mse", nerve.losses.MeanSquaredError()]:
        model.compile("sgd", loss)
        np.testing.assert_allclose(model.evaluate(X, target, verbose=0),
                                   np.mean((pred - target) ** 2), rtol=1e-5)
        np.testing.assert_allclose(
            model.evaluate(X, target, sample_weight=weights, verbose=0),
            np.mean(weights * (pred - target) ** 2), rtol=1e-5)


class _Terminal:
    """A stream that says it is a terminal, keeping what is written."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_bar_on_a_terminal_updates_during_the_epoch():
    from nerve.callbacks import ProgbarLogger

    terminal = _Terminal()
    model = _model()
    model.fit(X, Y, epochs=1, batch_size=1, verbose=1, callbacks=[ProgbarLogger(stream=terminal)])
    updates = terminal.text.split("\r")
    assert len(updates) == 1 + 25 + 1  # the header, every 2 of 50 steps, the final line
    assert updates[1].startswith("2/50 [>") and " - ETA: " in updates[1]
    assert updates[-1].startswith("50/50 [==============================] - ")
    assert model._function("train", [Y]).compile_count == 1


def test_evaluate_and_predict_print_one_line_unless_silent(capsys):
    model = _model()
    model.evaluate(X, Y, batch_size=25)
    model.predict(X, batch_size=10)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2/2 [==============================] - ") and " - acc: " in lines[0]
    assert lines[1].startswith("5/5 [==============================] - ")
    model.evaluate(X, Y, verbose=0)
    model.predict(X, verbose=0)
    assert capsys.readouterr().out == ""


def test_fit_takes_arrays_already_on_the_device():
    numpy_model, device_model = _model(metrics=()), _model(metrics=())
    numpy_model.fit(X, Y, epochs=1, shuffle=False, verbose=0)
    device_model.fit(jnp.asarray(X), jnp.asarray(Y), epochs=1, shuffle=False, verbose=0,
                     validation_data=(jnp.asarray(X), jnp.asarray(Y)))
    for a, b in zip(numpy_model.get_weights(), device_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_the_ragged_last_batch_feeds_batch_statistics_real_samples_only():
    from nerve.layers import BatchNormalization

    data = np.random.default_rng(7).normal(size=(12, 2)).astype("float32") + [3.0, 4.0]
    model = Sequential([BatchNormalization(momentum=0.0, input_shape=(2,))])
    model.compile("sgd", "mse")
    model.fit(data, np.zeros((12, 2)), batch_size=8, shuffle=False, epochs=1, verbose=0)
    moving_mean = model.layers[0].get_weights()[2]
    np.testing.assert_allclose(moving_mean, data[8:].mean(0), rtol=1e-5)


def test_steps_per_call_are_chosen_by_measurement():
    model = _model(metrics=())
    model.fit(X, Y, epochs=4, batch_size=10, verbose=0)
    planner = model._step_planner
    record = planner.records[(10, 5)]
    assert record["runs"] == 3 and record["choice"] in ("scan", "step")
    assert record["choice"] == ("scan" if record["scan"] <= record["step"] else "step")
    # One scanned program and one single-step program, whatever is chosen.
    assert model._function("train", [Y]).compile_count == 2
    model.fit(X, Y, epochs=2, batch_size=10, verbose=0)
    assert model._function("train", [Y]).compile_count == 2 and record["runs"] == 3
