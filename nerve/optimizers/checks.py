"""Argument checks shared by optimizers and schedules (the one error template)."""

import math
import numbers

import numpy as np

from nerve.utils import validation

# Argument checks.


def _number(owner, arg, value, expected, ok):
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or not ok(value)
    ):
        validation.fail(owner, arg, value, expected)
    return float(value)


def _non_negative(owner, arg, value):
    return _number(owner, arg, value, "a non-negative number", lambda v: v >= 0)


def _positive_or_none(owner, arg, value):
    if value is None:
        return None
    return _number(owner, arg, value, "a positive number or None", lambda v: v > 0)


def _fraction(owner, arg, value):
    """A decay factor: 1 would never forget, so [0, 1)."""
    return _number(owner, arg, value, "a float in the range [0, 1)", lambda v: 0 <= v < 1)


def _flag(owner, arg, value):
    if not isinstance(value, (bool, np.bool_)):
        validation.fail(owner, arg, value, "a boolean")
    return bool(value)


def _name(owner, arg, value, allow_none=False):
    if (value is None and allow_none) or (isinstance(value, str) and value):
        return value
    validation.fail(owner, arg, value, "a non-empty string" + (" or None" if allow_none else ""))


def _owner(cls_name, name):
    return cls_name if name in (None, cls_name) else f'{cls_name} "{name}"'
