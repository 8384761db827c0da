"""Every variant, judged as a user would: its documented default command for a fixed training time.

Each arm runs ``kgan.train`` — what ``kgan train`` runs — with the architecture's defaults (its own
recipe, batch size and options) on its documented data, for as many epochs as fit in the budget. A
callback saves the model when the training clock (from the start of ``fit``: graph tracing counts, the
saving does not) passes each mark of ``--minutes``, and training stops at the last. Then, off the clock,
every saved model is measured with kgan's MNIST classifier (``kgan.metrics.mnist_feature_extractor``)
on ``--n-eval`` samples of seed 1 against ``--n-eval`` real digits:

- ``dcgan``, ``dcgan --loss wgan-gp``, ``progan``: the Frechet distance (FD); ``wgan-gp-1e-3``, not
  run unless named, trains WGAN-GP with a candidate default optimizer, Adam(1e-3, 0, 0.9);
  ``dcgan-float32`` and ``dcgan-bf16``, not run unless named, train dcgan with ``--precision float32``
  and ``--precision bfloat16`` (the plain ``dcgan`` arm runs the default, float32); each arm's record
  says which precision it trained in;
- ``cgan`` (labels from mnist-5k): FD, and the class accuracy (samples for digit k read as k,
  ``kgan.metrics.conditional_accuracy``, 200 per class);
- ``cogan`` (``--dataset-b mnist-5k-negative``; ``cogan-r1``, not run unless named, the same with
  ``--loss bce-r1``): FD of domain A, FD of domain B read back as digits
  (``-b``), and pair agreement: the fraction of pairs whose ``a`` and ``-b`` the classifier reads as
  the same digit;
- ``cyclegan`` (X: the 4,000 digits 0-7 of mnist-5k written to ``.npz``; Y: those digits shuffled
  and thickened, so no pair is shown): on the 1,000 held-out 8s and 9s, the translation error
  ``mean |G(x) - thick(x)|`` as a fraction of the identity map's ``mean |x - thick(x)|``.

The arms run one after the other in this process (``--arms`` picks some); each run's directory is
kept under ``--out``. ``--pictures DIR`` draws, per arm, ten fixed-latent samples of every saved model
(one row per mark; cogan: rows A and B; cyclegan: held-out digits, then their translation) into
``DIR/<arm>.png``; ``--reuse`` measures and draws the models an earlier run saved under ``--out``
instead of training again. ``--set KEY=VALUE`` (JSON value, repeatable) passes an architecture
option to every chosen arm, to measure a candidate default (for example ``--arms cyclegan --set
identity_weight=0``); the options are recorded in the results.
``--also-ema M[:C]`` (repeatable) keeps another generator weight average with momentum ``M`` and
warm-up constant ``C`` (``kgan.models.ema_momentum_at``; default the model's, 10) in the same run and
measures it beside the model's own at every mark (``fd_ema_M``, ``fd_ema_M_warmup_C``): a paired
comparison of momenta or warm-ups (for example ``--arms dcgan --also-ema 0.9995 --also-ema 0.999:4``).

``--dataset NAME`` trains the unconditional arms (``dcgan``, ``wgan-gp``, ``progan`` and their
candidates) on other data, to compare them at another size: for example ``--dataset
mnist-5k-color-64 --features inception --n-eval 500`` (``--features``: ``auto``, ``mnist``,
``inception`` or a Keras model, as ``kgan.metrics.feature_extractor``; ``auto`` is kgan's MNIST
classifier for 28x28x1 data and the standard Inception network otherwise).

    python benchmarks/variants.py --json benchmarks/results-variants.json      # 6 arms x 10 min: ~70 min on 2 cores
    python benchmarks/variants.py --arms progan --minutes 2 5                  # one arm, 5 minutes
    python benchmarks/variants.py --arms dcgan progan --dataset mnist-5k-color-64 --n-eval 500 --minutes 2.5 5 10 15
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.metrics import conditional_accuracy, evaluate_samples, feature_extractor  # noqa: E402
from kgan.models.gan_model import EMA_WARMUP, ema_momentum_at  # noqa: E402
from kgan.models.loading import load_gan  # noqa: E402


class Marks(keras.callbacks.Callback):
    """Save the model to ``out/minute_M.keras`` when the training clock passes each mark; stop at the last."""

    def __init__(self, minutes: list[float], out: Path):
        super().__init__()
        self.marks, self.out = sorted(minutes), out
        self.saved: dict[float, dict] = {}

    def on_train_begin(self, logs=None):
        self.start, self.paused = time.perf_counter(), 0.0

    def clock(self) -> float:
        return time.perf_counter() - self.start - self.paused

    def on_train_batch_end(self, batch, logs=None):
        while self.marks and self.clock() >= self.marks[0] * 60:
            minute = self.marks.pop(0)
            seconds, pause = self.clock(), time.perf_counter()
            path = self.out / f"minute_{minute:g}.keras"
            self.model.save(path)
            steps = int(keras.ops.convert_to_numpy(self.model.g_optimizer.iterations))
            self.saved[minute] = {"path": str(path), "train_seconds": round(seconds, 1), "generator_steps": steps}
            self.paused += time.perf_counter() - pause
        if not self.marks:
            self.model.stop_training = True


def average_spec(text: str) -> tuple[float, float]:
    """``--also-ema`` ``M`` or ``M:C`` as ``(momentum, warm-up constant)``; ``C`` defaults to the model's."""
    momentum, _, warmup = text.partition(":")
    try:
        spec = float(momentum), float(warmup) if warmup else EMA_WARMUP
    except ValueError:
        raise argparse.ArgumentTypeError(f"--also-ema takes M or M:C (numbers, for example 0.999:4), received {text!r}") from None
    if not 0 < spec[0] < 1 or not spec[1] > 1:
        raise argparse.ArgumentTypeError(f"--also-ema M:C needs 0 < M < 1 and C > 1, received {text!r}")
    return spec


def average_name(momentum: float, warmup: float = EMA_WARMUP) -> str:
    """``ema_M`` for the model's own warm-up, ``ema_M_warmup_C`` for another: the name of a second average's figures."""
    return f"ema_{momentum:g}" + ("" if warmup == EMA_WARMUP else f"_warmup_{warmup:g}")


class SecondAverage(keras.callbacks.Callback):
    """A second weight average of the generator with another momentum or warm-up, ``--also-ema M[:C]``.

    The same update as the model's own (``GANModel.update_generator_ema``: ``ema = m * ema + (1 - m) * w``
    with ``m = kgan.models.ema_momentum_at(M, t, C)`` after generator step ``t``), kept in NumPy after
    every step and written to ``minute_N.<name>.npz`` beside each model that ``Marks`` saves. Training
    never reads an average, so all averages come from the same run: their Frechet distances are paired,
    free of the machine's drift between runs. The update's seconds are taken off the training clock, as
    saving is.
    """

    def __init__(self, momentum: float, marks: Marks, warmup: float = EMA_WARMUP):
        super().__init__()
        self.momentum, self.warmup, self.marks = float(momentum), float(warmup), marks
        self.name = average_name(self.momentum, self.warmup)
        self.saved: dict[float, str] = {}

    def on_train_begin(self, logs=None):
        if getattr(self.model, "generator_ema", None) is None:
            raise ValueError(f"--also-ema needs a model with a generator weight average; {type(self.model).__name__} has none")
        self.average = [keras.ops.convert_to_numpy(w).astype("float32") for w in self.model.generator_ema.weights]

    def on_train_batch_end(self, batch, logs=None):
        start = time.perf_counter()
        m = float(keras.ops.convert_to_numpy(ema_momentum_at(self.momentum, self.model.g_optimizer.iterations, self.warmup)))
        for average, weight in zip(self.average, self.model.generator.weights, strict=True):
            average *= m
            average += (1.0 - m) * keras.ops.convert_to_numpy(weight).astype("float32")
        for minute, record in self.marks.saved.items():
            if minute not in self.saved:
                path = average_path(record["path"], self.name)
                np.savez(path, *self.average)
                self.saved[minute] = path
        self.marks.paused += time.perf_counter() - start


def average_path(model_path: str, name: str) -> str:
    """Where ``SecondAverage`` writes the average ``name`` that belongs to the model saved at ``model_path``."""
    return model_path.removesuffix(".keras") + f".{name}.npz"


def with_average(model, path: str):
    """``model`` with its generator weight average replaced by the one ``SecondAverage`` saved at ``path``."""
    with np.load(path) as saved:
        arrays = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    for variable, array in zip(model.generator_ema.weights, arrays, strict=True):
        variable.assign(array)
    return model


HELD_OUT = 4000
"""mnist-5k is stored by class: its first 4,000 digits are the 0-7s, the rest the held-out 8s and 9s."""


CYCLEGAN_FILES = ("digits.npz", "thick.npz")
"""cyclegan's two domains, as files in the run's scratch folder (X, Y)."""


def _split_for_cyclegan(x: np.ndarray, directory: Path) -> None:
    """X = digits 0-7 of mnist-5k, Y = the same digits shuffled and thickened, written as
    ``CYCLEGAN_FILES`` in ``directory`` as a user's own data would be."""
    train = x[:HELD_OUT]
    thick = kgan.datasets.thicken(train[np.random.default_rng(0).permutation(len(train))])
    for name, domain in zip(CYCLEGAN_FILES, (train, thick)):
        np.savez(directory / name, x=domain)


IMAGE_ARMS = ("dcgan", "dcgan-float32", "dcgan-bf16", "wgan-gp", "wgan-gp-1e-3", "progan")
"""The unconditional arms: the only ones ``--dataset`` can point at other data."""


def arms(scratch: Path) -> dict:
    """name -> (kgan.train keyword arguments, the command a user types); cyclegan reads the files
    ``_split_for_cyclegan`` writes into ``scratch``."""
    x_path, y_path = (str(scratch / name) for name in CYCLEGAN_FILES)
    return {
        "dcgan": ({"architecture": "dcgan"}, "kgan train dcgan"),
        "dcgan-float32": ({"architecture": "dcgan", "precision": "float32"}, "kgan train dcgan --precision float32"),
        "dcgan-bf16": ({"architecture": "dcgan", "precision": "bfloat16"}, "kgan train dcgan --precision bfloat16"),
        "wgan-gp": ({"architecture": "dcgan", "loss": "wgan-gp"}, "kgan train dcgan --loss wgan-gp"),
        "wgan-gp-1e-3": ({"architecture": "dcgan", "loss": "wgan-gp"}, "kgan train dcgan --loss wgan-gp, with WGANGP.default_optimizer Adam(1e-3, 0, 0.9)"),
        "progan": ({"architecture": "progan"}, "kgan train progan"),
        "cgan": ({"architecture": "cgan"}, "kgan train cgan"),
        "cogan": ({"architecture": "cogan", "dataset_b": "mnist-5k-negative"}, "kgan train cogan --dataset-b mnist-5k-negative"),
        "cogan-r1": (
            {"architecture": "cogan", "dataset_b": "mnist-5k-negative", "loss": "bce-r1"},
            "kgan train cogan --dataset-b mnist-5k-negative --loss bce-r1",
        ),
        "cyclegan": (
            {"architecture": "cyclegan", "dataset": x_path, "dataset_b": y_path},
            "kgan train cyclegan --dataset digits.npz --dataset-b thick.npz",
        ),
    }


CANDIDATE_OPTIMIZERS = {"wgan-gp-1e-3": {"learning_rate": 1e-3, "beta_1": 0.0, "beta_2": 0.9}}
"""Arms that try a candidate for a loss's default optimizer (``GANLoss.default_optimizer``): the best of
``benchmarks/wgan_recipe.py``'s two-minute sweep, measured here over ten minutes before it becomes the
default. Not run unless named."""


NAMED_ONLY = ("cogan-r1", "dcgan-float32", "dcgan-bf16")
"""Arms run only when named: a candidate loss, and dcgan in each precision that ``auto`` chooses between."""


@contextlib.contextmanager
def candidate_settings(name: str):
    """WGAN-GP's default Adam settings replaced by the arm's candidate while it trains."""
    from kgan.losses.adversarial import WGANGP

    before = WGANGP.default_optimizer
    WGANGP.default_optimizer = CANDIDATE_OPTIMIZERS.get(name, before)
    try:
        yield
    finally:
        WGANGP.default_optimizer = before


def measure(name: str, model, real_features, extractor, n: int, held: np.ndarray) -> dict:
    """The arm's figures (see the module docstring)."""
    def fd(samples):
        return round(evaluate_samples(samples, None, extractor, real_features=real_features).frechet_distance, 2)

    if name == "cyclegan":
        truth = kgan.datasets.thicken(held)
        error = float(np.abs(model.translate(held) - truth).mean())
        identity = float(np.abs(held - truth).mean())
        return {"translation_error": round(error, 4), "identity_error": round(identity, 4), "error_vs_identity": round(error / identity, 3)}
    if name.startswith("cogan"):
        a, b = model.generate(n, seed=1)
        _, pa = extractor.features_and_probabilities(a)
        _, pb = extractor.features_and_probabilities(-b)
        return {"fd_a": fd(a), "fd_b": fd(-b), "pair_agreement": round(float(np.mean(pa.argmax(1) == pb.argmax(1))), 4)}
    if name == "cgan":
        accuracy = conditional_accuracy(model, n_per_class=200, seed=1)
        labels = np.arange(n) % model.num_classes
        return {"fd": fd(model.generate(n, labels=labels, seed=1)), "class_accuracy": round(float(accuracy.mean), 4)}
    return {"fd": fd(model.generate(n, seed=1))}


def picture(name: str, models: list, held: np.ndarray, path: Path) -> None:
    """Ten samples per saved model, one row per mark (see the module docstring)."""
    from kgan.visual import save_grid

    rows = []
    for model in models:
        if name == "cyclegan":
            rows += [held[::100][:10], model.translate(held[::100][:10])]
        elif name.startswith("cogan"):
            a, b = model.generate(10, seed=1)
            rows += [a, b]
        elif name == "cgan":
            rows.append(model.generate(10, labels=np.arange(10), seed=1))
        else:
            rows.append(model.generate(10, seed=1))
    save_grid(np.concatenate(rows), path, columns=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arms", nargs="+", default=None, help="arms to run (default: all)")
    parser.add_argument("--minutes", nargs="+", type=float, default=[2, 5, 10], help="training-clock marks")
    parser.add_argument("--n-eval", type=int, default=2000, help="samples per Frechet distance")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="keep the run directories here (default: a temporary folder)")
    parser.add_argument("--json", default=None, help="write the results to this file")
    parser.add_argument("--pictures", default=None, help="draw each arm's samples at every mark into this folder")
    parser.add_argument("--reuse", action="store_true", help="measure the models saved under --out by an earlier run")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE", help="an architecture option for every chosen arm, JSON value")
    parser.add_argument("--dataset", default="mnist-5k", help="data for the unconditional arms (dcgan, wgan-gp, progan); default mnist-5k")
    parser.add_argument("--also-ema", type=average_spec, action="append", default=[], metavar="M[:C]", help="keep another generator weight average with momentum M (and warm-up constant C, default 10) in the same run and measure it too (fd_ema_M, fd_ema_M_warmup_C); repeatable")
    parser.add_argument("--features", default="auto", help="feature extractor for the Frechet distance: auto, mnist, inception or PATH.keras[:LAYER]")
    args = parser.parse_args()
    settings = {k: json.loads(v) for k, _, v in (s.partition("=") for s in args.settings)}

    out = Path(args.out or tempfile.mkdtemp(prefix="kgan-variants-"))
    out.mkdir(parents=True, exist_ok=True)
    table = arms(out)
    chosen = args.arms or [name for name in table if name not in NAMED_ONLY and name not in CANDIDATE_OPTIMIZERS]
    unknown = set(chosen) - set(table)
    if unknown:
        parser.error(f"unknown arms {sorted(unknown)}; choose from {list(table)}")
    other_data = args.dataset != "mnist-5k"
    if other_data and set(chosen) - set(IMAGE_ARMS):
        parser.error(f"--dataset {args.dataset}: only the arms {list(IMAGE_ARMS)} take other data; received --arms {' '.join(chosen)}")
    x = kgan.datasets.load(args.dataset)
    if "cyclegan" in chosen:
        _split_for_cyclegan(x, out)
    extractor = feature_extractor(args.features, x.shape[1:])
    real_features = extractor.features(x[np.random.default_rng(0).permutation(len(x))[: args.n_eval]])
    held = x[HELD_OUT:]
    results = {}
    for name in chosen:
        options, command = table[name]
        if other_data:
            options = {**options, "dataset": args.dataset}
            command += f" --dataset {args.dataset}"
        if settings:
            options = {**options, "architecture_options": settings}
            command += " " + " ".join(f"--option {k}={json.dumps(v)}" for k, v in settings.items())
        directory = out / name
        directory.mkdir(exist_ok=True)
        marks = Marks(args.minutes, directory)
        callbacks = [marks] + [SecondAverage(momentum, marks, warmup) for momentum, warmup in args.also_ema]
        started = time.perf_counter()
        if args.reuse:
            previous = json.loads(Path(args.json).read_text())["results"][name]["marks"] if args.json and Path(args.json).exists() else []
            marks.saved = {row["minute"]: {k: row[k] for k in ("path", "train_seconds", "generator_steps")} for row in previous}
        else:
            with candidate_settings(name):
                kgan.train(**options, epochs=10_000, seed=args.seed, out=directory / "run", overwrite=True, evaluate_every=0, verbose=0, callbacks=callbacks)
        wall = time.perf_counter() - started
        run_record = directory / "run" / "run.json"
        precision = json.loads(run_record.read_text()).get("precision", "float32") if run_record.exists() else None
        rows, models = [], []
        for minute, saved in sorted(marks.saved.items()):
            model = load_gan(saved["path"])
            models.append(model)
            row = {"minute": minute, **saved, **measure(name, model, real_features, extractor, args.n_eval, held)}
            for momentum, warmup in args.also_ema:
                second = average_path(saved["path"], average_name(momentum, warmup))
                if Path(second).exists():
                    row[f"fd_{average_name(momentum, warmup)}"] = measure(name, with_average(load_gan(saved["path"]), second), real_features, extractor, args.n_eval, held)["fd"]
            rows.append(row)
            print(f"{name:>9} at {minute:g} min: " + ", ".join(f"{k} {v}" for k, v in row.items() if k not in ("minute", "path")), flush=True)
        if args.pictures:
            Path(args.pictures).mkdir(parents=True, exist_ok=True)
            picture(name, models, held, Path(args.pictures) / f"{name}.png")
        results[name] = {"command": command, "options": {k: v for k, v in options.items() if k not in ("dataset", "dataset_b") or name != "cyclegan"}, "precision": precision, "wall_seconds": round(wall, 1), "marks": rows}
    if args.json:
        report = {
            "command": "python " + " ".join(sys.argv),
            "backend": keras.backend.backend(),
            "dataset": args.dataset,
            "features": args.features,
            "n_eval": args.n_eval,
            "seed": args.seed,
            "results": results,
        }
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
