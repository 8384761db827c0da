"""Mode coverage on Gaussian mixtures with known centres (ring8, grid25).

The measure of Metz et al. (2017) and Srivastava et al. (2017): a sample is *high quality* when it
lies within ``3 * std`` of its nearest mode's centre, and a mode is *covered* when it receives enough
high-quality samples.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["ModeCoverage", "mode_coverage"]


@dataclasses.dataclass(frozen=True)
class ModeCoverage:
    """Result of [`mode_coverage()`][kgan.metrics.modes.mode_coverage].

    Attributes:
        modes_covered: Number of modes with at least ``min_share`` of their fair share of
            high-quality samples.
        n_modes: Number of modes.
        high_quality: Fraction of samples within ``3 * std`` of their nearest centre.
        counts: High-quality samples per mode, shape ``(n_modes,)``.
    """

    modes_covered: int
    n_modes: int
    high_quality: float
    counts: tuple[int, ...]

    def __str__(self) -> str:
        return f"{self.modes_covered}/{self.n_modes} modes, {self.high_quality:.1%} high-quality samples"


def mode_coverage(samples, centers, std: float, min_share: float = 0.2) -> ModeCoverage:
    """Count covered modes and the high-quality fraction of ``samples``.

    Args:
        samples: ``(n, d)`` generated points.
        centers: ``(k, d)`` mode centres.
        std: The mixture components' standard deviation.
        min_share: A mode is covered when its high-quality samples reach
            ``min_share * n / k`` (a fifth of a uniform share by default); at least one sample.

    Returns:
        A [`ModeCoverage`][kgan.metrics.modes.ModeCoverage].
    """
    samples = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    centers = np.asarray(centers, dtype=np.float64)
    distances = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= 3.0 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    threshold = max(1.0, min_share * len(samples) / len(centers))
    return ModeCoverage(
        modes_covered=int((counts >= threshold).sum()),
        n_modes=len(centers),
        high_quality=float(good.mean()) if len(samples) else 0.0,
        counts=tuple(int(c) for c in counts),
    )
