"""Throughput: kgan's GANModel with the tutorial's exact networks and optimizers against the
hand-written tutorial step, steps per second side by side, plus achieved GFLOP/s against this
machine's matmul rate.

Each measurement runs in a fresh Python process holding only the model it times (an earlier version
timed all models in one process and the rates depended on what else the process had built), and
the models take turns for ``--rounds`` rounds, so machine noise falls on all alike; the median
round counts.

    python benchmarks/throughput.py                       # ~6 minutes on 2 CPU cores
    python benchmarks/throughput.py --steps 10 --rounds 2 # quicker, noisier
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(__file__))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import baseline  # noqa: E402
import kgan  # noqa: E402
from flops import gan_step_flops, layer_flops, matmul_gflops  # noqa: E402


def full_batches(x: np.ndarray, steps: int) -> np.ndarray:
    """Exactly ``steps`` full batches (the data repeated as needed): a partial last batch would
    retrace the step function inside the timed region."""
    return x[np.resize(np.arange(len(x)), steps * baseline.BATCH_SIZE)]


def steps_per_second(model, x, steps: int) -> float:
    warm, timed = full_batches(x, 2), full_batches(x, steps)
    model.fit(warm, batch_size=baseline.BATCH_SIZE, epochs=1, shuffle=False, verbose=0)  # compile + warm up
    start = time.perf_counter()
    model.fit(timed, batch_size=baseline.BATCH_SIZE, epochs=1, shuffle=False, verbose=0)
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


MODELS = {
    "tutorial": ("tutorial step (hand-written)", True),
    "kgan-shared": ("kgan GANModel, shared G pass", True),
    "kgan-default": ("kgan GANModel, default", False),
}


def build(key: str):
    if key == "tutorial":
        return baseline.make_baseline()
    return kgan_with_baseline_networks(key == "kgan-shared")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per measurement (after 2 warm-up steps)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per model, taken in turns; the median counts")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    x = kgan.datasets.load("mnist-5k")
    x = np.concatenate([x] * 2)[: baseline.BATCH_SIZE * (args.steps + 2)]
    if args.worker:
        print(steps_per_second(build(args.worker), x, args.steps))
        return
    samples = {key: [] for key in MODELS}
    for _ in range(args.rounds):
        for key in MODELS:
            out = subprocess.run([sys.executable, __file__, "--worker", key, "--steps", str(args.steps)], check=True, capture_output=True, text=True)
            samples[key].append(float(out.stdout.strip().splitlines()[-1]))
    rates = {key: statistics.median(values) for key, values in samples.items()}
    peak = matmul_gflops()
    g, d = baseline.make_generator(), baseline.make_discriminator()
    print(f"machine: TensorFlow float32 matmul {peak:.1f} GFLOP/s (2048x2048)")
    print("forward FLOPs per sample, generator:", ", ".join(f"{n} {f / 1e6:.1f}M" for n, f in layer_flops(g)))
    print("forward FLOPs per sample, discriminator:", ", ".join(f"{n} {f / 1e6:.1f}M" for n, f in layer_flops(d)))
    reference = rates["tutorial"]
    print(f"\n{'model':34} {'steps/s (rounds)':>28} {'vs tutorial':>11} {'GFLOP/s':>8} {'of matmul peak':>15}")
    for key, (name, shared) in MODELS.items():
        flops = gan_step_flops(g, d, baseline.BATCH_SIZE, shared_forward=shared)
        achieved = rates[key] * flops / 1e9
        rounds = ", ".join(f"{v:.3f}" for v in samples[key])
        print(f"{name:34} {rates[key]:6.3f} ({rounds}) {rates[key] / reference:10.2f}x {achieved:8.1f} {achieved / peak:14.0%}")


if __name__ == "__main__":
    main()
