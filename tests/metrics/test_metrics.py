"""Frechet distance, KID and classifier score against closed forms and independent references."""

import numpy as np
import pytest

import kgan
from kgan import metrics
from kgan.errors import ConfigurationError, DataError


def test_frechet_distance_closed_form_for_diagonal_gaussians():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = ((mu1 - mu2) ** 2).sum() + ((np.sqrt(a) - np.sqrt(b)) ** 2).sum()
    assert metrics.frechet_distance(mu1, np.diag(a), mu2, np.diag(b)) == pytest.approx(expected, rel=1e-6)


def test_frechet_distance_is_stable_for_singular_covariances():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(100, 8))
    f[:, 0] = 0.0  # a dead unit -> singular covariance
    value = metrics.frechet_distance_from_features(f, f + 0.5)
    assert np.isfinite(value) and value == pytest.approx(8 * 0.25, rel=1e-6)  # same covariance: only the mean shift counts


def _kid_reference(x, y):
    def k(a, b):
        return (a @ b / len(a) + 1) ** 3

    m = len(x)
    sxx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    syy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    sxy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    return sxx + syy - 2 * sxy


def test_kid_matches_loop_reference_and_is_unbiased():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(30, 4)), rng.normal(loc=0.5, size=(30, 4))
    mean, _ = metrics.kernel_inception_distance(x, y, subsets=1, subset_size=30)
    assert mean == pytest.approx(_kid_reference(x, y), rel=1e-9)
    same = [metrics.kernel_inception_distance(rng.normal(size=(200, 4)), rng.normal(size=(200, 4)), subsets=1)[0] for _ in range(20)]
    assert abs(np.mean(same)) < 3 * np.std(same) / np.sqrt(len(same)) + 1e-3  # centred on 0


def test_classifier_score_bounds():
    confident_uniform = np.eye(10)[np.arange(1000) % 10]
    assert metrics.classifier_score(confident_uniform) == pytest.approx(10, rel=1e-6)
    one_class = np.eye(10)[np.zeros(100, int)]
    assert metrics.classifier_score(one_class) == pytest.approx(1, rel=1e-6)
    assert metrics.classifier_score(np.full((50, 10), 0.1)) == pytest.approx(1, rel=1e-6)


def test_shipped_mnist_classifier_recognises_digits_and_orders_quality():
    x, y = kgan.datasets.load("mnist-5k", with_labels=True)
    logits = metrics.mnist_classifier().predict(x[-500:], verbose=0)
    assert (logits.argmax(axis=1) == y[-500:]).mean() > 0.95
    rng = np.random.default_rng(0)
    shuffled = x[rng.permutation(len(x))]  # mnist-5k is stored sorted by digit
    real_vs_real = metrics.evaluate_samples(shuffled[:1000], shuffled[1000:2000])
    noise = metrics.evaluate_samples(rng.uniform(-1, 1, (1000, 28, 28, 1)).astype("float32"), shuffled[:1000])
    assert real_vs_real.frechet_distance < 5 and noise.frechet_distance > 100
    assert real_vs_real.classifier_score > 9 and noise.classifier_score < 2
    assert abs(real_vs_real.kid) < 1 < noise.kid


def test_pluggable_extractor_and_errors():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="feat"), keras.layers.Dense(2, name="out")])
    extractor = metrics.FeatureExtractor(model, layer="feat", logits_layer="out")
    rng = np.random.default_rng(0)
    result = metrics.evaluate_samples(rng.normal(size=(60, 4)), rng.normal(size=(60, 4)), extractor)
    assert np.isfinite(result.frechet_distance) and 1 <= result.classifier_score <= 2
    with pytest.raises(ConfigurationError, match="not a layer"):
        metrics.FeatureExtractor(model, layer="nope")
    with pytest.raises(DataError, match="at least 50"):
        metrics.evaluate_samples(rng.normal(size=(10, 4)), rng.normal(size=(60, 4)), extractor)
    with pytest.raises(DataError, match="do not fit"):
        extractor.features(rng.normal(size=(5, 3)))
    with pytest.raises(ConfigurationError, match="28x28x1"):
        metrics.evaluate_samples(rng.normal(size=(60, 4)), rng.normal(size=(60, 4)))


def test_frechet_distance_equals_the_matrix_square_root_formula():
    """The eigenvalue route gives the value of scipy.linalg.sqrtm, the reference FID code's method,
    for full-rank and for rank-deficient (fewer samples than dimensions) covariances."""
    from scipy import linalg

    rng = np.random.default_rng(3)
    for n, d in ((500, 20), (12, 40)):
        a = np.maximum(rng.normal(size=(n, d)) @ rng.normal(size=(d, d)), 0)
        b = np.maximum(rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) * 1.3 + 0.2, 0)
        (mu1, s1), (mu2, s2) = metrics.feature_statistics(a), metrics.feature_statistics(b)
        expected = ((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(linalg.sqrtm(s1 @ s2)).real
        assert metrics.frechet_distance(mu1, s1, mu2, s2) == pytest.approx(expected, rel=1e-7)


def test_frechet_distance_of_non_finite_features_is_nan():
    f = np.random.default_rng(0).normal(size=(10, 3))
    bad = f.copy()
    bad[0, 0] = np.nan
    assert np.isnan(metrics.frechet_distance_from_features(f, bad))
