"""Train the generators whose fakes harden a classifier: one run, kept at several stages."""

from __future__ import annotations

import os
from typing import Any

from kgan.arguments import check_int
from kgan.augment.sources import run_generators

__all__ = ["train_generators"]


def train_generators(
    dataset: Any,
    out: str | os.PathLike,
    architecture: str = "dcgan",
    epochs: int = 10,
    snapshot_every: int = 1,
    seed: int = 0,
    overwrite: bool = False,
    verbose: int = 0,
) -> list[str]:
    """Train a GAN on ``dataset`` into the run directory ``out``, keeping its model every
    ``snapshot_every`` epochs, and return the model files of every stage
    ([`run_generators()`][kgan.augment.sources.run_generators], oldest first).

    Fakes of several stages of one run, from crude to good, are what the hardening measured in the
    docs trained on: a classifier taught by the final generator alone rejects fewer fakes of other
    generators. ``kgan harden --train-gan dcgan`` calls this before hardening.

    Args:
        dataset: What [`kgan.train`][kgan.runs.train] accepts (a name, a path, ...).
        out: The run directory (``model.keras``, ``snapshots/``, sample grids).
        architecture: A registered architecture that generates single samples (``dcgan``, ``mlp``, ``cgan``).
        epochs: Training epochs.
        snapshot_every: Keep the model every this many epochs (``0``: the final model only).
        seed: The run's seed.
        overwrite: Allow writing into a directory that already holds files.
        verbose: ``fit``'s verbosity.

    Returns:
        The ``.keras`` paths of every stage kept, oldest first, ``model.keras`` last.
    """
    from kgan.runs import train

    check_int("epochs", epochs)
    check_int("snapshot_every", snapshot_every, 0, meaning=" (epochs; 0: the final model only)")
    train(
        architecture, dataset=dataset, epochs=epochs, seed=seed, out=out, overwrite=overwrite,
        evaluate_every=0, verbose=verbose, snapshot_every=snapshot_every,
    )  # fmt: skip
    return run_generators(out)
