"""Throughput: kgan's GANModel with the tutorial's exact networks and optimizers against the
hand-written tutorial step, steps per second side by side, plus achieved GFLOP/s against this
machine's matmul rate.

This machine runs the same code at one of two speeds (0.49 or 0.63-0.82 steps/s for the tutorial's
step, switching between and within processes), so rates taken at different times compare the
machine's modes as much as the models. All models are therefore built in one process and take turns
in short chunks of ``--steps`` steps, in ABC-CBA order, for ``--rounds`` rounds: every round gives
each kgan model's rate *divided by the tutorial's in the same round*, and the median of those paired
ratios is the result. Rates per CPU-second (``time.process_time``) are reported beside the wall-clock
ones.

    python benchmarks/throughput.py                       # ~6 minutes on 2 CPU cores
    python benchmarks/throughput.py --steps 5 --rounds 2  # quicker, noisier
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(__file__))

import baseline  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from flops import gan_step_flops, layer_flops, matmul_gflops  # noqa: E402

import kgan  # noqa: E402


def full_batches(x: np.ndarray, steps: int) -> np.ndarray:
    """Exactly ``steps`` full batches (the data repeated as needed): a partial last batch would
    retrace the step function inside the timed region."""
    return x[np.resize(np.arange(len(x)), steps * baseline.BATCH_SIZE)]


def warm_up(model, x) -> None:
    """Compile and run the train function once (tracing is not timed)."""
    model.fit(full_batches(x, 2), batch_size=baseline.BATCH_SIZE, epochs=1, shuffle=False, verbose=0)


def timed_chunk(model, x, steps: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``steps`` training steps through ``fit``."""
    data = full_batches(x, steps)
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(data, batch_size=baseline.BATCH_SIZE, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - wall, time.process_time() - cpu


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
    parser.add_argument("--steps", type=int, default=10, help="steps per timed chunk")
    parser.add_argument("--rounds", type=int, default=8, help="rounds; each times every model once, in ABC-CBA order")
    parser.add_argument("--json", default=None, help="also write the measurements to this file")
    args = parser.parse_args()
    x = kgan.datasets.load("mnist-5k")
    models = {key: build(key) for key in MODELS}
    for model in models.values():
        warm_up(model, x)
    wall = {key: [] for key in MODELS}
    cpu = {key: [] for key in MODELS}
    for r in range(args.rounds):
        for key in list(MODELS) if r % 2 == 0 else list(MODELS)[::-1]:
            w, c = timed_chunk(models[key], x, args.steps)
            wall[key].append(args.steps / w)
            cpu[key].append(args.steps / c)
        print(f"round {r + 1}: " + ", ".join(f"{key} {wall[key][-1]:.3f}" for key in MODELS) + " steps/s", file=sys.stderr, flush=True)
    ratios = {key: [a / b for a, b in zip(wall[key], wall["tutorial"])] for key in MODELS}
    cpu_ratios = {key: [a / b for a, b in zip(cpu[key], cpu["tutorial"])] for key in MODELS}
    peak = matmul_gflops()
    g, d = baseline.make_generator(), baseline.make_discriminator()
    print(f"machine: TensorFlow float32 matmul {peak:.1f} GFLOP/s (2048x2048)")
    print("forward FLOPs per sample, generator:", ", ".join(f"{n} {f / 1e6:.1f}M" for n, f in layer_flops(g)))
    print("forward FLOPs per sample, discriminator:", ", ".join(f"{n} {f / 1e6:.1f}M" for n, f in layer_flops(d)))
    print(f"{args.rounds} rounds of {args.steps} steps per model, interleaved; medians; ratio = paired, same round")
    print(f"\n{'model':30} {'steps/s':>8} {'vs tutorial (range)':>22} {'per CPU-s ratio':>16} {'GFLOP/s':>8} {'of matmul':>10}")
    results = {}
    for key, (name, shared) in MODELS.items():
        rate = statistics.median(wall[key])
        ratio, cpu_ratio = statistics.median(ratios[key]), statistics.median(cpu_ratios[key])
        achieved = rate * gan_step_flops(g, d, baseline.BATCH_SIZE, shared_forward=shared) / 1e9
        spread = f"{ratio:.3f}x ({min(ratios[key]):.2f}-{max(ratios[key]):.2f})"
        print(f"{name:30} {rate:8.3f} {spread:>22} {cpu_ratio:15.3f}x {achieved:8.1f} {achieved / peak:9.0%}")
        results[key] = {"name": name, "steps_per_s": wall[key], "steps_per_cpu_s": cpu[key], "median_ratio": ratio, "median_cpu_ratio": cpu_ratio, "gflops": achieved}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"steps_per_chunk": args.steps, "rounds": args.rounds, "matmul_gflops": peak, "models": results}, f, indent=1)


if __name__ == "__main__":
    main()
