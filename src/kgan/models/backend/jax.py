"""JAX mechanics for [`GANModel`][kgan.GANModel] (the only JAX-specific code).

JAX functions are pure, so a training step cannot update variables in place. Keras' JAX trainer
passes the model's state in and takes the new state out:
``step(state, data) -> (logs, state)`` with ``state = (trainable, non_trainable, optimizer, metrics)``
value lists. kgan keeps the backend-independent ``train_step(data)`` that subclasses write, and runs
it inside a `keras.StatelessScope` that maps every variable to its value in ``state``: reads see
those values, every ``assign`` (optimizer moments, the weight average, batch-norm statistics, the noise
seed, replay buffers, ProGAN's ``images_seen``) is recorded in the scope, and the new state is read
back out of it. The step is then pure and is compiled with ``jax.jit``.

Two things differ from Keras' own JAX trainer, both here:

- A GAN has two (CycleGAN: four) optimizers; Keras' state carries ``model.optimizer``'s variables
  only. The state's optimizer part holds the variables of every optimizer in
  ``GANModel._optimizers()``.
- ``_optimize`` differentiates a loss with respect to some variables only: ``jax.value_and_grad`` of a
  pure function of their values (all other variables read from the scope, their updates carried out
  as auxiliary outputs), then ``optimizer.stateless_apply``.

Under ``keras.distribution.DataParallel`` the variables are replicated over the device mesh and each
batch is sharded along it; the step is still one program over the global batch (XLA inserts the
reductions), so losses, batch-norm statistics, random draws and gradient penalties are exactly those
of one device, and the state returned keeps the variables' shardings.
"""

from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import keras
from keras.src.backend.common.stateless_scope import (
    get_stateless_scope,
    in_stateless_scope,
)

from kgan.files import cache_dir
from kgan.models.backend.single import GlobalBatchTrainer

__all__ = ["JAXGANTrainer", "use_persistent_compilation_cache"]


def use_persistent_compilation_cache() -> None:
    """Keep JAX's compiled programs on disk, in kgan's cache (``$KGAN_HOME/jax``), across processes.

    On JAX every weight initializer of a new shape and every training step is compiled by XLA before it
    runs; building and tracing dcgan costs about 6 s of compilation on 2 CPU cores, every run. With
    the cache only the first run pays it (``benchmarks/startup.py``). JAX's own cache (a documented
    JAX feature, keyed by the program, the JAX version and the device) does the work; kgan only turns it
    on. Left alone where the user set ``JAX_COMPILATION_CACHE_DIR`` (or the config) themselves, and off
    with ``KGAN_JAX_CACHE=0``.
    """
    if os.environ.get("KGAN_JAX_CACHE", "1") == "0" or jax.config.jax_compilation_cache_dir:
        return
    jax.config.update("jax_compilation_cache_dir", str(cache_dir() / "jax"))
    # initializers compile in ~0.1 s each: JAX's default threshold (1 s) would cache none of them
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.05)


use_persistent_compilation_cache()


def _global_norm(grads) -> jax.Array:
    return jnp.sqrt(sum(jnp.sum(jnp.square(g.astype("float32"))) for g in grads if g is not None))


class JAXGANTrainer(GlobalBatchTrainer):
    """Mixin giving [`GANModel`][kgan.GANModel] its JAX training and evaluation steps."""

    # --- the state: every variable a step may read or write, in a fixed order ---

    def _jax_optimizer_variables(self) -> list:
        seen, out = set(), []
        for optimizer in self._optimizers():
            for v in optimizer.variables:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    def _jax_state_groups(self, training: bool = True) -> list[list]:
        groups = [self.trainable_variables, self.non_trainable_variables]
        if training:
            groups.append(self._jax_optimizer_variables())
        groups.append(self.metrics_variables)
        return groups

    def _jax_all_variables(self) -> list:
        return [v for group in self._jax_state_groups() for v in group]

    @staticmethod
    def _current(variables) -> list:
        """The values of ``variables`` in the active stateless scope (their own values outside one)."""
        scope = get_stateless_scope() if in_stateless_scope() else None
        out = []
        for v in variables:
            value = scope.get_current_value(v) if scope is not None else None
            out.append(v.value if value is None else value)
        return out

    def _stateless(self, step, state, data, training: bool):
        groups = self._jax_state_groups(training)
        mapping = [(v, value) for group, values in zip(groups, state, strict=True) for v, value in zip(group, values, strict=True)]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = step(data)
        new_state = tuple([scope.get_current_value(v) for v in group] for group in groups)
        return logs, new_state

    # --- Keras' JAX trainer hooks that read "the optimizer's variables": all optimizers' here ---

    def _get_jax_state(self, trainable_variables=False, non_trainable_variables=False, optimizer_variables=False, metrics_variables=False, purge_model_variables=False):
        state = []
        if trainable_variables:
            state.append([v.value for v in self.trainable_variables])
        if non_trainable_variables:
            state.append([v.value for v in self.non_trainable_variables])
        if optimizer_variables:
            state.append([v.value for v in self._jax_optimizer_variables()])
        if metrics_variables:
            state.append([v.value for v in self.metrics_variables])
        if purge_model_variables:
            self._purge_model_variables(trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables)
        # The step donates its state's buffers; two variables holding one array (the weight average
        # starts as G's weights, assigned without a copy) would donate it twice, so copy repeats.
        seen: set[int] = set()
        for values in state:
            for i, value in enumerate(values):
                if id(value) in seen:
                    values[i] = jnp.array(value, copy=True)
                seen.add(id(values[i]))
        return tuple(state)

    def _purge_model_variables(self, trainable_variables=False, non_trainable_variables=False, optimizer_variables=False, metrics_variables=False):
        for flag, variables in (
            (trainable_variables, self.trainable_variables),
            (non_trainable_variables, self.non_trainable_variables),
            (optimizer_variables, self._jax_optimizer_variables()),
            (metrics_variables, self.metrics_variables),
        ):
            if flag:
                for v in variables:
                    v._value = None

    def jax_state_sync(self):
        if not getattr(self, "_jax_state", None) or self._jax_state_synced:
            return
        targets = {
            "trainable_variables": self.trainable_variables,
            "non_trainable_variables": self.non_trainable_variables,
            "optimizer_variables": self._jax_optimizer_variables(),
            "metrics_variables": self.metrics_variables,
        }
        for key, variables in targets.items():
            values = self._jax_state.get(key, None)
            if values:
                for ref, value in zip(variables, values, strict=True):
                    ref.assign(value)
        self._jax_state_synced = True

    def _get_state_sharding_spec(self, training: bool = True):
        """The shardings of the state's groups (under ``keras.distribution``), as the step returns them."""
        return tuple([v.value.sharding for v in group] for group in self._jax_state_groups(training))

    # --- the compiled steps ---

    def _stateless_function(self, step, training: bool):
        """Keras' iterator step around ``step(data)`` run statelessly, ``jax.jit``-compiled unless eager."""

        def one_step(state, data):
            return self._stateless(step, state, data, training=training)

        if not self.run_eagerly and self.jit_compile:
            # under keras.distribution (DataParallel: replicated variables, batch-sharded data) the new
            # state keeps the variables' shardings; the step itself is the same global-batch program
            out_shardings = None
            if keras.distribution.distribution() is not None:
                out_shardings = (None, self._get_state_sharding_spec(training))
            one_step = jax.jit(one_step, donate_argnums=0, out_shardings=out_shardings)
        return self._make_function(one_step)

    def make_train_function(self, force=False):
        if self.train_function is None or force:
            self.train_function = self._stateless_function(self.train_step, training=True)
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is None or force:
            self.test_function = self._stateless_function(self.test_step, training=False)
        return self.test_function

    # --- gradients ---

    def _pure_loss(self, loss_fn, differentiated: list[list]):
        """``f(*values) -> (outputs, (logs, updates))``: ``loss_fn`` with each group of variables in
        ``differentiated`` read from the matching argument and every other variable from the active
        scope; ``updates`` maps indices into `_jax_all_variables()` to the new values of the
        variables ``loss_fn`` assigned (batch-norm statistics, the noise seed). Returns ``(f, everything)``."""
        everything = self._jax_all_variables()
        base = self._current(everything)
        own = {id(v) for group in differentiated for v in group}

        def f(*values):
            mapping = list(zip(everything, base, strict=True))
            for group, group_values in zip(differentiated, values, strict=True):
                mapping.extend(zip(group, group_values, strict=True))
            with keras.StatelessScope(state_mapping=mapping) as scope:
                outputs, logs = loss_fn()
            updates = {}
            for i, v in enumerate(everything):
                value = scope.get_current_value(v)
                if id(v) not in own and value is not base[i]:
                    updates[i] = value
            return outputs, (logs, updates)

        return f, everything

    def _apply(self, optimizer, variables, values, grads) -> None:
        new_values, new_optimizer_values = optimizer.stateless_apply(self._current(optimizer.variables), grads, values)
        for v, value in zip(variables, new_values, strict=True):
            v.assign(value)
        for v, value in zip(optimizer.variables, new_optimizer_values, strict=True):
            v.assign(value)

    def _optimize(self, loss_fn, variables, optimizer):
        """One update of ``variables``: ``jax.value_and_grad`` with respect to their values only, then
        ``optimizer.stateless_apply``; the new values go into the active stateless scope.

        Returns:
            ``(logs, grad_norm)``: ``loss_fn``'s logs and the global L2 norm of the gradients.
        """
        variables = list(variables)

        def scaled_loss_fn():
            loss, logs = loss_fn()
            return optimizer.scale_loss(loss), logs

        f, everything = self._pure_loss(scaled_loss_fn, [variables])
        values = self._current(variables)
        (_, (logs, updates)), (grads,) = jax.value_and_grad(f, argnums=(0,), has_aux=True)(values)
        for i, value in updates.items():
            everything[i].assign(value)
        self._apply(optimizer, variables, values, grads)
        return logs, _global_norm(grads)

    def _optimize_pair(self, loss_fn, first, second):
        """Two updates from one forward pass: ``loss_fn() -> ((loss_1, loss_2), logs)``; loss ``i`` is
        differentiated with respect to its own variables (two pullbacks of one ``jax.vjp``)."""
        (vars_1, opt_1), (vars_2, opt_2) = (list(first[0]), first[1]), (list(second[0]), second[1])

        def scaled_loss_fn():
            (loss_1, loss_2), logs = loss_fn()
            return (opt_1.scale_loss(loss_1), opt_2.scale_loss(loss_2)), logs

        f, everything = self._pure_loss(scaled_loss_fn, [vars_1, vars_2])
        values_1, values_2 = self._current(vars_1), self._current(vars_2)
        (loss_1, loss_2), pullback, (logs, updates) = jax.vjp(f, values_1, values_2, has_aux=True)
        grads_1, _ = pullback((jnp.ones_like(loss_1), jnp.zeros_like(loss_2)))
        _, grads_2 = pullback((jnp.zeros_like(loss_1), jnp.ones_like(loss_2)))
        for i, value in updates.items():
            everything[i].assign(value)
        self._apply(opt_1, vars_1, values_1, grads_1)
        self._apply(opt_2, vars_2, values_2, grads_2)
        return logs, (_global_norm(grads_1), _global_norm(grads_2))

    def input_gradients(self, fn, inputs):
        """``d sum(fn(inputs)) / d inputs`` with ``jax.grad``, differentiable again by an enclosing
        transformation. Variable updates ``fn`` makes (batch-norm statistics, dropout seeds) are
        discarded: the penalty's extra pass through D must not change the model's state."""
        everything = self._jax_all_variables()
        mapping = list(zip(everything, self._current(everything), strict=True))

        def total(points):
            with keras.StatelessScope(state_mapping=mapping):
                return jnp.sum(fn(points))

        return jax.grad(total)(inputs)
