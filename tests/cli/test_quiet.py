"""The kgan executable starts at once and quietly: no Keras import for --help/--version, no native
log lines on stderr, a compact progress line and a closing summary."""

import os
import subprocess
import sys
import time

import pytest

from kgan_cli.quiet import NATIVE_LOG_LINE

NATIVE_LINES = [
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    b"I0000 00:00:1796215772.406413    2815 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results",
    b"I0000 00:00:1796215772.406912    2815 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.",
    b"E0000 00:00:1796215809.876853    2957 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
    b"E0000 00:00:1796215813.394679    2957 meta_optimizer.cc:967] remapper failed: INVALID_ARGUMENT: Mutation::Apply error",
    b"To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.",
    b"2024-05-01 12:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.",
]
KEPT_LINES = [
    b"Error: --epochs must be a positive integer, received 0",
    b"Traceback (most recent call last):",
    b"/x/keras/src/trainers/epoch_iterator.py:74: UserWarning: something",
    b"W0 is not a log line",
]


@pytest.mark.parametrize("line", NATIVE_LINES)
def test_native_log_lines_are_recognised(line):
    assert NATIVE_LOG_LINE.match(line)


@pytest.mark.parametrize("line", KEPT_LINES)
def test_other_lines_pass(line):
    assert not NATIVE_LOG_LINE.match(line)


def _kgan(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kgan_cli", *args], capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_help_and_version_do_not_import_keras():
    probe = "import sys, kgan_cli; kgan_cli.main.__module__; print('keras' in sys.modules, 'kgan' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.split() == ["False", "False"]
    for args in (["--version"], ["--help"], ["train", "--help"]):
        started = time.perf_counter()
        run = _kgan(*args)
        assert run.returncode == 0 and run.stderr == "", run.stderr
        assert time.perf_counter() - started < 5  # measured 0.1 s; TensorFlow's import alone takes 5 s


@pytest.mark.heavy  # about 14 s on 2 cores
def test_train_is_quiet_and_ends_with_a_summary(tmp_path):
    out = tmp_path / "run"
    run = _kgan("train", "mlp", "--dataset", "ring8", "--epochs", "2", "--out", str(out), env={"TF_CPP_MIN_LOG_LEVEL": "0"})
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr  # no native lines, no warnings from kgan's own calls
    lines = run.stdout.splitlines()
    epoch_lines = [line for line in lines if " - d_loss: " in line]
    assert len(epoch_lines) == 2  # not a terminal: one plain line per epoch, no escape codes
    assert all(len(line) < 120 and "\x1b" not in line and "grad_norm" not in line for line in epoch_lines)
    assert lines[-2].startswith("Trained 2 epochs in ") and "no Frechet distance" in lines[-2]
    assert str(out / "training.png") in lines[-1] and str(out / "model.keras") in lines[-1]  # ring8 has no image grids


@pytest.mark.heavy  # about 11 s on 2 cores
def test_verbose_shows_the_native_lines(tmp_path):
    run = _kgan("--verbose", "train", "mlp", "--dataset", "ring8", "--epochs", "1", "--out", str(tmp_path / "run"), env={"TF_CPP_MIN_LOG_LEVEL": "0"})
    assert run.returncode == 0
    assert any(NATIVE_LOG_LINE.match(line.encode()) for line in run.stderr.splitlines())
