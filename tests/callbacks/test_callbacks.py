"""Callbacks: fixed-latent grids, diagnostics CSV/plot/warnings, NaN stop, atomic checkpoints, TensorBoard."""

import csv
import warnings

import keras
import numpy as np
import pytest

import kgan
from kgan.callbacks import (
    AtomicCheckpoint,
    Diagnostics,
    FrechetEvaluation,
    SampleGrid,
    StopOnNaN,
    TrainingHealthWarning,
)
from kgan.callbacks.diagnostics import sample_diversity


@pytest.fixture
def gan8():
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0, fixed_latents=16)
    gan.compile()
    return gan


def test_fixed_latents_are_standard_normal_and_saved(gan8, tmp_path):
    z = keras.ops.convert_to_numpy(gan8.fixed_latents)
    assert z.shape == (16, 4)
    big = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=64, width=4, seed=0)
    zb = keras.ops.convert_to_numpy(big.fixed_latents)
    assert abs(zb.mean()) < 0.1 and 0.9 < zb.std() < 1.1
    gan8.save(tmp_path / "g.keras")
    again = keras.models.load_model(tmp_path / "g.keras")
    np.testing.assert_array_equal(z, keras.ops.convert_to_numpy(again.fixed_latents))


def test_sample_grid_every_epoch_uses_the_same_latents(gan8, tiny_images, tmp_path):
    z_before = keras.ops.convert_to_numpy(gan8.fixed_latents)
    gan8.fit(tiny_images, batch_size=16, epochs=3, verbose=0, callbacks=[SampleGrid(tmp_path / "s")])
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [f"epoch_{i:04d}.png" for i in range(4)]
    np.testing.assert_array_equal(z_before, keras.ops.convert_to_numpy(gan8.fixed_latents))


def test_sample_grid_every_steps_and_rgb(tmp_path):
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 3), latent_dim=4, width=4, seed=0, fixed_latents=4)
    gan.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 3)).astype("float32")
    gan.fit(x, batch_size=8, epochs=2, verbose=0, callbacks=[SampleGrid(tmp_path / "s", every_steps=3)])
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == ["step_000000.png", "step_000003.png", "step_000006.png"]
    from PIL import Image

    assert Image.open(tmp_path / "s" / names[1]).mode == "RGB"


def test_sample_grid_uses_the_ema_generator(tmp_path, tiny_images):
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0, ema_momentum=0.9, fixed_latents=4)
    gan.compile()
    gan.fit(tiny_images, batch_size=16, epochs=2, verbose=0)
    from kgan.callbacks.samples import fixed_samples

    expected = keras.ops.convert_to_numpy(gan.generator_ema(gan.fixed_latents, training=False))
    np.testing.assert_allclose(fixed_samples(gan), expected)
    live = keras.ops.convert_to_numpy(gan.generator(gan.fixed_latents, training=False))
    assert not np.allclose(fixed_samples(gan), live)


def test_diagnostics_writes_csv_and_plot(gan8, tiny_images, tmp_path):
    diag = Diagnostics(tmp_path)
    gan8.fit(tiny_images, batch_size=16, epochs=2, verbose=0, callbacks=[diag])
    rows = list(csv.DictReader(open(tmp_path / "metrics.csv")))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    for column in ("d_loss", "g_loss", "d_acc_real", "d_acc_fake", "d_grad_norm", "g_grad_norm", "loss_ratio", "diversity", "steps_per_second"):
        assert float(rows[-1][column]) == float(rows[-1][column])  # present and numeric
    assert (tmp_path / "training.png").stat().st_size > 10_000
    # A second fit continues the same file (resume) instead of duplicating rows.
    gan8.fit(tiny_images, batch_size=16, epochs=3, initial_epoch=2, verbose=0, callbacks=[Diagnostics(tmp_path)])
    rows = list(csv.DictReader(open(tmp_path / "metrics.csv")))
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]


def test_diversity_measure():
    rng = np.random.default_rng(0)
    assert sample_diversity(np.ones((10, 4))) == 0
    assert sample_diversity(rng.normal(size=(50, 100))) == pytest.approx(np.sqrt(200), rel=0.05)


def test_diagnostics_warns_when_d_wins_and_g_gradient_vanishes(tmp_path):
    diag = Diagnostics(tmp_path, plot=False)

    class Fake:
        g_optimizer = keras.optimizers.Adam()

        @staticmethod
        def sample_fixed(n=None):
            return keras.ops.convert_to_numpy(keras.random.normal((4, 3), seed=1))

    diag.set_model(Fake())
    diag.on_train_begin()
    diag.on_epoch_begin(0)
    diag.on_epoch_end(0, {"d_loss": 1.0, "g_loss": 1.0, "d_acc_real": 0.6, "d_acc_fake": 0.6, "g_grad_norm": 1.0})
    diag.on_epoch_begin(1)
    with pytest.warns(TrainingHealthWarning, match="D wins outright"):
        diag.on_epoch_end(1, {"d_loss": 0.01, "g_loss": 8.0, "d_acc_real": 1.0, "d_acc_fake": 1.0, "g_grad_norm": 1e-4})
    diag.on_epoch_begin(2)
    with pytest.warns(TrainingHealthWarning, match="exploded"):
        diag.on_epoch_end(2, {"d_loss": 0.01, "g_loss": 500.0, "d_acc_real": 0.5, "d_acc_fake": 0.5, "g_grad_norm": 1.0})
    assert "D wins outright" in list(csv.DictReader(open(tmp_path / "metrics.csv")))[1]["warnings"]


def test_diagnostics_judge_the_first_steps_and_name_the_learning_rates(tmp_path):
    diag = Diagnostics(tmp_path, plot=False, early_steps=(2,))

    class Fake:
        g_optimizer = keras.optimizers.Adam(2e-4)
        d_optimizer = keras.optimizers.Adam(0.05)

    diag.set_model(Fake())
    diag.on_train_begin()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diag.on_train_batch_end(0, {"d_acc_real": 1.0, "d_acc_fake": 1.0, "g_loss": 30.0})  # step 1: not judged
    with pytest.warns(TrainingHealthWarning, match=r"step 2: D separates.*G learning rate 0.0002, D learning rate 0.05"):
        diag.on_train_batch_end(1, {"d_acc_real": 1.0, "d_acc_fake": 0.995, "g_loss": 30.0})
    assert diag._judge_early(7, {"d_acc_real": 0.7, "d_acc_fake": 0.6, "g_loss": 14.0, "d_loss": 0.1})[0].startswith("g_loss 14")
    assert "NaN/Inf in d_loss" in diag._judge_early(8, {"d_loss": float("nan")})[0]
    assert diag._judge_early(9, {"d_acc_real": 0.8, "d_acc_fake": 0.7, "g_loss": 1.2, "d_loss": 1.1}) == []
    Fake.gan_loss = kgan.losses.WGANGP()  # a critic's values have no fixed scale: -14 is not a warning sign
    assert diag._judge_early(10, {"d_acc_real": 0.7, "d_acc_fake": 0.6, "g_loss": -14.0, "d_loss": -3.0}) == []


@pytest.mark.heavy  # about 11 s on 2 cores
def test_a_discriminator_learning_rate_that_breaks_training_is_reported_within_25_steps(tmp_path):
    # Measured on mnist-5k digits: D's Adam at 0.05 sends d_loss to ~10^4 within 10 steps (1e-3: ~1.2).
    digits = kgan.datasets.load("mnist-5k")[:512]
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.05, beta_1=0.5))
    diag = Diagnostics(tmp_path, plot=False, early_steps=(25,))
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        gan.fit(digits, batch_size=32, epochs=2, verbose=0, callbacks=[diag])
    assert any(w.startswith("step 25:") and "D learning rate 0.05" in w for w in diag.warnings), diag.warnings


def test_nan_stops_training_and_keeps_the_last_good_checkpoint(tiny_images, tmp_path):
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    path = tmp_path / "model.keras"
    gan.fit(tiny_images, batch_size=16, epochs=1, verbose=0, callbacks=[AtomicCheckpoint(path)])
    good = path.read_bytes()
    gan.compile(g_optimizer=keras.optimizers.SGD(1e30), d_optimizer=keras.optimizers.SGD(1e30))
    guard = StopOnNaN()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gan.fit(tiny_images, batch_size=16, epochs=5, verbose=0, callbacks=[guard, AtomicCheckpoint(path)])
    assert guard.message is not None and "step" in guard.message and "learning rate" in guard.message
    assert gan.stop_reason == guard.message
    assert path.read_bytes() == good
    again = keras.models.load_model(path)
    assert np.isfinite(again.generate(4, seed=0)).all()


def test_frechet_evaluation_logs_and_stops_at_target():
    x = kgan.datasets.load("mnist-5k")[:600]
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), latent_dim=8, width=4, seed=0)
    gan.compile()
    evaluation = FrechetEvaluation(x, n=100, target=1e9)
    history = gan.fit(x[:128], batch_size=64, epochs=3, verbose=0, callbacks=[evaluation])
    assert "frechet_distance" in history.history and "kid" in history.history and "classifier_score" in history.history
    assert evaluation.reached_at_epoch == 1 and len(history.history["g_loss"]) == 1


def test_tensorboard_works_and_gets_sample_images(gan8, tiny_images, tmp_path):
    import tensorflow as tf

    logdir = tmp_path / "tb"
    gan8.fit(
        tiny_images,
        batch_size=16,
        epochs=2,
        verbose=0,
        callbacks=[keras.callbacks.TensorBoard(logdir), SampleGrid(tmp_path / "s", tensorboard_dir=logdir / "samples")],
    )
    tags = set()
    for event_file in (logdir / "samples").glob("events*"):
        for event in tf.compat.v1.train.summary_iterator(str(event_file)):
            tags |= {v.tag for v in event.summary.value}
    assert "samples" in tags
    assert list((logdir / "train").glob("events*"))
