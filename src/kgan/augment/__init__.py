"""Generated fakes for classifier training: a reject class, hard negatives, class-conditional extras.

>>> from kgan import augment
>>> data = augment.RejectClassDataset(x, y, fakes=[gan], num_classes=10, fake_ratio=0.5)
>>> classifier.fit(data, epochs=8)                    # K + 1 outputs, the last: "not a digit"
>>> rejecting = augment.RejectingClassifier.calibrate(classifier, clean_images, false_reject_rate=0.02)
>>> rejecting.classify(images)                        # the class, or -1: rejected

[`harden()`][kgan.augment.harden] trains a baseline and a hardened classifier side by side and reports what each rejects
(``kgan harden`` on the command line); [`measure_augmentation()`][kgan.augment.measure_augmentation] measures whether class-conditional
fakes help a classifier trained on scarce data.
"""

from kgan.augment.checks import (
    check_classifier,
    check_labels,
    class_probabilities,
    head_kind,
)
from kgan.augment.classifier import small_classifier
from kgan.augment.datasets import ConditionalFakesDataset, RejectClassDataset
from kgan.augment.harden import (
    HardeningResult,
    HardeningSettings,
    harden,
    stratified_split,
)
from kgan.augment.measure import AugmentationGain, measure_augmentation
from kgan.augment.probes import (
    different_class_pairs,
    digit_blends,
    inverted,
    uniform_noise,
)
from kgan.augment.rejecting import RejectingClassifier, equal_rate_threshold
from kgan.augment.sources import (
    Blends,
    FakePool,
    FakeSource,
    GeneratorSnapshots,
    Mixture,
    RandomFields,
    as_source,
    run_generators,
)
from kgan.augment.training import train_generators

__all__ = [
    "train_generators",
    "AugmentationGain",
    "Blends",
    "ConditionalFakesDataset",
    "FakePool",
    "FakeSource",
    "GeneratorSnapshots",
    "Mixture",
    "RandomFields",
    "HardeningResult",
    "RejectClassDataset",
    "RejectingClassifier",
    "as_source",
    "check_classifier",
    "check_labels",
    "class_probabilities",
    "different_class_pairs",
    "digit_blends",
    "equal_rate_threshold",
    "harden",
    "HardeningSettings",
    "head_kind",
    "inverted",
    "measure_augmentation",
    "run_generators",
    "small_classifier",
    "stratified_split",
    "uniform_noise",
]
