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

    Each epoch is [`epoch_permutation`][kgan.datasets.batches.epoch_permutation] cut into
    ``ceil(n / batch_size)`` batches (the last one partial), so
    ``fit(dataset, steps_per_epoch=ceil(n / batch_size), initial_epoch=first_epoch)`` reads, for every
    epoch, exactly the batches an uninterrupted run reads. (A ``keras.utils.PyDataset`` cannot promise
    this: Keras prefetches from it across its own restarts.)

    The stream is lazy: an epoch's permutation is computed when the pipeline reaches that epoch, so
    memory and the time to the first batch do not depend on ``end_epoch`` (a million epochs cost what
    one does until they are read).
    """
    import tensorflow as tf

    n = len(x)

    def order(epoch):  # runs inside tf.data, once per epoch, when that epoch is reached
        return epoch_permutation(n, seed, int(epoch))

    def epoch_of_batches(epoch):
        rows = tf.numpy_function(order, [epoch], tf.int64, stateful=False)
        rows = tf.ensure_shape(rows, [n])
        return tf.data.Dataset.from_tensor_slices(rows).batch(batch_size)

    data = tf.constant(x)
    if y is None:
        gather = lambda rows: tf.gather(data, rows)  # noqa: E731
    else:
        targets = tf.constant(y)
        gather = lambda rows: (tf.gather(data, rows), tf.gather(targets, rows))  # noqa: E731
    return (
        tf.data.Dataset.range(int(first_epoch), max(int(end_epoch), int(first_epoch) + 1))
        .flat_map(epoch_of_batches)
        .map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
    )
