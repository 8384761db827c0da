"""Architectures: builders registered under the ``kgan.architectures`` entry-point group.

An architecture is a callable that takes keyword options, at least ``input_shape`` (the shape of one
real sample) and ``latent_dim``, and returns an uncompiled [`GANModel`][kgan.GANModel]: a factory function
or a ``GANModel`` subclass. kgan's own (``dcgan``, ``mlp``) are found through kgan's entry points,
exactly like a third party's.

>>> build = kgan.architectures.get("dcgan")
>>> gan = build(input_shape=(28, 28, 1), latent_dim=64)
>>> kgan.architectures.names("*gan*")
['dcgan']
"""

from __future__ import annotations

from kgan.registry import ARCHITECTURES as registry

__all__ = ["get", "names", "register", "registry"]

get = registry.get
names = registry.names
register = registry.register
