"""Declared capabilities: every built-in model says what it can do, and the tools read only that."""

import dataclasses

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError
from kgan.models import Capabilities, GANModel, capabilities_of

SMALL = {"input_shape": (8, 8, 1), "width": 4, "seed": 0}


def build(name: str, **options):
    keras.utils.set_random_seed(0)
    defaults = {"cyclegan": {"input_shape": (8, 8, 1), "width": 2, "n_res": 1, "pool_size": 8, "seed": 0}}
    return kgan.architectures.get(name)(**{**defaults.get(name, {**SMALL, "latent_dim": 4}), **options})


@pytest.mark.parametrize(
    "name, expected",
    [
        ("dcgan", Capabilities(latent_dim=4, sample_shape=(8, 8, 1))),
        ("cgan", Capabilities(latent_dim=4, num_classes=3, sample_shape=(8, 8, 1))),
        ("cogan", Capabilities(latent_dim=4, domains=2, sample_shape=(8, 8, 1))),
        ("cyclegan", Capabilities(domains=2, translates=True, sample_shape=(8, 8, 1), plain_generator=False)),
    ],
)
def test_each_built_in_model_declares_what_it_can_do(name, expected):
    options = {"num_classes": 3} if name == "cgan" else {"fixed_latents": 16} if name == "cogan" else {}
    gan = build(name, **options)
    assert gan.capabilities == expected
    assert capabilities_of(gan) == expected
    assert gan.capabilities.generates_samples == (name in ("dcgan", "cgan"))


def test_progan_declares_that_its_generator_is_not_a_plain_network():
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("progan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    assert gan.capabilities.generates_samples and not gan.capabilities.plain_generator


def test_a_bare_keras_model_has_no_capabilities():
    assert capabilities_of(keras.Sequential([keras.layers.Dense(2)])) is None
    assert capabilities_of(np.zeros(3)) is None


def test_capabilities_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Capabilities().latent_dim = 3


@keras.saving.register_keras_serializable(package="tests")
class LabelledDCGAN(GANModel):
    """A third party's model that declares classes without being a ConditionalGANModel."""

    @property
    def capabilities(self):
        return dataclasses.replace(super().capabilities, num_classes=2)


def test_tools_read_the_declaration_not_the_class():
    gan = LabelledDCGAN(generator=build("dcgan").generator, discriminator=build("dcgan").discriminator)
    # conditional_accuracy refuses by what the model declares: this one declares classes, so the
    # refusal that remains is about the extractor, not "not a conditional GAN"
    with pytest.raises(Exception) as caught:
        kgan.metrics.conditional_accuracy(gan, n_per_class=1, feature_extractor=None)
    assert "class-conditioned" not in str(caught.value)
    with pytest.raises(ConfigurationError, match="class-conditioned GAN .*generates samples"):
        kgan.metrics.conditional_accuracy(build("dcgan"), n_per_class=1)


def test_fake_sources_refuse_models_that_do_not_generate_single_samples():
    from kgan.augment import FakeSource

    with pytest.raises(ConfigurationError, match="generates pairs of images of two domains"):
        FakeSource(build("cogan", fixed_latents=16))
    with pytest.raises(ConfigurationError, match="translates images between two domains"):
        FakeSource(build("cyclegan"))
