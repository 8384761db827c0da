"""Data parallelism: N replicas with global batch B train as one device on B; multi-worker over
loopback; resume across a change of device count; clear errors.

Replicas are logical CPU devices (TensorFlow) or host devices (JAX), which must exist before the
backend starts, so each scenario runs in a fresh process.
"""

import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError
from tests.test_resume import kill_after_rows

HERE = Path(__file__).parent
TOLERANCE = 1e-4  # float32 sums in a different order (gradients summed across replicas)


def _run(args, env=None, timeout=600):
    proc = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _scenario(backend):
    proc = _run([sys.executable, str(HERE / "scenario.py"), "2"], env={"KERAS_BACKEND": backend})
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _check_equivalent(result, engine, batch_statistics_per_replica=()):
    assert result["engine"] == engine and result["num_replicas"] == 2
    for name, diff in result["configs"].items():
        assert diff["steps"] == 6, name
        assert diff["replicas"] == 0.0, f"{name}: replicas' copies differ by {diff['replicas']}"
        if name.startswith("progan"):  # the schedule counts the global batch: 6 steps x 16 images
            assert diff["images_seen"] == [96, 96], diff
        if name.startswith(batch_statistics_per_replica):
            continue  # trains, consistently, but a layer sees each replica's share (docs/distributed.md)
        for what in ("weights", "logs", "samples"):
            assert diff[what] < TOLERANCE, f"{name}: {what} differ by {diff[what]} between 1 and 2 replicas"


@pytest.mark.slow  # multi-process: 20-115 s
def test_two_mirrored_replicas_train_as_one_device_on_the_global_batch():
    """Latents, batch-norm statistics, both update paths, replay memory, WGAN-GP points (per sample),
    augmentation: 6 steps on 2 replicas (8 samples each) equal 6 steps on one device (16 samples);
    ProGAN's growth schedule counts the global batch."""
    # ProGAN's minibatch standard deviation is a statistic of each replica's share on TensorFlow
    _check_equivalent(_scenario("tensorflow"), "MirroredStrategy", batch_statistics_per_replica=("progan",))


@pytest.mark.slow  # multi-process: 20-115 s
@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs kgan[jax]")
def test_jax_data_parallel_on_two_devices_trains_as_one_device():
    _check_equivalent(_scenario("jax"), "keras.distribution.DataParallel")


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@pytest.mark.slow  # multi-process: 20-115 s
def test_two_workers_over_loopback_train_and_only_the_chief_writes(tmp_path):
    """MultiWorkerMirroredStrategy, two processes on 127.0.0.1 (TF_CONFIG), the same kgan train command."""
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    out = tmp_path / "run"
    procs = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        env = {**os.environ, "TF_CONFIG": json.dumps(config), "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow"}
        command = [sys.executable, "-m", "kgan.cli", "train", "mlp", "--dataset", "ring8", "--epochs", "1",
                   "--batch-size", "512", "--devices", "1", "--evaluate-every", "0", "--quiet", "--out", str(out)]
        procs.append(subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    try:
        outputs = [p.communicate(timeout=300)[0] for p in procs]
    finally:
        for p in procs:
            p.kill()
    for p, output in zip(procs, outputs, strict=True):
        assert p.returncode == 0, output[-3000:]
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "finished"
    assert record["distribution"]["engine"] == "MultiWorkerMirroredStrategy"
    assert record["distribution"]["num_replicas"] == 2
    assert record["history"]["step"] == [-(-10_000 // 512)]  # ring8: 10,000 points, global batch 512
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # the other worker wrote nothing here
    gan = keras.models.load_model(out / "model.keras")
    assert np.isfinite(gan.generate(16, seed=0)).all()


@pytest.mark.slow  # multi-process: 20-115 s
def test_a_run_killed_on_two_devices_resumes_on_one_and_ends_as_an_uninterrupted_run(tmp_path):
    """SIGKILL during epoch 3 of a 2-device run; the same command on 1 device continues it; the final
    weights, both optimizers and the noise state equal a 1-device run that was never interrupted."""
    x = kgan.datasets.load("mnist-5k")[:192]
    data = tmp_path / "digits.npz"
    np.savez(data, x=np.uint8((x[..., 0] + 1) * 127.5))

    def command(out, *extra):
        return [sys.executable, "-m", "kgan.cli", "train", "dcgan", "--dataset", str(data), "--epochs", "4",
                "--batch-size", "32", "--option", "width=4", "--option", "latent_dim=8", "--evaluate-every", "0",
                "--quiet", "--out", str(out), *extra]

    resumed, reference = tmp_path / "resumed", tmp_path / "reference"
    assert kill_after_rows(command(resumed, "--devices", "2"), resumed, 2), "the run ended before it could be killed"
    killed = json.loads((resumed / "run.json").read_text())
    assert killed["status"] == "running" and killed["distribution"]["num_replicas"] == 2
    _run(command(resumed))  # one device
    record = json.loads((resumed / "run.json").read_text())
    assert record["status"] == "finished" and record["resumed_from_epoch"] >= 1
    assert record["history"]["step"] == [6, 12, 18, 24]
    _run(command(reference))
    gan, expected = keras.models.load_model(reference / "model.keras"), keras.models.load_model(resumed / "model.keras")
    for name in ("weights", "g_optimizer", "d_optimizer"):
        ours = gan.weights if name == "weights" else getattr(gan, name).variables
        theirs = expected.weights if name == "weights" else getattr(expected, name).variables
        for a, b in zip(ours, theirs, strict=True):
            # Adam turns float32 rounding differences of near-zero gradients into full-size steps: two
            # uninterrupted runs on 1 and 2 devices differ by 2e-6, 6e-5, 1.4e-3, 3.9e-3 after epochs 1-4
            # (with SGD: 1.6e-6 after epoch 4). A lost epoch is 0.10 off (measured the same way).
            np.testing.assert_allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b), atol=2e-2, err_msg=f"{name}: {a.path}")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(gan.noise_seed.state), keras.ops.convert_to_numpy(expected.noise_seed.state))


@pytest.mark.parametrize("devices", [0, -1, True, 1.5, "2"])
def test_devices_must_be_a_positive_integer(devices):
    with pytest.raises(ConfigurationError, match="devices must be a positive integer"):
        kgan.distribute.data_parallel(devices)


def test_devices_cannot_be_added_after_tensorflow_started():
    import tensorflow as tf

    tf.constant(1.0) + 1.0  # the runtime is running
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("a machine with GPUs uses them")
    started = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(ConfigurationError, match="at the start of the program"):
        kgan.distribute.data_parallel(started + 1)


def test_keras_distribution_is_refused_on_tensorflow_with_the_alternative(tiny_gan, tiny_images):
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=["cpu:0"]))
    try:
        with pytest.raises(ConfigurationError, match="MirroredStrategy"):
            tiny_gan.fit(tiny_images, batch_size=16, epochs=1, verbose=0)
    finally:
        keras.distribution.set_distribution(None)
