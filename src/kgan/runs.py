"""A training run on disk: what ``kgan train`` does, callable from Python.

``train(...)`` loads a dataset, builds a registered architecture for it, compiles it with a registered
loss and the default recipe, trains it with ``fit`` and writes the run directory::

    OUT/model.keras    the GANModel, saved after every epoch (atomically: temporary name, then rename)
    OUT/samples/       epoch_NNNN.png grids from the model's fixed latents (image data)
    OUT/snapshots/     epoch_NNNN.keras copies of the model, with snapshot_every=N (--snapshot-every N)
    OUT/training.gif   the training animation (training.mp4 too with imageio-ffmpeg)
    OUT/metrics.csv    per-epoch diagnostics; OUT/training.png, their plot
    OUT/metrics-steps.csv  every N-th step's logs, with log_every=N (--log-every N)
    OUT/run.json       the exact options, seed, package versions and wall time
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kgan.arguments import check_int
from kgan.callbacks.step_log import STEPS_FILE
from kgan.errors import (
    ConfigurationError,
    DataError,
    Interrupted,
    RunDirectoryError,
    TrainingStopped,
)
from kgan.files import (
    LOCK_FILE,
    OutputLock,
    save_model_atomically,  # re-exported: part of kgan.runs since 0.1
    write_atomically,
)
from kgan.precision import (
    check_precision,
    dtype_policy,
    model_precision,
    resolve_precision,
)

__all__ = ["train", "train_with", "RunOptions", "prepare_run_directory", "save_model_atomically", "RUN_FILE", "MODEL_FILE", "SAMPLES_DIR", "ANIMATION_FILE"]

RUN_FILE = "run.json"
MODEL_FILE = "model.keras"
SAMPLES_DIR = "samples"
SNAPSHOTS_DIR = "snapshots"
ANIMATION_FILE = "training.gif"


def prepare_run_directory(out: str | os.PathLike, overwrite: bool = False, create: bool = True) -> Path:
    """Check that ``out`` may be used and (with ``create``) create it; never deletes anything.

    Raises:
        RunDirectoryError: ``out`` is a file, is not writable, or already holds files and
            ``overwrite`` is false.
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise RunDirectoryError(f"--out {str(path)!r} is a file, not a directory; choose a directory path.")
    if path.is_dir():
        existing = sorted(p.name for p in path.iterdir() if p.name != LOCK_FILE)
        if existing and not overwrite:
            shown = ", ".join(existing[:5]) + (", ..." if len(existing) > 5 else "")
            raise RunDirectoryError(
                f"--out {str(path)!r} already holds a run ({shown}). Choose a new directory, or pass "
                f"--overwrite (overwrite=True) to replace the files this run writes there."
            )
    if not create:
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".kgan-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise RunDirectoryError(f"--out {str(path)!r} cannot be written: {exc}") from exc
    return path


def _normalized(value: Any) -> Any:
    """JSON round trip, so options compare equal to what run.json holds."""
    return json.loads(json.dumps(value, default=str))


def _read_record(run_dir: Path) -> dict | None:
    try:
        return json.loads((run_dir / RUN_FILE).read_text())
    except (OSError, ValueError):
        return None


def _write_record(run_dir: Path, record: dict) -> None:
    text = json.dumps(record, indent=2, default=str) + "\n"
    write_atomically(run_dir / RUN_FILE, lambda tmp: tmp.write_text(text))


def _history_from_csv(path: Path) -> dict:
    import csv

    if not path.exists():
        return {}
    history: dict[str, list] = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            for key, value in row.items():
                try:
                    history.setdefault(key, []).append(float(value))
                except (TypeError, ValueError):
                    continue
    return history


def _claim_run_directory(out, record: dict | None, overwrite: bool, resume: bool | None, check_only: bool = False):
    """Decide how ``out`` may be used: ``(run_dir, previous run record or None)``.

    A directory holding the same run (same options in its run.json) is continued; a different run,
    or other files, is refused unless ``overwrite``. With ``check_only`` (before the options are known)
    only what is wrong whatever the options are is refused, and nothing is created.
    """
    path = Path(out)
    previous = _read_record(path) if path.is_dir() else None
    if resume and previous is None:
        raise RunDirectoryError(f"--resume: {str(path)!r} holds no kgan run (no run.json) to continue; drop --resume to start one.")
    if check_only:
        if previous is None:
            prepare_run_directory(out, overwrite=overwrite, create=False)
        return path, None
    if previous is not None and not overwrite and resume is not False:
        if previous.get("options") == record["options"]:
            return prepare_run_directory(out, overwrite=True), previous
        changed = sorted(k for k in record["options"] if previous.get("options", {}).get(k) != record["options"][k])
        raise RunDirectoryError(
            f"--out {str(path)!r} holds a different run (options that differ: {', '.join(changed)}). Choose a "
            f"new --out, repeat that run's exact command to continue it, or pass --overwrite."
        )
    return prepare_run_directory(out, overwrite=overwrite), None


def _parameters(fn: Any) -> list[str]:
    import inspect

    try:
        return [p.name for p in inspect.signature(fn).parameters.values() if p.kind is not p.VAR_KEYWORD]
    except (TypeError, ValueError):
        return []


def _accepts(fn: Any, name: str) -> bool:
    """Whether ``fn`` takes a keyword argument ``name`` (or ``**kwargs``)."""
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in params)


def _versions() -> dict[str, str]:
    import keras

    from kgan.version import __version__

    out = {"kgan": __version__, "keras": keras.__version__, "python": platform.python_version()}
    out["backend"] = keras.backend.backend()
    try:
        import tensorflow as tf

        out["tensorflow"] = tf.__version__
    except ImportError:  # pragma: no cover
        pass
    if out["backend"] in ("jax", "torch"):
        import importlib

        out[out["backend"]] = importlib.import_module(out["backend"]).__version__
    out["numpy"] = np.__version__
    return out


@dataclass(frozen=True)
class RunOptions:
    """Everything a training run is made from, as one frozen record: what [`train()`][kgan.runs.train]
    receives, checked once, and what ``run.json`` stores.

    Part of it defines the run: architecture, dataset(s), loss, epochs, batch size, latent size, seed,
    ``d_steps`` and architecture options, resolved against the built model (the recipe's batch size,
    the loss's ``d_steps``) and stored in ``run.json`` under ``options``; a directory holding the same
    options is continued, a different one refused. The rest says how the run is watched and where it
    is written, and may change between a run and its resume (``devices``, ``evaluate_every``,
    ``log_every``, ``tensorboard``, ...). [`train()`][kgan.runs.train] takes the fields as keywords.

    Attributes:
        architecture: Registered architecture name (``kgan list``).
        dataset: Dataset name or path ([`load()`][kgan.datasets.load]).
        dataset_b: The second image domain of two-domain architectures (``cyclegan``'s Y,
            ``cogan``'s B); each epoch reads both in independent orders (unpaired).
        loss: Registered loss name (or GANLoss); ``None`` uses the architecture's recipe.
        epochs: Passes over the dataset.
        batch_size: Samples per step; the architecture's recipe when ``None`` (32 for dcgan).
        latent_dim: Size of ``z``; the architecture's default when ``None``.
        seed: Seeds weights, noise and shuffling.
        out: Run directory; must be new, empty, or hold this same run (resume), unless ``overwrite``.
        overwrite: Allow writing into a directory that already holds files.
        d_steps: Discriminator steps per generator step; the loss's default when ``None``.
        architecture_options: Extra keyword options for the architecture (``{"width": 32}``).
        verbose: ``fit``'s verbosity; ``"auto"``: a progress bar
            ([`ProgressLine`][kgan.callbacks.ProgressLine]) when standard output is a terminal, one
            line per epoch otherwise.
        evaluate_every: Frechet distance, KID and classifier score every N epochs (for data kgan has
            a feature extractor for, 28x28x1); 0 turns it off.
        eval_samples: Generated samples per evaluation.
        features: Feature extractor of the evaluation
            ([`feature_extractor()`][kgan.metrics.feature_extractor]): ``"auto"`` evaluates 28x28x1
            digits with kgan's MNIST classifier and says once that other data is not evaluated;
            ``"inception"`` evaluates any images with the standard FID network (about 35 ms an image on
            2 CPU cores: lower ``eval_samples`` or raise ``evaluate_every`` to keep it cheap);
            ``"PATH.keras[:LAYER]"`` uses a model of your own.
        image_options: How the dataset's images are brought to one shape, an
            [`ImageOptions`][kgan.datasets.ImageOptions] (size, channels, crop, skip unreadable files);
            applies to both domains of two-domain architectures.
        resume: ``None`` (default): if ``out`` holds an unfinished run with the same options,
            continue it from its last completed epoch (model, both optimizers, EMA, noise state,
            fixed latents, metrics.csv and sample grids); ``True``: require such a run; ``False``:
            never resume (an existing run is refused unless ``overwrite``).
        devices: Train data-parallel on this many devices of this machine with the backend's own
            engine ([`data_parallel()`][kgan.distribute.data_parallel]; with ``TF_CONFIG`` set, on every worker of
            a multi-worker cluster). ``batch_size`` stays the global batch, so the run computes what
            one device would and can be resumed on a different number of devices. Only the chief
            worker writes ``out``; the others write to a temporary directory they delete.
        snapshot_every: Also keep the model of every this many epochs as
            ``out/snapshots/epoch_NNNN.keras`` (0: none): a generator's fakes at several stages of
            training, for ``kgan harden --gan OUT``.
        log_every: Also write every N-th step's logs to ``out/metrics-steps.csv``
            ([`StepLog`][kgan.callbacks.StepLog]); ``training.png`` then draws them (0: per epoch only).
        tensorboard: Also write TensorBoard logs here: scalars per step, the sample grids as images,
            the graph on TensorFlow (``tensorboard --logdir DIR``; needs the tensorboard package).
        precision: ``"float32"`` (default), ``"bfloat16"`` (Keras' ``mixed_bfloat16`` policy:
            bfloat16 compute, float32 weights, losses and weight average) or ``"auto"``: bfloat16
            where it was measured faster at equal quality in runs of up to 20 minutes (dcgan with its
            own loss, on one device, on a CPU with native bfloat16 arithmetic), float32 elsewhere
            ([`kgan.precision`][kgan.precision]). A resumed run keeps the precision it was started
            with; ``run.json`` records it.
    """

    architecture: str = "dcgan"
    dataset: str = "mnist-5k"
    loss: Any = None
    epochs: int = 5
    batch_size: int | None = None
    latent_dim: int | None = None
    seed: int = 0
    out: str | os.PathLike = "runs/dcgan"
    overwrite: bool = False
    d_steps: int | None = None
    architecture_options: dict | None = None
    verbose: int | str = "auto"
    evaluate_every: int = 1
    eval_samples: int = 2000
    features: str = "auto"
    image_options: Any = None
    resume: bool | None = None
    dataset_b: str | None = None
    devices: int | None = None
    snapshot_every: int = 0
    log_every: int = 0
    tensorboard: str | os.PathLike | None = None
    precision: str = "float32"

    def check(self) -> None:
        """Refuse bad values before anything is loaded or written."""
        from kgan.callbacks.checkpoint import check_snapshot_every
        from kgan.metrics.evaluation import check_features

        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if name == "batch_size" and value is None:
                continue
            check_int(name, value)
        check_snapshot_every(self.snapshot_every)
        check_features(self.features)
        if self.image_options is not None:
            from kgan.datasets import ImageOptions

            if not isinstance(self.image_options, ImageOptions):
                raise ConfigurationError(f"image_options must be a kgan.datasets.ImageOptions, received {type(self.image_options).__name__}")
            self.image_options.check()
        check_int("log_every (--log-every)", self.log_every, 0, meaning=" (steps; 0: off)")
        check_precision(self.precision)


@dataclass
class _Data:
    """The loaded training data: images ``x`` (an array, or a folder's images on disk as
    [`DiskImages`][kgan.datasets.stream.DiskImages]), labels ``y`` (labelled architectures) and the
    second domain ``x_b`` (two-domain architectures), cut to ``len(x)``."""

    x: Any
    y: np.ndarray | None = None
    x_b: np.ndarray | None = None


@dataclass
class _Run:
    """A run being trained: its options, record, directory and what it resumes from."""

    options: RunOptions
    record: dict
    directory: Path
    previous: dict | None
    model_to_resume: Path
    batch_size: int
    lock: OutputLock | None = None


def train(architecture: str | None = None, dataset: str | None = None, *, callbacks: list | None = None, options: RunOptions | None = None, **fields):
    """Train a registered architecture on a dataset and write the run directory.

    The arguments (all but ``callbacks``) become one frozen [`RunOptions`][kgan.runs.RunOptions]
    record, checked before anything is loaded; [`train_with()`][kgan.runs.train_with] takes such a
    record directly.

    Example:
        >>> kgan.train("dcgan", "mnist-5k", epochs=5, out="runs/dcgan")

    Args:
        architecture: Registered architecture name (``kgan list``); default ``options``' (``"dcgan"``).
        dataset: Dataset name or path ([`load()`][kgan.datasets.load]); default ``options``' (``"mnist-5k"``).
        callbacks: Extra Keras callbacks.
        options: A [`RunOptions`][kgan.runs.RunOptions] record to start from (default: its defaults).
        **fields: Any other field of [`RunOptions`][kgan.runs.RunOptions], with its meaning and
            default: ``loss``, ``epochs``, ``batch_size``, ``latent_dim``, ``seed``, ``out``,
            ``overwrite``, ``d_steps``, ``architecture_options``, ``verbose``, ``evaluate_every``,
            ``eval_samples``, ``features``, ``image_options``, ``resume``, ``dataset_b``, ``devices``,
            ``snapshot_every``, ``log_every``, ``tensorboard``. An unknown name is refused with the
            names there are.

    Raises:
        kgan.errors.TrainingStopped: A NaN or Inf stopped training; the last good model is kept.
        kgan.errors.Interrupted: SIGINT (Ctrl-C) or SIGTERM stopped training at a step boundary; the
            checkpoint of the last completed epoch is kept, and the same call resumes from it.

    Returns:
        The trained model (a [`GANModel`][kgan.GANModel], or the architecture's own kind).
    """
    names = [f.name for f in dataclasses.fields(RunOptions)]
    unknown = sorted(set(fields) - set(names))
    if unknown:
        raise ConfigurationError(f"train() has no option {unknown[0]!r}; the options are {', '.join(names)}.")
    named = {k: v for k, v in (("architecture", architecture), ("dataset", dataset)) if v is not None}
    return train_with(dataclasses.replace(options or RunOptions(), **named, **fields), callbacks)


def train_with(options: RunOptions, callbacks: list | None = None):
    """[`train()`][kgan.runs.train] from a [`RunOptions`][kgan.runs.RunOptions] record."""
    from kgan import architectures, losses

    # first: devices can only be made before the backend runs anything
    parallel = None
    if options.devices is not None:
        from kgan.distribute import data_parallel

        parallel = data_parallel(options.devices)
    options.check()
    if options.tensorboard is not None:
        _check_tensorboard()
    # Resolve every name and the data before touching the disk or training anything.
    build = architectures.get(options.architecture)
    gan_loss = None if options.loss is None else losses.get(options.loss)
    _claim_run_directory(options.out, None, options.overwrite, options.resume, check_only=True)
    data = _load_data(options, build)
    model_options = dict(options.architecture_options or {})
    if data.y is not None and _accepts(build, "num_classes") and "num_classes" not in model_options:
        model_options["num_classes"] = int(np.max(data.y)) + 1 if len(data.y) else 1
    if _accepts(build, "seed"):
        model_options.setdefault("seed", options.seed)
    if options.latent_dim is not None:
        model_options["latent_dim"] = options.latent_dim
    # bfloat16 only where it was measured to win: the architecture's own recipe, on one device
    preferred = getattr(build, "precision_on_cpu", "float32") if options.loss is None and parallel is None else "float32"
    with parallel.scope() if parallel is not None else contextlib.nullcontext():
        with dtype_policy(resolve_precision(options.precision, preferred)):
            gan = _build(build, model_options, options, gan_loss, data)
        run = _start_run(gan, options, model_options, data, parallel)
        try:
            return _fit_run(gan, run, data, callbacks)
        finally:
            if run.lock is not None:
                run.lock.release()
            if not (parallel is None or parallel.is_chief):
                shutil.rmtree(run.directory, ignore_errors=True)


def _check_tensorboard() -> None:
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        raise ConfigurationError("tensorboard (--tensorboard) needs the tensorboard package: pip install 'kgan[tensorboard]'.") from None


def _load_data(options: RunOptions, build) -> _Data:
    """The dataset(s) the architecture trains on, checked against what it needs."""
    from kgan import architectures, datasets

    needs_labels = architectures.trains_on(build) == "labelled samples"
    two_domains = architectures.trains_on(build) == "two domains"
    if two_domains and options.dataset_b is None:
        raise ConfigurationError(
            f"The {options.architecture} architecture trains on two image domains; name the second with --dataset-b "
            f"(dataset_b=), for example --dataset mnist-5k --dataset-b mnist-5k-thick."
        )
    if not two_domains and options.dataset_b is not None:
        raise ConfigurationError(f"--dataset-b is for two-domain architectures (cyclegan, cogan); {options.architecture} trains on one dataset.")
    images = options.image_options or datasets.ImageOptions()
    shaping = {"image_size": images.size, "channels": images.channels, "crop": images.crop, "skip_bad": images.skip_bad, "stream": True}
    x_b = datasets.load(options.dataset_b, **shaping) if two_domains else None
    if needs_labels:
        try:
            x, y = datasets.load(options.dataset, with_labels=True, **shaping)
        except DataError as exc:
            raise DataError(f"The {options.architecture} architecture trains on labelled data. {exc}") from None
    else:
        x, y = datasets.load(options.dataset, **shaping), None
    if x_b is not None:
        # as many B samples as A samples (B repeated or cut), so both streams have the same batches
        x_b = np.resize(np.asarray(x_b), (len(x), *x_b.shape[1:]))
    return _Data(x, y, x_b)


def _build(build, model_options: dict, options: RunOptions, gan_loss, data: _Data):
    """The compiled model, its data checked before anything is written."""
    import keras

    keras.utils.set_random_seed(options.seed)
    try:
        gan = build(input_shape=tuple(data.x.shape[1:]), **model_options)
    except (TypeError, ValueError) as exc:
        unknown = [k for k in model_options if k not in _parameters(build)]
        if not unknown or not any(k in str(exc) for k in unknown):
            raise
        raise ConfigurationError(
            f"The {options.architecture} architecture has no option {unknown[0]!r}; it takes "
            f"{', '.join(_parameters(build))}."
        ) from exc
    gan.compile(loss=gan_loss, d_steps=options.d_steps)
    head = data.x if isinstance(data.x, np.ndarray) else data.x[:256]  # images on disk: their first rows
    second = data.y if data.x_b is None else data.x_b[: len(data.x)]
    gan.check_data(head, second if isinstance(data.x, np.ndarray) or second is None else second[:256], "fit")  # before anything is written
    return gan


def _start_run(gan, options: RunOptions, model_options: dict, data: _Data, parallel) -> _Run:
    """The run record and the directory it goes to (claimed on the chief, temporary on other workers)."""
    from kgan import datasets, losses

    batch_size = options.batch_size or int(gan.recipe["batch_size"])
    record = {
        "command": "train",
        "options": _normalized(
            {
                "architecture": options.architecture,
                "dataset": str(options.dataset),
                **({"dataset_b": str(options.dataset_b)} if options.dataset_b is not None else {}),
                **({"images": dataclasses.asdict(options.image_options)} if options.image_options not in (None, datasets.ImageOptions()) else {}),
                "loss": options.loss if isinstance(options.loss, str) else losses.serialize(gan.gan_loss),
                "epochs": options.epochs,
                "batch_size": batch_size,
                "latent_dim": gan.capabilities.latent_dim,
                "seed": options.seed,
                "d_steps": gan.get_compile_config().get("d_steps", 1),
                "architecture_options": model_options,
            }
        ),
        "data": {"samples": int(data.x.shape[0]), "sample_shape": list(data.x.shape[1:])},
        "versions": _versions(),
    }
    if parallel is not None:
        record["distribution"] = parallel.describe()
    if parallel is None or parallel.is_chief:
        existed = Path(options.out).exists()
        lock = OutputLock(options.out).acquire() if existed else None  # a second writer is refused here
        try:
            run_dir, previous = _claim_run_directory(options.out, record, options.overwrite, options.resume)
            lock = lock or OutputLock(run_dir).acquire()
        except BaseException:
            if lock is not None:
                lock.release(remove=True)  # a refused directory is left as it was
            raise
        return _Run(options, record, run_dir, previous, run_dir / MODEL_FILE, batch_size, lock)
    # another worker: the same steps (collective operations need every worker), files elsewhere;
    # it resumes from the chief's model, so all workers start from the same weights
    shared = Path(options.out)
    previous = _read_record(shared) if shared.is_dir() and not options.overwrite and options.resume is not False else None
    if previous is not None and previous.get("options") != record["options"]:
        previous = None
    run_dir = Path(tempfile.mkdtemp(prefix=f"kgan-worker{parallel.worker}-"))
    return _Run(options, record, run_dir, previous, shared / MODEL_FILE, batch_size)


def _watchers(gan, run: _Run, data: _Data) -> list:
    """The callbacks every run has: NaN guard, evaluation, grids, diagnostics, checkpoint, progress."""
    from kgan import callbacks as kcb

    options, run_dir = run.options, run.directory
    watchers: list = [kcb.StopOnNaN(), kcb.StopOnSignal()]
    evaluation = _evaluation(gan, run, data)
    if evaluation is not None:
        watchers.append(evaluation)
    tensorboard = None if options.tensorboard is None else os.fspath(options.tensorboard)
    watchers += [
        kcb.SampleGrid(run_dir / SAMPLES_DIR, tensorboard_dir=tensorboard),
        kcb.Diagnostics(run_dir),
        kcb.AtomicCheckpoint(run_dir / MODEL_FILE, snapshot_every=options.snapshot_every, snapshots_dir=run_dir / SNAPSHOTS_DIR),
    ]
    if options.log_every:
        watchers.append(kcb.StepLog(run_dir / STEPS_FILE, every=options.log_every))  # before Diagnostics plots
    if tensorboard is not None:
        import keras

        watchers.append(keras.callbacks.TensorBoard(tensorboard, update_freq=max(int(options.log_every), 1)))
    if _verbosity(options):
        watchers.append(kcb.ProgressLine())  # after the evaluation, whose figures it shows
    return watchers


def _evaluation(gan, run: _Run, data: _Data):
    """The per-epoch Frechet evaluation the options ask for, or ``None`` (said once on stderr when the
    data has no cheap extractor)."""
    from kgan import callbacks as kcb
    from kgan.metrics import feature_extractor

    options = run.options
    shape = tuple(gan.sample_shape or ())
    if not options.evaluate_every or not gan.capabilities.generates_samples:  # pairs and translation: no generate(n) array
        return None
    if options.features == "auto" and shape != (28, 28, 1):
        if len(shape) != 3:  # points: no image extractor applies
            return None
        print(
            f"kgan: no per-epoch Frechet distance for samples of shape {shape}: kgan's cheap extractor reads "
            f"28x28x1 digits. --features inception turns it on (the standard FID network, about 35 ms an "
            f"image on 2 CPU cores: {options.eval_samples:,} samples take about {options.eval_samples * 0.07:.0f} s "
            f"an evaluation with the reference set); kgan evaluate --features inception scores the model afterwards.",
            file=sys.stderr,
        )
        return None
    extractor = feature_extractor(options.features, shape)
    run.record["evaluation"] = {  # the protocol of every figure in metrics.csv
        "features": extractor.protocol, "samples": int(options.eval_samples),
        "reference": f"{min(len(data.x), int(options.eval_samples)):,} training images", "every_epochs": int(options.evaluate_every),
    }  # fmt: skip
    return kcb.FrechetEvaluation(data.x, every_epochs=options.evaluate_every, n=options.eval_samples, feature_extractor=extractor, seed=options.seed)


_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _stop_for_disk(run: _Run, exc: OSError):
    """A write failed for lack of space: say so, keep what is on disk, and stop."""
    where = f" ({exc.filename})" if exc.filename else ""
    message = (
        f"Training stopped: a file could not be written to {run.directory}{where}: {exc.strerror or exc}. "
        f"Every file is written under a temporary name and renamed, so {MODEL_FILE} and the run's other "
        f"files are intact, as of the last epoch saved before the failure. Free some space and run the "
        f"same command to resume."
    )
    try:
        _write_record(run.directory, {**run.record, "status": "stopped", "stopped": message})
    except OSError:
        pass  # the disk is still full: run.json keeps its previous, consistent content
    raise TrainingStopped(message) from exc


def _verbosity(options: RunOptions) -> int:
    """``fit``'s verbosity; ``"auto"``: a bar in a terminal, one plain line per epoch in a file or pipe."""
    if options.verbose == "auto":
        return 1 if sys.stdout.isatty() else 2
    return int(options.verbose)


def _fit_run(gan, run: _Run, data: _Data, callbacks: list | None):
    """Resume if asked, fit with the run's callbacks, and finish the run record."""
    import keras

    options, record, run_dir = run.options, run.record, run.directory
    epochs, seed, batch_size = options.epochs, options.seed, run.batch_size
    initial_epoch = 0
    if run.previous is not None and run.model_to_resume.exists():
        from kgan.models.loading import load_gan

        gan = load_gan(run.model_to_resume)
        initial_epoch = min(int(keras.ops.convert_to_numpy(gan.completed_epochs)), epochs)
        record["resumed_from_epoch"] = initial_epoch
    record["precision"] = model_precision(gan)  # a resumed model keeps the policy it was saved with
    record["status"] = "running"
    record["wall_time_s"] = float((run.previous or {}).get("wall_time_s", 0.0))
    watchers = _watchers(gan, run, data)
    _write_record(run_dir, record)

    from kgan.datasets.batches import epoch_batches
    from kgan.visual import build_animation

    started = time.time()
    if initial_epoch < epochs:
        x, y, x_b = data.x, data.y, data.x_b
        if x_b is not None:  # two domains, each in its own order: unpaired batches
            import tensorflow as tf

            batches = tf.data.Dataset.zip((
                epoch_batches(x, batch_size, seed, initial_epoch, epochs),
                epoch_batches(x_b, batch_size, seed + 1, initial_epoch, epochs),  # own order
            ))
        else:
            batches = epoch_batches(x, batch_size, seed, initial_epoch, epochs, y=None if y is None else y.astype("int32"))
        try:
            gan.fit(
                batches,
                epochs=epochs,
                initial_epoch=initial_epoch,
                steps_per_epoch=-(-len(x) // batch_size),
                verbose=_verbosity(options),
                shuffle=False,  # the batches are already in each epoch's order
                callbacks=watchers + list(callbacks or []),
            )
        except OSError as exc:
            if exc.errno not in _DISK_FULL:
                raise
            _stop_for_disk(run, exc)
    record["wall_time_s"] = round(record["wall_time_s"] + time.time() - started, 2)
    record["history"] = _history_from_csv(run_dir / "metrics.csv")
    if (run_dir / SAMPLES_DIR).is_dir() and any((run_dir / SAMPLES_DIR).iterdir()):
        record["animation"] = [str(p.name) for p in build_animation(run_dir / SAMPLES_DIR, run_dir / ANIMATION_FILE)]
    record["status"] = "stopped" if gan.stop_reason else "finished"
    if gan.stop_reason:
        record["stopped"] = gan.stop_reason
    _write_record(run_dir, record)
    if gan.stop_reason:
        from kgan.callbacks import StopOnSignal

        interrupt = next((w for w in watchers if isinstance(w, StopOnSignal) and w.received is not None), None)
        if interrupt is not None:
            raise Interrupted(gan.stop_reason, interrupt.received)
        raise TrainingStopped(gan.stop_reason)
    return gan
