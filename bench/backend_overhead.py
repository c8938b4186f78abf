"""Per-call overhead of nerve's compiled functions, and nerve's import time.

    .venv/bin/python bench/backend_overhead.py [--verbose]

Each nerve figure is set beside a hand-written JAX baseline doing the same work.
"""

import argparse
import functools
import statistics
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from nerve import backend as K

LR, BATCH, CALLS, REPEATS, IMPORT_RUNS = 0.01, 32, 1000, 10, 7
CALL_TARGET, IMPORT_TARGET = 1.5, 1.15  # most nerve may take, as a multiple of the baseline


def per_call_us(*steps):
    """Microseconds per call of each of `steps`: the best of REPEATS runs of CALLS calls.
    Runs of the steps alternate, so that load from elsewhere hits them alike."""
    for step in steps:
        for _ in range(50):
            step()
    best = [float("inf")] * len(steps)
    for _ in range(REPEATS):
        for i, step in enumerate(steps):
            start = time.perf_counter()
            for _ in range(CALLS):
                step()
            best[i] = min(best[i], time.perf_counter() - start)
    return [t / CALLS * 1e6 for t in best]


def call_benchmarks():
    rs = np.random.default_rng(0)
    x_np = rs.normal(size=(BATCH, 8)).astype("float32")
    y_np = rs.normal(size=(BATCH, 4)).astype("float32")
    w0, b0 = rs.normal(size=(8, 4)).astype("float32"), np.zeros(4, "float32")

    # nerve: the graph, one SGD step per call.
    x, y = K.placeholder(shape=(None, 8)), K.placeholder(shape=(None, 4))
    w, b = K.variable(w0), K.variable(b0)
    pred = K.dot(x, w) + b
    loss = K.mean(K.square(pred - y))
    gw, gb = K.gradients(loss, [w, b])
    train = K.function([x, y], [loss], updates=[K.update(w, w - LR * gw), K.update(b, b - LR * gb)])
    infer = K.function([x], [pred])

    # Raw JAX: the same computation, written by hand.
    def raw_loss(params, x, y):
        return jnp.mean(jnp.square(jnp.dot(x, params[0]) + params[1] - y))

    @functools.partial(jax.jit, donate_argnums=(0,))
    def raw_train(params, x, y):
        value, grads = jax.value_and_grad(raw_loss)(params, x, y)
        return value, [p - LR * g for p, g in zip(params, grads)]

    @jax.jit
    def raw_infer(params, x):
        return jnp.dot(x, params[0]) + params[1]

    params = [jnp.asarray(w0), jnp.asarray(b0)]

    def raw_train_step():
        nonlocal params
        value, params = raw_train(params, x_np, y_np)
        return np.asarray(value)

    return [
        ("train step (us/call)",
         *per_call_us(lambda: train([x_np, y_np]), raw_train_step), CALL_TARGET),
        ("inference (us/call)",
         *per_call_us(lambda: infer([x_np]), lambda: np.asarray(raw_infer(params, x_np))),
         CALL_TARGET),
    ]


def import_ms(*codes):
    """Median wall time of `python -c code` for each of `codes`, in fresh interpreters
    taken in turn, in milliseconds."""
    times = [[] for _ in codes]
    for _ in range(IMPORT_RUNS):
        for runs, code in zip(times, codes):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            runs.append(time.perf_counter() - start)
    return [statistics.median(runs) * 1e3 for runs in times]


def import_offenders(top=12):
    """Modules `import nerve` loads beyond `import jax, optax`, by self time (-X importtime)."""

    def self_times(code):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
            check=True,
        ).stderr
        rows = [line.split("|") for line in err.splitlines() if line.startswith("import time:")]
        return {r[2].strip(): int(r[0].split(":")[1]) for r in rows[1:]}

    base = self_times("import jax, optax")
    extra = {m: t for m, t in self_times("import nerve").items() if m not in base}
    print(f"\nModules imported by nerve beyond jax+optax: {len(extra)}, "
          f"{sum(extra.values()) / 1e3:.1f} ms self time in all. Top {top}:")
    for module, us in sorted(extra.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {us / 1e3:8.1f} ms  {module}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list import-time offenders")
    args = parser.parse_args()

    rows = call_benchmarks()
    nerve_ms, base_ms, jax_ms = import_ms("import nerve", "import jax, optax", "import jax")
    rows.append(("import (ms, vs jax+optax)", nerve_ms, base_ms, IMPORT_TARGET))
    rows.append(("import (ms, vs jax alone)", nerve_ms, jax_ms, None))

    print(f"{'benchmark':<28}{'nerve':>9}{'baseline':>10}{'extra':>8}{'ratio':>8}{'target':>8}")
    print("-" * 76)
    for name, ours, base, target in rows:
        ratio = ours / base
        goal = "-" if target is None else f"{target:.2f}x"
        verdict = "" if target is None else "ok" if ratio <= target else "OVER"
        print(f"{name:<28}{ours:>9.1f}{base:>10.1f}{ours - base:>8.1f}{ratio:>7.2f}x{goal:>8}"
              f"  {verdict}".rstrip())
    print(f"\nBaselines: hand-written jax.jit functions; `import jax, optax`; `import jax`.\n"
          f"{jax.devices()[0].platform}, batch {BATCH}; calls: best of {REPEATS} x {CALLS}, "
          f"alternating; imports: median of {IMPORT_RUNS} fresh interpreters each.")
    if args.verbose:
        import_offenders()


if __name__ == "__main__":
    main()
