"""RejectingClassifier: the calibrated rule saved with the classifier, on every backend."""

import keras
import numpy as np
import pytest

from kgan import augment
from kgan.errors import ConfigurationError


def classifier(outputs: int, head: str = "softmax") -> keras.Model:
    keras.utils.set_random_seed(0)
    x_in = keras.Input((8, 8, 1))
    x = keras.layers.Flatten()(x_in)
    out = keras.layers.Dense(outputs, activation="softmax" if head == "softmax" else None)(x)
    return keras.Model(x_in, out)


def images(n=200, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 8, 8, 1)).astype(np.float32)


def test_calibrate_rejects_that_fraction_of_the_clean_images_and_classify_marks_them_minus_one():
    x = images()
    model = augment.RejectingClassifier.calibrate(classifier(4), x, false_reject_rate=0.1)
    assert model.num_classes == 3 and model.rule == "reject_class"
    rejected = model.rejects(x)
    assert rejected.mean() == pytest.approx(0.1)
    p = model.probabilities(x)
    np.testing.assert_array_equal(rejected, 1 - p[:, 3] < model.threshold)  # the documented rule
    classes = model.classify(x)
    np.testing.assert_array_equal(classes == -1, rejected)
    np.testing.assert_array_equal(classes[~rejected], p[~rejected, :3].argmax(axis=1))


def test_the_rule_and_the_threshold_survive_save_and_load(tmp_path):
    x = images()
    model = augment.RejectingClassifier.calibrate(classifier(4), x, false_reject_rate=0.2)
    model.save(tmp_path / "hardened.keras")
    loaded = keras.models.load_model(tmp_path / "hardened.keras")  # safe mode, no custom_objects
    assert isinstance(loaded, augment.RejectingClassifier)
    assert (loaded.threshold, loaded.rule, loaded.head) == (model.threshold, "reject_class", "softmax")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    np.testing.assert_array_equal(loaded.classify(x), model.classify(x))


def test_argmax_rule_and_confidence_rule(tmp_path):
    x = images()
    argmax = augment.RejectingClassifier(classifier(4), threshold=None)
    np.testing.assert_array_equal(argmax.rejects(x), argmax.probabilities(x).argmax(axis=1) == 3)
    plain = augment.RejectingClassifier.calibrate(classifier(3), x, 0.25, rule="confidence")
    assert plain.num_classes == 3
    np.testing.assert_array_equal(plain.rejects(x), plain.probabilities(x).max(axis=1) < plain.threshold)
    plain.save(tmp_path / "baseline.keras")
    assert keras.models.load_model(tmp_path / "baseline.keras").rejects(x).mean() == pytest.approx(0.25)


def test_a_logit_head_still_predicts_probabilities():
    x = images(20)
    model = augment.RejectingClassifier(classifier(4, head="logits"), threshold=0.5)
    assert model.head == "logits" and augment.head_kind(model) == "softmax"
    p = model.predict(x, verbose=0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert (p >= 0).all()


def test_bad_arguments_are_refused_with_the_fix():
    with pytest.raises(ConfigurationError, match="rule: expected one of"):
        augment.RejectingClassifier(classifier(4), 0.5, rule="max")
    with pytest.raises(ConfigurationError, match="'confidence' rule needs a number"):
        augment.RejectingClassifier(classifier(4), None, rule="confidence")
    with pytest.raises(ConfigurationError, match="threshold must be None or a number"):
        augment.RejectingClassifier(classifier(4), "0.5")
    with pytest.raises(ConfigurationError, match="K \\+ 1 >= 3"):
        augment.RejectingClassifier(classifier(2), 0.5)
    with pytest.raises(ConfigurationError, match="classifier: expected a keras.Model"):
        augment.RejectingClassifier(np.zeros(3), 0.5)
    with pytest.raises(ConfigurationError, match="false_reject_rate"):
        augment.RejectingClassifier.calibrate(classifier(4), images(), 1.0)
    with pytest.raises(ConfigurationError, match="clean_images"):
        augment.RejectingClassifier.calibrate(classifier(4), images()[:0], 0.1)
