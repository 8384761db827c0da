"""A classifier that answers "class k" or "reject" by itself: its calibrated rule saved with its weights.

A hardened classifier has ``K + 1`` outputs, the last one the fake ("not any of these") class; a plain
one has ``K``. Either way, *rejecting* needs a rule on top of the probabilities, and the rule that was
measured is the one that must travel with the weights. [`RejectingClassifier`][kgan.augment.RejectingClassifier]
wraps the classifier with that rule, so ``hardened.keras`` loads as a model whose
[`rejects()`][kgan.augment.RejectingClassifier.rejects] and [`classify()`][kgan.augment.RejectingClassifier.classify]
apply the operating point the report measured:

>>> import kgan, keras
>>> model = keras.models.load_model("runs/harden/hardened.keras")   # after `import kgan`
>>> model.classify(images)          # (n,) digit 0-9, or -1 where the model rejects the image
>>> model.rejects(images)           # (n,) booleans
>>> model.predict(images)           # (n, K + 1) probabilities, as before

Rules, with ``p`` the class probabilities of one image and ``t`` the saved threshold:

- ``"reject_class"`` (``K + 1`` outputs): reject when ``1 - p[K] < t``, i.e. when the fake class holds
  more than ``1 - t`` of the probability; ``t = None``: reject when ``argmax p == K``.
- ``"confidence"`` (``K`` outputs, any classifier): reject when ``max_k p[k] < t``.

``t`` is calibrated on clean held-out data for a chosen false-reject rate
([`calibrate()`][kgan.augment.RejectingClassifier.calibrate]).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from kgan.arguments import check_number
from kgan.augment.checks import class_probabilities, head_kind
from kgan.errors import ConfigurationError

__all__ = ["RULES", "RejectingClassifier", "equal_rate_threshold", "realness"]

RULES = ("reject_class", "confidence")


def realness(probabilities: np.ndarray, rule: str) -> np.ndarray:
    """How real each image looks under ``rule``: ``1 - p[:, -1]`` (``"reject_class"``) or
    ``max_k p[:, k]`` (``"confidence"``); ``(n, outputs) -> (n,)``. Lower means more likely rejected."""
    p = np.asarray(probabilities)
    return 1.0 - p[:, -1] if rule == "reject_class" else p.max(axis=1)


def equal_rate_threshold(clean_realness: np.ndarray, false_reject_rate: float) -> float:
    """The threshold ``t`` for which ``realness < t`` rejects a fraction ``false_reject_rate`` of clean data.

    ``t`` is the ``k``-th smallest clean realness with ``k = round(rate * n)``, so exactly ``k`` clean
    inputs fall below it (fewer when there are ties at ``t``).
    """
    values = np.sort(np.asarray(clean_realness, dtype=np.float64))
    k = round(false_reject_rate * len(values))
    return float(values[min(k, len(values) - 1)]) if k < len(values) else float(np.inf)


def _check_rule(rule: Any, threshold: Any, outputs: int | None) -> None:
    if rule not in RULES:
        raise ConfigurationError(f"rule: expected one of {RULES}, received {rule!r}.")
    if threshold is None:
        if rule == "confidence":
            raise ConfigurationError("threshold: the 'confidence' rule needs a number (a highest class probability below it is rejected); received None.")
    else:
        check_number("threshold", threshold, none=True, meaning=" such as 0.58")
    if outputs is not None and outputs < (3 if rule == "reject_class" else 2):
        raise ConfigurationError(
            f"classifier: the {rule!r} rule needs {'K + 1 >= 3' if rule == 'reject_class' else 'K >= 2'} outputs; it has {outputs}."
        )


@keras.saving.register_keras_serializable(package="kgan")
class RejectingClassifier(keras.Model):
    """A classifier plus the rule that decides when it rejects an input; saved and loaded as one model.

    Args:
        classifier: A built Keras model ``(batch, H, W, C) -> (batch, outputs)`` with a softmax or
            linear (logit) head.
        threshold: The rule's threshold ``t`` (see the module's rules); ``None`` with
            ``"reject_class"``: reject when the fake class is the argmax.
        rule: ``"reject_class"`` (the last output is the fake class; ``K = outputs - 1`` real
            classes) or ``"confidence"`` (``K = outputs`` real classes).
        head: ``"softmax"`` or ``"logits"``; default: read from the classifier's last layer.

    Calling the model (and ``predict``) gives probabilities ``(batch, outputs)`` whatever the head.
    """

    #: Calling this model gives probabilities (read by [`head_kind()`][kgan.augment.head_kind]).
    returns_probabilities = True

    def __init__(self, classifier: keras.Model, threshold: float | None = None, rule: str = "reject_class", head: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(classifier, keras.Model):
            raise ConfigurationError(f"classifier: expected a keras.Model, received {type(classifier).__name__}.")
        try:
            outputs = classifier.output_shape[-1]
        except (AttributeError, ValueError):  # a subclassed model that does not know its shape
            outputs = None
        _check_rule(rule, threshold, outputs)
        if head is None:
            head = head_kind(classifier)
        elif head not in ("softmax", "logits"):
            raise ConfigurationError(f"head: expected 'softmax', 'logits' or None (read it from the model), received {head!r}.")
        self.classifier = classifier
        self.threshold = None if threshold is None else float(threshold)
        self.rule, self.head = rule, head
        if classifier.built:
            self.built = True

    @classmethod
    def calibrate(cls, classifier: keras.Model, clean_images: np.ndarray, false_reject_rate: float, rule: str = "reject_class") -> RejectingClassifier:
        """The classifier with the threshold that rejects ``false_reject_rate`` of ``clean_images``.

        ``clean_images`` should be real, held-out examples ``(n, H, W, C)`` (not the training data,
        on which the classifier is over-confident); with ``n`` of a few thousand the rate is met to
        within about ``1 / n``.
        """
        check_number("false_reject_rate", false_reject_rate, 0, 1, high_open=True, meaning=" such as 0.02")
        if len(clean_images) == 0:
            raise ConfigurationError("clean_images: received none; give held-out real images to calibrate on.")
        scores = realness(class_probabilities(classifier, clean_images), rule)
        return cls(classifier, threshold=equal_rate_threshold(scores, float(false_reject_rate)), rule=rule)

    @property
    def num_classes(self) -> int:
        """``K``, the real classes (the fake class not counted)."""
        outputs = int(self.classifier.output_shape[-1])
        return outputs - 1 if self.rule == "reject_class" else outputs

    @property
    def input_shape(self) -> tuple:
        """``(None, H, W, C)``, the wrapped classifier's."""
        return self.classifier.input_shape

    @property
    def output_shape(self) -> tuple:
        """``(None, outputs)``, the wrapped classifier's."""
        return self.classifier.output_shape

    def call(self, x, training=False):
        p = self.classifier(x, training=training)
        return keras.ops.softmax(p, axis=-1) if self.head == "logits" else p

    def compute_output_spec(self, x, training=False):
        return self.classifier.compute_output_spec(x)

    def probabilities(self, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """``p(class | image)`` ``(n, outputs)`` as float64, inference mode."""
        return class_probabilities(self, images, batch_size)

    def rejects(self, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """``(n,)`` booleans: whether the saved rule rejects each image ``(n, H, W, C)``."""
        return self._rejected(self.probabilities(images, batch_size))

    def classify(self, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """``(n,)`` int64: the most probable of the ``K`` real classes, or ``-1`` where the rule rejects."""
        p = self.probabilities(images, batch_size)
        classes = p[:, : self.num_classes].argmax(axis=1).astype(np.int64)
        return np.where(self._rejected(p), -1, classes)

    def _rejected(self, p: np.ndarray) -> np.ndarray:
        if self.threshold is None:  # "reject_class" with the argmax rule
            return p.argmax(axis=1) == p.shape[1] - 1
        return realness(p, self.rule) < self.threshold

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "classifier": keras.saving.serialize_keras_object(self.classifier),
            "threshold": self.threshold,
            "rule": self.rule,
            "head": self.head,
        }

    @classmethod
    def from_config(cls, config: dict) -> RejectingClassifier:
        config = dict(config)
        config["classifier"] = keras.saving.deserialize_keras_object(config["classifier"])
        return cls(**config)
