"""The loss-strategy contract every adversarial objective follows."""

from __future__ import annotations

import keras

from kgan.losses.penalties import GradientPenalty

__all__ = ["GANLoss"]


class GANLoss:
    """An adversarial objective: what D minimises and what G minimises, from D's raw outputs.

    A loss is pure tensor maths in ``keras.ops``: it never sees a model, a variable or an optimizer.
    ``GANModel`` calls it with the discriminator's raw outputs (logits, or critic values) on a real
    batch and on a fake batch, and adds `penalty` when there is one.

    Subclass it to write a new objective, register the class under the ``kgan.losses`` entry-point
    group, and it is usable everywhere by name::

        class MyLoss(kgan.losses.GANLoss):
            def discriminator_loss(self, real_logits, fake_logits): ...
            def generator_loss(self, fake_logits, real_logits=None): ...

    Args:
        penalty: An optional [`GradientPenalty`][kgan.losses.GradientPenalty] added to the discriminator loss.

    Attributes:
        default_d_steps: Discriminator updates per generator update when ``compile`` is given none.
        decision_threshold: D output above which a sample counts as "judged real" (for accuracy
            diagnostics). 0 for logits and critics.
        requires_real_logits: ``True`` makes ``GANModel`` also pass D's outputs on the real batch to
            [`generator_loss()`][kgan.losses.base.GANLoss.generator_loss] (relativistic losses need them).
        default_optimizer: Adam settings (``learning_rate``, ``beta_1``, ``beta_2``) this loss needs,
            used by ``compile`` when no optimizers are given and the model's recipe was made for a
            different loss; ``None``: the recipe's optimizer suits it.
        unbounded_values: ``True`` for losses whose values live on the critic's own, unbounded scale
            (Wasserstein): training diagnostics then do not read a large loss as one network
            overpowering the other.
    """

    default_d_steps: int = 1
    default_optimizer: dict | None = None
    decision_threshold: float = 0.0
    requires_real_logits: bool = False
    unbounded_values: bool = False

    def __init__(self, penalty: GradientPenalty | None = None):
        if penalty is not None and not isinstance(penalty, GradientPenalty):
            raise TypeError(
                f"penalty must be a kgan.losses.GradientPenalty (WGANGradientPenalty, R1Penalty) or "
                f"None, received {type(penalty).__name__}: {penalty!r}"
            )
        self.penalty = penalty

    def discriminator_loss(self, real_logits, fake_logits):
        """Scalar loss D minimises. Args: tensors of shape ``(batch, 1)`` (or ``(batch,)``)."""
        raise NotImplementedError

    def generator_loss(self, fake_logits, real_logits=None):
        """Scalar loss G minimises. ``real_logits`` is given for objectives that need it (relativistic)."""
        raise NotImplementedError

    # === Config ===

    def get_config(self) -> dict:
        penalty = None if self.penalty is None else keras.saving.serialize_keras_object(self.penalty)
        return {"penalty": penalty}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if config.get("penalty") is not None:
            config["penalty"] = keras.saving.deserialize_keras_object(config["penalty"])
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "penalty")
        pen = f"{', ' if args else ''}penalty={self.penalty!r}" if self.penalty is not None else ""
        return f"{type(self).__name__}({args}{pen})"
