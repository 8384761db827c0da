"""Per-step logs in a CSV beside the per-epoch ``metrics.csv``: short runs become readable."""

from __future__ import annotations

import csv
from pathlib import Path

import keras

from kgan.arguments import check_int
from kgan.callbacks._steps import generator_steps, numeric_logs
from kgan.files import write_csv_atomically

__all__ = ["StepLog", "read_step_log", "STEPS_FILE"]

STEPS_FILE = "metrics-steps.csv"
"""The name ``kgan train --log-every N`` gives the file, beside ``metrics.csv``."""


class StepLog(keras.callbacks.Callback):
    """Append every ``every``-th training step's logs to a CSV (``step`` first, then each logged value).

    The values are Keras' running means over the epoch so far, as the progress bar shows them. The
    file is appended to as training goes (a crash loses at most the current line) and, on resume,
    rows past the model's last completed epoch are dropped, so no step appears twice.
    [`plot_training()`][kgan.callbacks.diagnostics.plot_training] draws these rows when they exist.

    Args:
        path: The CSV to write (``OUT/metrics-steps.csv`` in a ``kgan train`` run).
        every: Write every N-th global step (generator updates).
    """

    def __init__(self, path, every: int = 10):
        super().__init__()
        check_int("every", every, meaning=" (steps)", error=ValueError)
        self.path, self.every = Path(path), every
        self._step = 0
        self._columns: list[str] | None = None

    def on_train_begin(self, logs=None):
        self._step = generator_steps(self.model)
        rows = [r for r in read_step_log(self.path) if r["step"] <= self._step]
        self._columns = list(rows[0]) if rows else None
        if self.path.exists():  # keep what the resumed model had reached, drop what it had not
            self._rewrite(rows)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._step % self.every or not logs:
            return
        row = {"step": self._step, **numeric_logs(logs)}
        if self._columns is None or any(k not in self._columns for k in row):
            self._columns = list(dict.fromkeys([*(self._columns or []), *row]))
            self._rewrite([*read_step_log(self.path), row])
            return
        with open(self.path, "a", newline="") as handle:
            csv.DictWriter(handle, fieldnames=self._columns, restval="").writerow(row)

    def _rewrite(self, rows: list[dict]) -> None:
        columns = self._columns or (list(rows[0]) if rows else ["step"])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_csv_atomically(self.path, columns, rows)


def read_step_log(path) -> list[dict]:
    """The rows of a [`StepLog`][kgan.callbacks.StepLog] file as dicts of numbers (``[]`` if absent)."""
    path = Path(path)
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return [{k: (int(v) if k == "step" else float(v)) for k, v in row.items() if v not in ("", None)} for row in csv.DictReader(handle)]
