"""Ablation of kgan's dcgan recipe: each ingredient changed alone, time to quality measured.

Every arm starts from kgan's default dcgan recipe on mnist-5k and changes one thing. Each arm runs in
its own Python process (so no arm's graphs or thread pools affect another's speed), trains for
``--budget`` training seconds and is evaluated, off the clock, every ``--eval-every`` steps with kgan's
MNIST Frechet distance on ``--n-eval`` samples. The table gives, per arm, the training seconds to
first reach each Frechet distance in ``--targets``, the distance at the end of the budget, and the
steps per second.

    python benchmarks/ablation.py --budget 45 --json ablation.json   # all arms, 45 s each: ~18 min
    python benchmarks/ablation.py --arms default,no-ema --budget 30
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ARMS = {
    "default": "kgan's dcgan recipe: BCE, Adam(1e-3, beta_1=0.5) both, batch 32, EMA 0.999, D width 32 with 3 convs, G width 48 upsample+conv, data resident, jit_compile 'auto'",
    "no-ema": "sample with G's raw weights (no weight average)",
    "adam-textbook": "Adam(1e-4, beta_1=0.9) for both, the tutorial's optimizer",
    "adam-2e-4": "Adam(2e-4, beta_1=0.5) for both (Radford et al.)",
    "ttur": "two learning rates: G 2.5e-4, D 1e-3",
    "batch-256": "batch 256, the tutorial's",
    "r1": "lazy R1 penalty on D (loss bce-r1, gamma 1, every 16 steps)",
    "spectral-norm": "spectral normalization on D",
    "g-transposed": "the tutorial's generator (Dense 7x7x256, Conv2DTranspose 128/64/1, k5) in place of kgan's",
    "g-width-32": "a generator as wide as the discriminator (g_width 32 instead of 48)",
    "d-depth-2": "the classic DCGAN discriminator: two convolutions instead of three",
    "shared-pass": "one generator pass shared by both updates (the tutorial's step)",
    "xla": "jit_compile=True (Keras' 'auto' leaves XLA off on a CPU-only TensorFlow machine)",
    "streamed-data": "batches from a Python generator of numpy arrays instead of a resident tf.data tensor",
    "diffaugment": "differentiable augmentation translation,cutout on everything D sees",
    "replay": "D sees half its fakes from a replay buffer of 3,200 past fakes",
}


def build(arm: str):
    import keras

    import kgan
    from kgan.architectures.dcgan import dcgan_discriminator

    keras.utils.set_random_seed(0)
    options, compile_kwargs, batch = {}, {}, 32
    if arm == "no-ema":
        options["ema_momentum"] = None
    if arm == "spectral-norm":
        options["spectral_norm"] = True
    if arm == "g-width-32":
        options["g_width"] = 32
    if arm == "d-depth-2":
        options["d_depth"] = 2
    if arm == "replay":
        options["replay_size"] = 3200
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0, **options)
    if arm == "g-transposed":
        sys.path.insert(0, os.path.dirname(__file__))
        import baseline

        keras.utils.set_random_seed(0)
        gan = kgan.GANModel(baseline.make_generator(), dcgan_discriminator((28, 28, 1)), seed=0, ema_momentum=0.999, recipe=gan.recipe)
    adam = keras.optimizers.Adam
    if arm == "adam-textbook":
        compile_kwargs.update(g_optimizer=adam(1e-4, beta_1=0.9), d_optimizer=adam(1e-4, beta_1=0.9))
    if arm == "adam-2e-4":
        compile_kwargs.update(g_optimizer=adam(2e-4, beta_1=0.5), d_optimizer=adam(2e-4, beta_1=0.5))
    if arm == "ttur":
        compile_kwargs.update(g_optimizer=adam(2.5e-4, beta_1=0.5), d_optimizer=adam(1e-3, beta_1=0.5))
    if arm == "batch-256":
        batch = 256
    if arm == "r1":
        compile_kwargs["loss"] = "bce-r1"
    if arm == "shared-pass":
        compile_kwargs["shared_generator_pass"] = True
    if arm == "xla":
        compile_kwargs["jit_compile"] = True
    if arm == "diffaugment":
        compile_kwargs["augment"] = "translation,cutout"
    gan.compile(**compile_kwargs)
    return gan, batch


def data(arm: str, x, batch: int, epoch: int):
    import numpy as np

    from kgan.datasets.batches import epoch_batches, epoch_permutation

    if arm != "streamed-data":
        return epoch_batches(x, batch, 0, epoch, epoch + 1)

    def batches():
        order = epoch_permutation(len(x), 0, epoch)
        for start in range(0, len(x), batch):
            yield (np.ascontiguousarray(x[order[start : start + batch]]),)

    return batches()


def run_arm(arm: str, budget: float, eval_every: int, n_eval: int) -> dict:
    import numpy as np

    import kgan
    from kgan.metrics import evaluate_samples, mnist_feature_extractor

    x = kgan.datasets.load("mnist-5k")
    extractor = mnist_feature_extractor()
    real_features = extractor.features(x[np.random.default_rng(0).permutation(len(x))[:n_eval]])
    gan, batch = build(arm)
    steps_per_epoch = -(-len(x) // batch)
    seconds, steps, epoch, curve = 0.0, 0, 0, []
    while seconds < budget:
        chunk = min(eval_every, steps_per_epoch)
        # whole epochs of data; fit stops after `chunk` steps, the next chunk starts a new epoch
        start = time.perf_counter()
        gan.fit(data(arm, x, batch, epoch), steps_per_epoch=chunk, epochs=1, verbose=0)
        seconds += time.perf_counter() - start
        steps += chunk
        epoch += 1
        fd = evaluate_samples(gan.generate(n_eval, seed=1), None, extractor, real_features=real_features).frechet_distance
        curve.append({"step": steps, "seconds": round(seconds, 2), "frechet_distance": round(fd, 3)})
    return {"arm": arm, "batch": batch, "curve": curve, "steps_per_second": steps / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated, from: {', '.join(ARMS)}")
    parser.add_argument("--budget", type=float, default=90.0, help="training seconds per arm")
    parser.add_argument("--eval-every", type=int, default=157, help="steps between evaluations (157: one epoch at batch 32)")
    parser.add_argument("--n-eval", type=int, default=2000)
    parser.add_argument("--targets", default="150,80,50", help="Frechet distances to time")
    parser.add_argument("--json", default=None)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_arm(args.worker, args.budget, args.eval_every, args.n_eval)))
        return
    arms = [a.strip() for a in args.arms.split(",") if a.strip()]
    unknown = [a for a in arms if a not in ARMS]
    if unknown:
        parser.error(f"unknown arm(s) {unknown}; choose from {', '.join(ARMS)}")
    targets = [float(t) for t in args.targets.split(",")]
    results = []
    for arm in arms:
        cmd = [sys.executable, __file__, "--worker", arm, "--budget", str(args.budget), "--eval-every", str(args.eval_every), "--n-eval", str(args.n_eval)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        result = json.loads(out)
        result["description"] = ARMS[arm]
        result["to_target"] = {
            str(t): next((p["seconds"] for p in result["curve"] if p["frechet_distance"] <= t), None) for t in targets
        }
        result["final"] = result["curve"][-1]
        results.append(result)
        reach = "  ".join(f"FD<={t:g}: " + (f"{s:6.1f} s" if s is not None else "   --   ") for t, s in zip(targets, result["to_target"].values()))
        print(f"{arm:14} {reach}  FD at {result['final']['seconds']:5.1f} s: {result['final']['frechet_distance']:6.1f}  {result['steps_per_second']:5.1f} steps/s", flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"args": vars(args), "results": results}, handle, indent=1)


if __name__ == "__main__":
    main()
