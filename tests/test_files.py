"""kgan.files: atomic writes and the lock that keeps a second writer out of an output."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import kgan
from kgan.errors import RunDirectoryError
from kgan.files import LOCK_FILE, OutputLock, write_atomically

from tests.cli_helpers import run_cli


def record(case: str, handled: bool) -> None:
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        slug = "".join(c if c.isalnum() else "-" for c in case)
        with open(os.path.join(folder, f"lock-{slug}.json"), "w") as handle:
            json.dump({"case": case, "handled": handled}, handle)


def test_atomic_write_keeps_the_suffix_and_leaves_no_temporary_file(tmp_path):
    seen = []
    write_atomically(tmp_path / "w.weights.h5", lambda tmp: (seen.append(tmp.name), tmp.write_text("x")))
    assert seen[0].endswith(".weights.h5") and (tmp_path / "w.weights.h5").read_text() == "x"
    with pytest.raises(OSError):
        write_atomically(tmp_path / "w.weights.h5", lambda tmp: (tmp.write_text("half"), (_ for _ in ()).throw(OSError(28, "No space left on device"))))
    assert (tmp_path / "w.weights.h5").read_text() == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["w.weights.h5"]


def test_a_held_lock_refuses_a_second_writer_and_names_the_holder(tmp_path):
    with OutputLock(tmp_path / "run"):
        with pytest.raises(RunDirectoryError, match=rf"being written by another kgan process \(pid {os.getpid()}"):
            OutputLock(tmp_path / "run").acquire()
    OutputLock(tmp_path / "run").acquire().release()  # free again once released


@pytest.mark.heavy  # about 8 s on 2 cores
def test_a_killed_holder_leaves_no_stuck_lock(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from kgan.files import OutputLock; import time; OutputLock({str(tmp_path)!r}).acquire(); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(RunDirectoryError, match=f"pid {holder.pid}"):
        OutputLock(tmp_path).acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_FILE).exists()  # the file stays; the OS dropped the lock with the process
    OutputLock(tmp_path).acquire().release()
    record("the lock's holder killed with SIGKILL: the next writer gets the lock", True)


def test_train_into_a_locked_directory_is_refused_and_leaves_it_as_it_was(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    with OutputLock(out):
        with pytest.raises(RunDirectoryError, match="another kgan process"):
            kgan.runs.train("mlp", dataset="ring8", epochs=1, out=out, evaluate_every=0, verbose=0, overwrite=True)
        assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]
    record("kgan.runs.train into a directory another process holds: refused, directory unchanged", True)


def test_export_and_harden_refuse_a_locked_out(tmp_path):
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    gan.fit(kgan.datasets.load("mnist-5k")[:32], epochs=1, batch_size=32, verbose=0)
    gan.save(tmp_path / "m.keras")
    held = OutputLock(tmp_path / "g.keras").acquire()
    code, _, err = run_cli(["export", str(tmp_path / "m.keras"), "--out", str(tmp_path / "g.keras")])
    held.release(remove=True)
    assert code == 2 and "another kgan process" in err
    assert not (tmp_path / "g.keras").exists()
    code, _, err = run_cli(["export", str(tmp_path / "m.keras"), "--out", str(tmp_path / "g.keras")])
    assert code == 0 and (tmp_path / "g.keras").exists() and not list(tmp_path.glob(".*.kgan.lock"))
    (tmp_path / "h").mkdir()
    with OutputLock(tmp_path / "h"):
        code, _, err = run_cli(["harden", "--dataset", "mnist-5k", "--gan", str(tmp_path / "m.keras"), "--probe-gan", str(tmp_path / "m.keras"), "--out", str(tmp_path / "h"), "--epochs", "1"])
    assert code == 2 and "another kgan process" in err
    record("kgan export --out and kgan harden --out held by another process: refused", True)


@pytest.mark.slow
def test_a_second_kgan_train_into_a_live_run_is_refused(tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "kgan_cli", "train", "mlp", "--dataset", "ring8", "--epochs", "200", "--evaluate-every", "0", "--quiet", "--out", str(out)]
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not (out / "metrics.csv").exists():
            time.sleep(0.1)
        assert first.poll() is None, "the first run ended before the second could start"
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2 and "being written by another kgan process" in second.stderr, second.stderr[-2000:]
        assert f"pid {first.pid}" in second.stderr
        assert json.loads((out / "run.json").read_text())["status"] == "running"  # the first run untouched
        record("a second kgan train into a live run's --out: refused naming the first process's pid; the first run continues", True)
    finally:
        first.kill()
        first.wait()
