"""Sample grids from latents fixed once and saved with the model."""

from __future__ import annotations

import os
from pathlib import Path

import keras
import numpy as np

from kgan.arguments import check_int
from kgan.callbacks._steps import generator_steps
from kgan.visual.grid import make_grid, save_grid

__all__ = ["SampleGrid", "fixed_samples"]


def fixed_samples(gan, n: int | None = None) -> np.ndarray:
    """``gan.sample_fixed(n)``: samples from the model's fixed latents (and labels, when conditional)."""
    return gan.sample_fixed(n)


class SampleGrid(keras.callbacks.Callback):
    """Write a PNG grid of samples from the model's fixed latents.

    Files are named ``epoch_NNNN.png`` (``epoch_0000.png`` before training) or ``step_NNNNNN.png``, the
    names [`kgan.visual.build_animation()`][kgan.visual.build_animation] reads. The same latents are used at every epoch, after a
    resume and after reloading, so a frame-to-frame change is the generator's change alone.

    Args:
        directory: Where the grids go.
        every_epochs: Write after every N-th epoch (ignored when ``every_steps`` is set).
        every_steps: Write every N training steps instead.
        n: Samples per grid (at most the model's number of fixed latents).
        scale: Pixel enlargement of the PNG.
        tensorboard_dir: Also write the grid as a TensorBoard image summary here.
    """

    def __init__(self, directory, every_epochs: int = 1, every_steps: int | None = None, n: int | None = None, scale: int = 2, tensorboard_dir=None):
        super().__init__()
        for name, value in (("every_epochs", every_epochs), ("every_steps", every_steps or 1), ("scale", scale)):
            check_int(name, value, error=ValueError)
        self.directory = Path(directory)
        self.every_epochs, self.every_steps, self.n, self.scale = int(every_epochs), every_steps, n, int(scale)
        self.tensorboard_dir = tensorboard_dir
        if tensorboard_dir is not None:
            try:
                import tensorboard  # noqa: F401
            except ImportError:
                raise ImportError(
                    "SampleGrid(tensorboard_dir=...) writes image summaries, which need TensorBoard: "
                    "pip install tensorboard (or kgan[tensorboard])."
                ) from None
        self._writer = None
        self._step = 0

    def _write(self, name: str, step: int) -> None:
        samples = fixed_samples(self.model, self.n)
        if samples.ndim != 4:  # vectors (mlp): no image grid
            return
        path = self.directory / name
        columns = getattr(self.model, "grid_columns", None)
        save_grid(samples, path, columns=columns if self.n is None else None, scale=self.scale)
        if self.tensorboard_dir is not None:
            self._summary(samples, step)

    def _summary(self, samples: np.ndarray, step: int) -> None:
        import tensorflow as tf  # TensorBoard's summary writer is TensorFlow's

        if self._writer is None:
            self._writer = tf.summary.create_file_writer(os.fspath(self.tensorboard_dir))
        grid = make_grid(samples, getattr(self.model, "grid_columns", None) if self.n is None else None)
        grid = grid[None, ..., None] if grid.ndim == 2 else grid[None]
        with self._writer.as_default():
            tf.summary.image("samples", grid, step=step)
        self._writer.flush()

    def on_train_begin(self, logs=None):
        self._step = generator_steps(self.model)
        if self.every_steps is None and not (self.directory / "epoch_0000.png").exists() and self._step == 0:
            self._write("epoch_0000.png", 0)
        elif self.every_steps is not None and self._step == 0:
            self._write("step_000000.png", 0)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.every_steps is not None and self._step % self.every_steps == 0:
            self._write(f"step_{self._step:06d}.png", self._step)

    def on_epoch_end(self, epoch, logs=None):
        if self.every_steps is None and (epoch + 1) % self.every_epochs == 0:
            self._write(f"epoch_{epoch + 1:04d}.png", epoch + 1)

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
