"""Evaluate the generator during training and optionally stop at a target quality."""

from __future__ import annotations

import time

import keras
import numpy as np

from kgan.metrics.evaluation import (
    MIN_SAMPLES,
    default_feature_extractor,
    evaluate_samples,
)
from kgan.metrics.features import FeatureExtractor

__all__ = ["FrechetEvaluation"]


class FrechetEvaluation(keras.callbacks.Callback):
    """Add ``frechet_distance``, ``kid`` and ``classifier_score`` to the epoch logs every N epochs.

    The values appear in the progress bar, in ``History`` and in [`Diagnostics`][kgan.callbacks.Diagnostics]' CSV (put this
    callback before ``Diagnostics``). Generation uses fixed seeds, so successive values differ only
    because the generator changed. Evaluation time is excluded from nothing: it is reported as
    ``eval_seconds`` so that timing code can subtract it.

    Args:
        real: Real samples to compare against (at least 50; 2,000 or more for stable values): an
            array or [`DiskImages`][kgan.datasets.stream.DiskImages]; ``n`` of them are read.
        every_epochs: Evaluate after every N-th epoch.
        n: Generated samples per evaluation.
        feature_extractor: Defaults to kgan's MNIST classifier for 28x28x1 data.
        target: Stop training once the Frechet distance is at or below this value.
        seed: Seed of the generated samples.
    """

    def __init__(self, real, every_epochs: int = 1, n: int = 2000, feature_extractor: FeatureExtractor | None = None, target: float | None = None, seed: int = 0):
        super().__init__()
        if n < MIN_SAMPLES or len(real) < MIN_SAMPLES:
            raise ValueError(f"FrechetEvaluation needs n and len(real) >= {MIN_SAMPLES}, received n={n}, len(real)={len(real)}")
        if len(real) > n:  # choose before converting: real may be images on disk (kgan.datasets.DiskImages)
            real = real[np.random.default_rng(seed).choice(len(real), n, replace=False)]
        real = np.asarray(real, dtype=np.float32)
        self.extractor = feature_extractor or default_feature_extractor(real.shape[1:])
        self._real, self._real_features = real, None
        self.every_epochs, self.n, self.target, self.seed = int(every_epochs), int(n), target, seed
        self.reached_at_epoch: int | None = None

    @property
    def real_features(self) -> np.ndarray:
        """The reference set's features, computed at the first evaluation rather than before
        training starts (the first step is not kept waiting for them: 0.9 s for 2,000 digits on 2 CPU
        cores, more with Inception)."""
        if self._real_features is None:
            self._real_features, self._real = self.extractor.features(self._real), None
        return self._real_features

    def evaluate(self) -> dict:
        fake = self.model.generate(self.n, seed=self.seed)
        result = evaluate_samples(fake, None, self.extractor, real_features=self.real_features)
        out = {"frechet_distance": result.frechet_distance, "kid": result.kid}
        if result.classifier_score is not None:
            out["classifier_score"] = result.classifier_score
        return out

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_epochs:
            return
        started = time.perf_counter()
        values = self.evaluate()
        values["eval_seconds"] = time.perf_counter() - started
        if logs is not None:
            logs.update(values)
        if self.target is not None and values["frechet_distance"] <= self.target and self.reached_at_epoch is None:
            self.reached_at_epoch = epoch + 1
            self.model.stop_training = True
