"""Gradient penalties: per-sample maths against numpy, and end to end through the model's backend."""

import keras
import numpy as np
import pytest

import kgan
from kgan import losses

rng = np.random.default_rng(1)


def np_norms(g):
    return np.sqrt((g.reshape(len(g), -1).astype(np.float64) ** 2).sum(axis=1))


def test_per_sample_norm_is_not_a_batch_norm():
    g = rng.normal(size=(5, 3, 3, 2)).astype("float32")
    np.testing.assert_allclose(np.asarray(losses.per_sample_gradient_norm(g)), np_norms(g), rtol=1e-5)


def test_wgan_penalty_matches_reference():
    g = rng.normal(size=(8, 4, 4, 1)).astype("float32")
    ref = np.mean((np_norms(g) - 1) ** 2)
    np.testing.assert_allclose(float(losses.wgan_gradient_penalty(g)), ref, rtol=1e-5)
    np.testing.assert_allclose(float(losses.WGANGradientPenalty(weight=10)(g)), 10 * ref, rtol=1e-5)
    # A single norm over the whole batch would give a different number.
    assert abs((np.sqrt((g.astype(np.float64) ** 2).sum()) - 1) ** 2 - ref) > 1e-3


def test_r1_penalty_matches_reference():
    g = rng.normal(size=(8, 6)).astype("float32")
    ref = np.mean(np_norms(g) ** 2)
    np.testing.assert_allclose(float(losses.r1_penalty(g)), ref, rtol=1e-5)
    np.testing.assert_allclose(float(losses.R1Penalty(gamma=4)(g)), 2 * ref, rtol=1e-5)


def test_wgan_interpolates_one_uniform_weight_per_sample():
    real = np.ones((256, 4, 4, 1), dtype="float32")
    fake = -np.ones((256, 4, 4, 1), dtype="float32")
    points = np.asarray(losses.WGANGradientPenalty().points(real, fake, seed=keras.random.SeedGenerator(3)))
    eps = (points + 1) / 2  # x_hat = eps*1 + (1-eps)*(-1)
    per_sample = eps.reshape(256, -1)
    np.testing.assert_allclose(per_sample, per_sample[:, :1].repeat(16, axis=1), atol=1e-6)
    e = per_sample[:, 0]
    assert e.min() >= 0 and e.max() <= 1
    assert 0.4 < e.mean() < 0.6 and e.std() > 0.25  # uniform on [0, 1]: mean 0.5, std 0.289


class Quadratic(keras.Model):
    """D(x) = sum(x^2) per sample, so dD/dx = 2x and the per-sample norm is 2 ||x_i||."""

    def call(self, x, training=False):
        return keras.ops.sum(keras.ops.reshape(x * x, (keras.ops.shape(x)[0], -1)), axis=1, keepdims=True)


def _model_with(loss):
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(6)])
    gan = kgan.GANModel(generator=g, discriminator=Quadratic(), latent_dim=2)
    gan.compile(loss=loss)
    return gan


def test_r1_through_backend_input_gradients():
    gan = _model_with(losses.BCE(penalty=losses.R1Penalty(gamma=2.0)))
    real = rng.normal(size=(7, 6)).astype("float32")
    value = float(gan.compute_penalty(real, real * 0, training=False))
    ref = 0.5 * 2.0 * np.mean((2 * np_norms(real)) ** 2)
    np.testing.assert_allclose(value, ref, rtol=1e-4)


def test_wgan_gp_through_backend_uses_per_sample_norms():
    gan = _model_with("wgan-gp")
    real = rng.normal(size=(7, 6)).astype("float32")
    # With real == fake every interpolate equals real, whatever eps is.
    value = float(gan.compute_penalty(real, real, training=False))
    ref = 10.0 * np.mean((2 * np_norms(real) - 1) ** 2)
    np.testing.assert_allclose(value, ref, rtol=1e-4)


@pytest.mark.parametrize("jit", [False, True])
def test_lazy_r1_applies_every_k_steps_scaled_by_k(jit):
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("mlp")(input_shape=(2,), latent_dim=2, units=8, depth=1)
    if jit and keras.backend.backend() == "torch":
        with pytest.raises(kgan.errors.ConfigurationError, match="torch.compile.*double backward.*JAX"):
            gan.compile(loss=losses.BCE(penalty=losses.R1Penalty(gamma=1.0, every=3)), jit_compile=True)
        return
    gan.compile(loss=losses.BCE(penalty=losses.R1Penalty(gamma=1.0, every=3)), jit_compile=jit)
    x = rng.normal(size=(32, 2)).astype("float32")
    seen = []
    for _ in range(6):
        logs = gan.train_on_batch(x, return_dict=True)
        seen.append(logs["penalty"])
    # train_on_batch reports running means that reset each call: steps 0 and 3 carry the penalty.
    assert seen[0] > 0 and seen[3] > 0
    assert seen[1] == seen[2] == seen[4] == seen[5] == 0


def ramp(start=1.0, steps=10, end=10.0):
    return keras.optimizers.schedules.PolynomialDecay(start, steps, end_learning_rate=end)


def test_a_scheduled_weight_is_the_schedule_at_the_given_step():
    g = rng.normal(size=(8, 6)).astype("float32")
    ref = np.mean(np_norms(g) ** 2)
    r1 = losses.R1Penalty(gamma=ramp())  # 1 -> 10 linearly over 10 steps, then 10
    assert r1.scheduled and not losses.R1Penalty(gamma=3).scheduled
    for step, gamma in ((0, 1.0), (5, 5.5), (10, 10.0), (50, 10.0)):
        np.testing.assert_allclose(float(r1(g, step=step)), 0.5 * gamma * ref, rtol=1e-5)
    gp = losses.WGANGradientPenalty(weight=ramp(0.0, 4, 8.0))
    np.testing.assert_allclose(float(gp(g, step=2)), 4.0 * np.mean((np_norms(g) - 1) ** 2), rtol=1e-5)
    with pytest.raises(ValueError, match="scheduled weight.*pass the discriminator's step"):
        r1(g)


def test_a_scheduled_weight_survives_serialization_as_json():
    import json

    for loss in (losses.BCER1(gamma=ramp(), every=2), losses.BCE(penalty=losses.R1Penalty(gamma=ramp())), losses.WGANGP(gp_weight=ramp())):
        config = json.loads(json.dumps(keras.saving.serialize_keras_object(loss)))
        again = keras.saving.deserialize_keras_object(config)
        assert again.penalty.scheduled and isinstance(again.penalty.weight, keras.optimizers.schedules.PolynomialDecay)
        assert float(again.penalty.weight_at(5)) == pytest.approx(5.5)
    # the form a recipe or the command line gives: the schedule's config inside the loss's
    named = losses.get({"class_name": "BCER1", "registered_name": "kgan>BCER1", "config": {"gamma": keras.optimizers.schedules.serialize(ramp())}})
    assert float(named.penalty.weight_at(10)) == pytest.approx(10.0)


@pytest.mark.parametrize("weight", ["10", -1.0, True, {"class_name": "NoSuchSchedule", "config": {}}])
def test_a_weight_that_is_neither_a_number_nor_a_schedule_is_refused(weight):
    with pytest.raises(ValueError, match="gamma must be a number >= 0 or a keras.optimizers.schedules.LearningRateSchedule"):
        losses.R1Penalty(gamma=weight)


@pytest.mark.parametrize("jit", [False, True])
def test_the_model_gives_a_scheduled_penalty_the_discriminators_step(jit):
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("mlp")(input_shape=(2,), latent_dim=2, units=8, depth=1)
    if jit and keras.backend.backend() == "torch":
        pytest.skip("torch.compile cannot take a gradient penalty's double backward (tested above)")
    off_then_on = keras.optimizers.schedules.PiecewiseConstantDecay([0], [0.0, 1.0])  # gamma 0 at step 0, 1 after
    gan.compile(loss=losses.BCE(penalty=losses.R1Penalty(gamma=off_then_on)), jit_compile=jit)
    x = rng.normal(size=(32, 2)).astype("float32")
    seen = [gan.train_on_batch(x, return_dict=True)["penalty"] for _ in range(3)]
    assert seen[0] == 0 and seen[1] > 0 and seen[2] > 0
