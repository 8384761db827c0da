"""``kgan list | train``: every command calls the same Python API a user would."""

from __future__ import annotations

import os
import sys
import traceback

import click

__all__ = ["cli", "main"]


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.version_option(package_name="kgan")
def cli(debug: bool) -> None:
    """kgan: GANs as ordinary Keras models.

    \b
    Examples:
      kgan list --verbose
      kgan train dcgan --dataset mnist-5k --epochs 5 --out runs/dcgan
    """
    # --debug is read by main() before click runs, so errors raised while parsing are covered too.


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
@click.option("--loss", default=None, help="Registered loss name (see `kgan list`). Default: the architecture's recipe (bce for dcgan).")
@click.option("--epochs", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--batch-size", default=128, show_default=True, type=click.IntRange(min=1))
@click.option("--latent-dim", default=None, type=click.IntRange(min=1), help="Size of z (architecture default if omitted).")
@click.option("--d-steps", default=None, type=click.IntRange(min=1), help="Discriminator steps per generator step (loss default if omitted).")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", default=None, help="Run directory. Default: runs/ARCHITECTURE.")
@click.option("--overwrite", is_flag=True, help="Allow writing into a directory that already holds files.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="Extra architecture option, e.g. --option width=32 (repeatable).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def train_command(architecture, dataset, loss, epochs, batch_size, latent_dim, d_steps, seed, out, overwrite, options, quiet) -> None:
    """Train ARCHITECTURE on a dataset and write OUT/model.keras and OUT/run.json.

    \b
    Examples:
      kgan train dcgan --dataset mnist-5k --epochs 5 --out runs/dcgan
      kgan train mlp --dataset ring8 --epochs 20 --batch-size 256 --out runs/ring8
      kgan train dcgan --dataset my_images/ --loss hinge --option width=64 --out runs/mine
    """
    from kgan.runs import train

    out = out or os.path.join("runs", architecture)
    parsed = _parse_options(options)
    gan = train(
        architecture=architecture,
        dataset=dataset,
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
    )
    click.echo(f"Saved {os.path.join(out, 'model.keras')} ({gan.count_params():,} parameters).")


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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``kgan`` executable: one-line errors for user mistakes unless --debug."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    from kgan.errors import KganError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="kgan", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KganError as exc:
        if debug:
            traceback.print_exc()
        _fail(str(exc))
