"""GANModel: a generator and a discriminator trained by ``model.fit``."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from kgan import losses as losses_module
from kgan.arguments import check_int, check_number
from kgan.errors import ConfigurationError
from kgan.models.adversarial import AdversarialModel, agreed_sample_shape, static_shape
from kgan.models.capabilities import Capabilities
from kgan.models.replay import replay_mix

__all__ = ["GANModel", "ema_momentum_at"]

EMA_WARMUP = 10.0
"""The constant ``c`` of the weight average's warm-up, ``(1 + t) / (c + t)``."""


def ema_momentum_at(momentum, step, warmup: float = EMA_WARMUP):
    """The generator weight average's momentum after generator step ``step``.

    ``m = min(momentum, (1 + t) / (warmup + t))``. Early in training the second term is the smaller
    one, so the average covers about the last ``t / (warmup - 1)`` steps rather than being dominated by
    the initial weights; ``momentum`` takes over once ``t > (momentum * warmup - 1) / (1 - momentum)``
    (step 8,990 for ``momentum=0.999`` and ``warmup=10``). This is the momentum
    [`GANModel.update_generator_ema()`][kgan.models.gan_model.GANModel.update_generator_ema] uses.

    Args:
        momentum: The average's momentum once warmed up, in ``(0, 1)``.
        step: Generator steps taken so far, a number or a scalar tensor.
        warmup: The warm-up constant ``c > 1``; larger keeps the average shorter for longer.

    Returns:
        A float32 scalar tensor.
    """
    t = ops.cast(step, "float32")
    return ops.minimum(ops.cast(momentum, "float32"), (1.0 + t) / (float(warmup) + t))


def latent_dim_of(generator: keras.Model, latent_dim: int | None) -> int:
    """``latent_dim``, checked against the generator's input, or read from it when ``None``."""
    from_generator = static_shape(generator, "input")
    if latent_dim is None:
        if from_generator is None or len(from_generator) != 1 or from_generator[0] is None:
            raise ConfigurationError(
                "latent_dim could not be read from the generator's input "
                f"(input shape {from_generator}); pass latent_dim=N explicitly."
            )
        return int(from_generator[0])
    latent_dim = check_int("latent_dim", latent_dim)
    if from_generator is not None and len(from_generator) == 1 and from_generator[0] not in (None, latent_dim):
        raise ConfigurationError(
            f"latent_dim={latent_dim} but the generator takes inputs of size {from_generator[0]}; "
            f"drop latent_dim or build the generator with Input(shape=({latent_dim},))."
        )
    return int(latent_dim)


def _check_ema(ema_momentum: float | None) -> float | None:
    if ema_momentum is None:
        return None
    if isinstance(ema_momentum, bool) or not 0.0 < float(ema_momentum) < 1.0:
        raise ConfigurationError(
            f"ema_momentum must be None or a number in (0, 1), typically 0.999, received {ema_momentum!r}"
        )
    return float(ema_momentum)


@keras.saving.register_keras_serializable(package="kgan")
class GANModel(AdversarialModel):
    """A GAN as a Keras model: ``fit`` trains the discriminator and the generator in turn.

    Each training step runs ``d_steps`` discriminator updates, each on fresh fakes ``G(z)`` with
    ``z ~ N(0, I)`` and with no gradient flowing into G, then one generator update through the frozen
    discriminator. The adversarial objective comes from a [`GANLoss`][kgan.losses.GANLoss] chosen in
    [`compile()`][kgan.models.gan_model.GANModel.compile]. Calling the model, or ``predict``, maps latent vectors to samples.

    Args:
        generator: Keras model ``(batch, latent_dim) -> (batch, *sample_shape)``.
        discriminator: Keras model ``(batch, *sample_shape) -> (batch, 1)`` raw outputs (no sigmoid).
        latent_dim: Size of ``z``. Read from the generator's input when omitted.
        seed: Seed of the training noise; ``None`` draws one.
        ema_momentum: Keep an exponential moving average of the generator's weights,
            ``ema = m * ema + (1 - m) * w`` after each generator step, with
            ``m = min(ema_momentum, (1 + t) / (10 + t))`` at step ``t`` so that early averages are
            not dominated by the initial weights ([`ema_momentum_at()`][kgan.models.gan_model.ema_momentum_at]). [`generate()`][kgan.models.gan_model.GANModel.generate], ``predict`` and calling the
            model then use the averaged generator ([`sampling_generator`][kgan.models.gan_model.GANModel.sampling_generator]). ``None``: no average.
        fixed_latents: How many latent vectors to draw once, at construction, and keep with the
            model (saved, restored) so that sample grids show the same ``z`` across epochs, resumes
            and reloads: `fixed_latents`, shape ``(fixed_latents, latent_dim)``.
        recipe: The defaults [`compile()`][kgan.models.gan_model.GANModel.compile] uses for what it is not given: ``loss`` (name or
            config), Adam's ``learning_rate`` and ``beta_1`` for both networks; and ``batch_size``
            for ``kgan train``. Architectures set the recipe measured to work for them; it is saved
            with the model. Default `DEFAULT_RECIPE`. ``learning_rate`` may be a
            ``keras.optimizers.schedules.LearningRateSchedule`` or its config
            ([`AdversarialModel`][kgan.models.adversarial.AdversarialModel]).
        data_range: ``(low, high)`` range real data must lie in, checked before training. ``"auto"``
            means ``(-1, 1)`` (tanh images) for samples of rank 3 and no check otherwise.
        replay_size: Keep a memory of this many past fakes (a ring buffer, saved with the model) and
            show D a mix of fresh and remembered fakes ([`replay()`][kgan.models.gan_model.GANModel.replay]); ``0``: fresh fakes only.
            Should be at least the batch size.
        replay_fraction: Probability that each fake in D's batch is replaced by a remembered one.
        **kwargs: Passed to ``keras.Model`` (``name``...).

    Subclass it to change a step: override [`compute_discriminator_loss()`][kgan.models.gan_model.GANModel.compute_discriminator_loss] or
    [`compute_generator_loss()`][kgan.models.gan_model.GANModel.compute_generator_loss] (backend-independent maths), [`generate_fakes()`][kgan.models.gan_model.GANModel.generate_fakes] (conditioning),
    or [`discriminator_step()`][kgan.models.gan_model.GANModel.discriminator_step] / [`generator_step()`][kgan.models.gan_model.GANModel.generator_step] (one whole update each).

    Example:
        >>> gan = kgan.GANModel(generator=g, discriminator=d)
        >>> gan.compile(loss="bce")          # Adam(2e-4, beta_1=0.5) for both by default
        >>> gan.fit(images, batch_size=128, epochs=5)
        >>> samples = gan.generate(16, seed=0)
    """

    optimizer_networks: ClassVar[dict[str, str]] = {"g_optimizer": "generator", "d_optimizer": "discriminator"}
    metric_names: ClassVar[tuple[str, ...]] = ("d_loss", "g_loss", "d_real", "d_fake", "d_acc_real", "d_acc_fake", "d_grad_norm", "g_grad_norm", "penalty")
    saved_first: ClassVar[tuple[str, ...]] = ("fixed_latents",)

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        latent_dim: int | None = None,
        seed: int | None = None,
        data_range: Any = "auto",
        ema_momentum: float | None = None,
        recipe: dict | None = None,
        fixed_latents: int = 64,
        replay_size: int = 0,
        replay_fraction: float = 0.5,
        **kwargs,
    ):
        for arg, value in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(value, keras.layers.Layer):
                raise ConfigurationError(
                    f"{arg} must be a Keras model or layer, received {type(value).__name__}: {value!r}"
                )
        latent_dim = latent_dim_of(generator, latent_dim)
        sample_shape = type(self).network_sample_shape(generator, discriminator)
        ema_momentum = _check_ema(ema_momentum)
        check_int("fixed_latents", fixed_latents)
        check_int("replay_size", replay_size, 0, meaning=" (0: no replay)")
        check_number("replay_fraction", replay_fraction, 0, 1)
        if replay_size and sample_shape is None:
            raise ConfigurationError("replay_size needs networks with a known sample shape (build them first).")
        super().__init__(sample_shape=sample_shape, seed=seed, data_range=data_range, recipe=recipe, **kwargs)
        # === Networks ===
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        # === State ===
        self.ema_momentum = ema_momentum
        self.generator_ema = None
        if self.ema_momentum is not None:
            self.generator_ema = keras.models.clone_model(generator)
            self.generator_ema.trainable = False
            for target, source in zip(self.generator_ema.weights, generator.weights, strict=True):
                target.assign(source)
        self._n_fixed = int(fixed_latents)
        self.fixed_latents = self.add_weight(
            shape=(self._n_fixed, self.latent_dim),
            initializer=keras.initializers.RandomNormal(mean=0.0, stddev=1.0, seed=1234 if seed is None else seed),
            trainable=False,
            name="fixed_latents",
        )
        self.replay_size, self.replay_fraction = int(replay_size), float(replay_fraction)
        self.replay_buffer = self.replay_count = None
        if self.replay_size:
            self.replay_buffer = self.add_weight(
                shape=(self.replay_size, *self.sample_shape), initializer="zeros", trainable=False, name="replay_buffer"
            )
            self.replay_count = self.add_weight(
                shape=(), dtype="int64", initializer="zeros", trainable=False, name="replay_count"
            )
        self.d_steps = 1
        self.shared_generator_pass = False
        if getattr(generator, "built", False) and getattr(discriminator, "built", False):
            self.built = True

    @classmethod
    def network_sample_shape(cls, generator: keras.Model, discriminator: keras.Model) -> tuple | None:
        """The sample shape both networks agree on (``None`` if neither declares it), or a
        [`ConfigurationError`][kgan.errors.ConfigurationError]. Called on the class, before the model
        exists; subclasses whose networks take or give more than one tensor override it."""
        return agreed_sample_shape(generator, discriminator)

    # === Compile ===

    def compile(
        self,
        g_optimizer: Any = None,
        d_optimizer: Any = None,
        loss: Any = None,
        d_steps: int | None = None,
        shared_generator_pass: bool = False,
        augment: Any = "recipe",
        **kwargs,
    ) -> None:
        """Configure training; what is not given comes from the model's `recipe`.

        Args:
            g_optimizer: Generator optimizer (instance, name or config). Default
                ``Adam(recipe["learning_rate"], beta_1=recipe["beta_1"])``, ``Adam(2e-4, beta_1=0.5)``
                unless the architecture chose otherwise; a loss that needs its own settings
                (``wgan-gp``: ``Adam(1e-3, beta_1=0, beta_2=0.9)``) gets them instead.
            d_optimizer: Discriminator optimizer, default as ``g_optimizer``.
            loss: A [`GANLoss`][kgan.losses.GANLoss], its registered name (``"bce"``, ``"lsgan"``,
                ``"hinge"``, ``"wgan-gp"``, ``"bce-r1"``, a plugin's) or config. Default
                ``recipe["loss"]`` (``"bce"``).
            d_steps: Discriminator updates per generator update; default: the loss's
                ``default_d_steps`` (5 for ``wgan-gp``, else 1).
            shared_generator_pass: One generator forward pass per step serves both updates (as in
                the TensorFlow DCGAN tutorial): D and G are updated simultaneously from the same
                fakes, saving one generator forward pass per step. Requires ``d_steps=1``. Default:
                separate passes, G updated against the freshly updated D.
            augment: Differentiable augmentation of everything D sees in training, real and fake, in
                both updates ([`kgan.models.diffaugment`][kgan.models.diffaugment]): ``"translation,cutout"``, any of
                ``translation``, ``cutout``, ``color``, or ``None``. Default ``recipe["augment"]``.
            **kwargs: Passed to ``keras.Model.compile`` (``jit_compile``, ``run_eagerly``,
                ``steps_per_execution``).

        Raises:
            ConfigurationError: For ``d_steps < 1`` or arguments a GAN cannot use.
        """
        gan_loss = losses_module.get(self.recipe["loss"] if loss is None else loss)
        if d_steps is None:
            d_steps = gan_loss.default_d_steps
        check_int("d_steps", d_steps, meaning=" (discriminator updates per generator update)")
        if shared_generator_pass and d_steps != 1:
            raise ConfigurationError(
                f"shared_generator_pass=True updates D and G once each from one generator pass, so it "
                f"needs d_steps=1; received d_steps={d_steps}."
            )
        super().compile(loss=gan_loss, augment=augment, g_optimizer=g_optimizer, d_optimizer=d_optimizer, **kwargs)
        self.d_steps, self.shared_generator_pass = int(d_steps), bool(shared_generator_pass)

    def get_compile_config(self) -> dict:
        config = super().get_compile_config()
        if config:
            config.update(d_steps=self.d_steps, shared_generator_pass=self.shared_generator_pass)
        return config

    # === What the model can do ===

    @property
    def capabilities(self) -> Capabilities:
        """What this model can do: [`AdversarialModel.capabilities`][kgan.models.adversarial.AdversarialModel.capabilities]
        with its ``latent_dim``."""
        return dataclasses.replace(super().capabilities, latent_dim=self.latent_dim)

    # === Sampling ===

    def sample_latents(self, n, seed: Any = None):
        """``z ~ N(0, I)`` of shape ``(n, latent_dim)``. ``seed=None`` uses the training noise state
        ([`random_normal()`][kgan.models.adversarial.AdversarialModel.random_normal])."""
        if seed is not None:
            return keras.random.normal((n, self.latent_dim), seed=seed)
        return self.random_normal((n, self.latent_dim))

    def generate_fakes(self, batch_size, labels=None, training: bool = False):
        """``G(z)`` for a fresh ``z``; the hook conditional models override to use ``labels``."""
        return self.generator(self.sample_latents(batch_size), training=training)

    @property
    def sampling_generator(self) -> keras.Model:
        """The generator used for sampling: the weight average when ``ema_momentum`` is set."""
        return self.generator if self.generator_ema is None else self.generator_ema

    def sample_fixed(self, n: int | None = None) -> np.ndarray:
        """Samples from the first ``n`` (default all) `fixed_latents`, in inference mode, with
        [`sampling_generator`][kgan.models.gan_model.GANModel.sampling_generator] (the weight average when EMA is on). Shape ``(n, *sample_shape)``."""
        z = self.fixed_latents if n is None else self.fixed_latents[:n]
        return np.asarray(keras.ops.convert_to_numpy(self.sampling_generator(z, training=False)))

    def call(self, inputs, training: bool = False):
        """Latent vectors ``(batch, latent_dim)`` to samples with [`sampling_generator`][kgan.models.gan_model.GANModel.sampling_generator]."""
        return self.sampling_generator(inputs, training=False)

    def generate(self, n: int, seed: int | None = None, batch_size: int = 256) -> np.ndarray:
        """``n`` samples as a numpy array, the generator in inference mode.

        Args:
            n: Number of samples.
            seed: Same seed, same samples, on every backend
                ([`generation_latents()`][kgan.models.gan_model.GANModel.generation_latents]).
                ``None`` draws fresh latents.
            batch_size: Samples generated per forward pass.

        Returns:
            ``np.ndarray`` of shape ``(n, *sample_shape)``, float32.
        """
        check_int("n", n)
        z = self.generation_latents(n, seed)
        return np.asarray(self.predict(z, batch_size=batch_size, verbose=0), dtype=np.float32)

    def generation_latents(self, n: int, seed: int | None = None) -> np.ndarray:
        """The latents [`generate()`][kgan.models.gan_model.GANModel.generate] maps to samples:
        ``z ~ N(0, I)`` of shape ``(n, latent_dim)``: numpy's ``default_rng(seed).standard_normal``
        cast to float32 (fresh latents when ``seed`` is ``None``).

        They come from numpy, not from the backend's random stream, so a ``.keras`` file generates
        the same samples for the same seed on TensorFlow, JAX and PyTorch."""
        return np.random.default_rng(seed).standard_normal((int(n), self.latent_dim)).astype(np.float32)

    # === Loss computations (backend-independent) ===

    def discriminate(self, samples, labels=None, training: bool = True, augment: bool = True):
        """D's raw outputs ``(batch, 1)``, after the compiled differentiable augmentation in training.

        The hook conditional models override to show D the labels too.
        """
        return self.discriminator(self.augmented(samples, training, augment), training=training)

    def compute_discriminator_loss(self, real, fake, labels=None, training: bool = True):
        """D's loss on a real and a fake batch.

        Returns:
            ``(loss, logs)``: the scalar D minimises (adversarial loss plus penalty) and a dict with
            ``d_loss`` (adversarial part), ``d_real`` and ``d_fake`` (mean raw D output),
            ``d_acc_real`` and ``d_acc_fake`` (fraction judged correctly, at the loss's
            ``decision_threshold``) and, with a penalty, ``penalty``.
        """
        real_logits = self.discriminate(real, labels, training=training)
        fake_logits = self.discriminate(fake, labels, training=training)
        adversarial = self.gan_loss.discriminator_loss(real_logits, fake_logits)
        threshold = self.gan_loss.decision_threshold
        logs = {
            "d_loss": adversarial,
            "d_real": ops.mean(real_logits),
            "d_fake": ops.mean(fake_logits),
            "d_acc_real": ops.mean(ops.cast(real_logits > threshold, "float32")),
            "d_acc_fake": ops.mean(ops.cast(fake_logits <= threshold, "float32")),
        }
        loss = adversarial
        if self.gan_loss.penalty is not None:
            penalty = self.compute_penalty(real, fake, labels, training=training)
            logs["penalty"] = penalty
            loss = loss + penalty
        return loss, logs

    def compute_penalty(self, real, fake, labels=None, training: bool = True):
        """The loss's gradient penalty at its points; lazily every ``penalty.every`` steps in training."""
        penalty = self.gan_loss.penalty
        # drawn outside the lazy branch: a branch that changes state (the noise seed) cannot be traced
        # by every backend (JAX's lax.cond would leak it)
        real, fake = ops.convert_to_tensor(real), ops.stop_gradient(ops.convert_to_tensor(fake))
        points = self.on_global_batch(lambda r, f: penalty.points(r, f, seed=self.noise_seed), real, fake)
        points = ops.stop_gradient(ops.convert_to_tensor(points))

        def value():
            grads = self.input_gradients(lambda p: self.discriminate(p, labels, training=training, augment=False), points)
            return penalty(grads, step=self.d_optimizer.iterations)

        if not training or penalty.every == 1:
            return value()
        due = ops.equal(ops.mod(self.d_optimizer.iterations, penalty.every), 0)
        return ops.cond(due, lambda: value() * float(penalty.every), lambda: ops.zeros((), dtype="float32"))

    def compute_generator_loss(self, real, labels=None, training: bool = True):
        """G's loss through the frozen discriminator. Returns ``(loss, {"g_loss": loss})``."""
        fake = self.generate_fakes(ops.shape(real)[0], labels, training=training)
        return self.generator_loss_on(fake, real, labels, training=training)

    def generator_loss_on(self, fake, real, labels=None, training: bool = True):
        """G's loss for given fakes (which must carry G's gradient). Returns ``(loss, logs)``."""
        fake_logits = self.discriminate(fake, labels, training=training)
        real_logits = None
        if self.gan_loss.requires_real_logits:
            real_logits = self.discriminate(real, labels, training=training)
        loss = self.gan_loss.generator_loss(fake_logits, real_logits)
        return loss, {"g_loss": loss}

    # === Steps ===

    def discriminator_step(self, real, labels=None) -> dict:
        """One discriminator update on ``real`` and fresh fakes detached from G. Returns logs."""
        fake = ops.stop_gradient(self.generate_fakes(ops.shape(real)[0], labels, training=True))
        if self.replay_buffer is not None:
            fake = self.replay(fake)
        logs, grad_norm = self._optimize(
            lambda: self.compute_discriminator_loss(real, fake, labels, training=True),
            self.discriminator.trainable_variables,
            self.d_optimizer,
        )
        return {**logs, "d_grad_norm": grad_norm}

    def replay(self, fake):
        """Fakes for D from fresh ``fake`` ``(batch, *sample_shape)`` and the memory of past fakes.

        Each sample is swapped, with probability ``replay_fraction``, for one drawn uniformly from the
        buffer (once it holds any); then the fresh fakes overwrite the oldest entries of the ring
        buffer. Conditional models, whose fakes carry labels, should not use it.
        """
        return self.on_global_batch(
            lambda f: replay_mix(self.replay_buffer, self.replay_count, f, self.replay_fraction, self.noise_seed), fake
        )

    def generator_step(self, real, labels=None) -> dict:
        """One generator update; only G's variables change. Returns logs."""
        logs, grad_norm = self._optimize(
            lambda: self.compute_generator_loss(real, labels, training=True),
            self.generator.trainable_variables,
            self.g_optimizer,
        )
        return {**logs, "g_grad_norm": grad_norm}

    def shared_step(self, real, labels=None) -> dict:
        """Both updates from one generator pass: D on ``stop_gradient(fake)``, G through ``fake``."""

        def losses():
            fake = self.generate_fakes(ops.shape(real)[0], labels, training=True)
            d_fake = ops.stop_gradient(fake)
            if self.replay_buffer is not None:
                d_fake = self.replay(d_fake)
            d_loss, d_logs = self.compute_discriminator_loss(real, d_fake, labels, training=True)
            g_loss, g_logs = self.generator_loss_on(fake, real, labels, training=True)
            return (d_loss, g_loss), {**d_logs, **g_logs}

        logs, (d_norm, g_norm) = self._optimize_pair(
            losses,
            (self.discriminator.trainable_variables, self.d_optimizer),
            (self.generator.trainable_variables, self.g_optimizer),
        )
        return {**logs, "d_grad_norm": d_norm, "g_grad_norm": g_norm}

    def train_step(self, data):
        real, labels = self.unpack_batch(data)
        if self.shared_generator_pass:
            logs = self.shared_step(real, labels)
        else:
            d_logs = {}
            for _ in range(self.d_steps):
                d_logs = self.discriminator_step(real, labels)
            logs = {**d_logs, **self.generator_step(real, labels)}
        if self.generator_ema is not None:
            self.update_generator_ema()
        return self._update_trackers(logs)

    def update_generator_ema(self) -> None:
        """``ema = m * ema + (1 - m) * w`` over all generator weights, with the warm-up of ``ema_momentum``."""
        m = ema_momentum_at(self.ema_momentum, self.g_optimizer.iterations)
        for average, weight in zip(self.generator_ema.weights, self.generator.weights, strict=True):
            average.assign(m * average + (1.0 - m) * ops.cast(weight, average.dtype))

    def test_step(self, data):
        real, labels = self.unpack_batch(data)
        fake = self.generate_fakes(ops.shape(real)[0], labels, training=False)
        _, d_logs = self.compute_discriminator_loss(real, fake, labels, training=False)
        _, g_logs = self.compute_generator_loss(real, labels, training=False)
        return self._update_trackers({**d_logs, **g_logs})

    # === Saving ===

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "fixed_latents": self._n_fixed,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "ema_momentum": self.ema_momentum,
            "replay_size": self.replay_size,
            "replay_fraction": self.replay_fraction,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

