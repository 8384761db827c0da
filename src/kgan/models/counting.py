"""The generator-update count, read the same way by models and the callbacks that watch them."""

from __future__ import annotations

import keras

__all__ = ["generator_steps"]


def generator_steps(model) -> int:
    """``model.g_optimizer.iterations`` as a Python int (also when ``tf.distribute`` replicates it,
    where ``int()`` on the variable fails)."""
    return int(keras.ops.convert_to_numpy(model.g_optimizer.iterations))
