"""Does the default dcgan learn with XLA on TensorFlow CPU? One model at a time, one ``fit`` call each.

Trains the default dcgan 600 steps (batch 32, mnist-5k, classes mixed) with ``loss`` bce and the
default bce-r1, each with ``jit_compile`` off and on, from the same seed, and prints kgan's MNIST
Frechet distance (2,000 samples). Measured on 2 CPU cores: 28.1 / 26.8 (bce, off / on) and 28.8 / 29.2
(bce-r1): XLA learns like the default here, although the XLA arms of ``precision.py`` (four models in
one process, many short ``fit`` calls) did not.

    python benchmarks/xla_check.py      # ~4 minutes on 2 cores
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.metrics import evaluate_generator  # noqa: E402


def main() -> None:
    x = kgan.datasets.load("mnist-5k")
    x = x[np.random.default_rng(0).permutation(len(x))]
    for loss in ("bce", "bce-r1"):
        for xla in (False, True):
            keras.utils.set_random_seed(0)
            gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
            gan.compile(loss=loss, jit_compile=xla)
            logs = gan.fit(x[np.arange(600 * 32) % len(x)], batch_size=32, epochs=1, shuffle=False, verbose=0).history
            fd = evaluate_generator(gan, x[:2000], n=2000, seed=0).frechet_distance
            print(f"loss={loss} jit_compile={xla}: FD after 600 steps {fd:.1f}; last d_loss {logs['d_loss'][-1]:.3f}, g_loss {logs['g_loss'][-1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
