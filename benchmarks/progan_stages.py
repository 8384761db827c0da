"""ProGAN's training speed at every stage: growing (only the active parts, at their own resolution)
against the whole networks with gates at every step (``grow_fast=False``, kgan 0.1's way).

Both arms are the default ``progan`` architecture at one image size, built in this one process with the
same seed. For every stage ``s`` the benchmark times the stable phase (``alpha = 1``) and, from stage 1
on, the middle of the fade-in: ``images_seen`` is set to that point of the schedule before each chunk of
``--steps`` training steps (batch 32), so the chunk stays inside the phase. The arms take turns in
AB-BA order for ``--rounds`` rounds after one untimed chunk each (compilation); a point's speed-up is
the median over rounds of (growing images/s) / (gated images/s) measured in the same round. (Python's
garbage collector now and then adds about 1.5 s to one chunk, of either arm: hence medians.)

    python benchmarks/progan_stages.py --size 28            # mnist-5k, 7 -> 14 -> 28, ~2 minutes on 2 cores
    python benchmarks/progan_stages.py --size 64            # mnist-5k-color-64, 4 -> ... -> 64, ~10 minutes
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
PHASE = 1_000_000  # images per phase: a timed chunk never leaves its phase
DATASETS = {28: ("mnist-5k", 1), 32: ("mnist-5k-color", 3), 64: ("mnist-5k-color-64", 3)}


def build(size: int, channels: int, grow_fast: bool):
    gan = kgan.architectures.get("progan")(input_shape=(size, size, channels), phase_images=PHASE, grow_fast=grow_fast, seed=0)
    gan.compile()
    return gan


def points(stages: int) -> list[tuple[str, float]]:
    """``(label, phase position)``: stage 0, then per stage its fade (middle) and its stable phase."""
    out = [("stage 0", 0.5)]
    for s in range(1, stages):
        out.append((f"stage {s} fade", 2 * s - 0.5))
        out.append((f"stage {s}", 2 * s + 0.5))
    return out


def chunk(gan, x: np.ndarray, position: float, steps: int) -> float:
    """Images per second of ``steps`` training steps starting at ``position`` phases into the schedule."""
    gan.images_seen.assign(int(position * PHASE))
    start = time.perf_counter()
    gan.fit(x[: steps * BATCH], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    return steps * BATCH / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=28, choices=sorted(DATASETS), help="image size (the dataset follows)")
    parser.add_argument("--steps", type=int, default=20, help="steps per timed chunk")
    parser.add_argument("--rounds", type=int, default=3, help="AB-BA rounds per point")
    parser.add_argument("--json", default=None, help="write the results to this file")
    args = parser.parse_args()

    name, channels = DATASETS[args.size]
    x = kgan.datasets.load(name)
    x = np.concatenate([x] * (1 + args.steps * BATCH // len(x)))
    arms = {"growing": build(args.size, channels, True), "gated": build(args.size, channels, False)}
    stages = len(arms["growing"].resolutions)
    results = []
    for label, position in points(stages):
        resolution = arms["growing"].resolutions[int(min((position + 1) // 2, stages - 1))]
        for gan in arms.values():
            chunk(gan, x, position, 2)  # compile this stage's step (growing) or warm up (gated)
        rates = {arm: [] for arm in arms}
        for r in range(args.rounds):
            order = list(arms) if r % 2 == 0 else list(reversed(arms))
            for arm in order:
                rates[arm].append(chunk(arms[arm], x, position, args.steps))
        ratios = [g / f for g, f in zip(rates["growing"], rates["gated"], strict=True)]
        row = {
            "point": label,
            "resolution": resolution,
            "growing_images_per_s": statistics.median(rates["growing"]),
            "gated_images_per_s": statistics.median(rates["gated"]),
            "speedup": statistics.median(ratios),
            "speedup_range": [min(ratios), max(ratios)],
        }
        results.append(row)
        print(
            f"{label:>14} ({resolution:>2}x{resolution:<2}): growing {row['growing_images_per_s']:7.0f} img/s, "
            f"gated {row['gated_images_per_s']:7.0f} img/s, speed-up {row['speedup']:.2f}x "
            f"({min(ratios):.2f}-{max(ratios):.2f})",
            flush=True,
        )
    if args.json:
        report = {
            "command": "python " + " ".join(sys.argv),
            "backend": keras.backend.backend(),
            "size": args.size,
            "dataset": name,
            "batch": BATCH,
            "steps_per_chunk": args.steps,
            "rounds": args.rounds,
            "results": results,
        }
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
