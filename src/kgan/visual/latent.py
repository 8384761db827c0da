"""Walks through a generator's latent space: what moving ``z`` does to the samples.

Three walks, each written as a grid (a row per walk, a column per step) and a GIF (a frame per step):

- ``slerp``: spherical interpolation between pairs of latents. Under ``z ~ N(0, I)`` nearly all mass
  lies near the sphere of radius ``sqrt(latent_dim)``; a straight line between two latents passes
  nearer the origin, where the generator saw no inputs, so the walk follows the great circle instead.
- ``dimension``: one latent dimension swept from ``-span`` to ``+span`` with the others fixed — what a
  single coordinate of ``z`` means (often nothing clean: GAN latents are entangled).
- ``class``: for a conditional model, the class swept with the style (``z``) held fixed per row.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from kgan.visual.grid import make_grid

__all__ = ["slerp", "slerp_path", "dimension_walk", "latent_walk", "save_walk", "WALKS"]

WALKS = ("slerp", "dimension", "class")


def slerp(a: np.ndarray, b: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """Spherical linear interpolation between vectors ``a`` and ``b``.

    ``slerp(a, b, t) = sin((1 - t) w) / sin(w) * a + sin(t w) / sin(w) * b`` with
    ``w = arccos(<a, b> / (|a| |b|))``; the norm is interpolated linearly. Falls back to linear
    interpolation when ``a`` and ``b`` are (anti)parallel.

    Args:
        a, b: Vectors of shape ``(d,)``.
        t: Position(s) in ``[0, 1]``: a scalar or shape ``(k,)``.

    Returns:
        ``(d,)`` for a scalar ``t``, else ``(k, d)``; ``t = 0`` gives ``a``, ``t = 1`` gives ``b``.
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    t_arr = np.atleast_1d(np.asarray(t, np.float64))[:, None]
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    cos = np.clip(a @ b / max(na * nb, 1e-12), -1.0, 1.0)
    omega = np.arccos(cos)
    if np.sin(omega) < 1e-6:
        out = (1 - t_arr) * a + t_arr * b
    else:
        ua, ub = a / na, b / nb
        direction = (np.sin((1 - t_arr) * omega) * ua + np.sin(t_arr * omega) * ub) / np.sin(omega)
        out = direction * ((1 - t_arr) * na + t_arr * nb)
    return out[0] if np.ndim(t) == 0 else out


def slerp_path(latent_dim: int, walks: int, steps: int, seed: int = 0) -> np.ndarray:
    """``walks`` great-circle paths of ``steps`` latents each, between latents drawn from
    ``default_rng(seed)``: shape ``(walks, steps, latent_dim)``, float32."""
    rng = np.random.default_rng(seed)
    ends = rng.standard_normal((walks, 2, latent_dim))
    return np.stack([slerp(a, b, np.linspace(0.0, 1.0, steps)) for a, b in ends]).astype(np.float32)


def dimension_walk(latent_dim: int, dims: list[int], steps: int, seed: int = 0, span: float = 3.0) -> np.ndarray:
    """One row per dimension in ``dims``: a base latent from ``default_rng(seed)`` with that coordinate
    set to ``linspace(-span, span, steps)``. Shape ``(len(dims), steps, latent_dim)``, float32."""
    base = np.random.default_rng(seed).standard_normal(latent_dim)
    rows = np.repeat(base[None, None, :], len(dims), axis=0).repeat(steps, axis=1)
    for row, dim in enumerate(dims):
        rows[row, :, dim] = np.linspace(-span, span, steps)
    return rows.astype(np.float32)


def _render(gan: Any, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
    """Samples of the sampling generator (the weight average when there is one) for these latents."""
    import keras

    inputs = keras.ops.convert_to_tensor(z)
    if labels is not None:
        inputs = [inputs, gan.one_hot(labels)]
    return np.asarray(keras.ops.convert_to_numpy(gan.sampling_generator(inputs, training=False)), np.float32)


def _side_by_side(images: np.ndarray) -> np.ndarray:
    """Images of 1 or 3 channels as they are; other channel counts (a CoGAN's pair stacked along
    channels) as their 1- or 3-channel parts side by side."""
    c = images.shape[-1]
    if c in (1, 3):
        return images
    part = 3 if c % 3 == 0 else 1
    return np.concatenate([images[..., i : i + part] for i in range(0, c, part)], axis=2)


def latent_walk(gan: Any, kind: str = "slerp", walks: int = 8, steps: int = 16, seed: int = 0, dims: list[int] | None = None, span: float = 3.0) -> np.ndarray:
    """The samples of one latent walk: shape ``(walks, steps, H, W, C)``.

    Args:
        gan: A latent-space model (``latent_dim`` set): [`GANModel`][kgan.GANModel] or a subclass.
        kind: ``"slerp"``, ``"dimension"`` or ``"class"`` (conditional models only: one row per
            fixed ``z``, one column per class; ``steps`` is then the number of classes).
        walks: Rows (paths, or fixed styles for ``"class"``); for ``"dimension"`` the number of
            dimensions shown when ``dims`` is not given (the first ones).
        steps: Columns.
        seed: Seed of the latents (numpy's ``default_rng``: the same walk on every backend).
        dims: Dimensions for ``"dimension"``.
        span: ``"dimension"`` sweeps from ``-span`` to ``+span``.

    Raises:
        ValueError: Unknown ``kind``, a model without a latent space, or ``"class"`` for a model
            without classes.
    """
    from kgan.models.capabilities import capabilities_of

    capabilities = capabilities_of(gan)
    latent_dim = capabilities.latent_dim if capabilities else None
    if not latent_dim:
        raise ValueError("latent walks need a model with a latent space (latent_dim); a CycleGAN translates images instead.")
    if kind not in WALKS:
        raise ValueError(f"kind must be one of {', '.join(WALKS)}; received {kind!r}.")
    num_classes = capabilities.num_classes
    if kind == "class":
        if not num_classes:
            raise ValueError("kind='class' sweeps the class of a conditional model (cgan); this model has no classes.")
        z = np.random.default_rng(seed).standard_normal((walks, latent_dim)).astype(np.float32)
        z = np.repeat(z, num_classes, axis=0)
        labels = np.tile(np.arange(num_classes), walks)
        samples = _render(gan, z, labels)
        return samples.reshape(walks, num_classes, *samples.shape[1:])
    if kind == "slerp":
        z = slerp_path(latent_dim, walks, steps, seed)
    else:
        chosen = list(dims) if dims is not None else list(range(min(walks, latent_dim)))
        bad = [d for d in chosen if not 0 <= int(d) < latent_dim]
        if bad:
            raise ValueError(f"dims must lie in 0..{latent_dim - 1} (latent_dim {latent_dim}); received {bad}.")
        z = dimension_walk(latent_dim, chosen, steps, seed, span)
    rows, cols = z.shape[:2]
    flat = z.reshape(rows * cols, latent_dim)
    labels = None if not num_classes else np.repeat(np.random.default_rng(seed + 1).integers(0, num_classes, rows), cols)
    samples = _render(gan, flat, labels)
    return samples.reshape(rows, cols, *samples.shape[1:])


def save_walk(walk: np.ndarray, directory: str | os.PathLike, name: str, fps: float = 8.0, scale: int = 2) -> list[Path]:
    """Write a walk of shape ``(rows, steps, H, W, C)`` as ``name.png`` (rows by steps) and
    ``name.gif`` (one frame per step, all rows side by side, played forth and back)."""
    from PIL import Image

    walk = np.asarray(walk)
    rows, steps = walk.shape[:2]
    images = _side_by_side(walk.reshape(rows * steps, *walk.shape[2:]))
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)

    def enlarged(grid: np.ndarray) -> Image.Image:
        return Image.fromarray(grid.repeat(scale, axis=0).repeat(scale, axis=1))

    png = target / f"{name}.png"
    enlarged(make_grid(images, columns=steps)).save(png, format="PNG")
    per_step = images.reshape(rows, steps, *images.shape[1:]).transpose(1, 0, *range(2, images.ndim + 1))
    frames = [enlarged(make_grid(per_step[t], columns=min(rows, 8))) for t in range(steps)]
    frames = frames + frames[-2:0:-1]  # forth and back: the loop has no jump
    gif = target / f"{name}.gif"
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:], duration=int(round(1000 / fps)), loop=0)
    return [png, gif]
