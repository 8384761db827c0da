"""Throughput: kgan's GANModel with the tutorial's exact networks and optimizers against the
hand-written tutorial step, steps per second side by side, plus achieved GFLOP/s against this
machine's matmul rate.

    python benchmarks/throughput.py            # ~3 minutes on 2 CPU cores
    python benchmarks/throughput.py --steps 5  # quicker, noisier
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(__file__))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import baseline  # noqa: E402
import kgan  # noqa: E402
from flops import gan_step_flops, layer_flops, matmul_gflops  # noqa: E402


def steps_per_second(model, x, steps: int) -> float:
    model.fit(x, batch_size=baseline.BATCH_SIZE, epochs=1, steps_per_epoch=2, verbose=0)  # compile + warm up
    start = time.perf_counter()
    model.fit(x, batch_size=baseline.BATCH_SIZE, epochs=1, steps_per_epoch=steps, verbose=0)
    return steps / (time.perf_counter() - start)


def kgan_with_baseline_networks(shared: bool):
    keras.utils.set_random_seed(0)
    gan = kgan.GANModel(generator=baseline.make_generator(), discriminator=baseline.make_discriminator(), seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(baseline.LEARNING_RATE),
        d_optimizer=keras.optimizers.Adam(baseline.LEARNING_RATE),
        loss="bce",
        shared_generator_pass=shared,
    )
    return gan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per model (after 2 warm-up steps)")
    parser.add_argument("--rounds", type=int, default=2, help="alternate the models this many times; best round counts")
    args = parser.parse_args()
    x = kgan.datasets.load("mnist-5k")
    x = np.concatenate([x] * 2)[: baseline.BATCH_SIZE * (args.steps + 2)]
    models = {
        "tutorial step (hand-written)": (baseline.make_baseline(), True),
        "kgan GANModel, shared G pass": (kgan_with_baseline_networks(True), True),
        "kgan GANModel, default": (kgan_with_baseline_networks(False), False),
    }
    rates = {name: 0.0 for name in models}
    for _ in range(args.rounds):  # interleaved rounds so machine noise hits all models alike
        for name, (model, _) in models.items():
            rates[name] = max(rates[name], steps_per_second(model, x, args.steps))
    peak = matmul_gflops()
    g, d = baseline.make_generator(), baseline.make_discriminator()
    print(f"machine: TensorFlow float32 matmul {peak:.1f} GFLOP/s (2048x2048)")
    print("forward FLOPs per sample, generator:", ", ".join(f"{n} {f / 1e6:.1f}M" for n, f in layer_flops(g)))
    print("forward FLOPs per sample, discriminator:", ", ".join(f"{n} {f / 1e6:.1f}M" for n, f in layer_flops(d)))
    reference = rates["tutorial step (hand-written)"]
    print(f"\n{'model':34} {'steps/s':>8} {'vs tutorial':>11} {'GFLOP/s':>8} {'of matmul peak':>15}")
    for name, (_, shared) in models.items():
        flops = gan_step_flops(g, d, baseline.BATCH_SIZE, shared_forward=shared)
        achieved = rates[name] * flops / 1e9
        print(f"{name:34} {rates[name]:8.3f} {rates[name] / reference:10.2f}x {achieved:8.1f} {achieved / peak:14.0%}")


if __name__ == "__main__":
    main()
