"""2-D Gaussian mixtures with known modes, the standard test of mode coverage.

- ``ring8``: 8 modes evenly spaced on a circle of radius 2, standard deviation 0.02
  (Metz et al., "Unrolled GANs", 2017).
- ``grid25``: 25 modes on the grid ``{-4, -2, 0, 2, 4}^2``, standard deviation 0.05
  (Srivastava et al., "VEEGAN", 2017).
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["Mixture", "MIXTURES", "sample_mixture"]


@dataclasses.dataclass(frozen=True)
class Mixture:
    """Equal-weight isotropic Gaussian mixture: ``centers`` of shape ``(k, 2)`` and a common ``std``."""

    name: str
    centers: np.ndarray
    std: float


def _ring(k: int = 8, radius: float = 2.0) -> np.ndarray:
    angles = 2 * np.pi * np.arange(k) / k
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def _grid(side: int = 5, spacing: float = 2.0) -> np.ndarray:
    ticks = (np.arange(side) - (side - 1) / 2) * spacing
    return np.array([(a, b) for a in ticks for b in ticks], dtype=np.float64)


MIXTURES = {
    "ring8": Mixture("ring8", _ring(), 0.02),
    "grid25": Mixture("grid25", _grid(), 0.05),
}


def sample_mixture(name: str, n: int = 10_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points (float32, ``(n, 2)``) and their mode index (int64, ``(n,)``), reproducible by ``seed``."""
    mixture = MIXTURES[name]
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, len(mixture.centers), size=n)
    points = mixture.centers[modes] + mixture.std * rng.standard_normal((n, 2))
    return points.astype(np.float32), modes.astype(np.int64)
