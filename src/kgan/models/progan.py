"""ProGANModel: progressive growing of GANs (Karras et al., 2018), driven by the model's own counter."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
from keras import ops

from kgan.arguments import check_int
from kgan.errors import ConfigurationError
from kgan.models.capabilities import Capabilities
from kgan.models.gan_model import GANModel

__all__ = ["ProGANModel", "growth_resolutions", "growth_schedule"]


def growth_resolutions(size: int, min_start: int = 4, max_start: int = 8) -> list[int]:
    """The resolutions ProGAN grows through to reach ``size``: halve it while the half is a whole
    number of at least ``min_start`` pixels; the start must then be at most ``max_start``.

    ``28 -> [7, 14, 28]``, ``32 -> [4, 8, 16, 32]``, ``8 -> [4, 8]``.

    Raises:
        ConfigurationError: When no start in ``[min_start, max_start]`` doubles up to ``size``
            (for example 30 = 15 * 2 or 36 = 9 * 4).
    """
    resolutions = [int(size)]
    while resolutions[0] % 2 == 0 and resolutions[0] // 2 >= min_start:
        resolutions.insert(0, resolutions[0] // 2)
    if resolutions[0] > max_start or len(resolutions) < 2:
        raise ConfigurationError(
            f"ProGAN grows images by doubling from a start of {min_start} to {max_start} pixels; size {size} "
            f"cannot be reached that way (halving it stops at {resolutions[0]}). Use a size such as 28 "
            f"(7 -> 14 -> 28), 32 (4 -> ... -> 32) or 64, or resize your images."
        )
    return resolutions


def growth_schedule(images_seen, phase_images: int, stages: int):
    """``(stage, alpha)`` after ``images_seen`` training images (keras ops or numpy scalars).

    Stage 0 trains for ``phase_images`` images at the lowest resolution; every later stage ``s``
    first fades its new block in over ``phase_images`` images (``alpha`` rising linearly from 0 to
    1), then trains it stably for ``phase_images`` more. After the last stage, ``(stages - 1, 1.0)``.
    """
    p = ops.cast(images_seen, "float32") / float(phase_images)
    stage = ops.minimum(ops.floor((p + 1.0) / 2.0), float(stages - 1))
    alpha = ops.where(stage < 1.0, 1.0, ops.clip(p - (2.0 * stage - 1.0), 0.0, 1.0))
    beyond = p >= float(2 * stages - 1)
    return ops.where(beyond, float(stages - 1), stage), ops.where(beyond, 1.0, alpha)


@keras.saving.register_keras_serializable(package="kgan")
class ProGANModel(GANModel):
    """A GAN that grows from low resolution to full while ``fit`` runs.

    The networks are built once at every resolution ``r_0 < r_1 < ... < r_{S-1} = H``
    ([`growth_resolutions()`][kgan.models.progan.growth_resolutions]); the model's counter `images_seen` (saved with it, so a resumed
    run continues the schedule) gives the current ``(stage, alpha)`` ([`growth_schedule()`][kgan.models.progan.growth_schedule]), and
    with it which parts take part:

    - the generator ``z -> [rgb_0, ..., rgb_{S-1}]`` outputs an image at every resolution; the sample is
      ``alpha * up(rgb_s) + (1 - alpha) * up(rgb_{s-1})``, upsampled (nearest) to full size;
    - the discriminator ``[x, gates] -> (batch, 1)`` reads ``x`` at full size, average-pools it to every
      resolution, and ``gates`` (computed here, [`gates()`][kgan.models.progan.ProGANModel.gates]) switch its from-RGB inputs and blocks on,
      off, or to the fade-in blend ``alpha * block_s(fromRGB_s(x_s)) + (1 - alpha) * fromRGB_{s-1}(x_{s-1})``;
    - real images are shown to D at the current resolution, blended the same way during a fade.

    So outputs are always ``(batch, H, W, C)``; before the last stage they are blocky by design.
    Every step computes the whole generator (one static graph, one compilation); only the
    resolution D judges and G is trained for grows.

    Args:
        generator: ``(batch, latent_dim) -> [S images]``, image ``k`` of size ``r_k``.
        discriminator: ``[(batch, H, W, C), (batch, 2S - 1)] -> (batch, 1)``.
        phase_images: Training images per phase (stage 0, then a fade and a stable phase per stage).
        **kwargs: As [`GANModel`][kgan.GANModel].
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, phase_images: int = 20_000, **kwargs):
        check_int("phase_images", phase_images)
        super().__init__(generator, discriminator, **kwargs)
        self.phase_images = int(phase_images)
        self.stages = len(self.resolutions)
        self.images_seen = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="images_seen")

    @property
    def resolutions(self) -> list[int]:
        """The side of each of the generator's outputs, smallest first."""
        return [int(o.shape[1]) for o in self.generator.outputs]

    def _check_network_shapes(self):
        shapes = [tuple(o.shape[1:]) for o in self.generator.outputs]
        if len(shapes) < 2:
            raise ConfigurationError("A ProGAN generator outputs one image per resolution, at least two; it has one output.")
        for (h0, _, c0), (h1, _, c1) in zip(shapes, shapes[1:]):
            if h1 != 2 * h0 or c0 != c1:
                raise ConfigurationError(f"ProGAN generator outputs must double in size with equal channels; got {shapes}.")
        d_inputs = [tuple(i.shape[1:]) for i in self.discriminator.inputs]
        if len(d_inputs) != 2 or d_inputs[0] != shapes[-1] or d_inputs[1] != (2 * len(shapes) - 1,):
            raise ConfigurationError(
                f"A ProGAN discriminator takes [images {shapes[-1]}, gates ({2 * len(shapes) - 1},)]; it takes {d_inputs}."
            )
        return shapes[-1]

    # === Schedule ===

    def schedule(self):
        """``(stage, alpha)`` now, as float scalars (see [`growth_schedule()`][kgan.models.progan.growth_schedule])."""
        return growth_schedule(self.images_seen, self.phase_images, self.stages)

    @property
    def resolution(self) -> int:
        """The resolution being trained now (the incoming one during a fade)."""
        stage, _ = self.schedule()
        return self.resolutions[int(keras.ops.convert_to_numpy(stage))]

    def gates(self, batch_size):
        """D's gates ``(batch, 2S - 1)``: from-RGB weights ``w_0..w_{S-1}`` then block gates ``g_1..g_{S-1}``."""
        stage, alpha = self.schedule()
        k = ops.cast(ops.arange(self.stages), "float32")
        w = ops.cast(k == stage, "float32") + ops.cast(k == stage - 1.0, "float32") * (1.0 - alpha)
        g = ops.cast(k[1:] < stage, "float32") + ops.cast(k[1:] == stage, "float32") * alpha
        row = ops.concatenate([w, g])
        return ops.tile(ops.expand_dims(row, 0), (batch_size, 1))

    def _up(self, image, factor: int):
        if factor == 1:
            return image
        return ops.repeat(ops.repeat(image, factor, axis=1), factor, axis=2)

    def _down(self, image, factor: int):
        if factor == 1:
            return image
        return ops.average_pool(image, factor, factor, padding="valid")

    def _blend_weights(self):
        """Per resolution ``k``: ``alpha`` for the current stage, ``1 - alpha`` for the one before, else 0."""
        stage, alpha = self.schedule()
        return [
            ops.cast(ops.equal(stage, float(k)), "float32") * alpha + ops.cast(ops.equal(stage - 1.0, float(k)), "float32") * (1.0 - alpha)
            for k in range(self.stages)
        ]

    def compose(self, images):
        """The full-size sample from the generator's per-resolution outputs at the current stage."""
        full = self.resolutions[-1]
        out = 0.0
        for k, (image, weight) in enumerate(zip(images, self._blend_weights(), strict=True)):
            out = out + weight * self._up(image, full // self.resolutions[k])
        return out

    def fade_real(self, x):
        """Real images as D should see them now: at the stage's resolution (blended during a fade), full size."""
        full = self.resolutions[-1]
        out = 0.0
        for r, weight in zip(self.resolutions, self._blend_weights(), strict=True):
            out = out + weight * self._up(self._down(x, full // r), full // r)
        return out

    @property
    def capabilities(self) -> Capabilities:
        return dataclasses.replace(super().capabilities, plain_generator=False)  # one output per resolution

    # === Hooks ===

    def generate_fakes(self, batch_size, labels=None, training: bool = False):
        return self.compose(self.generator(self.sample_latents(batch_size), training=training))

    def discriminate(self, samples, labels=None, training: bool = True, augment: bool = True):
        samples = self.augmented(samples, training, augment)
        return self.discriminator([samples, self.gates(ops.shape(samples)[0])], training=training)

    def unpack_batch(self, data):
        x, y = super().unpack_batch(data)
        return self.fade_real(x), y

    def call(self, inputs, training: bool = False):
        return self.compose(self.sampling_generator(inputs, training=False))

    def sample_fixed(self, n: int | None = None) -> np.ndarray:
        z = self.fixed_latents if n is None else self.fixed_latents[:n]
        return np.asarray(keras.ops.convert_to_numpy(self.compose(self.sampling_generator(z, training=False))))

    def train_step(self, data):
        logs = super().train_step(data)
        x, _ = super().unpack_batch(data)
        self.images_seen.assign(self.images_seen + ops.cast(self.global_batch_size(ops.shape(x)[0]), "int64"))
        stage, alpha = self.schedule()
        # progress shows in the logs (averaged over the epoch by Keras' progress bar, exact in the last step)
        return {**logs, "stage": stage, "alpha": alpha}

    def get_config(self) -> dict:
        return {**super().get_config(), "phase_images": self.phase_images}
