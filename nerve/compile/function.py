"""Lowering a graph to one jitted pure function `(state, inputs) -> (outputs, new_state)`."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from nerve.graph import LearningPhase, Placeholder, Tensor, Variable, evaluate, phase, topo_sort
from nerve.graph.rng import KeyVariable

_total = 0


def compile_count():
    """How many programs nerve has traced and compiled so far, all functions together."""
    return _total


def _count_compile(function):
    global _total
    _total += 1
    function.compile_count += 1


class Function:
    """A compiled graph: `f([x, y])` feeds the placeholders, returns numpy outputs,
    then applies the updates (outputs are computed from the values before them).

    One `jax.jit` program per input signature and learning phase; the state of
    updated variables is donated, so it is updated in place where XLA can.
    """

    def __init__(self, inputs, outputs, updates=None, name=None, advance_rng=True):
        self.name = name or "function"
        self.inputs = _check_inputs(inputs)
        self._single = not isinstance(outputs, (list, tuple))
        self.outputs = [outputs] if self._single else list(outputs)
        self._updates = _check_updates(updates or [])
        targets = [t for t in self.outputs if isinstance(t, Tensor)]
        targets += [v for _, v in self._updates if isinstance(v, Tensor)]
        self._nodes, leaves = topo_sort(targets)
        fed = {id(p) for p in self.inputs}
        missing = [
            t for t in leaves
            if isinstance(t, Placeholder) and not isinstance(t, LearningPhase) and id(t) not in fed
        ]
        if missing:
            names = ", ".join(f"'{p.name}'" for p in missing)
            raise ValueError(
                f"Function '{self.name}' needs a value for placeholder {names}, which is not "
                "in `inputs`. Add it to `inputs` and feed it when calling."
            )
        self._uses_phase = any(isinstance(t, LearningPhase) for t in leaves)
        self._phase_index = next(
            (i for i, p in enumerate(self.inputs) if isinstance(p, LearningPhase)), None
        )
        self._fed = [p for p in self.inputs if not isinstance(p, LearningPhase)]
        # Random keys advance on every call unless the user updates them, or the
        # function must leave all state alone (inference: `predict`).
        updated = {id(v) for v, _ in self._updates}
        for t in leaves if advance_rng else ():
            if isinstance(t, KeyVariable) and id(t) not in updated:
                self._updates.append((t, _Advance(t)))
                updated.add(id(t))
        self._mutable = [v for v, _ in self._updates]
        self._readonly = [t for t in leaves if isinstance(t, Variable) and id(t) not in updated]
        self._n_inputs = len(self.inputs)
        self._scans = {}
        self.compile_count = 0
        self._jitted = jax.jit(self._pure, static_argnums=(3,), donate_argnums=(0,))

    def _pure(self, mutable, readonly, inputs, learning_phase):
        _count_compile(self)
        env = {}
        env.update(zip(map(id, self._mutable), mutable))
        env.update(zip(map(id, self._readonly), readonly))
        env.update(zip(map(id, self._fed), inputs))
        env[id(phase.placeholder())] = learning_phase
        evaluate(self._nodes, env)
        outputs = [env[id(t)] if isinstance(t, Tensor) else t for t in self.outputs]
        new_state = []
        for var, value in self._updates:
            if isinstance(value, _Advance):
                new_state.append(KeyVariable.advance(env[id(var)]))
            else:
                value = env[id(value)] if isinstance(value, Tensor) else value
                new_state.append(jnp.asarray(value, var.aval.dtype))
        return outputs, new_state

    def __call__(self, inputs=()):
        # The hot path of every training step: plain loops, no generators.
        if type(inputs) not in (list, tuple):
            inputs = [inputs] if isinstance(inputs, (np.ndarray, jax.Array)) else list(inputs)
        if len(inputs) != self._n_inputs:
            raise ValueError(
                f"Function '{self.name}' takes {self._n_inputs} input(s) "
                f"({', '.join(p.name for p in self.inputs)}), received {len(inputs)}."
            )
        learning_phase = 0
        if self._phase_index is not None:
            learning_phase = self.inputs[self._phase_index].check_feed(inputs[self._phase_index])
            inputs = [v for i, v in enumerate(inputs) if i != self._phase_index]
        elif self._uses_phase:
            learning_phase = phase.default_value()
        values = [p.check_feed(v) for p, v in zip(self._fed, inputs)]
        outputs, new_state = self._jitted(
            [v._value for v in self._mutable],
            [v._value for v in self._readonly],
            values,
            learning_phase if self._uses_phase else 0,
        )
        for var, value in zip(self._mutable, new_state):
            var._value = value
        if self._single:
            return np.asarray(outputs[0])
        return [np.asarray(o) for o in outputs]

    def run_steps(self, sources, indices, per_step=(), learning_phase=0):
        """Runs the graph once per row of `indices`, all in one program (`lax.scan`).

        At step `s` the first placeholders take `source[indices[s]]` (rows gathered
        on the device, so data is transferred once), the rest take `per_step[j][s]`.
        State is carried from step to step; returns each output stacked over steps.
        """
        sources = [p.check_feed(v) for p, v in zip(self._fed, sources)]
        key = (len(sources), learning_phase if self._uses_phase else 0)
        program = self._scans.get(key)
        if program is None:
            program = self._scans[key] = jax.jit(
                functools.partial(self._scan, n_sources=len(sources)),
                static_argnums=(5,), donate_argnums=(0,),
            )
        outputs, new_state = program(
            [v._value for v in self._mutable], [v._value for v in self._readonly],
            list(sources), indices, list(per_step), key[1],
        )
        for var, value in zip(self._mutable, new_state):
            var._value = value
        return [np.asarray(o) for o in outputs]

    def _scan(self, mutable, readonly, sources, indices, per_step, learning_phase, n_sources):
        def step(state, xs):
            rows, extras = xs
            inputs = [source[rows] for source in sources] + list(extras)
            outputs, new_state = self._pure(state, readonly, inputs, learning_phase)
            return new_state, outputs

        final, outputs = jax.lax.scan(step, mutable, (indices, per_step))
        return outputs, final


class _Advance:
    """Marks the implicit update that moves a random key to its next state."""

    def __init__(self, var):
        self.var = var


def _check_inputs(inputs):
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    inputs = list(inputs)
    seen = {}
    for i, p in enumerate(inputs):
        if not isinstance(p, Placeholder):
            raise TypeError(
                f"`inputs[{i}]` must be a placeholder (`K.placeholder` or `K.learning_phase()`). "
                f"Received: {p!r}"
            )
        if id(p) in seen:
            raise ValueError(
                f"Placeholder '{p.name}' is used twice in `inputs`, "
                f"at indices {seen[id(p)]} and {i}."
            )
        seen[id(p)] = i
    return inputs


def _check_updates(updates):
    checked, seen = [], set()
    for i, update in enumerate(updates):
        if not (isinstance(update, (tuple, list)) and len(update) == 2):
            raise TypeError(
                f"`updates[{i}]` must be a pair (variable, new_value) as made by `K.update`. "
                f"Received: {update!r}"
            )
        var, value = update
        if not isinstance(var, Variable):
            raise TypeError(f"`updates[{i}]` must update a Variable. Received: {var!r}")
        if id(var) in seen:
            raise ValueError(f"Variable '{var.name}' is updated twice in `updates`.")
        seen.add(id(var))
        shape = value.shape if isinstance(value, Tensor) else jnp.shape(value)
        if len(shape) != len(var.shape) or any(
            d is not None and d != e for d, e in zip(shape, var.shape)
        ):
            raise ValueError(
                f"`updates[{i}]` gives variable '{var.name}' of shape {var.shape} "
                f"a value of shape {tuple(shape)}."
            )
        checked.append((var, value))
    return checked


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras's `K.function`: compiles `outputs` and `updates` of the graph."""
    if kwargs:
        raise TypeError(f"Unexpected keyword argument(s) to `function`: {sorted(kwargs)}")
    return Function(inputs, outputs, updates=updates, name=name)

