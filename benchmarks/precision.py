"""Reduced precision and XLA on this CPU: kgan's default dcgan recipe under each setting, side by side.

The CPU reports AVX512_BF16 and AMX, so Keras' ``mixed_bfloat16`` policy (bfloat16 compute, float32
weights, kgan's losses, penalty and weight average in float32: the networks' last layers are float32)
might run the convolutions faster; XLA (``compile(jit_compile=True)``) fuses the step. Each arm is the
default ``dcgan`` at 28x28x1, batch 32, built in this one process; the arms take turns in chunks of
``--steps`` steps, in ABC-CBA order, for ``--rounds`` rounds, and each arm's rate is divided by the
float32 arm's rate *in the same round* (this machine's speed drifts between and within processes).
After the timing, each arm trains ``--quality-steps`` more steps from the same seed and its Frechet
distance (kgan's MNIST features, 2,000 samples) is printed, to see that reduced precision still learns.

    python benchmarks/precision.py                           # ~10 minutes on 2 cores
    python benchmarks/precision.py --steps 5 --rounds 2 --quality-steps 0   # timing only, ~2 minutes
    python benchmarks/precision.py --arms float32,bfloat16 --set g_width=32 --quality-steps 0   # another dcgan
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402

BATCH = 32
ARMS = {
    "float32": ("float32", False),
    "bfloat16": ("mixed_bfloat16", False),
    "float32+xla": ("float32", True),
    "bfloat16+xla": ("mixed_bfloat16", True),
}


def build(policy: str, xla: bool, options: dict):
    """dcgan at 28x28x1 with ``options`` under ``policy`` (layers take the policy at construction)."""
    keras.config.set_dtype_policy(policy)
    try:
        keras.utils.set_random_seed(0)
        gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0, **options)
        gan.compile(jit_compile=xla)
    finally:
        keras.config.set_dtype_policy("float32")
    return gan


def batches(x: np.ndarray, steps: int, offset: int) -> np.ndarray:
    """Exactly ``steps`` full batches (a partial batch would retrace inside the timed region)."""
    return x[(np.arange(steps * BATCH) + offset * BATCH) % len(x)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20, help="steps per timed chunk")
    parser.add_argument("--rounds", type=int, default=6, help="rounds; each times every arm once, in ABC-CBA order")
    parser.add_argument("--quality-steps", type=int, default=1000, help="then train each arm this many steps and print its Frechet distance (0: skip)")
    parser.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated, from: {', '.join(ARMS)}")
    parser.add_argument("--json", default=None, help="also write the measurements to this file")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE", help="a dcgan option for every arm, JSON value (e.g. g_width=32)")
    args = parser.parse_args()
    options = {k: json.loads(v) for k, _, v in (s.partition("=") for s in args.settings)}
    arms = [a.strip() for a in args.arms.split(",")]
    if "float32" not in arms:
        arms.insert(0, "float32")  # the reference of every ratio
    x = kgan.datasets.load("mnist-5k")
    x = x[np.random.default_rng(0).permutation(len(x))]  # chunks read it in order: mix the classes once
    models = {arm: build(*ARMS[arm], options) for arm in arms}
    for model in models.values():  # tracing and compiling are not timed
        model.fit(batches(x, 2, 0), batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    rates: dict = {arm: [] for arm in arms}
    for r in range(args.rounds):
        for arm in arms if r % 2 == 0 else arms[::-1]:
            data = batches(x, args.steps, r * args.steps)
            start = time.perf_counter()
            models[arm].fit(data, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
            rates[arm].append(args.steps / (time.perf_counter() - start))
        print(f"round {r + 1}: " + ", ".join(f"{arm} {rates[arm][-1]:.2f}" for arm in arms) + " steps/s", file=sys.stderr, flush=True)
    results = {}
    print(f"dcgan {options or 'default'}, 28x28x1, batch {BATCH}; {args.rounds} rounds of {args.steps} steps per arm, interleaved")
    print(f"{'arm':14} {'steps/s':>8} {'vs float32 (range)':>22}")
    for arm in arms:
        ratios = [a / b for a, b in zip(rates[arm], rates["float32"])]
        print(f"{arm:14} {statistics.median(rates[arm]):8.2f} {statistics.median(ratios):10.2f}x ({min(ratios):.2f}-{max(ratios):.2f})")
        results[arm] = {"steps_per_s": rates[arm], "median_ratio": statistics.median(ratios)}
    if args.quality_steps:
        from kgan.metrics import evaluate_generator

        real = x[:2000]
        print(f"\nafter {args.rounds * args.steps + 2 + args.quality_steps} steps each (kgan MNIST Frechet distance, 2,000 samples):")
        for arm in arms:
            models[arm].fit(batches(x, args.quality_steps, 7), batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
            fd = evaluate_generator(models[arm], real, n=2000, seed=0).frechet_distance
            results[arm]["frechet_distance"] = fd
            print(f"{arm:14} {fd:8.2f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"options": options, "steps_per_chunk": args.steps, "rounds": args.rounds, "quality_steps": args.quality_steps, "arms": results}, handle, indent=1)


if __name__ == "__main__":
    main()
