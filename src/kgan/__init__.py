"""kgan: generative adversarial networks as ordinary Keras 3 models.

>>> import kgan
>>> gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), latent_dim=64)
>>> gan.compile()                       # the architecture's recipe
>>> gan.fit(kgan.datasets.load("mnist-5k"), batch_size=128, epochs=5)

Importing kgan registers its classes with Keras' serialization, so ``keras.models.load_model``
can rebuild a saved GANModel after a plain ``import kgan``.
"""

from kgan import (
    architectures,
    augment,
    callbacks,
    datasets,
    distribute,
    errors,
    layers,
    losses,
    metrics,
    models,
    precision,
    registry,
    report,
    runs,
    testing,
    visual,
)
from kgan.errors import KganError
from kgan.models import GANModel
from kgan.runs import train
from kgan.version import __version__

__all__ = [
    "GANModel",
    "KganError",
    "architectures",
    "augment",
    "callbacks",
    "datasets",
    "distribute",
    "errors",
    "layers",
    "losses",
    "metrics",
    "models",
    "precision",
    "registry",
    "report",
    "runs",
    "testing",
    "train",
    "visual",
    "__version__",
]
