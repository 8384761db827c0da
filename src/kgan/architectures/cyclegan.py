"""CycleGAN (Zhu et al., 2017) networks sized for small images: residual generators and PatchGAN
discriminators, instance normalization (``GroupNormalization(groups=-1)``).

Shapes, for ``input_shape=(H, W, C)`` with H and W divisible by 4, ``width=w`` and
``downsamples=2`` (with ``d`` of them the residual blocks run at ``H/2^d`` with ``2^d w`` channels)::

    G, F: (H, W, C) -> conv7 w -> conv3 s2 2w -> conv3 s2 4w -> n_res residual blocks (4w)
          -> upsample+conv3 2w -> upsample+conv3 w -> conv7 C, tanh
    D_X, D_Y: (H, W, C) -> conv4 s2 w -> conv4 s2 2w -> conv3 s1 1   (an (H/4, W/4, 1) map of patch logits)
"""

from __future__ import annotations

import keras
from keras import layers

from kgan.architectures._checks import image_shape, own_recipe
from kgan.arguments import check_int, positive_int
from kgan.errors import ConfigurationError
from kgan.models.cyclegan import CycleGANModel

__all__ = ["cyclegan", "resnet_generator", "patch_discriminator"]


def _norm():
    return layers.GroupNormalization(groups=-1, epsilon=1e-5)  # instance normalization


def resnet_generator(input_shape, width: int = 16, n_res: int = 3, name: str = "generator", downsamples: int = 2) -> keras.Model:
    """``(batch, H, W, C) -> (batch, H, W, C)`` in ``[-1, 1]``: ``downsamples`` stride-2 convolutions
    (doubling the channels), ``n_res`` residual blocks, as many upsamplings (halving them)."""
    downsamples = check_int("downsamples", downsamples, 0)
    h, w, c = image_shape(input_shape, 2**downsamples)
    width = positive_int("width", width)
    x_in = keras.Input((h, w, c), name="image")
    x = layers.ReLU()(_norm()(layers.Conv2D(width, 7, padding="same")(x_in)))
    for k in range(1, downsamples + 1):
        x = layers.ReLU()(_norm()(layers.Conv2D(width << k, 3, strides=2, padding="same")(x)))
    for _ in range(positive_int("n_res", n_res)):
        r = layers.ReLU()(_norm()(layers.Conv2D(width << downsamples, 3, padding="same")(x)))
        r = _norm()(layers.Conv2D(width << downsamples, 3, padding="same")(r))
        x = layers.Add()([x, r])
    for channels in [width << k for k in range(downsamples - 1, -1, -1)]:
        x = layers.UpSampling2D(2)(x)
        x = layers.ReLU()(_norm()(layers.Conv2D(channels, 3, padding="same")(x)))
    out = layers.Conv2D(c, 7, padding="same", activation="tanh", dtype="float32")(x)
    return keras.Model(x_in, out, name=name)


def patch_discriminator(input_shape, width: int = 16, name: str = "discriminator", norm: str | None = "instance") -> keras.Model:
    """``(batch, H, W, C) -> (batch, H/4, W/4, 1)`` raw logits, one per overlapping patch.

    ``norm="instance"`` normalizes the second convolution's maps per image (the paper's); ``None``
    leaves them as they are, so the discriminator also sees how much of each feature an image has
    (how much ink, how thick the strokes), which instance normalization divides out.
    """
    h, w, c = image_shape(input_shape, 4)
    width = positive_int("width", width)
    if norm not in ("instance", None):
        raise ConfigurationError(f"norm must be 'instance' or None, received {norm!r}")
    x_in = keras.Input((h, w, c), name="image")
    x = layers.LeakyReLU(0.2)(layers.Conv2D(width, 4, strides=2, padding="same")(x_in))
    x = layers.Conv2D(2 * width, 4, strides=2, padding="same")(x)
    x = layers.LeakyReLU(0.2)(_norm()(x) if norm == "instance" else x)
    out = layers.Conv2D(1, 3, padding="same", dtype="float32")(x)
    return keras.Model(x_in, out, name=name)


RECIPE = {"loss": "lsgan", "learning_rate": 2e-4, "beta_1": 0.5, "batch_size": 16, "augment": None}
"""cyclegan's default recipe: the paper's least-squares loss and Adam(2e-4, beta_1=0.5) for all four
networks; batch 16 (the paper uses 1 on 256x256 images; small images train faster in batches)."""


def cyclegan(
    input_shape=(28, 28, 1),
    width: int = 16,
    n_res: int = 3,
    cycle_weight: float = 10.0,
    identity_weight: float = 5.0,
    pool_size: int = 50,
    downsamples: int = 2,
    d_norm: str | None = "instance",
    seed: int | None = None,
    **kwargs,
) -> CycleGANModel:
    """An uncompiled [`CycleGANModel`][kgan.models.CycleGANModel].

    Args:
        input_shape: ``(H, W, C)`` of both domains, H and W divisible by 4.
        width: Channels of the first layer of each network.
        n_res: Residual blocks in each generator.
        downsamples: Stride-2 convolutions before the residual blocks (the paper's 2); H and W
            must be divisible by ``2**downsamples``.
        d_norm: The discriminators' normalization, ``"instance"`` (the paper's) or ``None``
            ([`patch_discriminator()`][kgan.architectures.cyclegan.patch_discriminator]).
        cycle_weight, identity_weight, pool_size: As [`CycleGANModel`][kgan.models.CycleGANModel].
        seed: Seed of the weights' initialisation and of the training noise.
        **kwargs: Passed to [`CycleGANModel`][kgan.models.CycleGANModel].

    Example:
        >>> gan = kgan.architectures.get("cyclegan")(input_shape=(28, 28, 1))
        >>> gan.compile()
        >>> gan.fit(digits, thick_digits, batch_size=16, epochs=5)
        >>> thick = gan.translate(new_digits, direction="x2y")
    """
    if seed is not None:
        keras.utils.set_random_seed(seed)
    return CycleGANModel(
        generator_g=resnet_generator(input_shape, width, n_res, name="generator_g", downsamples=downsamples),
        generator_f=resnet_generator(input_shape, width, n_res, name="generator_f", downsamples=downsamples),
        discriminator_x=patch_discriminator(input_shape, width, name="discriminator_x", norm=d_norm),
        discriminator_y=patch_discriminator(input_shape, width, name="discriminator_y", norm=d_norm),
        cycle_weight=cycle_weight,
        identity_weight=identity_weight,
        pool_size=pool_size,
        seed=seed,
        **own_recipe(RECIPE, kwargs),
    )


cyclegan.test_options = {"input_shape": (8, 8, 1), "width": 2, "n_res": 1, "pool_size": 4}
