"""Do class-conditional fakes help a classifier trained on scarce real data? Measured on mnist-5k.

mnist-5k is split, stratified, into 4,000 training and 1,000 held-out digits. For each scarce size
(``--per-class`` real digits of every class, drawn from the training part) the same small classifier
is trained with and without cgan fakes (:func:`kgan.augment.measure_augmentation`: same initial
weights, same real batches, same steps; ``--seeds`` pairs) and its held-out accuracy is printed.

Two generators are compared, because the answer depends on where the generator's knowledge comes from:

- ``cgan-scarce``: a cgan trained on the scarce subset itself. Pure augmentation: no information the
  classifier does not already have.
- ``cgan-4000``: a cgan trained on all 4,000 labelled training digits. The classifier's own budget is
  scarce, but the generator distils more data into it (the setting where fakes are most likely to help).

    python benchmarks/conditional_augmentation.py --json results.json     # ~10 min on 2 cores
    python benchmarks/conditional_augmentation.py --quick                 # smoke run, ~2 min
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan import augment  # noqa: E402


def train_cgan(x, y, steps, seed, name: str):
    """A cgan with kgan's recipe trained for ``steps`` steps of batch 32 on ``(x, y)`` (reshuffled every pass)."""
    rng = np.random.default_rng(seed)
    rows = np.concatenate([rng.permutation(len(x)) for _ in range(-(-steps * 32 // len(x)))])[: steps * 32]
    gan = kgan.architectures.get("cgan")(input_shape=x.shape[1:], num_classes=10, seed=seed)
    gan.compile()
    start = time.perf_counter()
    gan.fit(x[rows], y[rows], batch_size=32, epochs=1, shuffle=False, verbose=0)
    accuracy = kgan.metrics.conditional_accuracy(gan, n_per_class=100, seed=0).mean
    print(f"  {name}: {steps} steps on {len(x)} digits ({time.perf_counter() - start:.0f} s), conditional accuracy {accuracy:.3f}", flush=True)
    return gan, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", default="10,50", help="scarce real digits per class, comma-separated")
    parser.add_argument("--seeds", type=int, default=3, help="classifier seed pairs per cell")
    parser.add_argument("--epochs", type=int, default=30, help="classifier epochs over the scarce real data")
    parser.add_argument("--fake-ratio", type=float, default=1.0, help="fakes per real example in each batch")
    parser.add_argument("--gan-steps", type=int, default=1000, help="cgan training steps (batch 32)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 per class, 1 seed, few steps")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args()
    if args.quick:
        args.per_class, args.seeds, args.epochs, args.gan_steps = "10", 1, 5, 60
    sizes = [int(s) for s in args.per_class.split(",")]

    x, y = kgan.datasets.load("mnist-5k", with_labels=True)
    train_rows, test_rows = augment.stratified_split(y, 0.2, seed=0)
    x_train, y_train, x_test, y_test = x[train_rows], y[train_rows], x[test_rows], y[test_rows]
    rng = np.random.default_rng(0)
    rows = []
    print("Training the generators:")
    full_gan, full_acc = train_cgan(x_train, y_train, args.gan_steps, 0, "cgan-4000")
    for per_class in sizes:
        few = np.concatenate([rng.permutation(np.flatnonzero(y_train == k))[:per_class] for k in range(10)])
        scarce_gan, scarce_acc = train_cgan(x_train[few], y_train[few], args.gan_steps, 0, f"cgan-scarce-{per_class}")
        for name, gan, gan_acc in (("cgan-scarce", scarce_gan, scarce_acc), ("cgan-4000", full_gan, full_acc)):
            start = time.perf_counter()
            result = augment.measure_augmentation(
                x_train[few], y_train[few], x_test, y_test, gan, num_classes=10, epochs=args.epochs,
                batch_size=min(32, len(few)), fake_ratio=args.fake_ratio, seeds=tuple(range(args.seeds)),
            )  # fmt: skip
            rows.append({
                "per_class": per_class, "generator": name, "generator_conditional_accuracy": gan_acc,
                "real_only": list(result.real_only), "augmented": list(result.augmented),
                "gain": result.gain, "gain_std": result.gain_std,
            })  # fmt: skip
            print(f"  {per_class:3d} per class, {name:12s}: {result}  ({time.perf_counter() - start:.0f} s)")

    print(f"\n| real digits per class | generator | real only | with fakes | gain (points, mean +- std over {args.seeds} seeds) |")
    print("|---:|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['per_class']} | {r['generator']} (cond. acc. {100 * r['generator_conditional_accuracy']:.0f}%) "
            f"| {100 * np.mean(r['real_only']):.1f}% | {100 * np.mean(r['augmented']):.1f}% "
            f"| {100 * r['gain']:+.1f} +- {100 * r['gain_std']:.1f} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"settings": vars(args), "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
