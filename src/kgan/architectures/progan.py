"""ProGAN (Karras et al., 2018) networks: pixel normalization in G, minibatch standard deviation in D,
equalized learning rate in both, one block per resolution of [`growth_resolutions()`][kgan.models.progan.growth_resolutions].

Shapes, for ``input_shape=(H, W, C)``, resolutions ``r_0 .. r_{S-1} = H`` and ``width=w`` (channels
``w * 2^(S-1-k)`` at resolution ``r_k``, at most ``8w``)::

    G: z -> PixelNorm -> Dense r_0*r_0*ch_0 -> conv3 -> [toRGB_0 -> (r_0, r_0, C)]
         -> per stage k >= 1: up2 -> conv3 -> conv3 -> [toRGB_k -> (r_k, r_k, C)]
    D: [x (H, W, C), gates (2S-1,)] -> from_rgb_k(avgpool(x) at r_k) gated, block_k from r_{S-1} down to r_1
         -> head: MinibatchStdDev -> conv3 -> Dense -> 1
"""

from __future__ import annotations

import keras
from keras import layers

from kgan.architectures._checks import image_shape, own_recipe
from kgan.arguments import positive_int
from kgan.errors import ConfigurationError
from kgan.layers import (
    EqualizedConv2D,
    EqualizedDense,
    MinibatchStdDev,
    PixelNormalization,
    ScaleByInput,
)
from kgan.losses import BCER1, serialize
from kgan.models.progan import ProGANModel, growth_resolutions

__all__ = ["progan", "progan_generator", "progan_discriminator"]


def _channels(width: int, stages: int) -> list[int]:
    return [min(width * 2 ** (stages - 1 - k), 8 * width) for k in range(stages)]


def _act(x):
    return layers.LeakyReLU(0.2)(x)


def progan_generator(input_shape, latent_dim: int = 128, width: int = 16) -> keras.Model:
    """``(batch, latent_dim) -> [(batch, r_k, r_k, C) for each resolution]`` in ``[-1, 1]``."""
    h, w, c = image_shape(input_shape, 1)
    if h != w:
        raise ConfigurationError(f"ProGAN needs square images, input_shape={tuple(input_shape)} is {h}x{w}.")
    res = growth_resolutions(h)
    ch = _channels(positive_int("width", width), len(res))
    z = keras.Input((positive_int("latent_dim", latent_dim),), name="z")
    x = PixelNormalization()(z)
    x = _act(EqualizedDense(res[0] * res[0] * ch[0], gain=2**0.5 / 4)(x))
    x = layers.Reshape((res[0], res[0], ch[0]))(x)
    x = PixelNormalization()(_act(EqualizedConv2D(ch[0], 3)(PixelNormalization()(x))))
    outputs = [layers.Activation("tanh", dtype="float32", name=f"rgb_{res[0]}")(EqualizedConv2D(c, 1, gain=1.0)(x))]
    for k in range(1, len(res)):
        x = layers.UpSampling2D(2)(x)
        x = PixelNormalization()(_act(EqualizedConv2D(ch[k], 3)(x)))
        x = PixelNormalization()(_act(EqualizedConv2D(ch[k], 3)(x)))
        outputs.append(layers.Activation("tanh", dtype="float32", name=f"rgb_{res[k]}")(EqualizedConv2D(c, 1, gain=1.0)(x)))
    return keras.Model(z, outputs, name="generator")


def _from_rgb(resolution: int, colours: int, channels: int) -> keras.Sequential:
    """``(batch, r, r, C) -> (batch, r, r, channels)``: 1x1 conv, leaky ReLU."""
    return keras.Sequential(
        [keras.Input((resolution, resolution, colours)), EqualizedConv2D(channels, 1), layers.LeakyReLU(0.2)],
        name=f"from_rgb_{resolution}",
    )


def _block(resolution: int, channels: int, out_channels: int) -> keras.Sequential:
    """``(batch, r, r, channels) -> (batch, r/2, r/2, out_channels)``: two 3x3 convs, 2x2 average pool."""
    return keras.Sequential(
        [
            keras.Input((resolution, resolution, channels)),
            EqualizedConv2D(channels, 3),
            layers.LeakyReLU(0.2),
            EqualizedConv2D(out_channels, 3),
            layers.LeakyReLU(0.2),
            layers.AveragePooling2D(2),
        ],
        name=f"block_{resolution}",
    )


def _head(resolution: int, channels: int) -> keras.Sequential:
    """``(batch, r_0, r_0, channels) -> (batch, 1)``: minibatch std, 3x3 conv, dense to a raw logit."""
    return keras.Sequential(
        [
            keras.Input((resolution, resolution, channels)),
            MinibatchStdDev(),
            EqualizedConv2D(channels, 3),
            layers.LeakyReLU(0.2),
            layers.Flatten(),
            EqualizedDense(1, gain=1.0, dtype="float32"),
        ],
        name="head",
    )


def progan_discriminator(input_shape, width: int = 16) -> keras.Model:
    """``[(batch, H, W, C), gates (batch, 2S - 1)] -> (batch, 1)`` raw logits (see ProGANModel.gates).

    Made of named parts, which [`ProGANModel`][kgan.models.ProGANModel] also calls one stage at a
    time (only the active ones, at their own resolution): ``from_rgb_{r}`` for every resolution,
    ``block_{r}`` (``r -> r/2``) for every resolution above the first, and ``head``.
    """
    h, w, c = image_shape(input_shape, 1)
    res = growth_resolutions(h)
    stages = len(res)
    ch = _channels(positive_int("width", width), stages)
    x_in = keras.Input((h, w, c), name="x")
    gates = keras.Input((2 * stages - 1,), name="gates")
    hidden = None
    for k in range(stages - 1, -1, -1):
        x_k = x_in if res[k] == h else layers.AveragePooling2D(h // res[k], name=f"pool_{res[k]}")(x_in)
        from_rgb = ScaleByInput(k)([_from_rgb(res[k], c, ch[k])(x_k), gates])
        if hidden is None:
            hidden = from_rgb
        else:
            hidden = layers.Add()([ScaleByInput(stages + k)([hidden, gates]), from_rgb])  # gate g_{k+1}
        if k > 0:
            hidden = _block(res[k], ch[k], ch[k - 1])(hidden)
    out = _head(res[0], ch[0])(hidden)
    return keras.Model([x_in, gates], out, name="discriminator")


RECIPE = {"loss": serialize(BCER1(gamma=1.0)), "learning_rate": 1e-3, "beta_1": 0.0, "batch_size": 32, "augment": None}
"""progan's default recipe: non-saturating BCE with a lazy R1 penalty of ``gamma=1`` (in place of the
paper's WGAN-GP, which needs five critic steps), Adam(1e-3, beta_1=0) as in the paper, batch 32.

``gamma`` was measured by ``benchmarks/variants.py --arms progan --set recipe=...`` on the same day
(Frechet distance after 2, 5 and 10 minutes on two CPU cores, seed 0): 85.7, 23.5, 16.9 with
``gamma=1`` against 147.8, 32.3, 21.7 with dcgan's ``gamma=10`` at the same number of steps; ``0.1``
gave 87.0, 29.2, 23.1."""


def progan(
    input_shape=(28, 28, 1),
    latent_dim: int = 128,
    width: int = 16,
    phase_images: int = 20_000,
    seed: int | None = None,
    ema_momentum: float | None = 0.999,
    g_width: int | None = None,
    **kwargs,
) -> ProGANModel:
    """An uncompiled [`ProGANModel`][kgan.models.ProGANModel].

    Args:
        input_shape: ``(H, H, C)``, H reachable by doubling from 3..8 (28, 32, 64, ...).
        latent_dim: Size of ``z``.
        width: Channels at full resolution; doubled at each lower resolution, at most ``8 * width``.
        g_width: The generator's ``width``, when it should differ from the discriminator's
            (default: ``width``).
        phase_images: Training images per phase: stage 0, then a fade-in and a stable phase per stage.
            With the default 20,000 and ``mnist-5k`` a phase is 4 epochs: 20 epochs reach 28x28.
        seed: Seed of the weights' initialisation and of the training noise.
        ema_momentum: Generator weight average for sampling (``None``: off).
        **kwargs: Passed to [`ProGANModel`][kgan.models.ProGANModel].

    Example:
        >>> gan = kgan.architectures.get("progan")(input_shape=(28, 28, 1), phase_images=20_000)
        >>> gan.compile(); gan.fit(x, batch_size=32, epochs=20)      # 7x7, fade to 14x14, fade to 28x28
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return ProGANModel(
        generator=progan_generator(input_shape, latent_dim, width if g_width is None else g_width),
        discriminator=progan_discriminator(input_shape, width),
        phase_images=phase_images,
        seed=seed,
        ema_momentum=ema_momentum,
        **own_recipe(RECIPE, kwargs),
    )


progan.test_options = {"input_shape": (8, 8, 1), "latent_dim": 4, "width": 2, "phase_images": 8}
