"""Measures of what a GAN learned: Frechet distance (with kgan's digit classifier or the standard FID
Inception network), KID, precision and recall, classifier score, mode coverage.

>>> x = kgan.datasets.load("mnist-5k")
>>> kgan.metrics.evaluate_generator(gan, x, n=2000)      # kgan's MNIST feature extractor, offline
GeneratorEvaluation(frechet_distance=..., kid=..., kid_std=..., classifier_score=..., n=2000, precision=..., recall=..., features=...)
"""

from kgan.metrics.conditional import ConditionalAccuracy, conditional_accuracy
from kgan.metrics.distances import (
    feature_statistics,
    frechet_distance,
    frechet_distance_from_features,
    kernel_inception_distance,
)
from kgan.metrics.evaluation import (
    MIN_SAMPLES,
    GeneratorEvaluation,
    default_feature_extractor,
    evaluate_generator,
    evaluate_samples,
    feature_extractor,
)
from kgan.metrics.features import (
    FeatureExtractor,
    mnist_classifier,
    mnist_feature_extractor,
)
from kgan.metrics.inception import (
    InceptionFeatureExtractor,
    inception_network,
    inception_weights,
)
from kgan.metrics.manifold import PrecisionRecall, precision_recall
from kgan.metrics.modes import ModeCoverage, mode_coverage
from kgan.metrics.scores import classifier_score

__all__ = [
    "classifier_score",
    "conditional_accuracy",
    "ConditionalAccuracy",
    "default_feature_extractor",
    "evaluate_generator",
    "evaluate_samples",
    "feature_extractor",
    "feature_statistics",
    "FeatureExtractor",
    "frechet_distance",
    "frechet_distance_from_features",
    "GeneratorEvaluation",
    "inception_network",
    "inception_weights",
    "InceptionFeatureExtractor",
    "kernel_inception_distance",
    "MIN_SAMPLES",
    "PrecisionRecall",
    "mnist_classifier",
    "mnist_feature_extractor",
    "mode_coverage",
    "precision_recall",
    "ModeCoverage",
]
