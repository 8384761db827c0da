"""Argument checks with one message style, shared by every kgan module.

Each check returns the value as a plain Python ``int`` or ``float`` and raises
[`ConfigurationError`][kgan.errors.ConfigurationError] (or the error class given) naming the argument,
what it allows and what it received:

>>> positive_int("epochs", 0)
Traceback (most recent call last):
...
kgan.errors.ConfigurationError: epochs must be a positive integer, received 0

``bool`` is refused wherever a number is expected (``True`` is an ``int`` in Python, never what a
caller meant); NumPy integers and floats are accepted.
"""

from __future__ import annotations

import numbers
from typing import Any

from kgan.errors import ConfigurationError

__all__ = ["check_int", "check_number", "check_schedule_config", "positive_int"]


def check_int(name: str, value: Any, minimum: int = 1, *, none: bool = False, meaning: str = "", error: type[Exception] = ConfigurationError) -> int | None:
    """``value`` as an ``int`` ``>= minimum`` (``None`` passes when ``none``).

    Args:
        name: The argument's name as the user wrote it (``"batch_size"``, ``"--epochs"``).
        minimum: The smallest value allowed.
        none: Whether ``None`` is allowed (returned as is).
        meaning: Appended to what is allowed, e.g. ``" (0: off)"``.
        error: The exception class raised.
    """
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        allowed = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise error(f"{name} must be {'None or ' if none else ''}{allowed}{meaning}, received {value!r}")
    return int(value)


def positive_int(name: str, value: Any) -> int:
    """``value`` as an ``int`` ``>= 1``: [`check_int()`][kgan.arguments.check_int] with its defaults."""
    return check_int(name, value)


def check_number(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    none: bool = False,
    meaning: str = "",
    error: type[Exception] = ConfigurationError,
) -> float | None:
    """``value`` as a ``float`` in the interval from ``low`` to ``high`` (either end may be open or absent).

    NaN is refused; an infinite value only where no bound excludes it.

    Args:
        name: The argument's name as the user wrote it.
        low, high: The bounds; ``None``: unbounded on that side.
        low_open, high_open: Whether the bound itself is excluded.
        none: Whether ``None`` is allowed (returned as is).
        meaning: Appended to what is allowed, e.g. ``" such as 0.02"``.
        error: The exception class raised.
    """
    if value is None and none:
        return None
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real) and value == value  # NaN != NaN
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        if low is not None and high is not None:
            allowed = f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        elif low is not None:
            allowed = f"a number {'>' if low_open else '>='} {low:g}"
        elif high is not None:
            allowed = f"a number {'<' if high_open else '<='} {high:g}"
        else:
            allowed = "a number"
        raise error(f"{name} must be {'None or ' if none else ''}{allowed}{meaning}, received {value!r}")
    return float(value)


def check_schedule_config(name: str, config: dict, allows: str, *, error: type[Exception] = ConfigurationError):
    """The ``keras.optimizers.schedules.LearningRateSchedule`` that a serialized config builds.

    Args:
        name: The argument's name as the user wrote it (``"gamma"``, ``"recipe['learning_rate']"``).
        config: The schedule's config, as ``keras.optimizers.schedules.serialize`` writes it.
        allows: What the argument allows, for the message (``"a positive number or a ..."``).
        error: The exception class raised.

    Raises:
        error: When the config does not build a schedule, with Keras' reason where it gave one.
    """
    import keras  # here, so that importing this module stays free of Keras

    try:
        built = keras.optimizers.schedules.deserialize(config)
    except Exception as reason:  # Keras raises TypeError, ValueError or KeyError for a bad config
        built = reason
    if not isinstance(built, keras.optimizers.schedules.LearningRateSchedule):  # an unknown class name comes back as a str
        raise error(
            f"{name} must be {allows} (instance or config); the config {config!r} does not build one"
            + (f": {built}" if isinstance(built, Exception) else ".")
        )
    return built
