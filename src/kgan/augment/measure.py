"""Did class-conditional fakes help? The same classifier trained with and without them, over seeds."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from kgan.augment.checks import check_labels, class_probabilities, head_kind
from kgan.augment.classifier import small_classifier
from kgan.augment.datasets import ConditionalFakesDataset
from kgan.errors import ConfigurationError

__all__ = ["AugmentationGain", "measure_augmentation"]


@dataclasses.dataclass(frozen=True)
class AugmentationGain:
    """Held-out accuracy of the same classifier trained on real data alone and with conditional fakes.

    ``real_only[i]`` and ``augmented[i]`` share seed ``seeds[i]`` (same initial weights, same real
    batches); ``gain`` is the mean of ``augmented - real_only`` and ``gain_std`` its standard deviation
    over seeds.
    """

    real_only: tuple[float, ...]
    augmented: tuple[float, ...]
    seeds: tuple[int, ...]

    @property
    def gain(self) -> float:
        return float(np.mean(np.subtract(self.augmented, self.real_only)))

    @property
    def gain_std(self) -> float:
        return float(np.std(np.subtract(self.augmented, self.real_only)))

    def __str__(self) -> str:
        return (
            f"real only {100 * np.mean(self.real_only):.1f}%, with fakes {100 * np.mean(self.augmented):.1f}% "
            f"(gain {100 * self.gain:+.1f} +- {100 * self.gain_std:.1f} points over {len(self.seeds)} seeds)"
        )


def measure_augmentation(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    fakes: Any,
    num_classes: int,
    epochs: int = 30,
    batch_size: int = 32,
    fake_ratio: float = 1.0,
    seeds: Sequence[int] = (0, 1, 2),
    build_classifier: Callable[[tuple, int], keras.Model] | None = None,
    learning_rate: float = 1e-3,
) -> AugmentationGain:
    """Train the same classifier with and without class-conditional fakes; compare held-out accuracy.

    Both runs of a seed start from the same weights and take the same steps over the same real
    batches; the augmented run's batches also carry ``round(fake_ratio * batch_size)`` fakes of
    balanced classes ([`ConditionalFakesDataset`][kgan.augment.ConditionalFakesDataset]).

    Args:
        x_train, y_train: The (scarce) real training data, images in ``[-1, 1]`` and classes.
        x_test, y_test: Held-out real data the accuracy is measured on.
        fakes: A conditional generator, its ``.keras`` path, or a labelled
            [`FakePool`][kgan.augment.FakePool].
        num_classes: ``K``.
        epochs, batch_size, fake_ratio, learning_rate: Training settings shared by both runs.
        seeds: One pair of runs per seed.
        build_classifier: ``(input_shape, K) -> keras.Model``; default [`small_classifier()`][kgan.augment.small_classifier].
    """
    if not seeds:
        raise ConfigurationError("seeds: expected at least one seed, received an empty sequence.")
    classes, _ = check_labels(y_train, num_classes, name="y_train")
    test_classes, _ = check_labels(y_test, num_classes, name="y_test")
    build = build_classifier or (lambda shape, k: small_classifier(shape, k))
    shape = tuple(np.asarray(x_train).shape[1:])
    real_only, augmented = [], []
    for seed in seeds:
        for with_fakes, results in ((False, real_only), (True, augmented)):
            keras.utils.set_random_seed(int(seed))
            model = build(shape, num_classes)
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=head_kind(model) == "logits"),
            )
            data = ConditionalFakesDataset(
                x_train, classes, fakes if with_fakes else _NoFakes(shape, num_classes), num_classes,
                batch_size=batch_size, fake_ratio=fake_ratio, seed=int(seed),
            )  # fmt: skip
            model.fit(data, epochs=epochs, verbose=0)
            accuracy = float((class_probabilities(model, x_test).argmax(axis=1) == test_classes).mean())
            results.append(accuracy)
    return AugmentationGain(tuple(real_only), tuple(augmented), tuple(int(s) for s in seeds))


class _NoFakes:
    """A conditional source that draws nothing: the real-only run goes through the same dataset code
    (same shuffling, same batches) with the fake part of every batch empty."""

    def __init__(self, sample_shape: tuple, num_classes: int):
        self.sample_shape, self.num_classes = tuple(sample_shape), num_classes

    def draw(self, n: int, rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros((0, *self.sample_shape), np.float32), np.zeros((0,), np.int64)
