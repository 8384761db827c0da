"""``kgan train --epochs N`` for any N: memory and the time to the first epoch do not depend on N."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

GIB = 1024**3


def _rss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _first_epoch(epochs: int, out: Path, limit_s: float = 180.0) -> tuple[float, int]:
    """Seconds from starting ``kgan train`` until its first epoch is written, and the peak RSS until then.

    The process is stopped as soon as the first epoch is on disk, or when its memory passes 2 GiB."""
    command = [sys.executable, "-m", "kgan.cli", "train", "mlp", "--dataset", "ring8", "--epochs", str(epochs),
               "--out", str(out), "--quiet", "--evaluate-every", "0"]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "KERAS_BACKEND": "tensorflow"})
    peak = 0
    try:
        while not (out / "metrics.csv").exists() and proc.poll() is None:
            peak = max(peak, _rss(proc.pid))
            if peak > 2 * GIB or time.monotonic() - started > limit_s:
                break
            time.sleep(0.1)
        return time.monotonic() - started, peak
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.slow  # two kgan processes: about 13 s
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")
def test_a_million_epochs_start_like_one(tmp_path):
    # ring8 has 10,000 samples: the orders of a million epochs, made up front, would be 80 GB
    one_s, one_peak = _first_epoch(1, tmp_path / "one")
    many_s, many_peak = _first_epoch(1_000_000, tmp_path / "many")
    assert (tmp_path / "many" / "metrics.csv").exists(), f"no epoch finished in {many_s:.0f} s (peak {many_peak / GIB:.2f} GiB)"
    assert many_peak < 2 * GIB, f"peak resident memory {many_peak / GIB:.2f} GiB"
    assert many_s < one_s + 10, f"first epoch after {many_s:.1f} s with --epochs 1000000, {one_s:.1f} s with --epochs 1"
    assert many_peak < one_peak + 256 * 2**20, f"{many_peak / 2**20:.0f} MiB against {one_peak / 2**20:.0f} MiB"
