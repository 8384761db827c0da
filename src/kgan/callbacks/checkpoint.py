"""Save the model every epoch, atomically, and never a model that produced NaN."""

from __future__ import annotations

import keras

from kgan.callbacks.nan_guard import first_non_finite

__all__ = ["AtomicCheckpoint"]


class AtomicCheckpoint(keras.callbacks.Callback):
    """``model.save(path)`` after every ``every_epochs`` epochs, through a temporary file and a rename.

    Skips the save (keeping the previous file) when the model has a ``stop_reason`` (set by
    :class:`StopOnNaN`) or when any epoch log is NaN or Inf.
    """

    def __init__(self, path, every_epochs: int = 1):
        super().__init__()
        self.path, self.every_epochs = path, int(every_epochs)

    def on_epoch_end(self, epoch, logs=None):
        from kgan.runs import save_model_atomically

        if (epoch + 1) % self.every_epochs:
            return
        if getattr(self.model, "stop_reason", None) or first_non_finite(logs) is not None:
            return
        save_model_atomically(self.model, self.path)
