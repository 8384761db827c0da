"""Distances between two sets of features: Frechet distance and kernel inception distance (KID)."""

from __future__ import annotations

import numpy as np
from scipy import linalg

__all__ = ["feature_statistics", "frechet_distance", "frechet_distance_from_features", "kernel_inception_distance"]


def feature_statistics(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``(d,)`` and covariance ``(d, d)`` of features ``(n, d)``, in float64."""
    f = np.asarray(features, dtype=np.float64).reshape(len(features), -1)
    if len(f) < 2:
        raise ValueError(f"need at least 2 feature vectors for a covariance, received {len(f)}")
    return f.mean(axis=0), np.cov(f, rowvar=False)


def _sqrt_product_trace(sigma1: np.ndarray, sigma2: np.ndarray) -> float:
    """``Tr((sigma1 sigma2)^(1/2))`` for symmetric positive semi-definite ``sigma1``, ``sigma2``.

    ``sigma1 sigma2`` is similar to the symmetric ``A = sigma1^(1/2) sigma2 sigma1^(1/2)``, so its
    square root's trace is the sum of the square roots of ``A``'s eigenvalues. Two symmetric
    eigendecompositions (LAPACK ``syevd``) take about a sixth of the time of ``scipy.linalg.sqrtm``'s
    Schur method at ``d = 2048`` (Inception features: 2.6 s against 17 s on 2 CPU cores) and agree
    with it to about 1e-7 relative. Eigenvalues below zero are round-off of a singular covariance
    (fewer samples than dimensions, dead units) and count as zero.
    """
    w, v = linalg.eigh(sigma1)
    half = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    product = half @ sigma2 @ half
    eigenvalues = linalg.eigvalsh((product + product.T) / 2.0)
    return float(np.sqrt(np.clip(eigenvalues, 0.0, None)).sum())


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
    """Frechet distance between the Gaussians ``N(mu1, sigma1)`` and ``N(mu2, sigma2)``.

    ``d^2 = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))``  (Dowson & Landau, 1982;
    Heusel et al., 2017). The trace of the matrix square root is the sum of the square roots of the
    eigenvalues of ``sigma1^(1/2) sigma2 sigma1^(1/2)``, a symmetric matrix with the same eigenvalues
    as ``sigma1 sigma2``: the value ``scipy.linalg.sqrtm`` (the reference FID code's method) gives, to
    round-off, about six times faster for 2,048 Inception features. Should the eigendecomposition not
    converge, ``eps * I`` is added to both covariances and it is tried once more.

    Args:
        mu1: Mean ``(d,)`` of the first set.
        sigma1: Covariance ``(d, d)`` of the first set, symmetric positive semi-definite.
        mu2: Mean ``(d,)`` of the second set.
        sigma2: Covariance ``(d, d)`` of the second set.
        eps: The diagonal offset of the retry.

    Returns:
        The squared distance ``d^2`` (the quantity FID reports), a float >= 0; NaN when the
        statistics are not finite.
    """
    mu1, mu2 = np.atleast_1d(mu1).astype(np.float64), np.atleast_1d(mu2).astype(np.float64)
    sigma1, sigma2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(np.float64)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError(f"feature statistics differ in shape: {mu1.shape} vs {mu2.shape}, {sigma1.shape} vs {sigma2.shape}")
    if not all(np.isfinite(a).all() for a in (mu1, mu2, sigma1, sigma2)):
        return float("nan")  # features of a diverged generator: reported as such, not raised mid-training
    diff = mu1 - mu2
    try:
        trace_sqrt = _sqrt_product_trace(sigma1, sigma2)
    except linalg.LinAlgError:
        offset = np.eye(sigma1.shape[0]) * eps
        trace_sqrt = _sqrt_product_trace(sigma1 + offset, sigma2 + offset)
    value = float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt)
    return max(value, 0.0)


def frechet_distance_from_features(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """[`frechet_distance()`][kgan.metrics.distances.frechet_distance] between the statistics of two feature sets ``(n, d)`` and ``(m, d)``."""
    return frechet_distance(*feature_statistics(features_a), *feature_statistics(features_b))


def _polynomial_kernel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kernel_inception_distance(
    features_a: np.ndarray, features_b: np.ndarray, subsets: int = 10, subset_size: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """Unbiased squared MMD with the kernel ``k(x, y) = (x.y / d + 1)^3`` (Binkowski et al., 2018).

    Averaged over ``subsets`` random subsets of ``min(subset_size, n, m)`` samples from each set; the
    estimator is unbiased, so it is usable at 1-10k samples (where the Frechet distance is biased
    upwards) and can be slightly negative when the two sets match.

    Returns:
        ``(mean, std)`` over the subsets.
    """
    a = np.asarray(features_a, dtype=np.float64).reshape(len(features_a), -1)
    b = np.asarray(features_b, dtype=np.float64).reshape(len(features_b), -1)
    size = min(subset_size, len(a), len(b))
    if size < 2:
        raise ValueError(f"KID needs at least 2 samples in each set, received {len(a)} and {len(b)}")
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(subsets):
        x = a[rng.choice(len(a), size, replace=False)]
        y = b[rng.choice(len(b), size, replace=False)]
        kxx, kyy, kxy = _polynomial_kernel(x, x), _polynomial_kernel(y, y), _polynomial_kernel(x, y)
        m = size
        mmd = (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()
        values.append(mmd)
    return float(np.mean(values)), float(np.std(values))
