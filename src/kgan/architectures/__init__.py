"""Architectures: builders registered under the ``kgan.architectures`` entry-point group.

An architecture is a callable that takes keyword options, at least ``input_shape`` (the shape of one
real sample) and ``latent_dim``, and returns an uncompiled [`GANModel`][kgan.GANModel]: a factory function
or a ``GANModel`` subclass. kgan's own (``dcgan``, ``mlp``) are found through kgan's entry points,
exactly like a third party's. A factory declares the class it returns (``-> ConditionalGANModel``):
that class's [`trains_on`][kgan.models.adversarial.AdversarialModel.trains_on] tells ``kgan train``
which data to load (samples, labelled samples or two domains) before the model exists.

>>> build = kgan.architectures.get("dcgan")
>>> gan = build(input_shape=(28, 28, 1), latent_dim=64)
>>> kgan.architectures.names("*gan*")
['dcgan']
"""

from __future__ import annotations

import typing

from kgan.models.adversarial import AdversarialModel
from kgan.registry import ARCHITECTURES as registry

__all__ = ["get", "names", "register", "registry", "model_class", "trains_on"]

get = registry.get
names = registry.names
register = registry.register


def model_class(build) -> type[AdversarialModel] | None:
    """The class of model ``build`` returns: ``build`` itself when it is a model class, else its
    return annotation (``def dcgan(...) -> GANModel``); ``None`` when it declares none."""
    if isinstance(build, type):
        return build if issubclass(build, AdversarialModel) else None
    try:
        returned = typing.get_type_hints(build).get("return")
    except Exception:  # noqa: BLE001 - an annotation that does not resolve declares nothing usable
        return None
    return returned if isinstance(returned, type) and issubclass(returned, AdversarialModel) else None


def trains_on(build) -> str:
    """What the models ``build`` makes take in ``fit``, known before one exists (so that ``kgan
    train`` loads the right data): the [`trains_on`][kgan.models.adversarial.AdversarialModel.trains_on]
    of its [`model_class()`][kgan.architectures.model_class]; ``"samples"`` when it declares no class.

    >>> kgan.architectures.trains_on(kgan.architectures.get("cgan"))
    'labelled samples'
    """
    cls = model_class(build)
    return "samples" if cls is None else cls.trains_on
