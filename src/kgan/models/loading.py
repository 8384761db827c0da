"""Loading saved GANs with clear errors, Keras' safe mode kept on."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import keras

from kgan.errors import DataError

__all__ = ["load_gan"]


def load_gan(path: str | os.PathLike, safe_mode: bool = True):
    """Load a ``.keras`` file holding a [`GANModel`][kgan.GANModel].

    Args:
        path: A ``.keras`` file.
        safe_mode: Keras' safe mode: refuse files whose config carries code (``Lambda`` layers).
            Pass ``False`` only for files you trust.

    Raises:
        kgan.errors.DataError: Missing file, another format, a truncated or corrupt archive, a file
            carrying code in safe mode, or a model that is not a GANModel.
    """
    from kgan.models.gan_model import GANModel

    p = Path(path)
    if not p.exists():
        raise DataError(f"Model file {str(p)!r} does not exist.")
    if p.suffix != ".keras":
        raise DataError(f"Model file {str(p)!r} is not a .keras file; kgan loads only the .keras format (model.save('x.keras')).")
    if not zipfile.is_zipfile(p):
        raise DataError(f"Model file {str(p)!r} is not a valid .keras archive (truncated or corrupt); re-save or re-download it.")
    try:
        model = keras.models.load_model(p, safe_mode=safe_mode)
    except ValueError as exc:
        if "safe_mode" in str(exc) or "Lambda" in str(exc):
            raise DataError(
                f"Model file {str(p)!r} carries code (a Lambda layer or similar) and safe mode refused it. "
                f"Load it only if you trust its source: --unsafe (safe_mode=False)."
            ) from exc
        raise DataError(f"Model file {str(p)!r} could not be loaded: {exc}") from exc
    except (OSError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise DataError(f"Model file {str(p)!r} could not be loaded ({type(exc).__name__}: {exc}); it may be corrupt or from an incompatible version.") from exc
    if not isinstance(model, GANModel):
        raise DataError(f"Model file {str(p)!r} holds a {type(model).__name__}, not a kgan GANModel.")
    return model
