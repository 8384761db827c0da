"""Models: [`AdversarialModel`][kgan.models.AdversarialModel], the base of them all; [`GANModel`][kgan.models.GANModel] and its variants; [`CycleGANModel`][kgan.models.CycleGANModel]; the backend mechanics beneath them."""

from kgan.models.adversarial import AdversarialModel
from kgan.models.capabilities import Capabilities, capabilities_of
from kgan.models.cogan import CoGANModel
from kgan.models.conditional import ConditionalGANModel
from kgan.models.cyclegan import CycleGANModel
from kgan.models.export import export_generator
from kgan.models.gan_model import GANModel, ema_momentum_at
from kgan.models.progan import ProGANModel

__all__ = ["AdversarialModel", "GANModel", "ConditionalGANModel", "CycleGANModel", "CoGANModel", "ProGANModel", "export_generator", "ema_momentum_at", "Capabilities", "capabilities_of"]
