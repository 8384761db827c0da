"""Batches whose order depends only on (seed, epoch), so a resumed run reads what an uninterrupted one would."""

from __future__ import annotations

import numpy as np

__all__ = ["epoch_permutation", "epoch_batches"]


def epoch_permutation(n: int, seed: int, epoch: int) -> np.ndarray:
    """The sample order of ``epoch``: ``default_rng([seed, epoch]).permutation(n)``."""
    return np.random.default_rng([int(seed), int(epoch)]).permutation(int(n))


def epoch_batches(x: np.ndarray, batch_size: int, seed: int, first_epoch: int, end_epoch: int, y: np.ndarray | None = None):
    """A ``tf.data.Dataset`` of the batches of epochs ``first_epoch .. end_epoch - 1``, in order.

    With ``y`` (labels, or a second array of the same length) it yields ``(x_batch, y_batch)`` pairs
    cut from the same rows.

    Each epoch is :func:`epoch_permutation` cut into ``ceil(n / batch_size)`` batches (the last one
    partial), so ``fit(dataset, steps_per_epoch=ceil(n / batch_size), initial_epoch=first_epoch)``
    reads, for every epoch, exactly the batches an uninterrupted run reads. (A ``keras.utils.PyDataset``
    cannot promise this: Keras prefetches from it across its own restarts.)
    """
    import tensorflow as tf

    n = len(x)
    orders = np.stack([epoch_permutation(n, seed, e) for e in range(first_epoch, max(end_epoch, first_epoch + 1))])
    data = tf.constant(x)
    if y is None:
        gather = lambda rows: tf.gather(data, rows)  # noqa: E731
    else:
        targets = tf.constant(y)
        gather = lambda rows: (tf.gather(data, rows), tf.gather(targets, rows))  # noqa: E731
    return (
        tf.data.Dataset.from_tensor_slices(orders)
        .flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
        .map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
    )
