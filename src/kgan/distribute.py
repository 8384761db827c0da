"""Data-parallel training on several devices, through the backend's own distribution engine.

kgan adds no launcher and no engine of its own. [`data_parallel()`][kgan.distribute.data_parallel] picks the engine of the running
Keras backend and returns a [`DataParallel`][kgan.distribute.DataParallel] whose [`scope()`][kgan.distribute.DataParallel.scope] the model is built,
compiled (and loaded) in; ``fit`` then trains it on every device:

- TensorFlow: ``tf.distribute.MirroredStrategy`` over ``devices`` GPUs, or over ``devices`` logical
  CPU devices on a machine without GPUs. With ``TF_CONFIG`` in the environment (several machines, or
  several processes on one), ``tf.distribute.MultiWorkerMirroredStrategy``: one replica per local GPU,
  or the CPU, on every worker.
- JAX: ``keras.distribution.DataParallel`` over ``devices`` devices (GPUs, or host CPU devices made
  with ``XLA_FLAGS=--xla_force_host_platform_device_count=N``, which this sets when it can).
- PyTorch: refused (Keras implements ``keras.distribution`` for JAX only).

A step on N replicas with global batch B computes what one device computes on B: losses are means
over the global batch, random draws are those of one device, batch-norm statistics are the global
batch's (`kgan.models.backend`), so a run can resume on a different number of devices.

Example:
    >>> parallel = kgan.distribute.data_parallel(2)      # first, before TensorFlow touches a device
    >>> with parallel.scope():
    ...     gan = kgan.architectures.get("dcgan")(seed=0)
    ...     gan.compile()
    ...     gan.fit(x, batch_size=64, epochs=5)           # 64 = the global batch, 32 per replica
    >>> if parallel.is_chief:
    ...     gan.save("gan.keras")
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

import keras

from kgan.arguments import check_int
from kgan.errors import ConfigurationError

__all__ = ["DataParallel", "data_parallel"]


@dataclass
class DataParallel:
    """A data-parallel setup: where to build the model, and which process writes files.

    Attributes:
        engine: ``"MirroredStrategy"``, ``"MultiWorkerMirroredStrategy"`` or ``"keras.distribution.DataParallel"``.
        num_replicas: Copies of the model that each train on a share of every batch (all workers).
        device_kind: ``"gpu"`` or ``"cpu"`` (logical CPU devices share the machine's cores).
        devices: The devices of this process, as the engine names them.
        is_chief: Whether this process writes the run's files (the only one unless multi-worker).
        worker: This process's index among the workers (0 without ``TF_CONFIG``).
        strategy: The ``tf.distribute`` strategy (TensorFlow) or ``keras.distribution`` object (JAX).
    """

    engine: str
    num_replicas: int
    device_kind: str
    devices: list[str]
    is_chief: bool = True
    worker: int = 0
    strategy: Any = field(default=None, repr=False)

    def scope(self):
        """Build, compile, load and ``fit`` models inside this: ``strategy.scope()`` on TensorFlow,
        ``distribution.scope()`` on JAX (where [`data_parallel()`][kgan.distribute.data_parallel] has also set it for the whole
        program with ``keras.distribution.set_distribution``)."""
        if hasattr(self.strategy, "scope"):
            return self.strategy.scope()
        return contextlib.nullcontext()

    def describe(self) -> dict:
        """A JSON-able record of the setup (for ``run.json``)."""
        return {"engine": self.engine, "num_replicas": self.num_replicas, "device_kind": self.device_kind, "devices": self.devices, "worker": self.worker}


def _check_devices(devices: Any) -> int:
    check_int("devices", devices, meaning=" (devices per machine)")
    return devices


def data_parallel(devices: int) -> DataParallel:
    """Data parallelism over ``devices`` devices of this machine with the backend's own engine.

    Call it at the start of the program: TensorFlow's logical CPU devices and JAX's host devices can
    only be made before the backend first runs a computation.

    Args:
        devices: Devices (replicas) on this machine. GPUs when the machine has at least that many,
            else CPU devices. ``1`` is allowed (and with ``TF_CONFIG`` means one replica per worker).

    Returns:
        A [`DataParallel`][kgan.distribute.DataParallel]: build and compile the model inside ``.scope()``; write files only
        where ``.is_chief``.

    Raises:
        ConfigurationError: ``devices`` is not a positive integer; the machine has some GPUs but fewer
            than ``devices``; the backend already started with fewer devices; the backend is PyTorch.
    """
    devices = _check_devices(devices)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow(devices)
    if backend == "jax":
        return _jax(devices)
    raise ConfigurationError(
        f"Data-parallel training is not available on the {backend!r} backend (Keras implements keras.distribution "
        f"for JAX; kgan also uses tf.distribute on TensorFlow). Train with KERAS_BACKEND=tensorflow or jax "
        f"(kgan train --backend tensorflow --devices {devices})."
    )


def _tensorflow(devices: int) -> DataParallel:
    import tensorflow as tf

    if os.environ.get("TF_CONFIG"):
        task = json.loads(os.environ["TF_CONFIG"]).get("task", {})
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        return DataParallel(
            engine="MultiWorkerMirroredStrategy",
            num_replicas=int(strategy.num_replicas_in_sync),
            device_kind="gpu" if tf.config.list_physical_devices("GPU") else "cpu",
            devices=list(strategy.extended.worker_devices),
            is_chief=bool(strategy.extended.should_checkpoint),
            worker=int(task.get("index", 0)),
            strategy=strategy,
        )
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        if len(gpus) < devices:
            raise ConfigurationError(f"devices={devices}, but this machine has {len(gpus)} GPU(s); use devices <= {len(gpus)}.")
        names = [f"/gpu:{i}" for i in range(devices)]
        kind = "gpu"
    else:
        cpus = tf.config.list_physical_devices("CPU")
        configured = tf.config.get_logical_device_configuration(cpus[0]) or []
        if len(configured) < devices:
            try:  # (listing logical devices would start the runtime: try first)
                tf.config.set_logical_device_configuration(cpus[0], [tf.config.LogicalDeviceConfiguration()] * devices)
            except RuntimeError as exc:
                started = len(tf.config.list_logical_devices("CPU"))
                raise ConfigurationError(
                    f"devices={devices}: TensorFlow has already started with {started} CPU device(s), and logical "
                    f"devices can only be made before it runs anything. Call kgan.distribute.data_parallel({devices}) "
                    f"at the start of the program, before building a model or loading data into TensorFlow."
                ) from exc
        names = [f"/cpu:{i}" for i in range(devices)]
        kind = "cpu"
    strategy = tf.distribute.MirroredStrategy(names)
    return DataParallel(engine="MirroredStrategy", num_replicas=devices, device_kind=kind, devices=names, strategy=strategy)


def _jax(devices: int) -> DataParallel:
    flag = f"--xla_force_host_platform_device_count={devices}"
    if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
        # read when JAX first starts its backend; too late (and harmless) if it already has
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flag}".strip()
    import jax

    available = jax.devices()
    if len(available) < devices:
        raise ConfigurationError(
            f"devices={devices}, but JAX sees {len(available)} {available[0].platform} device(s). On CPU, start the "
            f"program with XLA_FLAGS={flag} (kgan train --devices sets it), or call "
            f"kgan.distribute.data_parallel({devices}) before anything runs on JAX."
        )
    # several processes (jax.distributed.initialize()): jax.devices() lists every process's devices
    chosen = available if jax.process_count() > 1 else available[:devices]
    distribution = keras.distribution.DataParallel(devices=chosen)
    keras.distribution.set_distribution(distribution)
    return DataParallel(
        engine="keras.distribution.DataParallel",
        num_replicas=len(chosen),
        device_kind="gpu" if chosen[0].platform == "gpu" else chosen[0].platform,
        devices=[str(d) for d in chosen],
        is_chief=jax.process_index() == 0,
        worker=jax.process_index(),
        strategy=distribution,
    )
