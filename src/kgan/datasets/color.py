"""``mnist-5k-color``: the embedded digits in colour, a colour image dataset that needs no network.

Each digit gets its own background colour and a stroke colour far from it in every channel, drawn from
``numpy.random.default_rng([0, i])`` for digit ``i``, so the dataset is the same on every machine:

    pixel = background * (1 - a) + stroke * a,    a = digit / 255 (upsampled bicubic to the size)

Unlike grey digits, a generator must learn colour pairs (and that stroke and background differ) as
well as shapes, and a Frechet distance on it uses the standard three-channel FID network.
"""

from __future__ import annotations

import numpy as np

__all__ = ["colorize"]


def colorize(digits: np.ndarray, size: int = 32) -> np.ndarray:
    """Grey digits uint8 ``(n, h, w)`` -> colour digits uint8 ``(n, size, size, 3)``.

    Args:
        digits: White strokes on black, ``0..255``.
        size: Side of the output images (bicubic resampling of the stroke mask).
    """
    from PIL import Image

    digits = np.asarray(digits, dtype=np.uint8)
    masks = np.stack([np.asarray(Image.fromarray(d).resize((size, size), Image.Resampling.BICUBIC)) for d in digits])
    alpha = masks.astype(np.float32)[..., None] / 255.0
    colours = np.empty((len(digits), 2, 3), dtype=np.float32)
    for i in range(len(digits)):
        rng = np.random.default_rng([0, i])
        background = rng.uniform(0.0, 1.0, 3)
        # Each channel of the stroke is half the range away from the background's, +-0.15: visible contrast.
        stroke = (background + 0.5 + rng.uniform(-0.15, 0.15, 3)) % 1.0
        colours[i] = background, stroke
    background = colours[:, None, None, 0, :]
    stroke = colours[:, None, None, 1, :]
    pixels = background * (1.0 - alpha) + stroke * alpha
    return np.clip(np.round(pixels * 255.0), 0, 255).astype(np.uint8)
