"""Gradient penalties on the discriminator's input: WGAN-GP and R1.

A penalty is pure maths on gradients. The model computes ``grads = dD(x)/dx`` at the points the penalty
chooses ([`GradientPenalty.points()`][kgan.losses.penalties.GradientPenalty.points]) through its backend module, then calls the penalty on them.
Norms are per sample, over every axis but the batch axis.
"""

from __future__ import annotations

import keras
from keras import ops

from kgan.arguments import check_schedule_config

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


def _check_weight(name: str, weight):
    """A penalty's weight as it is kept: a float ``>= 0`` or a built step schedule."""
    if isinstance(weight, dict):
        return check_schedule_config(name, weight, "a number >= 0 or a keras.optimizers.schedules.LearningRateSchedule", error=ValueError)
    if isinstance(weight, keras.optimizers.schedules.LearningRateSchedule):
        return weight
    if isinstance(weight, (int, float)) and not isinstance(weight, bool) and weight >= 0:
        return float(weight)
    raise ValueError(
        f"{name} must be a number >= 0 or a keras.optimizers.schedules.LearningRateSchedule of the "
        f"discriminator's step (for example PolynomialDecay(1.0, 4000, end_learning_rate=10.0)), received {weight!r}"
    )


class GradientPenalty:
    """Base class: a weighted penalty on ``dD(x)/dx`` at points chosen from the real and fake batches.

    Args:
        weight: Multiplier applied to the penalty before it is added to the discriminator loss: a
            number, or a weight that changes during training given as a
            ``keras.optimizers.schedules.LearningRateSchedule`` (or its config). Keras' schedules are
            functions of a step count and nothing else; here the step is the discriminator's: the
            number of updates its optimizer has made. ``PolynomialDecay(1.0, 4000,
            end_learning_rate=10.0)`` grows the weight linearly from 1 to 10 over 4,000 steps, then
            holds it.
        every: Apply the penalty only on every ``every``-th discriminator step, multiplied by
            ``every`` so that its average strength is unchanged ("lazy regularization", Karras et al.,
            2020). ``1`` applies it on every step.
    """

    def __init__(self, weight=10.0, every: int = 1):
        if int(every) != every or every < 1:
            raise ValueError(f"every must be an integer >= 1, received {every!r}")
        self.weight, self.every = _check_weight("weight", weight), int(every)

    @property
    def scheduled(self) -> bool:
        """Whether the weight changes with the discriminator's step."""
        return not isinstance(self.weight, float)

    def weight_at(self, step=None):
        """The weight at discriminator step ``step`` (a number or scalar tensor; needed only when scheduled)."""
        if not self.scheduled:
            return self.weight
        if step is None:
            raise ValueError(f"{type(self).__name__} has a scheduled weight ({self.weight!r}); pass the discriminator's step: penalty(grads, step=...)")
        return ops.cast(self.weight(step), "float32")

    def points(self, real, fake, seed=None):
        """Where to take the gradient: a tensor shaped like ``real``."""
        raise NotImplementedError

    def __call__(self, grads, step=None):
        """The weighted penalty (a scalar) from the gradients at [`points()`][kgan.losses.penalties.GradientPenalty.points].

        Args:
            grads: ``dD(x)/dx`` at the points, shape ``(batch, ...)``.
            step: The discriminator optimizer's update count, for a scheduled weight
                ([`weight_at()`][kgan.losses.penalties.GradientPenalty.weight_at]).
        """
        raise NotImplementedError

    def weight_config(self):
        """The weight as JSON: the number, or the schedule's serialized config."""
        return keras.optimizers.schedules.serialize(self.weight) if self.scheduled else self.weight

    def get_config(self) -> dict:
        return {"weight": self.weight_config(), "every": self.every}

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

    def __call__(self, grads, step=None):
        return self.weight_at(step) * wgan_gradient_penalty(grads)


@keras.saving.register_keras_serializable(package="kgan")
class R1Penalty(GradientPenalty):
    """R1: ``gamma / 2 * E_real[||dD(x)/dx||_2^2]``, the gradient penalty on real samples only.

    Args:
        gamma: Penalty strength (``weight`` is ``gamma``; the factor 1/2 is applied here): a number or
            a schedule of the discriminator's step, as ``weight`` in
            [`GradientPenalty`][kgan.losses.penalties.GradientPenalty].
        every: Lazy regularization interval, see [`GradientPenalty`][kgan.losses.penalties.GradientPenalty].

    Example:
        >>> # gamma 1 at first, growing linearly to 10 over 4,000 discriminator steps
        >>> gamma = keras.optimizers.schedules.PolynomialDecay(1.0, 4000, end_learning_rate=10.0)
        >>> gan.compile(loss=kgan.losses.BCE(penalty=kgan.losses.R1Penalty(gamma=gamma, every=4)))
    """

    def __init__(self, gamma=10.0, every: int = 1):
        super().__init__(weight=_check_weight("gamma", gamma), every=every)

    @property
    def gamma(self):
        """The strength: a float, or the schedule."""
        return self.weight

    def points(self, real, fake, seed=None):
        return real

    def __call__(self, grads, step=None):
        return 0.5 * self.weight_at(step) * r1_penalty(grads)

    def get_config(self) -> dict:
        return {"gamma": self.weight_config(), "every": self.every}
