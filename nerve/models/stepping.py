"""How many training steps one compiled call runs: chosen per model by measurement.

A `lax.scan` over a whole epoch removes the per-step Python and dispatch cost
(several times faster for small models), but XLA:CPU runs some programs slower
inside a loop than step by step (convolutions whose backward misses the fast
layout path: jax-ml/jax#12868). No fixed rule is right for every model, so the
planner measures: for each batch size and epoch length, the first epoch runs
scanned (and compiles), the second runs scanned and is timed, the third runs one
step per call and is timed, and every later epoch uses the faster way. Each
way is one program, compiled once.
"""

import time


class StepPlanner:
    """Per model: `(batch_size, steps)` -> the measurements and the choice."""

    def __init__(self):
        self.records = {}

    def chunk(self, key, steps):
        """Steps per call for the next epoch of `steps` full batches."""
        record = self.records.setdefault(key, {"runs": 0})
        if "choice" in record:
            return steps if record["choice"] == "scan" else 1
        return 1 if record["runs"] == 2 else steps

    def start(self):
        return time.perf_counter()

    def step_done(self, key, step, chunk, started):
        """After each call: the clock restarts after the first single-step call,
        which compiled its program, so compilation is never measured."""
        record = self.records[key]
        if chunk == 1 and step == 0 and record["runs"] == 2:
            record["first_step"] = time.perf_counter()
        return started

    def done(self, key, chunk, steps, started):
        """Records a finished epoch of `steps` full batches, `chunk` per call."""
        record = self.records[key]
        if "choice" in record:
            return
        now = time.perf_counter()
        record["runs"] += 1
        if record["runs"] == 2:
            record["scan"] = now - started
        elif record["runs"] == 3:
            record["step"] = (now - record["first_step"]) * steps / (steps - 1)
            record["choice"] = "scan" if record["scan"] <= record["step"] else "step"

    def choice(self, batch_size, steps):
        """'scan', 'step', or None while still measuring."""
        return self.records.get((batch_size, steps), {}).get("choice")
