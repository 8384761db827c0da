"""Images that stay on disk: a folder decoded once into a uint8 file, read back a batch at a time.

A folder of 100,000 images of 64x64x3 is 1.2 GB as 8-bit pixels and 4.9 GB as float32; training
needs neither in memory. [`DiskImages`][kgan.datasets.stream.DiskImages] is a uint8 ``.npy`` file
that reads the rows it is asked for with ``os.pread`` and converts them to float32 in ``[-1, 1]``.
It does not memory-map the file: mapped pages that were read count as the process's resident memory,
while ``pread`` leaves them to the operating system's file cache, so the process holds one batch.

[`open_folder()`][kgan.datasets.stream.open_folder] decodes a folder into such a file in kgan's cache,
one image at a time, and reuses it while the folder (paths, sizes, modification times) and the image
options stay the same. A uint8 ``.npy`` file of the user's is read in place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from kgan.datasets.images import (
    FolderScan,
    ImageOptions,
    decode_image,
    folder_labels,
    report_skipped,
    scan_folder,
    to_unit_range,
)
from kgan.errors import DataError
from kgan.files import cache_dir

__all__ = ["DiskImages", "open_folder", "open_npy"]


class DiskImages:
    """uint8 images ``(n, H, W, C)`` in a ``.npy`` file, indexed like a float32 array in ``[-1, 1]``.

    ``images[rows]`` (an int, a slice or an integer array) reads those rows from disk and returns
    ``rows / 127.5 - 1`` as float32, the same values as
    [`to_unit_range()`][kgan.datasets.to_unit_range] on the whole array; ``images.pixels(rows)`` returns
    them as uint8. ``np.asarray(images)`` reads everything (avoid it for large sets).

    Args:
        path: A C-ordered uint8 ``.npy`` file of shape ``(n, H, W)`` or ``(n, H, W, C)``.
    """

    dtype = np.dtype("float32")

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        try:
            header = np.load(self.path, mmap_mode="r")  # reads the header only; the map is dropped below
        except (OSError, ValueError) as exc:
            raise DataError(f"{self.path} is not a readable .npy file: {exc}") from exc
        if header.dtype != np.uint8 or header.ndim not in (3, 4) or not header.flags.c_contiguous:
            raise DataError(f"{self.path}: DiskImages reads C-ordered uint8 arrays (n, H, W[, C]), this one is {header.dtype} {header.shape}.")
        self.offset = int(header.offset)
        shape = tuple(int(v) for v in header.shape)
        self.shape = shape if len(shape) == 4 else (*shape, 1)
        del header
        self._row_bytes = int(np.prod(self.shape[1:]))

    ndim = 4

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"DiskImages({str(self.path)!r}, shape={self.shape})"

    def _rows(self, index) -> np.ndarray:
        if isinstance(index, slice):
            return np.arange(len(self))[index]
        rows = np.asarray(index)
        if rows.dtype == bool:
            return np.flatnonzero(rows)
        if not np.issubdtype(rows.dtype, np.integer):
            raise IndexError(f"DiskImages takes int, slice or integer-array indices, received {rows.dtype}")
        rows = np.where(rows < 0, rows + len(self), rows)
        if rows.size and (rows.min() < 0 or rows.max() >= len(self)):
            raise IndexError(f"row index out of range for {len(self)} images")
        return rows

    def pixels(self, index) -> np.ndarray:
        """The rows ``index`` as uint8 ``(k, H, W, C)`` (or ``(H, W, C)`` for an int)."""
        rows = self._rows(index)
        flat = rows.reshape(-1)
        out = np.empty((len(flat), self._row_bytes), dtype=np.uint8)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            start = 0
            while start < len(flat):  # runs of consecutive rows in one read each
                stop = start + 1
                while stop < len(flat) and flat[stop] == flat[stop - 1] + 1:
                    stop += 1
                size = (stop - start) * self._row_bytes
                data = os.pread(fd, size, self.offset + int(flat[start]) * self._row_bytes)
                if len(data) != size:
                    raise DataError(f"{self.path} is shorter than its header says; delete it and load the data again.")
                out[start:stop] = np.frombuffer(data, dtype=np.uint8).reshape(stop - start, self._row_bytes)
                start = stop
        finally:
            os.close(fd)
        return out.reshape(*rows.shape, *self.shape[1:])

    def __getitem__(self, index) -> np.ndarray:
        return to_unit_range(self.pixels(index))

    def __array__(self, dtype=None, copy=None):
        whole = self[:]
        return whole if dtype is None else whole.astype(dtype)


def open_npy(path: str | os.PathLike) -> DiskImages | None:
    """A uint8 image ``.npy`` as [`DiskImages`][kgan.datasets.stream.DiskImages], read in place;
    ``None`` for other arrays (floats are loaded into memory instead)."""
    try:
        header = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None  # the in-memory loader gives the error
    suitable = header.dtype == np.uint8 and header.ndim in (3, 4) and header.flags.c_contiguous and (header.ndim == 3 or header.shape[-1] in (1, 3))
    del header
    return DiskImages(path) if suitable else None


def _fingerprint(scan: FolderScan, options: ImageOptions) -> str:
    files = [(str(f.relative_to(scan.root)), f.stat().st_size, f.stat().st_mtime_ns) for f in scan.files]
    key = {"root": str(scan.root.resolve()), "files": files, "options": dataclasses.asdict(options), "format": 1}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]


def open_folder(path: str | os.PathLike, options: ImageOptions | None = None) -> tuple[DiskImages, np.ndarray | None]:
    """A folder of images as ``(DiskImages, labels or None)``, decoded once into kgan's cache.

    Decoding holds one image at a time; the cached file is written under a temporary name and renamed,
    so an interrupted decode leaves nothing half-written. Labels come from one subfolder per class.
    """
    options = options or ImageOptions()
    options.check()
    root = Path(path)
    scan = scan_folder(root, options)
    target = cache_dir() / "images" / f"{_fingerprint(scan, options)}.npy"
    labels_file = target.with_suffix(".labels.json")
    if target.exists() and labels_file.exists():
        kept = [root / name for name in json.loads(labels_file.read_text())["files"]]
        return DiskImages(target), folder_labels(root, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = target.with_name(f".tmp-{os.getpid()}-{target.stem}.raw")
    kept, bad = [], list(scan.bad)
    try:
        with open(raw, "wb") as sink:
            for file in scan.files:
                pixels = decode_image(file, scan, options)
                if pixels is None:
                    bad.append(file)
                    continue
                sink.write(pixels.tobytes())
                kept.append(file)
        if not kept:
            raise DataError(f"{root} holds no readable images ({len(bad)} unreadable).")
        tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
        with open(tmp, "wb") as out, open(raw, "rb") as rows:
            header = {"descr": "|u1", "fortran_order": False, "shape": (len(kept), scan.height, scan.width, scan.channels)}
            np.lib.format.write_array_header_2_0(out, header)
            shutil.copyfileobj(rows, out, 16 << 20)
        os.replace(tmp, target)
        labels_file.write_text(json.dumps({"files": [str(f.relative_to(root)) for f in kept]}))
    finally:
        for leftover in (raw, target.with_name(f".tmp-{os.getpid()}-{target.name}")):
            if leftover.exists():
                leftover.unlink()
    report_skipped(root, bad)
    return DiskImages(target), folder_labels(root, kept)
