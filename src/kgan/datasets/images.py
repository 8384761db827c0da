"""Image datasets: the embedded ``mnist-5k``, full ``mnist`` from the Keras cache, and a user's files."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import numpy as np

from kgan.errors import DataError

__all__ = ["to_unit_range", "load_mnist5k", "load_mnist", "load_path", "IMAGE_SUFFIXES"]

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
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is not a readable .npz file: {exc}") from exc


def _load_folder(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    from PIL import Image

    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DataError(f"{path} holds no images ({', '.join(IMAGE_SUFFIXES)}).")
    images, shapes = [], {}
    for file in files:
        try:
            with Image.open(file) as img:
                array = np.asarray(img.convert("L" if img.mode in ("L", "1", "I;16", "P") and img.mode != "P" else "RGB"))
        except OSError as exc:
            raise DataError(f"{file} is not a readable image: {exc}") from exc
        shapes.setdefault(array.shape, file)
        images.append(array)
    if len(shapes) > 1:
        listing = "; ".join(f"{s} (e.g. {f.name})" for s, f in shapes.items())
        raise DataError(f"Images in {path} differ in size: {listing}. Resize them to one size first.")
    x = np.stack(images)
    classes = sorted({f.parent.name for f in files})
    labels = None
    if all(f.parent != path for f in files) and len(classes) > 1:
        index = {c: i for i, c in enumerate(classes)}
        labels = np.array([index[f.parent.name] for f in files], dtype=np.int64)
    return x, labels


def load_path(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray | None]:
    """A user's ``.npz`` file or folder of images, as ``(images, labels or None)``.

    A folder's images may sit in one subfolder per class (``digits/3/a.png``): the subfolders then give
    the labels, in sorted order.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"Dataset path {str(p)!r} does not exist; give a registered dataset name or an existing .npz file or image folder.")
    if p.is_dir():
        return _load_folder(p)
    if p.suffix.lower() == ".npz":
        return _load_npz(p)
    raise DataError(f"Dataset path {str(p)!r} is neither a .npz file nor a folder of images.")
