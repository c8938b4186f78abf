"""Steady-state training speed of `model.fit`, beside hand-written JAX loops and other libraries.

    .venv/bin/python bench/fit.py [--quick] [--samples N]

W1: MLP 784-512-512-10 on N synthetic samples, batch 128: seconds per epoch (the second of
each run: the first waits for the data's copy to the device, which is asynchronous).
W3: digits MLP 64-32-10, batch 32, 30 epochs with validation data: seconds for the 30.
Adam and categorical cross-entropy on softmax outputs everywhere. Every column is compiled
and run once before it is timed; timed runs of the columns alternate.
"""

import argparse
import importlib.util
import os
import time
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np
import optax
from sklearn.datasets import load_digits

import nerve

TARGETS = {"W1": 1.1, "W3": 2.0}  # most nerve may take, as a multiple of the scanned loop


def workloads(samples):
    rs = np.random.default_rng(0)
    x = rs.normal(size=(samples, 784)).astype("float32")
    y = np.eye(10, dtype="float32")[rs.integers(0, 10, samples)]
    w1 = SimpleNamespace(name="W1", title="MLP 784-512-512-10, s/epoch", x=x, y=y,
                         sizes=[784, 512, 512, 10], batch=128, epochs=2, val=None)
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = np.eye(10, dtype="float32")[digits.target]
    train, val = np.split(rs.permutation(len(x)), [1437])
    w3 = SimpleNamespace(name="W3", title="digits 64-32-10, s/30 epochs", x=x[train],
                         y=y[train], sizes=[64, 32, 10], batch=32, epochs=30, val=(x[val], y[val]))
    return w1, w3


# Keras-API libraries: nerve, Keras 3 (JAX backend), tf-keras. One `fit` call per run.

def keras_runner(lib, w):
    acts = ["relu"] * (len(w.sizes) - 2) + ["softmax"]
    model = lib.models.Sequential([lib.Input(shape=(w.sizes[0],))] + [
        lib.layers.Dense(n, activation=a) for n, a in zip(w.sizes[1:], acts)])
    model.compile(lib.optimizers.Adam(learning_rate=1e-3), "categorical_crossentropy")

    def run(epochs):
        marks = []

        def mark(epoch, logs):
            marks.append(time.perf_counter())

        start = time.perf_counter()
        model.fit(w.x, w.y, batch_size=w.batch, epochs=epochs, verbose=0, shuffle=True,
                  validation_data=w.val,
                  callbacks=[lib.callbacks.LambdaCallback(on_epoch_begin=mark, on_epoch_end=mark)])
        return np.diff(marks)[::2], time.perf_counter() - start

    return run


def keras3():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    if not keras.__version__.startswith("3") or keras.backend.backend() != "jax":
        raise ImportError(f"keras {keras.__version__} on {keras.backend.backend()}: "
                          "not Keras 3 on JAX (set KERAS_BACKEND=jax)")
    return keras


# Hand-written JAX + optax: one jitted call per batch, or one per epoch (`lax.scan`).

def batches(n, batch, rng):
    """A shuffled epoch: sample indices (steps, batch), padded, and a 0/1 mask of real rows."""
    steps = -(-n // batch)
    rows, mask = np.zeros(steps * batch, np.int32), np.zeros(steps * batch, np.float32)
    rows[:n], mask[:n] = rng.permutation(n), 1.0
    return rows.reshape(steps, batch), mask.reshape(steps, batch)


def jax_runner(w, scan):
    rs = np.random.default_rng(1)
    params = [(rs.uniform(-1, 1, (a, b)).astype("float32") * np.sqrt(6 / (a + b)),
               np.zeros(b, np.float32)) for a, b in zip(w.sizes, w.sizes[1:])]
    opt = optax.adam(1e-3, eps=1e-7)
    state = (jax.device_put(params), opt.init(params))

    def loss_sum(params, x, y, mask):  # Keras's cross-entropy on clipped softmax outputs
        for i, (kernel, bias) in enumerate(params):
            x = x @ kernel + bias
            x = jax.nn.softmax(x) if i == len(params) - 1 else jax.nn.relu(x)
        x = jnp.clip(x, 1e-7, 1 - 1e-7)
        return jnp.sum(-jnp.sum(y * jnp.log(x), axis=-1) * mask)

    def train(state, xs, ys, rows, mask):
        params, opt_state = state
        count = jnp.maximum(jnp.sum(mask), 1.0)
        loss, grads = jax.value_and_grad(
            lambda p: loss_sum(p, xs[rows], ys[rows], mask) / count)(params)
        updates, opt_state = opt.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state), loss

    def test(carry, xs, ys, rows, mask):
        params, total = carry
        return (params, total + loss_sum(params, xs[rows], ys[rows], mask)), None

    def epoch_fn(fn):
        if scan:
            return jax.jit(lambda c, xs, ys, rows, masks: jax.lax.scan(
                lambda c, rm: fn(c, xs, ys, *rm), c, (rows, masks)), donate_argnums=0)
        one = jax.jit(fn, donate_argnums=0)

        def per_batch(carry, xs, ys, rows, masks):
            outs = []
            for r, m in zip(rows, masks):
                carry, out = one(carry, xs, ys, r, m)
                outs.append(out)
            return carry, outs

        return per_batch

    train_epoch, test_epoch, rng = epoch_fn(train), epoch_fn(test), np.random.default_rng(2)

    def run(epochs):
        nonlocal state
        start, times = time.perf_counter(), []
        xs, ys = jax.device_put((w.x, w.y))
        val = jax.device_put(w.val) if w.val else None
        for _ in range(epochs):
            epoch_start = time.perf_counter()
            state, losses = train_epoch(state, xs, ys, *batches(len(w.x), w.batch, rng))
            float(jnp.mean(jnp.asarray(losses)))  # the epoch's loss, as fit reports it
            if val is not None:
                rows, masks = batches(len(val[0]), w.batch, rng)
                (params, total), _ = test_epoch((state[0], jnp.float32(0)), *val, rows, masks)
                state = (params, state[1])
                float(total / len(val[0]))
            times.append(time.perf_counter() - epoch_start)
        return times, time.perf_counter() - start

    return run


def torch_runner(w):  # PyTorch: the usual loop, one optimizer step per batch
    import torch

    torch.manual_seed(0)
    mods = [m for a, b in zip(w.sizes, w.sizes[1:])
            for m in (torch.nn.Linear(a, b), torch.nn.ReLU())]
    net = torch.nn.Sequential(*mods[:-1])  # logits: softmax is inside the loss
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    def run(epochs):
        start, times = time.perf_counter(), []
        xs, ys = torch.from_numpy(w.x), torch.from_numpy(w.y.argmax(1))
        for _ in range(epochs):
            epoch_start, total = time.perf_counter(), torch.zeros(())
            for rows in torch.randperm(len(xs)).split(w.batch):
                loss = loss_fn(net(xs[rows]), ys[rows])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.detach()
            float(total)
            if w.val is not None:
                with torch.no_grad():
                    float(loss_fn(net(torch.from_numpy(w.val[0])),
                                  torch.from_numpy(w.val[1].argmax(1))))
            times.append(time.perf_counter() - epoch_start)
        return times, time.perf_counter() - start

    return run


COLUMNS = [  # (header, module that must be importable, runner factory)
    ("nerve", None, lambda w: keras_runner(nerve, w)),
    ("jit/batch", None, lambda w: jax_runner(w, scan=False)),
    ("jit/scan", None, lambda w: jax_runner(w, scan=True)),
    ("keras3", "keras", lambda w: keras_runner(keras3(), w)),
    ("tf-keras", "tf_keras", lambda w: keras_runner(importlib.import_module("tf_keras"), w)),
    ("torch", "torch", torch_runner),
]


def measure(w, repeats, notes):
    """Seconds per column: W1 the best 2nd epoch of all runs, W3 the best of whole runs."""
    runners, cells = {}, {}
    for header, module, make in COLUMNS:
        if module and importlib.util.find_spec(module) is None:
            cells[header] = "not installed"
            continue
        try:
            runners[header] = make(w)
            runners[header](1)  # compile
        except Exception as error:  # an optional library that is there but does not run
            if module is None:
                raise
            runners.pop(header, None)
            cells[header] = "failed"
            notes.append(f"{header} on {w.name}: {type(error).__name__}: {error}")
    best = dict.fromkeys(runners, float("inf"))
    for _ in range(repeats):
        for header, run in runners.items():
            times, total = run(w.epochs)
            best[header] = min(best[header], min(times[1:]) if w.name == "W1" else total)
    return best, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, help="W1's sample count (default 60,000)")
    parser.add_argument("--quick", action="store_true", help="6,000 samples, fewer repeats")
    args = parser.parse_args()
    samples = args.samples or (6000 if args.quick else 60000)
    repeats, notes = (2 if args.quick else 5), []
    w1, w3 = workloads(samples)

    headers = [h for h, _, _ in COLUMNS]
    print(f"{'workload':<33}" + "".join(f"{h:>14}" for h in headers)
          + f"{'vs best':>9}{'vs scan':>9}{'target':>8}")
    print("-" * (33 + 14 * len(headers) + 26))
    for w in [w1, ("W2", "CNN"), w3, ("W4", "dilated causal Conv1D")]:
        if isinstance(w, tuple):
            print(f"{w[0] + ' ' + w[1]:<33}  n/a (no conv layers yet)")
            continue
        best, cells = measure(w, repeats, notes)
        cells.update({h: f"{t:.3f}" for h, t in best.items()})
        ours, scan = best["nerve"], best["jit/scan"]
        verdict = "ok" if ours / scan <= TARGETS[w.name] else "OVER"
        print(f"{w.name + ' ' + w.title:<33}" + "".join(f"{cells[h]:>14}" for h in headers)
              + f"{ours / min(best['jit/batch'], scan):>8.2f}x{ours / scan:>8.2f}x"
              f"{TARGETS[w.name]:>7.1f}x  {verdict}")
    print(f"\n{jax.devices()[0].platform}, {os.cpu_count()} CPUs; W1: {samples} samples, "
          f"best 2nd epoch of {repeats} 2-epoch runs; W3: 1437 train / 360 validation samples, "
          f"best of {repeats} runs of fit(epochs=30).\njit/batch: one jitted call per batch; "
          "jit/scan: one call per epoch (lax.scan over batches gathered on the device).")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
