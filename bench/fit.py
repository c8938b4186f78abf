"""Steady-state training speed of `model.fit`, beside hand-written JAX loops and other libraries.

    .venv/bin/python bench/fit.py [--quick] [--samples N]

W1: MLP 784-512-512-10 on N synthetic samples, batch 128: seconds per epoch (the second of
each run: the first waits for the data's copy to the device, which is asynchronous).
W2: CNN 28x28x1 -> Conv2D 32 3x3 relu -> MaxPool 2 -> Conv2D 64 3x3 relu -> MaxPool 2 ->
Dense 10 softmax on 10,000 synthetic samples, batch 128: seconds per epoch (one-epoch runs).
W3: digits MLP 64-32-10, batch 32, 30 epochs with validation data: seconds for the 30.
W4: eight causal Conv1D (32 filters, kernel 2, dilation 1..128, relu) + Dense(1) per step on
2,048 synthetic sequences of length 1,024, MSE, batch 32: seconds per epoch (one-epoch runs).
Adam everywhere; categorical cross-entropy on softmax outputs but in W4. Every column is
compiled and run once before it is timed; timed runs of the columns alternate.
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
from jax import lax
from sklearn.datasets import load_digits

import nerve

# Most nerve may take, as a multiple of the faster hand-written loop (per batch or scanned).
TARGETS = {"W1": 1.1, "W2": 1.1, "W3": 2.0, "W4": 1.1}
DILATIONS = [2 ** i for i in range(8)]


def workloads(samples, quick):
    rs = np.random.default_rng(0)

    def one_hot(n):
        return np.eye(10, dtype="float32")[rs.integers(0, 10, n)]

    x = rs.normal(size=(samples, 784)).astype("float32")
    w1 = SimpleNamespace(name="W1", title="MLP 784-512-512-10, s/epoch", x=x, y=one_hot(samples),
                         batch=128, epochs=2, val=None, **mlp([784, 512, 512, 10]))
    n = 2560 if quick else 10000
    x = rs.normal(size=(n, 28, 28, 1)).astype("float32")
    w2 = SimpleNamespace(name="W2", title="CNN 28x28x1, s/epoch", x=x, y=one_hot(n), batch=128,
                         epochs=1, val=None, **cnn())
    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = np.eye(10, dtype="float32")[digits.target]
    train, val = np.split(rs.permutation(len(x)), [1437])
    w3 = SimpleNamespace(name="W3", title="digits 64-32-10, s/30 epochs", x=x[train],
                         y=y[train], batch=32, epochs=30, val=(x[val], y[val]),
                         **mlp([64, 32, 10]))
    n = 512 if quick else 2048
    w4 = SimpleNamespace(name="W4", title="causal Conv1D x8, s/epoch",
                         x=rs.normal(size=(n, 1024, 1)).astype("float32"),
                         y=rs.normal(size=(n, 1024, 1)).astype("float32"), batch=32, epochs=1,
                         val=None, **wavenet())
    return [w1, w2, w3, w4]


# Each model four ways: Keras layers, parameters and a forward pass for hand-written JAX, and
# a PyTorch module (logits where Keras has softmax: PyTorch's loss takes them).

def glorot(rs, shape):  # Keras's default kernel initializer, zero biases
    fan_in, fan_out = np.prod(shape[:-1]), np.prod(shape[:-2], dtype=int) * shape[-1]
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rs.uniform(-limit, limit, shape).astype("float32"), np.zeros(shape[-1], "float32")


def mlp(sizes):
    def layers(lib):
        acts = ["relu"] * (len(sizes) - 2) + ["softmax"]
        return [lib.Input(shape=(sizes[0],))] + [
            lib.layers.Dense(n, activation=a) for n, a in zip(sizes[1:], acts)]

    def apply(params, x):
        for i, (kernel, bias) in enumerate(params):
            x = x @ kernel + bias
            x = jax.nn.softmax(x) if i == len(params) - 1 else jax.nn.relu(x)
        return x

    def torch_net():
        import torch

        mods = [m for a, b in zip(sizes, sizes[1:]) for m in (torch.nn.Linear(a, b),
                                                               torch.nn.ReLU())]
        return torch.nn.Sequential(*mods[:-1]), None

    shapes = list(zip(sizes, sizes[1:]))
    return dict(layers=layers, shapes=shapes, apply=apply, torch_net=torch_net,
                loss="categorical_crossentropy")


def cnn():
    def layers(lib):
        return [lib.Input(shape=(28, 28, 1)), lib.layers.Conv2D(32, 3, activation="relu"),
                lib.layers.MaxPooling2D(2), lib.layers.Conv2D(64, 3, activation="relu"),
                lib.layers.MaxPooling2D(2), lib.layers.Flatten(),
                lib.layers.Dense(10, activation="softmax")]

    def apply(params, x):  # as a user writes it: lax convolutions, reduce_window pooling
        for kernel, bias in params[:2]:
            x = lax.conv_general_dilated(x, kernel, (1, 1), "VALID",
                                         dimension_numbers=("NHWC", "HWIO", "NHWC"))
            x = lax.reduce_window(jax.nn.relu(x + bias), -jnp.inf, lax.max, (1, 2, 2, 1),
                                  (1, 2, 2, 1), "VALID")
        kernel, bias = params[2]
        return jax.nn.softmax(x.reshape(len(x), -1) @ kernel + bias)

    def torch_net():
        import torch

        nn = torch.nn
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(1600, 10)), (0, 3, 1, 2)  # NCHW data

    return dict(layers=layers, shapes=[(3, 3, 1, 32), (3, 3, 32, 64), (1600, 10)],
                apply=apply, torch_net=torch_net, loss="categorical_crossentropy")


def wavenet():
    def layers(lib):
        return [lib.Input(shape=(1024, 1))] + [
            lib.layers.Conv1D(32, 2, padding="causal", dilation_rate=d, activation="relu")
            for d in DILATIONS] + [lib.layers.Dense(1)]

    def apply(params, x):
        for d, (kernel, bias) in zip(DILATIONS, params):
            x = lax.conv_general_dilated(x, kernel, (1,), [(d, 0)], rhs_dilation=(d,),
                                         dimension_numbers=("NWC", "WIO", "NWC"))
            x = jax.nn.relu(x + bias)
        kernel, bias = params[-1]
        return x @ kernel + bias

    def torch_net():
        import torch

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = torch.nn.ModuleList(
                    torch.nn.Conv1d(1 if d == 1 else 32, 32, 2, dilation=d) for d in DILATIONS)
                self.dense = torch.nn.Linear(32, 1)

            def forward(self, x):
                for d, conv in zip(DILATIONS, self.convs):
                    x = torch.relu(conv(torch.nn.functional.pad(x, (d, 0))))
                return self.dense(x.transpose(1, 2))

        return Net(), (0, 2, 1)  # NCW data

    shapes = [(2, 1 if d == 1 else 32, 32) for d in DILATIONS] + [(32, 1)]
    return dict(layers=layers, shapes=shapes, apply=apply, torch_net=torch_net, loss="mse")


# Keras-API libraries: nerve, Keras 3 (JAX backend), tf-keras. One `fit` call per run.

def keras_runner(lib, w, per_step=False):
    """`per_step`: a callback with a batch hook makes nerve's fit run one step per call."""
    model = lib.models.Sequential(w.layers(lib))
    model.compile(lib.optimizers.Adam(learning_rate=1e-3), w.loss)
    on_batch = lib.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: None)
    extra = [on_batch] if per_step else []

    def run(epochs):
        marks = []

        def mark(epoch, logs):
            marks.append(time.perf_counter())

        start = time.perf_counter()
        model.fit(w.x, w.y, batch_size=w.batch, epochs=epochs, verbose=0, shuffle=True,
                  validation_data=w.val, callbacks=extra + [
                      lib.callbacks.LambdaCallback(on_epoch_begin=mark, on_epoch_end=mark)])
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


def jax_runner(w, scan, scan_cap=None):
    """`scan_cap`: scan over only the first that many batches of each epoch and scale the
    time to the whole epoch (scanned convolutions are too slow for whole epochs)."""
    rs = np.random.default_rng(1)
    params = [glorot(rs, shape) for shape in w.shapes]
    opt = optax.adam(1e-3, eps=1e-7)
    state = (jax.device_put(params), opt.init(params))

    def loss_sum(params, x, y, mask):
        x = w.apply(params, x)
        if w.loss == "mse":
            return jnp.sum(jnp.mean(jnp.square(x - y), axis=(1, 2)) * mask)
        x = jnp.clip(x, 1e-7, 1 - 1e-7)  # Keras's cross-entropy on clipped softmax outputs
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
            rows, masks = batches(len(w.x), w.batch, rng)
            scale = len(rows) / len(rows[:scan_cap])
            state, losses = train_epoch(state, xs, ys, rows[:scan_cap], masks[:scan_cap])
            float(jnp.mean(jnp.asarray(losses)))  # the epoch's loss, as fit reports it
            if val is not None:
                rows, masks = batches(len(val[0]), w.batch, rng)
                (params, total), _ = test_epoch((state[0], jnp.float32(0)), *val, rows, masks)
                state = (params, state[1])
                float(total / len(val[0]))
            times.append((time.perf_counter() - epoch_start) * scale)
        return times, time.perf_counter() - start

    return run


def torch_runner(w):  # PyTorch: the usual loop, one optimizer step per batch
    import torch

    torch.manual_seed(0)
    net, layout = w.torch_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    mse = w.loss == "mse"
    loss_fn = torch.nn.MSELoss() if mse else torch.nn.CrossEntropyLoss()

    def data(x, y):  # in PyTorch's layout once, as its users keep their data
        x = np.ascontiguousarray(x.transpose(layout)) if layout else x
        return torch.from_numpy(x), torch.from_numpy(y if mse else y.argmax(1))

    def run(epochs):
        start, times = time.perf_counter(), []
        xs, ys = data(w.x, w.y)
        val = data(*w.val) if w.val else None
        for _ in range(epochs):
            epoch_start, total = time.perf_counter(), torch.zeros(())
            for rows in torch.randperm(len(xs)).split(w.batch):
                loss = loss_fn(net(xs[rows]), ys[rows])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.detach()
            float(total)
            if val is not None:
                with torch.no_grad():
                    float(loss_fn(net(val[0]), val[1]))
            times.append(time.perf_counter() - epoch_start)
        return times, time.perf_counter() - start

    return run


COLUMNS = [  # (header, module that must be importable, runner factory)
    ("nerve", None, lambda w: keras_runner(nerve, w)),
    ("nerve/step", None, lambda w: keras_runner(nerve, w, per_step=True)),
    ("jit/batch", None, lambda w: jax_runner(w, scan=False)),
    ("jit/scan", None, lambda w: jax_runner(w, scan=True, scan_cap=w.scan_cap)),
    ("keras3", "keras", lambda w: keras_runner(keras3(), w)),
    ("tf-keras", "tf_keras", lambda w: keras_runner(importlib.import_module("tf_keras"), w)),
    ("torch", "torch", torch_runner),
]


def measure(w, repeats, notes):
    """Seconds per column: the best epoch after the first of each run (W1), of one-epoch
    runs (W2, W4), or the best whole run (W3)."""
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
            epoch = min(times[1:]) if len(times) > 1 else times[0]
            best[header] = min(best[header], total if w.val else epoch)
    return best, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, help="W1's sample count (default 60,000)")
    parser.add_argument("--quick", action="store_true",
                        help="W1 6,000, W2 2,560, W4 512 samples; fewer repeats")
    args = parser.parse_args()
    samples = args.samples or (6000 if args.quick else 60000)
    repeats, notes = (2 if args.quick else 5), []
    conv_repeats, cap = (1, 4) if args.quick else (2, 8)

    headers = [h for h, _, _ in COLUMNS]
    print(f"{'workload':<31}" + "".join(f"{h:>14}" for h in headers)
          + f"{'vs best':>9}{'vs scan':>9}{'vs torch':>9}{'target':>8}")
    print("-" * (31 + 14 * len(headers) + 35))
    step_notes = []
    ws = workloads(samples, args.quick)
    for w in ws:
        conv = w.name in ("W2", "W4")
        w.scan_cap = cap if conv else None
        best, cells = measure(w, conv_repeats if conv else repeats, notes)
        cells.update({h: f"{t:.3f}" for h, t in best.items()})
        ours, scan = best["nerve"], best["jit/scan"]
        hand = min(best["jit/batch"], scan)
        versus_torch = f"{ours / best['torch']:>8.2f}x" if "torch" in best else f"{'-':>9}"
        verdict = "ok" if ours / hand <= TARGETS[w.name] else "OVER"
        print(f"{w.name + ' ' + w.title:<31}" + "".join(f"{cells[h]:>14}" for h in headers)
              + f"{ours / hand:>8.2f}x{ours / scan:>8.2f}x{versus_torch}"
              f"{TARGETS[w.name]:>7.1f}x  {verdict}", flush=True)
        step_notes.append(f"{w.name} {best['nerve/step'] / ours:.2f}x")
    sizes = {w.name: len(w.x) for w in ws}
    print(f"\n{jax.devices()[0].platform}, {os.cpu_count()} CPUs. W1: {sizes['W1']} samples, "
          f"best 2nd epoch of {repeats} 2-epoch runs; W3: 1437 train / 360 validation samples, "
          f"best of {repeats} runs of fit(epochs=30);\nW2: {sizes['W2']} samples, W4: "
          f"{sizes['W4']} sequences, best of {conv_repeats} one-epoch runs.\n"
          "nerve: fit as it is (one call per epoch); nerve/step: fit with a batch callback (one "
          "step per call).\njit/batch: one jitted call per batch; jit/scan: one call per epoch "
          "(lax.scan over batches gathered on the device);\nW2, W4 jit/scan: over the first "
          f"{cap} batches of the epoch, timed and scaled to the whole epoch (XLA:CPU runs lax "
          "convolutions\nin a scan ~20x slower: bench/conv.py).\n"
          "nerve/step over nerve: " + ", ".join(step_notes))
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
