"""Reconstruction terms for image-to-image translation (CycleGAN): cycle consistency and identity.

They are ordinary weighted L1 losses, ``keras.losses.Loss`` subclasses, so they compose with anything
in Keras. Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
Networks", 2017: ``lambda_cyc = 10`` and ``lambda_id = 0.5 * lambda_cyc`` in the paper.
"""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["cycle_consistency_loss", "identity_loss", "CycleConsistencyLoss", "IdentityLoss"]


def _weighted_l1(weight: float, a, b):
    return weight * ops.mean(ops.abs(a - b))


def cycle_consistency_loss(original, reconstructed, weight: float = 10.0):
    """``weight * E|original - reconstructed|``, for example ``x`` against ``F(G(x))``."""
    return _weighted_l1(weight, original, reconstructed)


def identity_loss(target_domain_input, mapped, weight: float = 5.0):
    """``weight * E|y - G(y)|``: a generator into domain Y should leave a Y image unchanged."""
    return _weighted_l1(weight, target_domain_input, mapped)


class _WeightedL1(keras.losses.Loss):
    default_weight = 1.0

    def __init__(self, weight: float | None = None, name: str | None = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.weight = float(self.default_weight if weight is None else weight)
        if self.weight < 0:
            raise ValueError(f"weight must be >= 0, received {weight!r}")

    def call(self, y_true, y_pred):
        axes = list(range(1, len(y_pred.shape)))
        return self.weight * ops.mean(ops.abs(y_true - y_pred), axis=axes)

    def get_config(self) -> dict:
        return {**super().get_config(), "weight": self.weight}


@keras.saving.register_keras_serializable(package="kgan")
class CycleConsistencyLoss(_WeightedL1):
    """``weight * |x - F(G(x))|`` averaged per sample. ``loss(x, reconstructed)``. Default weight 10."""

    default_weight = 10.0

    def __init__(self, weight: float | None = None, name: str = "cycle_consistency", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)


@keras.saving.register_keras_serializable(package="kgan")
class IdentityLoss(_WeightedL1):
    """``weight * |y - G(y)|`` averaged per sample. ``loss(y, G(y))``. Default weight 5."""

    default_weight = 5.0

    def __init__(self, weight: float | None = None, name: str = "identity", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
