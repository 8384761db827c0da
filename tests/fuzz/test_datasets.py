"""Hostile and odd datasets: each refused with the file named, or handled; never a crash or a hang."""

from __future__ import annotations

import json
import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import kgan
from kgan.errors import DataError
from tests.cli_helpers import run_cli


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _bomb(path, side=20_000):
    """A valid grey PNG of side x side zeros: a few hundred KB that decode to side**2 bytes."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b""))


def _good(path, shape=(8, 8), value=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full(shape, value, np.uint8)).save(path)


def _case_corrupt_png(root):
    _good(root / "ok.png")
    (root / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    return "bad.png"


def _case_truncated_jpeg(root):
    _good(root / "ok.png", shape=(64, 64, 3))
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(root / "cut.jpg", quality=95)
    data = (root / "cut.jpg").read_bytes()
    (root / "cut.jpg").write_bytes(data[: len(data) // 3])
    return "cut.jpg"


def _case_bomb(root):
    _good(root / "ok.png")
    _bomb(root / "bomb.png")
    return "bomb.png"


def _case_long_line(root):
    Image.new("L", (100_000, 1)).save(root / "line.png")
    return None  # handled: a (1, 1, 100000, 1) dataset; an architecture then says what it needs


def _case_sixteen_bit_and_palette(root):
    Image.fromarray(np.full((8, 8), 40000, np.uint16)).save(root / "deep.png")
    Image.fromarray(np.zeros((8, 8), np.uint8)).convert("P").save(root / "palette.png")
    return None


def _case_mixed_modes(root):
    _good(root / "grey.png")
    Image.fromarray(np.zeros((8, 8, 4), np.uint8)).save(root / "rgba.png")
    Image.fromarray(np.zeros((8, 8), np.uint8)).convert("CMYK").save(root / "cmyk.jpg")
    return None


def _case_empty_folder(root):
    return "holds no images"


def _case_only_other_files(root):
    (root / "notes.txt").write_text("not an image")
    return "holds no images"


def _case_symlink_loop(root):
    _good(root / "a" / "ok.png")
    os.symlink(root, root / "a" / "loop", target_is_directory=True)
    return None


def _case_image_named_like_a_directory(root):
    (root / "dir.png").mkdir()
    _good(root / "ok.png")
    return None


def _case_npz_of_objects(root):
    np.savez(root / "objects.npz", x=np.array([{"a": 1}], dtype=object))
    return "objects.npz"


def _case_npy_of_objects(root):
    np.save(root / "objects.npy", np.array([None], dtype=object), allow_pickle=True)
    return "objects.npy"


def _case_truncated_npz(root):
    np.savez(root / "cut.npz", x=np.zeros((100, 8, 8), np.uint8))
    data = (root / "cut.npz").read_bytes()
    (root / "cut.npz").write_bytes(data[: len(data) // 2])
    return "cut.npz"


CASES = {name[len("_case_"):]: fn for name, fn in globals().items() if name.startswith("_case_")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_dataset_is_refused_naming_the_file_or_handled(case, tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    expected = CASES[case](root)
    files = sorted(p.name for p in root.iterdir())
    target = root / files[0] if len(files) == 1 and files[0].endswith((".npz", ".npy")) else root
    outcome = {"case": case.replace("_", " ")}
    try:
        x = kgan.datasets.load(str(target))
        outcome.update(result="handled", shape=list(np.shape(x)))
        assert expected is None, f"expected a refusal naming {expected!r}, loaded {np.shape(x)}"
        assert np.isfinite(x).all() and x.min() >= -1 and x.max() <= 1
    except DataError as exc:
        outcome.update(result="refused", message=str(exc).replace(str(tmp_path), "<workspace>"))
        assert expected is not None and expected in str(exc), str(exc)
        code, _, err = run_cli(["train", "dcgan", "--dataset", str(target), "--epochs", "1", "--out", str(tmp_path / "run")])
        assert code == 2 and err.startswith("Error: ") and expected in err and "Traceback" not in err, err
        assert not (tmp_path / "run").exists()  # refused before anything was written
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        with open(os.path.join(folder, f"fuzz_dataset-{case}.json"), "w") as handle:
            json.dump(outcome, handle, indent=2)
