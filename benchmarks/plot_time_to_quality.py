"""Plot the curves written by ``time_to_quality.py --json``.

    python benchmarks/plot_time_to_quality.py results.json docs/images/time-to-quality.png [docs/images/diagnosis.png]

The first figure: Frechet distance against training seconds, both models. The optional second: the
diagnosis probes against training steps — D's mean probability on fixed real images and fixed fakes,
the norm of G's gradient, and how many of 64 fixed-latent samples changed digit since the previous
evaluation.
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {"baseline": "TF DCGAN tutorial (batch 256, Adam 1e-4)", "kgan": "kgan dcgan recipe"}


def time_to_quality(data: dict, out: str) -> None:
    fig, ax = plt.subplots(figsize=(8, 4.5), constrained_layout=True)
    for key in ("baseline", "kgan"):
        curve = data[key]
        ax.plot([p["seconds"] for p in curve], [p["frechet_distance"] for p in curve], marker="o", markersize=2, label=LABELS[key])
    best = min(p["frechet_distance"] for p in data["baseline"])
    steps = data["args"].get("interrupted_at_baseline_step", data["args"]["budget"])
    ax.axhline(best, color="gray", linestyle="--", linewidth=1, label=f"baseline's best within {steps} steps ({best:.0f})")
    ax.set_yscale("log")
    plain = matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}")
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.set_xlabel("training seconds on 2 CPU cores (evaluation excluded)")
    ax.set_ylabel("Frechet distance (kgan MNIST features, 2,000 samples)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(out, dpi=90)
    print(f"wrote {out}")


def diagnosis(data: dict, out: str) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(13, 6.5), constrained_layout=True, sharey="col")
    for row, key in enumerate(("baseline", "kgan")):
        curve = data[key]
        steps = [p["step"] for p in curve]
        a, b, c = axes[row]
        a.plot(steps, [p["d_real"] for p in curve], label="D(real)")
        a.plot(steps, [p["d_fake"] for p in curve], label="D(fake)")
        a.set_title(f"{LABELS[key]}: D's mean probability", fontsize=9)
        a.set_ylim(0, 1)
        a.legend(fontsize=8)
        c_steps = [p["step"] for p in curve if p["identity_changes"] is not None]
        b.plot(steps, [p["g_grad_norm"] for p in curve], color="C2")
        b.set_yscale("log")
        b.set_title("norm of G's gradient (256 fixed z)", fontsize=9)
        c.plot(c_steps, [p["identity_changes"] for p in curve if p["identity_changes"] is not None], color="C3", marker=".", linestyle="none")
        c.set_title("fixed-latent digits (of 64) changed since last eval", fontsize=9)
        c.set_ylim(0, 64)
        for ax in axes[row]:
            ax.set_xlabel("training step")
            ax.grid(alpha=0.3)
    fig.savefig(out, dpi=80)
    print(f"wrote {out}")


def main(results: str, out: str, diagnosis_out: str | None = None) -> None:
    data = json.load(open(results))
    time_to_quality(data, out)
    if diagnosis_out:
        diagnosis(data, diagnosis_out)


if __name__ == "__main__":
    main(*sys.argv[1:])
