"""Files written so that a crash never leaves a half-written one: write to a temporary name in the
same directory, then rename over the target (``os.replace`` is atomic on one file system)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

__all__ = ["write_atomically", "save_model_atomically", "copy_file_atomically", "cache_dir"]


def cache_dir() -> Path:
    """kgan's cache folder (converted network weights, decoded image folders): ``$KGAN_HOME``, else
    ``$XDG_CACHE_HOME/kgan``, else ``~/.cache/kgan``."""
    if os.environ.get("KGAN_HOME"):
        return Path(os.environ["KGAN_HOME"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kgan"


def write_atomically(path: str | os.PathLike, write: Callable[[Path], Any]) -> Path:
    """``write(tmp)`` to a temporary name in the same directory, then rename it to ``path``: a crash
    midway leaves the previous file intact and no temporary file behind. The temporary name ends like
    ``path`` (``.keras``, ``.weights.h5``), because Keras picks the format from the suffix."""
    target = Path(path)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
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
    return write_atomically(path, model.save)


def copy_file_atomically(source: str | os.PathLike, path: str | os.PathLike) -> Path:
    """Copy ``source`` to ``path`` the way [`save_model_atomically()`][kgan.files.save_model_atomically] saves."""
    return write_atomically(path, lambda tmp: shutil.copyfile(source, tmp))
