"""Probe sets: inputs that are not examples of any real class, for measuring what a classifier rejects.

All in ``[-1, 1]``, the range of kgan's data and generators.
"""

from __future__ import annotations

import numpy as np

from kgan.errors import DataError

__all__ = ["different_class_pairs", "digit_blends", "inverted", "uniform_noise"]


def uniform_noise(n: int, sample_shape: tuple, seed: int = 0) -> np.ndarray:
    """``n`` images of independent ``U[-1, 1]`` pixels, ``(n, *sample_shape)``."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, *sample_shape)).astype(np.float32)


def digit_blends(x: np.ndarray, y: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` pixel-wise averages ``(a + b) / 2`` of two real examples of *different* classes.

    In ``[-1, 1]`` the blend of two digits shows both strokes at half intensity on the background: two
    digits on top of each other, which is neither.
    """
    x = np.asarray(x, dtype=np.float32)
    a, b = different_class_pairs(y, n, np.random.default_rng(seed), "digit_blends")
    return (x[a] + x[b]) / 2.0


def different_class_pairs(y: np.ndarray, n: int, rng: np.random.Generator, caller: str) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(a, b)``, each ``(n,)``, of ``n`` random pairs whose classes ``y[a]`` and ``y[b]`` differ."""
    y = np.asarray(y)
    if len(np.unique(y)) < 2:
        raise DataError(f"{caller} needs examples of at least two classes; y holds one ({y[0]!r}).")
    a = rng.integers(0, len(y), n)
    b = rng.integers(0, len(y), n)
    same = y[a] == y[b]
    while same.any():  # redraw partners of the same class
        b[same] = rng.integers(0, len(y), int(same.sum()))
        same = y[a] == y[b]
    return a, b


def inverted(x: np.ndarray) -> np.ndarray:
    """The negatives ``-x`` of real examples in ``[-1, 1]``: the right shapes in the wrong colours."""
    return (-np.asarray(x, dtype=np.float32)).astype(np.float32)
