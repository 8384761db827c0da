"""Differentiable augmentation: each transformation's geometry, gradients, and its use in GANModel."""

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError
from kgan.models.diffaugment import cutout, diff_augment, parse_policy, translation


def test_translation_moves_whole_images_by_at_most_an_eighth_and_fills_with_zero():
    x = np.full((64, 16, 16, 1), -1.0, "float32")
    x[:, 7, 7, 0] = 1.0  # one bright pixel per image
    y = keras.ops.convert_to_numpy(translation(x, keras.random.SeedGenerator(0)))
    for image in y[..., 0]:
        rows, cols = np.nonzero(image == 1.0)
        assert len(rows) == 1 and abs(rows[0] - 7) <= 2 and abs(cols[0] - 7) <= 2
        assert set(np.unique(image)) <= {-1.0, 0.0, 1.0}
    shifts = {tuple(np.argwhere(image == 1.0)[0]) for image in y[..., 0]}
    assert len(shifts) > 5  # shifts differ per image


@pytest.mark.parametrize("size", [8, 28])
def test_cutout_blanks_one_square_of_half_the_side(size):
    x = np.ones((32, size, size, 1), "float32")
    y = keras.ops.convert_to_numpy(cutout(x, keras.random.SeedGenerator(0)))[..., 0]
    side = size // 2
    for image in y:
        rows, cols = np.nonzero(image == -1.0)
        # a full square inside the image, or the part of it that the border leaves
        assert rows.max() - rows.min() + 1 <= side and cols.max() - cols.min() + 1 <= side
        assert len(rows) == (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
    assert np.mean([np.sum(image == -1.0) for image in y]) > 0.5 * side * side


def test_augmentation_is_differentiable_and_same_seed_same_result(tiny_gan):
    x = keras.ops.convert_to_tensor(np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32"))
    # d sum(augment(x)) / dx through the backend module's input gradients (any backend)
    grad = tiny_gan.input_gradients(lambda p: diff_augment(p, "translation,cutout,color", keras.random.SeedGenerator(3)), x)
    assert float(keras.ops.sum(keras.ops.abs(grad))) > 0
    y = diff_augment(x, "translation,cutout,color", keras.random.SeedGenerator(3))
    again = diff_augment(x, "translation,cutout,color", keras.random.SeedGenerator(3))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(y), keras.ops.convert_to_numpy(again))


def test_policy_parsing_and_errors():
    assert parse_policy("translation, cutout") == ("translation", "cutout")
    assert parse_policy(None) == () and parse_policy(["color"]) == ("color",)
    with pytest.raises(ConfigurationError, match="unknown transformation.*'flip'.*choose from"):
        parse_policy("translation,flip")
    with pytest.raises(ConfigurationError, match="comma-separated"):
        parse_policy(3)


def test_gan_model_augments_what_d_sees_in_training_only(tiny_gan, tiny_images, tmp_path):
    tiny_gan.compile(augment="translation,cutout")
    x = keras.ops.convert_to_tensor(tiny_images[:8])
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(tiny_gan.discriminate(x, training=False)),
        keras.ops.convert_to_numpy(tiny_gan.discriminator(x, training=False)),
    )
    assert not np.allclose(
        keras.ops.convert_to_numpy(tiny_gan.discriminate(x, training=True)),
        keras.ops.convert_to_numpy(tiny_gan.discriminator(x, training=True)),
    )
    tiny_gan.fit(tiny_images, batch_size=16, epochs=1, verbose=0)
    tiny_gan.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").augment == ("translation", "cutout")


def test_augment_comes_from_the_recipe_and_refuses_non_images():
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, recipe={"augment": "cutout"})
    gan.compile()
    assert gan.augment == ("cutout",)
    gan.compile(augment=None)
    assert gan.augment == ()
    mlp = kgan.architectures.get("mlp")(input_shape=(2,), latent_dim=2, units=8)
    with pytest.raises(ConfigurationError, match="transforms images.*Pass augment=None"):
        mlp.compile(augment="translation")
