"""DCGAN (Radford et al., 2016) for images whose height and width are divisible by ``2**levels``.

The generator upsamples by nearest neighbour and a 3x3 convolution rather than a transposed
convolution (no checkerboard artefacts, Odena et al., 2016), and halves its channels at each
doubling of resolution, so most of its width sits where the feature maps are small.

Shapes, for ``input_shape=(H, W, C)``, ``width=w`` and ``levels=L`` (default: 2 up to 32 pixels,
then one more per doubling, so the smallest feature map is 8x8 or less)::

    G: z (latent_dim) -> Dense -> (H/2^L, W/2^L, 2^(L-1) w) -> L x [up, conv, halve channels] -> (H, W, w/2) -> (H, W, C) tanh
    D: (H, W, C) -> L x [conv s2, double channels] -> (H/2^L, W/2^L, 2^(L-1) w) -> [conv 3x3, 2^L w] -> Dense -> 1 (raw logit)

For 28x28 and 32x32 (``L=2``)::

    G: z -> Dense -> (H/4, W/4, 2w) -> up -> (H/2, W/2, w) -> up -> (H, W, w/2) -> (H, W, C) tanh
    D: (H, W, C) -> conv s2 -> (H/2, W/2, w) -> conv s2 -> (H/4, W/4, 2w) -> conv -> (H/4, W/4, 4w) -> Dense -> 1
"""

from __future__ import annotations

import keras
from keras import layers

from kgan.architectures._checks import image_shape, own_recipe
from kgan.arguments import positive_int
from kgan.errors import ConfigurationError
from kgan.models import GANModel

__all__ = ["dcgan", "dcgan_generator", "dcgan_discriminator", "default_levels"]

BN_MOMENTUM = 0.9
"""Batch-norm statistics follow the generator within ~20 steps (Keras' 0.99 takes ~200): samples are
drawn in inference mode, and with 0.99 the early epochs' grids show the stale initial statistics
(nearly uniform images) rather than what G has learned."""


def default_levels(input_shape) -> int:
    """The number of 2x resolution steps for ``input_shape``: 2 up to 32 pixels (28x28 digits start
    from 7x7), then one more per doubling while the smaller side divides, so the generator starts and
    the discriminator ends at 8x8 or less (64 -> 3, 128 -> 4).

    With 2 levels at 64x64 the discriminator's receptive field covers a fraction of the image and its
    dense layer reads 16x16 maps; measured in the docs' "Own images" page, that recipe drifted to
    blotched shapes after 1,600 steps.
    """
    h, w = (int(s) for s in tuple(input_shape)[:2])
    levels = 2
    while min(h, w) >> levels > 8 and h % (2 << levels) == 0 and w % (2 << levels) == 0:
        levels += 1
    return levels


def check_levels(input_shape, levels: int | None) -> tuple[tuple[int, int, int], int]:
    """``((H, W, C), levels)`` with ``levels`` defaulted by [`default_levels()`][kgan.architectures.dcgan.default_levels]
    and H, W divisible by ``2**levels``."""
    h, w, c = image_shape(input_shape, 4)
    levels = default_levels((h, w)) if levels is None else positive_int("levels", levels)
    if levels < 2:
        raise ConfigurationError(f"levels must be 2 or more (2x resolution steps), received {levels}")
    return image_shape(input_shape, 2**levels), levels


def generator_body(x, input_shape, width: int, levels: int | None = None):
    """The generator's layers from a latent (or latent-and-label) tensor to ``(batch, H, W, C)`` images."""
    (h, w, c), levels = check_levels(input_shape, levels)
    width = positive_int("width", width)
    base = width << (levels - 2)  # 2w at the bottom for 2 levels, doubling per extra level
    x = layers.Dense((h >> levels) * (w >> levels) * 2 * base, use_bias=False)(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((h >> levels, w >> levels, 2 * base))(x)
    for channels in [max(base >> i, 1) for i in range(levels)]:
        x = layers.UpSampling2D(2, interpolation="nearest")(x)
        x = layers.Conv2D(channels, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
        x = layers.ReLU()(x)
    return layers.Conv2D(c, 3, padding="same", activation="tanh", dtype="float32")(x)


def dcgan_generator(input_shape, latent_dim: int = 128, width: int = 32, levels: int | None = None) -> keras.Model:
    """The DCGAN generator: ``(batch, latent_dim) -> (batch, H, W, C)`` in ``[-1, 1]``."""
    z = keras.Input((positive_int("latent_dim", latent_dim),), name="z")
    return keras.Model(z, generator_body(z, input_shape, width, levels), name="generator")


def spectral(enabled: bool):
    """``layer -> SpectralNormalization(layer)`` when enabled, else the identity."""
    return (lambda layer: layers.SpectralNormalization(layer)) if enabled else (lambda layer: layer)


def discriminator_features(x, width: int, spectral_norm: bool = False, depth: int = 3, levels: int = 2):
    """D's convolutional trunk, flattened: ``(batch, H, W, C') -> (batch, H/2^L * W/2^L * channels)``.

    ``L = levels`` 4x4 stride-2 convolutions (``width``, ``2*width``, ... channels) and, with
    ``depth=3``, a 3x3 convolution to ``2^L * width`` channels at ``H/2^L``; LeakyReLU(0.2) after
    each, no batch norm.
    """
    width = positive_int("width", width)
    if depth not in (2, 3):
        raise ConfigurationError(f"depth must be 2 or 3 (convolutions in the discriminator), received {depth!r}")
    wrap = spectral(spectral_norm)
    plan = [(width << i, 4, 2) for i in range(levels)] + [(width << levels, 3, 1)] * (depth == 3)
    for channels, kernel, stride in plan:
        x = wrap(layers.Conv2D(channels, kernel, strides=stride, padding="same"))(x)
        x = layers.LeakyReLU(0.2)(x)
    return layers.Flatten()(x)


def dcgan_discriminator(input_shape, width: int = 32, spectral_norm: bool = False, depth: int = 3, levels: int | None = None) -> keras.Model:
    """The DCGAN discriminator: ``(batch, H, W, C) -> (batch, 1)`` raw logits, no batch norm.

    Without batch norm it suits every loss, WGAN-GP included (whose per-sample penalty batch norm
    would break). ``spectral_norm=True`` wraps each layer in ``keras.layers.SpectralNormalization``.
    ``depth`` 3 (default) adds a 3x3 convolution at the lowest resolution ([`discriminator_features()`][kgan.architectures.dcgan.discriminator_features]).
    """
    (h, w, c), levels = check_levels(input_shape, levels)
    x_in = keras.Input((h, w, c), name="x")
    features = discriminator_features(x_in, width, spectral_norm, depth, levels)
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
    levels: int | None = None,
    seed: int | None = None,
    ema_momentum: float | None = 0.999,
    **kwargs,
) -> GANModel:
    """An uncompiled DCGAN [`GANModel`][kgan.GANModel] with [`RECIPE`][kgan.architectures.dcgan.RECIPE] as its compile defaults.

    Args:
        input_shape: ``(H, W, C)``, H and W divisible by ``2**levels``, C in {1, 3}.
        latent_dim: Size of ``z``.
        width: Channels of the discriminator's first layer (``width``, ``2*width``, ``4*width`` in
            its three convolutions).
        g_width: The generator's width: ``2*g_width``, ``g_width`` and ``g_width/2`` channels from
            low to high resolution. Default ``3 * width // 2`` (48 for width 32): on mnist-5k a
            generator wider than its discriminator reached a lower Frechet distance in 10 epochs
            (docs/architectures.md has the measurements).
        spectral_norm: Spectrally normalize the discriminator.
        d_depth: 3 (default): a 3x3 convolution after the strided ones; 2: the classic DCGAN's strided
            convolutions only.
        levels: 2x resolution steps in each network; default [`default_levels()`][kgan.architectures.dcgan.default_levels]
            (2 up to 32 pixels, 3 at 64, 4 at 128).
        seed: Seed of the weights' initialisation and of the training noise.
        ema_momentum: Momentum of the generator weight average used for sampling (``None``: off).
        **kwargs: Passed to [`GANModel`][kgan.GANModel] (``name``, ``data_range``, ``recipe``).

    Example:
        >>> gan = kgan.architectures.get("dcgan")(input_shape=(32, 32, 3), width=32)
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return GANModel(
        generator=dcgan_generator(input_shape, latent_dim, 3 * positive_int("width", width) // 2 if g_width is None else g_width, levels),
        discriminator=dcgan_discriminator(input_shape, width, spectral_norm, d_depth, levels),
        seed=seed,
        ema_momentum=ema_momentum,
        **own_recipe(RECIPE, kwargs),
    )


dcgan.precision_on_cpu = "bfloat16"
"""``precision="auto"`` trains dcgan in bfloat16 (Keras' ``mixed_bfloat16``) with its own loss on CPUs
with native bfloat16 arithmetic ([`kgan.precision`][kgan.precision]): on such a 2-core CPU ``kgan train
dcgan`` made 1.1-1.7x the steps of float32 in the same time, at an equal or lower Frechet distance
after 2 minutes on TensorFlow, JAX and PyTorch and after 5 and 10 minutes on TensorFlow; after 20 and
30 minutes it was behind (one run; docs/speed.md)."""

dcgan.test_options = {"input_shape": (8, 8, 1), "latent_dim": 4, "width": 4}
"""Small, fast options for [`kgan.testing.check_architecture()`][kgan.testing.check_architecture]."""
