"""Built-in architectures: shapes for every allowed input, clear errors for the rest."""

import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3), (16, 24, 3), (8, 8, 1)])
def test_dcgan_shapes(shape):
    gan = kgan.architectures.get("dcgan")(input_shape=shape, latent_dim=7, width=4)
    assert gan.latent_dim == 7
    assert gan.generator.output_shape == (None, *shape)
    assert gan.discriminator.output_shape == (None, 1)
    assert gan.generate(2, seed=0).shape == (2, *shape)
    assert gan.data_range == (-1.0, 1.0)


def test_dcgan_width_scales_channels_and_spectral_norm_wraps_layers():
    narrow = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), width=4)
    wide = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), width=8)
    assert wide.count_params() > narrow.count_params()
    sn = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), width=4, spectral_norm=True)
    kinds = {type(layer).__name__ for layer in sn.discriminator.layers}
    assert "SpectralNormalization" in kinds and "BatchNormalization" not in kinds


@pytest.mark.parametrize(
    "shape,match",
    [((30, 28, 1), "divisible by 4"), ((28, 28, 2), "channels must be 1"), ((28, 28), "height, width, channels"), (None, "height, width")],
)
def test_dcgan_rejects_unusable_shapes(shape, match):
    with pytest.raises(ConfigurationError, match=match):
        kgan.architectures.get("dcgan")(input_shape=shape)


@pytest.mark.parametrize("side, levels", [(8, 2), (28, 2), (32, 2), (48, 3), (64, 3), (96, 4), (128, 4), (36, 2)])
def test_dcgan_adds_a_level_per_doubling_above_32_pixels(side, levels):
    from kgan.architectures.dcgan import default_levels

    assert default_levels((side, side)) == levels
    if side in (48, 64, 96):
        for name in ("dcgan", "cgan"):
            gan = kgan.architectures.get(name)(input_shape=(side, side, 3), width=4)
            assert gan.generator.output_shape == (None, side, side, 3)
            smallest = min(layer.output.shape[1] for layer in gan.generator.layers if len(layer.output.shape) == 4)
            assert smallest == side >> levels <= 8


def test_dcgan_levels_can_be_chosen_and_are_checked():
    gan = kgan.architectures.get("dcgan")(input_shape=(64, 64, 1), width=4, levels=2)  # two levels at 64x64, as before levels existed
    assert min(layer.output.shape[1] for layer in gan.discriminator.layers if len(layer.output.shape) == 4) == 16
    with pytest.raises(ConfigurationError, match="levels must be 2 or more"):
        kgan.architectures.get("dcgan")(input_shape=(64, 64, 1), levels=1)
    with pytest.raises(ConfigurationError, match="divisible by 32"):
        kgan.architectures.get("dcgan")(input_shape=(48, 48, 1), levels=5)


def test_mlp_shapes_and_errors():
    gan = kgan.architectures.get("mlp")(input_shape=(3,), latent_dim=5, units=16, depth=2)
    assert gan.generate(4, seed=0).shape == (4, 3)
    assert gan.data_range is None
    with pytest.raises(ConfigurationError, match=r"\(features,\)"):
        kgan.architectures.get("mlp")(input_shape=(28, 28, 1))
    with pytest.raises(ConfigurationError, match="units"):
        kgan.architectures.get("mlp")(input_shape=(2,), units=0)


def test_same_seed_same_initial_model():
    a = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), width=4, seed=5)
    b = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), width=4, seed=5)
    np.testing.assert_array_equal(a.generate(3, seed=0), b.generate(3, seed=0))


@pytest.mark.parametrize("name", ["dcgan", "cgan", "cogan", "cyclegan", "progan", "mlp"])
def test_a_partial_recipe_changes_only_what_it_names(name):
    build = kgan.architectures.get(name)
    own = build(**build.test_options).recipe
    gan = build(**build.test_options, recipe={"learning_rate": 5e-5})
    assert gan.recipe == {**own, "learning_rate": 5e-5}  # the architecture's loss, batch and beta_1 stay
    with pytest.raises(ConfigurationError, match="recipe must be a dict of compile defaults, received str"):
        build(**build.test_options, recipe="bce")
