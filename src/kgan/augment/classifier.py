"""A small image classifier, the default model [`kgan.augment.harden()`][kgan.augment.harden] trains."""

from __future__ import annotations

import keras

from kgan.arguments import check_int
from kgan.errors import ConfigurationError

__all__ = ["small_classifier"]


def small_classifier(input_shape: tuple, num_outputs: int, width: int = 32, dropout: float = 0.3) -> keras.Model:
    """A two-convolution classifier with a softmax head.

    ``(batch, H, W, C)`` -> Conv ``width`` 3x3 ReLU -> max-pool -> Conv ``2 width`` 3x3 ReLU ->
    max-pool -> Dense 128 ReLU -> Dropout -> Dense ``num_outputs`` softmax -> ``(batch, num_outputs)``.
    About 0.2M parameters for 28x28x1 and width 32; MNIST-size images need ``H, W >= 10``.
    """
    check_int("num_outputs", num_outputs, 2)
    if len(input_shape) != 3 or min(input_shape[:2]) < 10:
        raise ConfigurationError(f"input_shape: expected (H, W, C) with H, W >= 10, received {tuple(input_shape)}.")
    layers = keras.layers
    x_in = keras.Input(tuple(input_shape), name="image")
    x = layers.Conv2D(width, 3, activation="relu", name="conv1")(x_in)
    x = layers.MaxPooling2D(name="pool1")(x)
    x = layers.Conv2D(2 * width, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="hidden")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    out = layers.Dense(num_outputs, activation="softmax", name="probabilities")(x)
    return keras.Model(x_in, out, name=f"classifier_{num_outputs}")
