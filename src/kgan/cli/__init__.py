"""The ``kgan`` command line (defined in the ``kgan_cli`` package, which loads without Keras)."""

from kgan_cli import cli, main

__all__ = ["cli", "main"]
