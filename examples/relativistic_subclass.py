"""Subclass GANModel to change one hook: a relativistic average discriminator loss.

    python examples/relativistic_subclass.py
"""

import keras
from keras import ops

import kgan


@keras.saving.register_keras_serializable(package="examples")
class RelativisticGAN(kgan.GANModel):
    def compute_discriminator_loss(self, real, fake, labels=None, training=True):
        r = self.discriminate(real, labels, training=training)
        f = self.discriminate(fake, labels, training=training)
        loss = ops.mean(ops.softplus(-(r - ops.mean(f)))) + ops.mean(ops.softplus(f - ops.mean(r)))
        return loss, {"d_loss": loss, "d_real": ops.mean(r), "d_fake": ops.mean(f)}


x = kgan.datasets.load("mnist-5k")
base = kgan.architectures.get("dcgan")(input_shape=x.shape[1:], latent_dim=64, seed=0)
gan = RelativisticGAN(generator=base.generator, discriminator=base.discriminator, seed=0)
gan.compile()
gan.fit(x, batch_size=128, epochs=1)
gan.save("relativistic.keras")
print(type(keras.models.load_model("relativistic.keras")).__name__)
