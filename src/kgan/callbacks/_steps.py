"""What the callbacks share: the generator-update count they report steps in, and which logged
values are numbers."""

from __future__ import annotations

from kgan.models.counting import generator_steps

__all__ = ["generator_steps", "numeric_logs"]


def numeric_logs(logs) -> dict:
    """The logged values that are numbers, as floats (Keras logs may hold tensors or strings)."""
    out = {}
    for key, value in (logs or {}).items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            continue
    return out
