"""Time to quality: the TensorFlow DCGAN tutorial (baseline) against kgan's default dcgan recipe.

Both train in this one process on the same data (mnist-5k in [-1, 1]) and machine. Every
``--eval-every`` steps each is evaluated with kgan's MNIST Frechet distance on ``--n-eval`` samples;
evaluation time is excluded from the clock, graph tracing and XLA compilation are not (they are part
of the wall time a user waits). The baseline trains ``--budget`` steps; kgan trains for the same
number of training seconds. The script prints:

- the baseline's best Frechet distance within its budget, and the training seconds it needed to
  first reach it;
- the training seconds kgan needed to first reach that value, and the ratio (target >= 10x);
- kgan's Frechet distance after the baseline's whole budget of seconds, and how many times lower
  than the baseline's best it is (target >= 5x).

    python benchmarks/time_to_quality.py                      # budget 1500 steps: about 1.5 h on 2 CPU cores
    python benchmarks/time_to_quality.py --budget 300         # about 20 min
    python benchmarks/time_to_quality.py --quick              # smoke run, about 2 min
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(__file__))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import baseline  # noqa: E402
import kgan  # noqa: E402
from kgan.metrics import evaluate_samples, mnist_feature_extractor  # noqa: E402


class Clock(keras.callbacks.Callback):
    """Accumulates training seconds per chunk of steps, then evaluates (off the clock)."""

    def __init__(self, name, sample, evaluate, max_seconds=None):
        super().__init__()
        self.name, self.sample, self.evaluate, self.max_seconds = name, sample, evaluate, max_seconds
        self.seconds, self.steps, self.curve = 0.0, 0, []

    def on_epoch_begin(self, epoch, logs=None):
        self._t = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self._t
        fd = self.evaluate(self.sample())
        self.curve.append({"step": self.steps, "seconds": round(self.seconds, 2), "frechet_distance": round(fd, 3)})
        print(f"  {self.name:8} step {self.steps:5d}  {self.seconds:8.1f} s  FD {fd:8.2f}", flush=True)
        if self.max_seconds is not None and self.seconds >= self.max_seconds:
            self.model.stop_training = True


def first_reaching(curve, target):
    return next((point for point in curve if point["frechet_distance"] <= target), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=1500, help="baseline training steps")
    parser.add_argument("--eval-every", type=int, default=100, help="steps between evaluations (both models)")
    parser.add_argument("--n-eval", type=int, default=2000, help="generated samples per Frechet distance")
    parser.add_argument("--quick", action="store_true", help="smoke run: budget 40, eval every 20, 500 samples")
    parser.add_argument("--json", default=None, help="also write the curves and results to this file")
    args = parser.parse_args()
    if args.quick:
        args.budget, args.eval_every, args.n_eval = 40, 20, 500

    x = kgan.datasets.load("mnist-5k")
    extractor = mnist_feature_extractor()
    real = x[np.random.default_rng(0).permutation(len(x))[: args.n_eval]]
    real_features = extractor.features(real)

    def fd(samples):
        return evaluate_samples(samples, None, extractor, real_features=real_features).frechet_distance

    def data(batch):
        return tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=0).repeat().batch(batch, drop_remainder=True)

    print(f"baseline: TF DCGAN tutorial, batch {baseline.BATCH_SIZE}, {args.budget} steps")
    base = baseline.make_baseline(seed=0)
    z_eval = keras.random.normal((args.n_eval, baseline.LATENT_DIM), seed=1)
    base_clock = Clock("baseline", lambda: base.generator.predict(z_eval, verbose=0, batch_size=500), fd)
    chunks = args.budget // args.eval_every
    base.fit(data(baseline.BATCH_SIZE), epochs=chunks, steps_per_epoch=args.eval_every, verbose=0, callbacks=[base_clock])
    best = min(base_clock.curve, key=lambda p: p["frechet_distance"])
    base_reach = first_reaching(base_clock.curve, best["frechet_distance"])

    print(f"kgan: dcgan default recipe, same {base_clock.seconds:.0f} training seconds")
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
    gan.compile()
    kgan_clock = Clock("kgan", lambda: gan.generate(args.n_eval, seed=1), fd, max_seconds=base_clock.seconds)
    gan.fit(data(int(gan.recipe["batch_size"])), epochs=10**6, steps_per_epoch=args.eval_every, verbose=0, callbacks=[kgan_clock])
    kgan_reach = first_reaching(kgan_clock.curve, best["frechet_distance"])
    kgan_final = kgan_clock.curve[-1]

    print("\nresults")
    print(f"  baseline best FD within {args.budget} steps: {best['frechet_distance']:.2f} (first reached at step {base_reach['step']}, {base_reach['seconds']:.1f} s)")
    if kgan_reach:
        ratio = base_reach["seconds"] / kgan_reach["seconds"]
        print(f"  kgan first reached FD <= {best['frechet_distance']:.2f} at step {kgan_reach['step']}, {kgan_reach['seconds']:.1f} s: {ratio:.1f}x sooner (target >= 10x, aim 30x)")
    else:
        ratio = None
        print(f"  kgan did not reach FD {best['frechet_distance']:.2f} within {base_clock.seconds:.1f} s")
    final_ratio = best["frechet_distance"] / kgan_final["frechet_distance"]
    print(f"  kgan FD after the baseline's {base_clock.seconds:.1f} s: {kgan_final['frechet_distance']:.2f}, {final_ratio:.1f}x lower than the baseline's best (target >= 5x)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"args": vars(args), "baseline": base_clock.curve, "kgan": kgan_clock.curve, "speedup": ratio, "final_ratio": final_ratio}, handle, indent=2)


if __name__ == "__main__":
    main()
