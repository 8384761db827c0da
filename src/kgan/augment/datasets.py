"""Classifier training data that mixes real batches with generated fakes, as ``keras.utils.PyDataset``s.

Two uses, one mechanism (every batch: ``batch_size`` real examples plus ``round(fake_ratio *
batch_size)`` fakes; the real examples are shuffled and each is seen once per epoch, so a classifier
trained on the mixed data takes the same number of steps over the same real data as one trained on the
real data alone):

- [`RejectClassDataset`][kgan.augment.datasets.RejectClassDataset]: fakes labelled as an extra class ``K`` ("not a real digit"), optionally
  the hardest ones (hard-negative mining) — the classifier learns to reject what only looks real.
- [`ConditionalFakesDataset`][kgan.augment.datasets.ConditionalFakesDataset]: fakes from a conditional generator labelled as the class they were
  generated for — more examples per class when real data is scarce.

Labels come out as they went in: integer classes give integer classes, one-hot rows give one-hot rows
(``K + 1`` columns for the reject class).
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from kgan.arguments import check_int, check_number
from kgan.augment.checks import check_classifier, check_labels, class_probabilities
from kgan.augment.sources import as_source
from kgan.errors import ConfigurationError, DataError

__all__ = ["ConditionalFakesDataset", "RejectClassDataset"]


def _fraction(name: str, value: Any, low_open: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (0 < value if low_open else 0 <= value) and value <= 1
    if not ok:
        interval = "(0, 1]" if low_open else "[0, 1]"
        raise ConfigurationError(f"{name}: expected a number in {interval}, received {value!r}.")
    return float(value)


class _MixedDataset(keras.utils.PyDataset):
    """Real batches with ``round(fake_ratio * batch_size)`` fakes appended; the fakes of an epoch are
    drawn when it starts (the first in ``__init__``, the next ones in ``on_epoch_end``)."""

    num_outputs: int

    def __init__(self, x, y, fakes, num_classes, batch_size, fake_ratio, seed, shuffle, **kwargs):
        super().__init__(**kwargs)
        check_int("num_classes", num_classes, 2)
        check_int("batch_size", batch_size)
        check_number("fake_ratio", fake_ratio, 0, 8, low_open=True, meaning=" (fakes per real example, e.g. 0.5)")
        self.x = np.asarray(x, dtype=np.float32)
        if self.x.ndim < 2 or len(self.x) == 0:
            raise DataError(f"x: expected real examples (n, *sample_shape) with n >= 1; received shape {self.x.shape}.")
        if len(np.asarray(y)) != len(self.x):
            raise DataError(f"y: {len(np.asarray(y))} labels for {len(self.x)} examples; give one label per example.")
        self.num_classes = int(num_classes)
        self.classes, self.one_hot = check_labels(y, self.num_classes)
        self.source = as_source(fakes)
        if tuple(self.source.sample_shape) != tuple(self.x.shape[1:]):
            raise ConfigurationError(
                f"fakes: the generator makes samples of shape {tuple(self.source.sample_shape)} but x has shape "
                f"{tuple(self.x.shape[1:])}; use a generator trained on images of the classifier's shape."
            )
        low, high = float(self.x.min()), float(self.x.max())
        if high > 1.5 or low < -1.5:
            raise DataError(
                f"x: values span [{low:g}, {high:g}] but kgan generators make images in [-1, 1]; scale the real "
                "images the same way (x / 127.5 - 1 for 0-255 images) so real and fake differ in content, not range."
            )
        self.batch_size, self.fake_ratio = int(batch_size), float(fake_ratio)
        self.fakes_per_batch = max(1, round(self.fake_ratio * self.batch_size))
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.epoch = 0
        self._order = np.arange(len(self.x))
        self._start_epoch()

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def _draw_fakes(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _start_epoch(self) -> None:
        if self.shuffle:
            self._order = self.rng.permutation(len(self.x))
        self._fake_x, self._fake_y = self._draw_fakes(len(self) * self.fakes_per_batch)

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._start_epoch()

    def _labels(self, classes: np.ndarray) -> np.ndarray:
        if self.one_hot:
            return np.eye(self.num_outputs, dtype=np.float32)[classes]
        return classes.astype(np.int64)

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        fake = slice(index * self.fakes_per_batch, (index + 1) * self.fakes_per_batch)
        x = np.concatenate([self.x[rows], self._fake_x[fake]])
        classes = np.concatenate([self.classes[rows], self._fake_y[fake]])
        return x, self._labels(classes)


class RejectClassDataset(_MixedDataset):
    """Real examples of ``K`` classes plus generated fakes labelled as class ``K`` (a reject class).

    Train a classifier with ``K + 1`` outputs on it with plain ``model.fit(dataset, epochs=...)``;
    at inference, ``argmax == K`` means "not one of the real classes".

    >>> data = RejectClassDataset(x, y, fakes=[gan], num_classes=10, fake_ratio=0.5,
    ...                           hard_negatives=0.5, classifier=model)
    >>> model.fit(data, epochs=10)

    Args:
        x: Real examples ``(n, *sample_shape)`` in the generators' range (``[-1, 1]`` for kgan's).
        y: Their classes: integers ``(n,)`` or one-hot ``(n, K)``; batches carry the same form
            (one-hot batches get ``K + 1`` columns).
        fakes: A [`FakeSource`][kgan.augment.FakeSource] (generated on the fly, fresh every epoch), a
            [`FakePool`][kgan.augment.FakePool] (pre-generated), a generator, or a list of generators.
        num_classes: ``K``, the number of real classes.
        batch_size: Real examples per batch; each batch also carries ``round(fake_ratio * batch_size)`` fakes.
        fake_ratio: Fakes per real example, in ``(0, 8]``.
        hard_negatives: Fraction of each epoch's fakes chosen as the hardest: from
            ``mining_factor`` times as many candidates, the ones ``classifier`` gives the lowest
            probability of class ``K`` (the fakes it currently gets most wrong). The rest are drawn at
            random, so the classifier keeps seeing ordinary fakes. Mining starts with the second epoch
            (an untrained classifier's "hardest" are noise).
        mining_factor: Candidates per mined fake.
        classifier: The model being trained; needed when ``hard_negatives > 0``. Checked to read
            ``sample_shape`` and to have a softmax or logit head with ``K + 1`` outputs.
        seed: Seed of the shuffling and of the fakes.
        shuffle: Shuffle the real examples every epoch.
        **kwargs: ``workers``, ``use_multiprocessing``, ``max_queue_size`` of ``keras.utils.PyDataset``.

    Attributes:
        mined_reject_probability: After each mining, the mean ``p(K | x)`` the classifier gave the mined
            fakes (low: it was fooled by them), one entry per epoch that mined.
    """

    def __init__(
        self,
        x,
        y,
        fakes,
        num_classes: int,
        batch_size: int = 32,
        fake_ratio: float = 0.5,
        hard_negatives: float = 0.0,
        mining_factor: int = 4,
        classifier: keras.Model | None = None,
        seed: int = 0,
        shuffle: bool = True,
        **kwargs,
    ):
        self.hard_negatives = _fraction("hard_negatives", hard_negatives)
        check_int("mining_factor", mining_factor)
        if self.hard_negatives > 0 and classifier is None:
            raise ConfigurationError(
                "hard_negatives > 0 mines the fakes the classifier gets most wrong, so it needs classifier=: "
                "pass the model you are about to train (or set hard_negatives=0)."
            )
        self.mining_factor = mining_factor
        self.num_outputs = int(num_classes) + 1
        self.mined_reject_probability: list[float] = []
        self.classifier = None
        super().__init__(x, y, fakes, num_classes, batch_size, fake_ratio, seed, shuffle, **kwargs)
        if classifier is not None:
            check_classifier(classifier, self.x.shape[1:], self.num_outputs)
        self.classifier = classifier

    @property
    def reject_class(self) -> int:
        """The label of the fakes: ``K``."""
        return self.num_classes

    def _draw_fakes(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        n_hard = round(self.hard_negatives * n) if (self.classifier is not None and self.epoch > 0) else 0
        images, _ = self.source.draw(n - n_hard, self.rng)
        if n_hard:
            candidates, _ = self.source.draw(n_hard * self.mining_factor, self.rng)
            p_reject = class_probabilities(self.classifier, candidates)[:, self.reject_class]
            hardest = np.argsort(p_reject, kind="stable")[:n_hard]
            self.mined_reject_probability.append(float(p_reject[hardest].mean()))
            images = np.concatenate([images, candidates[hardest]])
            images = images[self.rng.permutation(n)]
        return images.astype(np.float32), np.full(n, self.reject_class, dtype=np.int64)


class ConditionalFakesDataset(_MixedDataset):
    """Real examples plus fakes from a conditional generator, each labelled as the class it was
    generated for: more examples per class when real data is scarce.

    >>> data = ConditionalFakesDataset(x_few, y_few, fakes=cgan, num_classes=10, fake_ratio=1.0)
    >>> model.fit(data, epochs=30)

    Whether it helps depends on how faithful the generator's classes are; measure it with
    [`kgan.augment.measure_augmentation()`][kgan.augment.measure_augmentation] (same classifier, same steps, with and without).

    Args:
        x, y, batch_size, seed, shuffle, **kwargs: As [`RejectClassDataset`][kgan.augment.datasets.RejectClassDataset].
        fakes: Conditional generators (a [`ConditionalGANModel`][kgan.models.ConditionalGANModel], its ``.keras`` path,
            a bare ``[z, one_hot(y)]`` generator) or a labelled [`FakePool`][kgan.augment.FakePool].
        num_classes: ``K``; must equal the generator's number of classes.
        fake_ratio: Fakes per real example, in ``(0, 8]``; classes are balanced among the fakes.
    """

    def __init__(self, x, y, fakes, num_classes: int, batch_size: int = 32, fake_ratio: float = 1.0, seed: int = 0, shuffle: bool = True, **kwargs):
        self.num_outputs = int(num_classes) if isinstance(num_classes, (int, np.integer)) else num_classes
        source = as_source(fakes)
        if source.num_classes is None:
            raise ConfigurationError(
                "fakes: ConditionalFakesDataset needs class-conditional fakes (a cgan, or a FakePool with labels); "
                "these are unconditional. For unconditional fakes use RejectClassDataset."
            )
        if source.num_classes != num_classes:
            raise ConfigurationError(f"fakes: the generator has {source.num_classes} classes but num_classes is {num_classes}; they must agree.")
        super().__init__(x, y, source, num_classes, batch_size, fake_ratio, seed, shuffle, **kwargs)

    def _draw_fakes(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        images, labels = self.source.draw(n, self.rng)
        return images.astype(np.float32), labels.astype(np.int64)
