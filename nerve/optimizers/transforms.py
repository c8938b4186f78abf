"""optax transformations that optax does not ship (FTRL, per-tensor clipping)."""

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

# optax pieces that optax does not ship.


def _clip_each_by_norm(max_norm):
    """tf-keras `clipnorm`: every gradient clipped by its own norm. optax only clips by
    the global norm, which for a single array is that array's norm."""
    clip = optax.clip_by_global_norm(max_norm)
    return optax.stateless_with_tree_map(lambda g, _: clip.update(g, clip.init(g))[0])


class FtrlState(NamedTuple):
    accumulator: Any
    linear: Any


def ftrl(
    learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
    l1_regularization_strength=0.0, l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0, beta=0.0,
):
    """FTRL-proximal as tf-keras computes it, as an optax GradientTransformation.

    optax (0.2.x) has no FTRL, so this is the one update rule written in nerve.
    FTRL sets each weight from its accumulators rather than stepping it, so the
    update returned is `new_weight - weight`; it needs `params`.
    """
    power = -learning_rate_power
    l1 = l1_regularization_strength
    l2 = l2_regularization_strength + beta / (2.0 * learning_rate)

    def init(params):
        return FtrlState(
            accumulator=jax.tree.map(lambda p: jnp.full_like(p, initial_accumulator_value), params),
            linear=jax.tree.map(jnp.zeros_like, params),
        )

    def one(g, w, accumulator, linear):
        new_accumulator = accumulator + g * g
        linear = (
            linear
            + g
            + 2 * l2_shrinkage_regularization_strength * w
            - (new_accumulator**power - accumulator**power) / learning_rate * w
        )
        quadratic = new_accumulator**power / learning_rate + 2 * l2
        new_w = (jnp.clip(linear, -l1, l1) - linear) / quadratic
        return new_w - w, new_accumulator, linear

    def update(updates, state, params=None):
        if params is None:
            raise ValueError("The FTRL update needs the current weights: pass `params`.")
        leaves, treedef = jax.tree.flatten(updates)
        columns = ([], [], [])
        for args in zip(
            leaves,
            treedef.flatten_up_to(params),
            treedef.flatten_up_to(state.accumulator),
            treedef.flatten_up_to(state.linear),
        ):
            for column, value in zip(columns, one(*args)):
                column.append(value)
        new_updates, accumulator, linear = (treedef.unflatten(c) for c in columns)
        return new_updates, FtrlState(accumulator, linear)

    return optax.GradientTransformation(init, update)
