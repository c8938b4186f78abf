"""Utilities: seeding, `to_categorical` (also as `nerve.utils.np_utils`)."""

from nerve.graph.rng import set_seed as set_random_seed
from nerve.utils.data_utils import Sequence
from nerve.utils.np_utils import normalize, to_categorical

__all__ = ["Sequence", "normalize", "set_random_seed", "to_categorical"]
