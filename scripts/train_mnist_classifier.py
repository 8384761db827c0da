"""Train kgan's MNIST feature extractor on the embedded mnist-5k data (reproducible: fixed seed, ops
deterministic). Run by the maintainers when the architecture changes:

    python scripts/train_mnist_classifier.py src/kgan/metrics/data/mnist_classifier.weights.h5

Prints the held-out accuracy on the last 50 digits of each class (500 digits never trained on).
"""

from __future__ import annotations

import sys

import keras
import numpy as np
import tensorflow as tf

import kgan
from kgan.metrics.features import mnist_classifier


def main(out_path: str) -> None:
    keras.utils.set_random_seed(0)
    tf.config.experimental.enable_op_determinism()
    x, y = kgan.datasets.load("mnist-5k", with_labels=True)
    held_out = np.zeros(len(y), bool)
    for digit in range(10):
        held_out[np.flatnonzero(y == digit)[-50:]] = True
    model = mnist_classifier(weights=False)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    augment = keras.Sequential([keras.layers.RandomTranslation(0.1, 0.1, fill_value=-1.0, seed=0)])
    train = tf.data.Dataset.from_tensor_slices((x[~held_out], y[~held_out])).shuffle(4500, seed=0).batch(64)
    train = train.map(lambda a, b: (augment(a, training=True), b))
    model.fit(train, epochs=20, verbose=2)
    _, accuracy = model.evaluate(x[held_out], y[held_out], verbose=0)
    model.save_weights(out_path)
    print(f"held-out accuracy {accuracy:.4f} on {held_out.sum()} digits; wrote {out_path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/kgan/metrics/data/mnist_classifier.weights.h5")
