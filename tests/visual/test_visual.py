"""Grids and animations: even frame selection, labels, GIF timing, grayscale as 2-D."""

import numpy as np
import pytest
from PIL import Image

from kgan.visual import build_animation, make_grid, save_grid, select_frames


def test_make_grid_shapes_and_values():
    gray = make_grid(np.full((5, 4, 4, 1), 1.0), columns=3, padding=1)
    assert gray.shape == (2 * 5 + 1, 3 * 5 + 1) and gray.dtype == np.uint8  # 2-D for grayscale
    assert gray[1, 1] == 255 and gray[0, 0] == 0
    rgb = make_grid(np.full((4, 4, 4, 3), -1.0))
    assert rgb.shape[-1] == 3 and rgb.max() == 0


@pytest.mark.parametrize("count,k", [(1000, 10), (7, 3), (5, 10), (100, 2)])
def test_select_frames_is_even_and_keeps_both_ends(count, k):
    idx = select_frames(count, k)
    assert idx[0] == 0 and idx[-1] == count - 1 and len(idx) == min(count, k)
    gaps = np.diff(idx)
    assert gaps.max() - gaps.min() <= 1


def test_animation_has_labelled_evenly_chosen_frames(tmp_path):
    samples = tmp_path / "samples"
    for epoch in range(0, 21):
        save_grid(np.full((4, 8, 8, 1), epoch / 10 - 1), samples / f"epoch_{epoch:04d}.png", scale=1)
    (gif,) = build_animation(samples, tmp_path / "a.gif", fps=5, max_frames=5, mp4=False)
    with Image.open(gif) as img:
        assert img.n_frames == 5
        durations = []
        for i in range(img.n_frames):
            img.seek(i)
            durations.append(img.info["duration"])
    assert durations[:-1] == [200] * 4 and durations[-1] >= 1000  # ms, last frame held
    with pytest.raises(FileNotFoundError):
        build_animation(tmp_path / "empty", tmp_path / "b.gif")
