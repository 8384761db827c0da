"""Hardening against generators it never saw, of other kinds than the one it trained on.

``kgan harden --train-gan dcgan`` (the one-command path) is run as Python, per seed: a dcgan trained
on mnist-5k for 10 epochs with every epoch kept, its untrained start, a held-out dcgan (seed + 1, 3
epochs) as the built-in probe, a baseline and a hardened classifier at ``--rate`` false rejects. Then
both classifiers, each with the rule saved in its ``.keras`` file (``RejectingClassifier.rejects``),
are shown fakes of generators that differ in kind, trained here once (seed 100 and up, cached in
``--work``) and never shown to the hardening:

- ``tutorial``: the TensorFlow DCGAN tutorial's networks and step (``benchmarks/baseline.py``: batch
  256, Adam 1e-4), kept after ``--tutorial-steps`` steps (early: crude blobs; middle; late);
- ``mlp``: fully connected generator and discriminator (Goodfellow et al.'s kind of GAN) as a plain
  ``kgan.GANModel`` with kgan's default recipe;
- ``progan``: kgan's ProGAN kept at its 7x7 and 14x14 stages (blocky, upsampled to 28x28);
- ``cgan``: kgan's conditional GAN, fakes of every class in equal numbers.

Every probe set has ``--n`` images; rejection is measured at the operating point saved in each model.
``--set KEY=VALUE`` changes a ``HardeningSettings`` field for an experiment (for example
``--set blend_fakes=0 --set field_fakes=0``: generated fakes only).

    python benchmarks/hardening_unseen.py --work /tmp/unseen --seeds 0 1 2 --json results.json --pictures pics   # ~25 min the first time
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan import augment  # noqa: E402
from kgan.models.loading import load_gan  # noqa: E402


def tutorial_generators(x: np.ndarray, work: Path, steps: list[int]) -> dict[str, Path]:
    """The tutorial's generator after each of ``steps`` training steps (bare Keras models on disk)."""
    import tensorflow as tf
    from baseline import BATCH_SIZE, make_baseline

    stage = dict(zip(steps, ("early", "middle", "late"), strict=False))
    paths = {step: work / f"tutorial-{step}.keras" for step in steps}
    named = {f"tutorial, {stage[s]} ({s} steps)": p for s, p in paths.items()}
    if all(p.exists() for p in paths.values()):
        return named
    gan = make_baseline(seed=100)
    data = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=100).repeat().batch(BATCH_SIZE, drop_remainder=True)
    done = 0
    for step in steps:
        start = time.perf_counter()
        gan.fit(data, steps_per_epoch=step - done, epochs=1, verbose=0)
        done = step
        gan.generator.save(paths[step])
        print(f"  tutorial: {step} steps ({time.perf_counter() - start:.0f} s)", flush=True)
    return named


def mlp_generator(x: np.ndarray, work: Path, epochs: int) -> Path:
    """A fully connected GAN, trained with kgan's default recipe."""
    path = work / "mlp.keras"
    if path.exists():
        return path
    layers = keras.layers
    keras.utils.set_random_seed(101)
    g = keras.Sequential(
        [keras.Input((64,)), layers.Dense(256), layers.LeakyReLU(0.2), layers.Dense(512), layers.LeakyReLU(0.2),
         layers.Dense(784, activation="tanh"), layers.Reshape((28, 28, 1))], name="generator",
    )  # fmt: skip
    d = keras.Sequential(
        [keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(512), layers.LeakyReLU(0.2), layers.Dense(256),
         layers.LeakyReLU(0.2), layers.Dense(1)], name="discriminator",
    )  # fmt: skip
    gan = kgan.GANModel(generator=g, discriminator=d, seed=101)
    gan.compile()
    start = time.perf_counter()
    gan.fit(x, batch_size=64, epochs=epochs, verbose=0)
    gan.save(path)
    print(f"  mlp: {epochs} epochs ({time.perf_counter() - start:.0f} s)", flush=True)
    return path


def kgan_run(work: Path, name: str, architecture: str, epochs: int, snapshot_every: int, seed: int) -> Path:
    """The run directory ``work/name``, trained by ``augment.train_generators`` unless it is there."""
    out = work / name
    if not (out / "model.keras").exists():
        start = time.perf_counter()
        augment.train_generators("mnist-5k", out, architecture, epochs=epochs, snapshot_every=snapshot_every, seed=seed, overwrite=True)
        print(f"  {name}: {epochs} epochs ({time.perf_counter() - start:.0f} s)", flush=True)
    return out


def unseen_generators(x: np.ndarray, work: Path, args) -> dict[str, object]:
    """Name -> generator (a path or a model) of every kind the hardening never sees."""
    work.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, object] = dict(tutorial_generators(x, work, args.tutorial_steps))
    kinds["mlp"] = mlp_generator(x, work, args.mlp_epochs)
    # progan's default phase_images (20,000): stage 0 (7x7) is 4 epochs of mnist-5k; 14x14 is faded in and
    # trained stably by epoch 12
    run = kgan_run(work, "progan", "progan", epochs=12, snapshot_every=4, seed=102)
    kinds["progan, 7x7 stage"] = run / "snapshots" / "epoch_0004.keras"
    kinds["progan, 14x14 stage"] = run / "snapshots" / "epoch_0012.keras"
    kinds["cgan (every class)"] = kgan_run(work, "cgan", "cgan", epochs=10, snapshot_every=0, seed=103) / "model.keras"
    return {name: (keras.models.load_model if name.startswith("tutorial") else load_gan)(p) for name, p in kinds.items()}


def harden_one_seed(x, y, seed: int, work: Path, kinds: dict, args) -> dict:
    """``kgan harden --train-gan dcgan --seed SEED --false-reject-rate RATE``, then every unseen kind."""
    start = time.perf_counter()
    gan_paths = augment.run_generators(kgan_run(work, f"gan-{seed}", "dcgan", epochs=10, snapshot_every=1, seed=seed))
    probe = kgan_run(work, f"probe-gan-{seed}", "dcgan", epochs=3, snapshot_every=0, seed=seed + 1)
    settings = dict(args.settings)
    result = augment.harden(x, y, [load_gan(p) for p in gan_paths], [load_gan(probe / "model.keras")], seed=seed, false_reject_rate=args.rate, **settings)
    report = result.report
    rejection = {name: {"baseline": r["baseline"], "hardened": r["hardened"]} for name, r in report["rejection"].items()}
    for name, generator in kinds.items():
        fakes, _ = augment.as_source(generator).draw(args.n, rng=seed + 50)
        rejection[name] = {model: float(getattr(result, model).rejects(fakes).mean()) for model in ("baseline", "hardened")}
    return {
        "seed": seed,
        "clean_accuracy": report["clean_accuracy"],
        "accepted_and_correct": report["accepted_and_correct"],
        "false_reject_rate": report["false_reject_rate"],
        "rejection": rejection,
        "settings": report["settings"] | settings,
        "seconds": round(time.perf_counter() - start, 1),
    }


def table(rows: list[dict]) -> str:
    seeds = [r["seed"] for r in rows]
    lines = ["| at {:g}% false rejects, baseline / hardened | ".format(100 * rows[0]["settings"]["false_reject_rate"]) + " | ".join(f"seed {s}" for s in seeds) + " |"]
    lines.append("|---|" + "---:|" * len(rows))

    def line(label, values):
        lines.append(f"| {label} | " + " | ".join(f"{100 * v['baseline']:.1f} / {100 * v['hardened']:.1f}" for v in values) + " |")

    line("clean accuracy (held-out real)", [r["clean_accuracy"] for r in rows])
    line("accepted and correct", [r["accepted_and_correct"] for r in rows])
    for name in rows[0]["rejection"]:
        line(f"rejects: {name}", [r["rejection"][name] for r in rows])
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", required=True, help="folder for the generators (kept, reused when there)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rate", type=float, default=0.02, help="false-reject rate of the operating point")
    parser.add_argument("--n", type=int, default=1000, help="fakes per unseen kind")
    parser.add_argument("--tutorial-steps", type=int, nargs=3, default=[100, 400, 1200])
    parser.add_argument("--mlp-epochs", type=int, default=30)
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE", help="a HardeningSettings field, JSON value")
    parser.add_argument("--generators-only", action="store_true", help="train the unseen generators and stop")
    parser.add_argument("--json", default=None)
    parser.add_argument("--pictures", default=None, help="write unseen.png (ten fakes of every unseen kind) here")
    args = parser.parse_args(argv)
    args.settings = [(k, json.loads(v)) for k, _, v in (s.partition("=") for s in args.settings)]

    x, y = kgan.datasets.load("mnist-5k", with_labels=True)
    work = Path(args.work)
    kinds = unseen_generators(x, work, args)
    if args.pictures:
        from kgan.visual import save_grid

        rows = [augment.as_source(g).draw(10, rng=0)[0] for g in kinds.values()]
        Path(args.pictures).mkdir(parents=True, exist_ok=True)
        save_grid(np.concatenate(rows), Path(args.pictures) / "unseen.png", columns=10)
        print("rows:", ", ".join(kinds), flush=True)
    if args.generators_only:
        return
    rows = []
    for seed in args.seeds:
        rows.append(harden_one_seed(x, y, seed, work, kinds, args))
        print(f"seed {seed}: {rows[-1]['seconds']} s", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2, default=str) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
