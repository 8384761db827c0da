"""Conditional GAN: labels reach both networks, one grid row per class, label checks before training."""

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError, DataError
from kgan.models import ConditionalGANModel


def tiny_labelled(n=24):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (n, 8, 8, 1)).astype("float32"), np.arange(n) % 3


@pytest.mark.parametrize("projection", [False, True])
def test_conformance_with_both_discriminators(projection):
    gan = kgan.testing.check_architecture("cgan", input_shape=(8, 8, 1), num_classes=3, latent_dim=4, width=4, projection=projection)
    assert isinstance(gan, ConditionalGANModel) and gan.num_classes == 3


def test_label_changes_the_sample_and_the_judgement(tiny_cgan):
    a = tiny_cgan.generate(4, labels=0, seed=1)
    b = tiny_cgan.generate(4, labels=2, seed=1)
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, tiny_cgan.generate(4, labels=[0, 0, 0, 0], seed=1))
    x = keras.ops.convert_to_tensor(a)
    d0 = keras.ops.convert_to_numpy(tiny_cgan.discriminate(x, np.zeros(4, "int32"), training=False))
    d2 = keras.ops.convert_to_numpy(tiny_cgan.discriminate(x, np.full(4, 2, "int32"), training=False))
    assert not np.allclose(d0, d2)


def test_fixed_samples_put_one_class_per_row(tiny_cgan):
    assert tiny_cgan.grid_columns == 10 and tiny_cgan.fixed_labels.tolist() == [0] * 10 + [1] * 10 + [2] * 10
    rows = tiny_cgan.sample_fixed().reshape(3, 10, 8, 8, 1)
    z = tiny_cgan.fixed_latents[:10]
    for k in range(3):
        y = tiny_cgan.one_hot(np.full(10, k))
        expected = keras.ops.convert_to_numpy(tiny_cgan.sampling_generator([z if k == 0 else tiny_cgan.fixed_latents[10 * k : 10 * k + 10], y], training=False))
        np.testing.assert_allclose(rows[k], expected, atol=1e-6)


def test_fit_with_arrays_and_labelled_dataset_and_save_round_trip(tiny_cgan, tmp_path):
    x, y = tiny_labelled()
    tiny_cgan.fit(x, y, batch_size=8, epochs=1, verbose=0)
    from kgan.datasets.batches import epoch_batches

    batches = epoch_batches(x, 8, 0, 0, 1, y=y.astype("int32"))
    history = tiny_cgan.fit(batches, epochs=1, steps_per_epoch=3, verbose=0).history
    assert np.isfinite(history["d_loss"][0])
    tiny_cgan.save(tmp_path / "c.keras")
    again = keras.models.load_model(tmp_path / "c.keras")
    assert isinstance(again, ConditionalGANModel) and again.num_classes == 3
    np.testing.assert_array_equal(again.generate(6, labels=[0, 1, 2, 0, 1, 2], seed=3), tiny_cgan.generate(6, labels=[0, 1, 2, 0, 1, 2], seed=3))


@pytest.mark.parametrize(("labels", "match"), [
    (None, "trains on images and their labels"),
    (np.arange(24) % 4, r"must lie in \[0, 2\].*from 0 to 3"),
    (np.eye(3)[np.arange(24) % 3], "pass class indices, not one-hot"),
    (np.arange(24) * 0.5, "must be integers"),
])
def test_bad_labels_are_refused_before_training(tiny_cgan, labels, match):
    x, _ = tiny_labelled()
    before = [keras.ops.convert_to_numpy(w).copy() for w in tiny_cgan.weights]
    with pytest.raises(DataError, match=match):
        tiny_cgan.fit(x, labels, batch_size=8, epochs=1, verbose=0)
    for a, b in zip(before, tiny_cgan.weights):
        np.testing.assert_array_equal(a, keras.ops.convert_to_numpy(b))


def test_generate_checks_labels_and_construction_checks(tiny_cgan):
    with pytest.raises(ConfigurationError, match=r"labels must lie in \[0, 2\]"):
        tiny_cgan.generate(2, labels=5)
    with pytest.raises(ConfigurationError, match="one integer or 3 integers"):
        tiny_cgan.generate(3, labels=[0, 1])
    build = kgan.architectures.get("cgan")
    with pytest.raises(ConfigurationError, match="num_classes must be an integer >= 2"):
        build(input_shape=(8, 8, 1), num_classes=1)
    with pytest.raises(ConfigurationError, match="multiple of num_classes=3"):
        build(input_shape=(8, 8, 1), num_classes=3, latent_dim=4, width=4, fixed_latents=10)
    with pytest.raises(ConfigurationError, match="replay_size is not available"):
        build(input_shape=(8, 8, 1), num_classes=3, latent_dim=4, width=4, replay_size=8)


def test_kgan_train_reads_labels_and_refuses_unlabelled_data(tmp_path):
    from tests.cli_helpers import run_cli

    data = tmp_path / "unlabelled.npz"
    np.savez(data, x=np.zeros((16, 8, 8, 1), "uint8"))
    code, _, err = run_cli(["train", "cgan", "--dataset", str(data), "--epochs", "1", "--out", str(tmp_path / "r")])
    assert code == 2 and "trains on labelled data" in err
    assert not (tmp_path / "r").exists()
