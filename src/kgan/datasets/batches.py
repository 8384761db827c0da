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

    ``x`` may be [`DiskImages`][kgan.datasets.stream.DiskImages]: each batch's rows are then read
    from disk when tf.data needs them and converted to float32 ``x / 127.5 - 1`` (the values the
    in-memory array would hold), so memory stays at a few batches whatever the dataset's size.
    """
    import tensorflow as tf

    n = len(x)

    def order(epoch):  # runs inside tf.data, once per epoch, when that epoch is reached
        return epoch_permutation(n, seed, int(epoch))

    def epoch_of_batches(epoch):
        rows = tf.numpy_function(order, [epoch], tf.int64, stateful=False)
        rows = tf.ensure_shape(rows, [n])
        return tf.data.Dataset.from_tensor_slices(rows).batch(batch_size)

    from kgan.datasets.stream import DiskImages

    if isinstance(x, DiskImages):
        sample_shape = list(x.shape[1:])

        def read(rows):
            pixels = tf.numpy_function(x.pixels, [rows], tf.uint8, stateful=False)
            pixels = tf.ensure_shape(pixels, [None, *sample_shape])
            return tf.cast(pixels, tf.float32) / 127.5 - 1.0

        images = read
    else:
        data = tf.constant(x)
        images = lambda rows: tf.gather(data, rows)  # noqa: E731
    if y is None:
        gather = images
    else:
        targets = tf.constant(y)
        gather = lambda rows: (images(rows), tf.gather(targets, rows))  # noqa: E731
    return (
        tf.data.Dataset.range(int(first_epoch), max(int(end_epoch), int(first_epoch) + 1))
        .flat_map(epoch_of_batches)
        .map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
    )
