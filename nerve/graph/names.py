"""Unique default names per prefix (`dense`, `dense_1`, …), reset by `clear_session`."""

import collections

_counts = collections.Counter()


def unique(prefix):
    count = _counts[prefix]
    _counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset():
    _counts.clear()


def numbered(prefix):
    """`input_1`, `input_2`, … (tf-keras numbers model inputs from 1)."""
    _counts[prefix] += 1
    return f"{prefix}_{_counts[prefix]}"
