"""Data that arrives in batches: Python generators and `nerve.utils.Sequence`.

For evaluation and prediction each batch is padded to the size of the first
one and masked, so a ragged batch runs the same compiled program; training
runs each distinct batch size once compiled (the last batch of an epoch).
"""

import inspect

import numpy as np

from nerve.utils.data_utils import Sequence


def is_stream(data):
    return isinstance(data, Sequence) or inspect.isgenerator(data) or (
        hasattr(data, "__next__") and not isinstance(data, np.ndarray)
    )


def batches(stream, steps, what):
    """One pass of `stream`: `steps` batches, all of a Sequence, or until a generator ends."""
    count = 0
    if isinstance(stream, Sequence):
        total = len(stream) if steps is None else steps
        for i in range(total):
            count += 1
            yield stream[i % len(stream)]
    else:
        while steps is None or count < steps:
            try:
                batch = next(stream)
            except StopIteration:
                break
            count += 1
            yield batch
    if count == 0:
        raise ValueError(
            f"The data given as `{what}` yielded no batches. A generator must yield "
            "(x, y) or (x, y, sample_weight) tuples; pass a fresh one to each call."
        )


def unpack(batch, with_targets):
    """`(x, y, sample_weight)` from a batch (`x` alone when there are no targets)."""
    if not with_targets:
        return (batch[0] if isinstance(batch, tuple) else batch), None, None
    if not isinstance(batch, tuple) or len(batch) not in (2, 3):
        raise ValueError(
            "A generator or Sequence for training must yield tuples (x, y) or "
            f"(x, y, sample_weight). Received: {type(batch).__name__}"
            f"{' of length ' + str(len(batch)) if isinstance(batch, tuple) else ''}."
        )
    return batch[0], batch[1], batch[2] if len(batch) == 3 else None


def pad(arrays, size):
    """`arrays` with rows of zeros up to `size` rows, and the 0/1 mask of real rows."""
    n = len(arrays[0])
    if n > size:
        raise ValueError(
            f"A batch of {n} samples followed a first batch of {size}: batches from a "
            "generator or Sequence may shrink (the last one) but not grow."
        )
    mask = np.zeros(size, np.float32)
    mask[:n] = 1.0
    padded = [np.concatenate([a, np.zeros((size - n,) + a.shape[1:], a.dtype)]) if n < size
              else a for a in arrays]
    return padded, mask


def run(model, kind, stream, steps, hooks=None):
    """Runs `kind` ('train', 'test', 'predict') over one pass of `stream`.

    Returns the last step's outputs (train/test) or the concatenated outputs
    (predict)."""
    size, outputs, collected = None, None, []
    for step, batch in enumerate(batches(stream, steps, "x")):
        x, y, sample_weight = unpack(batch, kind != "predict")
        xs, ys, sws = model._arrays(x, y, sample_weight)
        n = len(xs[0])
        # Training runs a smaller batch at its real size (batch statistics must see
        # real samples only); evaluation and prediction pad it to the first size.
        size = n if kind == "train" else (size or n)
        sources, mask = pad(xs + (ys or []) + (sws or []), size)
        fn = model._function(kind, ys)
        if hooks is not None:
            hooks[0](step)
        per_step = [mask[None]] if kind != "predict" else []
        outputs = fn.run_steps(sources, np.arange(size)[None], per_step=per_step,
                               learning_phase=1 if kind == "train" else 0)
        if kind == "predict":
            collected.append([o[0][:n] for o in outputs])
        if hooks is not None and hooks[1](step, outputs):
            break
    if isinstance(stream, Sequence) and kind == "train":
        stream.on_epoch_end()
    if kind == "predict":
        return [np.concatenate(parts) for parts in zip(*collected)]
    return outputs
