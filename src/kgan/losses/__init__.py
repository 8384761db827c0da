"""Loss strategies: adversarial objectives, gradient penalties and reconstruction terms.

One front door for names, as ``keras.losses.get``: [`get()`][kgan.losses.get] accepts a registered name
(``"bce"``, ``"lsgan"``, ``"hinge"``, ``"wgan-gp"``, ``"bce-r1"`` or a plugin's), a serialized
config, a [`GANLoss`][kgan.losses.GANLoss] subclass or an instance.
"""

from __future__ import annotations

from typing import Any

import keras

from kgan.losses.adversarial import (
    BCE,
    BCER1,
    LSGAN,
    WGANGP,
    Hinge,
    bce_discriminator_loss,
    bce_generator_loss,
    hinge_discriminator_loss,
    hinge_generator_loss,
    lsgan_discriminator_loss,
    lsgan_generator_loss,
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from kgan.losses.base import GANLoss
from kgan.losses.penalties import (
    GradientPenalty,
    R1Penalty,
    WGANGradientPenalty,
    per_sample_gradient_norm,
    r1_penalty,
    wgan_gradient_penalty,
)
from kgan.losses.reconstruction import (
    CycleConsistencyLoss,
    IdentityLoss,
    cycle_consistency_loss,
    identity_loss,
)
from kgan.registry import LOSSES

__all__ = [
    "GANLoss",
    "BCE",
    "BCER1",
    "LSGAN",
    "Hinge",
    "WGANGP",
    "GradientPenalty",
    "WGANGradientPenalty",
    "R1Penalty",
    "CycleConsistencyLoss",
    "IdentityLoss",
    "bce_discriminator_loss",
    "bce_generator_loss",
    "lsgan_discriminator_loss",
    "lsgan_generator_loss",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
    "per_sample_gradient_norm",
    "wgan_gradient_penalty",
    "r1_penalty",
    "cycle_consistency_loss",
    "identity_loss",
    "get",
    "names",
    "register",
    "registry",
    "serialize",
]


registry = LOSSES
names = registry.names
register = registry.register


def get(identifier: Any) -> GANLoss:
    """Resolve a loss strategy from a name, a config dict, a class or an instance.

    Args:
        identifier: ``"bce"`` (or any registered name), ``{"class_name": ..., "config": ...}``,
            a [`GANLoss`][kgan.losses.GANLoss] subclass, or a [`GANLoss`][kgan.losses.GANLoss] instance (returned as is).

    Returns:
        A [`GANLoss`][kgan.losses.GANLoss] instance.

    Raises:
        kgan.errors.UnknownNameError: For a name nobody registered, with close matches.
        TypeError: For anything else.
    """
    if isinstance(identifier, GANLoss):
        return identifier
    if isinstance(identifier, str):
        return registry.get(identifier)()
    if isinstance(identifier, type) and issubclass(identifier, GANLoss):
        return identifier()
    if isinstance(identifier, dict):
        obj = _deserialize(identifier)
        if isinstance(obj, GANLoss):
            return obj
    raise TypeError(
        f"loss must be a registered name ({', '.join(names())}), a GANLoss subclass or instance, "
        f"or a serialized GANLoss config; received {type(identifier).__name__}: {identifier!r}"
    )


def _deserialize(config: dict) -> Any:
    """Deserialize, importing a plugin's loss class through its entry point if it is not loaded yet."""
    try:
        return keras.saving.deserialize_keras_object(config)
    except TypeError:
        class_name = str(config.get("class_name", ""))
        matches = [e for e in registry.entries() if e.target.split(":")[-1] == class_name]
        if not matches:
            raise
        for entry in matches:
            registry.load(entry)
        return keras.saving.deserialize_keras_object(config)


def serialize(loss: GANLoss) -> dict:
    """The config dict that [`get()`][kgan.losses.get] turns back into an equal loss."""
    return keras.saving.serialize_keras_object(loss)
