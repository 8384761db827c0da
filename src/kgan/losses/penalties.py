"""Gradient penalties on the discriminator's input: WGAN-GP and R1.

A penalty is pure maths on gradients. The model computes ``grads = dD(x)/dx`` at the points the penalty
chooses ([`GradientPenalty.points()`][kgan.losses.penalties.GradientPenalty.points]) through its backend module, then calls the penalty on them.
Norms are per sample, over every axis but the batch axis.
"""

from __future__ import annotations

import keras
from keras import ops

__all__ = [
    "GradientPenalty",
    "WGANGradientPenalty",
    "R1Penalty",
    "per_sample_gradient_norm",
    "wgan_gradient_penalty",
    "r1_penalty",
]


def per_sample_gradient_norm(grads):
    """Euclidean norm of each sample's gradient.

    Args:
        grads: Gradients of shape ``(batch, ...)``.

    Returns:
        Tensor of shape ``(batch,)``: ``||grads[i]||_2`` over all non-batch axes.
    """
    flat = ops.reshape(grads, (ops.shape(grads)[0], -1))
    return ops.sqrt(ops.sum(ops.square(flat), axis=1) + 1e-12)


def wgan_gradient_penalty(grads):
    """Mean of ``(||grad_i||_2 - 1)^2`` over the batch (Gulrajani et al., 2017, eq. 3)."""
    return ops.mean(ops.square(per_sample_gradient_norm(grads) - 1.0))


def r1_penalty(grads):
    """Mean of ``||grad_i||_2^2`` over the batch; the ``gamma / 2`` factor is applied by [`R1Penalty`][kgan.losses.penalties.R1Penalty].

    Reference: Mescheder et al., "Which Training Methods for GANs do actually Converge?", 2018.
    """
    flat = ops.reshape(grads, (ops.shape(grads)[0], -1))
    return ops.mean(ops.sum(ops.square(flat), axis=1))


class GradientPenalty:
    """Base class: a weighted penalty on ``dD(x)/dx`` at points chosen from the real and fake batches.

    Args:
        weight: Multiplier applied to the penalty before it is added to the discriminator loss.
        every: Apply the penalty only on every ``every``-th discriminator step, multiplied by
            ``every`` so that its average strength is unchanged ("lazy regularization", Karras et al.,
            2020). ``1`` applies it on every step.
    """

    def __init__(self, weight: float = 10.0, every: int = 1):
        if not weight >= 0:
            raise ValueError(f"weight must be >= 0, received {weight!r}")
        if int(every) != every or every < 1:
            raise ValueError(f"every must be an integer >= 1, received {every!r}")
        self.weight, self.every = float(weight), int(every)

    def points(self, real, fake, seed=None):
        """Where to take the gradient: a tensor shaped like ``real``."""
        raise NotImplementedError

    def __call__(self, grads):
        """The weighted penalty (a scalar) from the gradients at [`points()`][kgan.losses.penalties.GradientPenalty.points]."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"weight": self.weight, "every": self.every}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@keras.saving.register_keras_serializable(package="kgan")
class WGANGradientPenalty(GradientPenalty):
    """WGAN-GP: ``weight * E[(||dD(x_hat)/dx_hat||_2 - 1)^2]``.

    ``x_hat = eps * real + (1 - eps) * fake`` with one ``eps ~ U[0, 1]`` per sample, broadcast over the
    sample's pixels. Gulrajani et al., "Improved Training of Wasserstein GANs", 2017.
    """

    def points(self, real, fake, seed=None):
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        eps = keras.random.uniform(shape, 0.0, 1.0, dtype=real.dtype, seed=seed)
        return eps * real + (1.0 - eps) * fake

    def __call__(self, grads):
        return self.weight * wgan_gradient_penalty(grads)


@keras.saving.register_keras_serializable(package="kgan")
class R1Penalty(GradientPenalty):
    """R1: ``gamma / 2 * E_real[||dD(x)/dx||_2^2]``, the gradient penalty on real samples only.

    Args:
        gamma: Penalty strength (``weight`` is ``gamma``; the factor 1/2 is applied here).
        every: Lazy regularization interval, see [`GradientPenalty`][kgan.losses.penalties.GradientPenalty].
    """

    def __init__(self, gamma: float = 10.0, every: int = 1):
        super().__init__(weight=gamma, every=every)

    @property
    def gamma(self) -> float:
        return self.weight

    def points(self, real, fake, seed=None):
        return real

    def __call__(self, grads):
        return 0.5 * self.weight * r1_penalty(grads)

    def get_config(self) -> dict:
        return {"gamma": self.weight, "every": self.every}
