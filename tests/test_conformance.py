"""kgan's own conformance kit over every registered architecture and loss: a new built-in is tested
by being registered."""

import pytest

import kgan
from kgan.testing import check_architecture, check_loss, check_training_step

BUILTIN = "kgan"


HEAVY = {"cyclegan": 37, "cogan": 13, "progan": 9}  # seconds on 2 cores: out of the fast loop


def _entries(registry):
    return [e.name for e in registry.entries() if e.distribution == BUILTIN]


def _architectures():
    return [pytest.param(name, marks=pytest.mark.heavy) if name in HEAVY else name for name in _entries(kgan.registry.ARCHITECTURES)]


@pytest.mark.parametrize("name", _architectures())
def test_every_builtin_architecture_conforms(name, tmp_path):
    check_architecture(name, directory=str(tmp_path))


@pytest.mark.parametrize("name", _entries(kgan.registry.LOSSES))
def test_every_builtin_loss_conforms(name):
    check_loss(name)


def test_the_kit_catches_a_broken_architecture():
    def returns_compiled(input_shape=(2,), latent_dim=2):
        gan = kgan.architectures.get("mlp")(input_shape=input_shape, latent_dim=latent_dim, units=4, depth=1)
        gan.compile()
        return gan

    with pytest.raises(AssertionError, match="uncompiled"):
        check_architecture(returns_compiled, input_shape=(2,), latent_dim=2)


class BareDraws(kgan.GANModel):
    """Draws its latents with a bare keras.random call: every replica would draw the same."""

    def sample_latents(self, n, seed=None):
        import keras

        return keras.random.normal((n, self.latent_dim), seed=self.noise_seed)


class SkipsAugmentation(kgan.GANModel):
    """Calls the discriminator network itself: compile(augment=...) never reaches it."""

    def discriminate(self, samples, labels=None, training=True, augment=True):
        return self.discriminator(samples, training=training)


def _tiny(cls):
    import keras

    keras.utils.set_random_seed(0)
    base = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    return cls(generator=base.generator, discriminator=base.discriminator, seed=0)


def test_the_kit_passes_a_subclass_that_uses_the_helpers():
    check_training_step(_tiny(kgan.GANModel))


def test_the_kit_catches_draws_that_would_repeat_on_every_replica():
    with pytest.raises(AssertionError, match=r"keras.random.normal at .*test_conformance.py"):
        check_training_step(_tiny(BareDraws))


def test_the_kit_catches_a_discriminator_that_skips_augmentation():
    with pytest.raises(AssertionError, match=r"discriminator calls in one training step but only 0 inputs"):
        check_training_step(_tiny(SkipsAugmentation))
