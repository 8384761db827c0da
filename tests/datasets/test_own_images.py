"""A user's own images: .npy arrays, folders of mixed sizes and modes, resizing, corrupt files."""

import numpy as np
import pytest
from PIL import Image

import kgan
from kgan.errors import DataError


def _save(path, array, mode=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array, mode=mode).save(path)


def test_npy_of_uint8_pixels_and_of_floats(tmp_path):
    np.save(tmp_path / "u.npy", np.full((4, 8, 8), 255, np.uint8))
    np.save(tmp_path / "f.npy", np.zeros((4, 8, 8, 3), np.float32))
    assert kgan.datasets.load(str(tmp_path / "u.npy")).shape == (4, 8, 8, 1)
    assert kgan.datasets.load(str(tmp_path / "f.npy")).shape == (4, 8, 8, 3)


def test_npy_and_npz_of_objects_are_refused_without_unpickling(tmp_path):
    objects = np.array([{"a": 1}, None], dtype=object)
    np.save(tmp_path / "o.npy", objects, allow_pickle=True)
    np.savez(tmp_path / "o.npz", x=objects)
    for name in ("o.npy", "o.npz"):
        with pytest.raises(DataError, match=name):
            kgan.datasets.load(str(tmp_path / name))


def test_folder_of_mixed_sizes_is_resized(tmp_path):
    _save(tmp_path / "a.png", np.zeros((20, 30), np.uint8))
    _save(tmp_path / "b.png", np.full((64, 64), 255, np.uint8))
    x = kgan.datasets.load(str(tmp_path), image_size=16)
    assert x.shape == (2, 16, 16, 1)
    assert x[0].max() == -1.0 and x[1].min() == 1.0
    assert kgan.datasets.load(str(tmp_path), image_size="12x16").shape == (2, 12, 16, 1)


def test_mixed_modes_become_rgb_and_channels_can_be_chosen(tmp_path):
    _save(tmp_path / "grey.png", np.full((8, 8), 128, np.uint8))
    _save(tmp_path / "rgb.png", np.zeros((8, 8, 3), np.uint8))
    _save(tmp_path / "rgba.png", np.zeros((8, 8, 4), np.uint8))
    Image.fromarray(np.zeros((8, 8), np.uint8)).convert("P").save(tmp_path / "palette.png")
    Image.fromarray(np.full((8, 8), 65535, np.uint16)).save(tmp_path / "deep.png")  # 16-bit grey
    x = kgan.datasets.load(str(tmp_path))
    assert x.shape == (5, 8, 8, 3)
    deep = sorted(p.name for p in tmp_path.iterdir()).index("deep.png")
    assert x[deep].min() == 1.0  # 65535 is white, not clipped garbage
    assert kgan.datasets.load(str(tmp_path), channels=1).shape == (5, 8, 8, 1)


def test_centre_crop_keeps_the_middle(tmp_path):
    wide = np.zeros((8, 24), np.uint8)
    wide[:, 8:16] = 255  # a white middle third
    _save(tmp_path / "wide.png", wide)
    assert kgan.datasets.load(str(tmp_path), image_size=8, crop=True).min() > 0.9
    assert kgan.datasets.load(str(tmp_path), image_size=8).min() == -1.0  # stretched: black sides stay


def test_corrupt_file_is_named_or_skipped(tmp_path, capsys):
    _save(tmp_path / "good.png", np.zeros((8, 8), np.uint8))
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(DataError, match="bad.png"):
        kgan.datasets.load(str(tmp_path))
    assert kgan.datasets.load(str(tmp_path), skip_bad=True).shape == (1, 8, 8, 1)
    assert "skipped 1 unreadable" in capsys.readouterr().err


def test_truncated_file_is_named(tmp_path):
    _save(tmp_path / "a.png", np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8))
    data = (tmp_path / "a.png").read_bytes()
    (tmp_path / "a.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="a.png"):
        kgan.datasets.load(str(tmp_path))


def test_arrays_resized_and_converted():
    x = kgan.datasets.load("mnist-5k", image_size=32, channels=3)
    assert x.shape == (5000, 32, 32, 3) and -1.0 <= x.min() and x.max() <= 1.0
    assert np.allclose(x[..., 0], x[..., 2])


@pytest.mark.parametrize("value", [0, "0x4", "big", (3,), True])
def test_bad_image_size_is_refused(value):
    with pytest.raises(DataError, match="image"):
        kgan.datasets.load("mnist-5k", image_size=value)


def test_bad_channels_are_refused():
    with pytest.raises(DataError, match="channels must be 1"):
        kgan.datasets.load("mnist-5k", channels=2)


@pytest.mark.heavy  # about 11 s on 2 cores
def test_color_digits_are_deterministic_and_contrasted():
    x, y = kgan.datasets.load("mnist-5k-color", with_labels=True)
    assert x.shape == (5000, 32, 32, 3) and np.bincount(y).tolist() == [500] * 10
    np.testing.assert_array_equal(x[:50], kgan.datasets.load("mnist-5k-color")[:50])
    corner, centre = x[:, 0, 0, :], x[:, 16, 16, :]
    assert np.abs(corner - centre).max(axis=1).mean() > 0.5  # strokes differ from background
    assert len(np.unique(np.round(corner, 1), axis=0)) > 500  # many background colours
    assert kgan.datasets.load("mnist-5k-color-64").shape == (5000, 64, 64, 3)
