"""Images on disk: DiskImages reads what the in-memory array holds, folders decode once, batches match."""

import os

import numpy as np
import pytest
from PIL import Image

import kgan
from kgan.datasets.batches import epoch_batches
from kgan.datasets.stream import DiskImages


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KGAN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    for cls in ("cat", "dog"):
        (tmp_path / "pets" / cls).mkdir(parents=True)
        for i in range(7):
            Image.fromarray(rng.integers(0, 256, (12, 10, 3), dtype=np.uint8)).save(tmp_path / "pets" / cls / f"{i}.png")
    return tmp_path / "pets"


def test_disk_images_read_what_memory_holds(folder, home):
    memory, labels = kgan.datasets.load(str(folder), with_labels=True)
    disk, disk_labels = kgan.datasets.load(str(folder), with_labels=True, stream=True)
    assert isinstance(disk, DiskImages) and disk.shape == memory.shape == (14, 12, 10, 3)
    np.testing.assert_array_equal(disk_labels, labels)
    np.testing.assert_array_equal(disk[:], memory)
    for index in (3, -1, slice(2, 9, 3), np.array([13, 0, 5, 6, 7]), np.arange(14) % 2 == 0):
        np.testing.assert_array_equal(disk[index], memory[index])
    with pytest.raises(IndexError):
        disk[np.array([14])]


def test_folder_is_decoded_once_and_again_when_it_changes(folder, home):
    kgan.datasets.load(str(folder), stream=True)
    cached = sorted((home / "images").glob("*.npy"))
    stamp = cached[0].stat().st_mtime_ns
    kgan.datasets.load(str(folder), stream=True)
    assert sorted((home / "images").glob("*.npy")) == cached and cached[0].stat().st_mtime_ns == stamp
    Image.fromarray(np.zeros((12, 10, 3), np.uint8)).save(folder / "cat" / "0.png")
    os.utime(folder / "cat" / "0.png", ns=(1, 1))
    changed = kgan.datasets.load(str(folder), stream=True)
    assert len(list((home / "images").glob("*.npy"))) == 2 and changed[0].max() == -1.0
    assert not list((home / "images").glob(".tmp-*"))  # nothing half-written left behind


def test_uint8_npy_is_read_in_place(tmp_path):
    pixels = np.random.default_rng(1).integers(0, 256, (9, 8, 8), dtype=np.uint8)
    np.save(tmp_path / "d.npy", pixels)
    disk = kgan.datasets.load(str(tmp_path / "d.npy"), stream=True)
    assert isinstance(disk, DiskImages) and disk.path == tmp_path / "d.npy" and disk.shape == (9, 8, 8, 1)
    np.testing.assert_array_equal(disk[:], kgan.datasets.load(str(tmp_path / "d.npy")))


def test_batches_from_disk_equal_batches_from_memory(folder, home):
    memory, labels = kgan.datasets.load(str(folder), with_labels=True)
    disk = kgan.datasets.load(str(folder), stream=True)
    a = list(epoch_batches(memory, 4, seed=3, first_epoch=0, end_epoch=2, y=labels))
    b = list(epoch_batches(disk, 4, seed=3, first_epoch=0, end_epoch=2, y=labels))
    assert len(a) == len(b) == 8
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())


def test_a_run_trains_on_a_folder_from_disk(folder, home, tmp_path):
    gan = kgan.runs.train("cgan", dataset=str(folder), epochs=1, batch_size=7, out=tmp_path / "run", evaluate_every=0, verbose=0,
                          architecture_options={"width": 4, "latent_dim": 4}, image_options=kgan.datasets.ImageOptions(size=(8, 8)))  # fmt: skip
    assert gan.sample_shape == (8, 8, 3) and gan.num_classes == 2
    assert int(gan.completed_epochs) == 1
