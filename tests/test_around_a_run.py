"""Around a run made by ``kgan train``: per-step metrics, TensorBoard, the HTML report in a real
browser, samples as files, latent walks and the exported generator, each through the command line."""

import json
import os
import re
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

import kgan
from kgan.callbacks.step_log import read_step_log
from tests.cli_helpers import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars"]  # fmt: skip


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A 3-epoch dcgan run on 64 8x8 images, with per-step logs every 2 steps and TensorBoard."""
    root = tmp_path_factory.mktemp("around")
    x = np.random.default_rng(0).uniform(-1, 1, size=(64, 8, 8, 1)).astype("float32")
    np.savez(root / "tiny.npz", x=x)
    out = root / "run"
    code, stdout, err = run_cli(["train", "dcgan", "--dataset", str(root / "tiny.npz"), "--epochs", "3", "--batch-size", "16",
                                 "--option", "width=4", "--latent-dim", "4", "--out", str(out), "--log-every", "2",
                                 "--tensorboard", str(root / "tb"), "--quiet"])  # fmt: skip
    assert code == 0, err
    return out


def test_log_every_writes_per_step_rows_that_training_png_draws(run_dir):
    rows = read_step_log(run_dir / "metrics-steps.csv")
    assert [r["step"] for r in rows] == [2, 4, 6, 8, 10, 12]  # 4 steps an epoch, 3 epochs
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(rows[0])
    assert (run_dir / "training.png").exists()


def test_step_log_on_resume_keeps_what_the_model_reached(tmp_path):
    import kgan
    from kgan.callbacks import StepLog

    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    x = np.random.default_rng(0).uniform(-1, 1, size=(32, 8, 8, 1)).astype("float32")
    path = tmp_path / "steps.csv"
    gan.fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[StepLog(path, every=1)])
    with open(path, "a") as handle:  # a row the model never completed (a crash after writing it)
        handle.write("99,1,1,1,1,1,1,1,1,1\n")
    gan.fit(x, batch_size=8, epochs=1, verbose=0, callbacks=[StepLog(path, every=1)])
    assert [r["step"] for r in read_step_log(path)] == list(range(1, 9))


def test_tensorboard_from_the_command_line_has_scalars_per_step_and_grids(run_dir):
    import tensorflow as tf

    tags, steps = set(), set()
    for event_file in (run_dir.parent / "tb").rglob("events*"):
        for event in tf.compat.v1.train.summary_iterator(str(event_file)):
            for value in event.summary.value:
                tags.add(value.tag)
                if "d_loss" in value.tag:
                    steps.add(event.step)
    assert "samples" in tags  # the fixed-latent grids
    assert any("d_loss" in t for t in tags) and any("g_loss" in t for t in tags)
    assert len(steps) >= 3


def test_report_is_one_self_contained_page(run_dir):
    code, out, err = run_cli(["report", str(run_dir)])
    assert code == 0, err
    page = (run_dir / "report.html").read_text()
    for section in ("Result", "Samples", "Curves", "Diagnostics", "Options", "Versions"):
        assert f"<h2>{section}</h2>" in page
    assert "src=\"http" not in page and "href=\"http" not in page  # nothing to fetch
    assert page.count("data:image/gif;base64,") == 1 and page.count("data:image/png;base64,") == 4  # 3 grids + curves
    assert "epoch 0 (before training)" in page and "epoch 3" in page


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium), as CI installs it")
def test_report_loads_in_a_real_browser_and_shows_its_images(run_dir, tmp_path):
    run_cli(["report", str(run_dir)])
    url = (run_dir / "report.html").resolve().as_uri()
    dom = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    root = re.search(r"<html[^>]*>", dom.stdout)
    assert root, dom.stderr[-2000:]
    images = re.search(r'data-images="(\d+)/(\d+)"', root.group(0))
    assert images and images.group(1) == images.group(2) == "5", root.group(0)  # every image decoded and shown
    assert "data-errors" not in root.group(0)
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--window-size=1200,1500",
                    "--virtual-time-budget=10000", f"--screenshot={shot}", url], capture_output=True, timeout=120)  # fmt: skip
    pixels = np.asarray(Image.open(shot).convert("L"))
    assert pixels.shape == (1500, 1200) and pixels.std() > 10  # a page with content, not a blank one


def test_sample_each_writes_one_png_per_sample(run_dir, tmp_path):
    code, out, err = run_cli(["sample", str(run_dir / "model.keras"), "-n", "12", "--seed", "3", "--each", str(tmp_path / "each")])
    assert code == 0, err
    files = sorted((tmp_path / "each").glob("*.png"))
    assert [f.name for f in files][:2] == ["sample_00000.png", "sample_00001.png"] and len(files) == 12
    gan = keras.models.load_model(run_dir / "model.keras")
    expected = np.uint8(np.clip((gan.generate(12, seed=3) + 1) / 2, 0, 1) * 255 + 0.5)[..., 0]
    np.testing.assert_array_equal(np.asarray(Image.open(files[5])), expected[5])


def test_interpolate_writes_grids_and_animations(run_dir, tmp_path):
    code, out, err = run_cli(["interpolate", str(run_dir / "model.keras"), "--walks", "3", "--steps", "5", "-o", str(tmp_path / "w")])
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["dimension.gif", "dimension.png", "slerp.gif", "slerp.png"]
    code, _, err = run_cli(["interpolate", str(run_dir / "model.keras"), "--kind", "class"])
    assert code == 2 and "no classes" in err
    code, _, err = run_cli(["interpolate", str(run_dir / "model.keras"), "--kind", "dimension", "--dims", "a,b"])
    assert code == 2 and "--dims" in err


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="SavedModel export goes through TensorFlow")
@pytest.mark.parametrize("export_format,name", [("keras", "g.keras"), ("savedmodel", "g_savedmodel"), ("onnx", "g.onnx")])
def test_export_makes_the_same_images_as_generate_without_kgan(run_dir, tmp_path, export_format, name):
    if export_format == "onnx":
        pytest.importorskip("onnxruntime")
        pytest.importorskip("tf2onnx")
    target = tmp_path / name
    code, out, err = run_cli(["export", str(run_dir / "model.keras"), "--format", export_format, "--out", str(target)])
    assert code == 0, err
    metadata = json.loads((target / "kgan.json" if export_format == "savedmodel" else tmp_path / f"{name}.json").read_text())
    assert metadata["latent_dim"] == 4 and metadata["value_range"] == [-1.0, 1.0] and metadata["sample_shape"] == [8, 8, 1]
    gan = keras.models.load_model(run_dir / "model.keras")
    np.save(tmp_path / "z.npy", gan.generation_latents(6, seed=2))
    # loaded in a fresh process that never imports kgan
    child = {
        "keras": "import keras; m = keras.models.load_model(p); out = m.predict(z, verbose=0)",
        "savedmodel": "import tensorflow as tf; m = tf.saved_model.load(p); out = m.serve(z).numpy()",
        "onnx": "import onnxruntime as ort; s = ort.InferenceSession(p); out = s.run(None, {s.get_inputs()[0].name: z})[0]",
    }[export_format]
    script = f"import sys, numpy as np; p = sys.argv[1]; z = np.load(sys.argv[2]); {child}; np.save(sys.argv[3], out); assert 'kgan' not in sys.modules"
    run = subprocess.run([sys.executable, "-c", script, str(target), str(tmp_path / "z.npy"), str(tmp_path / "out.npy")],
                         capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    # ONNX gets a float32 copy of a bfloat16 generator: the same images up to bfloat16's rounding
    rounding = export_format == "onnx" and kgan.precision.model_precision(gan) != "float32"
    assert metadata["precision"] == ("float32" if export_format == "onnx" else kgan.precision.model_precision(gan))
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), gan.generate(6, seed=2), atol=2e-2 if rounding else 1e-5)
    code, _, err = run_cli(["export", str(run_dir / "model.keras"), "--format", export_format, "--out", str(target)])
    assert code == 2 and "already exists" in err  # never replaced without --overwrite


def test_sample_shows_a_cogans_pairs_side_by_side(tmp_path):
    import kgan

    gan = kgan.architectures.get("cogan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    gan.save(tmp_path / "cogan.keras")
    code, _, err = run_cli(["sample", str(tmp_path / "cogan.keras"), "-n", "3", "--each", str(tmp_path / "each")])
    assert code == 0, err
    a, b = gan.generate(3, seed=0)
    image = np.asarray(Image.open(tmp_path / "each" / "sample_00001.png"))
    assert image.shape == (8, 16)  # a beside b
    expected = np.uint8(np.clip((np.concatenate([a, b], axis=2)[1, ..., 0] + 1) / 2, 0, 1) * 255 + 0.5)
    np.testing.assert_array_equal(image, expected)
    code, _, err = run_cli(["sample", str(tmp_path / "cogan.keras"), "-n", "4", "-o", str(tmp_path / "grid.png")])
    assert code == 0, err
    assert (tmp_path / "grid.png").exists()
