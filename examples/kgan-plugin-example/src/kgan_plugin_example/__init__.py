"""An example kgan plugin: a relativistic GAN architecture and a relativistic least-squares loss."""

from kgan_plugin_example.losses import RaLSGAN
from kgan_plugin_example.relativistic import RelativisticGAN, ragan

__all__ = ["RaLSGAN", "RelativisticGAN", "ragan"]
