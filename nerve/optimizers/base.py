"""`Optimizer`: Keras arguments and state in Variables around an optax transformation."""

import functools
import re
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from nerve import config
from nerve.compile import Function, gradients
from nerve.graph import Placeholder, Tensor, Variable, apply
from nerve.optimizers.checks import (
    _flag,
    _name,
    _non_negative,
    _number,
    _owner,
    _positive_or_none,
)
from nerve.optimizers.schedules import _deserialize_schedule
from nerve.optimizers.transforms import _clip_each_by_norm
from nerve.utils import serialization, validation

# The optimizers.


class _Default(float):
    """A default value that knows it was not passed, so `lr=` can be told from
    `learning_rate=`. It is the float it shows (`learning_rate=0.001`)."""


_RATE, _SGD_RATE = _Default(0.001), _Default(0.01)


class _Built(NamedTuple):
    """What a compiled step needs to know of the weights it was built for."""

    slot_tree: Any
    decay_mask: Any
    constraints: list


class _CallableList(list):
    """A list that returns itself when called: `optimizer.variables` and
    `optimizer.variables()` both work, as in tf-keras."""

    def __call__(self):
        return self


class Optimizer:
    """Base class: maps Keras arguments onto an optax transformation.

    A subclass lists its hyperparameters in `_hyperparameters` (attribute names,
    also its config keys) and implements `_optax(learning_rate, step)`, the optax
    transformation of one step; `learning_rate` and `step` (counted from 1) are
    traced scalars, so they change without a recompile. Clipping, weight decay,
    the schedule and the state Variables are handled here.

    Args:
        learning_rate: a non-negative number, a `LearningRateSchedule`, or a
            callable from the step (from 0) to the rate. `lr` is an alias.
        name: the optimizer's name, prefix of its Variables' names.
        weight_decay: decoupled weight decay: each step the weights lose
            `learning_rate * weight_decay` of themselves (None: none).
        clipnorm: clips each gradient to this norm.
        clipvalue: clips each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clips the gradients together to this global norm.
            At most one of the three clippings can be set.
        decay: Keras 2's learning-rate decay: the rate used at step `t` (from 0)
            is `learning_rate / (1 + decay * t)`.
        use_ema, ema_momentum, ema_overwrite_frequency, jit_compile,
            is_legacy_optimizer: accepted for tf-keras configs; a moving average
            of the weights is not supported (`use_ema` must be False), and every
            step is compiled anyway.
    """

    _hyperparameters = ()

    def __init__(
        self, learning_rate, name, weight_decay=None, clipnorm=None, clipvalue=None,
        global_clipnorm=None, decay=0.0, use_ema=False, ema_momentum=0.99,
        ema_overwrite_frequency=None, jit_compile=True, **kwargs,
    ):
        cls = type(self).__name__
        self.name = _name(cls, "name", name)
        owner = self._owner = _owner(cls, name)
        kwargs.pop("is_legacy_optimizer", None)  # in tf-keras configs; nothing to do
        if "lr" in kwargs:
            lr = kwargs.pop("lr")
            if type(learning_rate) is not _Default:
                raise TypeError(
                    f"{owner} got both `learning_rate` and its alias `lr`; pass one. "
                    f"Received: learning_rate={learning_rate!r}, lr={lr!r}"
                )
            learning_rate = lr
        if kwargs:
            names = ", ".join(repr(k) for k in sorted(kwargs))
            raise TypeError(f"{owner} got unexpected keyword argument(s): {names}.")

        if isinstance(learning_rate, Tensor) or not callable(learning_rate):
            value = _number(
                owner, "learning_rate", learning_rate,
                "a non-negative number or a learning-rate schedule", lambda v: v >= 0,
            )
            self._schedule = None
        else:
            value = learning_rate(0)
            self._schedule = learning_rate
        self.weight_decay = None
        if weight_decay is not None:
            self.weight_decay = _non_negative(owner, "weight_decay", weight_decay)
        self.clipnorm = _positive_or_none(owner, "clipnorm", clipnorm)
        self.clipvalue = _positive_or_none(owner, "clipvalue", clipvalue)
        self.global_clipnorm = _positive_or_none(owner, "global_clipnorm", global_clipnorm)
        clips = {
            k: v
            for k, v in zip(
                ("clipnorm", "clipvalue", "global_clipnorm"), (clipnorm, clipvalue, global_clipnorm)
            )
            if v is not None
        }
        if len(clips) > 1:
            received = ", ".join(f"{k}={v!r}" for k, v in clips.items())
            raise ValueError(
                f"{owner}: at most one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                f"set. Received: {received}"
            )
        self.decay = _non_negative(owner, "decay", decay)
        if use_ema is not False:
            validation.fail(owner, "use_ema", use_ema, "False (no moving average of the weights)")
        self.use_ema = False
        self.ema_momentum = _number(
            owner, "ema_momentum", ema_momentum, "a float in the range [0, 1]",
            lambda v: 0 <= v <= 1,
        )
        if ema_overwrite_frequency is not None:
            ema_overwrite_frequency = validation.positive_int(
                owner, "ema_overwrite_frequency", ema_overwrite_frequency
            )
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.jit_compile = _flag(owner, "jit_compile", jit_compile)

        self.iterations = Variable(0, "int32", name=f"{self.name}/iterations", trainable=False)
        self._learning_rate = Variable(
            value, config.floatx(), name=f"{self.name}/learning_rate", trainable=False
        )
        self._params = None  # the weights the slots were built for
        self._slots = []
        self._built = None
        self._exclude_vars = []
        self._exclude_names = []
        self._eager = {}

    # The learning rate.

    @property
    def learning_rate(self):
        """The learning rate: a scalar Variable (with a schedule: the rate of the last step)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if self._schedule is not None:
            raise TypeError(
                f"{self._owner} was created with a learning-rate schedule, so its learning "
                "rate cannot be set. Create it with a number as `learning_rate` instead."
            )
        value = _number(
            self._owner, "learning_rate", value, "a non-negative number", lambda v: v >= 0
        )
        self._learning_rate.assign_value(value)

    lr = learning_rate  # the Keras 2 name: the same property, the same Variable

    # The optax transformation of one step.

    def _optax(self, learning_rate, step):
        raise NotImplementedError(f"{type(self).__name__} does not implement `_optax`.")

    def _clipping(self):
        if self.clipnorm is not None:
            return _clip_each_by_norm(self.clipnorm)
        if self.global_clipnorm is not None:
            return optax.clip_by_global_norm(self.global_clipnorm)
        if self.clipvalue is not None:
            return optax.clip(self.clipvalue)
        return None

    def _transformation(self, learning_rate, step, decay_mask=None):
        clipping = self._clipping()
        parts = [] if clipping is None else [clipping]
        parts.append(self._optax(learning_rate, step))
        if self.weight_decay:
            # Decoupled, as tf-keras: w -= learning_rate * weight_decay * w.
            parts.append(
                optax.add_decayed_weights(-learning_rate * self.weight_decay, decay_mask)
            )
        return optax.chain(*parts)

    def _rate(self, iterations, learning_rate):
        """The learning rate of the step that starts at `iterations`."""
        if self._schedule is not None:
            learning_rate = jnp.asarray(self._schedule(iterations), learning_rate.dtype)
        if self.decay:
            learning_rate = learning_rate / (1.0 + self.decay * iterations)
        return learning_rate

    def _step(self, built, params, grads, slots, iterations, learning_rate):
        """The graph op: one optax update on concrete (traced) arrays."""
        rate = self._rate(iterations, learning_rate)
        transformation = self._transformation(rate, iterations + 1, built.decay_mask)
        state = jax.tree.unflatten(built.slot_tree, slots)
        updates, state = transformation.update(grads, state, params)
        new_params = optax.apply_updates(params, updates)
        new_params = [
            p if constraint is None else constraint(p)
            for p, constraint in zip(new_params, built.constraints)
        ]
        return new_params, jax.tree.leaves(state), iterations + 1, rate

    # Building the state.

    def build(self, params):
        """Creates the slot Variables for `params`; `get_updates` calls it.

        Called again with the same weights it does nothing. With other weights
        (a model compiled again after freezing layers) it makes fresh slots, as
        Keras 2 did on every `get_updates`; functions compiled before keep theirs.
        """
        params = self._check_params(params)
        if self._built is not None and [id(p) for p in params] == [id(p) for p in self._params]:
            return
        decay_mask = None
        if self.weight_decay and (self._exclude_vars or self._exclude_names):
            decay_mask = [self._use_weight_decay(p) for p in params]
        values = [p.value for p in params]
        rate = jnp.asarray(self._learning_rate.value)
        state = self._transformation(rate, jnp.asarray(1, jnp.int32), decay_mask).init(values)
        leaves, slot_tree = jax.tree_util.tree_flatten_with_path(state)
        names = set()
        self._slots = [
            Variable(
                np.asarray(leaf), jnp.dtype(leaf.dtype).name,
                _unique_name(self._slot_name(path, params), names), trainable=False,
            )
            for path, leaf in leaves
        ]
        self._params = params
        constraints = [getattr(p, "constraint", None) for p in params]
        self._built = _Built(slot_tree, decay_mask, constraints)

    def _slot_name(self, path, params):
        # e.g. "Adam/mu/dense/kernel" for the first moment of "dense/kernel", "Adam/count".
        fields = [k.name for k in path if isinstance(k, jax.tree_util.GetAttrKey)]
        name = "/".join([self.name, *fields]) if fields else f"{self.name}/slot"
        last = path[-1] if path else None
        if isinstance(last, jax.tree_util.SequenceKey) and fields and last.idx < len(params):
            name += "/" + params[last.idx].name
        return name

    def _check_params(self, params):
        if isinstance(params, Tensor):
            params = [params]
        params = list(params)
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Variable):
                raise TypeError(f"`params[{i}]` must be a Variable. Received: {p!r}")
            if not jnp.issubdtype(p.aval.dtype, jnp.floating):
                raise TypeError(
                    f"`params[{i}]` ('{p.name}') must be a float Variable to be trained. "
                    f"Received dtype {p.dtype}."
                )
            if id(p) in seen:
                raise ValueError(f"Variable '{p.name}' appears twice in `params`.")
            seen.add(id(p))
        return params

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Keeps weight decay off `var_list` and off weights whose name matches any of
        `var_names` (regular expressions, searched). Call it before the optimizer is built."""
        if self._built is not None:
            raise ValueError(
                f"{self._owner} is already built; call `exclude_from_weight_decay` before "
                "`get_updates`/`build`."
            )
        self._exclude_vars = list(var_list or [])
        self._exclude_names = list(var_names or [])

    def _use_weight_decay(self, p):
        return all(p is not v for v in self._exclude_vars) and not any(
            re.search(pattern, p.name) for pattern in self._exclude_names
        )

    # Updates.

    def get_gradients(self, loss, params):
        """The gradients the update uses: `K.gradients(loss, params)`, clipped as configured."""
        grads = gradients(loss, self._check_params(params))
        clip = self._clipping()
        if clip is None:
            return grads

        def clip_gradients(grads):
            return clip.update(grads, clip.init(grads))[0]

        return apply(clip_gradients, (grads,), name=f"{self.name}/clip_gradients")

    def get_updates(self, loss, params):
        """The `(Variable, new_value)` updates of one training step, for `K.function`.

        Example:
        >>> import numpy as np
        >>> from nerve import backend as K
        >>> w = K.variable(np.array([3.0]))
        >>> from nerve.optimizers import Adam
        >>> opt = Adam(learning_rate=0.1)
        >>> loss = K.sum(K.square(w))
        >>> step = K.function([], [loss], updates=opt.get_updates(loss, [w]))
        >>> float(step([])[0])  # the loss before the step
        9.0
        >>> np.round(K.get_value(w), 4)
        array([2.9], dtype=float32)
        """
        if not isinstance(loss, Tensor):
            raise TypeError(
                "`get_updates(loss, params)` needs a symbolic `loss` (and a list of "
                f"Variables as `params`). Received: loss={loss!r}"
            )
        params = self._check_params(params)
        return self._updates(gradients(loss, params), params)

    def _updates(self, grads, params):
        self.build(params)
        new_params, new_slots, iterations, rate = apply(
            functools.partial(self._step, self._built),
            (params, list(grads), self._slots, self.iterations, self._learning_rate),
            name=f"{self.name}/update",
        )
        updates = [(self.iterations, iterations)]
        updates += list(zip(params, new_params)) + list(zip(self._slots, new_slots))
        if self._schedule is not None:  # the rate of the last step, as tf-keras
            updates.append((self._learning_rate, rate))
        return updates

    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs.

        With symbolic gradients this returns the updates (as `get_updates`); with
        arrays it runs the step at once (compiled once per set of variables) and
        returns `iterations`.
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        grads, params = zip(*pairs)
        params = self._check_params(params)
        if any(isinstance(g, Tensor) for g in grads):
            return self._updates(grads, params)
        key = tuple(id(p) for p in params)
        if key not in self._eager:
            feeds = [Placeholder(p.shape, p.dtype, name=f"gradient_{i}") for i, p in
                     enumerate(params)]
            self._eager[key] = Function(
                feeds, [], updates=self._updates(feeds, params), name=f"{self.name}/apply"
            )
        self._eager[key](list(grads))
        return self.iterations

    # State.

    @property
    def variables(self):
        """`iterations`, then the slots (in optax's state order): callable, as in tf-keras."""
        return _CallableList([self.iterations, *self._slots])

    @property
    def weights(self):
        return list(self.variables)

    def get_weights(self):
        """The values of `variables()` as numpy arrays."""
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights):
        """Sets `variables()` from arrays, as `get_weights` returns them."""
        weights = list(weights)
        variables = self.variables
        if len(weights) != len(variables):
            hint = (
                " Its slots are made by `get_updates(loss, params)` or `build(params)`; "
                "call one of them first."
                if self._built is None else ""
            )
            raise ValueError(
                f"{self._owner} has {len(variables)} weight(s) (iterations and slots), "
                f"received a list of {len(weights)}.{hint}"
            )
        for variable, value in zip(variables, weights):
            variable.assign_value(value)

    # Configs.

    def get_config(self):
        if self._schedule is not None:
            learning_rate = serialization.serialize_object(self._schedule)
        else:
            # The shortest decimal that is the Variable's value: 0.001, not 0.0010000000474974513.
            learning_rate = float(str(self._learning_rate.numpy()[()]))
        config = {
            "name": self.name,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "jit_compile": self.jit_compile,
            "is_legacy_optimizer": False,
            "learning_rate": learning_rate,
        }
        if self.decay:
            config["decay"] = self.decay
        config.update({k: getattr(self, k) for k in self._hyperparameters})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), (dict, str)):
            config["learning_rate"] = _deserialize_schedule(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _unique_name(name, taken):
    unique, i = name, 1
    while unique in taken:
        unique, i = f"{name}_{i}", i + 1
    taken.add(unique)
    return unique
