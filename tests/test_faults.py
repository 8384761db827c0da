"""Fault injection: a poisoned batch mid-epoch and an absurd learning rate stop training with a
message naming the step and value, and the last good checkpoint stays the latest; a full disk while
a checkpoint is written stops with a message, keeps the files, and the same call resumes."""

import json
import os
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest

import kgan
from kgan.callbacks import AtomicCheckpoint, StopOnNaN



class Poisoned(keras.utils.PyDataset):
    """Four clean batches per epoch; once the model has completed an epoch, batch 3 is NaN."""

    def __init__(self, x, gan):
        super().__init__()
        self.x, self.gan = x, gan

    def __len__(self):
        return 4

    def __getitem__(self, i):
        batch = self.x[16 * i : 16 * (i + 1)].copy()
        if int(self.gan.completed_epochs) >= 1 and i == 2:
            batch[:] = np.nan
        return batch


def fresh():
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    return gan


def finite_model(path):
    gan = keras.models.load_model(path)
    return all(np.isfinite(keras.ops.convert_to_numpy(w)).all() for w in gan.weights)


@pytest.mark.parametrize("fault", ["poisoned batch in epoch 2", "learning rate 1e30 after a good epoch"])
def test_numerical_fault_stops_and_keeps_the_good_checkpoint(fault, tmp_path):
    x = kgan.testing.random_data((8, 8, 1), 64)
    gan = fresh()
    path = tmp_path / "model.keras"
    guard = StopOnNaN()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fault.startswith("poisoned"):
            gan.fit(Poisoned(x, gan), epochs=4, verbose=0, callbacks=[guard, AtomicCheckpoint(path)])
        else:
            gan.fit(x, batch_size=16, epochs=1, verbose=0, callbacks=[AtomicCheckpoint(path)])
            gan.compile(g_optimizer=keras.optimizers.SGD(1e30), d_optimizer=keras.optimizers.SGD(1e30))
            gan.fit(x, batch_size=16, epochs=4, verbose=0, callbacks=[guard, AtomicCheckpoint(path)])
    stopped = guard.message is not None and "step" in guard.message
    kept = path.exists() and finite_model(path) and int(keras.models.load_model(path).completed_epochs) == 1
    record_outcome({"fault": fault, "stopped_with_message": stopped, "last_good_checkpoint_kept": kept, "message": guard.message})
    assert stopped, guard.message
    assert kept


def record_outcome(outcome: dict, kind: str = "numerical_fault") -> None:
    """With KGAN_RELIABILITY_DIR set, each fault writes its own record (numerical_fault-SLUG.json)
    for scripts/reliability_report.py, whatever order or worker the tests run in."""
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        slug = "".join(c if c.isalnum() else "-" for c in outcome["fault"])
        with open(os.path.join(folder, f"{kind}-{slug}.json"), "w") as handle:
            json.dump(outcome, handle, indent=2)


@pytest.mark.heavy  # about 17 s on 2 cores
def test_full_disk_at_a_checkpoint_keeps_the_files_and_the_same_call_resumes(tmp_path, monkeypatch):
    """The disk fills up while epoch 2's model.keras is written: the write fails half-way (a write
    error injected at kgan's file layer, with half a temporary file on disk), training stops with a
    message, epoch 1's files stay intact and loadable, and once space is back the same call resumes
    and ends where an uninterrupted run ends."""
    import errno

    import kgan.files

    def run(out):
        return kgan.runs.train("mlp", dataset="ring8", epochs=3, batch_size=500, out=out, evaluate_every=0, verbose=0, seed=2)

    reference = run(tmp_path / "reference")
    real_write, saves = kgan.files.write_atomically, []

    def full_disk_at_second_save(path, write):
        if Path(path).name == "model.keras":
            saves.append(path)
            if len(saves) == 2:
                def half_then_full(tmp):
                    Path(tmp).write_bytes(b"PK\x03\x04" + bytes(1000))  # the start of an archive, then no space
                    raise OSError(errno.ENOSPC, "No space left on device", str(tmp))

                return real_write(path, half_then_full)
        return real_write(path, write)

    out = tmp_path / "run"
    monkeypatch.setattr(kgan.files, "write_atomically", full_disk_at_second_save)
    with pytest.raises(kgan.errors.TrainingStopped, match="No space left on device") as stopped:
        run(out)
    monkeypatch.undo()
    kept = keras.models.load_model(out / "model.keras")
    files_intact = int(kept.completed_epochs) == 1 and not [p.name for p in out.rglob(".tmp-*")]
    record = json.loads((out / "run.json").read_text())
    resumed = run(out)
    same = all(np.array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)) for a, b in zip(reference.weights, resumed.weights, strict=True))
    record_outcome({"fault": "disk full while writing model.keras in epoch 2", "stopped_with_message": "free some space" in str(stopped.value).lower(),
                    "last_good_checkpoint_kept": files_intact, "resumed_equal": same, "message": str(stopped.value)}, kind="disk_fault")  # fmt: skip
    assert files_intact and record["status"] == "stopped"
    assert int(resumed.completed_epochs) == 3 and same
