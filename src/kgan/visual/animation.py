"""Assemble saved sample grids into a training animation (GIF; MP4 too with imageio-ffmpeg)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from kgan.files import write_atomically

__all__ = ["select_frames", "build_animation", "frame_label", "GRID_PATTERN"]

GRID_PATTERN = re.compile(r"^(epoch|step)_(\d+)\.png$")


def select_frames(count: int, max_frames: int) -> list[int]:
    """Indices of at most ``max_frames`` frames spread evenly over ``count``, first and last included.

    ``np.linspace`` over the whole range, so a long run is subsampled uniformly in training time, not
    by keeping every k-th frame and dropping the tail.
    """
    if count <= 0:
        return []
    if max_frames < 2 or count <= max_frames:
        return list(range(count)) if max_frames >= count else [count - 1]
    return sorted({int(round(i)) for i in np.linspace(0, count - 1, max_frames)})


def frame_label(path: Path) -> str:
    match = GRID_PATTERN.match(path.name)
    if not match:
        return path.stem
    return f"{match.group(1)} {int(match.group(2))}"


def _sorted_grids(directory: Path) -> list[Path]:
    grids = [p for p in directory.iterdir() if GRID_PATTERN.match(p.name)]
    return sorted(grids, key=lambda p: (GRID_PATTERN.match(p.name).group(1), int(GRID_PATTERN.match(p.name).group(2))))


def _labelled(path: Path):
    from PIL import Image, ImageDraw

    with Image.open(path) as source:
        image = source.convert("L" if source.mode == "L" else "RGB")
    strip = 16
    canvas = Image.new(image.mode, (image.width, image.height + strip), 0)
    canvas.paste(image, (0, strip))
    ImageDraw.Draw(canvas).text((4, 2), frame_label(path), fill=255 if image.mode == "L" else (255, 255, 255))
    return canvas


def build_animation(
    samples_dir: str | os.PathLike,
    output: str | os.PathLike,
    fps: float = 4.0,
    max_frames: int = 60,
    hold_last_s: float = 1.5,
    mp4: bool | None = None,
) -> list[Path]:
    """Write a GIF (and an MP4 beside it when imageio-ffmpeg is installed) from saved grids.

    Args:
        samples_dir: Folder of ``epoch_NNNN.png`` or ``step_NNNNNN.png`` grids (as written by
            [`kgan.callbacks.SampleGrid`][kgan.callbacks.SampleGrid]).
        output: The ``.gif`` path.
        fps: Frames per second.
        max_frames: Frames at most, chosen evenly over training ([`select_frames()`][kgan.visual.animation.select_frames]).
        hold_last_s: Show the final frame this long before looping.
        mp4: Also write ``output`` with ``.mp4``; ``None`` = if ``imageio`` and ``imageio-ffmpeg`` are
            installed.

    Returns:
        The files written.

    Raises:
        FileNotFoundError: No grids in ``samples_dir``.
    """
    directory = Path(samples_dir)
    grids = _sorted_grids(directory) if directory.is_dir() else []
    if not grids:
        raise FileNotFoundError(f"No sample grids (epoch_NNNN.png or step_NNNNNN.png) in {str(directory)!r}.")
    if fps <= 0:
        raise ValueError(f"fps must be > 0, received {fps!r}")
    chosen = [grids[i] for i in select_frames(len(grids), max_frames)]
    frames = [_labelled(p) for p in chosen]
    frame_ms = int(round(1000 / fps))  # Pillow's GIF durations are in milliseconds
    durations = [frame_ms] * len(frames)
    durations[-1] = max(frame_ms, int(hold_last_s * 1000))
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda tmp: frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0))
    written = [target]
    if mp4 is not False:
        try:
            import imageio.v3 as iio
            import imageio_ffmpeg  # noqa: F401
        except ImportError:
            if mp4:
                raise ImportError("MP4 output needs imageio and imageio-ffmpeg: pip install imageio imageio-ffmpeg") from None
        else:
            video = target.with_suffix(".mp4")
            rgb = [np.asarray(f.convert("RGB")) for f in frames]
            pad = [(0, (-s) % 16) for s in rgb[0].shape[:2]] + [(0, 0)]
            iio.imwrite(video, np.stack([np.pad(f, pad) for f in rgb]), fps=fps, codec="libx264")
            written.append(video)
    return written
