"""Utilities: to_categorical (also as np_utils), normalize, set_random_seed."""

import random

import numpy as np
import pytest

import nerve
from nerve.utils import np_utils, to_categorical


def test_to_categorical_matches_an_identity_lookup():
    labels = np.array([3, 0, 2, 2, 1])
    out = np_utils.to_categorical(labels, 4)
    np.testing.assert_array_equal(out, np.eye(4)[labels])
    assert out.dtype == np.float32
    assert to_categorical is np_utils.to_categorical


def test_to_categorical_infers_classes_and_drops_a_trailing_axis():
    out = to_categorical(np.array([[1], [2]]))
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out, [[0, 1, 0], [0, 0, 1]])
    assert to_categorical(np.array([[0, 1], [1, 1]]), 2).shape == (2, 2, 2)
    assert to_categorical([1.0, 0.0], dtype="int32").dtype == np.int32


def test_to_categorical_errors():
    with pytest.raises(ValueError, match="`y` holds label 5, which does not fit num_classes=3"):
        to_categorical([5], num_classes=3)
    with pytest.raises(ValueError, match="`y` must hold labels >= 0. Received a label -1"):
        to_categorical([-1, 2])
    with pytest.raises(ValueError, match="`y` must hold integer class labels"):
        to_categorical([0.5])


def test_normalize_gives_unit_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(np_utils.normalize(x), [[0.6, 0.8], [0.0, 0.0]])


def test_set_random_seed_seeds_numpy_and_python_too():
    nerve.utils.set_random_seed(7)
    first = (np.random.rand(), random.random())
    nerve.utils.set_random_seed(7)
    assert (np.random.rand(), random.random()) == first
