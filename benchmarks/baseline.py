"""The TensorFlow DCGAN tutorial's setup, re-implemented with a plain Keras 3 ``train_step`` (no kgan).

latent 100; G = Dense 7*7*256 (no bias) + BN + LeakyReLU -> reshape -> Conv2DTranspose 128 k5 s1 ->
Conv2DTranspose 64 k5 s2 -> Conv2DTranspose 1 k5 s2 tanh (BN + LeakyReLU between); D = Conv 64 k5 s2 ->
LeakyReLU -> Dropout 0.3 -> Conv 128 k5 s2 -> LeakyReLU -> Dropout 0.3 -> Flatten -> Dense 1; BCE from
logits; Adam 1e-4 for both; batch 256.

For other image shapes ``(H, W, C)`` (H and W divisible by 4) the same networks are scaled: G starts
from ``H/4 x W/4 x 256`` and ends with C channels; D takes ``(H, W, C)``.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers, ops

LATENT_DIM = 100
BATCH_SIZE = 256
LEARNING_RATE = 1e-4


def make_generator(shape=(28, 28, 1)) -> keras.Model:
    h, w, c = shape[0] // 4, shape[1] // 4, shape[2]
    return keras.Sequential(
        [
            keras.Input((LATENT_DIM,)),
            layers.Dense(h * w * 256, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Reshape((h, w, 256)),
            layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(c, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
        ],
        name="generator",
    )


def make_discriminator(shape=(28, 28, 1)) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(tuple(shape)),
            layers.Conv2D(64, 5, strides=2, padding="same"),
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Conv2D(128, 5, strides=2, padding="same"),
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Flatten(),
            layers.Dense(1),
        ],
        name="discriminator",
    )


class TutorialGAN(keras.Model):
    """The tutorial's step as a hand-written Keras 3 ``train_step`` (TensorFlow backend)."""

    def __init__(self, generator, discriminator, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.seed_generator = keras.random.SeedGenerator(0)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def train_step(self, data):
        real = data[0] if isinstance(data, tuple) else data
        z = keras.random.normal((ops.shape(real)[0], LATENT_DIM), seed=self.seed_generator)
        # The tutorial: one tape per network, one generator pass shared by both losses.
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.generator(z, training=True)
            real_out = self.discriminator(real, training=True)
            fake_out = self.discriminator(fake, training=True)
            g_loss = ops.mean(ops.softplus(-fake_out))
            d_loss = ops.mean(ops.softplus(-real_out)) + ops.mean(ops.softplus(fake_out))
        g_vars, d_vars = self.generator.trainable_variables, self.discriminator.trainable_variables
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
        self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def make_baseline(seed: int = 0, shape=(28, 28, 1)) -> TutorialGAN:
    keras.utils.set_random_seed(seed)
    gan = TutorialGAN(make_generator(shape), make_discriminator(shape))
    gan.compile(g_optimizer=keras.optimizers.Adam(LEARNING_RATE), d_optimizer=keras.optimizers.Adam(LEARNING_RATE))
    return gan
