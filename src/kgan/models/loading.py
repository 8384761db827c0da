"""Loading saved GANs with clear errors, Keras' safe mode kept on."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import keras
import numpy as np

from kgan.errors import DataError

__all__ = ["load_gan"]


# Keys whose integer values become tensor sizes when Keras builds the model; an edited file could ask
# for terabytes. Real kgan models stay far below these bounds.
_SIZE_KEYS = {"units", "filters", "latent_dim", "fixed_latents", "num_classes", "kernel_size", "output_dim", "input_dim", "size", "target_shape", "batch_shape", "shape", "replay_size"}
_MAX_DIMENSION = 1 << 20
_MAX_ELEMENTS = 1 << 31


def _sizes(value, key=None):
    """``(key, int)`` for every integer under a size key of a config tree."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _sizes(v, k)
    elif isinstance(value, list):
        if key in _SIZE_KEYS and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            yield key, int(np.prod([max(v, 1) for v in value], dtype=object))
        for v in value:
            yield from _sizes(v, key)
    elif key in _SIZE_KEYS and isinstance(value, int) and not isinstance(value, bool):
        yield key, value


def _check_config(path: Path) -> None:
    """Refuse configs asking for implausibly large tensors before Keras tries to allocate them."""
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, RuntimeError, EOFError) as exc:
        raise DataError(f"Model file {str(path)!r} is not a valid .keras archive ({type(exc).__name__}: {_innermost(exc)}); re-save or re-download it.") from exc
    for key, size in _sizes(config):
        if size > (_MAX_ELEMENTS if key in ("batch_shape", "shape", "target_shape") else _MAX_DIMENSION):
            raise DataError(f"Model file {str(path)!r} asks for a size of {size:,} ({key!r}); that is not a model kgan wrote. Refusing to build it.")


def _innermost(exc: BaseException, limit: int = 300) -> str:
    """The last, most specific sentence of a (possibly huge, nested) exception message, on one line."""
    text = str(exc).split("Exception encountered:")[-1]
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load_gan(path: str | os.PathLike, safe_mode: bool = True):
    """Load a ``.keras`` file holding a [`GANModel`][kgan.GANModel].

    Args:
        path: A ``.keras`` file.
        safe_mode: Keras' safe mode: refuse files whose config carries code (``Lambda`` layers).
            Pass ``False`` only for files you trust.

    Raises:
        kgan.errors.DataError: Missing file, another format, a truncated or corrupt archive, a file
            carrying code in safe mode, or a model that is not a kgan model.
    """
    from kgan.models.adversarial import AdversarialModel

    p = Path(path)
    if not p.exists():
        raise DataError(f"Model file {str(p)!r} does not exist.")
    if p.suffix != ".keras":
        raise DataError(f"Model file {str(p)!r} is not a .keras file; kgan loads only the .keras format (model.save('x.keras')).")
    if not zipfile.is_zipfile(p):
        raise DataError(f"Model file {str(p)!r} is not a valid .keras archive (truncated or corrupt); re-save or re-download it.")
    _check_config(p)
    try:
        model = keras.models.load_model(p, safe_mode=safe_mode)
    except Exception as exc:  # noqa: BLE001 - a file from anywhere can make Keras raise any type
        if isinstance(exc, ValueError) and ("safe_mode" in str(exc) or "Lambda" in str(exc)):
            raise DataError(
                f"Model file {str(p)!r} carries code (a Lambda layer or similar) and safe mode refused it. "
                f"Load it only if you trust its source: --unsafe (safe_mode=False)."
            ) from exc
        raise DataError(
            f"Model file {str(p)!r} could not be loaded ({type(exc).__name__}: {_innermost(exc)}); it may be corrupt, "
            f"edited, or from an incompatible version."
        ) from exc
    if not isinstance(model, AdversarialModel):
        raise DataError(f"Model file {str(p)!r} holds a {type(model).__name__}, not a kgan GANModel or CycleGANModel (a kgan AdversarialModel).")
    return model
