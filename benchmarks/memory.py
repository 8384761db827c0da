"""Resident memory of `kgan train` on a large folder of images: decoding, then training from disk.

Writes ``--images`` PNG files of 64x64x3 (colour digits of ``mnist-5k-color-64`` repeated with a
per-file colour shift, so no two files are equal) to ``--folder`` once, then runs

    kgan train dcgan --dataset FOLDER --epochs 1 --evaluate-every 0 --log-every 50 --out OUT

in a child process with a fresh ``KGAN_HOME`` (so the folder is decoded), polls its resident set size
(``VmRSS`` in ``/proc/PID/status``) every 0.2 s, and stops it after ``--steps`` training steps. It
prints the peak during decoding, the peak during training and the whole run's high-water mark
(``VmHWM``), and writes them with ``--json``.

    python benchmarks/memory.py                                  # 100,000 images, ~15 minutes
    python benchmarks/memory.py --images 5000 --steps 100        # a quick look
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def write_folder(folder: Path, count: int) -> None:
    from PIL import Image

    marker = folder / f".complete-{count}"
    if marker.exists():
        return
    import kgan

    shutil.rmtree(folder, ignore_errors=True)
    base = np.round((kgan.datasets.load("mnist-5k-color-64") + 1.0) * 127.5).astype(np.uint8)
    for i in range(count):
        sub = folder / f"{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        shift = np.array([i % 7, (i // 7) % 7, (i // 49) % 7], dtype=np.uint8) * 5  # every file distinct
        Image.fromarray(base[i % len(base)] ^ shift).save(sub / f"{i:06d}.png", compress_level=1)
    marker.write_text("")


def status(pid: int) -> dict:
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024  # MiB
    return values


def steps_done(out: Path) -> int:
    path = out / "metrics-steps.csv"
    if not path.exists():
        return 0
    with open(path) as handle:
        rows = list(csv.DictReader(handle))
    return int(float(rows[-1]["step"])) if rows else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=300, help="training steps to watch after decoding")
    parser.add_argument("--folder", default=None, help="where the PNG files go (default: a folder under the temp dir, kept for reuse)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    folder = Path(args.folder or Path(tempfile.gettempdir()) / f"kgan-memory-{args.images}")
    started = time.perf_counter()
    write_folder(folder, args.images)
    print(f"{args.images:,} PNG files of 64x64x3 in {folder} ({time.perf_counter() - started:.0f} s to write or find)")
    work = Path(tempfile.mkdtemp(prefix="kgan-memory-run-"))
    env = {**os.environ, "KGAN_HOME": str(work / "home"), "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = work / "run"
    command = [sys.executable, "-m", "kgan_cli", "train", "dcgan", "--dataset", str(folder), "--epochs", "1", "--evaluate-every", "0", "--log-every", "50", "--quiet", "--out", str(out)]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = {"decoding": 0.0, "training": 0.0}
    hwm = 0.0
    began = time.perf_counter()
    decoded_at = None
    try:
        while child.poll() is None:
            try:
                values = status(child.pid)
            except (FileNotFoundError, ProcessLookupError):
                break
            phase = "training" if (out / "run.json").exists() else "decoding"
            if phase == "training" and decoded_at is None:
                decoded_at = time.perf_counter() - began
            peak[phase] = max(peak[phase], values.get("VmRSS", 0.0))
            hwm = max(hwm, values.get("VmHWM", 0.0))
            if steps_done(out) >= args.steps:
                break
            time.sleep(0.2)
        steps = steps_done(out)
    finally:
        child.terminate()
        _, err = child.communicate(timeout=60)
    result = {
        "images": args.images, "image_shape": [64, 64, 3], "steps_watched": steps,
        "decode_and_start_s": round(decoded_at or 0.0, 1), "peak_rss_decoding_mib": round(peak["decoding"]),
        "peak_rss_training_mib": round(peak["training"]), "vmhwm_mib": round(hwm), "command": " ".join(command[2:]),
    }  # fmt: skip
    print(json.dumps(result, indent=2))
    if steps == 0:
        print(err[-2000:], file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
