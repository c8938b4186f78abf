"""Forward + backward speed of convolutions on CPU, alone and inside `lax.scan`, beside PyTorch.

    .venv/bin/python bench/conv.py [--quick]

Cases: (a) Conv2D 3x3, batch 128 of 28x28x1 -> 32 filters (a first layer: kernel gradient
only); (b) Conv2D 3x3, batch 128 of 13x13x32 -> 64 filters (kernel and input gradients);
(c) dilated causal Conv1D stack, batch 32, length 1,024, 32 channels, kernel 2, dilations
1, 2, ..., 128 with relu between (one step through all eight layers).
The loss is the mean square of the output. "alone": one jitted value_and_grad per call;
"scan": a jitted `lax.scan` of 10 SGD steps per call (4 with --quick), the time divided by
the steps. A variant slower than 2 s a call (plain lax convolutions in a scan) is timed once.
Implementations: nerve's kernel (`nerve.kernels.conv.conv`, canonical-layout custom VJP on
CPU); plain `lax.conv_general_dilated` differentiated by JAX, as a user writes it; im2col
(shifted slices concatenated, one matmul); each JAX one also compiled with the XLA:CPU
options the convolution issue suggests (per function, `compile(compiler_options=...)`).
Every variant is compiled and run before timing; timed runs of a case's variants alternate.
"""

import argparse
import importlib.util
import os
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from nerve.kernels import conv as kconv

LR, SLOW = 1e-3, 2.0
FLAGS = {  # XLA:CPU compiler options tried (the leads of the convolution issue)
    "": {},
    " ynn=''": {"xla_cpu_experimental_ynn_fusion_type": ""},
    " memsched": {"xla_cpu_scheduler_type": "CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED"},
}
CASES = [  # (name, input shape NHWC/NWC, [(kernel shape, dilation, padding)], input gradient)
    ("(a) 28x28x1->32", (128, 28, 28, 1), [((3, 3, 1, 32), 1, "valid")], False),
    ("(b) 13x13x32->64", (128, 13, 13, 32), [((3, 3, 32, 64), 1, "valid")], True),
    ("(c) causal 1D x8", (32, 1024, 32), [((2, 32, 32), 2 ** i, "causal") for i in range(8)],
     False),
]


def pads_of(kernel, dilation, padding):
    n = kernel.ndim - 2
    if padding == "causal":  # only the first spatial axis is causal in these cases
        return [(dilation * (kernel.shape[0] - 1), 0)] + [(0, 0)] * (n - 1)
    return [(0, 0)] * n


def lax_conv(x, kernel, dilation, padding):
    """As a user writes it: one `conv_general_dilated`, channels last."""
    n = kernel.ndim - 2
    spec = ("NWC", "WIO", "NWC") if n == 1 else ("NHWC", "HWIO", "NHWC")
    return lax.conv_general_dilated(x, kernel, (1,) * n, pads_of(kernel, dilation, padding),
                                    rhs_dilation=(dilation,) * n, dimension_numbers=spec)


def nerve_conv(x, kernel, dilation, padding):
    return kconv.conv(x, kernel, padding=padding, dilation_rate=dilation)


def im2col_conv(x, kernel, dilation, padding):
    """Every kernel tap's shifted slice of `x`, concatenated on the channels, times the
    kernel as one (taps * in, out) matrix."""
    n = kernel.ndim - 2
    x = jnp.pad(x, [(0, 0)] + pads_of(kernel, dilation, padding) + [(0, 0)])
    size = kernel.shape[:n]
    out = [x.shape[1 + a] - dilation * (size[a] - 1) for a in range(n)]
    slices = []
    for tap in np.ndindex(*size):
        index = tuple(slice(t * dilation, t * dilation + o) for t, o in zip(tap, out))
        slices.append(x[(slice(None),) + index])
    patches = jnp.concatenate(slices, axis=-1)
    return patches @ kernel.reshape(-1, kernel.shape[-1])


def jax_programs(case, conv, options, steps):
    """(alone, scan): compiled value_and_grad, and a scan of `steps` SGD steps."""
    _, x_shape, layers, input_grad = case
    rs = np.random.default_rng(0)
    x = jnp.asarray(rs.normal(size=x_shape), jnp.float32)
    params = [jnp.asarray(rs.normal(size=k) / np.sqrt(np.prod(k[:-1])), jnp.float32)
              for k, _, _ in layers]

    def loss(params, x):
        for i, (kernel, (_, dilation, padding)) in enumerate(zip(params, layers)):
            x = conv(x, kernel, dilation, padding)
            x = jax.nn.relu(x) if i < len(layers) - 1 else x
        return jnp.mean(x * x)

    grad = jax.value_and_grad(loss, argnums=(0, 1) if input_grad else 0)

    def scan(params, x):
        def step(carry, _):
            params, x = carry
            value, grads = grad(params, x)
            if input_grad:  # the input moves too, so its gradient is used
                grads, x = grads[0], x - LR * grads[1]
            return ([p - LR * g for p, g in zip(params, grads)], x), value
        return lax.scan(step, (params, x), None, length=steps)

    return [jax.jit(f).lower(params, x).compile(compiler_options=options)
            for f in (grad, scan)], (params, x)


def jax_runners(case, conv, options, steps):
    (alone, scan), args = jax_programs(case, conv, options, steps)
    return (lambda: jax.block_until_ready(alone(*args)),
            lambda: jax.block_until_ready(scan(*args)))


def torch_runner(case):
    """PyTorch's conv2d/conv1d forward and backward, channels first (its native layout)."""
    import torch
    import torch.nn.functional as F

    _, x_shape, layers, input_grad = case
    rs = np.random.default_rng(0)
    x = torch.from_numpy(np.moveaxis(rs.normal(size=x_shape).astype("float32"), -1, 1))
    x.requires_grad_(input_grad)
    params = [torch.from_numpy(np.ascontiguousarray(np.moveaxis(
        (rs.normal(size=k) / np.sqrt(np.prod(k[:-1]))).astype("float32"), (-1, -2), (0, 1))))
        .requires_grad_() for k, _, _ in layers]

    def run():
        y = x
        for i, (kernel, (shape, dilation, padding)) in enumerate(zip(params, layers)):
            if padding == "causal":
                y = F.conv1d(F.pad(y, (dilation * (shape[0] - 1), 0)), kernel, dilation=dilation)
            else:
                y = F.conv2d(y, kernel)
            y = F.relu(y) if i < len(layers) - 1 else y
        loss = (y * y).mean()
        torch.autograd.grad(loss, params + ([x] if input_grad else []))
        return float(loss.detach())

    return run


def best_ms(runners, repeats, seconds):
    """Milliseconds per call of each runner: calls batched to ~`seconds`, best of `repeats`
    rounds, runners alternating within each round. A runner slower than SLOW seconds a
    call (a scan penalty of 10x and more) is timed in one round only."""
    calls = {}
    for name, run in runners.items():
        start = time.perf_counter()
        run()  # compiled already: this first call only warms up
        took = time.perf_counter() - start
        calls[name] = 0 if took > SLOW else max(1, int(seconds / took))
    best = dict.fromkeys(runners, float("inf"))
    for round_ in range(repeats):
        for name, run in runners.items():
            if calls[name] == 0 and round_ > 0:
                continue
            start = time.perf_counter()
            for _ in range(max(calls[name], 1)):
                run()
            took = (time.perf_counter() - start) / max(calls[name], 1)
            best[name] = min(best[name], took * 1e3)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scans of 4 steps, fewer repeats, "
                        "compiler options tried on nerve's kernel only")
    args = parser.parse_args()
    repeats, seconds, steps = (2, 0.1, 4) if args.quick else (4, 0.4, 10)
    cores = len(os.sched_getaffinity(0))
    has_torch = importlib.util.find_spec("torch") is not None
    if has_torch:
        import torch

        torch.set_num_threads(cores)
    variants = [(label + suffix, conv, options)
                for label, conv in [("nerve", nerve_conv), ("lax", lax_conv),
                                    ("im2col", im2col_conv)]
                for suffix, options in FLAGS.items()
                if label == "nerve" or not (args.quick and options)]

    print(f"{'case':<18}{'variant':<16}{'alone ms':>10}{'scan ms/step':>14}{'scan/alone':>12}"
          f"{'alone/torch':>15}{'scan/torch':>12}")
    print("-" * 97)
    for case in CASES:
        runners = {}
        for name, conv, options in variants:
            runners[name], runners[name + " scan"] = jax_runners(case, conv, options, steps)
        if has_torch:
            runners["torch"] = torch_runner(case)
        ms = best_ms(runners, repeats, seconds)
        for name in [n for n in ms if not n.endswith(" scan")]:
            alone = ms[name]
            scan = ms[name + " scan"] / steps if name != "torch" else None
            cells = [f"{alone:.2f}", "-", "-"] if scan is None else [
                f"{alone:.2f}", f"{scan:.2f}", f"{scan / alone:.2f}x"]
            if has_torch:
                cells += [f"{alone / ms['torch']:.2f}x",
                          "-" if scan is None else f"{scan / ms['torch']:.2f}x"]
            else:
                cells += ["not installed", "-"]
            print(f"{case[0]:<18}{name:<16}" + "".join(
                f"{c:>{w}}" for c, w in zip(cells, (10, 14, 12, 15, 12))), flush=True)
    print(f"\n{jax.devices()[0].platform}, {cores} cores, torch threads "
          f"{cores if has_torch else '-'}; best of {repeats} rounds, alternating; scan: {steps} "
          "SGD steps per call.\nynn='': --xla_cpu_experimental_ynn_fusion_type= (no YNNPACK "
          "fusions: convolutions run on Eigen); memsched:\n--xla_cpu_scheduler_type="
          "CPU_SCHEDULER_TYPE_MEMORY_OPTIMIZED. Both as per-function compiler options.")


if __name__ == "__main__":
    main()
