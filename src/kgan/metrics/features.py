"""Feature extractors for the metrics: any Keras model and layer, and kgan's own MNIST classifier."""

from __future__ import annotations

from importlib import resources

import keras
import numpy as np

from kgan.errors import ConfigurationError, DataError

__all__ = ["FeatureExtractor", "mnist_classifier", "mnist_feature_extractor", "MNIST_CLASSIFIER_WEIGHTS"]

MNIST_CLASSIFIER_WEIGHTS = "data/mnist_classifier.weights.h5"


class FeatureExtractor:
    """Features and class probabilities from a Keras classifier.

    Args:
        model: A Keras model taking images shaped like the data to measure.
        layer: Name of the layer whose output is the feature vector (flattened per sample).
        logits_layer: Name of the layer with class logits, for the classifier score; ``None`` if the
            model has none.

    Example:
        >>> extractor = FeatureExtractor(my_model, layer="avg_pool", logits_layer="predictions")
        >>> features = extractor.features(images)              # (n, d)
    """

    def __init__(self, model: keras.Model, layer: str, logits_layer: str | None = None):
        names = [lyr.name for lyr in model.layers]
        for arg, name in (("layer", layer), ("logits_layer", logits_layer)):
            if name is not None and name not in names:
                raise ConfigurationError(f"{arg}={name!r} is not a layer of {model.name!r}; its layers are {names}")
        outputs = [model.get_layer(layer).output]
        if logits_layer is not None:
            outputs.append(model.get_layer(logits_layer).output)
        self.model, self.layer, self.logits_layer = model, layer, logits_layer
        self.protocol = f"{model.name}, layer {layer!r}"
        self.input_shape = tuple(model.input_shape[1:])
        self._extract = keras.Model(model.inputs, outputs)

    def _run(self, images: np.ndarray, batch_size: int) -> list[np.ndarray]:
        images = np.asarray(images, dtype=np.float32)
        if tuple(images.shape[1:]) != self.input_shape:
            raise DataError(
                f"images of shape {tuple(images.shape[1:])} do not fit the feature extractor, which takes "
                f"{self.input_shape}; use a feature extractor built for your data (FeatureExtractor(model, layer))."
            )
        out = self._extract.predict(images, batch_size=batch_size, verbose=0)
        out = out if isinstance(out, (list, tuple)) else [out]
        return [o.reshape(len(images), -1) for o in out]

    def features(self, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """``(n, d)`` float features of ``images``."""
        return self._run(images, batch_size)[0]

    def features_and_probabilities(self, images: np.ndarray, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray | None]:
        """Features and softmax class probabilities ``(n, k)`` (``None`` without a logits layer)."""
        out = self._run(images, batch_size)
        if self.logits_layer is None:
            return out[0], None
        logits = out[1] - out[1].max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return out[0], probs / probs.sum(axis=1, keepdims=True)


def mnist_classifier(weights: bool = True) -> keras.Model:
    """kgan's small MNIST classifier, ``(n, 28, 28, 1)`` in ``[-1, 1]`` -> 10 logits.

    Trained by ``scripts/train_mnist_classifier.py`` on 4,500 digits of ``mnist-5k`` (the other 500
    are held out); the weights ship inside the package, nothing is downloaded. Layers ``features``
    (64-d, the Frechet/KID features) and ``logits``.
    """
    layers = keras.layers
    x_in = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(x_in)
    x = layers.MaxPooling2D(name="pool1")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(64, activation="relu", name="features")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    out = layers.Dense(10, name="logits")(x)
    model = keras.Model(x_in, out, name="kgan_mnist_classifier")
    if weights:
        with resources.as_file(resources.files("kgan.metrics").joinpath(MNIST_CLASSIFIER_WEIGHTS)) as path:
            model.load_weights(path)
    return model


def mnist_feature_extractor() -> FeatureExtractor:
    """[`FeatureExtractor`][kgan.metrics.features.FeatureExtractor] over [`mnist_classifier()`][kgan.metrics.features.mnist_classifier]: 64-d ``features`` and 10-class logits."""
    extractor = FeatureExtractor(mnist_classifier(), layer="features", logits_layer="logits")
    extractor.protocol = "kgan's MNIST classifier"
    return extractor
