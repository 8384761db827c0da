"""Tile samples into one image."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from kgan.files import write_atomically

__all__ = ["make_grid", "save_grid", "save_images", "to_uint8"]


def to_uint8(images: np.ndarray, value_range: tuple[float, float] = (-1.0, 1.0)) -> np.ndarray:
    """Map ``value_range`` to 0..255 (clipped), as uint8."""
    low, high = value_range
    scaled = (np.asarray(images, dtype=np.float32) - low) / (high - low)
    return np.uint8(np.clip(scaled, 0.0, 1.0) * 255.0 + 0.5)


def make_grid(images: np.ndarray, columns: int | None = None, padding: int = 2, value_range=(-1.0, 1.0)) -> np.ndarray:
    """Tile ``(n, H, W, C)`` images (C in {1, 3}) into one uint8 image.

    Returns:
        ``(rows*(H+p)+p, cols*(W+p)+p)`` for grayscale — 2-D, as Pillow and GIF writers expect — or
        ``(..., ..., 3)`` for RGB. Rows are filled left to right; empty cells stay black.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"images must be (n, H, W, 1 or 3), received shape {images.shape}")
    n, h, w, c = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.zeros((rows * (h + padding) + padding, columns * (w + padding) + padding, c), dtype=np.uint8)
    pixels = to_uint8(images, value_range)
    for i in range(n):
        r, col = divmod(i, columns)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top : top + h, left : left + w] = pixels[i]
    return grid[..., 0] if c == 1 else grid


def save_grid(images: np.ndarray, path: str | os.PathLike, columns: int | None = None, scale: int = 2, value_range=(-1.0, 1.0)) -> Path:
    """Write [`make_grid()`][kgan.visual.grid.make_grid] of ``images`` as a PNG, enlarged ``scale`` times (nearest neighbour)."""
    from PIL import Image

    grid = make_grid(images, columns, value_range=value_range)
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_atomically(target, lambda tmp: Image.fromarray(grid).save(tmp, format="PNG"))


def save_images(images: np.ndarray, directory: str | os.PathLike, prefix: str = "sample", value_range=(-1.0, 1.0)) -> list[Path]:
    """Write each of ``(n, H, W, C)`` images (C in {1, 3}) as its own PNG, at its own size:
    ``directory/prefix_00000.png``, ... (digits enough for ``n``), the layout FID scripts and dataset
    builders read. Existing files of the same names are replaced.

    Returns:
        The paths written, in sample order.
    """
    from PIL import Image

    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"images must be (n, H, W, 1 or 3), received shape {images.shape}")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    width = max(5, len(str(len(images) - 1)))
    pixels = to_uint8(images, value_range)
    written = []
    for i, image in enumerate(pixels):
        path = target / f"{prefix}_{i:0{width}d}.png"
        Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(path, format="PNG")
        written.append(path)
    return written
