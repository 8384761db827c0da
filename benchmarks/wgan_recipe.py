"""WGAN-GP's default settings, chosen by measurement: dcgan's networks with ``loss="wgan-gp"`` on
mnist-5k under several optimizer settings and critic steps, each trained for the same training time.

Each arm builds the default dcgan (seed 0), compiles it with ``loss="wgan-gp"`` and the arm's Adam
settings and ``d_steps``, and trains batch 32 for ``--seconds`` of training clock (tracing included);
then kgan's MNIST Frechet distance of 2,000 samples (seed 1) against 2,000 real digits is measured off
the clock. The arms run one after another in this process, in the order given.

    python benchmarks/wgan_recipe.py --seconds 120 --json benchmarks/results-wgan-recipe.json   # ~15 min on 2 cores
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.metrics import evaluate_samples, mnist_feature_extractor  # noqa: E402

ARMS = {
    # name: (learning_rate, beta_1, beta_2, d_steps)
    "paper: 1e-4, (0, 0.9), 5 critic steps": (1e-4, 0.0, 0.9, 5),
    "3e-4, (0, 0.9), 5": (3e-4, 0.0, 0.9, 5),
    "1e-3, (0, 0.9), 5": (1e-3, 0.0, 0.9, 5),
    "3e-4, (0.5, 0.9), 2": (3e-4, 0.5, 0.9, 2),
    "1e-3, (0.5, 0.9), 2": (1e-3, 0.5, 0.9, 2),
    "1e-3, (0.5, 0.9), 1": (1e-3, 0.5, 0.9, 1),
}


class Clock(keras.callbacks.Callback):
    """Stop when the training clock (from the start of fit) passes ``seconds``."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if time.perf_counter() - self.start >= self.seconds:
            self.model.stop_training = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0, help="training seconds per arm")
    parser.add_argument("--arms", nargs="+", default=None, help="arm names (default: all)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    x = kgan.datasets.load("mnist-5k")
    extractor = mnist_feature_extractor()
    real = extractor.features(x[np.random.default_rng(0).permutation(len(x))[:2000]])
    results = []
    for name in args.arms or list(ARMS):
        lr, beta_1, beta_2, d_steps = ARMS[name]
        gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
        gan.compile(
            loss="wgan-gp",
            d_steps=d_steps,
            g_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2),
            d_optimizer=keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2),
        )
        clock = Clock(args.seconds)
        gan.fit(x, batch_size=32, epochs=10_000, verbose=0, callbacks=[clock])
        fd = evaluate_samples(gan.generate(2000, seed=1), None, extractor, real_features=real).frechet_distance
        row = {"arm": name, "learning_rate": lr, "beta_1": beta_1, "beta_2": beta_2, "d_steps": d_steps, "generator_steps": gan.generator_steps, "fd": round(fd, 2)}
        results.append(row)
        print(f"{name:>40}: {row['generator_steps']} generator steps, FD {row['fd']}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"command": "python " + " ".join(sys.argv), "seconds": args.seconds, "backend": keras.backend.backend(), "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
