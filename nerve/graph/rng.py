"""Random state in the graph: PRNG keys held in Variables that each call advances."""

import itertools
import os
import random as _pyrandom

import jax
import numpy as np

from nerve.graph.node import apply
from nerve.graph.tensor import Variable

_op_ids = itertools.count(1)
_global_key = None
_seeds = np.random.default_rng()  # seeds for unseeded initializers, reset by set_seed


class KeyVariable(Variable):
    """A PRNG key; every compiled function that reads it also advances it."""

    def __init__(self, seed, name="seed_generator"):
        super().__init__(jax.random.key_data(jax.random.key(seed)), dtype="uint32", name=name)
        self.trainable = False

    def reseed(self, seed):
        self.value = jax.random.key_data(jax.random.key(seed))

    @staticmethod
    def advance(raw):
        return jax.random.key_data(jax.random.split(jax.random.wrap_key_data(raw))[0])


def global_key():
    global _global_key
    if _global_key is None:
        _global_key = KeyVariable(int.from_bytes(os.urandom(4), "little") >> 1)
    return _global_key


def set_seed(seed):
    """Seeds nerve's random ops, numpy's global generator and Python's `random`."""
    global _seeds, _op_ids
    global_key().reseed(seed)
    _op_ids = itertools.count(1)  # rebuilding a graph after reseeding redraws the same samples
    _seeds = np.random.default_rng(seed)
    np.random.seed(seed)
    _pyrandom.seed(seed)


def draw_seed():
    """A fresh integer seed (for initializers given none), reproducible after `set_seed`."""
    return int(_seeds.integers(2**31 - 1))


def _fold(raw, op_id):
    return jax.random.fold_in(jax.random.wrap_key_data(raw), op_id)


def op_key(seed=None):
    """A key tensor for one random op: from the global generator, or from a
    generator of its own when the op is given a `seed` (as TensorFlow op seeds)."""
    if seed is not None:
        return apply(_fold, (KeyVariable(seed), 0), name="rng_key")
    return apply(_fold, (global_key(), next(_op_ids)), name="rng_key")
