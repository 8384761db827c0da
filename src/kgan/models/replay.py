"""A memory of past fakes for the discriminator (Shrivastava et al., 2017; CycleGAN's image pool)."""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["replay_mix"]


def replay_mix(buffer, count, fake, fraction: float, seed):
    """D's fakes from fresh ``fake`` and a ring buffer of past ones; updates the buffer in place.

    Each of the ``batch`` fresh fakes is swapped, with probability ``fraction``, for one drawn
    uniformly from the filled part of ``buffer`` (nothing is swapped while it is empty); then the fresh
    fakes overwrite the oldest entries.

    Args:
        buffer: Variable ``(size, *sample_shape)``.
        count: int64 scalar variable: fakes written so far (the ring's write position is ``count % size``).
        fake: ``(batch, *sample_shape)`` fresh fakes (detached from the generator).
        fraction: Swap probability in ``[0, 1]``.
        seed: A ``keras.random.SeedGenerator``.

    Returns:
        ``(batch, *sample_shape)``: the mixed fakes.
    """
    size = buffer.shape[0]
    n = ops.shape(fake)[0]
    filled = ops.cast(ops.minimum(count, size), "float32")
    pick = ops.cast(ops.floor(keras.random.uniform((n,), seed=seed) * filled), "int32")
    remembered = ops.take(buffer, ops.minimum(pick, size - 1), axis=0)
    swap = ops.logical_and(keras.random.uniform((n,), seed=seed) < fraction, filled > 0)
    swap = ops.reshape(swap, (-1,) + (1,) * (len(fake.shape) - 1))
    mixed = ops.where(swap, ops.cast(remembered, fake.dtype), fake)
    slots = ops.mod(ops.cast(count, "int32") + ops.arange(n, dtype="int32"), size)
    buffer.assign(ops.scatter_update(buffer, ops.expand_dims(slots, 1), ops.cast(fake, buffer.dtype)))
    count.assign(count + ops.cast(n, "int64"))
    return mixed
