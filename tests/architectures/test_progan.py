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
