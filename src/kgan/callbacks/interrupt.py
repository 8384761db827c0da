"""Stop cleanly on Ctrl-C (SIGINT) or SIGTERM: at the next step boundary, with the checkpoint intact."""

from __future__ import annotations

import signal
import threading

import keras

from kgan.callbacks._steps import generator_steps

__all__ = ["StopOnSignal"]


class StopOnSignal(keras.callbacks.Callback):
    """Turn SIGINT and SIGTERM into a clean stop at the next step boundary.

    While ``fit`` runs, the first signal only raises a flag; the step in flight finishes, then the
    model's ``stop_reason`` is set and training stops. The epoch in progress does not count as
    completed, so [`AtomicCheckpoint`][kgan.callbacks.AtomicCheckpoint] keeps the file of the last
    completed epoch, and running the same ``kgan train`` command again redoes the interrupted epoch
    from its start, exactly (the epoch's batches depend only on the seed and the epoch; like
    ``keras.callbacks.BackupAndRestore``, which also restarts the epoch). A checkpoint being written
    when the signal arrives is finished first. A second signal stops at once (the previous handler's
    behaviour: ``KeyboardInterrupt`` for SIGINT); files are still written atomically, so nothing
    half-written is left.

    Handlers are installed in ``on_train_begin`` and the previous ones restored in ``on_train_end``;
    outside the main thread (where Python cannot install them) the callback does nothing.

    Attributes:
        received: The signal number that stopped training, or ``None``.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        super().__init__()
        self.received: int | None = None
        self._previous: dict = {}
        self._epoch = 0

    def _handle(self, signum, frame):
        if self.received is not None:  # the second signal: stop now, the way it would without us
            self._restore()
            previous = self._previous_handlers.get(signum)
            if callable(previous):
                previous(signum, frame)
                return
            raise KeyboardInterrupt
        self.received = signum

    def on_train_begin(self, logs=None):
        self.received = None
        self._previous_handlers = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in self.SIGNALS:
            self._previous_handlers[sig] = signal.getsignal(sig)
            signal.signal(sig, self._handle)
        self._previous = dict(self._previous_handlers)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.received is None or getattr(self.model, "stop_reason", None):
            return
        name = signal.Signals(self.received).name
        self.model.stop_reason = (
            f"Stopped by {name} after step {generator_steps(self.model)} (epoch {self._epoch + 1}, batch {batch + 1}). "
            f"The checkpoint of the last completed epoch ({self._epoch}) is kept; run the same command to resume "
            f"(epoch {self._epoch + 1} starts again)."
        )
        self.model.stop_training = True

    def _restore(self):
        for sig, handler in self._previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        self._previous = {}

    def on_train_end(self, logs=None):
        self._restore()
