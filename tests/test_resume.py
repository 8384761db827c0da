"""Fault injection: kill `kgan train` with SIGKILL at several points, rerun the same command, and
compare with an uninterrupted run; and BackupAndRestore from Python."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

import kgan

EPOCHS = 6


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    x = kgan.datasets.load("mnist-5k")
    idx = np.random.default_rng(0).permutation(len(x))[:192]
    path = tmp_path_factory.mktemp("data") / "digits.npz"
    np.savez(path, x=np.uint8((x[idx, ..., 0] + 1) * 127.5))
    return path


def command(data, out):
    return [
        sys.executable, "-m", "kgan.cli", "train", "dcgan", "--dataset", str(data), "--epochs", str(EPOCHS),
        "--batch-size", "32", "--option", "width=4", "--option", "latent_dim=8", "--evaluate-every", "0",
        "--seed", "1", "--quiet", "--out", str(out),
    ]


def rows(out):
    path = out / "metrics.csv"
    return list(csv.DictReader(open(path))) if path.exists() else []


def kill_after_rows(cmd, out, n_rows, timeout=120):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None and len(rows(out)) < n_rows:
        time.sleep(0.05)
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive


def state(path):
    gan = keras.models.load_model(path)
    out = {
        "weights": [keras.ops.convert_to_numpy(v) for v in gan.weights],
        "g_opt": [keras.ops.convert_to_numpy(v) for v in gan.g_optimizer.variables],
        "d_opt": [keras.ops.convert_to_numpy(v) for v in gan.d_optimizer.variables],
        "ema": [keras.ops.convert_to_numpy(v) for v in gan.generator_ema.weights],
        "seed": keras.ops.convert_to_numpy(gan.noise_seed.state),
    }
    return gan, out


@pytest.mark.slow
def test_sigkill_at_several_points_then_same_command_equals_uninterrupted(digits, tmp_path):
    ref, run = tmp_path / "reference", tmp_path / "interrupted"
    done = subprocess.run(command(digits, ref), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]

    kills = 0
    for n_rows in (2, 4):  # kill during epoch 3 and during epoch 5 (or wherever the process is by then)
        kills += kill_after_rows(command(digits, run), run, n_rows)
    assert kills >= 1
    done = subprocess.run(command(digits, run), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]

    assert_same_run(ref, run)
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        with open(os.path.join(folder, "kills.json"), "w") as handle:
            json.dump({"sigkills": kills, "epochs": EPOCHS, "state_equal": True, "files_complete": True}, handle)


def assert_same_run(ref, run):
    """The interrupted-and-resumed run ``run`` ended exactly where the uninterrupted ``ref`` did."""
    ref_gan, ref_state = state(ref / "model.keras")
    run_gan, run_state = state(run / "model.keras")
    assert int(run_gan.completed_epochs) == int(ref_gan.completed_epochs) == EPOCHS
    assert int(run_gan.g_optimizer.iterations) == int(ref_gan.g_optimizer.iterations) == EPOCHS * 6
    for key in ("weights", "g_opt", "d_opt", "ema"):
        for a, b in zip(ref_state[key], run_state[key], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5, err_msg=key)
    np.testing.assert_array_equal(ref_state["seed"], run_state["seed"])
    # No file lost or duplicated.
    assert [r["epoch"] for r in rows(run)] == [str(e) for e in range(1, EPOCHS + 1)]
    assert sorted(p.name for p in (run / "samples").iterdir()) == [f"epoch_{e:04d}.png" for e in range(EPOCHS + 1)]
    assert (run / "training.gif").exists()
    record = kgan.runs._read_record(run)
    assert record["status"] == "finished" and record["resumed_from_epoch"] >= 1


@pytest.mark.slow
def test_sigint_and_sigterm_stop_at_a_step_then_same_command_equals_uninterrupted(digits, tmp_path):
    ref, run = tmp_path / "reference", tmp_path / "interrupted"
    done = subprocess.run(command(digits, ref), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    stops = []
    for sig, n_rows in ((signal.SIGINT, 2), (signal.SIGTERM, 4)):  # Ctrl-C in epoch 3, SIGTERM in epoch 5
        proc = subprocess.Popen(command(digits, run), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and len(rows(run)) < n_rows:
            time.sleep(0.02)
        if proc.poll() is not None:
            continue  # finished before the signal could be sent: nothing to stop
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        if proc.returncode == 0:
            continue  # the signal came after the last step
        assert proc.returncode == 128 + sig, err[-2000:]
        assert f"kgan: Stopped by {sig.name}" in err and "Traceback" not in err, err[-2000:]
        record = kgan.runs._read_record(run)
        assert record["status"] == "stopped" and sig.name in record["stopped"]
        kept = keras.models.load_model(run / "model.keras")  # the last completed epoch's file, intact
        assert int(kept.completed_epochs) >= n_rows - 1
        stops.append(sig.name)
    assert stops, "neither signal arrived while the run was training"
    done = subprocess.run(command(digits, run), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_same_run(ref, run)
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        with open(os.path.join(folder, "signals.json"), "w") as handle:
            json.dump({"signals": stops, "epochs": EPOCHS, "state_equal": True, "files_complete": True}, handle)


@pytest.mark.heavy  # about 9 s on 2 cores
def test_a_saved_model_trains_on_exactly_like_the_original(tmp_path):
    x = kgan.testing.random_data((8, 8, 1), 64)
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    gan.fit(x, batch_size=16, epochs=1, shuffle=False, verbose=0)
    gan.save(tmp_path / "e1.keras")
    gan.fit(x, batch_size=16, epochs=3, initial_epoch=1, shuffle=False, verbose=0)
    again = keras.models.load_model(tmp_path / "e1.keras")
    again.fit(x, batch_size=16, epochs=3, initial_epoch=1, shuffle=False, verbose=0)
    for a, b in zip(gan.weights, again.weights, strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), rtol=1e-5, atol=1e-6)


@pytest.mark.heavy  # about 12 s on 2 cores
def test_backup_and_restore_resumes_a_gan_in_python(tmp_path):
    x = kgan.testing.random_data((8, 8, 1), 64)

    def fresh():
        keras.utils.set_random_seed(0)
        gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
        gan.compile()
        return gan

    reference = fresh()
    reference.fit(x, batch_size=16, epochs=4, shuffle=False, verbose=0)

    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("simulated crash")

    backup = tmp_path / "backup"
    crashed = fresh()
    with pytest.raises(RuntimeError, match="simulated"):
        crashed.fit(x, batch_size=16, epochs=4, shuffle=False, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup), Crash()])
    resumed = fresh()
    resumed.fit(x, batch_size=16, epochs=4, shuffle=False, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup)])
    assert int(resumed.g_optimizer.iterations) == int(reference.g_optimizer.iterations) == 16
    assert int(resumed.d_optimizer.iterations) == 16
    for a, b in zip(reference.weights, resumed.weights, strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), rtol=1e-4, atol=1e-5)
