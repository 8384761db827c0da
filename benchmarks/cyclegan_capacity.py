"""Can cyclegan's residual generator represent the stroke thickening at all? Train it *with* pairs.

The variants benchmark's cyclegan task (X: digits 0-7 of mnist-5k; Y: their 3x3 grey dilation,
``kgan.datasets.thicken``) is learned unpaired there. Here the same generator
(``kgan.architectures.cyclegan.resnet_generator``) is trained with the pairs, ``mean |G(x) - thick(x)|``
as its loss (Adam(2e-4, 0.5), batch 16, as cyclegan's recipe), and its error on the held-out 8s and 9s
is reported as a fraction of the identity map's after every epoch: a floor for what the unpaired
objective could reach with this network.

    python benchmarks/cyclegan_capacity.py --downsamples 2 1 --epochs 6
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.architectures.cyclegan import resnet_generator  # noqa: E402

HELD_OUT = 4000
"""mnist-5k is stored by class: its first 4,000 digits are the 0-7s, the rest the held-out 8s and 9s."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--downsamples", nargs="+", type=int, default=[2, 1])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    x = kgan.datasets.load("mnist-5k")
    train, held = x[:HELD_OUT], x[HELD_OUT:]
    train_y, held_y = kgan.datasets.thicken(train), kgan.datasets.thicken(held)
    identity = float(np.abs(held - held_y).mean())
    results = {}
    for downsamples in args.downsamples:
        keras.utils.set_random_seed(args.seed)
        g = resnet_generator((28, 28, 1), downsamples=downsamples)
        g.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), "mae")
        start, rows = time.perf_counter(), []
        for epoch in range(1, args.epochs + 1):
            g.fit(train, train_y, batch_size=16, epochs=1, verbose=0)
            error = float(np.abs(g.predict(held, verbose=0) - held_y).mean())
            rows.append({"epoch": epoch, "seconds": round(time.perf_counter() - start, 1), "error_vs_identity": round(error / identity, 3)})
            print(f"downsamples {downsamples}, epoch {epoch}: held-out error / identity's {error / identity:.3f}", flush=True)
        results[str(downsamples)] = rows
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"identity_error": round(identity, 4), "seed": args.seed, "results": results}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
