"""Ship the generator alone: a ``.keras`` file, a TensorFlow SavedModel or an ONNX file.

What is exported is the network that samples: the weight average when the model keeps one
(``sampling_generator``), mapping latents ``(batch, latent_dim)`` (and one-hot labels for a
conditional model) to samples in ``value_range``. Beside it goes ``kgan.json`` (inside a SavedModel
folder) or ``PATH.json`` (beside a file) with the latent size, the sample shape, the value range and
how to call it, so a user of the export needs neither kgan nor the training code. The formats are
Keras' own (``Model.save``, ``Model.export``); kgan only chooses the network and records what a
consumer needs to know.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from kgan.errors import ConfigurationError
from kgan.models.capabilities import capabilities_of
from kgan.precision import float32_copy, model_precision

__all__ = ["FORMATS", "export_generator", "export_metadata"]

FORMATS = ("keras", "savedmodel", "onnx")

def export_metadata(gan: Any, export_format: str) -> dict:
    """What a consumer of an exported generator needs to know (written as JSON beside it)."""
    import keras

    from kgan.version import __version__

    num_classes = gan.capabilities.num_classes
    low, high = gan.data_range if getattr(gan, "data_range", None) else (-1.0, 1.0)
    inputs = [{"name": "z", "shape": [None, int(gan.latent_dim)], "dtype": "float32", "distribution": "standard normal N(0, I)"}]
    if num_classes:
        inputs.append({"name": "labels_one_hot", "shape": [None, int(num_classes)], "dtype": "float32"})
    return {
        "format": export_format,
        "latent_dim": int(gan.latent_dim),
        "num_classes": int(num_classes) if num_classes else None,
        "sample_shape": [int(d) for d in gan.sample_shape],
        "value_range": [float(low), float(high)],
        "inputs": inputs,
        "weights": "generator weight average (EMA)" if getattr(gan, "generator_ema", None) is not None else "generator",
        "exported_by": {"kgan": __version__, "keras": keras.__version__, "backend": keras.backend.backend()},
    }

def export_generator(gan: Any, path: str | os.PathLike, export_format: str = "keras", overwrite: bool = False) -> list[Path]:
    """Write the model's sampling generator in ``export_format`` and its metadata beside it.

    Args:
        gan: A model whose [`capabilities`][kgan.models.gan_model.GANModel.capabilities] declare a latent space.
        path: ``.keras`` file (``keras``), folder (``savedmodel``) or ``.onnx`` file (``onnx``).
        export_format: One of [`FORMATS`][kgan.models.export.FORMATS]. ``savedmodel`` and ``onnx``
            go through ``keras.Model.export`` (``onnx`` needs the ``onnx`` package, and on TensorFlow
            ``tf2onnx``). A generator trained in bfloat16 is exported as it computes, except to ONNX,
            which gets a float32 copy with the same weights
            ([`float32_copy()`][kgan.precision.float32_copy]); the metadata's ``precision`` says which.
        overwrite: Replace an existing export at ``path``.

    Returns:
        The paths written: the export, then its metadata JSON.

    Raises:
        kgan.errors.ConfigurationError: Unknown format, a model without a latent space, a path of the
            wrong kind, or an existing export without ``overwrite``.
    """
    if export_format not in FORMATS:
        raise ConfigurationError(f"format must be one of {', '.join(FORMATS)}; received {export_format!r}.")
    capabilities = capabilities_of(gan)
    if capabilities is None or capabilities.latent_dim is None:
        what = f"it {capabilities.describe()}" if capabilities else f"a {type(gan).__name__} is not a kgan model"
        raise ConfigurationError(f"export ships a generator of latents; this model has no latent space ({what}: save it whole with model.save).")
    target = Path(path)
    suffix = {"keras": ".keras", "onnx": ".onnx"}.get(export_format)
    if suffix and target.suffix != suffix:
        raise ConfigurationError(f"--out for format {export_format} must end with {suffix}; received {str(target)!r}.")
    if target.exists() and not overwrite:
        raise ConfigurationError(f"--out {str(target)!r} already exists; choose a new path or pass --overwrite.")
    if export_format == "onnx":
        _require("onnx", "ONNX export needs the onnx package: pip install onnx" + (" tf2onnx" if _backend() == "tensorflow" else ""))
        if _backend() == "tensorflow":
            _require("tf2onnx", "ONNX export on TensorFlow needs tf2onnx: pip install tf2onnx onnx")
    metadata_path = target / "kgan.json" if export_format == "savedmodel" else target.with_name(target.name + ".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    generator = gan.sampling_generator
    if export_format == "onnx":
        generator = float32_copy(generator)  # a bfloat16 network: converters mistype it, runtimes lack kernels
    _call_once(gan, generator)  # Model.export traces a network that has been called
    if export_format == "keras":
        from kgan.files import save_model_atomically

        save_model_atomically(generator, target)
    elif export_format == "savedmodel":
        generator.export(os.fspath(target), format="tf_saved_model", verbose=False)
    else:
        with warnings.catch_warnings():  # Keras' tf2onnx shim probes np.object, which numpy 2 warns about
            warnings.simplefilter("ignore", FutureWarning)
            generator.export(os.fspath(target), format="onnx", verbose=False)
    metadata = {**export_metadata(gan, export_format), "precision": model_precision(generator)}
    metadata_path.write_text(json.dumps(metadata, indent=2) + "\n")
    return [target, metadata_path]

def _call_once(gan: Any, generator: Any) -> None:
    import keras

    z = keras.ops.convert_to_tensor(gan.generation_latents(1, seed=0))
    generator([z, gan.one_hot(keras.ops.zeros((1,), "int32"))] if gan.capabilities.num_classes else z, training=False)


def _backend() -> str:
    import keras

    return keras.backend.backend()

def _require(module: str, hint: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ConfigurationError(hint)
