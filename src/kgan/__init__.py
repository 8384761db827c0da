"""kgan: generative adversarial networks as ordinary Keras 3 models.

>>> import kgan
>>> gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), latent_dim=64)
>>> gan.compile()                       # the default recipe
>>> gan.fit(kgan.datasets.load("mnist-5k"), batch_size=128, epochs=5)

Submodules are imported on first access, so ``import kgan`` (and the ``kgan`` command) stays cheap
until Keras is actually needed.
"""

import importlib
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("kgan")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "GANModel",
    "KganError",
    "architectures",
    "datasets",
    "errors",
    "losses",
    "metrics",
    "runs",
    "train",
    "__version__",
]

_SUBMODULES = {"architectures", "datasets", "errors", "losses", "metrics", "models", "registry", "runs"}
_ATTRIBUTES = {"GANModel": ("kgan.models", "GANModel"), "KganError": ("kgan.errors", "KganError"), "train": ("kgan.runs", "train")}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"kgan.{name}")
    if name in _ATTRIBUTES:
        module, attr = _ATTRIBUTES[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'kgan' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
