"""CoGAN: pairs stacked along channels, shared layers really shared, two-domain checks."""

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import DataError
from kgan.models import CoGANModel


@pytest.fixture
def tiny_cogan():
    gan = kgan.architectures.get("cogan")(input_shape=(8, 8, 1), latent_dim=4, width=4, fixed_latents=16, seed=0)
    gan.compile()
    return gan


def test_generate_returns_a_pair_and_the_grid_alternates_domains(tiny_cogan):
    a, b = tiny_cogan.generate(5, seed=3)
    assert a.shape == b.shape == (5, 8, 8, 1)
    stacked = keras.ops.convert_to_numpy(tiny_cogan.sampling_generator(tiny_cogan.generation_latents(5, seed=3)))
    np.testing.assert_allclose(np.concatenate([a, b], -1), stacked, atol=1e-6)
    grid = tiny_cogan.sample_fixed()
    fa, fb = tiny_cogan._split(keras.ops.convert_to_numpy(tiny_cogan.sampling_generator(tiny_cogan.fixed_latents)))
    np.testing.assert_allclose(grid[:8], fa[:8], atol=1e-6)
    np.testing.assert_allclose(grid[8:16], fb[:8], atol=1e-6)
    np.testing.assert_allclose(grid[16:24], fa[8:16], atol=1e-6)


def test_shared_layers_are_one_set_of_weights(tiny_cogan):
    d = tiny_cogan.discriminator
    # two heads of their own, one shared tail: the tail's kernels appear once in the weights
    assert len({id(w) for w in d.weights}) == len(d.weights)
    heads = [layer for layer in d.layers if layer.name.startswith("head_")]
    assert len(heads) == 2
    g = tiny_cogan.generator
    assert [layer.name for layer in g.layers].count("image_a") == 1 and [layer.name for layer in g.layers].count("image_b") == 1


def test_fit_on_two_domains_and_checks(tiny_cogan, tmp_path):
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    logs = tiny_cogan.fit(a, -a[::-1], batch_size=8, epochs=1, verbose=0).history
    assert np.isfinite(logs["d_loss"][0]) and np.isfinite(logs["g_loss"][0])
    with pytest.raises(DataError, match="two unpaired image domains"):
        tiny_cogan.fit(a, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(DataError, match="domain-B"):
        tiny_cogan.fit(a, np.zeros((16, 8, 8, 2), "float32"), batch_size=8, epochs=1, verbose=0)
    tiny_cogan.save(tmp_path / "c.keras")
    again = keras.models.load_model(tmp_path / "c.keras")
    assert isinstance(again, CoGANModel)
    for x, y in zip(again.generate(4, seed=1), tiny_cogan.generate(4, seed=1)):
        np.testing.assert_array_equal(x, y)


def test_generator_width_defaults_to_one_and_a_half_times_the_discriminators():
    def channels(gan):
        return [layer.filters for layer in gan.generator.layers if isinstance(layer, keras.layers.Conv2D)]

    default = kgan.architectures.get("cogan")(input_shape=(8, 8, 1), latent_dim=4, width=8)
    assert channels(default) == [12, 6, 6, 1, 1]  # shared up-block g, each head g/2, then each head's image
    assert [layer.filters for layer in default.discriminator.layers if isinstance(layer, keras.layers.Conv2D)] == [8, 8, 16, 32]  # unchanged
    narrow = kgan.architectures.get("cogan")(input_shape=(8, 8, 1), latent_dim=4, width=8, g_width=4)
    assert channels(narrow) == [4, 2, 2, 1, 1]
