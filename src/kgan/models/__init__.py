"""Models: [`GANModel`][kgan.models.GANModel], its conditional form, and the backend mechanics beneath them."""

from kgan.models.capabilities import Capabilities, capabilities_of
from kgan.models.cogan import CoGANModel
from kgan.models.conditional import ConditionalGANModel
from kgan.models.cyclegan import CycleGANModel
from kgan.models.export import export_generator
from kgan.models.gan_model import GANModel
from kgan.models.progan import ProGANModel

__all__ = ["GANModel", "ConditionalGANModel", "CycleGANModel", "CoGANModel", "ProGANModel", "export_generator", "Capabilities", "capabilities_of"]
