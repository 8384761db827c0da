"""TensorFlow mechanics for [`GANModel`][kgan.GANModel] (the only TensorFlow-specific code).

Under a ``tf.distribute`` strategy (``MirroredStrategy``, ``MultiWorkerMirroredStrategy``) Keras runs
one copy of ``train_step`` per replica, each on its share of the global batch, and the optimizers
sum the replicas' gradients. Four things make that equal to one device training on the global batch:

- each replica's loss is divided by the number of replicas before differentiation, so the summed
  gradient is the gradient of the global batch's mean loss (as Keras' own ``train_step`` does);
- random draws are made for the global batch and each replica keeps its share
  (`replica_draw()`), so replicas do not draw the same latent vectors, and a run on N replicas
  draws exactly what one device would;
- batch normalization computes its statistics over the global batch (``synchronized`` batch norm,
  switched on only while the step is traced under a strategy, so saved models keep their own
  setting and load on every backend; ``gan.sync_batchnorm = False`` keeps per-replica statistics);
- steps that need the whole batch (differentiable augmentation, gradient-penalty points, replay
  memories) gather it from every replica, run once on it, and keep their share
  (`on_global_batch()`); every replica then writes the same values to replicated state.
"""

from __future__ import annotations

import contextlib

import keras
import tensorflow as tf

__all__ = ["TensorFlowGANTrainer"]


def _replicas():
    """``(context, num_replicas)``: the replica context of the running step, or ``(None, 1)``."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None, 1
    return context, context.num_replicas_in_sync


def _share_bounds(context, n):
    """``(start, n, total)``: this replica's rows in the concatenation of every replica's ``n`` rows.

    Every replica's size goes through an all-reduce (a one-hot vector of sizes) rather than an
    all-gather: MultiWorkerMirroredStrategy cannot all-gather inside a traced step."""
    replicas = context.num_replicas_in_sync
    n = tf.cast(n, tf.int32)
    mine = tf.one_hot(context.replica_id_in_sync_group, replicas, dtype=tf.float32) * tf.cast(n, tf.float32)
    sizes = tf.cast(context.all_reduce(tf.distribute.ReduceOp.SUM, mine), tf.int32)
    start = tf.reduce_sum(sizes[: context.replica_id_in_sync_group])
    return start, n, tf.reduce_sum(sizes)


def _gather(context, t, start, total):
    """Every replica's ``t`` concatenated in replica order, ``(total, ...)``: each replica places its
    rows at ``start`` in zeros and the replicas' tensors are summed (differentiable all-reduce)."""
    n = tf.shape(t)[0]
    padding = [[start, total - start - n]] + [[0, 0]] * (len(t.shape) - 1)
    gathered = context.all_reduce(tf.distribute.ReduceOp.SUM, tf.pad(t, padding))
    return tf.ensure_shape(gathered, [None, *t.shape[1:]])  # static shape, which shape-driven code reads


def _multi_worker(strategy) -> bool:
    """Whether ``strategy`` runs replicas in several processes (as Keras' TF trainer decides it)."""
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and strategy.extended._in_multi_worker_mode()


def _norm(grads):
    """Global L2 norm of ``grads`` (of the replica's own mean loss under a strategy, undoing the 1/N)."""
    _, replicas = _replicas()
    return tf.linalg.global_norm(grads) * float(replicas)  # every gradient is a tensor (`_gradients`)


def _gradients(tape, loss, variables) -> list:
    """``d loss / d variables``, zeros for variables the loss does not reach (as on JAX and PyTorch:
    a model that computes only some of its layers in a step, such as ProGAN's early stages, updates
    the others as a zero gradient would, and Keras does not warn about missing gradients)."""
    grads = tape.gradient(loss, variables)
    return [tf.zeros_like(v.value) if g is None else g for g, v in zip(grads, variables, strict=True)]


def _distributed_loss(loss):
    """``loss / num_replicas``: the replicas' gradients are summed (Keras' ``scale_loss_for_distribution``)."""
    _, replicas = _replicas()
    return loss if replicas == 1 else loss / tf.cast(replicas, loss.dtype)


class TensorFlowGANTrainer:
    """Mixin giving [`GANModel`][kgan.GANModel] its TensorFlow gradient steps and replica hooks."""

    # --- data parallelism (tf.distribute) ---

    sync_batchnorm = True
    """Under a ``tf.distribute`` strategy, batch-norm layers use the global batch's statistics (as one
    device would). ``False``: each replica's own share (Keras' default), whose moving statistics then
    differ between replicas."""

    def check_distribution(self) -> None:
        """Refuse ``keras.distribution`` before ``fit``: on TensorFlow, Keras' implementation is a prototype."""
        from kgan.errors import ConfigurationError

        if keras.distribution.distribution() is not None:
            raise ConfigurationError(
                "keras.distribution is set, but on the TensorFlow backend kgan trains data-parallel with "
                "tf.distribute: create and compile the model under tf.distribute.MirroredStrategy().scope() "
                "(MultiWorkerMirroredStrategy across machines), or use KERAS_BACKEND=jax with "
                "keras.distribution.DataParallel."
            )

    def make_train_function(self, force=False):
        if self.train_function is None or force:
            self.train_function = self._make_function(self._replica_step(self.train_step))
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is None or force:
            self.test_function = self._make_function(self._replica_step(self.test_step))
        return self.test_function

    def _replica_step(self, step_function):
        """``step_function`` as each replica runs it: batch norm synchronized while it is traced and,
        across workers, logs of shape ``(1,)``: Keras reduces multi-worker logs with
        ``strategy.reduce("MEAN", logs, axis=0)``, which needs an axis (a scalar fails to trace)."""

        def step(data):
            with self._synchronized_batchnorm():
                logs = step_function(data)
            if _multi_worker(self.distribute_strategy):
                logs = tf.nest.map_structure(lambda v: tf.reshape(v, (1,)), logs)
            return logs

        return step

    @contextlib.contextmanager
    def _synchronized_batchnorm(self):
        """While the step is traced on several replicas: every batch-norm layer ``synchronized``."""
        _, replicas = _replicas()
        layers = []
        if replicas > 1 and self.sync_batchnorm:
            layers = [
                layer
                for layer in self._flatten_layers(include_self=False, recursive=True)
                if isinstance(layer, keras.layers.BatchNormalization) and not layer.synchronized
            ]
        for layer in layers:
            layer.synchronized = True
        try:
            yield
        finally:
            for layer in layers:
                layer.synchronized = False

    def replica_draw(self, draw, n):
        """A random draw for this replica's ``n`` samples, equal to one device's draw for the global batch.

        ``draw(m)`` returns ``m`` rows; under a strategy it is called with the global batch size
        (identically on every replica: they share the seed state) and this replica's rows are
        returned. Without a strategy it is ``draw(n)``.
        """
        context, replicas = _replicas()
        if replicas == 1:
            return draw(n)
        start, n, total = _share_bounds(context, n)
        return draw(total)[start : start + n]

    def on_global_batch(self, fn, *tensors):
        """``fn(*tensors)`` computed on the global batch, this replica's rows returned.

        Each tensor ``(n, ...)`` is gathered from every replica (in the order of the global batch),
        ``fn`` runs once on the gathered batch (its random draws and state writes are identical on
        every replica), and the result's rows for this replica are returned. Differentiable: the
        gather's gradient flows back to this replica's rows. Without a strategy it is ``fn(*tensors)``.
        """
        context, replicas = _replicas()
        if replicas == 1:
            return fn(*tensors)
        start, n, total = _share_bounds(context, tf.shape(tensors[0])[0])
        out = fn(*[_gather(context, t, start, total) for t in tensors])
        return tf.nest.map_structure(lambda t: t[start : start + n], out)

    def global_batch_size(self, n):
        """The global batch size: ``n`` summed over replicas (``n`` without a strategy)."""
        context, replicas = _replicas()
        if replicas == 1:
            return n
        return context.all_reduce(tf.distribute.ReduceOp.SUM, tf.cast(n, tf.int64))

    # --- gradients ---

    def _optimize(self, loss_fn, variables, optimizer):
        """One update of ``variables``: ``grads = d loss_fn()[0] / d variables``, then ``optimizer``.

        Only ``variables`` receive gradients; whatever else ``loss_fn`` touches (the frozen network)
        is not differentiated.

        Returns:
            ``(logs, grad_norm)``: ``loss_fn``'s logs and the global L2 norm of the gradients (under a
            strategy, of this replica's gradient of its own mean loss: the logged value is the replicas'
            mean, slightly larger than the norm of the summed gradient).
        """
        with tf.GradientTape() as tape:
            loss, logs = loss_fn()
            scaled = optimizer.scale_loss(_distributed_loss(loss))
        variables = list(variables)
        grads = _gradients(tape, scaled, variables)
        optimizer.apply_gradients(zip(grads, variables))
        return logs, _norm(grads)

    def _optimize_pair(self, loss_fn, first, second):
        """Two updates from one forward pass: ``loss_fn() -> ((loss_1, loss_2), logs)``.

        ``first`` and ``second`` are ``(variables, optimizer)``; loss ``i`` is differentiated with
        respect to its variables only. Returns ``(logs, (grad_norm_1, grad_norm_2))``.
        """
        with tf.GradientTape() as tape_1, tf.GradientTape() as tape_2:
            (loss_1, loss_2), logs = loss_fn()
            scaled_1 = first[1].scale_loss(_distributed_loss(loss_1))
            scaled_2 = second[1].scale_loss(_distributed_loss(loss_2))
        norms = []
        for tape, scaled, (variables, optimizer) in ((tape_1, scaled_1, first), (tape_2, scaled_2, second)):
            variables = list(variables)
            grads = _gradients(tape, scaled, variables)
            optimizer.apply_gradients(zip(grads, variables))
            norms.append(_norm(grads))
        return logs, tuple(norms)

    def input_gradients(self, fn, inputs):
        """``d sum(fn(inputs)) / d inputs``, differentiable again by an enclosing tape."""
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            outputs = fn(inputs)
        return tape.gradient(outputs, inputs)
