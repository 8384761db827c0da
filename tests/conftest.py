import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

# The core suite runs on every Keras backend (KERAS_BACKEND=jax / torch pytest); the rest of the suite
# (CLI, runs, callbacks, metrics, augmentation, resume) is backend-independent code above the model
# and runs on TensorFlow, kgan's default backend.
CORE = ("tests/models/", "tests/losses/", "tests/architectures/", "tests/backends/", "tests/test_conformance.py", "tests/test_learning.py", "tests/metrics/test_inception.py", "tests/augment/test_rejecting.py", "tests/test_precision.py")


def pytest_collection_modifyitems(config, items):
    backend = keras.backend.backend()
    root = str(config.rootpath)
    for item in items:
        path = str(item.path)[len(root) + 1 :] if str(item.path).startswith(root) else str(item.path)
        if path.startswith(CORE):
            item.add_marker(pytest.mark.core)
        elif backend != "tensorflow":
            item.add_marker(pytest.mark.skip(reason=f"TensorFlow suite; on {backend!r} the core suite runs (tests/conftest.py CORE)"))
    # The long tests first (slow, then heavy): pytest-xdist gives each worker a run of this order and
    # an idle worker steals from the end of the other's (--dist worksteal), so what is left to steal
    # at the end is short and the two workers finish together (the sort is stable, and every worker
    # collects the same order).
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None, item.get_closest_marker("heavy") is None))


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


@pytest.fixture
def tiny_cgan():
    """A small conditional GAN (3 classes) for 8x8x1 images, compiled with the default recipe."""
    import kgan

    gan = kgan.architectures.get("cgan")(input_shape=(8, 8, 1), num_classes=3, latent_dim=4, width=4, seed=0)
    gan.compile()
    return gan
