"""The same GANModel and recipe on TensorFlow, JAX and PyTorch: steps per second and time to quality.

kgan's default dcgan recipe trains on mnist-5k under each installed Keras backend, each in its own
Python process (Keras picks its backend once per process), for ``--budget`` training seconds, in
chunks of ``--chunk`` steps. After every chunk the weight-averaged generator is evaluated off the
clock with kgan's MNIST Frechet distance on ``--n-eval`` samples. The backends take turns for
``--rounds`` rounds (machine noise falls on all alike) and the table gives the median round:

- ``first chunk s``: seconds of the first chunk (graph tracing / XLA compilation included);
- ``steps/s``: the training rate after the first chunk;
- ``FD at end``: the Frechet distance after the budget;
- ``s to FD <= T``: training seconds to first reach each target in ``--targets``.

Each backend uses Keras' defaults for it (``jit_compile="auto"``: XLA off for TensorFlow on a CPU,
``jax.jit`` for JAX, eager for PyTorch); the data are numpy arrays in memory for all three.

    python benchmarks/backends.py --json backends.json        # 3 backends x 2 rounds x 90 s: ~12 min
    python benchmarks/backends.py --budget 20 --rounds 1      # quick look
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time

BACKENDS = ("tensorflow", "jax", "torch")


def worker(budget: float, chunk: int, n_eval: int, seed: int) -> None:
    """Train in this process (its KERAS_BACKEND) and print one JSON line per evaluation."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import numpy as np

    import kgan
    from kgan.metrics import evaluate_samples, mnist_feature_extractor

    x = kgan.datasets.load("mnist-5k")
    extractor = mnist_feature_extractor()
    rng = np.random.default_rng(seed)
    real_features = extractor.features(x[rng.permutation(len(x))[:n_eval]])
    keras.utils.set_random_seed(seed)
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=seed)
    gan.compile()
    z_eval = rng.standard_normal((n_eval, gan.latent_dim)).astype("float32")
    batch = gan.recipe["batch_size"]
    seconds, steps, chunks = 0.0, 0, 0
    while seconds < budget:
        rows = np.concatenate([rng.permutation(len(x)) for _ in range(-(-chunk * batch // len(x)))])[: chunk * batch]
        start = time.perf_counter()
        gan.fit(x[rows], batch_size=batch, epochs=1, shuffle=False, verbose=0)
        elapsed = time.perf_counter() - start
        seconds += elapsed
        steps += chunk
        chunks += 1
        samples = np.asarray(gan.predict(z_eval, batch_size=500, verbose=0))
        fd = evaluate_samples(samples, None, extractor, real_features=real_features).frechet_distance
        print(json.dumps({"step": steps, "seconds": seconds, "chunk_seconds": elapsed, "frechet_distance": fd}), flush=True)


def run_worker(backend: str, args) -> list[dict]:
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    cmd = [sys.executable, __file__, "--worker", "--budget", str(args.budget), "--chunk", str(args.chunk), "--n-eval", str(args.n_eval)]
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"{backend} worker failed:\n{run.stderr[-3000:]}")
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def summarize(curve: list[dict], targets: list[float]) -> dict:
    later = curve[1:] or curve  # the first chunk carries tracing and compilation
    steps = later[-1]["step"] - (curve[0]["step"] if len(curve) > 1 else 0)
    rate = steps / sum(p["chunk_seconds"] for p in later)
    reach = {}
    for t in targets:
        hit = next((p for p in curve if p["frechet_distance"] <= t), None)
        reach[str(t)] = None if hit is None else hit["seconds"]
    return {"first_chunk_s": curve[0]["chunk_seconds"], "steps_per_s": rate, "fd_end": curve[-1]["frechet_distance"], "seconds_to": reach}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=90.0, help="training seconds per backend and round")
    parser.add_argument("--chunk", type=int, default=100, help="steps between evaluations")
    parser.add_argument("--n-eval", type=int, default=2000, help="samples per Frechet distance")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the median round is reported")
    parser.add_argument("--targets", default="100,50,30", help="Frechet distances to time")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--json", default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.budget, args.chunk, args.n_eval, seed=0)
        return
    targets = [float(t) for t in args.targets.split(",")]
    backends = [b for b in args.backends.split(",") if importlib.util.find_spec(b) is not None]
    missing = sorted(set(args.backends.split(",")) - set(backends))
    if missing:
        print(f"not installed, skipped: {', '.join(missing)} (pip install 'kgan[jax]' / torch==2.13.0)")
    results: dict[str, list] = {b: [] for b in backends}
    for r in range(args.rounds):
        for backend in backends:
            curve = run_worker(backend, args)
            summary = summarize(curve, targets)
            results[backend].append({"curve": curve, **summary})
            print(f"round {r + 1} {backend:10s} {summary['steps_per_s']:.2f} steps/s, first chunk {summary['first_chunk_s']:.1f} s, FD {summary['fd_end']:.1f}", flush=True)

    header = " | ".join(f"s to FD <= {t:g}" for t in targets)
    print(f"\n| backend | first chunk s | steps/s | FD at end | {header} |")
    print("|---|---:|---:|---:|" + "---:|" * len(targets))
    table = {}
    for backend, runs in results.items():
        median = sorted(runs, key=lambda s: s["steps_per_s"])[len(runs) // 2]
        table[backend] = median
        reach = " | ".join("-" if median["seconds_to"][str(t)] is None else f"{median['seconds_to'][str(t)]:.0f}" for t in targets)
        rates = ", ".join(f"{s['steps_per_s']:.2f}" for s in runs)
        print(f"| {backend} | {median['first_chunk_s']:.1f} | {median['steps_per_s']:.2f} (rounds: {rates}) | {median['fd_end']:.1f} | {reach} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"settings": vars(args), "median": table, "rounds": results}, handle, indent=2)


if __name__ == "__main__":
    main()
