"""The ``kgan`` command line: a thin click layer over the Python API."""

from kgan.cli.main import cli, main

__all__ = ["cli", "main"]
