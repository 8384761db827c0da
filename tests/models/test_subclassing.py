"""Subclassing is the extension story: the documented hooks change one part of the step."""

import keras
import numpy as np
from keras import ops

import kgan


@keras.saving.register_keras_serializable(package="kgan_tests")
class RelativisticGAN(kgan.GANModel):
    """Relativistic average discriminator loss, written by overriding compute_discriminator_loss only."""

    def compute_discriminator_loss(self, real, fake, labels=None, training=True):
        r = self.discriminate(real, labels, training=training)
        f = self.discriminate(fake, labels, training=training)
        loss = ops.mean(ops.softplus(-(r - ops.mean(f)))) + ops.mean(ops.softplus(f - ops.mean(r)))
        return loss, {"d_loss": loss, "d_real": ops.mean(r), "d_fake": ops.mean(f)}


def test_subclass_hook_is_used_and_saved(tiny_images, tmp_path):
    base = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan = RelativisticGAN(generator=base.generator, discriminator=base.discriminator, seed=0)
    gan.compile()
    real = tiny_images[:8]
    fake = gan.generate_fakes(8)
    loss, _ = gan.compute_discriminator_loss(real, fake)
    plain, _ = kgan.GANModel.compute_discriminator_loss(gan, real, fake)
    assert not np.isclose(float(loss), float(plain))
    gan.fit(tiny_images, batch_size=32, epochs=1, verbose=0)
    gan.save(tmp_path / "r.keras")
    again = keras.models.load_model(tmp_path / "r.keras")
    assert type(again) is RelativisticGAN
    np.testing.assert_array_equal(gan.generate(4, seed=3), again.generate(4, seed=3))
