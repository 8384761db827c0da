"""A GANModel subclass that overrides kgan's two loss hooks: the relativistic average GAN (RaGAN)."""

import keras
from keras import ops

import kgan
from kgan.architectures.dcgan import dcgan_discriminator, dcgan_generator
from kgan.architectures.mlp import mlp_discriminator, mlp_generator


@keras.saving.register_keras_serializable(package="kgan_plugin_example")
class RelativisticGAN(kgan.GANModel):
    """D estimates how much more realistic a real sample is than the average fake (and vice versa).

    ``D_ra(x_r, x_f) = sigmoid(C(x_r) - E C(x_f))``; D minimises ``-log D_ra(x_r, x_f) - log(1 - D_ra(x_f, x_r))``
    and G the same with the roles swapped, so G's gradient also flows through the real samples' term.
    """

    def compute_discriminator_loss(self, real, fake, labels=None, training=True):
        r = self.discriminate(real, labels, training=training)
        f = self.discriminate(fake, labels, training=training)
        loss = ops.mean(ops.softplus(-(r - ops.mean(f)))) + ops.mean(ops.softplus(f - ops.mean(r)))
        threshold = 0.0
        return loss, {
            "d_loss": loss,
            "d_real": ops.mean(r),
            "d_fake": ops.mean(f),
            "d_acc_real": ops.mean(ops.cast(r - ops.mean(f) > threshold, "float32")),
            "d_acc_fake": ops.mean(ops.cast(f - ops.mean(r) <= threshold, "float32")),
        }

    def compute_generator_loss(self, real, labels=None, training=True):
        fake = self.generate_fakes(ops.shape(real)[0], labels, training=training)
        r = self.discriminate(real, labels, training=training)
        f = self.discriminate(fake, labels, training=training)
        loss = ops.mean(ops.softplus(-(f - ops.mean(r)))) + ops.mean(ops.softplus(r - ops.mean(f)))
        return loss, {"g_loss": loss}


def ragan(input_shape=(2,), latent_dim=16, width=32, units=128, depth=3, seed=None, **kwargs) -> RelativisticGAN:
    """An uncompiled RelativisticGAN: MLP networks for ``(d,)`` vectors, DCGAN networks for images."""
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if len(tuple(input_shape)) == 1:
        generator = mlp_generator(input_shape, latent_dim, units, depth)
        discriminator = mlp_discriminator(input_shape, units, depth)
        kwargs.setdefault("recipe", {"learning_rate": 1e-3, "beta_1": 0.5, "batch_size": 256})
    else:
        generator = dcgan_generator(input_shape, latent_dim, width)
        discriminator = dcgan_discriminator(input_shape, width)
    return RelativisticGAN(generator=generator, discriminator=discriminator, seed=seed, **kwargs)


ragan.test_options = {"input_shape": (2,), "latent_dim": 2, "units": 8, "depth": 1}
