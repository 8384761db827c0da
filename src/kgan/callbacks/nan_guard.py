"""Stop at the first NaN or Inf in any logged value."""

from __future__ import annotations

import math

import keras

from kgan.callbacks._steps import generator_steps

__all__ = ["StopOnNaN", "first_non_finite"]

_CAUSES = (
    "Usual causes: a learning rate too high for this loss (try halving it), a poisoned batch "
    "(NaN or Inf pixels in the data), or an unbounded critic without its gradient penalty."
)


def first_non_finite(logs) -> tuple[str, float] | None:
    """The first ``(key, value)`` of ``logs`` whose numeric value is NaN or infinite, else ``None``."""
    for key, value in (logs or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(number):
            return key, number
    return None


class StopOnNaN(keras.callbacks.Callback):
    """Stop training when any logged value (``d_loss``, ``g_loss``, gradient norms, ...) is NaN or Inf.

    Keras' ``TerminateOnNaN`` reads only ``logs["loss"]``, which a GAN does not log. After a stop,
    `message` says which step and which value, and the model's ``stop_reason`` is set, so
    code that saves the model afterwards (``kgan train``, [`AtomicCheckpoint`][kgan.callbacks.AtomicCheckpoint]) keeps the last
    good file instead.
    """

    def __init__(self):
        super().__init__()
        self.message: str | None = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = first_non_finite(logs)
        if bad is None:
            return
        key, number = bad
        step = generator_steps(self.model)
        self.message = (
            f"Training stopped at step {step} (epoch {self._epoch + 1}, batch {batch + 1}): "
            f"{key} is {number}. {_CAUSES} The last good checkpoint was kept."
        )
        self.model.stop_reason = self.message
        self.model.stop_training = True
