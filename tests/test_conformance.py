"""kgan's own conformance kit over every registered architecture and loss: a new built-in is tested
by being registered."""

import pytest

import kgan
from kgan.testing import check_architecture, check_loss

BUILTIN = "kgan"


def _entries(registry):
    return [e.name for e in registry.entries() if e.distribution == BUILTIN]


@pytest.mark.parametrize("name", _entries(kgan.registry.ARCHITECTURES))
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
