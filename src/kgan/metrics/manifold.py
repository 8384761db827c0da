"""Improved precision and recall (Kynkaanniemi et al., 2019): which part of the data the samples cover.

Each set of features defines a manifold: the union of balls around its points, each ball's radius the
distance to that point's ``k``-th nearest neighbour in its own set (``k = 3`` in the paper).

- **precision** = share of generated samples inside the real manifold: low when samples look wrong;
- **recall** = share of real samples inside the generated manifold: low when samples miss part of
  the data (mode dropping), however good each one looks.

The Frechet distance mixes both failures into one number; this pair separates them. Neither Keras nor
SciPy offers the metric; pairwise distances are computed here in row blocks, so memory stays at
``block x m`` floats whatever the set sizes.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from kgan.arguments import check_int

__all__ = ["PrecisionRecall", "precision_recall"]


@dataclasses.dataclass(frozen=True)
class PrecisionRecall:
    """Precision and recall of generated features against real ones, both in ``[0, 1]``.

    Attributes:
        precision: Share of generated samples within the real manifold.
        recall: Share of real samples within the generated manifold.
        k: Neighbour whose distance is each ball's radius.
    """

    precision: float
    recall: float
    k: int


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(len(a), len(b))`` squared Euclidean distances, via ``|a|^2 + |b|^2 - 2 a.b``."""
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def _radii(features: np.ndarray, k: int, block: int) -> np.ndarray:
    """Squared distance of each point to its ``k``-th nearest neighbour other than itself."""
    out = np.empty(len(features))
    for start in range(0, len(features), block):
        d = _squared_distances(features[start : start + block], features)
        # Column k of the sorted row: column 0 is the point itself (distance 0).
        out[start : start + block] = np.partition(d, k, axis=1)[:, k]
    return out


def _inside(points: np.ndarray, centres: np.ndarray, radii: np.ndarray, block: int) -> np.ndarray:
    """Whether each point lies in at least one ball ``|p - c|^2 <= r_c``."""
    hit = np.zeros(len(points), dtype=bool)
    for start in range(0, len(points), block):
        d = _squared_distances(points[start : start + block], centres)
        hit[start : start + block] = (d <= radii[None, :]).any(axis=1)
    return hit


def precision_recall(real_features: np.ndarray, fake_features: np.ndarray, k: int = 3, block: int = 1024) -> PrecisionRecall:
    """Improved precision and recall of ``fake_features`` ``(n, d)`` against ``real_features`` ``(m, d)``.

    Args:
        real_features: Features of real samples.
        fake_features: Features of generated samples, from the same extractor.
        k: Neighbour that sets each ball's radius (3 in the paper; needs more than ``k`` samples a set).
        block: Rows of the distance matrix computed at a time.

    Returns:
        A [`PrecisionRecall`][kgan.metrics.manifold.PrecisionRecall].
    """
    real = np.asarray(real_features, dtype=np.float64).reshape(len(real_features), -1)
    fake = np.asarray(fake_features, dtype=np.float64).reshape(len(fake_features), -1)
    k = check_int("k", k, error=ValueError)
    if min(len(real), len(fake)) <= k:
        raise ValueError(f"precision and recall with k={k} need more than {k} samples in each set, received {len(real)} real and {len(fake)} generated")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real features have {real.shape[1]} dimensions but generated ones {fake.shape[1]}; use one extractor for both")
    precision = _inside(fake, real, _radii(real, k, block), block).mean()
    recall = _inside(real, fake, _radii(fake, k, block), block).mean()
    return PrecisionRecall(precision=float(precision), recall=float(recall), k=k)
