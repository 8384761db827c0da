"""DCGAN (Radford et al., 2016) for images whose height and width are divisible by 4.

The generator upsamples by nearest neighbour and a 3x3 convolution rather than a transposed
convolution (no checkerboard artefacts, Odena et al., 2016), and halves its channels at each
doubling of resolution, so most of its width sits where the feature maps are small.

Shapes, for ``input_shape=(H, W, C)`` and ``width=w``::

    G: z (latent_dim) -> Dense -> (H/4, W/4, 2w) -> up -> (H/2, W/2, w) -> up -> (H, W, w/2) -> (H, W, C) tanh
    D: (H, W, C) -> conv s2 -> (H/2, W/2, w) -> conv s2 -> (H/4, W/4, 2w) -> Dense -> 1 (raw logit)
"""

from __future__ import annotations

import keras
from keras import layers

from kgan.architectures._checks import image_shape
from kgan.arguments import positive_int
from kgan.errors import ConfigurationError
from kgan.models import GANModel

__all__ = ["dcgan", "dcgan_generator", "dcgan_discriminator"]

BN_MOMENTUM = 0.9
"""Batch-norm statistics follow the generator within ~20 steps (Keras' 0.99 takes ~200): samples are
drawn in inference mode, and with 0.99 the early epochs' grids show the stale initial statistics
(nearly uniform images) rather than what G has learned."""


def generator_body(x, input_shape, width: int):
    """The generator's layers from a latent (or latent-and-label) tensor to ``(batch, H, W, C)`` images."""
    h, w, c = image_shape(input_shape, 4)
    width = positive_int("width", width)
    x = layers.Dense((h // 4) * (w // 4) * 2 * width, use_bias=False)(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((h // 4, w // 4, 2 * width))(x)
    for channels in (width, max(width // 2, 1)):
        x = layers.UpSampling2D(2, interpolation="nearest")(x)
        x = layers.Conv2D(channels, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
        x = layers.ReLU()(x)
    return layers.Conv2D(c, 3, padding="same", activation="tanh", dtype="float32")(x)


def dcgan_generator(input_shape, latent_dim: int = 128, width: int = 32) -> keras.Model:
    """The DCGAN generator: ``(batch, latent_dim) -> (batch, H, W, C)`` in ``[-1, 1]``."""
    z = keras.Input((positive_int("latent_dim", latent_dim),), name="z")
    return keras.Model(z, generator_body(z, input_shape, width), name="generator")


def spectral(enabled: bool):
    """``layer -> SpectralNormalization(layer)`` when enabled, else the identity."""
    return (lambda layer: layers.SpectralNormalization(layer)) if enabled else (lambda layer: layer)


def discriminator_features(x, width: int, spectral_norm: bool = False, depth: int = 3):
    """D's convolutional trunk, flattened: ``(batch, H, W, C') -> (batch, H/4 * W/4 * channels)``.

    Two 4x4 stride-2 convolutions (``width``, ``2*width`` channels) and, with ``depth=3``, a 3x3
    convolution to ``4*width`` channels at ``H/4``; LeakyReLU(0.2) after each, no batch norm.
    """
    width = positive_int("width", width)
    if depth not in (2, 3):
        raise ConfigurationError(f"depth must be 2 or 3 (convolutions in the discriminator), received {depth!r}")
    wrap = spectral(spectral_norm)
    plan = [(width, 4, 2), (2 * width, 4, 2), (4 * width, 3, 1)][:depth]
    for channels, kernel, stride in plan:
        x = wrap(layers.Conv2D(channels, kernel, strides=stride, padding="same"))(x)
        x = layers.LeakyReLU(0.2)(x)
    return layers.Flatten()(x)


def dcgan_discriminator(input_shape, width: int = 32, spectral_norm: bool = False, depth: int = 3) -> keras.Model:
    """The DCGAN discriminator: ``(batch, H, W, C) -> (batch, 1)`` raw logits, no batch norm.

    Without batch norm it suits every loss, WGAN-GP included (whose per-sample penalty batch norm
    would break). ``spectral_norm=True`` wraps each layer in ``keras.layers.SpectralNormalization``.
    ``depth`` 3 (default) adds a third convolution at a quarter resolution ([`discriminator_features()`][kgan.architectures.dcgan.discriminator_features]).
    """
    h, w, c = image_shape(input_shape, 4)
    x_in = keras.Input((h, w, c), name="x")
    features = discriminator_features(x_in, width, spectral_norm, depth)
    out = spectral(spectral_norm)(layers.Dense(1, dtype="float32"))(features)
    return keras.Model(x_in, out, name="discriminator")


RECIPE = {"loss": "bce-r1", "learning_rate": 1e-3, "beta_1": 0.5, "batch_size": 32, "augment": None}
"""dcgan's default recipe: BCE with a lazy R1 penalty on real digits (``gamma=10``, every 4th
discriminator step), Adam(1e-3, beta_1=0.5) for both networks, batch 32, with the generator's weight
average (``ema_momentum=0.999``), a three-convolution discriminator and a generator 1.5x its width.
On mnist-5k (seed 0, `kgan train dcgan --epochs 5`) its Frechet distance is 22.1 after epoch 5
(kgan's MNIST features, 2,000 samples), and it kept improving on long runs where plain BCE collapsed
(2.1 against 39 after 60 epochs, 159 after 120 for BCE; the recipe search in docs/speed.md)."""


def dcgan(
    input_shape=(28, 28, 1),
    latent_dim: int = 128,
    width: int = 32,
    g_width: int | None = None,
    spectral_norm: bool = False,
    d_depth: int = 3,
    seed: int | None = None,
    ema_momentum: float | None = 0.999,
    **kwargs,
) -> GANModel:
    """An uncompiled DCGAN [`GANModel`][kgan.GANModel] with [`RECIPE`][kgan.architectures.dcgan.RECIPE] as its compile defaults.

    Args:
        input_shape: ``(H, W, C)``, H and W divisible by 4, C in {1, 3}.
        latent_dim: Size of ``z``.
        width: Channels of the discriminator's first layer (``width``, ``2*width``, ``4*width`` in
            its three convolutions).
        g_width: The generator's width: ``2*g_width``, ``g_width`` and ``g_width/2`` channels from
            low to high resolution. Default ``3 * width // 2`` (48 for width 32): on mnist-5k a
            generator wider than its discriminator reached a lower Frechet distance in 10 epochs
            (docs/architectures.md has the measurements).
        spectral_norm: Spectrally normalize the discriminator.
        d_depth: Convolutions in the discriminator: 3 (default) or the classic DCGAN's 2.
        seed: Seed of the weights' initialisation and of the training noise.
        ema_momentum: Momentum of the generator weight average used for sampling (``None``: off).
        **kwargs: Passed to [`GANModel`][kgan.GANModel] (``name``, ``data_range``, ``recipe``).

    Example:
        >>> gan = kgan.architectures.get("dcgan")(input_shape=(32, 32, 3), width=32)
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return GANModel(
        generator=dcgan_generator(input_shape, latent_dim, 3 * positive_int("width", width) // 2 if g_width is None else g_width),
        discriminator=dcgan_discriminator(input_shape, width, spectral_norm, d_depth),
        seed=seed,
        ema_momentum=ema_momentum,
        **{"recipe": RECIPE, **kwargs},
    )


dcgan.test_options = {"input_shape": (8, 8, 1), "latent_dim": 4, "width": 4}
"""Small, fast options for [`kgan.testing.check_architecture()`][kgan.testing.check_architecture]."""
