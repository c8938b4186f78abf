"""The learning phase: one placeholder, static in every compiled program."""

from nerve.graph.tensor import LearningPhase

_PHASE = LearningPhase()
_value = None


def learning_phase():
    """The learning-phase tensor (0 = test, 1 = train), or the value set by
    `set_learning_phase`. List it in a function's inputs to feed it per call."""
    return _PHASE if _value is None else _value


def placeholder():
    return _PHASE


def set_learning_phase(value):
    global _value
    if value not in (0, 1, None):
        raise ValueError(f"The learning phase must be 0, 1 or None. Received: value={value!r}")
    _value = None if value is None else int(value)


def default_value():
    """The phase a function uses when it is not fed: the one set, else 0 (test)."""
    return 0 if _value is None else _value
