"""The ``kgan`` commands (list, train, sample, evaluate, animate, interpolate, report, export,
harden): each calls the Python API a user would."""

from __future__ import annotations

import os
import sys
import traceback

import click

from kgan_cli import quiet

__all__ = ["cli", "main"]

BACKENDS = ("tensorflow", "jax", "torch")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.option("--verbose", is_flag=True, help="Also show the native libraries' log lines (TensorFlow, XLA, absl), which kgan hides.")
@click.version_option(package_name="kgan")
def cli(debug: bool, verbose: bool) -> None:
    """kgan: GANs as ordinary Keras models.

    \b
    Examples:
      kgan list --verbose
      kgan train dcgan --dataset mnist-5k --epochs 5 --out runs/dcgan
      kgan sample runs/dcgan/model.keras -n 64 --seed 1 -o grid.png
      kgan evaluate runs/dcgan/model.keras --dataset mnist-5k -n 2000
      kgan animate runs/dcgan
      kgan interpolate runs/dcgan/model.keras
      kgan export runs/dcgan/model.keras --format onnx --out generator.onnx
      kgan report runs/dcgan
    """
    # --debug and --verbose are read by main() before click runs, so errors raised while parsing
    # are covered too and the native libraries' lines are filtered from their first one.


@cli.command("list")
@click.option("-v", "--verbose", is_flag=True, help="Also show each entry's target and group.")
@click.option("--check", is_flag=True, help="Import every entry and report the ones that fail.")
def list_command(verbose: bool, check: bool) -> None:
    """List registered architectures and losses with the package that provides each.

    Listing reads package metadata only and imports no plugin; --check imports each one.

    \b
    Example:
      kgan list --check
    """
    from kgan.registry import ARCHITECTURES, LOSSES

    failures = 0
    for registry in (ARCHITECTURES, LOSSES):
        if check:
            rows = registry.check()
        else:
            rows = [(entry, None) for entry in registry.entries()]
        for entry, error in rows:
            status = ""
            if check:
                status = "ok" if error is None else "FAILED"
                failures += error is not None
            line = f"{entry.kind:<13} {entry.name:<16} {entry.source:<24}"
            if verbose:
                line += f" {entry.target}  [{entry.group}]"
            if check:
                line += f" {status}"
            click.echo(line.rstrip())
            if error is not None:
                click.echo(f"    {error}", err=False)
    if failures:
        sys.exit(1)


@cli.command("train")
@click.argument("architecture", default="dcgan")
@click.option("--dataset", default="mnist-5k", show_default=True, help="Dataset name or path to a .npz file / image folder.")
@click.option("--dataset-b", default=None, help="Second image domain, for two-domain architectures (cyclegan: Y, cogan: domain B).")
@click.option("--image-size", default=None, metavar="N|HxW", help="Resize every image to N x N or H x W pixels (bicubic, antialiased); needed for folders of mixed sizes.")
@click.option("--channels", default=None, type=click.Choice(["1", "3"]), help="1: grayscale, 3: RGB (default: what the data has; RGBA, palette and 16-bit files are converted).")
@click.option("--crop", is_flag=True, help="Centre-crop each image to the aspect ratio of --image-size instead of stretching it.")
@click.option("--skip-bad-files", is_flag=True, help="Skip unreadable image files of a folder (counted on the console) instead of refusing it.")
@click.option("--loss", default=None, help="Registered loss name (see `kgan list`). Default: the architecture's recipe (bce-r1 for dcgan).")
@click.option("--epochs", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--batch-size", default=None, type=click.IntRange(min=1), help="Samples per step (architecture's recipe if omitted: 32 for dcgan, 256 for mlp).")
@click.option("--latent-dim", default=None, type=click.IntRange(min=1), help="Size of z (architecture default if omitted).")
@click.option("--d-steps", default=None, type=click.IntRange(min=1), help="Discriminator steps per generator step (loss default if omitted).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", default=None, help="Run directory. Default: runs/ARCHITECTURE.")
@click.option("--overwrite", is_flag=True, help="Allow writing into a directory that already holds files.")
@click.option("--resume/--no-resume", default=None, help="Continue the unfinished run in OUT (default: automatically when OUT holds the same run).")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="Extra architecture option, e.g. --option width=32 (repeatable).")
@click.option("--evaluate-every", default=1, show_default=True, type=click.IntRange(min=0), help="Frechet distance / KID every N epochs; 0: off.")
@click.option("--eval-samples", default=2000, show_default=True, type=click.IntRange(min=50), help="Generated samples (and training images) per evaluation.")
@click.option("--features", default="auto", show_default=True, metavar="auto|mnist|inception|PATH.keras[:LAYER]", help="Feature extractor of the Frechet distance: mnist (kgan's digit classifier, 28x28x1), inception (the standard FID network that papers use, any image size, about 35 ms an image on 2 CPU cores), or a Keras model of yours and its feature layer. auto: mnist for 28x28x1 digits, no per-epoch evaluation otherwise (said on the console).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--backend", type=click.Choice(BACKENDS), default=None, help="Keras backend to train on (default: KERAS_BACKEND, else tensorflow).")
@click.option("--devices", default=None, type=click.IntRange(min=1), help="Train data-parallel on N devices of this machine (GPUs, else N CPU devices): tf.distribute.MirroredStrategy on TensorFlow, keras.distribution.DataParallel on JAX; with TF_CONFIG set, on every worker. --batch-size stays the global batch.")
@click.option("--snapshot-every", default=0, show_default=True, type=click.IntRange(min=0), help="Also keep the model of every N epochs as OUT/snapshots/epoch_NNNN.keras (0: none): fakes of several stages, for kgan harden --gan OUT.")
@click.option("--log-every", default=0, show_default=True, type=click.IntRange(min=0), help="Also write every N-th step's logs to OUT/metrics-steps.csv; training.png then draws them (0: per epoch only).")
@click.option("--tensorboard", default=None, metavar="DIR", help="Also write TensorBoard logs to DIR: scalars per step (every --log-every steps), the sample grids, the graph on TensorFlow.")
@click.option("--precision", default="float32", show_default=True, type=click.Choice(["auto", "float32", "bfloat16"]), help="bfloat16: Keras' mixed_bfloat16 policy (bfloat16 compute, float32 weights and losses); 1.1-1.7x the steps of float32 for dcgan on a CPU with native bfloat16 (AVX512_BF16 or AMX), better for the first 10 minutes, worse at 20 and 30 in the one longer run measured; emulated and 8x slower on a CPU without it (warns). auto: bfloat16 where so measured (dcgan with its own loss, one device, such a CPU), float32 elsewhere. A resumed run keeps its precision.")
def train_command(architecture, dataset, dataset_b, image_size, channels, crop, skip_bad_files, loss, epochs, batch_size, latent_dim, d_steps, seed, out, overwrite, resume, options, evaluate_every, eval_samples, features, quiet, backend, devices, snapshot_every, log_every, tensorboard, precision) -> None:
    """Train ARCHITECTURE on a dataset and write a run directory.

    OUT gets model.keras (saved every epoch), samples/ (grids from fixed latents), training.gif,
    metrics.csv and training.png (diagnostics), and run.json (options, versions, wall time).

    \b
    Examples:
      kgan train dcgan --dataset mnist-5k --epochs 5 --out runs/dcgan
      kgan train mlp --dataset ring8 --epochs 20 --batch-size 256 --out runs/ring8
      kgan train dcgan --dataset my_images/ --image-size 64 --channels 3 --out runs/mine
      kgan train dcgan --dataset mnist-5k-color --features inception --eval-samples 500 --out runs/color
      kgan train cgan --dataset mnist-5k --epochs 10 --out runs/cgan
      kgan train cyclegan --dataset mnist-5k --dataset-b mnist-5k-thick --out runs/thick
      kgan train dcgan --epochs 1 --log-every 10 --tensorboard runs/tb --out runs/short

    Run the same command again after a crash and it continues from the last completed epoch.
    With --backend jax or torch the command runs on that Keras backend (kgan[jax], kgan[torch]).
    With --devices N it trains on N devices; a run can be resumed with a different N. Several
    machines: set TF_CONFIG on each and run the same command on all (docs/distributed.md); only the
    chief writes OUT.
    """
    from kgan.runs import train

    out = out or os.path.join("runs", architecture)
    parsed = _parse_options(options)
    gan = train(
        architecture=architecture,
        dataset=dataset,
        dataset_b=dataset_b,
        loss=loss,
        epochs=epochs,
        batch_size=batch_size,
        latent_dim=latent_dim,
        seed=seed,
        out=out,
        overwrite=overwrite,
        d_steps=d_steps,
        architecture_options=parsed,
        verbose=0 if quiet else "auto",
        evaluate_every=evaluate_every,
        eval_samples=eval_samples,
        features=features,
        image_options=_image_options(image_size, channels, crop, skip_bad_files),
        resume=resume,
        devices=devices,
        snapshot_every=snapshot_every,
        log_every=log_every,
        tensorboard=tensorboard,
        precision=precision,
    )
    click.echo(_summary(out, gan))


def _image_options(image_size, channels, crop, skip_bad_files):
    """The --image-size/--channels/--crop/--skip-bad-files flags as one record (None when all unset)."""
    from kgan.datasets import ImageOptions, parse_image_size

    images = ImageOptions(size=parse_image_size(image_size), channels=None if channels is None else int(channels), crop=crop, skip_bad=skip_bad_files)
    return None if images == ImageOptions() else images


def _summary(out: str, gan) -> str:
    """The run's last lines: how long, how good, and which files to open."""
    import json
    from pathlib import Path

    from kgan.report import format_duration

    record = json.loads((Path(out) / "run.json").read_text())
    epochs = record["options"]["epochs"]
    history = record.get("history", {})
    fd = [v for v in history.get("frechet_distance", []) if v == v]  # NaN rows: epochs not evaluated
    if fd:
        protocol = record["evaluation"]
        quality = f"Frechet distance {fd[-1]:.1f} ({protocol['features']}, {protocol['samples']:,} samples against {protocol['reference']}; lower is better)"
    else:
        quality = "no Frechet distance (evaluation off, or no feature extractor for this data: use kgan evaluate)"
    files = [name for name in ("training.gif", "training.png") if os.path.exists(os.path.join(out, name))]
    look = f"Look at {' and '.join(os.path.join(out, f) for f in files)}; the" if files else "The"
    return (
        f"Trained {epochs} epoch{'s' if epochs != 1 else ''} in {format_duration(record.get('wall_time_s', 0.0))}: {quality}.\n"
        f"{look} model is {os.path.join(out, 'model.keras')} ({gan.count_params():,} parameters); the metrics are in {os.path.join(out, 'metrics.csv')}."
    )


@cli.command("sample")
@click.argument("model_path", metavar="MODEL.keras")
@click.option("-n", "n", default=64, show_default=True, type=click.IntRange(min=1), help="Number of samples.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same samples.")
@click.option("-o", "--output", default="samples.png", show_default=True, help="PNG grid (image models) or .npy array.")
@click.option("--each", "each_dir", default=None, metavar="DIR", help="Write one PNG per sample into DIR (sample_00000.png, ...) instead of a grid: what FID scripts and dataset tools read.")
@click.option("--unsafe", is_flag=True, help="Load a model file that carries code (Lambda layers). Only for files you trust.")
def sample_command(model_path, n, seed, output, each_dir, unsafe) -> None:
    """Generate N samples from a saved model into a PNG grid, a .npy file, or one PNG each.

    \b
    Examples:
      kgan sample runs/dcgan/model.keras -n 64 --seed 1 -o grid.png
      kgan sample runs/dcgan/model.keras -n 1000 --each runs/dcgan/fakes
    """
    import numpy as np

    from kgan.models.loading import load_gan
    from kgan.visual import save_grid, save_images

    gan = load_gan(model_path, safe_mode=not unsafe)
    samples = gan.generate(n, seed=seed)
    if gan.capabilities.domains == 2:  # a CoGAN's corresponding pairs (a, b): each image shows a beside b
        samples = np.concatenate(samples, axis=2)
    if each_dir is not None:
        if samples.ndim != 4:
            from kgan.errors import DataError

            raise DataError(f"--each writes images, but {model_path!r} generates samples of shape {samples.shape[1:]}; use -o FILE.npy.")
        written = save_images(samples, each_dir)
        click.echo(f"Wrote {len(written)} PNG files ({written[0].name} ... {written[-1].name}) to {each_dir}.")
        return
    if output.endswith(".npy") or samples.ndim != 4:
        path = output if output.endswith(".npy") else output + ".npy"
        np.save(path, samples)
        click.echo(f"Wrote {n} samples of shape {samples.shape[1:]} to {path}.")
    else:
        save_grid(samples, output)
        click.echo(f"Wrote a grid of {n} samples to {output}.")


@cli.command("evaluate")
@click.argument("model_path", metavar="MODEL.keras")
@click.option("--dataset", default="mnist-5k", show_default=True, help="Real data to compare against (name or path).")
@click.option("--image-size", default=None, metavar="N|HxW", help="Resize every image to N x N or H x W pixels (bicubic, antialiased); needed for folders of mixed sizes.")
@click.option("--channels", default=None, type=click.Choice(["1", "3"]), help="1: grayscale, 3: RGB (default: what the data has; RGBA, palette and 16-bit files are converted).")
@click.option("--crop", is_flag=True, help="Centre-crop each image to the aspect ratio of --image-size instead of stretching it.")
@click.option("--skip-bad-files", is_flag=True, help="Skip unreadable image files of a folder (counted on the console) instead of refusing it.")
@click.option("-n", "n", default=2000, show_default=True, type=int, help="Generated and real samples.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--features", default="auto", show_default=True, metavar="auto|mnist|inception|PATH.keras[:LAYER]", help="Feature extractor of the Frechet distance: mnist (kgan's digit classifier, 28x28x1), inception (the standard FID network that papers use, any image size, about 35 ms an image on 2 CPU cores), or a Keras model of yours and its feature layer. auto: mnist for 28x28x1 digits, inception otherwise.")
@click.option("--unsafe", is_flag=True, help="Load a model file that carries code. Only for files you trust.")
def evaluate_command(model_path, dataset, image_size, channels, crop, skip_bad_files, n, seed, as_json, features, unsafe) -> None:
    """Frechet distance, KID, precision, recall and classifier score of a saved model against a
    dataset (and, for a conditional model of digits, how often its samples show the class asked for).

    \b
    Examples:
      kgan evaluate runs/dcgan/model.keras --dataset mnist-5k -n 2000 --json
      kgan evaluate runs/faces/model.keras --dataset faces/ --features inception
    """
    import json

    from kgan import datasets
    from kgan.errors import DataError
    from kgan.metrics import evaluate_generator, feature_extractor
    from kgan.metrics.evaluation import MIN_SAMPLES
    from kgan.models.loading import load_gan

    if n < MIN_SAMPLES:
        raise DataError(f"-n {n} is too small: the Frechet distance and KID need at least {MIN_SAMPLES} samples (2000 or more for stable values).")
    gan = load_gan(model_path, safe_mode=not unsafe)
    images = _image_options(image_size, channels, crop, skip_bad_files) or datasets.ImageOptions()
    real = datasets.load(dataset, image_size=images.size, channels=images.channels, crop=images.crop, skip_bad=images.skip_bad, stream=True)
    if gan.sample_shape is not None and tuple(real.shape[1:]) != tuple(gan.sample_shape):
        raise DataError(f"Dataset {dataset!r} has samples of shape {tuple(real.shape[1:])} but the model generates {tuple(gan.sample_shape)}; evaluate against data of the model's shape.")
    result = evaluate_generator(gan, real, n=n, seed=seed, feature_extractor=feature_extractor(features, real.shape[1:]))
    extra = {}
    capabilities = gan.capabilities
    if capabilities.num_classes and capabilities.sample_shape == (28, 28, 1):
        from kgan.metrics import conditional_accuracy

        accuracy = conditional_accuracy(gan, n_per_class=max(n // capabilities.num_classes, 1), seed=seed)
        extra = {"conditional_accuracy": accuracy.mean, "conditional_accuracy_per_class": list(accuracy.per_class)}
    if as_json:
        click.echo(json.dumps({"model": model_path, "dataset": dataset, **result.as_dict(), **extra}, indent=2))
    else:
        click.echo(f"frechet_distance  {result.frechet_distance:.3f}")
        click.echo(f"kid               {result.kid:.4f} +- {result.kid_std:.4f}")
        click.echo(f"precision         {result.precision:.3f}")
        click.echo(f"recall            {result.recall:.3f}")
        if result.classifier_score is not None:
            click.echo(f"classifier_score  {result.classifier_score:.3f}")
        if extra:
            per_class = " ".join(f"{a:.2f}" for a in extra["conditional_accuracy_per_class"])
            click.echo(f"conditional_accuracy {extra['conditional_accuracy']:.3f} (per class: {per_class})")
        click.echo(f"samples           {result.n:,} generated against {min(n, len(real)):,} of {dataset} (seed {seed})")
        click.echo(f"features          {result.features}")


@cli.command("animate")
@click.argument("run_dir", metavar="RUN_DIR")
@click.option("--fps", default=4.0, show_default=True, type=click.FloatRange(min=0.1))
@click.option("--max-frames", default=60, show_default=True, type=click.IntRange(min=2))
@click.option("-o", "--output", default=None, help="Default: RUN_DIR/training.gif.")
def animate_command(run_dir, fps, max_frames, output) -> None:
    """Rebuild the training animation from RUN_DIR/samples (frames chosen evenly over training).

    \b
    Example:
      kgan animate runs/dcgan --fps 6 --max-frames 40
    """
    from kgan.errors import DataError
    from kgan.visual import build_animation

    try:
        written = build_animation(os.path.join(run_dir, "samples"), output or os.path.join(run_dir, "training.gif"), fps=fps, max_frames=max_frames)
    except FileNotFoundError as exc:
        raise DataError(f"{exc} Is {run_dir!r} a run directory written by `kgan train`?") from exc
    click.echo("Wrote " + ", ".join(str(p) for p in written) + ".")


@cli.command("interpolate")
@click.argument("model_path", metavar="MODEL.keras")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["slerp", "dimension", "class"]), help="Which walks (repeatable). Default: slerp and dimension, and class for a conditional model.")
@click.option("--walks", default=8, show_default=True, type=click.IntRange(min=1), help="Rows: paths, dimensions, or fixed styles for the class sweep.")
@click.option("--steps", default=16, show_default=True, type=click.IntRange(min=2), help="Latents along each path (columns, GIF frames).")
@click.option("--dims", default=None, metavar="I,J,...", help="Latent dimensions for the dimension walk (default: the first --walks).")
@click.option("--span", default=3.0, show_default=True, type=click.FloatRange(min=0, min_open=True), help="The dimension walk sweeps from -SPAN to +SPAN.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("-o", "--out", default=None, help="Output folder. Default: a 'walks' folder beside the model file.")
@click.option("--unsafe", is_flag=True, help="Load a model file that carries code. Only for files you trust.")
def interpolate_command(model_path, kinds, walks, steps, dims, span, seed, out, unsafe) -> None:
    """Latent walks of a saved model, each as a grid (PNG) and an animation (GIF): spherical
    interpolation between latents, one latent dimension swept, and for a conditional model the class
    swept with the style held fixed.

    \b
    Examples:
      kgan interpolate runs/dcgan/model.keras
      kgan interpolate runs/cgan/model.keras --kind class --walks 4
      kgan interpolate runs/dcgan/model.keras --kind dimension --dims 0,5,9 --span 4
    """
    from kgan.errors import ConfigurationError
    from kgan.models.loading import load_gan
    from kgan.visual import latent_walk, save_walk

    chosen_dims = None
    if dims:
        try:
            chosen_dims = [int(d) for d in dims.split(",")]
        except ValueError:
            raise ConfigurationError(f"--dims expects comma-separated integers such as 0,5,9; received {dims!r}.") from None
    gan = load_gan(model_path, safe_mode=not unsafe)
    capabilities = gan.capabilities
    if capabilities.latent_dim is None:
        raise ConfigurationError(f"{model_path!r} has no latent space to walk (it {capabilities.describe()}: use its translate()).")
    conditional = bool(capabilities.num_classes)
    if kinds and "class" in kinds and not conditional:
        raise ConfigurationError("--kind class sweeps the class of a conditional model (cgan); this model has no classes.")
    kinds = kinds or (("slerp", "dimension", "class") if conditional else ("slerp", "dimension"))
    folder = out or os.path.join(os.path.dirname(os.path.abspath(model_path)), "walks")
    written = []
    for kind in kinds:
        try:
            walk = latent_walk(gan, kind, walks=walks, steps=steps, seed=seed, dims=chosen_dims, span=span)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        written += save_walk(walk, folder, kind)
    click.echo("Wrote " + ", ".join(str(p) for p in written) + ".")


@cli.command("export")
@click.argument("model_path", metavar="MODEL.keras")
@click.option("--format", "export_format", default="keras", show_default=True, type=click.Choice(["keras", "savedmodel", "onnx"]), help="keras: a .keras file of the generator; savedmodel: a TensorFlow SavedModel folder; onnx: an .onnx file (needs onnx, and tf2onnx on TensorFlow).")
@click.option("--out", required=True, help="The export: PATH.keras, a folder, or PATH.onnx. Its metadata goes beside it (PATH.json, or kgan.json inside the folder).")
@click.option("--overwrite", is_flag=True, help="Replace an existing export at --out.")
@click.option("--unsafe", is_flag=True, help="Load a model file that carries code. Only for files you trust.")
def export_command(model_path, export_format, out, overwrite, unsafe) -> None:
    """Export the generator alone (the weight average when the model keeps one), with its latent
    size, sample shape and value range recorded beside it, for use without kgan.

    \b
    Examples:
      kgan export runs/dcgan/model.keras --out generator.keras
      kgan export runs/dcgan/model.keras --format savedmodel --out generator_savedmodel
      kgan export runs/dcgan/model.keras --format onnx --out generator.onnx
    """
    from kgan.files import OutputLock
    from kgan.models import export_generator
    from kgan.models.loading import load_gan

    gan = load_gan(model_path, safe_mode=not unsafe)
    lock = OutputLock(out, "--out").acquire()  # a second kgan export to the same --out is refused
    try:
        written = export_generator(gan, out, export_format, overwrite=overwrite)
    finally:
        lock.release(remove=True)
    click.echo("Wrote " + " and ".join(str(p) for p in written) + ".")


@cli.command("report")
@click.argument("run_dir", metavar="RUN_DIR")
@click.option("-o", "--output", default=None, help="Default: RUN_DIR/report.html.")
def report_command(run_dir, output) -> None:
    """Write one self-contained HTML page for a run: the animation, the first, middle and last
    sample grids, the curves, the evaluation figures with their protocol, the diagnostics' warnings
    and what they mean, the options, versions and time taken. Pictures are embedded: the page opens
    anywhere, without a network.

    \b
    Example:
      kgan report runs/dcgan && xdg-open runs/dcgan/report.html
    """
    from kgan.report import write_report

    click.echo(f"Wrote {write_report(run_dir, output)}.")


@cli.command("harden")
@click.option("--dataset", default="mnist-5k", show_default=True, help="Labelled images (name, .npz with x and y, or class folders).")
@click.option("--gan", "gans", multiple=True, metavar="MODEL.keras|RUN_DIR", help="Generator whose fakes the hardened classifier trains on (repeatable). A run directory gives its model.keras and every snapshot `kgan train --snapshot-every N` kept.")
@click.option("--train-gan", default=None, metavar="ARCHITECTURE", help="Train this architecture (dcgan, mlp, cgan) on --dataset first, into OUT/gan, keeping its model every epoch, and harden on the fakes of every stage (the measured recipe). Instead of, or besides, --gan.")
@click.option("--gan-epochs", default=10, show_default=True, type=click.IntRange(min=1), help="Epochs of the generator --train-gan trains.")
@click.option("--probe-gan", "probe_gans", multiple=True, metavar="MODEL.keras", help="A different generator for the held-out fakes probe. Default: train one (dcgan, seed+1, --probe-epochs) into OUT/probe-gan.")
@click.option("--probe-epochs", default=3, show_default=True, type=click.IntRange(min=1), help="Epochs of the probe generator kgan trains when --probe-gan is not given.")
@click.option("--out", required=True, help="Directory for baseline.keras, hardened.keras, report.json, report.md, probes.png.")
@click.option("--epochs", default=16, show_default=True, type=click.IntRange(min=1), help="Classifier epochs over the real training part (both models).")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(min=1), help="Real examples per step (both models).")
@click.option("--fake-ratio", default=0.5, show_default=True, type=click.FloatRange(min=0, max=8, min_open=True), help="Fakes per real example in the hardened model's batches.")
@click.option("--hard-negatives", default=0.25, show_default=True, type=click.FloatRange(0, 1), help="Fraction of fakes mined as the hardest (0: all random).")
@click.option("--blend-fakes", default=0.2, show_default=True, type=click.FloatRange(0, 1, max_open=True), help="Share of the fakes that are blends of two real training images of different classes (0: generated fakes only).")
@click.option("--field-fakes", default=0.1, show_default=True, type=click.FloatRange(0, 1, max_open=True), help="Share of the fakes that are random fields (smoothed noise at random scales, brightness and contrast).")
@click.option("--untrained-fakes/--no-untrained-fakes", default=True, show_default=True, help="Also train on fakes of each generator's untrained start (crude fakes: they teach rejecting noise).")
@click.option("--untrained-share", default=None, type=click.FloatRange(0, 1, max_open=True), help="Share of the fakes drawn from the untrained starts (with --untrained-fakes). Default: an equal share with each generator file.")
@click.option("--false-reject-rate", default=0.05, show_default=True, type=click.FloatRange(0, 1, max_open=True), help="The operating point: both classifiers reject this fraction of held-out real images and are compared on the probes at it.")
@click.option("--argmax-rule", is_flag=True, help="Instead of --false-reject-rate, let the hardened classifier reject when the fake class is its argmax, and match the baseline to the rate that gives.")
@click.option("--held-out", default=0.2, show_default=True, type=click.FloatRange(0, 1, min_open=True, max_open=True), help="Fraction of every class held out for the report.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--overwrite", is_flag=True, help="Allow writing into a directory that already holds files.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a table.")
@click.option("--unsafe", is_flag=True, help="Load model files that carry code. Only for files you trust.")
def harden_command(dataset, gans, train_gan, gan_epochs, probe_gans, probe_epochs, out, epochs, batch_size, fake_ratio, hard_negatives, blend_fakes, field_fakes, untrained_fakes, untrained_share, false_reject_rate, argmax_rule, held_out, seed, overwrite, as_json, unsafe) -> None:
    """Train a baseline classifier and one hardened with GAN fakes (an extra reject class), and
    report clean accuracy and how often each rejects fakes of another generator, noise, blends of two
    digits and inverted digits, at an equal false-reject rate.

    \b
    Examples:
      kgan harden --dataset mnist-5k --train-gan dcgan --out runs/harden
      kgan train dcgan --epochs 10 --snapshot-every 1 --out runs/gan
      kgan harden --dataset mnist-5k --gan runs/gan --out runs/harden
    """
    import json

    from kgan import augment, datasets
    from kgan.errors import ConfigurationError, DataError
    from kgan.files import OutputLock
    from kgan.models.loading import load_gan
    from kgan.runs import prepare_run_directory

    # everything that can be refused is checked before anything trains or is written
    if not gans and not train_gan:
        raise ConfigurationError("kgan harden needs fakes to train on: --train-gan dcgan (trains one, keeping every epoch), or --gan MODEL.keras|RUN_DIR.")
    if train_gan:
        from kgan import architectures

        build = architectures.get(train_gan)  # an unknown name is refused here, with the names there are
        if architectures.trains_on(build) == "two domains":
            raise ConfigurationError(f"--train-gan {train_gan}: hardening needs a generator of single images (dcgan, mlp, cgan); {train_gan} makes two domains.")
    try:
        x, y = datasets.load(dataset, with_labels=True)
    except DataError as exc:
        raise DataError(f"kgan harden trains classifiers, so --dataset needs labels. {exc}") from None
    generators = [load_gan(path, safe_mode=not unsafe) for run_or_file in gans for path in augment.run_generators(run_or_file)]
    probes = [load_gan(path, safe_mode=not unsafe) for path in probe_gans]
    if generators:
        augment.FakeSource(generators)  # refuses generators of the wrong kind or shape
    for name, models in (("--gan", generators), ("--probe-gan", probes)):
        for model in models:
            if tuple(model.sample_shape) != tuple(x.shape[1:]):
                raise DataError(f"{name}: a generator makes samples of shape {tuple(model.sample_shape)} but {dataset!r} holds images of shape {tuple(x.shape[1:])}.")
    out_dir = prepare_run_directory(out, overwrite=overwrite)
    lock = OutputLock(out_dir).acquire()  # a second kgan harden into the same --out is refused
    try:
        if train_gan:
            click.echo(f"--train-gan: training {train_gan} ({gan_epochs} epochs, every epoch kept) into {out_dir / 'gan'} ...")
            paths = augment.train_generators(dataset, out_dir / "gan", train_gan, epochs=gan_epochs, snapshot_every=1, seed=seed, overwrite=overwrite)
            generators += [load_gan(path) for path in paths]
        if not probes:
            click.echo(f"No --probe-gan: training a different generator (dcgan, seed {seed + 1}, {probe_epochs} epochs) into {out_dir / 'probe-gan'} ...")
            paths = augment.train_generators(dataset, out_dir / "probe-gan", "dcgan", epochs=probe_epochs, snapshot_every=0, seed=seed + 1, overwrite=overwrite)
            probes = [load_gan(paths[-1])]
        start = " and an untrained start" if untrained_fakes else ""
        click.echo(f"Training the baseline and the hardened classifier ({epochs} epochs each; fakes of {len(generators)} generator file(s){start}) ...")
        result = augment.harden(
            x, y, generators, probes, epochs=epochs, batch_size=batch_size, fake_ratio=fake_ratio,
            hard_negatives=hard_negatives, blend_fakes=blend_fakes, field_fakes=field_fakes, held_out=held_out, seed=seed, untrained_fakes=untrained_fakes, untrained_share=untrained_share,
            false_reject_rate=None if argmax_rule else false_reject_rate,
        )  # fmt: skip
        written = result.save(out_dir)
        if as_json:
            click.echo(json.dumps(result.report, indent=2))
        else:
            click.echo(result.table())
            t = result.report["threshold"]
            rule = "fake class is the argmax" if t["hardened"] is None else f"1 - p(fake class) < {t['hardened']:.4g}"
            click.echo(f"Rejection at an equal false-reject rate: hardened when {rule}; baseline when its highest class probability < {t['baseline']:.4g}.")
        click.echo("Wrote " + ", ".join(str(p) for p in written.values()) + ".")
        if not as_json:
            click.echo(f"Both models carry their rule: after `import kgan`, keras.models.load_model('{written['hardened']}').classify(images) gives the class or -1 (rejected).")
    finally:
        lock.release()


def _parse_options(pairs: tuple[str, ...]) -> dict:
    import json

    from kgan.errors import ConfigurationError

    parsed = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigurationError(f"--option expects KEY=VALUE, received {pair!r}; for example --option width=32")
        try:
            parsed[key] = json.loads(raw)
        except json.JSONDecodeError:
            parsed[key] = raw
    return parsed


def _requested_backend(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--backend" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--backend="):
            return arg.split("=", 1)[1]
    return None


def _configured_backend() -> str:
    """The Keras backend this process runs (or will run) on, read as Keras reads it, without importing
    Keras when it is not loaded yet: ``KERAS_BACKEND``, else ``keras.json`` in ``KERAS_HOME`` or
    ``~/.keras``, else TensorFlow."""
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    import json

    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json")) as handle:
            return str(json.load(handle).get("backend", "tensorflow"))
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def _switch_backend(args: list[str], in_process: bool) -> None:
    """``--backend NAME``: Keras reads its backend once, at import, and importing kgan imports it; so
    a different backend means running this command again in a fresh process with ``KERAS_BACKEND``."""
    import importlib.util

    name = _requested_backend(args)
    current = _configured_backend()
    if name is None or name == current:
        return
    from kgan.errors import ConfigurationError

    if name not in BACKENDS:
        raise ConfigurationError(f"--backend must be one of {', '.join(BACKENDS)}; received {name!r}.")
    if importlib.util.find_spec(name) is None:
        hint = "pip install 'kgan[jax]'" if name == "jax" else "pip install 'kgan[torch]' (CPU-only: pip install torch --index-url https://download.pytorch.org/whl/cpu)"
        raise ConfigurationError(f"--backend {name}: the {name} package is not installed. {hint}")
    if in_process and "keras" in sys.modules:
        raise ConfigurationError(
            f"--backend {name}: Keras in this process already runs on {current!r}; run the kgan command "
            f"itself, or set KERAS_BACKEND={name} before Python imports keras."
        )
    sys.stdout.flush()
    quiet.restore()  # the new process inherits the real stderr, and filters it itself
    os.execve(sys.executable, [sys.executable, "-m", "kgan_cli", *args], {**os.environ, "KERAS_BACKEND": name})


def _group_flags(args: list[str]) -> set[str]:
    """The options given before the command's name (``kgan --verbose train``)."""
    flags = set()
    for arg in args:
        if not arg.startswith("-"):
            break
        flags.add(arg)
    return flags


def _is_kgan_error(exc: BaseException) -> bool:
    # without importing kgan (and Keras): an exception cannot be a KganError if kgan was never loaded
    errors = sys.modules.get("kgan.errors")
    return errors is not None and isinstance(exc, errors.KganError)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``kgan`` executable: one-line errors for user mistakes unless --debug, and
    no native log lines unless --verbose.

    Importing this module loads click alone; each command imports the part of kgan it calls."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # what TensorFlow's C++ logging still honours

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if argv is None and "--verbose" not in _group_flags(args):
        quiet.filter_native_logs()  # only for the executable: a caller's own stderr is left alone
    try:
        _switch_backend(args, in_process=argv is not None)
        cli.main(args=args, prog_name="kgan", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:
        if not _is_kgan_error(exc):
            raise
        if debug:
            traceback.print_exc()
        if isinstance(exc, sys.modules["kgan.errors"].Interrupted):  # a stop asked for, not an error
            click.echo(f"kgan: {exc}", err=True)
            sys.exit(exc.exit_code)
        _fail(str(exc))
