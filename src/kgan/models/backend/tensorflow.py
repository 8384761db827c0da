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

    def _optimize_pair(self, loss_fn, first, second):
        """Two updates from one forward pass: ``loss_fn() -> ((loss_1, loss_2), logs)``.

        ``first`` and ``second`` are ``(variables, optimizer)``; loss ``i`` is differentiated with
        respect to its variables only. Returns ``(logs, (grad_norm_1, grad_norm_2))``.
        """
        with tf.GradientTape() as tape_1, tf.GradientTape() as tape_2:
            (loss_1, loss_2), logs = loss_fn()
            scaled_1 = first[1].scale_loss(loss_1)
            scaled_2 = second[1].scale_loss(loss_2)
        norms = []
        for tape, scaled, (variables, optimizer) in ((tape_1, scaled_1, first), (tape_2, scaled_2, second)):
            grads = tape.gradient(scaled, variables)
            optimizer.apply_gradients(zip(grads, variables))
            norms.append(tf.linalg.global_norm([g for g in grads if g is not None]))
        return logs, tuple(norms)

    def input_gradients(self, fn, inputs):
        """``d sum(fn(inputs)) / d inputs``, differentiable again by an enclosing tape."""
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            outputs = fn(inputs)
        return tape.gradient(outputs, inputs)
