"""Datasets, all offline: ``mnist-5k`` (embedded), ``mnist-5k-color`` (made from it), ``mnist``
(Keras cache), ``ring8``, ``grid25``, and a user's own ``.npz`` / ``.npy`` file or image folder.

Images come out float32 in ``[-1, 1]``, channels last, ``(n, H, W, C)``. Points come out float32
``(n, 2)``.

>>> x = kgan.datasets.load("mnist-5k")                 # (5000, 28, 28, 1)
>>> x, y = kgan.datasets.load("mnist-5k", with_labels=True)
>>> pts = kgan.datasets.load("ring8")                  # (10000, 2)
>>> faces = kgan.datasets.load("faces/", image_size=64, channels=3)   # any folder, resized
"""

from __future__ import annotations

import difflib
import os

import numpy as np

from kgan.datasets.color import colorize
from kgan.datasets.images import (
    ImageOptions,
    load_mnist,
    load_mnist5k,
    load_path,
    parse_image_size,
    to_unit_range,
)
from kgan.datasets.mixtures import MIXTURES, Mixture, sample_mixture
from kgan.datasets.stream import DiskImages, open_folder, open_npy
from kgan.errors import DataError, UnknownNameError

__all__ = ["load", "names", "mixture", "Mixture", "to_unit_range", "thicken", "negative", "colorize", "ImageOptions", "parse_image_size", "DiskImages"]


def thicken(images: np.ndarray) -> np.ndarray:
    """Thicker strokes: a 3x3 grey dilation (max filter) of each image ``(n, H, W, C)``, any value range."""
    from scipy.ndimage import grey_dilation

    images = np.asarray(images)
    return grey_dilation(images, size=(1, 3, 3, 1)).astype(images.dtype)


def negative(images: np.ndarray) -> np.ndarray:
    """The negative of images in ``[-1, 1]``: ``-x``."""
    return (-np.asarray(images)).astype(np.asarray(images).dtype)

_DESCRIPTIONS = {
    "mnist-5k": "5,000 MNIST digits, 500 per class, 28x28x1 (embedded, offline)",
    "mnist": "60,000 MNIST training digits, 28x28x1 (Keras cache; downloads if online)",
    "mnist-5k-thick": "the mnist-5k digits with strokes thickened (3x3 grey dilation): CycleGAN's second domain",
    "mnist-5k-negative": "the mnist-5k digits in negative (white background): CoGAN's second domain",
    "mnist-5k-color": "the mnist-5k digits in colour, 32x32x3: strokes and background in varied colours (made offline)",
    "mnist-5k-color-64": "the same colour digits at 64x64x3",
    "ring8": "8 Gaussians on a circle of radius 2, std 0.02, 10,000 points (generated)",
    "grid25": "25 Gaussians on a 5x5 grid, std 0.05, 10,000 points (generated)",
}


def names() -> dict[str, str]:
    """Built-in dataset names with a one-line description."""
    return dict(_DESCRIPTIONS)


def mixture(name: str) -> Mixture:
    """Centres and std of a built-in mixture (``ring8``, ``grid25``), for [`kgan.metrics.mode_coverage()`][kgan.metrics.mode_coverage]."""
    if name not in MIXTURES:
        raise UnknownNameError("mixture", name, difflib.get_close_matches(name, MIXTURES), sorted(MIXTURES), hint="")
    return MIXTURES[name]


def _images(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.size == 0:
        raise DataError(f"The dataset is empty (array of shape {x.shape}); give at least one sample.")
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        bad = int(x.size - np.count_nonzero(np.isfinite(x)))
        raise DataError(f"The dataset holds {bad} NaN or infinite values; clean or drop those samples first.")
    if x.ndim == 2 and int(np.sqrt(x.shape[1])) ** 2 == x.shape[1] and x.dtype == np.uint8:
        side = int(np.sqrt(x.shape[1]))
        x = x.reshape(-1, side, side)
    if x.ndim == 3:
        x = x[..., None]
    if x.dtype == np.uint8:
        return to_unit_range(x)
    x = x.astype(np.float32)
    if x.ndim == 4 and x.size and (x.min() < -1.001 or x.max() > 1.001):
        if x.min() >= 0 and x.max() <= 255:
            return to_unit_range(x)
        raise DataError(f"Images have values in [{x.min():g}, {x.max():g}]; give uint8 pixels or floats in [-1, 1].")
    return x


def _reshape(x: np.ndarray, options: ImageOptions) -> np.ndarray:
    """Arrays in ``[-1, 1]`` ``(n, H, W, C)`` to ``options``' size and channels (bicubic, antialiased)."""
    if options.channels is not None and x.shape[-1] != options.channels:
        if x.shape[-1] == 1:
            x = np.repeat(x, 3, axis=-1)
        elif x.shape[-1] in (3, 4):
            x = (x[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32))[..., None]  # ITU-R 601 luma
        else:
            raise DataError(f"Images with {x.shape[-1]} channels cannot be converted to {options.channels}; give 1, 3 or 4.")
    elif x.shape[-1] == 4:
        x = x[..., :3]
    if options.size is not None and tuple(x.shape[1:3]) != tuple(options.size):
        import keras

        parts = [
            keras.ops.convert_to_numpy(keras.ops.image.resize(x[i : i + 256], options.size, interpolation="bicubic", antialias=True, crop_to_aspect_ratio=options.crop))
            for i in range(0, len(x), 256)
        ]
        x = np.clip(np.concatenate(parts), -1.0, 1.0).astype(np.float32)
    return x


def load(
    name: str,
    with_labels: bool = False,
    n: int | None = None,
    seed: int = 0,
    image_size=None,
    channels: int | None = None,
    crop: bool = False,
    skip_bad: bool = False,
    stream: bool = False,
):
    """Load a dataset by name or path.

    Args:
        name: A built-in name ([`names()`][kgan.datasets.names]), or a path to a ``.npz`` file (arrays
            ``x``/``images`` and optionally ``y``/``labels``), a ``.npy`` array, or a folder of images
            (read recursively; one subfolder per class gives labels).
        with_labels: Also return integer labels ``(n,)`` (mode index for mixtures).
        n: Number of points for the generated mixtures (default 10,000); ignored for files.
        seed: Seed of the generated mixtures.
        image_size: Resize every image to ``N`` x ``N`` or ``(height, width)`` (also ``"48x64"``);
            bicubic, antialiased when shrinking. Needed for folders whose images differ in size.
        channels: 1 (grayscale) or 3 (RGB); default: what the data has (a folder: 1 when every file
            is grayscale, else 3; RGBA and palette files are converted, 16-bit files scaled).
        crop: Centre-crop to the aspect ratio of ``image_size`` instead of stretching.
        skip_bad: Skip unreadable files of a folder (their count is printed) instead of refusing it.
        stream: Keep a folder's images on disk: decoded once into kgan's cache and returned as
            [`DiskImages`][kgan.datasets.stream.DiskImages], which reads the rows asked for (a uint8
            ``.npy`` file is read in place). Other datasets load into memory as usual.

    Returns:
        ``x``, or ``(x, y)`` with ``with_labels=True``.

    Raises:
        kgan.errors.UnknownNameError: For a name that is neither built in nor an existing path.
        kgan.errors.DataError: For unreadable files, or labels asked of a dataset without them.
    """
    if not isinstance(name, (str, os.PathLike)):
        raise TypeError(f"name must be a dataset name or a path, received {type(name).__name__}")
    options = ImageOptions(size=parse_image_size(image_size), channels=channels, crop=bool(crop), skip_bad=bool(skip_bad))
    options.check()
    key = str(name)
    if key in MIXTURES:
        x, y = sample_mixture(key, n=10_000 if n is None else n, seed=seed)
    elif key == "mnist-5k":
        raw, y = load_mnist5k()
        x = to_unit_range(raw)[..., None]
    elif key in ("mnist-5k-thick", "mnist-5k-negative"):
        raw, y = load_mnist5k()
        x = to_unit_range(raw)[..., None]
        x = thicken(x) if key.endswith("thick") else negative(x)
    elif key in ("mnist-5k-color", "mnist-5k-color-64"):
        raw, y = load_mnist5k()
        x = to_unit_range(colorize(raw, size=64 if key.endswith("64") else 32))
    elif key == "mnist":
        raw, y = load_mnist()
        x = to_unit_range(raw)[..., None]
    elif stream and os.path.isdir(key):
        x, y = open_folder(key, options)  # sized and converted while decoding
        return _with_labels(key, x, y, with_labels)
    elif stream and key.endswith(".npy") and options.size is None and options.channels is None and (on_disk := open_npy(key)) is not None:
        return _with_labels(key, on_disk, None, with_labels)
    elif os.path.exists(key) or os.sep in key or key.endswith((".npz", ".npy")):
        raw, y = load_path(key, options)
        x = _images(raw) if raw.ndim >= 3 or raw.dtype == np.uint8 else raw.astype(np.float32)
    else:
        close = difflib.get_close_matches(key, list(_DESCRIPTIONS), n=3, cutoff=0.5)
        raise UnknownNameError("dataset", key, close, list(_DESCRIPTIONS), hint="Or give the path of a .npz/.npy file or an image folder.")
    if x.ndim == 4 and (options.size is not None or options.channels is not None or x.shape[-1] == 4):
        x = _reshape(x, options)
    elif options.size is not None or options.channels is not None:
        raise DataError(f"image_size and channels apply to images; dataset {key!r} holds samples of shape {x.shape[1:]}.")
    return _with_labels(key, x, y, with_labels)


def _with_labels(key: str, x, y, with_labels: bool):
    if not with_labels:
        return x
    if y is None:
        raise DataError(f"Dataset {key!r} has no labels; drop with_labels=True, or add a 'y' array / class subfolders.")
    y = np.asarray(y)
    if len(y) != len(x):
        raise DataError(f"Dataset {key!r} has {len(x)} samples but {len(y)} labels.")
    return x, y.astype(np.int64)
