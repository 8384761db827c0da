"""Differentiable augmentation (Zhao et al., 2020, "Differentiable Augmentation for Data-Efficient GAN
Training"): the same random transformations applied to real and fake images before D sees them, in
both D's and G's updates, so D cannot memorise a small training set and G still gets gradients.

Written in ``keras.ops`` (every backend). Images are ``(batch, H, W, C)`` in ``[-1, 1]``.
"""

from __future__ import annotations

import keras
from keras import ops

from kgan.errors import ConfigurationError

__all__ = ["POLICIES", "parse_policy", "diff_augment", "translation", "cutout", "color"]


def translation(x, seed, ratio: float = 0.125):
    """Shift each image by up to ``ratio`` of its size in each direction (integers), zero-filled.

    ``(B, H, W, C) -> (B, H, W, C)``; the fill is the data's ``0``, mid-grey for ``[-1, 1]`` images.
    """
    batch = ops.shape(x)[0]
    h, w = x.shape[1], x.shape[2]
    sh, sw = max(int(h * ratio + 0.5), 1), max(int(w * ratio + 0.5), 1)
    padded = ops.pad(x, [[0, 0], [sh, sh], [sw, sw], [0, 0]])
    dy = keras.random.randint((batch, 1), 0, 2 * sh + 1, seed=seed)
    dx = keras.random.randint((batch, 1), 0, 2 * sw + 1, seed=seed)
    rows = dy + ops.arange(h, dtype=dy.dtype)[None, :]
    cols = dx + ops.arange(w, dtype=dx.dtype)[None, :]
    x = ops.take_along_axis(padded, rows[:, :, None, None], axis=1)
    return ops.take_along_axis(x, cols[:, None, :, None], axis=2)


def cutout(x, seed, ratio: float = 0.5, fill: float = -1.0):
    """Blank a random ``ratio``-sized square in each image (set it to ``fill``, black for ``[-1, 1]``)."""
    x = ops.convert_to_tensor(x)
    batch = ops.shape(x)[0]
    h, w = x.shape[1], x.shape[2]
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = keras.random.randint((batch, 1), 0, h, seed=seed)
    cx = keras.random.randint((batch, 1), 0, w, seed=seed)
    dy = ops.arange(h, dtype=cy.dtype)[None, :] - cy  # the square covers offsets [-ch//2, ch - ch//2)
    dx = ops.arange(w, dtype=cx.dtype)[None, :] - cx
    outside_y = ops.logical_or(dy < -(ch // 2), dy >= ch - ch // 2)
    outside_x = ops.logical_or(dx < -(cw // 2), dx >= cw - cw // 2)
    keep = ops.cast(ops.logical_or(outside_y[:, :, None], outside_x[:, None, :])[..., None], x.dtype)
    return x * keep + fill * (1.0 - keep)


def color(x, seed):
    """Random brightness (+-0.5), saturation (x0..2, colour images) and contrast (x0.5..1.5) per image."""
    x = ops.convert_to_tensor(x)
    batch = ops.shape(x)[0]
    x = x + keras.random.uniform((batch, 1, 1, 1), -0.5, 0.5, seed=seed)
    if x.shape[-1] > 1:
        mean = ops.mean(x, axis=-1, keepdims=True)
        x = (x - mean) * keras.random.uniform((batch, 1, 1, 1), 0.0, 2.0, seed=seed) + mean
    mean = ops.mean(x, axis=(1, 2, 3), keepdims=True)
    return (x - mean) * keras.random.uniform((batch, 1, 1, 1), 0.5, 1.5, seed=seed) + mean


POLICIES = {"translation": translation, "cutout": cutout, "color": color}
"""The transformations [`diff_augment()`][kgan.models.diffaugment.diff_augment] knows, by name."""


def parse_policy(policy) -> tuple[str, ...]:
    """``"translation,cutout"`` (or a list of names, or ``None``/``""``) as a tuple of known names.

    Raises:
        ConfigurationError: For an unknown name or a value that is neither a string nor a list.
    """
    if policy is None or policy == "" or policy == ():
        return ()
    if isinstance(policy, str):
        names = [name.strip() for name in policy.split(",") if name.strip()]
    elif isinstance(policy, (list, tuple)) and all(isinstance(name, str) for name in policy):
        names = list(policy)
    else:
        raise ConfigurationError(
            f"augment must be a comma-separated string of {sorted(POLICIES)} or a list of them, "
            f"received {policy!r}"
        )
    unknown = [name for name in names if name not in POLICIES]
    if unknown:
        raise ConfigurationError(
            f"augment: unknown transformation(s) {unknown}; choose from {sorted(POLICIES)}, "
            f"for example augment='translation,cutout'."
        )
    return tuple(names)


def diff_augment(x, policy, seed):
    """Apply the transformations of ``policy`` in order; each draws from ``seed`` (a SeedGenerator).

    Args:
        x: ``(batch, H, W, C)`` images in ``[-1, 1]``.
        policy: Names, as accepted by [`parse_policy()`][kgan.models.diffaugment.parse_policy].
        seed: A ``keras.random.SeedGenerator``.

    Returns:
        The augmented batch, same shape; differentiable with respect to ``x``.
    """
    for name in parse_policy(policy):
        x = POLICIES[name](x, seed)
    return x
