"""The generator-update count the callbacks report steps in."""

from __future__ import annotations

import keras


def generator_steps(model) -> int:
    """``model.g_optimizer.iterations`` as a Python int (also when ``tf.distribute`` replicates it)."""
    return int(keras.ops.convert_to_numpy(model.g_optimizer.iterations))
