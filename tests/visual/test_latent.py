"""Latent walks: slerp's maths, the walks' shapes and latents, and the files they write."""

import numpy as np
import pytest
from PIL import Image

import kgan
from kgan.visual import latent_walk, save_walk, slerp
from kgan.visual.latent import dimension_walk, slerp_path


def test_slerp_ends_follow_the_great_circle_and_interpolate_the_norm():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(16), rng.standard_normal(16)
    np.testing.assert_allclose(slerp(a, b, 0.0), a, atol=1e-12)
    np.testing.assert_allclose(slerp(a, b, 1.0), b, atol=1e-12)
    t = np.linspace(0, 1, 9)
    path = slerp(a, b, t)
    norms = np.linalg.norm(path, axis=1)
    np.testing.assert_allclose(norms, (1 - t) * np.linalg.norm(a) + t * np.linalg.norm(b), rtol=1e-10)
    # equal angular steps: the angle between neighbours is constant (a straight line's is not)
    unit = path / norms[:, None]
    angles = np.arccos(np.clip((unit[:-1] * unit[1:]).sum(1), -1, 1))
    np.testing.assert_allclose(angles, angles[0], rtol=1e-8)
    # the midpoint keeps its distance from the origin, where the straight line's midpoint sinks
    u, v = np.eye(16)[0] * 4, np.eye(16)[1] * 4
    assert np.linalg.norm(slerp(u, v, 0.5)) == pytest.approx(4.0)
    assert np.linalg.norm((u + v) / 2) < 3.0


def test_slerp_of_parallel_vectors_is_linear():
    a = np.ones(4)
    np.testing.assert_allclose(slerp(a, 3 * a, 0.5), 2 * a)


def test_paths_and_dimension_walks():
    paths = slerp_path(8, walks=3, steps=5, seed=1)
    assert paths.shape == (3, 5, 8) and paths.dtype == np.float32
    np.testing.assert_array_equal(paths, slerp_path(8, 3, 5, seed=1))  # numpy: the same on every backend
    walk = dimension_walk(8, [2, 5], steps=7, seed=0, span=2.0)
    assert walk.shape == (2, 7, 8)
    np.testing.assert_allclose(walk[0, :, 2], np.linspace(-2, 2, 7), rtol=1e-6)
    others = np.delete(walk[0], 2, axis=1)
    assert np.all(others == others[0])  # only the chosen coordinate moves


def test_latent_walks_of_a_gan_and_of_a_conditional_gan(tiny_gan, tiny_cgan, tmp_path):
    walk = latent_walk(tiny_gan, "slerp", walks=2, steps=4)
    assert walk.shape == (2, 4, 8, 8, 1)
    ends = tiny_gan.predict(slerp_path(tiny_gan.latent_dim, 2, 4)[:, 0], verbose=0)
    np.testing.assert_allclose(walk[:, 0], ends, atol=1e-5)
    sweep = latent_walk(tiny_cgan, "class", walks=2)
    assert sweep.shape == (2, 3, 8, 8, 1)  # a row per style, a column per class
    assert not np.allclose(sweep[0, 0], sweep[0, 1])
    with pytest.raises(ValueError, match="no classes"):
        latent_walk(tiny_gan, "class")
    with pytest.raises(ValueError, match="dims must lie in"):
        latent_walk(tiny_gan, "dimension", dims=[99])
    png, gif = save_walk(walk, tmp_path, "slerp", scale=1)
    assert Image.open(png).size[0] > Image.open(png).size[1]  # 4 columns, 2 rows
    with Image.open(gif) as animation:
        assert animation.n_frames == 4 + 2  # forth and back


def test_a_cogan_pair_is_shown_side_by_side(tmp_path):
    gan = kgan.architectures.get("cogan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    walk = latent_walk(gan, "slerp", walks=1, steps=3)
    assert walk.shape[-1] == 2
    png, _ = save_walk(walk, tmp_path, "pair", scale=1)
    assert Image.open(png).size == (3 * (16 + 2) + 2, 8 + 4)
