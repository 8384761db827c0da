"""Datasets load offline, in the documented shapes and ranges."""

import numpy as np
import pytest
from PIL import Image

import kgan
from kgan.errors import DataError, UnknownNameError


def test_mnist5k_is_embedded_balanced_and_scaled():
    x, y = kgan.datasets.load("mnist-5k", with_labels=True)
    assert x.shape == (5000, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10


@pytest.mark.parametrize("name,k,std", [("ring8", 8, 0.02), ("grid25", 25, 0.05)])
def test_mixtures(name, k, std):
    x, y = kgan.datasets.load(name, with_labels=True, n=4000, seed=1)
    mix = kgan.datasets.mixture(name)
    assert x.shape == (4000, 2) and x.dtype == np.float32 and len(mix.centers) == k
    dist = np.linalg.norm(x - mix.centers[y], axis=1)
    assert abs(dist.std() - std * np.sqrt(2 - np.pi / 2)) < 0.2 * std  # Rayleigh spread of 2-D noise
    cov = kgan.metrics.mode_coverage(x, mix.centers, mix.std)
    assert cov.modes_covered == k and cov.high_quality > 0.98  # real data passes the test it sets
    np.testing.assert_array_equal(x, kgan.datasets.load(name, n=4000, seed=1))


def test_npz_file(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, images=np.full((3, 8, 8), 255, np.uint8), labels=np.array([0, 1, 1]))
    x, y = kgan.datasets.load(str(path), with_labels=True)
    assert x.shape == (3, 8, 8, 1) and x.max() == 1.0 and y.tolist() == [0, 1, 1]


def test_image_folder_with_class_subfolders(tmp_path):
    for cls in ("a", "b"):
        (tmp_path / cls).mkdir()
        for i in range(2):
            Image.fromarray(np.full((8, 8, 3), 40 * i, np.uint8)).save(tmp_path / cls / f"{i}.png")
    x, y = kgan.datasets.load(str(tmp_path), with_labels=True)
    assert x.shape == (4, 8, 8, 3) and y.tolist() == [0, 0, 1, 1]
    assert x.min() == -1.0


def test_image_folder_of_mixed_sizes_is_refused(tmp_path):
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "a.png")
    Image.fromarray(np.zeros((9, 8), np.uint8)).save(tmp_path / "b.png")
    with pytest.raises(DataError, match="differ in size"):
        kgan.datasets.load(str(tmp_path))


def test_unknown_name_and_missing_labels():
    with pytest.raises(UnknownNameError, match="mnist-5k"):
        kgan.datasets.load("mnist5k")
    with pytest.raises(DataError, match="does not exist"):
        kgan.datasets.load("no/such/dir")


def test_full_mnist_offline_names_the_file_to_place(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    import keras

    def offline():
        raise OSError("network unreachable")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(DataError, match=r"mnist\.npz.*mnist-5k") as info:
        kgan.datasets.load("mnist")
    assert str(tmp_path / "datasets" / "mnist.npz") in str(info.value)


def test_full_mnist_from_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    np.savez(tmp_path / "datasets" / "mnist.npz", x_train=np.zeros((6, 28, 28), np.uint8), y_train=np.arange(6))
    x = kgan.datasets.load("mnist")
    assert x.shape == (6, 28, 28, 1) and x.max() == -1.0


def test_epoch_batches_depend_only_on_seed_and_epoch():
    from kgan.datasets.batches import epoch_batches

    x = np.arange(10, dtype="float32")[:, None]
    whole = [b.numpy() for b in epoch_batches(x, 4, seed=3, first_epoch=0, end_epoch=3)]
    assert [len(b) for b in whole] == [4, 4, 2] * 3
    epochs = [np.concatenate(whole[3 * e : 3 * e + 3])[:, 0] for e in range(3)]
    assert all(sorted(e.tolist()) == list(range(10)) for e in epochs)
    assert not np.array_equal(epochs[0], epochs[1])
    resumed = [b.numpy() for b in epoch_batches(x, 4, seed=3, first_epoch=1, end_epoch=3)]
    np.testing.assert_array_equal(np.concatenate(resumed)[:, 0], np.concatenate(epochs[1:]))


def test_epoch_batches_are_each_epochs_permutation_in_order():
    from kgan.datasets.batches import epoch_batches, epoch_permutation

    x = np.arange(10, dtype="float32")[:, None]
    y = np.arange(10, dtype="int32") * 7
    rows = [(a.numpy()[:, 0], b.numpy()) for a, b in epoch_batches(x, 4, seed=5, first_epoch=2, end_epoch=4, y=y)]
    order = np.concatenate([r for r, _ in rows]).astype(int)
    np.testing.assert_array_equal(order, np.concatenate([epoch_permutation(10, 5, 2), epoch_permutation(10, 5, 3)]))
    np.testing.assert_array_equal(np.concatenate([t for _, t in rows]), order * 7)  # labels stay with their rows


def test_epoch_batches_stream_does_not_grow_with_the_number_of_epochs():
    """A run of a billion epochs starts as fast as a run of one: each epoch's order is made when read."""
    import resource
    import time

    from kgan.datasets.batches import epoch_batches, epoch_permutation

    x = np.zeros((5000, 1), "float32") + np.arange(5000, dtype="float32")[:, None]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    stream = iter(epoch_batches(x, 32, seed=0, first_epoch=999_999, end_epoch=10**9))
    first = next(stream).numpy()[:, 0]
    elapsed = time.perf_counter() - started
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    # the materialised orders of 10**9 epochs of 5,000 rows would be 40 TB; one epoch is 40 kB
    assert elapsed < 10, f"first batch after {elapsed:.1f} s"
    assert grown_mib < 200, f"peak memory grew by {grown_mib:.0f} MiB"
    np.testing.assert_array_equal(first, epoch_permutation(5000, 0, 999_999)[:32])
