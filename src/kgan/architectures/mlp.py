"""Multilayer perceptrons for low-dimensional data such as the ``ring8`` and ``grid25`` mixtures.

Shapes, for ``input_shape=(d,)``::

    G: z (latent_dim) -> [Dense(units) ReLU] x depth -> Dense(d) (linear output)
    D: x (d)          -> [Dense(units) LeakyReLU] x depth -> Dense(1) (raw logit)
"""

from __future__ import annotations

import keras
from keras import layers

from kgan.architectures._checks import own_recipe
from kgan.arguments import positive_int
from kgan.errors import ConfigurationError
from kgan.losses import BCE, R1Penalty
from kgan.models import GANModel

__all__ = ["mlp", "mlp_generator", "mlp_discriminator"]


def _dim(input_shape) -> int:
    shape = tuple(input_shape) if input_shape is not None else ()
    if len(shape) != 1:
        raise ConfigurationError(
            f"input_shape must be (features,) for the mlp architecture, received {input_shape!r}; "
            f"use dcgan for images."
        )
    return positive_int("input_shape[0]", shape[0])


def mlp_generator(input_shape=(2,), latent_dim: int = 16, units: int = 128, depth: int = 3) -> keras.Model:
    """``(batch, latent_dim) -> (batch, d)``, unbounded output."""
    z = keras.Input((positive_int("latent_dim", latent_dim),), name="z")
    x = z
    for _ in range(positive_int("depth", depth)):
        x = layers.Dense(positive_int("units", units), activation="relu")(x)
    return keras.Model(z, layers.Dense(_dim(input_shape), dtype="float32")(x), name="generator")


def mlp_discriminator(input_shape=(2,), units: int = 128, depth: int = 3) -> keras.Model:
    """``(batch, d) -> (batch, 1)`` raw logits."""
    x_in = keras.Input((_dim(input_shape),), name="x")
    x = x_in
    for _ in range(positive_int("depth", depth)):
        x = layers.Dense(positive_int("units", units))(x)
        x = layers.LeakyReLU(0.2)(x)
    return keras.Model(x_in, layers.Dense(1, dtype="float32")(x), name="discriminator")


RECIPE = {
    "loss": BCE(penalty=R1Penalty(gamma=1.0)),
    "learning_rate": 1e-3,
    "beta_1": 0.5,
    "batch_size": 256,
}
"""The mlp's default recipe: non-saturating BCE with R1 (gamma 1), Adam(1e-3, beta_1=0.5), batch 256.

With the generator weight average (``ema_momentum=0.999``) this is what covers all eight ``ring8``
modes; plain BCE at 2e-4 hops from mode to mode (measured in ``tests/test_learning.py``'s notes).
"""


def mlp(
    input_shape=(2,),
    latent_dim: int = 16,
    units: int = 128,
    depth: int = 3,
    seed: int | None = None,
    ema_momentum: float | None = 0.999,
    **kwargs,
) -> GANModel:
    """An uncompiled MLP [`GANModel`][kgan.GANModel] for vectors of shape ``input_shape = (d,)``.

    Its `recipe` makes ``compile()`` default to BCE with an R1 penalty
    (gamma 1) and ``Adam(1e-3, beta_1=0.5)``, and sampling uses the generator's weight average.

    Args:
        input_shape: ``(d,)``.
        latent_dim: Size of ``z``.
        units: Width of each hidden layer.
        depth: Hidden layers in each network.
        seed: Seed of the weights' initialisation and of the training noise.
        ema_momentum: Generator weight average momentum (``None`` for none).
        **kwargs: Passed to [`GANModel`][kgan.GANModel] (``recipe`` overrides the default recipe).
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return GANModel(
        generator=mlp_generator(input_shape, latent_dim, units, depth),
        discriminator=mlp_discriminator(input_shape, units, depth),
        seed=seed,
        ema_momentum=ema_momentum,
        **own_recipe(RECIPE, kwargs),
    )


mlp.test_options = {"input_shape": (2,), "latent_dim": 2, "units": 8, "depth": 1}
"""Small, fast options for [`kgan.testing.check_architecture()`][kgan.testing.check_architecture]."""
