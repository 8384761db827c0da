"""ConditionalGANModel: G(z, y) and D(x, y), the class label ``y`` conditioning both (Mirza & Osindero, 2014)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from kgan.arguments import check_int
from kgan.errors import ConfigurationError, DataError
from kgan.models.capabilities import Capabilities
from kgan.models.data_checks import first_batch
from kgan.models.gan_model import GANModel

__all__ = ["ConditionalGANModel"]


def _check_conditional_networks(generator: keras.Model, discriminator: keras.Model, num_classes: int) -> None:
    """Refuse a generator and discriminator that do not both take a one-hot label of ``num_classes``
    or that disagree on the sample shape."""
    g_out = generator.output_shape
    if not isinstance(g_out, tuple) or isinstance(g_out[0], (tuple, list)):
        raise ConfigurationError(f"The generator must have one output (the samples), its output shape is {g_out}.")
    for name, net in (("generator", generator), ("discriminator", discriminator)):
        inputs = getattr(net, "inputs", None)
        if inputs is None or len(inputs) != 2 or inputs[1].shape[-1] != num_classes:
            shapes = None if inputs is None else [tuple(i.shape) for i in inputs]
            raise ConfigurationError(
                f"A conditional {name} takes two inputs, the second a one-hot label of size "
                f"num_classes={num_classes}; it takes {shapes}."
            )
    d_in = tuple(discriminator.inputs[0].shape[1:])
    if tuple(g_out[1:]) != d_in:
        raise ConfigurationError(
            f"The generator produces samples of shape {tuple(g_out[1:])} but the discriminator takes {d_in}."
        )


@keras.saving.register_keras_serializable(package="kgan")
class ConditionalGANModel(GANModel):
    """A GAN whose generator and discriminator both see the class label.

    The networks take two inputs: ``G([z, y_onehot]) -> x`` with ``z`` of shape
    ``(batch, latent_dim)`` and ``y_onehot`` of shape ``(batch, num_classes)``, and
    ``D([x, y_onehot]) -> (batch, 1)`` raw logits. In training the fakes of a step carry the labels of
    that step's real batch, so D judges "is this a real k?" and G learns each class separately.

    ``fit`` takes images and integer labels: ``fit(x, y)``, or a dataset of ``(images, labels)``;
    labels are checked (present, integers in ``[0, num_classes)``) before training.

    Args:
        generator: ``[z, y_onehot] -> samples``.
        discriminator: ``[samples, y_onehot] -> (batch, 1)``.
        num_classes: Number of classes ``K`` (labels ``0 .. K-1``).
        latent_dim: Size of ``z``; read from the generator's first input when omitted.
        fixed_latents: Fixed latents for sample grids, a multiple of ``num_classes``; default
            ``10 * num_classes``. Grid row ``k`` shows class ``k`` ([`grid_columns`][kgan.models.adversarial.AdversarialModel.grid_columns] columns).
        **kwargs: As [`GANModel`][kgan.GANModel] (``seed``, ``ema_momentum``, ``recipe``, ...).
            ``replay_size`` is refused: remembered fakes would lose their labels.

    Example:
        >>> gan = kgan.architectures.get("cgan")(input_shape=(28, 28, 1), num_classes=10)
        >>> gan.compile()
        >>> gan.fit(images, labels, batch_size=32, epochs=10)
        >>> sevens = gan.generate(16, labels=7, seed=0)
    """

    trains_on: ClassVar[str] = "labelled samples"

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        num_classes: int,
        latent_dim: int | None = None,
        fixed_latents: int | None = None,
        **kwargs,
    ):
        check_int("num_classes", num_classes, 2)
        if kwargs.get("replay_size"):
            raise ConfigurationError(
                "replay_size is not available for conditional models: remembered fakes would be shown to D "
                "with the wrong labels. Drop replay_size."
            )
        if fixed_latents is None:
            fixed_latents = 10 * int(num_classes)
        if check_int("fixed_latents", fixed_latents) % num_classes:
            raise ConfigurationError(
                f"fixed_latents must be a multiple of num_classes={num_classes} (one grid row per class), "
                f"received {fixed_latents!r}"
            )
        if latent_dim is None:
            try:
                latent_dim = int(generator.inputs[0].shape[-1])
            except (AttributeError, IndexError, TypeError, ValueError):
                raise ConfigurationError(
                    "latent_dim could not be read from the generator's first input; pass latent_dim=N."
                ) from None
        if isinstance(generator, keras.layers.Layer) and isinstance(discriminator, keras.layers.Layer):
            _check_conditional_networks(generator, discriminator, int(num_classes))  # else the base class says what they must be
        super().__init__(generator, discriminator, latent_dim=latent_dim, fixed_latents=int(fixed_latents), **kwargs)
        self.num_classes = int(num_classes)
        self.grid_columns = int(fixed_latents) // self.num_classes

    @classmethod
    def network_sample_shape(cls, generator: keras.Model, discriminator: keras.Model) -> tuple:
        # the networks were checked with num_classes in __init__, before the base class asks
        return tuple(generator.output_shape[1:])

    @property
    def capabilities(self) -> Capabilities:
        return dataclasses.replace(super().capabilities, num_classes=int(self.num_classes))

    # === Labels ===

    def one_hot(self, labels):
        """Integer labels ``(batch,)`` (or ``(batch, 1)``) as one-hot ``(batch, num_classes)`` float32."""
        return ops.one_hot(ops.cast(ops.reshape(labels, (-1,)), "int32"), self.num_classes)

    @property
    def fixed_labels(self) -> np.ndarray:
        """The class of each fixed latent: row ``k`` of the sample grid is class ``k``."""
        return np.arange(int(self.fixed_latents.shape[0])) // self.grid_columns

    # === Generator and discriminator with labels ===

    def generate_fakes(self, batch_size, labels=None, training: bool = False):
        """``G(z, y)`` for fresh ``z``; ``labels=None`` draws labels uniformly."""
        z = self.sample_latents(batch_size)
        if labels is None:
            labels = self.random_integers((batch_size,), 0, self.num_classes)
        return self.generator([z, self.one_hot(labels)], training=training)

    def discriminate(self, samples, labels=None, training: bool = True, augment: bool = True):
        if labels is None:
            raise ConfigurationError("A conditional discriminator needs the labels of the samples it judges.")
        return self.discriminator([self.augmented(samples, training, augment), self.one_hot(labels)], training=training)

    def call(self, inputs, training: bool = False):
        """``[z, y_onehot]`` to samples with [`sampling_generator`][kgan.models.gan_model.GANModel.sampling_generator]."""
        z, y = inputs
        return self.sampling_generator([z, y], training=False)

    def _labels_for(self, n: int, labels: Any) -> np.ndarray:
        if labels is None:
            return np.arange(n) % self.num_classes
        values = np.asarray(labels)
        if values.ndim == 0:
            values = np.full(n, values)
        if values.shape != (n,) or not np.issubdtype(values.dtype, np.integer):
            raise ConfigurationError(
                f"labels must be one integer or {n} integers (one per sample), received shape {values.shape} "
                f"dtype {values.dtype}"
            )
        if values.min() < 0 or values.max() >= self.num_classes:
            raise ConfigurationError(
                f"labels must lie in [0, {self.num_classes - 1}] (num_classes={self.num_classes}), "
                f"received values from {values.min()} to {values.max()}"
            )
        return values

    def generate(self, n: int, seed: int | None = None, batch_size: int = 256, labels: Any = None) -> np.ndarray:
        """``n`` samples of the given classes, the generator in inference mode.

        Args:
            n: Number of samples.
            seed: Same seed (and labels), same samples, on every backend. ``None`` draws fresh latents.
            batch_size: Samples per forward pass.
            labels: One class for all, ``n`` classes, or ``None``: classes ``0, 1, ..., K-1, 0, ...``.

        Returns:
            ``np.ndarray`` of shape ``(n, *sample_shape)``, float32.
        """
        check_int("n", n)
        classes = self._labels_for(int(n), labels)
        z = keras.ops.convert_to_tensor(self.generation_latents(n, seed))
        y = self.one_hot(classes)
        parts = [
            keras.ops.convert_to_numpy(self.sampling_generator([z[i : i + batch_size], y[i : i + batch_size]], training=False))
            for i in range(0, int(n), batch_size)
        ]
        return np.concatenate(parts).astype(np.float32)

    def sample_fixed(self, n: int | None = None) -> np.ndarray:
        """Samples from the fixed latents with [`fixed_labels`][kgan.models.conditional.ConditionalGANModel.fixed_labels] (one class per grid row)."""
        count = int(self.fixed_latents.shape[0]) if n is None else int(n)
        y = self.one_hot(self.fixed_labels[:count])
        return np.asarray(keras.ops.convert_to_numpy(self.sampling_generator([self.fixed_latents[:count], y], training=False)))

    # === Data ===

    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return x, y

    def example_data(self, n: int = 16, seed: int = 0) -> tuple:
        x, _ = super().example_data(n, seed)
        return x, np.arange(n) % self.num_classes

    def check_data(self, x: Any, y: Any = None, where: str = "fit") -> None:
        super().check_data(x, y, where)
        samples, labels = first_batch(x, y)
        if samples is None:
            return
        if labels is None:
            raise DataError(
                f"A conditional GAN trains on images and their labels: {where}(x, y) with integer labels, or "
                f"a dataset of (images, labels) pairs; no labels were given."
            )
        labels = np.asarray(labels)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
            raise DataError(
                f"labels for {where} must be integers of shape (n,), received shape {labels.shape} dtype "
                f"{labels.dtype}; pass class indices, not one-hot vectors (np.argmax(y, axis=1))."
            )
        if len(labels) and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise DataError(
                f"labels for {where} must lie in [0, {self.num_classes - 1}] (num_classes={self.num_classes}), "
                f"received values from {labels.min()} to {labels.max()}"
            )
        if isinstance(samples, np.ndarray) and y is not None and len(np.asarray(y)) != len(samples):
            raise DataError(f"{where} received {len(samples)} images but {len(np.asarray(y))} labels.")

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes}
