"""Keras callbacks that let you watch a GAN train.

- [`SampleGrid`][kgan.callbacks.SampleGrid]: a PNG grid from the model's fixed latents every N epochs or steps.
- [`FrechetEvaluation`][kgan.callbacks.FrechetEvaluation]: Frechet distance, KID and classifier score every N epochs; can stop at a target.
- [`Diagnostics`][kgan.callbacks.Diagnostics]: ``metrics.csv``, ``training.png`` and warnings when a run looks unhealthy.
- [`StopOnNaN`][kgan.callbacks.StopOnNaN]: stops on NaN/Inf in any logged value (Keras' ``TerminateOnNaN`` reads only ``loss``).
- [`StopOnSignal`][kgan.callbacks.StopOnSignal]: Ctrl-C and SIGTERM stop at the next step boundary, checkpoint intact.
- [`StepLog`][kgan.callbacks.StepLog]: every N-th step's logs in ``metrics-steps.csv``, drawn by ``training.png``.
- [`ProgressLine`][kgan.callbacks.ProgressLine]: a progress bar with the few numbers a person watches.
- [`AtomicCheckpoint`][kgan.callbacks.AtomicCheckpoint]: saves the model each epoch through a temporary file, never a NaN model.
"""

from kgan.callbacks.checkpoint import AtomicCheckpoint
from kgan.callbacks.diagnostics import Diagnostics, TrainingHealthWarning
from kgan.callbacks.evaluation import FrechetEvaluation
from kgan.callbacks.interrupt import StopOnSignal
from kgan.callbacks.nan_guard import StopOnNaN
from kgan.callbacks.progress import ProgressLine
from kgan.callbacks.samples import SampleGrid
from kgan.callbacks.step_log import StepLog

__all__ = ["SampleGrid", "FrechetEvaluation", "Diagnostics", "TrainingHealthWarning", "StopOnNaN", "StopOnSignal", "AtomicCheckpoint", "ProgressLine", "StepLog"]
