"""The example plugin, tested with kgan's public conformance kit and through the installed CLI."""

import json
import subprocess
import sys

import numpy as np

import kgan
from kgan.testing import check_architecture, check_loss


def kgan_cli(*args):
    return subprocess.run([sys.executable, "-m", "kgan.cli", *args], capture_output=True, text=True)


def test_found_through_entry_points():
    from kgan_plugin_example import RaLSGAN, ragan

    assert kgan.architectures.get("ragan") is ragan
    assert isinstance(kgan.losses.get("ralsgan"), RaLSGAN)


def test_architecture_conforms(tmp_path):
    check_architecture("ragan", directory=str(tmp_path))
    check_architecture("ragan", input_shape=(8, 8, 1), latent_dim=4, width=4)


def test_loss_conforms():
    check_loss("ralsgan")


def test_loss_matches_reference():
    rng = np.random.default_rng(0)
    r, f = rng.normal(size=(6, 1)).astype("float32"), rng.normal(size=(6, 1)).astype("float32")
    loss = kgan.losses.get("ralsgan")
    ref_d = np.mean((r - f.mean() - 1) ** 2) + np.mean((f - r.mean() + 1) ** 2)
    ref_g = np.mean((f - r.mean() - 1) ** 2) + np.mean((r - f.mean() + 1) ** 2)
    np.testing.assert_allclose(float(loss.discriminator_loss(r, f)), ref_d, rtol=1e-5)
    np.testing.assert_allclose(float(loss.generator_loss(f, r)), ref_g, rtol=1e-5)


def test_cli_lists_and_trains_the_plugin(tmp_path):
    listing = kgan_cli("list", "--verbose")
    assert listing.returncode == 0, listing.stderr
    lines = [line for line in listing.stdout.splitlines() if "kgan-plugin-example 0.1.0" in line]
    assert any(" ragan " in line for line in lines) and any(" ralsgan " in line for line in lines)
    out = tmp_path / "run"
    run = kgan_cli("train", "ragan", "--dataset", "ring8", "--epochs", "1", "--out", str(out), "--quiet")
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads((out / "run.json").read_text())["options"]["architecture"] == "ragan"
    run = kgan_cli("train", "mlp", "--dataset", "ring8", "--loss", "ralsgan", "--epochs", "1", "--out", str(tmp_path / "l"), "--quiet")
    assert run.returncode == 0, run.stderr[-2000:]
