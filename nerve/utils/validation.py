"""One error template for constructor arguments, shared by every layer and object.

    Invalid value for `units` of Dense "dense": expected a positive integer.
    Received: units=0
"""

import numbers


def fail(owner, arg, value, expected):
    raise ValueError(
        f"Invalid value for `{arg}` of {owner}: expected {expected}. Received: {arg}={value!r}"
    )


def owner_of(obj, name=None):
    """How an error names `obj`: its class, and its name when it has one."""
    name = name if name is not None else getattr(obj, "name", None)
    return f'{type(obj).__name__} "{name}"' if name else type(obj).__name__


def positive_int(owner, arg, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        fail(owner, arg, value, "a positive integer")
    return int(value)


def non_negative_int(owner, arg, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        fail(owner, arg, value, "a non-negative integer")
    return int(value)


def rate(owner, arg, value):
    """A probability of dropping: a number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        fail(owner, arg, value, "a float in the range [0, 1)")
    return float(value)


def non_negative_float(owner, arg, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        fail(owner, arg, value, "a non-negative number")
    return float(value)


def one_of(owner, arg, value, choices):
    if value not in choices:
        fail(owner, arg, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def int_tuple(owner, arg, value, n, minimum=1):
    """An int or a sequence of `n` ints, each at least `minimum`, as a tuple."""
    items = (value,) * n if isinstance(value, numbers.Integral) else value
    try:
        items = tuple(items)
    except TypeError:
        items = ()
    if (
        len(items) != n
        or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in items)
        or any(v < minimum for v in items)
    ):
        what = "positive" if minimum == 1 else f"at least {minimum}"
        fail(owner, arg, value, f"an integer or a tuple of {n} integers, each {what}")
    return tuple(int(v) for v in items)


def shape_tuple(owner, arg, value):
    """A shape: a sequence of positive ints or None."""
    try:
        items = tuple(value)
    except TypeError:
        fail(owner, arg, value, "a tuple of positive integers or None")
    for v in items:
        if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral) or v <= 0):
            fail(owner, arg, value, "a tuple of positive integers or None")
    return tuple(None if v is None else int(v) for v in items)
