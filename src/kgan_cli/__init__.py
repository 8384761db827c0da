"""The ``kgan`` command line: a thin click layer over kgan's Python API.

It is a package of its own, beside ``kgan``, because importing ``kgan`` imports Keras and its
backend (seconds, and TensorFlow's native start-up lines): the executable loads only click and this
package, so ``kgan --help`` and ``kgan --version`` answer at once, and each command imports the part
of kgan it calls. ``kgan.cli`` re-exports the same objects.
"""

from kgan_cli.app import cli, main

__all__ = ["cli", "main"]
