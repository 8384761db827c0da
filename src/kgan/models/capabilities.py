"""What a model can do, declared by its class: the one record runs, augment, the CLI and the testing kit read.

Tools ask a model what it is through [`model.capabilities`][kgan.models.adversarial.AdversarialModel.capabilities]
instead of testing its class or probing attributes, so a third party's model that declares the same
capabilities is treated exactly like kgan's own:

>>> caps = kgan.models.capabilities_of(gan)
>>> caps.generates_samples, caps.num_classes
(True, 10)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Capabilities", "capabilities_of"]


@dataclass(frozen=True)
class Capabilities:
    """A model's declared capabilities.

    Attributes:
        latent_dim: Size of the latent vector ``z ~ N(0, I)`` the model samples from; ``None``: it has
            no latent space (CycleGAN translates images instead).
        num_classes: The number of classes ``generate(n, labels=...)`` conditions on; ``None``:
            unconditional.
        domains: ``1``; ``2`` for a model of two image domains: pairs of corresponding images (CoGAN,
            whose ``generate`` returns ``(a, b)``) or translation between them (CycleGAN).
        translates: Whether the model maps images of one domain to the other (``translate(images)``).
        sample_shape: The shape of one sample, ``(H, W, C)`` for images (for two domains: one domain's
            image); ``None`` where the networks do not declare it.
        plain_generator: Whether ``sampling_generator`` is a plain Keras model
            ``z -> sample`` (or ``[z, one_hot(y)] -> sample``) that can be copied, exported or
            snapshotted on its own; ProGAN's outputs every resolution and is composed by the model.
    """

    latent_dim: int | None = None
    num_classes: int | None = None
    domains: int = 1
    translates: bool = False
    sample_shape: tuple[int, ...] | None = None
    plain_generator: bool = True

    @property
    def generates_samples(self) -> bool:
        """Whether ``generate(n)`` returns one array of ``n`` samples drawn from the latent space
        (``False`` for pairs and for translation)."""
        return self.latent_dim is not None and self.domains == 1

    def describe(self) -> str:
        """A few words for error messages: ``"generates pairs of two domains"``..."""
        if self.translates:
            return "translates images between two domains"
        if self.latent_dim is None:
            return "has no latent space"
        if self.domains == 2:
            return "generates pairs of images of two domains"
        return "generates class-conditioned samples" if self.num_classes else "generates samples"


def capabilities_of(model: Any) -> Capabilities | None:
    """``model.capabilities`` for a kgan model (or any model declaring them), ``None`` for anything
    else, such as a bare Keras generator."""
    capabilities = getattr(type(model), "capabilities", None)
    if capabilities is None:
        return None
    capabilities = model.capabilities
    return capabilities if isinstance(capabilities, Capabilities) else None
