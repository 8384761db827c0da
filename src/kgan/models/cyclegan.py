"""CycleGANModel: unpaired translation between two image domains (Zhu et al., 2017)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from kgan import losses as losses_module
from kgan.arguments import check_int, check_number
from kgan.errors import ConfigurationError
from kgan.losses.reconstruction import CycleConsistencyLoss, IdentityLoss
from kgan.models.adversarial import AdversarialModel, agreed_sample_shape, static_shape
from kgan.models.capabilities import Capabilities
from kgan.models.data_checks import check_samples, two_domains
from kgan.models.replay import replay_mix

__all__ = ["CycleGANModel"]


def _image_to_image_shape(generator: keras.Model, discriminator: keras.Model) -> tuple:
    """The image shape a translating generator keeps and its discriminator reads."""
    for arg, value in (("generator_g", generator), ("discriminator_y", discriminator)):
        if not isinstance(value, keras.layers.Layer):
            raise ConfigurationError(f"{arg} must be a Keras model or layer, received {type(value).__name__}: {value!r}")
    shape, g_in = agreed_sample_shape(generator, discriminator), static_shape(generator, "input")
    if shape is None or g_in != shape:
        raise ConfigurationError(
            f"A CycleGAN generator maps images to images of the same shape; generator_g takes {g_in} "
            f"and produces {shape}."
        )
    return shape


@keras.saving.register_keras_serializable(package="kgan")
class CycleGANModel(AdversarialModel):
    """Two generators and two discriminators trained on unpaired images of domains X and Y.

    In the paper's notation: ``generator_g: X -> Y``, ``generator_f: Y -> X``, ``discriminator_y``
    judges ``Y`` (real ``y`` against ``G(x)``) and ``discriminator_x`` judges ``X``. One training step:

    1. G and F together minimise (each with its own optimizer)
       ``L_adv(G, D_Y) + L_adv(F, D_X) + cycle_weight * (|F(G(x)) - x|_1 + |G(F(y)) - y|_1)
       + identity_weight * (|G(y) - y|_1 + |F(x) - x|_1)``;
    2. D_Y and D_X are updated (each with its own optimizer) on real images against fakes drawn
       half from the fresh batch and half from an image pool of ``pool_size`` past fakes per domain.

    The adversarial loss is the compiled [`GANLoss`][kgan.losses.GANLoss] (the recipe's ``lsgan``, as in
    the paper); losses with a gradient penalty are not supported here. ``fit(x_images, y_images)`` or a
    dataset of ``(x_batch, y_batch)`` pairs; the pairs are not corresponding images (unpaired).

    Args:
        generator_g, generator_f: ``(batch, H, W, C) -> (batch, H, W, C)`` in ``[-1, 1]``.
        discriminator_x, discriminator_y: ``(batch, H, W, C) -> (batch, ...)`` raw logits (a patch map
            or one value per image).
        cycle_weight: ``lambda`` of the cycle-consistency loss (paper: 10).
        identity_weight: Weight of the identity loss (paper: ``0.5 * lambda = 5``; 0 turns it off).
        pool_size: Past fakes kept per domain for the discriminators (paper: 50; 0 turns it off).
        fixed_inputs: How many images of each domain to keep (taken from the first batch ``fit`` sees,
            saved with the model) for the sample grids: rows ``x``, ``G(x)``, ``y``, ``F(y)``.
        **kwargs: ``seed``, ``data_range``, ``recipe``, ``name`` as [`AdversarialModel`][kgan.models.adversarial.AdversarialModel].

    It has no latent space: [`translate()`][kgan.models.cyclegan.CycleGANModel.translate] maps images
    of one domain to the other, and its [`capabilities`][kgan.models.adversarial.AdversarialModel.capabilities]
    say so (``latent_dim=None``, ``translates=True``). The networks are attributes ``generator``
    (G, also ``generator_g``), ``generator_f``, ``discriminator`` (D_Y, also ``discriminator_y``) and
    ``discriminator_x``.
    """

    trains_on: ClassVar[str] = "two domains"

    optimizer_networks: ClassVar[dict[str, str]] = {
        "g_optimizer": "generator", "d_optimizer": "discriminator", "f_optimizer": "generator_f", "dx_optimizer": "discriminator_x",
    }
    metric_names: ClassVar[tuple[str, ...]] = (
        "g_loss", "f_loss", "cycle_loss", "identity_loss", "d_loss", "dx_loss",
        "d_real", "d_fake", "g_grad_norm", "f_grad_norm", "d_grad_norm", "dx_grad_norm",
    )
    saved_first: ClassVar[tuple[str, ...]] = ("fixed_x", "fixed_y", "fixed_ready")

    def __init__(
        self,
        generator_g: keras.Model,
        generator_f: keras.Model,
        discriminator_x: keras.Model,
        discriminator_y: keras.Model,
        cycle_weight: float = 10.0,
        identity_weight: float = 5.0,
        pool_size: int = 50,
        fixed_inputs: int = 8,
        **kwargs,
    ):
        for arg in ("ema_momentum", "replay_size", "latent_dim", "fixed_latents"):
            if kwargs.get(arg) not in (None, 0):
                raise ConfigurationError(f"CycleGANModel does not take {arg}= (it has no latent space and its own image pool); drop it.")
            kwargs.pop(arg, None)
        for arg, value in (("cycle_weight", cycle_weight), ("identity_weight", identity_weight)):
            check_number(arg, value, 0)
        check_int("pool_size", pool_size, 0)
        check_int("fixed_inputs", fixed_inputs)
        shape = _image_to_image_shape(generator_g, discriminator_y)
        super().__init__(sample_shape=shape, **kwargs)
        self.generator, self.discriminator = generator_g, discriminator_y  # names kept from kgan 0.1's files
        self.generator_f, self.discriminator_x = generator_f, discriminator_x
        self.cycle_weight, self.identity_weight, self.pool_size = float(cycle_weight), float(identity_weight), int(pool_size)
        self.cycle_loss = CycleConsistencyLoss(weight=self.cycle_weight)
        self.identity_loss = IdentityLoss(weight=self.identity_weight)
        self._n_fixed = int(fixed_inputs)
        self.fixed_x = self.add_weight(shape=(self._n_fixed, *shape), initializer="zeros", trainable=False, name="fixed_x")
        self.fixed_y = self.add_weight(shape=(self._n_fixed, *shape), initializer="zeros", trainable=False, name="fixed_y")
        self.fixed_ready = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="fixed_ready")
        self.pool_x = self.pool_y = self.pool_x_count = self.pool_y_count = None
        if self.pool_size:
            self.pool_x = self.add_weight(shape=(self.pool_size, *shape), initializer="zeros", trainable=False, name="pool_x")
            self.pool_y = self.add_weight(shape=(self.pool_size, *shape), initializer="zeros", trainable=False, name="pool_y")
            self.pool_x_count = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="pool_x_count")
            self.pool_y_count = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="pool_y_count")
        self.grid_columns = self._n_fixed
        if all(getattr(net, "built", False) for net in (generator_g, generator_f, discriminator_x, discriminator_y)):
            self.built = True

    # --- the paper's names for the networks ---
    @property
    def generator_g(self) -> keras.Model:
        return self.generator

    @property
    def discriminator_y(self) -> keras.Model:
        return self.discriminator

    def discriminate_x(self, samples, training: bool = True, augment: bool = True):
        """``D_X``'s raw outputs, after the compiled augmentation in training."""
        return self.discriminator_x(self.augmented(samples, training, augment), training=training)

    def discriminate_y(self, samples, training: bool = True, augment: bool = True):
        """``D_Y``'s raw outputs, after the compiled augmentation in training."""
        return self.discriminator(self.augmented(samples, training, augment), training=training)

    @property
    def capabilities(self) -> Capabilities:
        return dataclasses.replace(super().capabilities, domains=2, translates=True, plain_generator=False)

    # === Compile: four optimizers ===

    def compile(self, g_optimizer: Any = None, d_optimizer: Any = None, loss: Any = None, f_optimizer: Any = None, dx_optimizer: Any = None, augment: Any = None, **kwargs) -> None:
        """Configure training: ``g_optimizer`` (G), ``f_optimizer`` (F), ``d_optimizer`` (D_Y),
        ``dx_optimizer`` (D_X), each default ``Adam(recipe["learning_rate"], beta_1=recipe["beta_1"])``;
        the adversarial ``loss`` (default ``recipe["loss"]``); ``augment``, the differentiable
        augmentation of what both discriminators see (default none). Other keywords go to
        ``keras.Model.compile``."""
        for arg in ("d_steps", "shared_generator_pass"):  # kgan 0.1 files store the values that mean "as usual"
            if kwargs.pop(arg, None) not in (None, False, 1):
                raise ConfigurationError(f"CycleGANModel.compile does not take {arg}=; it updates each network once per step.")
        gan_loss = losses_module.get(self.recipe["loss"] if loss is None else loss)
        if gan_loss.penalty is not None:
            raise ConfigurationError(
                f"CycleGANModel supports adversarial losses without a gradient penalty (bce, lsgan, hinge); "
                f"received {type(gan_loss).__name__}."
            )
        super().compile(
            loss=gan_loss, augment=augment, g_optimizer=g_optimizer, d_optimizer=d_optimizer, f_optimizer=f_optimizer, dx_optimizer=dx_optimizer, **kwargs
        )

    # === Translation ===

    def translate(self, images, direction: str = "x2y", batch_size: int = 256) -> np.ndarray:
        """``G(images)`` (``"x2y"``) or ``F(images)`` (``"y2x"``), inference mode, as numpy float32."""
        if direction not in ("x2y", "y2x"):
            raise ConfigurationError(f"direction must be 'x2y' or 'y2x', received {direction!r}")
        images = np.asarray(images, dtype="float32")
        check_samples(images, self.sample_shape, self.data_range, where="translate()")
        net = self.generator if direction == "x2y" else self.generator_f
        parts = [keras.ops.convert_to_numpy(net(images[i : i + batch_size], training=False)) for i in range(0, len(images), batch_size)]
        return np.concatenate(parts).astype(np.float32)

    def call(self, inputs, training: bool = False):
        """``G(inputs)``: X images to Y."""
        return self.generator(inputs, training=False)

    def generate(self, n: int, seed: int | None = None, batch_size: int = 256) -> np.ndarray:
        """Not available: a CycleGAN has no latent space. Raises a
        [`ConfigurationError`][kgan.errors.ConfigurationError] that points to ``translate``, for the
        habit ``gan.generate(n)`` that other kgan models answer."""
        raise ConfigurationError("A CycleGAN has no latent space to sample; use translate(images, direction='x2y' or 'y2x').")

    def sample_fixed(self, n: int | None = None) -> np.ndarray:
        """Rows ``x``, ``G(x)``, ``y``, ``F(y)`` for the fixed inputs (zeros until ``fit`` sees data)."""
        x = keras.ops.convert_to_numpy(self.fixed_x)
        y = keras.ops.convert_to_numpy(self.fixed_y)
        g = keras.ops.convert_to_numpy(self.generator(x, training=False))
        f = keras.ops.convert_to_numpy(self.generator_f(y, training=False))
        return np.concatenate([x, g, y, f]).astype(np.float32)

    # === Training ===

    def train_step(self, data):
        x, y = self.unpack_batch(data)

        def generator_losses():
            fake_y = self.generator(x, training=True)
            fake_x = self.generator_f(y, training=True)
            adv_g = self.gan_loss.generator_loss(self.discriminate_y(fake_y, training=True), None)
            adv_f = self.gan_loss.generator_loss(self.discriminate_x(fake_x), None)
            cycle = self.cycle_loss(x, self.generator_f(fake_y, training=True)) + self.cycle_loss(y, self.generator(fake_x, training=True))
            total = adv_g + adv_f + cycle
            logs = {"g_loss": adv_g, "f_loss": adv_f, "cycle_loss": cycle}
            if self.identity_weight:
                identity = self.identity_loss(y, self.generator(y, training=True)) + self.identity_loss(x, self.generator_f(x, training=True))
                total = total + identity
                logs["identity_loss"] = identity
            return (total, total), (logs, (fake_x, fake_y))  # the fakes come back for the discriminators

        (g_logs, fakes), (g_norm, f_norm) = self._optimize_pair(
            generator_losses,
            (self.generator.trainable_variables, self.g_optimizer),
            (self.generator_f.trainable_variables, self.f_optimizer),
        )
        fake_x, fake_y = (ops.stop_gradient(f) for f in fakes)
        if self.pool_size:
            fake_x, fake_y = self.on_global_batch(
                lambda fx, fy: (
                    replay_mix(self.pool_x, self.pool_x_count, fx, 0.5, self.noise_seed),
                    replay_mix(self.pool_y, self.pool_y_count, fy, 0.5, self.noise_seed),
                ),
                fake_x,
                fake_y,
            )

        def discriminator_losses():
            real_y_logits = self.discriminate_y(y, training=True)
            fake_y_logits = self.discriminate_y(fake_y, training=True)
            d_y = self.gan_loss.discriminator_loss(real_y_logits, fake_y_logits)
            d_x = self.gan_loss.discriminator_loss(self.discriminate_x(x), self.discriminate_x(fake_x))
            logs = {"d_loss": d_y, "dx_loss": d_x, "d_real": ops.mean(real_y_logits), "d_fake": ops.mean(fake_y_logits)}
            return (d_y, d_x), logs

        d_logs, (d_norm, dx_norm) = self._optimize_pair(
            discriminator_losses,
            (self.discriminator.trainable_variables, self.d_optimizer),
            (self.discriminator_x.trainable_variables, self.dx_optimizer),
        )
        norms = {"g_grad_norm": g_norm, "f_grad_norm": f_norm, "d_grad_norm": d_norm, "dx_grad_norm": dx_norm}
        return self._update_trackers({**g_logs, **d_logs, **norms})

    def test_step(self, data):
        x, y = self.unpack_batch(data)
        fake_y, fake_x = self.generator(x, training=False), self.generator_f(y, training=False)
        logs = {
            "g_loss": self.gan_loss.generator_loss(self.discriminate_y(fake_y, training=False), None),
            "f_loss": self.gan_loss.generator_loss(self.discriminate_x(fake_x, training=False), None),
            "cycle_loss": self.cycle_loss(x, self.generator_f(fake_y, training=False)) + self.cycle_loss(y, self.generator(fake_x, training=False)),
            "d_loss": self.gan_loss.discriminator_loss(self.discriminate_y(y, training=False), self.discriminate_y(fake_y, training=False)),
            "dx_loss": self.gan_loss.discriminator_loss(self.discriminate_x(x, training=False), self.discriminate_x(fake_x, training=False)),
        }
        return self._update_trackers(logs)

    def example_data(self, n: int = 16, seed: int = 0) -> tuple:
        x, _ = super().example_data(n, seed)
        y, _ = super().example_data(n, seed + 1)
        return x, y

    def check_data(self, x: Any, y: Any = None, where: str = "fit") -> None:
        super().check_data(x, y, where)
        xs, ys = two_domains(x, y, where, "CycleGAN", ("x", "y"))
        if xs is None:
            return
        check_samples(ys, self.sample_shape, self.data_range, where=f"the Y-domain data given to {where}")
        if where == "fit" and not int(keras.ops.convert_to_numpy(self.fixed_ready)):
            n = self._n_fixed
            pick = np.resize(np.arange(min(len(xs), len(ys))), n)
            self.fixed_x.assign(np.asarray(xs, "float32")[pick])
            self.fixed_y.assign(np.asarray(ys, "float32")[pick])
            self.fixed_ready.assign(1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "generator_g": keras.saving.serialize_keras_object(self.generator),
            "generator_f": keras.saving.serialize_keras_object(self.generator_f),
            "discriminator_x": keras.saving.serialize_keras_object(self.discriminator_x),
            "discriminator_y": keras.saving.serialize_keras_object(self.discriminator),
            "cycle_weight": self.cycle_weight,
            "identity_weight": self.identity_weight,
            "pool_size": self.pool_size,
            "fixed_inputs": self._n_fixed,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        for key in ("generator_g", "generator_f", "discriminator_x", "discriminator_y"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
