"""Evaluate a generator against real data: Frechet distance, KID and classifier score in one call."""

from __future__ import annotations

import dataclasses

import numpy as np

from kgan.errors import ConfigurationError, DataError
from kgan.metrics.distances import (
    frechet_distance_from_features,
    kernel_inception_distance,
)
from kgan.metrics.features import FeatureExtractor
from kgan.metrics.manifold import precision_recall
from kgan.metrics.scores import classifier_score

__all__ = ["GeneratorEvaluation", "evaluate_samples", "evaluate_generator", "MIN_SAMPLES", "default_feature_extractor", "feature_extractor", "FEATURE_CHOICES"]

MIN_SAMPLES = 50
"""Fewest samples kgan accepts for these metrics; below it the covariance estimate is meaningless."""


@dataclasses.dataclass(frozen=True)
class GeneratorEvaluation:
    """Metric values for one set of generated samples.

    Attributes:
        frechet_distance: Squared Frechet distance of feature statistics (lower is better).
        kid: Unbiased kernel inception distance, mean over subsets (lower is better).
        kid_std: Its standard deviation over subsets.
        classifier_score: ``exp(E KL(p(y|x) || p(y)))`` (higher is better), ``None`` without logits.
        n: Samples per set.
        precision: Share of generated samples inside the real manifold, ``k = 3``
            ([`precision_recall()`][kgan.metrics.precision_recall]); low when samples look wrong.
        recall: Share of real samples inside the generated manifold; low when samples miss part of the data.
        features: The feature extractor's protocol (which network, which layer, how inputs are prepared).
    """

    frechet_distance: float
    kid: float
    kid_std: float
    classifier_score: float | None
    n: int
    precision: float | None = None
    recall: float | None = None
    features: str | None = None

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


_DEFAULT_EXTRACTOR: FeatureExtractor | None = None


def default_feature_extractor(sample_shape: tuple) -> FeatureExtractor:
    """kgan's MNIST extractor for 28x28x1 samples; other shapes need an explicit extractor."""
    global _DEFAULT_EXTRACTOR
    if tuple(sample_shape) != (28, 28, 1):
        raise ConfigurationError(
            f"kgan's MNIST feature extractor reads 28x28x1 digits only; samples of shape {tuple(sample_shape)} "
            f"need feature_extractor=kgan.metrics.InceptionFeatureExtractor() (the standard FID network) or "
            f"kgan.metrics.FeatureExtractor(your_model, layer='...')."
        )
    if _DEFAULT_EXTRACTOR is None:
        from kgan.metrics.features import mnist_feature_extractor

        _DEFAULT_EXTRACTOR = mnist_feature_extractor()
    return _DEFAULT_EXTRACTOR


FEATURE_CHOICES = ("auto", "mnist", "inception")
"""Names [`feature_extractor()`][kgan.metrics.feature_extractor] takes besides a ``.keras`` path."""


def _is_image_shape(shape: tuple) -> bool:
    return len(shape) == 3 and shape[-1] in (1, 3)


def check_features(spec) -> tuple[str, str]:
    """``(path, layer)`` of a ``"PATH.keras[:LAYER]"`` spec, ``(spec, "")`` for a name; refuses anything else."""
    if isinstance(spec, str) and spec in FEATURE_CHOICES:
        return spec, ""
    if isinstance(spec, str):
        path, sep, layer = spec.rpartition(":")
        if not sep or not path.endswith(".keras"):
            path, layer = spec, ""
        if path.endswith(".keras"):
            return path, layer
    raise ConfigurationError(f"features (--features) must be one of {', '.join(FEATURE_CHOICES)} or PATH.keras[:LAYER], received {spec!r}")


def feature_extractor(spec: str = "auto", sample_shape: tuple | None = None) -> FeatureExtractor:
    """The feature extractor a name or path stands for.

    Args:
        spec: ``"mnist"`` (kgan's digit classifier, 28x28x1 only, offline, cheap); ``"inception"`` (the
            standard FID network, any image size, about 5.7 GFLOP an image); ``"auto"`` (``mnist`` for
            28x28x1 samples, ``inception`` otherwise); or ``"PATH.keras[:LAYER]"``, a user's own Keras
            model whose ``LAYER`` output (default: its last layer) is the feature vector.
        sample_shape: Shape of one sample, for ``"auto"`` and to check ``"mnist"``.

    Raises:
        kgan.errors.ConfigurationError: An unknown name, a missing file, or ``mnist`` for other shapes.
    """
    path, layer = check_features(spec)
    shape = None if sample_shape is None else tuple(sample_shape)
    if spec == "auto":
        spec = "mnist" if shape in (None, (28, 28, 1)) or not _is_image_shape(shape) else "inception"
    if spec == "mnist":
        return default_feature_extractor(shape or (28, 28, 1))
    if spec == "inception":
        from kgan.metrics.inception import InceptionFeatureExtractor

        return InceptionFeatureExtractor()
    import os

    import keras

    if not os.path.exists(path):
        raise ConfigurationError(f"features={spec!r}: {path} does not exist; give a saved Keras model (.keras).")
    model = keras.models.load_model(path, compile=False)
    layer = layer or model.layers[-1].name
    return FeatureExtractor(model, layer=layer)


def _check_n(n: int, what: str) -> None:
    if n < MIN_SAMPLES:
        raise DataError(f"{what}: {n} samples; the Frechet distance and KID need at least {MIN_SAMPLES} (2,000 or more for stable values).")


def evaluate_samples(
    fake: np.ndarray,
    real: np.ndarray,
    feature_extractor: FeatureExtractor | None = None,
    real_features: np.ndarray | None = None,
) -> GeneratorEvaluation:
    """Metrics of ``fake`` samples against ``real`` ones (same shape, same value range).

    Args:
        fake: Generated samples ``(n, *shape)``.
        real: Real samples ``(m, *shape)``; ignored when ``real_features`` is given.
        feature_extractor: Defaults to kgan's MNIST classifier for 28x28x1 data.
        real_features: Precomputed features of the real set (saves time in callbacks).
    """
    fake = np.asarray(fake, dtype=np.float32)
    _check_n(len(fake), "generated set")
    extractor = feature_extractor or default_feature_extractor(fake.shape[1:])
    if real_features is None:
        real = np.asarray(real, dtype=np.float32)
        _check_n(len(real), "real set")
        if real.shape[1:] != fake.shape[1:]:
            raise DataError(f"real samples have shape {real.shape[1:]} but generated ones {fake.shape[1:]}; evaluate against data of the model's shape.")
        real_features = extractor.features(real)
    fake_features, probs = extractor.features_and_probabilities(fake)
    kid, kid_std = kernel_inception_distance(fake_features, real_features, subset_size=min(1000, len(fake), len(real_features)))
    manifold = precision_recall(real_features, fake_features)
    return GeneratorEvaluation(
        frechet_distance=frechet_distance_from_features(fake_features, real_features),
        kid=kid,
        kid_std=kid_std,
        classifier_score=None if probs is None else classifier_score(probs),
        n=len(fake),
        precision=manifold.precision,
        recall=manifold.recall,
        features=getattr(extractor, "protocol", None),
    )


def evaluate_generator(gan, real: np.ndarray, n: int = 2000, seed: int = 0, feature_extractor: FeatureExtractor | None = None) -> GeneratorEvaluation:
    """Generate ``n`` samples with ``gan`` (``seed`` fixed) and compare them with ``n`` real ones."""
    _check_n(n, "n")
    if len(real) > n:  # choose before converting: real may be images on disk (kgan.datasets.DiskImages)
        real = real[np.random.default_rng(seed).choice(len(real), n, replace=False)]
    real = np.asarray(real)
    return evaluate_samples(gan.generate(n, seed=seed), real, feature_extractor)
