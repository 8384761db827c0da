"""CoGAN (Liu & Tuzel, 2016) on dcgan-style networks.

Shapes, for ``input_shape=(H, W, C)`` of each domain, ``width=w`` and ``g_width=g``::

    G: z -> [shared] Dense -> (H/4, W/4, 2g) -> up+conv (H/2, W/2, g)
          -> [head A] up+conv (H, W, g/2) -> conv C tanh  ┐
          -> [head B] up+conv (H, W, g/2) -> conv C tanh  ┴ concat -> (H, W, 2C)
    D: (H, W, 2C) -> A channels -> [head A] conv4 s2 w ┐
                     B channels -> [head B] conv4 s2 w ┴ [shared] conv4 s2 2w -> conv3 4w -> Dense 1 -> (2,)
"""

from __future__ import annotations

import keras
from keras import layers

from kgan.architectures._checks import image_shape, own_recipe
from kgan.architectures.dcgan import BN_MOMENTUM
from kgan.architectures.dcgan import RECIPE as DCGAN_RECIPE
from kgan.arguments import positive_int
from kgan.layers import ChannelSlice
from kgan.models.cogan import CoGANModel

__all__ = ["cogan", "cogan_generator", "cogan_discriminator"]


def _up_block(channels: int):
    return [
        layers.UpSampling2D(2),
        layers.Conv2D(channels, 3, padding="same", use_bias=False),
        layers.BatchNormalization(momentum=BN_MOMENTUM),
        layers.ReLU(),
    ]


def _apply(stack, x):
    for layer in stack:
        x = layer(x)
    return x


def cogan_generator(input_shape, latent_dim: int = 128, width: int = 32) -> keras.Model:
    """``(batch, latent_dim) -> (batch, H, W, 2C)``: shared first layers, one head per domain."""
    h, w, c = image_shape(input_shape, 4)
    width = positive_int("width", width)
    z = keras.Input((positive_int("latent_dim", latent_dim),), name="z")
    x = layers.Dense((h // 4) * (w // 4) * 2 * width, use_bias=False)(z)
    x = layers.ReLU()(layers.BatchNormalization(momentum=BN_MOMENTUM)(x))
    x = layers.Reshape((h // 4, w // 4, 2 * width))(x)
    x = _apply(_up_block(width), x)  # shared: the high-level structure both domains agree on
    heads = []
    for domain in ("a", "b"):
        y = _apply(_up_block(max(width // 2, 1)), x)
        heads.append(layers.Conv2D(c, 3, padding="same", activation="tanh", dtype="float32", name=f"image_{domain}")(y))
    return keras.Model(z, layers.Concatenate(dtype="float32")(heads), name="generator")


def cogan_discriminator(input_shape, width: int = 32) -> keras.Model:
    """``(batch, H, W, 2C) -> (batch, 2)``: one head per domain, shared last layers."""
    h, w, c = image_shape(input_shape, 4)
    width = positive_int("width", width)
    pair = keras.Input((h, w, 2 * c), name="pair")
    shared = [
        layers.Conv2D(2 * width, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
        layers.Conv2D(4 * width, 3, padding="same"), layers.LeakyReLU(0.2),
        layers.Flatten(), layers.Dense(1, dtype="float32"),
    ]
    logits = []
    for domain, (start, stop) in (("a", (0, c)), ("b", (c, 2 * c))):
        x = ChannelSlice(start, stop, name=f"domain_{domain}")(pair)
        x = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, strides=2, padding="same", name=f"head_{domain}")(x))
        logits.append(_apply(shared, x))
    return keras.Model(pair, layers.Concatenate(dtype="float32")(logits), name="discriminator")


RECIPE = dict(DCGAN_RECIPE)
"""cogan's default recipe: dcgan's, BCE with its lazy R1 penalty. Measured by
``benchmarks/variants.py --arms cogan`` (Frechet distance of domain A after 2, 5, 10 minutes on two
CPU cores, seed 0): 15.0, 6.2, 3.7 with the default generator width (48); 12.3, 4.9, 11.3 with a
generator as wide as the discriminator (32), which turned back; 16.8, 27.8, 90.9 with plain BCE,
which collapsed."""


def cogan(
    input_shape=(28, 28, 1),
    latent_dim: int = 128,
    width: int = 32,
    g_width: int | None = None,
    seed: int | None = None,
    ema_momentum: float | None = 0.999,
    **kwargs,
) -> CoGANModel:
    """An uncompiled [`CoGANModel`][kgan.models.CoGANModel].

    Args:
        input_shape: ``(H, W, C)`` of each domain, H and W divisible by 4.
        latent_dim: Size of ``z``.
        width: The discriminator's width, as for dcgan.
        g_width: The generator's width: ``2*g_width`` channels at H/4, ``g_width`` at H/2 (shared),
            ``g_width/2`` in each domain's head. Default ``3 * width // 2`` (48), as for dcgan.
        seed: Seed of the weights' initialisation and of the training noise.
        ema_momentum: Generator weight average for sampling (``None``: off).
        **kwargs: Passed to [`CoGANModel`][kgan.models.CoGANModel].

    Example:
        >>> gan = kgan.architectures.get("cogan")()
        >>> gan.compile(); gan.fit(digits, negatives_of_other_digits, batch_size=32, epochs=10)
        >>> a, b = gan.generate(16, seed=0)      # b[i] is the negative of a[i]
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return CoGANModel(
        generator=cogan_generator(input_shape, latent_dim, 3 * positive_int("width", width) // 2 if g_width is None else g_width),
        discriminator=cogan_discriminator(input_shape, width),
        seed=seed,
        ema_momentum=ema_momentum,
        **own_recipe(RECIPE, kwargs),
    )


cogan.test_options = {"input_shape": (8, 8, 1), "latent_dim": 4, "width": 4, "fixed_latents": 8}
