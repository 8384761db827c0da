"""AdversarialModel, the base every kgan model stands on: a new kind of model is one class, its
networks named for ``compile``, its own variables saved in a declared order, what it trains on
declared before it exists."""

from typing import ClassVar

import keras
import numpy as np
import pytest
from keras import layers, ops

import kgan
from kgan.architectures import model_class, trains_on
from kgan.errors import ConfigurationError
from kgan.models import AdversarialModel, CycleGANModel, GANModel


@keras.saving.register_keras_serializable(package="kgan_tests")
class Denoiser(AdversarialModel):
    """A kind of adversarial model kgan does not ship: a network that cleans noisy samples, against a
    discriminator of clean ones. Written on the base alone, as a third party would."""

    optimizer_networks: ClassVar[dict[str, str]] = {"g_optimizer": "cleaner", "d_optimizer": "critic"}
    metric_names: ClassVar[tuple[str, ...]] = ("d_loss", "g_loss")
    saved_first: ClassVar[tuple[str, ...]] = ("probe",)

    def __init__(self, cleaner, critic, **kwargs):
        super().__init__(sample_shape=tuple(critic.input_shape[1:]), **kwargs)
        self.cleaner, self.critic = cleaner, critic
        self.probe = self.add_weight(shape=(4, *self.sample_shape), initializer="ones", trainable=False, name="probe")

    def train_step(self, data):
        real, _ = self.unpack_batch(data)
        noisy = real + 0.5 * self.random_normal(ops.shape(real))

        def d_loss():
            fake = ops.stop_gradient(self.cleaner(noisy, training=True))
            loss = self.gan_loss.discriminator_loss(self.critic(self.augmented(real), training=True), self.critic(self.augmented(fake), training=True))
            return loss, {"d_loss": loss}

        def g_loss():
            loss = self.gan_loss.generator_loss(self.critic(self.augmented(self.cleaner(noisy, training=True)), training=True), None)
            return loss, {"g_loss": loss}

        logs, _ = self._optimize(d_loss, self.critic.trainable_variables, self.d_optimizer)
        g_logs, _ = self._optimize(g_loss, self.cleaner.trainable_variables, self.g_optimizer)
        return self._update_trackers({**logs, **g_logs})

    def call(self, inputs, training=False):
        return self.cleaner(inputs, training=False)

    def sample_fixed(self, n=None):
        return np.asarray(ops.convert_to_numpy(self.cleaner(self.probe, training=False)))

    def get_config(self):
        return {**super().get_config(), "cleaner": keras.saving.serialize_keras_object(self.cleaner), "critic": keras.saving.serialize_keras_object(self.critic)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("cleaner", "critic"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def denoiser(input_shape=(4,), seed=0) -> Denoiser:
    keras.utils.set_random_seed(seed)
    cleaner = keras.Sequential([keras.Input(input_shape), layers.Dense(8, activation="relu"), layers.Dense(input_shape[0])], name="cleaner")
    critic = keras.Sequential([keras.Input(input_shape), layers.Dense(8, activation="relu"), layers.Dense(1)], name="critic")
    return Denoiser(cleaner, critic, seed=seed, data_range=None)


def test_a_new_kind_of_model_is_one_class_on_the_base(tmp_path):
    model = denoiser()
    model.compile(loss="lsgan")
    assert {type(o).__name__ for o in (model.g_optimizer, model.d_optimizer)} == {"Adam"} and model.g_optimizer is not model.d_optimizer
    assert model.optimizer is model.g_optimizer
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    history = model.fit(x, batch_size=8, epochs=2, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"} and all(np.isfinite(v).all() for v in history.values())
    assert model.generator_steps == 8 and int(ops.convert_to_numpy(model.completed_epochs)) == 2
    assert model.capabilities.latent_dim is None and model.capabilities.sample_shape == (4,)
    model.save(tmp_path / "d.keras")
    again = keras.models.load_model(tmp_path / "d.keras")
    np.testing.assert_array_equal(again.sample_fixed(), model.sample_fixed())
    assert int(ops.convert_to_numpy(again.completed_epochs)) == 2 and again.get_compile_config()["loss"] == model.get_compile_config()["loss"]


def test_own_variables_are_saved_in_the_declared_order():
    model = denoiser()
    assert [v.name for v in model.saved_variables()] == ["probe", "completed_epochs"]  # created the other way round
    gan = kgan.architectures.get("dcgan")(**kgan.architectures.get("dcgan").test_options, replay_size=8)
    assert [v.name for v in gan.saved_variables()] == ["fixed_latents", "completed_epochs", "replay_buffer", "replay_count"]


def test_a_file_of_another_model_is_refused_with_what_it_holds():
    model = denoiser()
    store = {"0": np.ones((4, 4), "float32")}
    with pytest.raises(ValueError, match="has 2 variables of its own .probe, completed_epochs. but the file stores 1"):
        model.load_own_variables(store)


def test_compile_names_every_optimizer_and_refuses_one_shared():
    model = denoiser()
    shared = keras.optimizers.Adam()
    with pytest.raises(ConfigurationError, match="g_optimizer and d_optimizer must be distinct"):
        model.compile(g_optimizer=shared, d_optimizer=shared)
    with pytest.raises(ConfigurationError, match="Denoiser.compile does not take optimizer=; use g_optimizer=, d_optimizer="):
        model.compile(optimizer="adam")


def test_a_model_without_sample_grids_says_what_to_write():
    class Bare(AdversarialModel):
        pass

    with pytest.raises(NotImplementedError, match="Bare must define sample_fixed"):
        Bare(sample_shape=(2,)).sample_fixed()


def test_cyclegan_stands_on_the_base_without_a_latent_space():
    gan = kgan.architectures.get("cyclegan")(**kgan.architectures.get("cyclegan").test_options)
    assert isinstance(gan, AdversarialModel) and not isinstance(gan, GANModel)
    for latent_api in ("latent_dim", "fixed_latents", "generator_ema", "sample_latents", "generation_latents", "replay_buffer"):
        assert not hasattr(gan, latent_api), latent_api
    assert gan.capabilities.latent_dim is None and gan.capabilities.translates


@pytest.mark.parametrize(
    "name, expected",
    [("dcgan", "samples"), ("mlp", "samples"), ("progan", "samples"), ("cgan", "labelled samples"), ("cogan", "two domains"), ("cyclegan", "two domains")],
)
def test_what_an_architecture_trains_on_is_known_before_a_model_exists(name, expected):
    assert trains_on(kgan.architectures.get(name)) == expected


def test_what_a_builder_trains_on_comes_from_the_class_it_returns():
    def annotated(**options) -> CycleGANModel:
        raise AssertionError("not called")

    def bare(**options):
        raise AssertionError("not called")

    assert model_class(annotated) is CycleGANModel and trains_on(annotated) == "two domains"
    assert model_class(bare) is None and trains_on(bare) == "samples"
    assert model_class(Denoiser) is Denoiser and trains_on(Denoiser) == "samples"
    assert model_class(int) is None
