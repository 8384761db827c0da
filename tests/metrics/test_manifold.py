"""Improved precision and recall (k-NN manifolds) on sets whose answer is known."""

import numpy as np
import pytest

import kgan


def _clusters(centres, n, rng):
    return np.concatenate([c + 0.05 * rng.standard_normal((n, 2)) for c in centres])


def test_same_distribution_gives_high_precision_and_recall():
    rng = np.random.default_rng(0)
    result = kgan.metrics.precision_recall(rng.standard_normal((500, 8)), rng.standard_normal((500, 8)))
    assert result.precision > 0.8 and result.recall > 0.8 and result.k == 3


def test_mode_dropping_lowers_recall_not_precision():
    rng = np.random.default_rng(0)
    centres = [np.array([4.0 * i, 0.0]) for i in range(4)]
    real = _clusters(centres, 200, rng)
    fake = _clusters(centres[:2], 400, rng)  # two of four modes, each sample good
    result = kgan.metrics.precision_recall(real, fake)
    assert result.precision > 0.95 and 0.4 < result.recall < 0.6


def test_samples_off_the_data_lower_precision():
    rng = np.random.default_rng(0)
    real = _clusters([np.zeros(2)], 400, rng)
    fake = np.concatenate([_clusters([np.zeros(2)], 200, rng), _clusters([np.array([10.0, 10.0])], 200, rng)])
    result = kgan.metrics.precision_recall(real, fake)
    assert 0.4 < result.precision < 0.6 and result.recall > 0.9


def test_blocks_do_not_change_the_answer():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((300, 5)), rng.standard_normal((250, 5)) + 0.3
    assert kgan.metrics.precision_recall(a, b, block=7) == kgan.metrics.precision_recall(a, b, block=1024)


@pytest.mark.parametrize("kwargs,match", [({"k": 0}, "k must be"), ({"k": 400}, "more than 400")])
def test_bad_arguments_are_named(kwargs, match):
    x = np.zeros((300, 2))
    with pytest.raises(ValueError, match=match):
        kgan.metrics.precision_recall(x, x, **kwargs)


def test_evaluation_reports_precision_recall_and_protocol():
    x = kgan.datasets.load("mnist-5k")
    result = kgan.metrics.evaluate_samples(x[:200], x[200:400])
    assert result.precision > 0.7 and result.recall > 0.7
    assert result.features == "kgan's MNIST classifier"


@pytest.mark.parametrize("spec", ["vgg", "", "model.h5", 3])
def test_unknown_feature_spec_is_refused(spec):
    with pytest.raises(kgan.errors.ConfigurationError, match="features"):
        kgan.metrics.feature_extractor(spec)


def test_own_keras_model_as_features(tmp_path):
    import keras

    inputs = keras.Input((28, 28, 1))
    hidden = keras.layers.Dense(4, name="embed")(keras.layers.Flatten()(inputs))
    keras.Model(inputs, keras.layers.Dense(2, name="out")(hidden)).save(tmp_path / "m.keras")
    extractor = kgan.metrics.feature_extractor(f"{tmp_path}/m.keras:embed")
    assert extractor.features(np.zeros((3, 28, 28, 1), "float32")).shape == (3, 4)
    assert kgan.metrics.feature_extractor(f"{tmp_path}/m.keras").layer == "out"
