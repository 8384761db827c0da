import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def tiny_images():
    """64 random 8x8x1 images in [-1, 1]."""
    return np.random.default_rng(0).uniform(-1, 1, size=(64, 8, 8, 1)).astype("float32")


@pytest.fixture
def tiny_gan():
    """A small dcgan for 8x8x1 images, compiled with the default recipe."""
    import kgan

    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    return gan
