"""The one place where kgan's training mechanics depend on the Keras backend.

As Keras picks its trainer in ``keras/src/models/model.py``, kgan picks a `GANTrainer` mixin
here, once, at import: ``tensorflow.py``, ``jax.py`` or ``torch.py``. A backend module provides
exactly three things to the backend-independent [`AdversarialModel`][kgan.models.AdversarialModel]:

- ``_optimize(loss_fn, variables, optimizer)``: differentiate ``loss_fn() -> (loss, aux)`` with respect
  to ``variables``, apply the update with ``optimizer``, and return ``(aux, global gradient norm)``.
  ``aux`` comes back as it was made, any structure of tensors: the step's logs, or logs together
  with tensors the step needs after the update (CycleGAN returns ``(logs, (fake_x, fake_y))`` to
  show its discriminators the fakes of the generators' pass);
- ``_optimize_pair(loss_fn, (variables_1, optimizer_1), (variables_2, optimizer_2))``: two updates from
  one forward pass, ``loss_fn() -> ((loss_1, loss_2), aux)`` (``shared_generator_pass``, CycleGAN);
- ``input_gradients(fn, inputs)``: ``d sum(fn(inputs)) / d inputs`` (for gradient penalties), usable
  inside ``_optimize``'s loss function (double backpropagation);
- replica hooks for data parallelism: ``replica_draw(draw, n)``, ``on_global_batch(fn, *tensors)`` and
  ``global_batch_size(n)``. They are identities where a step sees the global batch (``single.py``:
  JAX, also under ``keras.distribution``, and PyTorch); ``tensorflow.py`` implements them for
  ``tf.distribute``, which runs one copy of the step per replica.

Everything else (losses, metrics, schedules, callbacks) is written once in ``keras.ops``. JAX also
needs the step to be a pure function of the model's state; ``jax.py`` runs the same ``train_step(data)``
inside a ``keras.StatelessScope`` and carries every optimizer's variables in the state.
"""

from __future__ import annotations

import keras

from kgan.errors import ConfigurationError

__all__ = ["GANTrainer", "BACKEND"]

BACKEND = keras.backend.backend()

if BACKEND == "tensorflow":
    from kgan.models.backend.tensorflow import TensorFlowGANTrainer as GANTrainer
elif BACKEND == "jax":
    from kgan.models.backend.jax import JAXGANTrainer as GANTrainer
elif BACKEND == "torch":
    from kgan.models.backend.torch import TorchGANTrainer as GANTrainer
else:  # pragma: no cover - exercised only under other KERAS_BACKEND values

    from kgan.models.backend.single import GlobalBatchTrainer

    class GANTrainer(GlobalBatchTrainer):  # type: ignore[no-redef]
        """Refuses to train on a backend kgan does not implement (loading and generating still work)."""

        def _optimize(self, loss_fn, variables, optimizer):
            raise ConfigurationError(
                f"kgan's GANModel cannot train on the Keras backend {BACKEND!r}: kgan trains on 'tensorflow', "
                f"'jax' and 'torch'. Set KERAS_BACKEND to one of them before importing keras. Loading, "
                f"generate() and predict() work on any backend."
            )

        def _optimize_pair(self, loss_fn, first, second):
            self._optimize(None, None, None)

        def input_gradients(self, fn, inputs):
            self._optimize(None, None, None)
