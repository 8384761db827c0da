"""Save the model every epoch, atomically, and never a model that produced NaN."""

from __future__ import annotations

from pathlib import Path

import keras

from kgan.arguments import check_int
from kgan.callbacks.nan_guard import first_non_finite

__all__ = ["AtomicCheckpoint", "check_snapshot_every"]


def check_snapshot_every(snapshot_every) -> int:
    """``snapshot_every`` as an int: 0 (no snapshots) or a positive number of epochs."""
    return check_int("snapshot_every", snapshot_every, 0, meaning=" (epochs; 0: no snapshots)")


class AtomicCheckpoint(keras.callbacks.Callback):
    """``model.save(path)`` after every ``every_epochs`` epochs, through a temporary file and a rename.

    Skips the save (keeping the previous file) when the model has a ``stop_reason`` (set by
    [`StopOnNaN`][kgan.callbacks.StopOnNaN]) or when any epoch log is NaN or Inf.

    Args:
        path: The ``.keras`` file, overwritten at every save.
        every_epochs: Epochs between saves.
        snapshot_every: Also keep a copy of the saved file every this many epochs, as
            ``snapshots_dir/epoch_NNNN.keras`` (0: none). Snapshots along training are fakes of
            varied quality for [`kgan.augment`][kgan.augment] (``kgan harden --gan RUN_DIR`` uses them all).
        snapshots_dir: Where the snapshots go; default ``snapshots`` beside ``path``.
    """

    def __init__(self, path, every_epochs: int = 1, snapshot_every: int = 0, snapshots_dir=None):
        super().__init__()
        self.path, self.every_epochs = path, int(every_epochs)
        self.snapshot_every = check_snapshot_every(snapshot_every)
        self.snapshots_dir = Path(snapshots_dir) if snapshots_dir is not None else Path(path).parent / "snapshots"

    def on_epoch_end(self, epoch, logs=None):
        from kgan.files import copy_file_atomically, save_model_atomically

        if (epoch + 1) % self.every_epochs:
            return
        if getattr(self.model, "stop_reason", None) or first_non_finite(logs) is not None:
            return
        saved = save_model_atomically(self.model, self.path)
        if self.snapshot_every and (epoch + 1) % self.snapshot_every == 0:
            self.snapshots_dir.mkdir(parents=True, exist_ok=True)
            copy_file_atomically(saved, self.snapshots_dir / f"epoch_{epoch + 1:04d}.keras")
