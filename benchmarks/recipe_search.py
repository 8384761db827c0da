"""Recipe search: dcgan options and learning rate, Frechet distance after epochs 1, 2, 4, 6, 8, 10.

The table in docs/architectures.md came from runs of this script (two at a time on the 2 cores):

    python benchmarks/recipe_search.py '{"width": 32, "g_width": 48, "d_depth": 3, "lr": 1e-3}'
    python benchmarks/recipe_search.py '{"g_width": 32, "d_depth": 2, "lr": 5e-4}'   # the previous recipe
    python benchmarks/recipe_search.py '{"augment": "translation,cutout"}'

Keys: any dcgan option (``width``, ``g_width``, ``d_depth``, ``spectral_norm``, ``ema_momentum``),
plus ``lr`` (Adam, both networks, beta_1 0.5), ``augment``, ``loss`` (default dcgan's), ``batch``
(default 32) and ``marks`` (the epochs after which to evaluate, default ``[1, 2, 4, 6, 8, 10]``;
long marks such as ``[10, 30, 60, 90, 120]`` test whether a recipe stays stable). mnist-5k,
seed 0, Frechet distance on 2,000 samples against 2,000 real digits.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.datasets.batches import epoch_batches  # noqa: E402
from kgan.metrics import evaluate_samples, mnist_feature_extractor  # noqa: E402


def main(config: dict) -> None:
    config = dict(config)
    lr, augment, batch = config.pop("lr", None), config.pop("augment", None), config.pop("batch", 32)
    loss, marks = config.pop("loss", None), [0, *config.pop("marks", [1, 2, 4, 6, 8, 10])]
    x = kgan.datasets.load("mnist-5k")
    extractor = mnist_feature_extractor()
    real = extractor.features(x[np.random.default_rng(0).permutation(len(x))[:2000]])
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0, **config)
    optimizers = {} if lr is None else {
        "g_optimizer": keras.optimizers.Adam(lr, beta_1=0.5), "d_optimizer": keras.optimizers.Adam(lr, beta_1=0.5)}
    gan.compile(augment=augment, **({} if loss is None else {"loss": loss}), **optimizers)
    steps = -(-len(x) // batch)
    curve, seconds = [], 0.0
    for first, end in zip(marks[:-1], marks[1:]):
        start = time.perf_counter()
        gan.fit(epoch_batches(x, batch, 0, first, end), steps_per_epoch=steps, epochs=end, initial_epoch=first, verbose=0)
        seconds += time.perf_counter() - start
        fd = evaluate_samples(gan.generate(2000, seed=1), None, extractor, real_features=real).frechet_distance
        curve.append(round(fd, 1))
        print(f"epoch {end}: Frechet distance {fd:.1f} after {seconds:.0f} s of training", file=sys.stderr, flush=True)
    print(json.dumps({"config": {**config, "lr": lr, "augment": augment, "loss": loss, "batch": batch}, "epochs": marks[1:], "frechet_distance": curve, "train_seconds": round(seconds)}), flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {})
