"""A progress line with the few numbers a person watches; everything else goes to ``metrics.csv``."""

from __future__ import annotations

import keras

__all__ = ["ProgressLine", "WATCHED"]

WATCHED = ("d_loss", "g_loss", "d_real", "d_fake", "frechet_distance")
"""What [`ProgressLine`][kgan.callbacks.ProgressLine] shows by default: both losses, the mean raw
output of D on real and on fake batches, and the latest Frechet distance when one is computed."""


class ProgressLine(keras.callbacks.ProgbarLogger):
    """Keras' progress bar restricted to a few logged values.

    A GAN logs a dozen values per step (losses, both D accuracies, gradient norms, the penalty...);
    all of them in Keras' default bar make a line of about 480 characters that wraps in any terminal.
    This bar shows only ``shown`` (values a step does not log are left out), and with ``verbose=2``
    (what ``kgan train`` uses when its output is not a terminal) one plain line per epoch.
    Keras adds no bar of its own when one is in the callbacks.

    Args:
        shown: Names of the logged values to show, in order. Default [`WATCHED`][kgan.callbacks.progress.WATCHED].

    Example:
        >>> gan.fit(x, epochs=5, callbacks=[kgan.callbacks.ProgressLine()])  # doctest: +SKIP
    """

    def __init__(self, shown: tuple[str, ...] = WATCHED):
        super().__init__()
        self.shown = tuple(shown)

    def _watched(self, logs):
        return None if logs is None else {k: logs[k] for k in self.shown if k in logs}

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, self._watched(logs))

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, self._watched(logs))
