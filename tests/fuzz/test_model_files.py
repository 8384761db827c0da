"""1,000 mutated .keras archives against kgan's loader, Keras' loader and three commands.

Each mutant is made from a real kgan file (a dcgan, a cgan or an mlp GAN) by one mutation of
``tests/fuzz/mutations.py``: truncated, bytes flipped, a member dropped, weights garbled, config.json
edited (unknown classes, arbitrary module paths, Lambda bytecode, huge shapes, weights that do not
fit, values of the wrong type, keys deleted), or the published shape of a Keras safe-mode bypass.
Every mutant goes to ``kgan.models.load_gan`` (what ``kgan sample``, ``evaluate`` and ``harden --gan``
load with; every fifth model it loads must generate). ``keras.models.load_model`` (after ``import
kgan``) gets every mutant that kgan's own checks refused before Keras saw it, and every tenth of the
rest (for those, ``load_gan`` already ran ``keras.models.load_model`` with the same arguments); not
the huge-shape mutants: Keras alone would try to allocate them, which is exactly what ``load_gan``'s
size check prevents. Every twentieth mutant also goes to the three commands. Each must be refused with
a one-line error or load a model that generates; none may take over 10 s or run code of the canary
module (``tests/fuzz/canary.py``), and Keras' safe mode must still be on afterwards. The mutants are
made in four chunks, so that ``pytest -n 2`` runs them on both cores.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import signal

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import KganError
from kgan.models.loading import load_gan
from tests.cli_helpers import run_cli
from tests.fuzz.mutations import KINDS, mutate

MUTANTS = int(os.environ.get("KGAN_FUZZ_MUTANTS", "1000"))
LIMIT_S = 10


@contextlib.contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise TimeoutError(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _safe_mode_on() -> bool:
    from keras.src.saving import serialization_lib  # the flag has no public getter

    # enable_unsafe_deserialization() sets this global to False; None (unset) and True are safe
    return serialization_lib.in_safe_mode() is not False


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("originals")
    models = {
        "dcgan": kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), latent_dim=4, width=4, seed=0),
        "cgan": kgan.architectures.get("cgan")(input_shape=(28, 28, 1), num_classes=10, latent_dim=4, width=4, seed=0),
        "mlp": kgan.architectures.get("mlp")(input_shape=(2,), latent_dim=2, units=8, seed=0),
    }
    out = {}
    for name, gan in models.items():
        gan.compile()
        gan.save(folder / f"{name}.keras")
        out[name] = (folder / f"{name}.keras").read_bytes()
    return out


def _load_with_kgan(path, generate: bool) -> str:
    try:
        gan = load_gan(path)
    except KganError as exc:
        assert "\n" not in str(exc), str(exc)
        reached_keras = "could not be loaded" in str(exc) or "carries code" in str(exc) or "not a kgan GANModel" in str(exc)
        return "refused by keras" if reached_keras else "refused before keras"
    if generate:
        samples = gan.generate(2, seed=0)
        first = samples[0] if isinstance(samples, tuple) else samples
        assert np.asarray(first).shape[0] == 2
    return "loaded"


def _load_with_keras(path) -> str:
    try:
        keras.models.load_model(path)
    except Exception:  # noqa: BLE001 - Keras' own API may raise anything; only code execution and hangs matter
        return "refused"
    return "loaded"


def _commands(path, tmp_path) -> list[int]:
    codes = []
    for args in (
        ["sample", str(path), "-n", "2", "-o", str(tmp_path / "s.png")],
        ["evaluate", str(path), "--dataset", "ring8"],
        ["harden", "--dataset", "ring8", "--gan", str(path), "--probe-gan", str(path), "--out", str(tmp_path / "h")],
    ):
        code, _, err = run_cli(args)
        lines = [line for line in err.splitlines() if line.strip()]
        assert code in (0, 2), (args[0], code, err[-1500:])
        assert "Traceback" not in err and (code == 0 or (len(lines) == 1 and lines[0].startswith("Error: "))), (args[0], err[-1500:])
        codes.append(code)
    return codes


CHUNKS = 4


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_fuzzed_model_files_are_refused_cleanly_or_load(chunk, originals, tmp_path, monkeypatch):
    canary = tmp_path / "canary.txt"
    monkeypatch.setenv("KGAN_CANARY", str(canary))
    rng = np.random.default_rng([20261202, chunk])
    names = sorted(originals)
    tally = collections.Counter()
    for i in range(chunk * MUTANTS // CHUNKS, (chunk + 1) * MUTANTS // CHUNKS):
        kind = KINDS[i % len(KINDS)]
        source = names[(i // len(KINDS)) % len(names)]
        path = tmp_path / f"mutant-{i:04d}.keras"
        path.write_bytes(mutate(originals[source], rng, kind))
        where = f"mutant {i} ({kind} of {source})"
        with time_limit(LIMIT_S):
            try:
                outcome = _load_with_kgan(path, generate=i % 5 == 0)
            except TimeoutError:
                pytest.fail(f"{where}: load_gan took over {LIMIT_S} s")
        tally[f"kgan {outcome}"] += 1
        if (outcome == "refused before keras" or i % 10 == 0) and kind != "huge-shape":
            with time_limit(LIMIT_S):
                tally[f"keras {_load_with_keras(path)}"] += 1
        if i % 20 == 0:
            with time_limit(3 * LIMIT_S):
                _commands(path, tmp_path)
            tally["command runs"] += 3
        assert not canary.exists(), f"{where}: code from the file ran: {canary.read_text()}"
        assert _safe_mode_on(), f"{where}: safe mode was switched off"
        path.unlink()
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        with open(os.path.join(folder, f"fuzz_models-{chunk}.json"), "w") as handle:
            json.dump({"mutants": MUTANTS // CHUNKS, **tally}, handle, indent=2)
