"""How well a conditional generator obeys its labels: a classifier reads the class of its samples."""

from __future__ import annotations

import dataclasses

import numpy as np

from kgan.errors import ConfigurationError

__all__ = ["ConditionalAccuracy", "conditional_accuracy"]


@dataclasses.dataclass(frozen=True)
class ConditionalAccuracy:
    """``per_class[k]``: fraction of samples generated for class ``k`` that the classifier reads as ``k``;
    ``mean``: their average (each class weighs the same)."""

    mean: float
    per_class: tuple[float, ...]
    n_per_class: int

    def __str__(self) -> str:
        classes = " ".join(f"{k}:{a:.2f}" for k, a in enumerate(self.per_class))
        return f"conditional accuracy {self.mean:.3f} ({classes}; {self.n_per_class} samples per class)"


def conditional_accuracy(gan, n_per_class: int = 200, seed: int = 0, feature_extractor=None) -> ConditionalAccuracy:
    """Generate ``n_per_class`` samples for every class of a conditional GAN and classify them.

    Args:
        gan: A [`ConditionalGANModel`][kgan.models.ConditionalGANModel] (any model whose
            [`capabilities`][kgan.models.gan_model.GANModel.capabilities] declare ``num_classes``).
        n_per_class: Samples per class.
        seed: Seed of the latents.
        feature_extractor: A [`FeatureExtractor`][kgan.metrics.FeatureExtractor] with a logits layer whose classes
            are the GAN's labels; default kgan's MNIST classifier (28x28x1 samples).

    Returns:
        [`ConditionalAccuracy`][kgan.metrics.conditional.ConditionalAccuracy].
    """
    from kgan.models.capabilities import capabilities_of

    capabilities = capabilities_of(gan)
    if capabilities is None or not capabilities.num_classes:
        what = "a model that " + capabilities.describe() if capabilities else type(gan).__name__
        raise ConfigurationError(f"conditional_accuracy needs a class-conditioned GAN (such as cgan); received {what}.")
    if feature_extractor is None:
        from kgan.metrics.evaluation import default_feature_extractor

        feature_extractor = default_feature_extractor(gan.sample_shape)
    labels = np.repeat(np.arange(gan.num_classes), n_per_class)
    samples = gan.generate(len(labels), labels=labels, seed=seed)
    _, probabilities = feature_extractor.features_and_probabilities(samples)
    if probabilities is None or probabilities.shape[1] < gan.num_classes:
        raise ConfigurationError(
            f"The feature extractor must have a logits layer with at least {gan.num_classes} classes for conditional_accuracy."
        )
    correct = probabilities.argmax(axis=1) == labels
    per_class = tuple(float(correct[labels == k].mean()) for k in range(gan.num_classes))
    return ConditionalAccuracy(mean=float(np.mean(per_class)), per_class=per_class, n_per_class=int(n_per_class))
