"""Image datasets: the embedded ``mnist-5k``, full ``mnist`` from the Keras cache, and a user's files."""

from __future__ import annotations

import os
import sys
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from kgan.arguments import check_int
from kgan.errors import DataError

__all__ = [
    "to_unit_range",
    "load_mnist5k",
    "load_mnist",
    "load_path",
    "IMAGE_SUFFIXES",
    "ImageOptions",
    "parse_image_size",
    "FolderScan",
    "scan_folder",
    "decode_image",
    "folder_labels",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


def to_unit_range(images: np.ndarray) -> np.ndarray:
    """uint8 pixels ``0..255`` to float32 in ``[-1, 1]``: ``x / 127.5 - 1``."""
    return (np.asarray(images, dtype=np.float32) / 127.5 - 1.0).astype(np.float32)


def _channels_last(images: np.ndarray) -> np.ndarray:
    return images[..., None] if images.ndim == 3 else images


def load_mnist5k() -> tuple[np.ndarray, np.ndarray]:
    """The embedded 5,000-digit MNIST subset (500 per class): uint8 ``(5000, 28, 28)`` and labels."""
    with resources.files("kgan.datasets").joinpath("data/mnist5k.npz").open("rb") as handle:
        with np.load(handle) as data:
            return data["x"], data["y"].astype(np.int64)


def _keras_cache_file() -> Path:
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "datasets" / "mnist.npz"


def load_mnist(allow_download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Full MNIST training set (60,000 digits) from the Keras cache, downloading it if allowed.

    Raises:
        DataError: When the file is neither cached nor downloadable; the message names the file to place.
    """
    cached = _keras_cache_file()
    if cached.exists():
        try:
            with np.load(cached) as data:
                return data["x_train"], data["y_train"].astype(np.int64)
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(f"{cached} exists but is not a valid MNIST file ({exc}); delete it or replace it.") from exc
    if allow_download:
        import keras

        try:
            (x, y), _ = keras.datasets.mnist.load_data()
            return x, y.astype(np.int64)
        except Exception as exc:  # noqa: BLE001 - network failures come in many types
            cause = exc
    else:
        cause = None
    raise DataError(
        f"Full MNIST is not in the Keras cache and could not be downloaded ({cause}). On an offline "
        f"machine, copy mnist.npz (from https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        f"mnist.npz) to {cached}, or use the embedded dataset: --dataset mnist-5k."
    ) from cause


def _load_npz(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    try:
        with np.load(path, allow_pickle=False) as data:
            keys = list(data.keys())
            x_key = next((k for k in ("x", "images", "x_train", "arr_0") if k in keys), None)
            if x_key is None:
                raise DataError(f"{path} has arrays {keys}; kgan looks for one named 'x' or 'images' (labels: 'y').")
            y_key = next((k for k in ("y", "labels", "y_train") if k in keys), None)
            return data[x_key], (data[y_key] if y_key else None)
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path} is not a readable .npz file of numeric arrays: {exc}") from exc


def _load_npy(path: Path) -> tuple[np.ndarray, None]:
    try:
        x = np.load(path, allow_pickle=False)  # object arrays are refused, never unpickled
    except (OSError, ValueError, EOFError) as exc:
        raise DataError(f"{path} is not a readable .npy file of a numeric array: {exc}") from exc
    if not isinstance(x, np.ndarray) or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise DataError(f"{path} holds an array of dtype {getattr(x, 'dtype', type(x))}; give numbers (uint8 pixels or floats in [-1, 1]).")
    return x, None


@dataclass(frozen=True)
class ImageOptions:
    """How image files and arrays are brought to one shape.

    Attributes:
        size: ``(height, width)`` to resize every image to (bicubic with antialiasing); ``None`` keeps
            the files' size, which must then be one size.
        channels: 1 (grayscale) or 3 (RGB); ``None``: 1 when every file is grayscale, else 3. RGBA and
            palette files are converted (alpha dropped), 16-bit files scaled to 8 bits.
        crop: Centre-crop each image to the aspect ratio of ``size`` before resizing (else it is
            stretched).
        skip_bad: Skip unreadable or corrupt files (counted in the message) instead of refusing the folder.
    """

    size: tuple[int, int] | None = None
    channels: int | None = None
    crop: bool = False
    skip_bad: bool = False

    def check(self) -> None:
        if self.size is not None:
            if len(self.size) != 2:
                raise DataError(f"image_size must be a positive int N or (height, width), received {self.size!r}")
            for v in self.size:
                check_int("image_size", v, meaning=f" N or (height, width) of them (received {self.size!r})", error=DataError)
        if self.channels not in (None, 1, 3):
            raise DataError(f"channels must be 1 (grayscale) or 3 (RGB), received {self.channels!r}")


def parse_image_size(value) -> tuple[int, int] | None:
    """``64``, ``"64"``, ``"48x64"`` (height x width) or ``(48, 64)`` -> ``(height, width)``."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = value.lower().split("x")
        if len(parts) in (1, 2) and all(p.strip().isdigit() for p in parts):
            numbers = [int(p) for p in parts]
            value = numbers[0] if len(numbers) == 1 else tuple(numbers)
        else:
            raise DataError(f"image size must be N or HxW (for example 64 or 48x64), received {value!r}")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value), int(value))
    if not isinstance(value, (tuple, list)):
        raise DataError(f"image size must be N or HxW (for example 64 or 48x64), received {value!r}")
    size = tuple(value)
    ImageOptions(size=size).check()
    return size


_GREY_MODES = ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")


def _is_grey(img) -> bool:
    if img.mode == "P":
        palette = np.asarray(img.getpalette() or [], dtype=np.int64).reshape(-1, 3)
        return bool(len(palette)) and bool((palette == palette[:, :1]).all())
    return img.mode in _GREY_MODES


def _pixels(img, channels: int) -> np.ndarray:
    """A PIL image as uint8 ``(H, W)`` (1 channel) or ``(H, W, 3)``."""
    from PIL import Image

    if img.mode.startswith("I") or img.mode == "F":
        wide = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I") and wide.max(initial=0) > 255 else 255.0
        img = Image.fromarray(np.clip(np.round(wide / top * 255.0), 0, 255).astype(np.uint8), mode="L")
    return np.asarray(img.convert("L" if channels == 1 else "RGB"))


def _fit(img, options: ImageOptions):
    """Centre-crop to the target aspect (if asked) and resize, bicubic (antialiased when shrinking)."""
    from PIL import Image

    if options.size is None:
        return img
    height, width = options.size
    if options.crop:
        w, h = img.size
        scale = min(w / width, h / height)
        cw, ch = round(width * scale), round(height * scale)
        left, top = (w - cw) // 2, (h - ch) // 2
        img = img.crop((left, top, left + cw, top + ch))
    if img.size != (width, height):
        img = img.resize((width, height), Image.Resampling.BICUBIC)
    return img


@dataclass(frozen=True)
class FolderScan:
    """What a folder's file headers say, before any pixel is decoded.

    Attributes:
        root: The folder.
        files: Readable image files, sorted by path.
        bad: Files whose header could not be read (only when skipping them).
        height, width, channels: The shape every image will be brought to.
    """

    root: Path
    files: tuple
    bad: tuple
    height: int
    width: int
    channels: int


def _bad_file(file: Path, exc: Exception) -> DataError:
    return DataError(f"{file} is not a readable image ({exc}); remove it, or skip such files (skip_bad=True, --skip-bad-files).")


def scan_folder(path: Path, options: ImageOptions) -> FolderScan:
    """Sizes and modes of every image file under ``path`` (headers only), checked against ``options``."""
    from PIL import Image

    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise DataError(f"{path} holds no images ({', '.join(IMAGE_SUFFIXES)}).")
    good, bad, sizes, grey = [], [], {}, True
    for file in files:
        try:
            with Image.open(file) as img:
                sizes.setdefault(img.size, file)
                grey = grey and _is_grey(img)
            good.append(file)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            if not options.skip_bad:
                raise _bad_file(file, exc) from exc
            bad.append(file)
    if not good:
        raise DataError(f"{path} holds no readable images ({len(bad)} unreadable).")
    if options.size is None and len(sizes) > 1:
        listing = "; ".join(f"{w}x{h} (e.g. {f.name})" for (w, h), f in list(sizes.items())[:4])
        raise DataError(f"Images in {path} differ in size: {listing}. Give image_size (--image-size 64 or HxW) to resize them to one size.")
    height, width = options.size or next(iter(sizes))[::-1]
    return FolderScan(path, tuple(good), tuple(bad), int(height), int(width), int(options.channels or (1 if grey else 3)))


def decode_image(file: Path, scan: FolderScan, options: ImageOptions) -> np.ndarray | None:
    """One file as uint8 ``(H, W, C)`` in the scan's shape; ``None`` for a corrupt file when skipping."""
    from PIL import Image

    try:
        with Image.open(file) as img:
            pixels = _pixels(_fit(img, options), scan.channels)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        if not options.skip_bad:
            raise _bad_file(file, exc) from exc
        return None
    return pixels.reshape(scan.height, scan.width, scan.channels)


def folder_labels(root: Path, files) -> np.ndarray | None:
    """Labels from one subfolder per class (sorted names), or ``None`` when files sit in ``root`` or
    in a single subfolder."""
    classes = sorted({f.parent.name for f in files})
    if any(f.parent == root for f in files) or len(classes) < 2:
        return None
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[f.parent.name] for f in files], dtype=np.int64)


def report_skipped(root: Path, bad: list) -> None:
    if bad:
        print(f"kgan: skipped {len(bad)} unreadable image file(s) in {root}, e.g. {bad[0]}", file=sys.stderr)


def _load_folder(path: Path, options: ImageOptions) -> tuple[np.ndarray, np.ndarray | None]:
    scan = scan_folder(path, options)
    x = np.empty((len(scan.files), scan.height, scan.width, scan.channels), dtype=np.uint8)
    kept, bad = [], list(scan.bad)
    for file in scan.files:
        pixels = decode_image(file, scan, options)
        if pixels is None:
            bad.append(file)
            continue
        x[len(kept)] = pixels
        kept.append(file)
    report_skipped(path, bad)
    if not kept:
        raise DataError(f"{path} holds no readable images ({len(bad)} unreadable).")
    return x[: len(kept)], folder_labels(path, kept)


def load_path(path: str | os.PathLike, options: ImageOptions | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """A user's ``.npz`` / ``.npy`` file or folder of images, as ``(images, labels or None)``.

    A folder is read recursively; when its images sit in one subfolder per class (``digits/3/a.png``),
    the subfolders give the labels, in sorted order. Images from files come out uint8 ``(n, H, W, C)``.
    """
    options = options or ImageOptions()
    options.check()
    p = Path(path)
    if not p.exists():
        raise DataError(f"Dataset path {str(p)!r} does not exist; give a registered dataset name or an existing .npz/.npy file or image folder.")
    if p.is_dir():
        return _load_folder(p, options)
    if p.suffix.lower() == ".npz":
        return _load_npz(p)
    if p.suffix.lower() == ".npy":
        return _load_npy(p)
    raise DataError(f"Dataset path {str(p)!r} is neither a .npz/.npy file nor a folder of images.")
