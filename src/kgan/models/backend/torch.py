"""PyTorch gradient mechanics for [`GANModel`][kgan.GANModel] (the only PyTorch-specific code).

Keras' torch trainer runs ``train_step(data)`` eagerly, so the backend-independent step works as it
is; what needs PyTorch is taking gradients:

- ``torch.autograd.grad`` with respect to the updated network's parameters only. No ``.grad``
  attribute is filled, so nothing accumulates between the discriminator's and the generator's
  updates and there is nothing to zero; the discriminator step's fakes are detached
  (``ops.stop_gradient`` in [`GANModel.discriminator_step()`][kgan.models.gan_model.GANModel.discriminator_step]), so no backward pass runs through G.
- the optimizer's update under ``torch.no_grad()``.
- input gradients with ``create_graph=True``, so a gradient penalty can be differentiated again.
"""

from __future__ import annotations

import torch

from kgan.models.backend.single import GlobalBatchTrainer

__all__ = ["TorchGANTrainer"]


def _grads(loss, variables, retain_graph: bool = False) -> list:
    """``d loss / d variables`` (zeros for variables the loss does not depend on)."""
    params = [v.value for v in variables]
    grads = torch.autograd.grad(loss, params, allow_unused=True, retain_graph=retain_graph)
    return [torch.zeros_like(p) if g is None else g for p, g in zip(params, grads, strict=True)]


def _global_norm(grads) -> torch.Tensor:
    return torch.sqrt(sum(torch.sum(torch.square(g.float())) for g in grads))


class TorchGANTrainer(GlobalBatchTrainer):
    """Mixin giving [`GANModel`][kgan.GANModel] its PyTorch gradient steps."""

    def check_distribution(self) -> None:
        """Refuse ``keras.distribution`` before ``fit``: Keras implements it for JAX only."""
        import keras

        from kgan.errors import ConfigurationError

        if keras.distribution.distribution() is not None:
            raise ConfigurationError(
                "keras.distribution is set, but kgan trains on one device on the PyTorch backend (Keras "
                "implements keras.distribution for JAX). For data parallelism use KERAS_BACKEND=jax with "
                "keras.distribution.DataParallel, or KERAS_BACKEND=tensorflow with tf.distribute.MirroredStrategy "
                "(kgan train --devices N picks the backend's own engine)."
            )

    def _optimize(self, loss_fn, variables, optimizer):
        """One update of ``variables``: ``grads = d loss_fn()[0] / d variables``, then ``optimizer``.

        Returns:
            ``(logs, grad_norm)``: ``loss_fn``'s logs and the global L2 norm of the gradients.
        """
        variables = list(variables)
        loss, logs = loss_fn()
        grads = _grads(optimizer.scale_loss(loss), variables)
        with torch.no_grad():
            optimizer.apply(grads, variables)
        return logs, _global_norm(grads)

    def _optimize_pair(self, loss_fn, first, second):
        """Two updates from one forward pass: ``loss_fn() -> ((loss_1, loss_2), logs)``; loss ``i`` is
        differentiated with respect to its own variables. Returns ``(logs, (grad_norm_1, grad_norm_2))``."""
        (loss_1, loss_2), logs = loss_fn()
        (vars_1, opt_1), (vars_2, opt_2) = (list(first[0]), first[1]), (list(second[0]), second[1])
        grads_1 = _grads(opt_1.scale_loss(loss_1), vars_1, retain_graph=True)  # the shared forward pass serves both
        grads_2 = _grads(opt_2.scale_loss(loss_2), vars_2)
        with torch.no_grad():
            opt_1.apply(grads_1, vars_1)
            opt_2.apply(grads_2, vars_2)
        return logs, (_global_norm(grads_1), _global_norm(grads_2))

    def input_gradients(self, fn, inputs):
        """``d sum(fn(inputs)) / d inputs``, differentiable again (``create_graph=True``)."""
        with torch.enable_grad():
            points = inputs.detach().requires_grad_(True)
            outputs = fn(points)
            (grads,) = torch.autograd.grad(torch.sum(outputs), points, create_graph=True)
        return grads
