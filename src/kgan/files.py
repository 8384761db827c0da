"""Files written so that a crash never leaves a half-written one: write to a temporary name in the
same directory, then rename over the target (``os.replace`` is atomic on one file system)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

__all__ = ["write_atomically", "save_model_atomically", "copy_file_atomically", "cache_dir", "OutputLock", "LOCK_FILE", "write_csv_atomically"]


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


def write_csv_atomically(path: str | os.PathLike, columns: list, rows: list[dict]) -> Path:
    """A CSV with a header row, written to a temporary name and renamed (no half file on a full disk)."""
    import csv

    target = Path(path)
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    try:
        with open(tmp, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def copy_file_atomically(source: str | os.PathLike, path: str | os.PathLike) -> Path:
    """Copy ``source`` to ``path`` the way [`save_model_atomically()`][kgan.files.save_model_atomically] saves."""
    return write_atomically(path, lambda tmp: shutil.copyfile(source, tmp))


LOCK_FILE = ".kgan.lock"
"""Name of the lock file inside a directory being written (a file's lock sits beside it)."""


class OutputLock:
    """An exclusive lock on an output (a run directory, an export), held while one process writes it.

    The lock is an OS advisory lock (``fcntl.flock``; ``msvcrt.locking`` on Windows) on a small file,
    ``DIR/.kgan.lock`` for a directory or ``.NAME.kgan.lock`` beside a file: the operating system
    drops it when the process exits or dies, so a crashed run never leaves it stuck. The file holds
    the owner's pid and start time, for the message a second writer gets.

    Args:
        path: The output directory or file.
        what: How the message names it (``"--out"``).
    """

    def __init__(self, path: str | os.PathLike, what: str = "--out"):
        self.path, self.what = Path(path), what
        self.file = self.path / LOCK_FILE if self.path.is_dir() else self.path.with_name(f".{self.path.name}.kgan.lock")
        self._fd: int | None = None
        self.created_file = False

    def acquire(self) -> OutputLock:
        """Take the lock or refuse with ``RunDirectoryError`` naming the process that holds it."""
        import json
        import time

        from kgan.errors import RunDirectoryError

        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.created_file = not self.file.exists()
        fd = os.open(self.file, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            try:
                owner = json.loads(self.file.read_text() or "{}")
            except (OSError, ValueError):
                owner = {}
            since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(owner["since"])) if "since" in owner else "unknown time"
            raise RunDirectoryError(
                f"{self.what} {str(self.path)!r} is being written by another kgan process (pid {owner.get('pid', '?')}, "
                f"since {since}). Wait for it to finish, stop it, or choose another {self.what}."
            )
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "since": time.time()}).encode())
        self._fd = fd
        return self

    def release(self, remove: bool = False) -> None:
        """Drop the lock; with ``remove``, also delete the lock file if this lock created it."""
        if self._fd is None:
            return
        if remove and self.created_file:
            self.file.unlink(missing_ok=True)
        os.close(self._fd)  # closing the descriptor releases the OS lock
        self._fd = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
