"""Files written by the previous release (tests/fixtures/v0.1) load, sample and resume."""

import csv
import json
import os
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

import kgan
from kgan.models.loading import load_gan
from tests.cli_helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "v0.1"


@pytest.mark.parametrize("name", ["dcgan", "cgan"])
def test_a_0_1_model_loads_generates_and_samples(name, tmp_path):
    gan = load_gan(FIXTURES / f"{name}.keras")
    samples = gan.generate(4, seed=7)
    assert samples.shape == (4, 28, 28, 1) and np.isfinite(samples).all() and np.abs(samples).max() <= 1
    code, out, err = run_cli(["sample", str(FIXTURES / f"{name}.keras"), "-n", "8", "-o", str(tmp_path / "grid.png")])
    assert code == 0 and (tmp_path / "grid.png").exists(), err
    record({"file": f"{name}.keras", "loads": True, "samples": True})


def test_a_0_1_model_trains_on(tmp_path):
    gan = load_gan(FIXTURES / "dcgan.keras")
    steps = int(gan.g_optimizer.iterations)
    gan.fit(kgan.datasets.load("mnist-5k")[:64], batch_size=32, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == steps + 2


def test_an_unfinished_0_1_run_resumes_with_the_same_call(tmp_path):
    run = tmp_path / "run-mlp"
    shutil.copytree(FIXTURES / "run-mlp", run)
    before = json.loads((run / "run.json").read_text())
    assert before["status"] == "running" and before["versions"]["kgan"] == "0.1.0"
    gan = kgan.runs.train("mlp", dataset="ring8", epochs=3, batch_size=500, seed=0, out=run, verbose=0, architecture_options={"units": 16})
    after = json.loads((run / "run.json").read_text())
    assert after["status"] == "finished" and after["resumed_from_epoch"] == 1
    assert int(gan.completed_epochs) == 3
    with open(run / "metrics.csv", newline="") as handle:
        assert [int(row["epoch"]) for row in csv.DictReader(handle)] == [1, 2, 3]  # no row lost or repeated
    record({"file": "run-mlp/ (unfinished at epoch 1 of 3)", "loads": True, "resumes": True})


def record(outcome: dict) -> None:
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        slug = "".join(c if c.isalnum() else "-" for c in outcome["file"])
        with open(os.path.join(folder, f"old_file-{slug}.json"), "w") as handle:
            json.dump(outcome, handle, indent=2)


def test_a_cyclegan_saved_before_the_common_base_loads_every_variable_into_its_place():
    """The CycleGAN's own variables (fixed inputs, pools, counters) are read back in the order the
    older class wrote them, and it translates as it did."""
    folder = Path(__file__).parent / "fixtures" / "v0.2.dev"
    expected = json.loads((folder / "cyclegan.json").read_text())
    gan = load_gan(folder / "cyclegan.keras")
    own = {v.name: float(np.sum(keras.ops.convert_to_numpy(v))) for v in gan.saved_variables()}
    assert own == pytest.approx(expected["own_variables"])
    probe = np.linspace(-1, 1, 2 * 64).reshape(2, 8, 8, 1).astype("float32")
    assert float(np.sum(gan.translate(probe))) == pytest.approx(expected["translate_x2y_probe_sum"], rel=1e-5)
    assert int(keras.ops.convert_to_numpy(gan.g_optimizer.iterations)) == expected["g_optimizer_iterations"]
