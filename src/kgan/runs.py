"""A training run on disk: what ``kgan train`` does, callable from Python.

``train(...)`` loads a dataset, builds a registered architecture for it, compiles it with a registered
loss and the default recipe, trains it with ``fit`` and writes the run directory::

    OUT/model.keras    the GANModel, saved after every epoch (atomically: temporary name, then rename)
    OUT/samples/       epoch_NNNN.png grids from the model's fixed latents (image data)
    OUT/snapshots/     epoch_NNNN.keras copies of the model, with snapshot_every=N (--snapshot-every N)
    OUT/training.gif   the training animation (training.mp4 too with imageio-ffmpeg)
    OUT/metrics.csv    per-epoch diagnostics; OUT/training.png, their plot
    OUT/run.json       the exact options, seed, package versions and wall time
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from kgan.errors import (
    ConfigurationError,
    DataError,
    RunDirectoryError,
    TrainingStopped,
)

__all__ = ["train", "prepare_run_directory", "save_model_atomically", "RUN_FILE", "MODEL_FILE", "SAMPLES_DIR", "ANIMATION_FILE"]

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
        existing = sorted(p.name for p in path.iterdir())
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


def _write_atomically(path: str | os.PathLike, write) -> Path:
    """``write(tmp)`` to a temporary ``.keras`` name in the same directory, then rename it to ``path``:
    a crash midway leaves the previous file intact and no temporary file behind."""
    target = Path(path)
    tmp = target.with_name(f".{target.stem}.tmp-{os.getpid()}.keras")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def save_model_atomically(model: Any, path: str | os.PathLike) -> Path:
    """``model.save(path)`` through a temporary file in the same directory and an atomic rename.

    A crash during the save leaves the previous file intact.
    """
    return _write_atomically(path, model.save)


def copy_file_atomically(source: str | os.PathLike, path: str | os.PathLike) -> Path:
    """Copy ``source`` to ``path`` the way [`save_model_atomically()`][kgan.runs.save_model_atomically] saves."""
    return _write_atomically(path, lambda tmp: shutil.copyfile(source, tmp))


def _normalized(value: Any) -> Any:
    """JSON round trip, so options compare equal to what run.json holds."""
    return json.loads(json.dumps(value, default=str))


def _read_record(run_dir: Path) -> dict | None:
    try:
        return json.loads((run_dir / RUN_FILE).read_text())
    except (OSError, ValueError):
        return None


def _write_record(run_dir: Path, record: dict) -> None:
    tmp = run_dir / f".{RUN_FILE}.tmp"
    tmp.write_text(json.dumps(record, indent=2, default=str) + "\n")
    os.replace(tmp, run_dir / RUN_FILE)


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

    import kgan

    out = {"kgan": kgan.__version__, "keras": keras.__version__, "python": platform.python_version()}
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


def train(
    architecture: str = "dcgan",
    dataset: str = "mnist-5k",
    loss: Any = None,
    epochs: int = 5,
    batch_size: int | None = None,
    latent_dim: int | None = None,
    seed: int = 0,
    out: str | os.PathLike = "runs/dcgan",
    overwrite: bool = False,
    d_steps: int | None = None,
    architecture_options: dict | None = None,
    verbose: int | str = "auto",
    callbacks: list | None = None,
    evaluate_every: int = 1,
    eval_samples: int = 2000,
    resume: bool | None = None,
    dataset_b: str | None = None,
    devices: int | None = None,
    snapshot_every: int = 0,
):
    """Train a registered architecture on a dataset and write the run directory.

    Args:
        architecture: Registered architecture name (``kgan list``).
        dataset: Dataset name or path ([`kgan.datasets.load()`][kgan.datasets.load]).
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
        callbacks: Extra Keras callbacks.
        evaluate_every: Frechet distance, KID and classifier score every N epochs (for data kgan has
            a feature extractor for, 28x28x1); 0 turns it off.
        eval_samples: Generated samples per evaluation.
        resume: ``None`` (default): if ``out`` holds an unfinished run with the same options,
            continue it from its last completed epoch (model, both optimizers, EMA, noise state,
            fixed latents, metrics.csv and sample grids); ``True``: require such a run; ``False``:
            never resume (an existing run is refused unless ``overwrite``).
        devices: Train data-parallel on this many devices of this machine with the backend's own
            engine ([`kgan.distribute.data_parallel()`][kgan.distribute.data_parallel]; with ``TF_CONFIG`` set, on every worker of
            a multi-worker cluster). ``batch_size`` stays the global batch, so the run computes what
            one device would and can be resumed on a different number of devices. Only the chief
            worker writes ``out``; the others write to a temporary directory they delete.
        snapshot_every: Also keep the model of every this many epochs as
            ``out/snapshots/epoch_NNNN.keras`` (0: none): a generator's fakes at several stages of
            training, for ``kgan harden --gan OUT``.

    Raises:
        kgan.errors.TrainingStopped: A NaN or Inf stopped training; the last good model is kept.

    Returns:
        The trained [`GANModel`][kgan.GANModel].
    """
    from kgan import architectures, datasets, losses
    from kgan.callbacks.checkpoint import check_snapshot_every

    # first: devices can only be made before the backend runs anything
    parallel = None
    if devices is not None:
        from kgan.distribute import data_parallel

        parallel = data_parallel(devices)
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if name == "batch_size" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigurationError(f"{name} must be a positive integer, received {value!r}")
    check_snapshot_every(snapshot_every)
    # Resolve every name and the data before touching the disk or training anything.
    build = architectures.get(architecture)
    gan_loss = None if loss is None else losses.get(loss)
    _claim_run_directory(out, None, overwrite, resume, check_only=True)
    needs_labels = bool(getattr(build, "needs_labels", False))
    two_domains = bool(getattr(build, "needs_second_domain", False))
    if two_domains and dataset_b is None:
        raise ConfigurationError(
            f"The {architecture} architecture trains on two image domains; name the second with --dataset-b "
            f"(dataset_b=), for example --dataset mnist-5k --dataset-b mnist-5k-thick."
        )
    if not two_domains and dataset_b is not None:
        raise ConfigurationError(f"--dataset-b is for two-domain architectures (cyclegan, cogan); {architecture} trains on one dataset.")
    x_b = datasets.load(dataset_b) if two_domains else None
    if needs_labels:
        try:
            x, y = datasets.load(dataset, with_labels=True)
        except DataError as exc:
            raise DataError(f"The {architecture} architecture trains on labelled data. {exc}") from None
    else:
        x, y = datasets.load(dataset), None

    if x_b is not None:
        # as many B samples as A samples (B repeated or cut), so both streams have the same batches
        x_b = np.resize(x_b, (len(x), *x_b.shape[1:]))

    options = dict(architecture_options or {})
    if needs_labels and _accepts(build, "num_classes") and "num_classes" not in options:
        options["num_classes"] = int(np.max(y)) + 1 if len(y) else 1
    if _accepts(build, "seed"):
        options.setdefault("seed", seed)
    if latent_dim is not None:
        options["latent_dim"] = latent_dim
    with parallel.scope() if parallel is not None else contextlib.nullcontext():
        return _build_and_fit(
            build, options, gan_loss, d_steps, x, y, x_b, batch_size, epochs, seed, out, overwrite, resume, parallel,
            architecture=architecture, dataset=dataset, dataset_b=dataset_b, loss=loss,
            verbose=verbose, evaluate_every=evaluate_every, eval_samples=eval_samples, callbacks=callbacks,
            snapshot_every=snapshot_every,
        )


def _build_and_fit(build, options, gan_loss, d_steps, x, y, x_b, batch_size, epochs, seed, out, overwrite, resume, parallel, *, architecture, dataset, dataset_b, loss, verbose, evaluate_every, eval_samples, callbacks, snapshot_every=0):
    """[`train()`][kgan.runs.train] after its checks, inside the data-parallel scope when there is one."""
    import keras

    from kgan import losses

    keras.utils.set_random_seed(seed)
    try:
        gan = build(input_shape=tuple(x.shape[1:]), **options)
    except (TypeError, ValueError) as exc:
        unknown = [k for k in options if k not in _parameters(build)]
        if not unknown or not any(k in str(exc) for k in unknown):
            raise
        raise ConfigurationError(
            f"The {architecture} architecture has no option {unknown[0]!r}; it takes "
            f"{', '.join(_parameters(build))}."
        ) from exc
    gan.compile(loss=gan_loss, d_steps=d_steps)
    gan._check_data(x, y if x_b is None else x_b[: len(x)], "fit")  # before anything is written
    batch_size = batch_size or int(gan.recipe["batch_size"])
    record = {
        "command": "train",
        "options": _normalized(
            {
                "architecture": architecture,
                "dataset": str(dataset),
                **({"dataset_b": str(dataset_b)} if dataset_b is not None else {}),
                "loss": loss if isinstance(loss, str) else losses.serialize(gan.gan_loss),
                "epochs": epochs,
                "batch_size": batch_size,
                "latent_dim": gan.latent_dim,
                "seed": seed,
                "d_steps": gan.d_steps,
                "architecture_options": options,
            }
        ),
        "data": {"samples": int(x.shape[0]), "sample_shape": list(x.shape[1:])},
        "versions": _versions(),
    }
    if parallel is not None:
        record["distribution"] = parallel.describe()
    chief = parallel is None or parallel.is_chief
    if chief:
        run_dir, previous = _claim_run_directory(out, record, overwrite, resume)
        model_to_resume = run_dir / MODEL_FILE
    else:
        # another worker: the same steps (collective operations need every worker), files elsewhere;
        # it resumes from the chief's model, so all workers start from the same weights
        shared = Path(out)
        previous = _read_record(shared) if shared.is_dir() and not overwrite and resume is not False else None
        if previous is not None and previous.get("options") != record["options"]:
            previous = None
        model_to_resume = shared / MODEL_FILE
        run_dir = Path(tempfile.mkdtemp(prefix=f"kgan-worker{parallel.worker}-"))
    try:
        return _fit_run(gan, record, run_dir, previous, model_to_resume, x, y, x_b, batch_size, epochs, seed, verbose, evaluate_every, eval_samples, callbacks, snapshot_every)
    finally:
        if not chief:
            shutil.rmtree(run_dir, ignore_errors=True)


def _fit_run(gan, record, run_dir, previous, model_to_resume, x, y, x_b, batch_size, epochs, seed, verbose, evaluate_every, eval_samples, callbacks, snapshot_every=0):
    """Resume if asked, fit with the run's callbacks, and finish the run record."""
    import keras

    initial_epoch = 0
    if previous is not None and model_to_resume.exists():
        from kgan.models.loading import load_gan

        gan = load_gan(model_to_resume)
        initial_epoch = min(int(keras.ops.convert_to_numpy(gan.completed_epochs)), epochs)
        record["resumed_from_epoch"] = initial_epoch
    record["status"] = "running"
    record["wall_time_s"] = float((previous or {}).get("wall_time_s", 0.0))
    _write_record(run_dir, record)

    from kgan import callbacks as kcb
    from kgan.datasets.batches import epoch_batches
    from kgan.visual import build_animation

    watchers: list = [kcb.StopOnNaN()]
    # kgan's feature extractor reads 28x28x1 digits; paired and translation models have no generate(n) of those
    if evaluate_every and gan.latent_dim is not None and tuple(gan.sample_shape or ()) == (28, 28, 1):
        watchers.append(kcb.FrechetEvaluation(x, every_epochs=evaluate_every, n=eval_samples, seed=seed))
        record["evaluation"] = {  # the protocol of every figure in metrics.csv
            "features": "kgan's MNIST classifier", "samples": int(eval_samples),
            "reference": f"{min(len(x), int(eval_samples)):,} training images", "every_epochs": int(evaluate_every),
        }  # fmt: skip
    watchers += [
        kcb.SampleGrid(run_dir / SAMPLES_DIR),
        kcb.Diagnostics(run_dir),
        kcb.AtomicCheckpoint(run_dir / MODEL_FILE, snapshot_every=snapshot_every, snapshots_dir=run_dir / SNAPSHOTS_DIR),
    ]
    if verbose == "auto":  # a bar in a terminal; one plain line per epoch in a file or pipe
        verbose = 1 if sys.stdout.isatty() else 2
    if verbose:
        watchers.append(kcb.ProgressLine())  # after the evaluation, whose figures it shows
    started = time.time()
    if initial_epoch < epochs:
        if x_b is not None:  # two domains, each in its own order: unpaired batches
            import tensorflow as tf

            batches = tf.data.Dataset.zip((
                epoch_batches(x, batch_size, seed, initial_epoch, epochs),
                epoch_batches(x_b, batch_size, seed + 1, initial_epoch, epochs),  # own order
            ))
        else:
            batches = epoch_batches(x, batch_size, seed, initial_epoch, epochs, y=None if y is None else y.astype("int32"))
        gan.fit(
            batches,
            epochs=epochs,
            initial_epoch=initial_epoch,
            steps_per_epoch=-(-len(x) // batch_size),
            verbose=verbose,
            shuffle=False,  # the batches are already in each epoch's order
            callbacks=watchers + list(callbacks or []),
        )
    record["wall_time_s"] = round(record["wall_time_s"] + time.time() - started, 2)
    record["history"] = _history_from_csv(run_dir / "metrics.csv")
    if (run_dir / SAMPLES_DIR).is_dir() and any((run_dir / SAMPLES_DIR).iterdir()):
        record["animation"] = [str(p.name) for p in build_animation(run_dir / SAMPLES_DIR, run_dir / ANIMATION_FILE)]
    record["status"] = "stopped" if gan.stop_reason else "finished"
    if gan.stop_reason:
        record["stopped"] = gan.stop_reason
    _write_record(run_dir, record)
    if gan.stop_reason:
        raise TrainingStopped(gan.stop_reason)
    return gan
