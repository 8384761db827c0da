"""TensorFlow gradient mechanics for :class:`~kgan.GANModel` (the only TensorFlow-specific code)."""

from __future__ import annotations

import tensorflow as tf

__all__ = ["TensorFlowGANTrainer"]


class TensorFlowGANTrainer:
    """Mixin giving :class:`~kgan.GANModel` its TensorFlow gradient steps."""

    def _optimize(self, loss_fn, variables, optimizer):
        """One update of ``variables``: ``grads = d loss_fn()[0] / d variables``, then ``optimizer``.

        Only ``variables`` receive gradients; whatever else ``loss_fn`` touches (the frozen network)
        is not differentiated.

        Returns:
            ``(logs, grad_norm)``: ``loss_fn``'s logs and the global L2 norm of the gradients.
        """
        with tf.GradientTape() as tape:
            loss, logs = loss_fn()
            scaled = optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return logs, tf.linalg.global_norm([g for g in grads if g is not None])

    def input_gradients(self, fn, inputs):
        """``d sum(fn(inputs)) / d inputs``, differentiable again by an enclosing tape."""
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            outputs = fn(inputs)
        return tape.gradient(outputs, inputs)
