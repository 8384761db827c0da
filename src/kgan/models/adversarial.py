"""AdversarialModel: what every kgan model shares, whatever its networks are.

A kgan model is a ``keras.Model`` whose ``train_step`` updates several networks, each with its own
optimizer, against an adversarial [`GANLoss`][kgan.losses.GANLoss]. This base holds what does not
depend on which networks those are: the recipe and ``compile`` (one optimizer per network named in
[`optimizer_networks`][kgan.models.adversarial.AdversarialModel.optimizer_networks]), the training
noise and the draws that stay correct under data parallelism, differentiable augmentation, the
metric trackers, the data checks before ``fit``, the finished-epoch counter and saving. The backend
seam ([`kgan.models.backend`][kgan.models.backend]) comes in as a mixin.

Two families stand on it: [`GANModel`][kgan.GANModel], a generator from a latent space against a
discriminator (dcgan, cgan, cogan, progan, mlp), and [`CycleGANModel`][kgan.models.CycleGANModel],
two translators between image domains against two discriminators. A new kind of model subclasses
whichever is closer; a subclass's ``__init__`` works out what it needs from its networks, calls
``super().__init__`` with it, then sets its own attributes — the base calls no overridable method
while it constructs.
"""

from __future__ import annotations

from typing import Any, ClassVar

import keras
import numpy as np

from kgan import losses as losses_module
from kgan.arguments import check_schedule_config
from kgan.errors import ConfigurationError, KganError
from kgan.models.backend import GANTrainer
from kgan.models.capabilities import Capabilities
from kgan.models.data_checks import check_samples, first_batch
from kgan.models.diffaugment import diff_augment, parse_policy

__all__ = ["AdversarialModel", "DEFAULT_RECIPE", "agreed_sample_shape", "static_shape"]


DEFAULT_RECIPE = {"loss": "bce", "learning_rate": 2e-4, "beta_1": 0.5, "batch_size": 64, "augment": None}
"""What ``compile()`` (loss, Adam settings, differentiable augmentation) and ``kgan train`` (batch size)
use for what they are not given, unless the model carries its own ``recipe``."""


def _check_learning_rate(rate: Any) -> float | dict:
    """``recipe["learning_rate"]`` as the recipe keeps it: a positive float, or a learning-rate
    schedule's serialized config (an instance is serialized, so that the recipe stays JSON)."""
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
        return keras.optimizers.schedules.serialize(rate)
    if isinstance(rate, dict):
        check_schedule_config("recipe['learning_rate']", rate, "a positive number or a keras.optimizers.schedules LearningRateSchedule")
        return rate
    if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate > 0:
        return float(rate)
    raise ConfigurationError(
        f"recipe['learning_rate'] must be a positive number or a keras.optimizers.schedules "
        f"LearningRateSchedule (instance or config); received {rate!r}."
    )


def static_shape(model: Any, which: str) -> tuple | None:
    """``model.input_shape[1:]`` / ``model.output_shape[1:]`` (``which``: ``"input"`` or ``"output"``)
    when known and single, else ``None``."""
    try:
        shape = getattr(model, f"{which}_shape")
    except (AttributeError, ValueError, RuntimeError):
        return None
    if not isinstance(shape, tuple) or not shape or isinstance(shape[0], (tuple, list)):
        return None
    return tuple(shape[1:])


def agreed_sample_shape(generator: Any, discriminator: Any) -> tuple | None:
    """The sample shape a generator produces and a discriminator reads (``None`` if neither declares
    it), or a [`ConfigurationError`][kgan.errors.ConfigurationError] when they disagree."""
    g_out, d_in = static_shape(generator, "output"), static_shape(discriminator, "input")
    if g_out is not None and d_in is not None and g_out != d_in:
        raise ConfigurationError(
            f"The generator produces samples of shape {g_out} but the discriminator takes {d_in}. "
            f"Both networks must agree on one sample shape; rebuild one of them."
        )
    return d_in if d_in is not None else g_out


def _check_data_range(data_range: Any, sample_shape: tuple | None) -> tuple[float, float] | None:
    if data_range == "auto":
        return (-1.0, 1.0) if sample_shape is not None and len(sample_shape) == 3 else None
    if data_range is None:
        return None
    try:
        low, high = (float(v) for v in data_range)
    except (TypeError, ValueError):
        low, high = 1.0, 0.0
    if not low < high:
        raise ConfigurationError(f"data_range must be 'auto', None or (low, high) with low < high, received {data_range!r}")
    return (low, high)


class _EpochCounter(keras.callbacks.Callback):
    """Keeps ``model.completed_epochs`` equal to the number of finished epochs."""

    def on_epoch_end(self, epoch, logs=None):
        if not getattr(self.model, "stop_reason", None):  # an epoch cut short by a NaN did not complete
            self.model.completed_epochs.assign(epoch + 1)


class AdversarialModel(GANTrainer, keras.Model):
    """The base of every kgan model: networks trained against each other by ``model.fit``.

    Subclasses set the class attributes below, build their networks, and write ``train_step``,
    ``test_step``, ``call``, ``sample_fixed``, ``get_config`` and ``from_config``.

    Args:
        sample_shape: The shape of one training sample, ``(H, W, C)`` for images; ``None`` where the
            networks do not declare it (no shape check then).
        seed: Seed of the training noise; ``None`` draws one.
        data_range: ``(low, high)`` range real data must lie in, checked before training. ``"auto"``
            means ``(-1, 1)`` (tanh images) for samples of rank 3 and no check otherwise.
        recipe: The defaults ``compile()`` uses for what it is not given: ``loss`` (name or config),
            Adam's ``learning_rate`` and ``beta_1`` for every network, ``augment``; and
            ``batch_size`` for ``kgan train``. Saved with the model. Default `DEFAULT_RECIPE`.
            ``learning_rate`` is a positive number or a ``keras.optimizers.schedules.LearningRateSchedule``
            (an instance or its serialized config, e.g. ``{"class_name": "CosineDecay", "config":
            {"initial_learning_rate": 1e-3, "decay_steps": 8000, "alpha": 0.1}}``), whose step is
            each optimizer's own update count.
        **kwargs: Passed to ``keras.Model`` (``name``...).
    """

    optimizer_networks: ClassVar[dict[str, str]] = {}
    """``{optimizer attribute: network attribute}``: the networks ``compile`` gives an optimizer each,
    the first being ``model.optimizer`` (whose ``iterations`` count training steps)."""

    metric_names: ClassVar[tuple[str, ...]] = ()
    """The logs ``fit`` reports (one ``keras.metrics.Mean`` each, averaged over the epoch)."""

    saved_first: ClassVar[tuple[str, ...]] = ()
    """Names of the model's own variables that a ``.keras`` file stores before the others (which follow
    in creation order). Files store own variables by position, so this keeps the positions that
    earlier kgan versions wrote."""

    trains_on: ClassVar[str] = "samples"
    """What ``fit(x, y)`` takes: ``"samples"`` (``x`` only), ``"labelled samples"`` (``x`` and integer
    labels ``y``) or ``"two domains"`` (``x`` of one domain, ``y`` of the other). Declared by the
    class, so that tools can load the right data before a model exists
    ([`kgan.architectures.trains_on()`][kgan.architectures.trains_on])."""

    grid_columns: int | None = None
    """Columns of the sample grids (``None``: square); conditional models put one class per row."""

    def __init__(self, sample_shape: tuple | None = None, seed: int | None = None, data_range: Any = "auto", recipe: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.sample_shape = None if sample_shape is None else tuple(sample_shape)
        self.seed = seed
        self.data_range = _check_data_range(data_range, self.sample_shape)
        if recipe is not None and not isinstance(recipe, dict):
            raise ConfigurationError(f"recipe must be a dict of compile defaults, received {type(recipe).__name__}: {recipe!r}")
        unknown = set(recipe or {}) - set(DEFAULT_RECIPE)
        if unknown:
            raise ConfigurationError(f"recipe keys must be among {sorted(DEFAULT_RECIPE)}, received {sorted(unknown)}")
        self.recipe = {**DEFAULT_RECIPE, **(recipe or {})}
        self.recipe["learning_rate"] = _check_learning_rate(self.recipe["learning_rate"])
        self.noise_seed = keras.random.SeedGenerator(seed, name="noise_seed")
        self.completed_epochs = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="completed_epochs")
        self._trackers = [keras.metrics.Mean(name=n) for n in self.metric_names]
        self.gan_loss: losses_module.GANLoss | None = None
        self.augment: tuple[str, ...] = ()
        self.stop_reason: str | None = None

    # === Compile ===

    def compile(self, loss: Any = None, augment: Any = "recipe", **kwargs) -> None:
        """Configure training: one optimizer per network, the adversarial loss, the augmentation.

        Args:
            loss: A [`GANLoss`][kgan.losses.GANLoss], its registered name or config. Default
                ``recipe["loss"]``.
            augment: Differentiable augmentation of everything the discriminators see in training
                ([`kgan.models.diffaugment`][kgan.models.diffaugment]): ``"translation,cutout"``, any
                of ``translation``, ``cutout``, ``color``, or ``None``. Default ``recipe["augment"]``.
            **kwargs: One optimizer (instance, name or config) per key of ``optimizer_networks``,
                default ``Adam(recipe["learning_rate"], beta_1=recipe["beta_1"])`` or the loss's own
                settings; the rest goes to ``keras.Model.compile`` (``jit_compile``, ``run_eagerly``,
                ``steps_per_execution``).
        """
        names = list(self.optimizer_networks)
        for bad in ("optimizer", "metrics", "weighted_metrics", "loss_weights"):
            if bad in kwargs:
                raise ConfigurationError(
                    f"{type(self).__name__}.compile does not take {bad}=; use {', '.join(n + '=' for n in names)} for the "
                    f"optimizers (one per network), and loss= for the adversarial objective."
                )
        gan_loss = losses_module.get(self.recipe["loss"] if loss is None else loss)
        settings = self._optimizer_settings(gan_loss)
        given = {name: kwargs.pop(name, None) for name in names}
        optimizers = {name: keras.optimizers.get(o) if o is not None else keras.optimizers.Adam(**settings) for name, o in given.items()}
        if len({id(o) for o in optimizers.values()}) != len(optimizers):
            raise ConfigurationError(
                f"{' and '.join(names)} must be distinct: two of them are the same object; each network needs its own optimizer "
                f"(its moments belong to its variables). Pass {len(names)} instances."
            )
        augment = parse_policy(self.recipe.get("augment") if augment == "recipe" else augment)
        if augment and (self.sample_shape is None or len(self.sample_shape) != 3):
            raise ConfigurationError(
                f"augment={','.join(augment)!r} transforms images (batch, H, W, C); this model's samples "
                f"have shape {self.sample_shape}. Pass augment=None."
            )
        if keras.backend.backend() == "torch" and kwargs.get("jit_compile") is True and gan_loss.penalty is not None:
            raise ConfigurationError(
                "jit_compile=True on the torch backend compiles the step with torch.compile, whose autograd "
                "does not support the double backward a gradient penalty needs ('torch.compile with "
                "aot_autograd does not currently support double backward'). Use jit_compile=False (the torch "
                "default), or the JAX backend, whose compiled steps take gradient penalties."
            )
        self.gan_loss, self.augment = gan_loss, augment
        for name, optimizer in optimizers.items():
            setattr(self, name, optimizer)
        # model.optimizer is the first network's: its `iterations` counts training steps for callbacks.
        super().compile(optimizer=optimizers[names[0]], **kwargs)
        self._build_optimizers()

    def _optimizer_settings(self, gan_loss) -> dict:
        """Adam settings for ``compile`` without optimizers: the recipe's, unless the chosen loss needs
        its own (``GANLoss.default_optimizer``) and the recipe was made for another loss."""
        # A schedule is kept as its config (the recipe is saved as JSON). The optimizers may share the
        # built object: a schedule is stateless, a function of each optimizer's own update count.
        rate = self.recipe["learning_rate"]
        rate = keras.optimizers.schedules.deserialize(rate) if isinstance(rate, dict) else rate
        recipe_settings = {"learning_rate": rate, "beta_1": self.recipe["beta_1"]}
        if gan_loss.default_optimizer is None:
            return recipe_settings
        try:
            recipe_loss = losses_module.get(self.recipe["loss"])
        except KganError:  # a recipe naming a loss that is not installed: use the loss's own settings
            recipe_loss = None
        if recipe_loss is not None and type(recipe_loss) is type(gan_loss):
            return recipe_settings
        return dict(gan_loss.default_optimizer)

    def _optimizers(self) -> list:
        """Every optimizer the model trains with (none before ``compile``): the state a backend carries
        from step to step."""
        return [o for o in (getattr(self, name, None) for name in self.optimizer_networks) if o is not None]

    def _build_optimizers(self) -> None:
        for name, network in self.optimizer_networks.items():
            net, optimizer = getattr(self, network), getattr(self, name)
            if net.built and not optimizer.built:
                optimizer.build(net.trainable_variables)

    def get_compile_config(self) -> dict:
        if not self.compiled or self.gan_loss is None:
            return {}
        return {
            **{name: keras.optimizers.serialize(getattr(self, name)) for name in self.optimizer_networks},
            "loss": losses_module.serialize(self.gan_loss),
            "augment": ",".join(self.augment) or None,
        }

    def compile_from_config(self, config: dict) -> None:
        if not config:
            return
        config = dict(config)
        for name in self.optimizer_networks:
            config[name] = keras.optimizers.deserialize(config[name])
        config["loss"] = losses_module.get(config["loss"])
        config.setdefault("augment", None)  # files written before augmentation existed
        self.compile(**config)

    # === What the model can do ===

    @property
    def capabilities(self) -> Capabilities:
        """What this model can do (latent space, classes, domains, sample shape), declared by its class
        and read by [`kgan.train`][kgan.runs.train], `kgan.augment`, the CLI and `kgan.testing`. A subclass
        that changes what the model can do overrides this (``dataclasses.replace(super().capabilities, ...)``)."""
        return Capabilities(sample_shape=self.sample_shape)

    @property
    def generator_steps(self) -> int:
        """Training steps so far: the first optimizer's ``iterations`` (the generator's) as a Python
        int, on every backend and under ``tf.distribute``, whose replicated variables ``int()``
        cannot read."""
        # one reading for the model and its callbacks (which also serve models without this property)
        from kgan.models.counting import generator_steps

        return generator_steps(self)

    # === Randomness and augmentation inside a step ===

    def random_normal(self, shape):
        """Standard normal draws of ``shape`` for this step's batch, from the model's noise state.

        Use this (and [`random_integers()`][kgan.models.adversarial.AdversarialModel.random_integers]) for every
        random draw inside a training step instead of ``keras.random.*(seed=self.noise_seed)``: the
        first dimension is the batch, and under data parallelism each replica gets its own rows of one
        draw for the global batch (a bare ``keras.random`` call would give every replica the same
        numbers). The state is saved with the model, so a resumed run draws what the uninterrupted one
        would have. ``kgan.testing.check_training_step`` finds draws that bypass it."""
        shape = tuple(shape)
        return self.replica_draw(lambda m: keras.random.normal((m, *shape[1:]), seed=self.noise_seed), shape[0])

    def random_integers(self, shape, minval: int, maxval: int):
        """Integers uniform in ``[minval, maxval)`` of ``shape`` (first dimension: the batch), drawn
        like [`random_normal()`][kgan.models.adversarial.AdversarialModel.random_normal]."""
        shape = tuple(shape)
        return self.replica_draw(lambda m: keras.random.randint((m, *shape[1:]), minval, maxval, seed=self.noise_seed), shape[0])

    def augmented(self, samples, training: bool = True, augment: bool = True):
        """``samples`` after the differentiable augmentation given to ``compile(augment=...)``, in
        training with ``augment`` (unchanged otherwise). Every input of a discriminator goes through
        it, ``augment=False`` saying that this input deliberately is not augmented (a gradient
        penalty's): a subclass that calls a discriminator network itself passes the input through it
        first (``kgan.testing.check_training_step`` finds discriminator calls that skip it)."""
        if augment and training and self.augment:
            return self.on_global_batch(lambda s: diff_augment(s, self.augment, self.noise_seed), samples)
        return samples

    # === Sampling ===

    def sample_fixed(self, n: int | None = None) -> np.ndarray:
        """The images of the sample grids: the same inputs at every epoch, in inference mode, as numpy
        ``(n, *sample_shape)``. Every subclass defines what they are."""
        raise NotImplementedError(f"{type(self).__name__} must define sample_fixed(n) for its sample grids.")

    # === Data ===

    def unpack_batch(self, data):
        """``(x, y)`` from what the data pipeline yields: ``x``, ``(x,)`` or ``(x, y)``."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return x, y

    def example_data(self, n: int = 16, seed: int = 0) -> tuple:
        """Random ``(x, y)`` in the structure ``fit(x, y)`` takes: ``n`` samples uniform in [-1, 1]
        and ``y=None``; models that train on labels or a second domain return those as ``y``.
        For tests and [`kgan.testing.check_architecture()`][kgan.testing.check_architecture]."""
        x = np.random.default_rng(seed).uniform(-1, 1, size=(n, *self.sample_shape)).astype("float32")
        return x, None

    def check_data(self, x: Any, y: Any = None, where: str = "fit") -> None:
        """Refuse data this model cannot train on, before anything runs: the model must be compiled,
        and the first batch of ``x`` (array, ``tf.data`` or ``PyDataset``; ``y`` labels or a second
        domain) must have the model's sample shape, a float dtype and values in ``data_range``.
        ``fit`` and ``evaluate`` call it; subclasses extend it for their labels or domains.

        Raises:
            kgan.errors.ConfigurationError: Not compiled.
            kgan.errors.DataError: Wrong shape, dtype or range, naming ``where``.
        """
        self.check_compiled(where)
        samples, _ = first_batch(x, y)
        if samples is not None:
            check_samples(samples, self.sample_shape, self.data_range, where=f"the data given to {where}")

    def check_compiled(self, where: str = "fit") -> None:
        """Raise [`ConfigurationError`][kgan.errors.ConfigurationError] unless ``compile()`` was called."""
        if not self.compiled or self.gan_loss is None:
            raise ConfigurationError(f"Call compile() before {where}(), for example gan.compile().")

    # === Training ===

    @property
    def metrics(self):
        return list(self._trackers)

    def _update_trackers(self, logs: dict) -> dict:
        out = {}
        for tracker in self._trackers:
            if tracker.name in logs:
                tracker.update_state(logs[tracker.name])
                out[tracker.name] = tracker.result()
        return out

    def fit(self, x=None, y=None, *args, **kwargs):
        """``keras.Model.fit``, after checking the data's shape, dtype and range against the model.

        The model counts finished epochs in `completed_epochs` (saved with it, so a resumed run
        knows where it stopped); the counter is updated before any user callback sees the epoch end.
        """
        self.check_data(x, y, "fit")
        self.check_distribution()
        if len(args) >= 4:  # fit(x, y, batch_size, epochs, verbose, callbacks, ...) positionally
            raise ConfigurationError("Pass fit's arguments after y by keyword (epochs=..., callbacks=...).")
        kwargs["callbacks"] = [_EpochCounter(), *list(kwargs.get("callbacks") or [])]
        self.stop_reason = None
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """``keras.Model.evaluate``: the same losses as training, without updates."""
        self.check_data(x, y, "evaluate")
        return super().evaluate(x, y, *args, **kwargs)

    # === Saving ===

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "seed": self.seed,
            "data_range": None if self.data_range is None else list(self.data_range),
            "recipe": {k: (losses_module.serialize(v) if isinstance(v, losses_module.GANLoss) else v) for k, v in self.recipe.items()},
        }

    def saved_variables(self) -> list:
        """The model's own variables (not its networks') in the order a ``.keras`` file stores them:
        those named in `saved_first`, then the others in creation order."""
        own = self._trainable_variables + self._non_trainable_variables
        first = [v for name in self.saved_first for v in own if v.name == name]
        return first + [v for v in own if all(v is not f for f in first)]

    def save_own_variables(self, store) -> None:
        for i, variable in enumerate(self.saved_variables()):
            store[f"{i}"] = variable
        store["noise_seed_state"] = self.noise_seed.state

    def load_own_variables(self, store) -> None:
        keys = [k for k in store.keys() if k != "noise_seed_state"]
        if "noise_seed_state" in store.keys():
            self.noise_seed.state.assign(store["noise_seed_state"])
        variables = self.saved_variables()
        if len(keys) != len(variables):
            raise ValueError(
                f"{type(self).__name__} has {len(variables)} variables of its own ({', '.join(v.name for v in variables)}) "
                f"but the file stores {len(keys)}; it was written by a different model."
            )
        for i, variable in enumerate(variables):
            variable.assign(store[f"{i}"])
