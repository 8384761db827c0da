"""Models: :class:`GANModel` and the backend mechanics beneath it."""

from kgan.models.gan_model import GANModel

__all__ = ["GANModel"]
