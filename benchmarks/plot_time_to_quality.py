"""Plot the curves written by ``time_to_quality.py --json``: Frechet distance against training seconds.

    python benchmarks/plot_time_to_quality.py results.json docs/images/time-to-quality.png
"""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(results: str, out: str) -> None:
    data = json.load(open(results))
    fig, ax = plt.subplots(figsize=(8, 4.5), constrained_layout=True)
    for key, label in (("baseline", "TF DCGAN tutorial (batch 256, Adam 1e-4)"), ("kgan", "kgan dcgan recipe (batch 32, Adam 5e-4/0.5, EMA)")):
        curve = data[key]
        ax.plot([p["seconds"] for p in curve], [p["frechet_distance"] for p in curve], marker="o", markersize=3, label=label)
    best = min(p["frechet_distance"] for p in data["baseline"])
    ax.axhline(best, color="gray", linestyle="--", linewidth=1, label=f"baseline's best within {data['args']['budget']} steps ({best:.0f})")
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


if __name__ == "__main__":
    main(*sys.argv[1:])
