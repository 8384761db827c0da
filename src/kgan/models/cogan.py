"""CoGANModel: coupled GANs (Liu & Tuzel, 2016) that learn a joint distribution of two domains from
unpaired samples, by sharing the generators' first layers and the discriminators' last layers."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from kgan.errors import ConfigurationError
from kgan.models.capabilities import Capabilities
from kgan.models.data_checks import check_samples, two_domains
from kgan.models.gan_model import GANModel

__all__ = ["CoGANModel"]


@keras.saving.register_keras_serializable(package="kgan")
class CoGANModel(GANModel):
    """Two coupled GANs, one per domain, trained as one [`GANModel`][kgan.GANModel].

    A pair of images is carried stacked along channels: the generator maps ``z`` to
    ``(batch, H, W, 2C)`` (domain A in channels ``[:C]``, B in ``[C:]``; its first layers are shared
    by both heads), and the discriminator maps such a stack to ``(batch, 2)`` logits, ``D_A`` on the A
    channels and ``D_B`` on the B channels (their last layers shared). The adversarial loss averages
    the two games. Because the shared layers must serve both domains, one ``z`` gives two images
    that correspond (the same digit, say, as a digit and as its negative), though no corresponding
    pair was ever seen.

    ``fit(images_a, images_b)`` or a dataset of ``(a_batch, b_batch)``: two unpaired domains of
    ``(H, W, C)`` images. ``generate(n, seed)`` returns the pair ``(a, b)``.

    Args:
        generator: ``(batch, latent_dim) -> (batch, H, W, 2C)``.
        discriminator: ``(batch, H, W, 2C) -> (batch, 2)`` raw logits.
        fixed_latents: Latents for the sample grids, a multiple of 8 (rows alternate A and B).
        **kwargs: As [`GANModel`][kgan.GANModel]. ``replay_size`` works on the pairs.
    """

    trains_on: ClassVar[str] = "two domains"

    def __init__(self, generator: keras.Model, discriminator: keras.Model, fixed_latents: int = 32, **kwargs):
        if isinstance(fixed_latents, (int, np.integer)) and not isinstance(fixed_latents, bool) and fixed_latents % 8:
            raise ConfigurationError(f"fixed_latents must be a multiple of 8 (grid rows of 8), received {fixed_latents!r}")
        super().__init__(generator, discriminator, fixed_latents=fixed_latents, **kwargs)
        if self.sample_shape is None or len(self.sample_shape) != 3 or self.sample_shape[-1] % 2:
            raise ConfigurationError(
                f"A CoGAN generator outputs two images stacked along channels, (H, W, 2C); it outputs {self.sample_shape}."
            )
        d_out = tuple(discriminator.output_shape[1:])
        if d_out != (2,):
            raise ConfigurationError(f"A CoGAN discriminator outputs (batch, 2) logits, one per domain; it outputs {d_out}.")
        self.domain_shape = (*self.sample_shape[:-1], self.sample_shape[-1] // 2)
        self.grid_columns = 8

    @property
    def capabilities(self) -> Capabilities:
        return dataclasses.replace(super().capabilities, domains=2, sample_shape=tuple(self.domain_shape))

    def _split(self, stacked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = self.domain_shape[-1]
        return stacked[..., :c], stacked[..., c:]

    def generate(self, n: int, seed: int | None = None, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
        """``n`` corresponding pairs ``(a, b)``, each ``(n, H, W, C)`` float32, from the same latents."""
        return self._split(super().generate(n, seed=seed, batch_size=batch_size))

    def sample_fixed(self, n: int | None = None) -> np.ndarray:
        """Grid rows of 8 alternating A and B: row ``2i`` shows A for latents ``8i..8i+7``, row ``2i+1`` B."""
        a, b = self._split(super().sample_fixed(n))
        rows = [part[i : i + 8] for i in range(0, len(a), 8) for part in (a, b)]
        return np.concatenate(rows).astype(np.float32)

    def unpack_batch(self, data):
        a, b, _ = keras.utils.unpack_x_y_sample_weight(data)
        return ops.concatenate([a, b], axis=-1), None

    def example_data(self, n: int = 16, seed: int = 0) -> tuple:
        rng = np.random.default_rng(seed)
        return tuple(rng.uniform(-1, 1, size=(n, *self.domain_shape)).astype("float32") for _ in range(2))

    def check_data(self, x: Any, y: Any = None, where: str = "fit") -> None:
        self.check_compiled(where)
        a, b = two_domains(x, y, where, "CoGAN", ("a", "b"))
        if a is None:
            return
        check_samples(a, self.domain_shape, self.data_range, where=f"the domain-A data given to {where}")
        check_samples(b, self.domain_shape, self.data_range, where=f"the domain-B data given to {where}")
