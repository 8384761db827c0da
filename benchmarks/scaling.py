"""Data-parallel scaling: steps and images per second of kgan's dcgan on 1 and N devices.

Each configuration runs in its own Python process (devices are made when the backend starts): the
default dcgan recipe on mnist-5k, ``kgan.distribute.data_parallel(N)`` for N > 1, ``--steps``
timed steps after ``--warmup`` untimed ones (tracing, compilation), repeated over ``--rounds`` rounds
in turn so that machine noise falls on all configurations alike; the median round is reported.

Two ways to add devices, both measured:

- ``global``: the global batch stays ``--batch`` (each of N devices gets batch/N): the same training,
  faster if the devices add compute;
- ``per-device``: each device keeps ``--batch`` (the global batch grows N-fold): more images per second
  for the same step time if the devices add compute.

On a CPU the "devices" are logical devices (TensorFlow) or host devices (JAX) carved out of the same
cores, so the table shows the cost of the machinery, not a speed-up; on a machine with N GPUs the
same command measures real scaling. The device kind is printed with every row.

    python benchmarks/scaling.py --json scaling.json                 # TF and JAX, 1 and 2 devices
    python benchmarks/scaling.py --devices 1 2 4 8 --backends tensorflow   # a GPU machine
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time


def worker(devices: int, batch: int, steps: int, warmup: int) -> None:
    """Time ``steps`` training steps on ``devices`` devices in this process; print one JSON line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import numpy as np

    import kgan

    parallel = kgan.distribute.data_parallel(devices) if devices > 1 else None
    x = kgan.datasets.load("mnist-5k")
    rows = np.resize(np.random.default_rng(0).permutation(len(x)), (warmup + steps) * batch)
    data = x[rows]
    scope = parallel.scope() if parallel is not None else contextlib.nullcontext()
    with scope:
        keras.utils.set_random_seed(0)
        gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
        gan.compile()
        gan.fit(data[: warmup * batch], batch_size=batch, epochs=1, shuffle=False, verbose=0)
        start = time.perf_counter()
        gan.fit(data[warmup * batch :], batch_size=batch, epochs=1, shuffle=False, verbose=0)
        seconds = time.perf_counter() - start
    kind = parallel.device_kind if parallel is not None else ("gpu" if _has_gpu() else "cpu")
    print("RESULT " + json.dumps({"steps_per_s": steps / seconds, "images_per_s": steps * batch / seconds, "device_kind": kind}), flush=True)


def _has_gpu() -> bool:
    import keras

    if keras.backend.backend() == "jax":
        import jax

        return jax.devices()[0].platform == "gpu"
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def run_one(backend: str, devices: int, batch: int, steps: int, warmup: int) -> dict:
    command = [sys.executable, __file__, "--worker", "--devices", str(devices), "--batch", str(batch), "--steps", str(steps), "--warmup", str(warmup)]
    proc = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"})
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{backend}, {devices} devices failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[0][len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", nargs="+", default=[b for b in ("tensorflow", "jax") if importlib.util.find_spec(b)])
    parser.add_argument("--devices", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--batch", type=int, default=64, help="global batch ('global') or per-device batch ('per-device')")
    parser.add_argument("--steps", type=int, default=60, help="timed steps per measurement")
    parser.add_argument("--warmup", type=int, default=10, help="untimed steps first (tracing, compilation)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.devices[0], args.batch, args.steps, args.warmup)
        return

    configs = []
    for backend in args.backends:
        for n in args.devices:
            configs.append((backend, n, "global", args.batch))
            if n > 1:
                configs.append((backend, n, "per-device", args.batch * n))
    results: dict = {c: [] for c in configs}
    started = time.time()
    for r in range(args.rounds):
        for config in configs:
            backend, n, mode, batch = config
            results[config].append(run_one(backend, n, batch, args.steps, args.warmup))
            last = results[config][-1]
            print(f"round {r + 1}: {backend:10s} {n} device(s) {mode:10s} batch {batch:4d}: {last['steps_per_s']:.2f} steps/s, {last['images_per_s']:.0f} images/s", file=sys.stderr, flush=True)

    table = []
    for config, runs in results.items():
        backend, n, mode, batch = config
        steps = statistics.median(r["steps_per_s"] for r in runs)
        images = statistics.median(r["images_per_s"] for r in runs)
        one = statistics.median(r["images_per_s"] for r in results[(backend, 1, "global", args.batch)]) if (backend, 1, "global", args.batch) in results else None
        table.append({
            "backend": backend, "devices": n, "mode": mode, "global_batch": batch, "device_kind": runs[0]["device_kind"],
            "steps_per_s": round(steps, 3), "images_per_s": round(images, 1),
            "images_per_s_vs_1_device": None if one is None else round(images / one, 2),
        })
    print(f"\n{'backend':10s} | devices | kind | mode       | global batch | steps/s | images/s | images/s vs 1 device")
    for row in table:
        print(f"{row['backend']:10s} | {row['devices']:7d} | {row['device_kind']:4s} | {row['mode']:10s} | {row['global_batch']:12d} | "
              f"{row['steps_per_s']:7.2f} | {row['images_per_s']:8.0f} | {row['images_per_s_vs_1_device']}x")
    print(f"({args.rounds} rounds, median; {args.steps} timed steps after {args.warmup}; {time.time() - started:.0f} s in all)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"args": vars(args), "table": table, "runs": {" ".join(map(str, k)): v for k, v in results.items()}}, handle, indent=2)


if __name__ == "__main__":
    main()
