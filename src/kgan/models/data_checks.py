"""Checks run on training data before the first step, so a mistake costs seconds, not an epoch."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from kgan.errors import DataError

__all__ = ["first_batch", "check_samples", "two_domains"]

_RANGE_TOLERANCE = 1e-3


def _x_part(batch: Any) -> Any:
    if isinstance(batch, dict):
        return batch
    if isinstance(batch, (tuple, list)):
        return batch[0] if batch else None
    return batch


def first_batch(x: Any, y: Any = None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """A representative ``(samples, labels)`` pair for checking, as numpy, or ``(None, None)``.

    numpy arrays are returned whole (checks on them are exact); a ``tf.data.Dataset`` or
    ``keras.utils.PyDataset`` gives its first batch. Python generators are not peeked (that would
    consume them).
    """
    if x is None:
        return None, None
    if isinstance(x, keras.utils.PyDataset):
        if x.num_batches == 0:
            raise DataError("The PyDataset given to fit is empty (num_batches == 0); it must yield at least one batch.")
        batch = x[0]
        xs = _x_part(batch)
        ys = batch[1] if isinstance(batch, (tuple, list)) and len(batch) > 1 else None
        return _to_numpy(xs), _to_numpy(ys)
    try:
        import tensorflow as tf
    except ImportError:  # pragma: no cover
        tf = None
    if tf is not None and isinstance(x, tf.data.Dataset):
        for batch in x.take(1):
            xs = _x_part(batch)
            ys = batch[1] if isinstance(batch, (tuple, list)) and len(batch) > 1 else None
            return _to_numpy(xs), _to_numpy(ys)
        raise DataError("The tf.data.Dataset given to fit is empty; it must yield at least one batch.")
    if isinstance(x, (np.ndarray, list)) or hasattr(x, "__array__"):
        return np.asarray(x), None if y is None else np.asarray(y)
    return None, None


def _to_numpy(value: Any) -> np.ndarray | None:
    if value is None or isinstance(value, dict):
        return None
    return np.asarray(keras.ops.convert_to_numpy(value)) if not isinstance(value, np.ndarray) else value


def check_samples(
    samples: np.ndarray,
    expected_shape: tuple | None,
    data_range: tuple[float, float] | None,
    where: str = "x",
) -> None:
    """Raise [`DataError`][kgan.errors.DataError] when ``samples`` cannot train this model.

    Args:
        samples: Array of shape ``(n, *sample_shape)``.
        expected_shape: The discriminator's input shape without the batch axis; ``None`` entries
            match anything. ``None`` skips the check.
        data_range: ``(low, high)`` the generator can produce, usually ``(-1, 1)`` for tanh images;
            ``None`` skips the range check.
        where: How the user passed the data, for messages.
    """
    if samples.ndim == 0 or samples.shape[0] == 0:
        raise DataError(f"{where} is empty (shape {samples.shape}); give at least one sample.")
    sample_shape = tuple(samples.shape[1:])
    if expected_shape is not None:
        expected = tuple(expected_shape)
        same_rank = len(expected) == len(sample_shape)
        if not same_rank or any(e is not None and e != s for e, s in zip(expected, sample_shape)):
            hint = ""
            if len(sample_shape) + 1 == len(expected) and expected[-1] == 1:
                hint = " Add a channel axis: x = x[..., None]."
            elif len(sample_shape) == 1 and len(expected) == 3 and np.prod([e or 0 for e in expected]) == sample_shape[0]:
                hint = f" Reshape flat vectors to images: x = x.reshape(-1, {', '.join(map(str, expected))})."
            raise DataError(
                f"{where} has samples of shape {sample_shape} but the discriminator takes "
                f"{expected}.{hint} Build the model for your data, for example "
                f"kgan.architectures.get('dcgan')(input_shape={sample_shape})."
            )
    if samples.dtype == np.uint8 or np.issubdtype(samples.dtype, np.integer):
        raise DataError(
            f"{where} has integer dtype {samples.dtype} (values {samples.min()}..{samples.max()}); kgan "
            f"trains on float32 scaled to [-1, 1]. Convert with x = x.astype('float32') / 127.5 - 1 "
            f"(or kgan.datasets.to_unit_range(x))."
        )
    if not np.issubdtype(samples.dtype, np.floating):
        raise DataError(f"{where} has dtype {samples.dtype}; kgan trains on float32 arrays.")
    finite = np.isfinite(samples)
    if not finite.all():
        bad = int(np.size(finite) - np.count_nonzero(finite))
        raise DataError(f"{where} holds {bad} NaN or infinite values; clean or drop those samples before training.")
    if data_range is not None:
        low, high = data_range
        lo, hi = float(samples.min()), float(samples.max())
        if lo < low - _RANGE_TOLERANCE or hi > high + _RANGE_TOLERANCE:
            hint = (
                " It looks like 0..255 pixel values: use x = x / 127.5 - 1."
                if hi > 2.0 and lo >= 0.0
                else f" Rescale to [{low:g}, {high:g}], for example x = 2 * (x - x.min()) / (x.max() - x.min()) - 1."
            )
            raise DataError(
                f"{where} has values in [{lo:g}, {hi:g}], outside [{low:g}, {high:g}], the range the "
                f"generator's output can reach, so the discriminator would win trivially.{hint}"
            )


def two_domains(x: Any, y: Any, where: str, model: str, names: tuple[str, str]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """First batches of both domains of a two-domain model (``x`` and ``y``, or a dataset of pairs).

    Raises:
        DataError: Data was given but only one domain, with the call that gives both.
    """
    a, b = first_batch(x, y)
    if a is not None and b is None:
        first, second = names
        raise DataError(
            f"A {model} trains on two unpaired image domains: {where}({first}_images, {second}_images), or a "
            f"dataset of ({first}_batch, {second}_batch) pairs; only one domain was given (with kgan train: --dataset-b)."
        )
    return a, b
