"""Per-epoch diagnostics: a CSV, a plot, and warnings with a hint when a run looks unhealthy."""

from __future__ import annotations

import csv
import math
import time
import warnings
from pathlib import Path

import keras
import numpy as np

from kgan.callbacks._steps import generator_steps, numeric_logs
from kgan.callbacks.samples import fixed_samples
from kgan.callbacks.step_log import STEPS_FILE, read_step_log
from kgan.files import write_atomically, write_csv_atomically

__all__ = ["Diagnostics", "TrainingHealthWarning", "sample_diversity", "plot_training"]


class TrainingHealthWarning(UserWarning):
    """A GAN run shows a known failure pattern; the message says which and what usually helps."""


def sample_diversity(samples: np.ndarray) -> float:
    """Mean pairwise Euclidean distance between samples (flattened); falls towards 0 under mode collapse."""
    flat = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    if len(flat) < 2:
        return 0.0
    sq = (flat**2).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * flat @ flat.T, 0.0)
    n = len(flat)
    return float(np.sqrt(d2)[~np.eye(n, dtype=bool)].mean())


class Diagnostics(keras.callbacks.Callback):
    """Record and judge every epoch: ``metrics.csv``, ``training.png`` and health warnings.

    Each row holds the epoch's logs (losses, D's mean output and accuracy on real and fake, gradient
    norms, penalty, and metrics such as ``frechet_distance`` added by callbacks placed before this
    one), plus ``loss_ratio`` (d_loss / g_loss), ``diversity`` of the fixed-latent samples,
    ``steps_per_second`` and ``epoch_seconds``. Rows already in ``metrics.csv`` are kept and
    continued (resume).

    Warnings ([`TrainingHealthWarning`][kgan.callbacks.diagnostics.TrainingHealthWarning]), each with a one-line hint:

    - the discriminator wins outright (accuracy >= 0.98 on real and on fake) while G's gradient
      norm fell below a tenth of its first epoch's;
    - diversity of the fixed-latent samples collapsed below a quarter of its best value;
    - a loss exploded (more than 10 times its median so far, and above 10);
    - NaN or Inf in any value ([`StopOnNaN`][kgan.callbacks.StopOnNaN] stops the run).

    Bad settings show within the first steps, long before the first epoch ends, so the same logs
    are also judged at the global steps in ``early_steps`` (running means of the epoch so far):

    - D separates real from fake almost perfectly (accuracy >= 0.99 on both): G's gradient vanishes;
    - G's loss above 10 (for BCE: D gives fakes a probability below 5e-5) or D's loss above 10;
    - NaN or Inf.

    Each warning names the learning rates in use and what usually helps.

    Args:
        directory: Where ``metrics.csv`` and ``training.png`` go.
        plot: Redraw ``training.png`` after every epoch (needs matplotlib).
        early_steps: Global steps at which the running logs are judged (``()``: only per epoch).
    """

    def __init__(self, directory, plot: bool = True, early_steps: tuple[int, ...] = (25, 50, 100, 200)):
        super().__init__()
        self.directory = Path(directory)
        self.plot = plot
        self.early_steps = frozenset(int(s) for s in early_steps)
        self._step = 0
        self.rows: list[dict] = []
        self.warnings: list[str] = []
        self._start = 0.0
        self._steps_at_start = 0
        self._first_g_grad: float | None = None
        self._best_diversity = 0.0

    @property
    def csv_path(self) -> Path:
        return self.directory / "metrics.csv"

    def on_train_begin(self, logs=None):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.csv_path.exists() and not self.rows:
            with open(self.csv_path, newline="") as handle:
                self.rows = [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(handle)]
        # Resume: rows past the model's last completed epoch are re-made when those epochs re-run.
        completed = getattr(self.model, "completed_epochs", None)
        if completed is not None:
            self.rows = [r for r in self.rows if int(r["epoch"]) <= int(completed)]
        grads = [r["g_grad_norm"] for r in self.rows if isinstance(r.get("g_grad_norm"), float)]
        self._first_g_grad = grads[0] if grads else None
        self._best_diversity = max([r["diversity"] for r in self.rows if isinstance(r.get("diversity"), float)], default=0.0)
        self._step = generator_steps(self.model)

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self._step in self.early_steps and logs:
            self._judge_early(self._step, numeric_logs(logs))

    def _judge_early(self, step: int, logs: dict) -> list[str]:
        """Warnings from the running logs at global ``step``: settings that fail within the first steps."""
        found = []
        bad = [k for k, v in logs.items() if not math.isfinite(v)]
        rates = _learning_rates(self.model)
        if bad:
            found.append(f"NaN/Inf in {', '.join(bad)}: the learning rates ({rates}) are too high, or the data holds NaN pixels.")
        elif logs.get("d_acc_real", 0) >= 0.99 and logs.get("d_acc_fake", 0) >= 0.99:
            found.append(
                f"D separates real from fake almost perfectly (accuracy {logs['d_acc_real']:.2f} real / {logs['d_acc_fake']:.2f} fake), "
                f"so G's gradient vanishes and it stops learning. With {rates}: lower D's learning rate, use beta_1 = 0.5, "
                "or add an R1 penalty (loss='bce-r1')."
            )
        elif not getattr(getattr(self.model, "gan_loss", None), "unbounded_values", False):
            high = [k for k in ("g_loss", "d_loss") if abs(logs.get(k, 0.0)) > 10]
            if high:
                values = ", ".join(f"{k} {logs[k]:.3g}" for k in high)
                found.append(f"{values} after {step} steps: one network overpowers the other. With {rates}: lower the learning rates.")
        for message in found:
            warnings.warn(f"step {step}: {message}", TrainingHealthWarning, stacklevel=2)
        self.warnings.extend(f"step {step}: {m}" for m in found)
        return found

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._steps_at_start = generator_steps(self.model)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        seconds = time.perf_counter() - self._start - float(logs.get("eval_seconds", 0.0))
        step = generator_steps(self.model)
        steps = step - self._steps_at_start
        row = {"epoch": epoch + 1, "step": step}
        row.update(numeric_logs(logs))
        if "d_loss" in row and "g_loss" in row and row["g_loss"] != 0:
            row["loss_ratio"] = row["d_loss"] / row["g_loss"]
        samples = fixed_samples(self.model)
        row["diversity"] = sample_diversity(samples)
        row["epoch_seconds"] = seconds
        row["steps_per_second"] = steps / seconds if seconds > 0 else float("nan")
        row["warnings"] = " | ".join(self._judge(row))
        self.rows = [r for r in self.rows if int(r["epoch"]) != epoch + 1] + [row]
        self._write_csv()
        if self.plot:
            plot_training(self.rows, self.directory / "training.png", steps=read_step_log(self.directory / STEPS_FILE))

    def _judge(self, row: dict) -> list[str]:
        found = []
        bad = [k for k, v in row.items() if isinstance(v, float) and not math.isfinite(v) and k != "steps_per_second"]
        if bad:
            found.append(f"NaN/Inf in {', '.join(bad)}: lower the learning rate or check the data for NaN pixels.")
        g_grad = row.get("g_grad_norm")
        if g_grad is not None and math.isfinite(g_grad):
            if self._first_g_grad is None:
                self._first_g_grad = g_grad
            elif row.get("d_acc_real", 0) >= 0.98 and row.get("d_acc_fake", 0) >= 0.98 and g_grad < 0.1 * self._first_g_grad:
                found.append(
                    f"D wins outright (accuracy {row['d_acc_real']:.2f} real / {row['d_acc_fake']:.2f} fake) and G's gradient "
                    f"norm fell to {g_grad:.3g}: slow D down (lower its learning rate, add an R1 penalty or spectral norm)."
                )
        diversity = row["diversity"]
        self._best_diversity = max(self._best_diversity, diversity)
        if len(self.rows) >= 1 and diversity < 0.25 * self._best_diversity:
            found.append(
                f"Sample diversity collapsed to {diversity:.3g} (best {self._best_diversity:.3g}): mode collapse; try a "
                f"gradient penalty, a lower generator learning rate, or more discriminator steps."
            )
        for key in ("d_loss", "g_loss"):
            history = [r[key] for r in self.rows if isinstance(r.get(key), float) and math.isfinite(r[key])]
            value = row.get(key)
            if len(history) >= 2 and value is not None and math.isfinite(value):
                median = float(np.median(np.abs(history)))
                if abs(value) > 10 and abs(value) > 10 * median:
                    found.append(f"{key} exploded to {value:.3g} (median so far {median:.3g}): lower the learning rates or add a penalty.")
        for message in found:
            warnings.warn(f"epoch {row['epoch']}: {message}", TrainingHealthWarning, stacklevel=2)
        self.warnings.extend(f"epoch {row['epoch']}: {m}" for m in found)
        return found

    def _write_csv(self) -> None:
        columns: list[str] = []
        for row in self.rows:
            columns += [k for k in row if k not in columns and k != "warnings"]
        columns.append("warnings")
        write_csv_atomically(self.csv_path, columns, self.rows)


def _learning_rates(model) -> str:
    """``"G 0.001, D 0.001"``: the generator's and discriminator's current learning rates."""
    parts = []
    for name, attr in (("G", "g_optimizer"), ("D", "d_optimizer")):
        optimizer = getattr(model, attr, None)
        if optimizer is not None:
            parts.append(f"{name} learning rate {float(keras.ops.convert_to_numpy(optimizer.learning_rate)):.3g}")
    return ", ".join(parts) or "these learning rates"


def _number(text: str):
    if text in ("", None):
        return None
    try:
        return int(text) if text.isdigit() else float(text)
    except ValueError:
        return text


def _minor_log_label(value: float, _position=None) -> str:
    """Labels for a log axis' minor ticks: 2, 3 and 5 times a power of ten (a range within one decade
    otherwise shows no number at all)."""
    if value <= 0:
        return ""
    leading = round(value / 10 ** np.floor(np.log10(value)))
    return f"{value:g}" if leading in (2, 3, 5) else ""


def plot_training(rows: list[dict], path, steps: list[dict] | None = None) -> Path:
    """Four panels from diagnostics rows: losses, D on real/fake, gradient norms, quality metric.

    With ``steps`` (rows of a [`StepLog`][kgan.callbacks.StepLog], at least two) the first three
    panels draw them against the global step, and the quality panel puts its per-epoch points at
    each epoch's last step; otherwise everything is drawn per epoch."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    per_step = bool(steps) and len(steps) >= 2
    x_key = "step" if per_step else "epoch"

    def series(key, source=None):
        source = rows if source is None else source
        kept = [r for r in source if isinstance(r.get(key), (int, float)) and isinstance(r.get(x_key), (int, float))]
        return [r[x_key] for r in kept], [r[key] for r in kept]

    fig, axes = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    panels = [
        (axes[0, 0], "Losses", ["d_loss", "g_loss", "penalty"], False),
        (axes[0, 1], "Discriminator on real and fake", ["d_acc_real", "d_acc_fake", "d_real", "d_fake"], False),
        (axes[1, 0], "Gradient norms", ["d_grad_norm", "g_grad_norm"], True),
        (axes[1, 1], "Sample quality", ["frechet_distance"], True),
    ]
    for ax, title, keys, log in panels:
        drawn = False
        source = steps if per_step and title != "Sample quality" else rows
        for key in keys:
            xs, ys = series(key, source)
            if xs:
                ax.plot(xs, ys, marker="o", markersize=3, label=key)
                drawn = True
        if title == "Sample quality" and not drawn:
            xs, ys = series("diversity")
            if xs:
                ax.plot(xs, ys, marker="o", markersize=3, label="diversity")
                drawn = True
        if drawn:
            ax.legend(fontsize=8)
            if log and all(y > 0 for k in keys for y in series(k, source)[1]):
                ax.set_yscale("log")
                ax.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
                ax.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(_minor_log_label))
        ax.set_title(title)
        ax.set_xlabel(x_key)
        ax.grid(alpha=0.3)
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=90, format="png"))
    finally:
        plt.close(fig)
