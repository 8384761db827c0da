"""Numerical fault injection: a poisoned batch mid-epoch and an absurd learning rate stop training
with a message naming the step and value, and the last good checkpoint stays the latest."""

import json
import os
import warnings

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


def record_outcome(outcome: dict) -> None:
    """With KGAN_RELIABILITY_DIR set, each fault writes its own record (numerical_fault-SLUG.json)
    for scripts/reliability_report.py, whatever order or worker the tests run in."""
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        slug = "".join(c if c.isalnum() else "-" for c in outcome["fault"])
        with open(os.path.join(folder, f"numerical_fault-{slug}.json"), "w") as handle:
            json.dump(outcome, handle, indent=2)
