"""Unique default names per prefix (`dense`, `dense_1`, …), reset by `clear_session`."""

import collections

_counts = collections.Counter()


def unique(prefix):
    count = _counts[prefix]
    _counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset():
    _counts.clear()
