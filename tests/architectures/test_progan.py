"""ProGAN: the growth schedule step by step, fade-in gates, full-size outputs, resume of the schedule."""

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError
from kgan.models.progan import growth_resolutions, growth_schedule


@pytest.mark.parametrize(("size", "expected"), [(28, [7, 14, 28]), (32, [4, 8, 16, 32]), (8, [4, 8]), (64, [4, 8, 16, 32, 64]), (12, [6, 12])])
def test_growth_resolutions(size, expected):
    assert growth_resolutions(size) == expected


@pytest.mark.parametrize("size", [30, 36, 7, 5])
def test_sizes_the_schedule_cannot_reach_are_refused_with_the_fix(size):
    with pytest.raises(ConfigurationError, match="cannot be reached that way"):
        growth_resolutions(size)
    with pytest.raises(ConfigurationError):
        kgan.architectures.get("progan")(input_shape=(size, size, 1))


def test_schedule_step_by_step():
    phase = 10
    seen = np.arange(0, 60)
    stages, alphas = zip(*[(float(s), float(a)) for s, a in (growth_schedule(i, phase, 3) for i in seen)])
    stages, alphas = np.array(stages), np.array(alphas)
    np.testing.assert_array_equal(stages[:10], 0)
    np.testing.assert_array_equal(alphas[:10], 1)
    np.testing.assert_array_equal(stages[10:30], 1)
    np.testing.assert_allclose(alphas[10:20], np.arange(10) / 10, atol=1e-6)  # fade in linearly
    np.testing.assert_array_equal(alphas[20:30], 1)  # stable
    np.testing.assert_array_equal(stages[30:], 2)
    np.testing.assert_allclose(alphas[30:40], np.arange(10) / 10, atol=1e-6)
    np.testing.assert_array_equal(alphas[40:], 1)
    assert np.all(np.diff(stages) >= 0)


def test_gates_and_composition_follow_the_schedule():
    gan = kgan.architectures.get("progan")(input_shape=(16, 16, 1), latent_dim=4, width=2, phase_images=10, seed=0)
    gan.compile()
    assert gan.resolutions == [4, 8, 16]
    rgbs = [np.full((1, r, r, 1), value, "float32") for r, value in zip(gan.resolutions, (0.1, 0.2, 0.3))]
    expectations = {0: (1, 0, 0, 0, 0, 0.1), 15: (0.5, 1, 0, 0.5, 0, 0.15), 25: (0, 1, 0, 1, 0, 0.2), 35: (0, 0.5, 1, 1, 0.5, 0.25), 99: (0, 0, 1, 1, 1, 0.3)}
    for seen, (*gates, value) in expectations.items():
        gan.images_seen.assign(seen)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(gan.gates(2))[0], gates, atol=1e-6, err_msg=f"images_seen={seen}")
        composed = keras.ops.convert_to_numpy(gan.compose([keras.ops.convert_to_tensor(r) for r in rgbs]))
        assert composed.shape == (1, 16, 16, 1)
        np.testing.assert_allclose(composed, value, atol=1e-6, err_msg=f"images_seen={seen}")


def test_real_images_are_shown_at_the_stage_resolution():
    gan = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, phase_images=10, seed=0)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    blocky = keras.ops.convert_to_numpy(gan.fade_real(keras.ops.convert_to_tensor(x)))  # stage 0: 4x4 blocks
    np.testing.assert_allclose(blocky[:, ::2, ::2], x.reshape(2, 4, 2, 4, 2, 1).mean(axis=(2, 4)), atol=1e-6)
    gan.images_seen.assign(100)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gan.fade_real(keras.ops.convert_to_tensor(x))), x, atol=1e-6)


def test_fit_advances_the_counter_and_resume_continues_the_schedule(tmp_path):
    gan = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, phase_images=16, seed=0)
    gan.compile()
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    history = gan.fit(x, batch_size=8, epochs=2, verbose=0).history
    assert int(gan.images_seen) == 32 and history["stage"][-1] == 1.0
    gan.save(tmp_path / "p.keras")
    again = keras.models.load_model(tmp_path / "p.keras")
    assert int(again.images_seen) == 32 and again.resolution == 8
    assert again.generate(3, seed=0).shape == (3, 8, 8, 1)


def _fast(gan, stage, fn):
    """``fn()`` with the model's hooks in the growing path at ``stage`` (as while its step is traced)."""
    gan._growth.active = stage
    try:
        return fn()
    finally:
        gan._growth.active = None


def test_growing_computes_the_same_logits_and_fakes_as_the_whole_gated_networks():
    gan = kgan.architectures.get("progan")(input_shape=(16, 16, 1), latent_dim=4, width=2, phase_images=10, seed=0)
    gan.compile()
    assert gan.grows_fast
    x = keras.ops.convert_to_tensor(np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 1)).astype("float32"))
    z = keras.ops.convert_to_tensor(np.random.default_rng(1).normal(size=(4, 4)).astype("float32"))
    for seen, stage, side in ((0, 0, 4), (15, 1, 8), (25, 1, 8), (35, 2, 16), (99, 2, 16)):
        gan.images_seen.assign(seen)
        gated = keras.ops.convert_to_numpy(gan.discriminate(gan.unpack_batch(x)[0], training=False))
        real = _fast(gan, stage, lambda: gan.unpack_batch(x)[0])
        assert tuple(real.shape) == (4, side, side, 1), f"images_seen={seen}"
        fast = keras.ops.convert_to_numpy(_fast(gan, stage, lambda r=real: gan.discriminate(r, training=False)))
        np.testing.assert_allclose(fast, gated, atol=1e-5, err_msg=f"images_seen={seen}")
        # the full-size fake is the stage's fake upsampled
        full = keras.ops.convert_to_numpy(gan.compose(gan.generator(z)))
        small = _fast(gan, stage, lambda: gan._stage_generator(stage)(z))
        small = small if isinstance(small, (list, tuple)) else [small]
        _, alpha = (float(v) for v in gan.schedule())
        expected = keras.ops.convert_to_numpy(small[-1]) * (alpha if stage else 1.0)
        if stage:
            expected = expected + (1 - alpha) * keras.ops.convert_to_numpy(small[0]).repeat(2, 1).repeat(2, 2)
        np.testing.assert_allclose(full, expected.repeat(16 // side, 1).repeat(16 // side, 2), atol=1e-5)


@pytest.mark.heavy  # about 8 s on 2 cores
def test_fit_trains_the_same_networks_growing_or_gated():
    """Without a gradient penalty (the one difference: its input's resolution) both paths train alike."""
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    weights = []
    for fast in (True, False):
        gan = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, phase_images=24, grow_fast=fast, seed=0)
        gan.compile(loss="bce")
        history = gan.fit(x, batch_size=8, epochs=4, shuffle=False, verbose=0).history
        assert history["stage"] == [0.0, 1.0, 1.0, 1.0] and gan.grows_fast is fast
        weights.append([keras.ops.convert_to_numpy(w) for w in gan.generator.weights + gan.discriminator.weights])
    for a, b in zip(*weights, strict=True):
        np.testing.assert_allclose(a, b, atol=2e-4)


def test_a_discriminator_without_named_parts_trains_on_the_gated_path():
    gan = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, phase_images=16, seed=0)
    x_in, gates = gan.discriminator.inputs
    pooled = keras.layers.AveragePooling2D(2)(x_in)  # one flat network taking the same inputs
    hidden = keras.layers.Concatenate()([keras.layers.Flatten()(pooled), gates])
    plain = keras.Model([x_in, gates], keras.layers.Dense(1)(hidden))
    other = kgan.models.ProGANModel(gan.generator, plain, phase_images=16, seed=0)
    other.compile()
    assert not other.grows_fast
    history = other.fit(np.zeros((16, 8, 8, 1), "float32"), batch_size=8, epochs=2, verbose=0).history
    assert history["stage"][-1] == 1.0


def test_grow_fast_is_checked_and_saved(tmp_path):
    with pytest.raises(ConfigurationError, match="grow_fast must be True or False, received 'yes'"):
        kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, grow_fast="yes")
    gan = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, grow_fast=False, seed=0)
    gan.save(tmp_path / "p.keras")
    assert keras.models.load_model(tmp_path / "p.keras").grow_fast is False


def test_g_width_sets_the_generators_channels_only():
    def convs(model):
        return [layer.filters for layer in model.layers if isinstance(layer, kgan.layers.EqualizedConv2D)]

    same = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, phase_images=8)
    wider = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=2, phase_images=8, g_width=3)
    assert convs(same.generator) == [4, 2, 2, 1, 1]  # the 4x4 conv, the two 8x8 convs, then the two to-rgb convs
    assert convs(wider.generator) == [6, 3, 3, 1, 1]
    assert [w.shape for w in wider.discriminator.weights] == [w.shape for w in same.discriminator.weights]
