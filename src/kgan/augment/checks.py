"""Checks made before a classifier trains on fakes: labels, shapes and the classifier's head."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from kgan.errors import ConfigurationError, DataError

__all__ = ["check_classifier", "check_labels", "class_probabilities", "head_kind"]


def check_labels(y: Any, num_classes: int, name: str = "y") -> tuple[np.ndarray, bool]:
    """Integer classes ``(n,)`` from sparse labels ``(n,)`` or one-hot labels ``(n, num_classes)``.

    Returns:
        ``(classes, one_hot)``: the classes as int64 and whether the labels came one-hot.

    Raises:
        kgan.errors.DataError: Labels of another shape, non-integer sparse labels, rows that are not
            one-hot, or classes outside ``[0, num_classes)``.
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 2:
        if y.shape[1] != num_classes:
            raise DataError(f"{name}: one-hot labels must have {num_classes} columns (num_classes); received shape {y.shape}.")
        if not (np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
            raise DataError(f"{name}: 2-D labels must be one-hot (one 1 per row, zeros elsewhere); pass integer classes (n,) otherwise.")
        return y.argmax(axis=1).astype(np.int64), True
    if y.ndim != 1:
        raise DataError(f"{name}: expected integer classes (n,) or one-hot labels (n, {num_classes}); received shape {y.shape}.")
    if not np.issubdtype(y.dtype, np.integer) and not (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y))):
        raise DataError(f"{name}: sparse labels must be whole numbers; received dtype {y.dtype} with fractional values.")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise DataError(
            f"{name}: class labels must lie in [0, {num_classes - 1}] for num_classes={num_classes}; "
            f"received values from {y.min()} to {y.max()}. Fix the labels or num_classes."
        )
    return y.astype(np.int64), False


def head_kind(classifier: keras.Model) -> str:
    """``"softmax"`` when the classifier's last layer ends in a softmax (or its class declares
    ``returns_probabilities = True``), ``"logits"`` when it is linear.

    Raises:
        kgan.errors.ConfigurationError: Any other head (sigmoid, relu, ...), which cannot be read as a
            distribution over classes.
    """
    if getattr(type(classifier), "returns_probabilities", False) is True:  # e.g. a RejectingClassifier
        return "softmax"
    last = classifier.layers[-1]
    activation = getattr(last, "activation", None)
    if isinstance(last, keras.layers.Softmax) or activation is keras.activations.softmax:
        return "softmax"
    if activation is None or activation is keras.activations.linear:
        return "logits"
    name = getattr(activation, "__name__", type(last).__name__)
    raise ConfigurationError(
        f"classifier: its last layer {last.name!r} ends in {name!r}; kgan needs a softmax head or a linear "
        "(logit) head over the classes. Replace the activation with 'softmax' or None."
    )


def check_classifier(classifier: keras.Model, sample_shape: tuple, num_outputs: int) -> str:
    """Check that ``classifier`` reads ``sample_shape`` images and has a softmax/logit head of ``num_outputs``.

    Returns:
        [`head_kind()`][kgan.augment.checks.head_kind] of the classifier.
    """
    if not isinstance(classifier, keras.Model):
        raise ConfigurationError(f"classifier: expected a keras.Model, received {type(classifier).__name__}.")
    try:  # Functional, Sequential and RejectingClassifier know their shapes; other subclassed models may not
        input_shape, output_shape = classifier.input_shape, classifier.output_shape
    except (AttributeError, ValueError):
        input_shape = output_shape = None
    if input_shape is not None:
        expected = tuple((input_shape[0] if isinstance(input_shape, list) else input_shape)[1:])
        if len(expected) != len(sample_shape) or any(e is not None and e != s for e, s in zip(expected, sample_shape, strict=False)):
            raise ConfigurationError(
                f"classifier: it reads inputs of shape {expected} but the images (and fakes) have shape {tuple(sample_shape)}. "
                "Resize the data or build the classifier for this shape."
            )
        width = output_shape[-1] if isinstance(output_shape, tuple) and len(output_shape) == 2 else None
        if width != num_outputs:
            received = output_shape if isinstance(output_shape, list) else [output_shape]
            raise ConfigurationError(
                f"classifier: needs one output of shape (batch, {num_outputs}) ({num_outputs} classes); "
                f"its outputs have shapes {[tuple(s) for s in received]}. Give its last Dense layer {num_outputs} units."
            )
    return head_kind(classifier)


def class_probabilities(classifier: keras.Model, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """``p(class | x)`` ``(n, num_outputs)`` from a softmax or a logit head, inference mode."""
    kind = head_kind(classifier)
    x = np.asarray(x, dtype=np.float32)
    n = len(x)
    # padded to whole batches: every call has the same shape, so the predict function is traced once
    padded = np.concatenate([x, np.zeros((-n % batch_size, *x.shape[1:]), np.float32)]) if n % batch_size else x
    out = np.asarray(classifier.predict(padded, batch_size=batch_size, verbose=0), dtype=np.float64)[:n]
    if kind == "logits":
        out = np.exp(out - out.max(axis=1, keepdims=True))
        out /= out.sum(axis=1, keepdims=True)
    return out
