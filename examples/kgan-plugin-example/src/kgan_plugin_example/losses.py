"""Relativistic average least-squares GAN loss, as a kgan loss strategy."""

import keras
from keras import ops

import kgan


@keras.saving.register_keras_serializable(package="kgan_plugin_example")
class RaLSGAN(kgan.losses.GANLoss):
    """``D: E[(r - E f - 1)^2] + E[(f - E r + 1)^2]``, ``G`` the same with real and fake swapped.

    Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from standard GAN", 2018.
    The generator's loss needs D's outputs on real data, so ``requires_real_logits`` is set.
    """

    requires_real_logits = True

    def discriminator_loss(self, real_logits, fake_logits):
        return ops.mean(ops.square(real_logits - ops.mean(fake_logits) - 1.0)) + ops.mean(
            ops.square(fake_logits - ops.mean(real_logits) + 1.0)
        )

    def generator_loss(self, fake_logits, real_logits=None):
        return ops.mean(ops.square(fake_logits - ops.mean(real_logits) - 1.0)) + ops.mean(
            ops.square(real_logits - ops.mean(fake_logits) + 1.0)
        )
