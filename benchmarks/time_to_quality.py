"""Time to quality: the TensorFlow DCGAN tutorial (baseline) against kgan's default dcgan recipe.

Both train in this one process on the same data (mnist-5k in [-1, 1]) and machine, **interleaved**:
the baseline trains ``--eval-every`` steps, then kgan trains until its own clock has caught up with
the baseline's, and so on. Whatever else the machine does during the run therefore falls on both
alike. After every chunk each model is evaluated, off the clock, with kgan's MNIST Frechet distance
on ``--n-eval`` samples; graph tracing and XLA compilation stay on the clock (a user waits for them).
The baseline trains ``--budget`` steps; kgan trains for the same number of training seconds.

It prints:

- the baseline's best Frechet distance within its budget, and the training seconds it needed to
  first reach it;
- the training seconds kgan needed to first reach that value, and the ratio (target >= 10x);
- kgan's Frechet distance at the last evaluation within the baseline's total training seconds, and
  how many times lower than the baseline's best it is (target >= 5x).

At every evaluation it also records, for the diagnosis in ``docs/speed.md``: D's mean probability on
256 fixed real images and on 256 fixed fakes, the norm of G's gradient on a fixed latent batch, and
the digit the MNIST classifier reads in each of 64 fixed-latent samples (how many change identity
between evaluations). With ``--out DIR`` the fixed-latent grids go to ``DIR/<model>/step_NNNNNN.png``
and the animations to ``DIR/<model>.gif``.

    python benchmarks/time_to_quality.py --out /tmp/ttq --json results.json   # 1500 steps: ~75 min on 2 cores
    python benchmarks/time_to_quality.py --budget 300                         # ~15 min
    python benchmarks/time_to_quality.py --quick                              # smoke run, ~1 min

Other data: ``--dataset mnist-5k-color --features inception --n-eval 500`` compares the same two on
32x32 colour digits (the tutorial's networks scaled to the shape, ``benchmarks/baseline.py``) with the
standard FID network; identity changes are then not recorded (the network has no digit classes).
Each Inception evaluation of 500 samples takes about 18 s on 2 cores, off the training clock but not
off the wall clock: raise ``--kgan-eval-every`` (kgan takes many more steps than the baseline).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(__file__))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

import baseline  # noqa: E402
import kgan  # noqa: E402
from kgan.metrics import evaluate_samples, feature_extractor  # noqa: E402
from kgan.visual import build_animation, save_grid  # noqa: E402


def chunk_batches(x: np.ndarray, batch: int, steps: int, chunk: int) -> tf.data.Dataset:
    """``steps`` batches for chunk number ``chunk``: a fresh, seeded permutation per epoch of data."""
    rng = np.random.default_rng([0, chunk])
    need = steps * batch
    order = np.concatenate([rng.permutation(len(x)) for _ in range(-(-need // len(x)))])[:need]
    data = tf.constant(x)
    return tf.data.Dataset.from_tensor_slices(order).batch(batch).map(lambda rows: tf.gather(data, rows)).prefetch(2)


class Contestant:
    """One model on its own training clock, evaluated off the clock after every chunk."""

    def __init__(self, name, model, batch, generator, discriminator, latent_dim, probe, trained_generator=None):
        self.name, self.model, self.batch = name, model, batch
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        # samples come from `generator` (kgan: the weight average); G's gradient from the trained one
        self.trained_generator = trained_generator or generator
        self.probe, self.seconds, self.steps, self.chunks, self.curve = probe, 0.0, 0, 0, []
        self.z_eval = keras.random.normal((probe.n_eval, latent_dim), seed=1)
        self.z_grid = keras.random.normal((64, latent_dim), seed=2)
        self.z_grad = keras.random.normal((256, latent_dim), seed=3)

    def train(self, steps: int, x: np.ndarray) -> None:
        data = chunk_batches(x, self.batch, steps, self.chunks)
        start = time.perf_counter()
        self.model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
        self.seconds += time.perf_counter() - start
        self.steps += steps
        self.chunks += 1

    def evaluate(self) -> dict:
        p = self.probe
        samples = np.asarray(self.generator.predict(self.z_eval, batch_size=500, verbose=0))
        fd = evaluate_samples(samples, None, p.extractor, real_features=p.real_features).frechet_distance
        grid = np.asarray(self.generator(self.z_grid, training=False))
        _, probs = p.extractor.features_and_probabilities(grid)
        digits = None if probs is None else probs.argmax(axis=1).tolist()
        d_real = float(ops.mean(ops.sigmoid(self.discriminator(p.real_probe, training=False))))
        fakes = self.generator(self.z_grad, training=False)
        d_fake = float(ops.mean(ops.sigmoid(self.discriminator(fakes, training=False))))
        with tf.GradientTape() as tape:
            logits = self.discriminator(self.trained_generator(self.z_grad, training=True), training=False)
            g_loss = ops.mean(ops.softplus(-logits))
        grads = tape.gradient(g_loss, self.trained_generator.trainable_variables)
        g_norm = float(tf.linalg.global_norm(grads))
        changed = None if not self.curve or digits is None else sum(a != b for a, b in zip(digits, self.curve[-1]["digits"]))
        point = {
            "step": self.steps, "seconds": round(self.seconds, 2), "frechet_distance": round(fd, 3),
            "d_real": round(d_real, 4), "d_fake": round(d_fake, 4), "g_grad_norm": round(g_norm, 5),
            "identity_changes": changed, "digits": digits,
        }
        self.curve.append(point)
        if p.out is not None:
            save_grid(grid, p.out / self.name / f"step_{self.steps:06d}.png", columns=8)
        print(
            f"  {self.name:8} step {self.steps:6d} {self.seconds:8.1f} s  FD {fd:7.2f}  D(real) {d_real:.2f}"
            f"  D(fake) {d_fake:.2f}  |grad G| {g_norm:.4f}  changed {changed}",
            flush=True,
        )
        return point


class Probe:
    def __init__(self, x, n_eval, out, features="auto"):
        self.n_eval, self.out = n_eval, out
        self.extractor = feature_extractor(features, x.shape[1:])
        rng = np.random.default_rng(0)
        self.real_features = self.extractor.features(x[rng.permutation(len(x))[:n_eval]])
        self.real_probe = tf.constant(x[rng.permutation(len(x))[:256]])


def first_reaching(curve, target):
    return next((point for point in curve if point["frechet_distance"] <= target), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=1500, help="baseline training steps")
    parser.add_argument("--eval-every", type=int, default=100, help="baseline steps between evaluations")
    parser.add_argument("--kgan-eval-every", type=int, default=100, help="kgan steps between evaluations")
    parser.add_argument("--n-eval", type=int, default=2000, help="generated samples per Frechet distance")
    parser.add_argument("--quick", action="store_true", help="smoke run: budget 40, eval every 20, 500 samples")
    parser.add_argument("--out", default=None, help="write fixed-latent grids and animations here")
    parser.add_argument("--json", default=None, help="also write the curves and results to this file")
    parser.add_argument("--dataset", default="mnist-5k", help="a dataset name or path (images whose sides divide by 4)")
    parser.add_argument("--features", default="auto", help="feature extractor: auto, mnist, inception or PATH.keras[:LAYER]")
    args = parser.parse_args()
    if args.quick:
        args.budget, args.eval_every, args.kgan_eval_every, args.n_eval = 40, 20, 20, 500
    out = Path(args.out) if args.out else None

    x = kgan.datasets.load(args.dataset)
    shape = tuple(x.shape[1:])
    probe = Probe(x, args.n_eval, out, args.features)
    print(f"data: {args.dataset} {shape}; Frechet distance: {probe.extractor.protocol}, {args.n_eval} samples against {args.n_eval} training images")

    base = baseline.make_baseline(seed=0, shape=shape)
    base_c = Contestant("baseline", base, baseline.BATCH_SIZE, base.generator, base.discriminator, baseline.LATENT_DIM, probe)
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("dcgan")(input_shape=shape, seed=0)
    gan.compile()
    kgan_c = Contestant("kgan", gan, int(gan.recipe["batch_size"]), gan.sampling_generator, gan.discriminator, gan.latent_dim, probe, gan.generator)
    print(f"baseline: TF DCGAN tutorial, batch {baseline.BATCH_SIZE}, {args.budget} steps; "
          f"kgan: dcgan default recipe {gan.recipe}, as many training seconds, interleaved")

    while base_c.steps < args.budget:
        base_c.train(min(args.eval_every, args.budget - base_c.steps), x)
        base_c.evaluate()
        while kgan_c.seconds < base_c.seconds:
            kgan_c.train(args.kgan_eval_every, x)
            kgan_c.evaluate()

    best = min(base_c.curve, key=lambda p: p["frechet_distance"])
    base_reach = first_reaching(base_c.curve, best["frechet_distance"])
    kgan_reach = first_reaching(kgan_c.curve, best["frechet_distance"])
    within = [p for p in kgan_c.curve if p["seconds"] <= base_c.seconds]
    kgan_final = within[-1]

    print("\nresults")
    print(f"  baseline: {base_c.steps} steps in {base_c.seconds:.1f} s; best FD {best['frechet_distance']:.2f}, "
          f"first reached at step {base_reach['step']}, {base_reach['seconds']:.1f} s")
    if kgan_reach:
        ratio = base_reach["seconds"] / kgan_reach["seconds"]
        print(f"  kgan first reached FD <= {best['frechet_distance']:.2f} at step {kgan_reach['step']}, "
              f"{kgan_reach['seconds']:.1f} s: {ratio:.1f}x sooner (target >= 10x, aim 30x)")
    else:
        ratio = None
        print(f"  kgan did not reach FD {best['frechet_distance']:.2f} within {base_c.seconds:.1f} s")
    final_ratio = best["frechet_distance"] / kgan_final["frechet_distance"]
    print(f"  kgan FD at step {kgan_final['step']}, {kgan_final['seconds']:.1f} s (within the baseline's "
          f"{base_c.seconds:.1f} s): {kgan_final['frechet_distance']:.2f}, {final_ratio:.1f}x lower than the "
          f"baseline's best (target >= 5x)")
    if out is not None:
        for c in (base_c, kgan_c):
            build_animation(out / c.name, out / f"{c.name}.gif", fps=4, max_frames=40)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"args": vars(args), "baseline": base_c.curve, "kgan": kgan_c.curve, "speedup": ratio,
                       "final_ratio": final_ratio, "baseline_seconds": base_c.seconds}, handle, indent=1)


if __name__ == "__main__":
    main()
