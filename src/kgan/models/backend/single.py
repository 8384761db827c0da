"""What every backend's mixin shares: one program sees the whole batch.

On JAX (also under ``keras.distribution.DataParallel``, whose arrays are global and sharded by the
compiler) and on PyTorch, a training step sees the global batch, so the replica hooks of
[`GANModel`][kgan.GANModel] are identities. TensorFlow's ``tf.distribute`` runs one copy of the step per
replica on its share of the batch; ``tensorflow.py`` overrides them.
"""

from __future__ import annotations

__all__ = ["GlobalBatchTrainer"]


class GlobalBatchTrainer:
    """Replica hooks for backends whose step sees the global batch."""

    def replica_draw(self, draw, n):
        """``draw(n)``: a random draw for ``n`` samples (see the TensorFlow override)."""
        return draw(n)

    def on_global_batch(self, fn, *tensors):
        """``fn(*tensors)`` (see the TensorFlow override)."""
        return fn(*tensors)

    def global_batch_size(self, n):
        """``n``, the batch size of the step (see the TensorFlow override)."""
        return n

    def check_distribution(self) -> None:
        """Before ``fit``: nothing to check where ``keras.distribution`` is supported (JAX)."""
