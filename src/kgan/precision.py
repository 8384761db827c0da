"""The precision a training run computes in: float32, or bfloat16 with float32 weights.

Keras' ``mixed_bfloat16`` dtype policy computes every layer in bfloat16 and keeps the weights, and
the optimizer's state, in float32. kgan's architectures keep their last layers in float32
(``dtype="float32"``), so the losses, the gradient penalties and the generator's weight average are
computed in float32 under either policy. kgan uses Keras' policy as it is; this module only decides
which one a run is built under.

[`kgan.train()`][kgan.runs.train] and ``kgan train`` take ``precision``: ``"float32"`` (the
default), ``"bfloat16"``, or ``"auto"``, which chooses bfloat16 only where it was measured faster at
equal quality: an architecture that says so (its builder's ``precision_on_cpu`` attribute; dcgan's is
``"bfloat16"``) trained with its own loss, on one device, on a CPU that multiplies bfloat16 natively
(``avx512_bf16`` or ``amx_bf16`` among the CPU's flags: Intel Xeon from Cooper Lake and Sapphire
Rapids on, AMD from Zen 4 on). Everywhere else ``"auto"`` is float32: on GPUs (not measured), on CPUs
that would emulate bfloat16 (8x slower: 121 steps in two minutes against 977 in float32 on a 2-core
AMD EPYC with AVX2 only; asking for ``"bfloat16"`` there warns), with another loss, and in
data-parallel runs. It is not the
default because in the one thirty-minute run measured, bfloat16 was behind float32 at twenty minutes
and had lost its way by thirty (docs/speed.md).

A run resumed from its checkpoint keeps the precision it was started with: the saved model records
each layer's policy.

Example:
    >>> kgan.precision.resolve_precision("auto", preferred="bfloat16")   # on such a CPU
    'mixed_bfloat16'
    >>> with kgan.precision.dtype_policy("mixed_bfloat16"):
    ...     gan = kgan.architectures.get("dcgan")()
"""

from __future__ import annotations

import contextlib
import functools
import platform
import warnings
from pathlib import Path

import keras

from kgan.errors import ConfigurationError

__all__ = ["PRECISIONS", "EmulatedBfloat16Warning", "check_precision", "compute_device", "dtype_policy", "float32_copy", "model_precision", "native_bfloat16", "resolve_precision"]

PRECISIONS = {"auto": None, "float32": "float32", "bfloat16": "mixed_bfloat16"}
"""``precision`` values and the Keras dtype policy each names (``"auto"``: decided by
[`resolve_precision()`][kgan.precision.resolve_precision])."""

BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")
"""CPU flags (Linux ``/proc/cpuinfo``) of native bfloat16 arithmetic."""


class EmulatedBfloat16Warning(UserWarning):
    """``precision="bfloat16"`` asked for on a CPU that emulates bfloat16: it runs, much slower than
    float32 (dcgan: 0.13x the steps a second of float32 on a 2-core AMD EPYC with AVX2 only; docs/speed.md)."""


@functools.cache
def native_bfloat16(cpuinfo: str | Path = "/proc/cpuinfo") -> bool:
    """Whether this CPU multiplies bfloat16 natively: one of ``BFLOAT16_FLAGS`` in its flags.

    Read from ``/proc/cpuinfo``; ``False`` where there is none (macOS, Windows), which keeps those
    machines on float32.
    """
    if platform.system() != "Linux":
        return False
    try:
        text = Path(cpuinfo).read_text(errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return bool(set(line.split(":", 1)[-1].split()) & set(BFLOAT16_FLAGS))
    return False


def compute_device() -> str:
    """Where the running Keras backend computes by default: ``"cpu"``, ``"gpu"``, ``"tpu"`` or ``"mps"``.

    TensorFlow: ``"gpu"`` when it sees a GPU (``tf.config.list_physical_devices``, which leaves the
    devices unconfigured, so data parallelism can still be set up after it); JAX:
    ``jax.default_backend()``; PyTorch: CUDA, then Apple's MPS, as Keras picks its device.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"
    if backend == "jax":
        import jax

        platform_name = jax.default_backend()
        return "gpu" if platform_name in ("cuda", "rocm") else platform_name
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return "gpu"
        mps = getattr(torch.backends, "mps", None)
        return "mps" if mps is not None and mps.is_available() else "cpu"
    return "cpu"


def check_precision(precision: str) -> None:
    """Refuse a ``precision`` that is not one of ``PRECISIONS`` (what ``"auto"`` means is decided later,
    by [`resolve_precision()`][kgan.precision.resolve_precision])."""
    if precision not in PRECISIONS:
        raise ConfigurationError(
            f"precision must be one of {', '.join(PRECISIONS)} (--precision), received {precision!r}. "
            f"'auto' computes in bfloat16 where the architecture was measured to gain from it, float32 elsewhere."
        )


def resolve_precision(precision: str, preferred: str = "float32", device: str | None = None) -> str:
    """The Keras dtype policy name for ``precision``: ``"float32"`` or ``"mixed_bfloat16"``.

    Args:
        precision: ``"auto"``, ``"float32"`` or ``"bfloat16"`` (``PRECISIONS``).
        preferred: What the architecture was measured to train best in on a CPU with native
            bfloat16 (``"float32"`` or ``"bfloat16"``); only ``"auto"`` reads it.
        device: Where the backend computes (``"cpu"``, ``"gpu"``, ...); default
            [`compute_device()`][kgan.precision.compute_device]. Only ``"auto"`` reads it.

    Returns:
        ``"mixed_bfloat16"`` for ``"bfloat16"``, and for ``"auto"`` when ``preferred`` is
        ``"bfloat16"``, the backend computes on the CPU and the CPU has native bfloat16
        ([`native_bfloat16()`][kgan.precision.native_bfloat16]); ``"float32"`` otherwise.

    Raises:
        ConfigurationError: ``precision`` or ``preferred`` is not one of the names above.

    Warns:
        EmulatedBfloat16Warning: ``"bfloat16"`` on a CPU without native bfloat16, where it is
            emulated (kept, as asked, but slower than float32).
    """
    check_precision(precision)
    if preferred not in ("float32", "bfloat16"):
        raise ConfigurationError(f"preferred must be 'float32' or 'bfloat16', received {preferred!r}")
    if precision != "auto":
        if precision == "bfloat16" and not native_bfloat16() and (device or compute_device()) == "cpu":
            warnings.warn(
                f"precision='bfloat16' on a CPU without native bfloat16 arithmetic (none of {', '.join(BFLOAT16_FLAGS)} "
                f"among its flags): it is emulated there, and dcgan ran at 0.13x the steps a second of float32 on such a CPU. "
                f"Use precision='float32' (--precision float32), or 'auto', which picks bfloat16 only where it is native.",
                EmulatedBfloat16Warning,
                stacklevel=2,
            )
        return PRECISIONS[precision]
    if preferred == "float32" or not native_bfloat16():
        return "float32"
    if device is None:
        device = compute_device()
    return "mixed_bfloat16" if device == "cpu" else "float32"


@contextlib.contextmanager
def dtype_policy(name: str):
    """Keras' global dtype policy set to ``name`` while the block runs (models built in it keep it),
    and restored after, also on errors."""
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def model_precision(model) -> str:
    """The dtype policy ``model`` computes in: the first policy other than ``float32`` among its
    layers, searched through nested models (``"mixed_bfloat16"``), else ``"float32"``."""
    stack = list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop(0)
        name = layer.dtype_policy.name
        if name != "float32":
            return name
        stack.extend(getattr(layer, "layers", []))
    return "float32"


def float32_copy(model):
    """``model`` itself when it computes in float32, else a copy of it that does, with the same weights.

    The copy is ``keras.models.clone_model`` with every layer rebuilt from its config under the
    ``float32`` policy; the weights (float32 under ``mixed_bfloat16`` too) are copied over. Its
    outputs differ from the original's by bfloat16's rounding (about 3 significant digits). ONNX
    export uses it: converters and runtimes handle float32 everywhere, bfloat16 rarely.
    """
    if model_precision(model) == "float32":
        return model

    def rebuild(layer):
        return layer.__class__.from_config({**layer.get_config(), "dtype": "float32"})

    copy = keras.models.clone_model(model, clone_function=rebuild, recursive=True)
    copy.set_weights(model.get_weights())
    return copy
