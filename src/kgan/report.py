"""One self-contained HTML page for a run directory: what ``kgan report RUN_DIR`` writes.

The page embeds its pictures (the training animation, the first, middle and last sample grids, the
curves) as data URIs, so it opens anywhere without a network or the run directory beside it, and
shows the evaluation figures with their protocol, the diagnostics' warnings with what they mean,
the options and versions from ``run.json``, and how long the run took.
"""

from __future__ import annotations

import base64
import csv
import html
import json
import os
from pathlib import Path

from kgan.errors import DataError
from kgan.files import write_atomically

__all__ = ["write_report", "format_duration", "REPORT_FILE"]

REPORT_FILE = "report.html"

_WARNING_MEANINGS = {
    "D wins outright": "The discriminator tells real from fake perfectly, so the generator's gradient vanishes and it stops learning.",
    "D separates real from fake": "The discriminator tells real from fake perfectly, so the generator's gradient vanishes and it stops learning.",
    "diversity collapsed": "The fixed-latent samples became alike: the generator maps many latents to a few outputs (mode collapse).",
    "exploded": "A loss jumped far above its usual value: one network overpowered the other, often from too high a learning rate.",
    "NaN/Inf": "A value became NaN or infinite; training stops and the last good checkpoint is kept.",
}

_STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; } td, th { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } .num { text-align: right; font-variant-numeric: tabular-nums; }
figure { display: inline-block; margin: 0 1rem 1rem 0; vertical-align: top; } figcaption { color: #555; font-size: 0.9rem; }
img { image-rendering: pixelated; max-width: 100%; border: 1px solid #ccc; } img.curves { image-rendering: auto; }
img.grid { width: 320px; } img.animation { width: 420px; }
.warning { background: #fff6e0; border-left: 4px solid #e0a000; padding: 0.4rem 0.8rem; margin: 0.4rem 0; }
.missing { color: #b00; } code { background: #f3f3f3; padding: 0 0.2rem; }
"""

# Marks images that failed to decode, and records for tests what the browser saw.
_SCRIPT = """
window.addEventListener("error", function (e) { document.documentElement.dataset.errors = (document.documentElement.dataset.errors || "") + (e.message || "resource") + ";"; }, true);
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var shown = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  images.forEach(function (i) { if (!(i.complete && i.naturalWidth > 0)) { i.insertAdjacentHTML("afterend", '<span class="missing">image could not be shown</span>'); } });
  document.documentElement.dataset.images = images.length + "/" + shown.length;
});
"""


def _data_uri(path: Path) -> str:
    kind = {"png": "image/png", "gif": "image/gif"}[path.suffix.lstrip(".").lower()]
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _figure(path: Path, caption: str, css: str = "") -> str:
    return (
        f'<figure><img src="{_data_uri(path)}" alt="{html.escape(caption)}"{f" class={css!r}" if css else ""}>'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def format_duration(seconds: float) -> str:
    """``"42 s"``, ``"1 min 24 s"`` or ``"2 h 5 min"``."""
    minutes, rest = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else (f"{minutes} min {rest} s" if minutes else f"{rest} s")


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{c}</td>' for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _meaning(message: str) -> str:
    return next((m for key, m in _WARNING_MEANINGS.items() if key in message), "")


def write_report(run_dir: str | os.PathLike, output: str | os.PathLike | None = None) -> Path:
    """Write the HTML report of a ``kgan train`` run directory.

    Args:
        run_dir: A directory written by ``kgan train`` (it holds ``run.json``).
        output: The HTML file; default ``RUN_DIR/report.html``.

    Returns:
        The path written.

    Raises:
        kgan.errors.DataError: ``run_dir`` holds no ``run.json``, or one that is not JSON.
    """
    run = Path(run_dir)
    try:
        record = json.loads((run / "run.json").read_text())
    except OSError:
        raise DataError(f"{str(run)!r} holds no run.json: is it a run directory written by `kgan train`?") from None
    except ValueError as exc:
        raise DataError(f"{str(run / 'run.json')!r} is not valid JSON ({exc}).") from None
    options = record.get("options", {})
    epochs_rows = _rows(run / "metrics.csv")
    parts = [f"<h1>{html.escape(str(options.get('architecture', 'GAN')))} on {html.escape(str(options.get('dataset', '?')))}</h1>"]
    status = record.get("status", "?")
    parts.append(
        f'<p class="sub">{html.escape(str(run.resolve()))} &middot; {html.escape(status)} &middot; '
        f"{len(epochs_rows)} of {options.get('epochs', '?')} epochs &middot; {format_duration(float(record.get('wall_time_s', 0)))} of training</p>"
    )
    if record.get("stopped"):
        parts.append(f'<div class="warning"><b>Stopped:</b> {html.escape(str(record["stopped"]))}</div>')

    # === Result ===
    evaluation = record.get("evaluation")
    scored = [r for r in epochs_rows if r.get("frechet_distance")]
    parts.append("<h2>Result</h2>")
    if scored and evaluation:
        last = scored[-1]
        parts.append(
            f"<p>Frechet distance <b>{float(last['frechet_distance']):.2f}</b> after epoch {last['epoch']} (lower is better). "
            f"Protocol: {html.escape(evaluation['features'])} features, {evaluation['samples']:,} generated samples against "
            f"{html.escape(evaluation['reference'])}, every {evaluation['every_epochs']} epoch(s).</p>"
        )
        columns = [c for c in ("frechet_distance", "kid", "classifier_score") if c in last]
        table_rows = [[r["epoch"], *(f"{float(r[c]):.4g}" if r.get(c) else "" for c in columns)] for r in scored]
        parts.append(_table(["epoch", *columns], table_rows, numeric=set(range(len(columns) + 1))))
    else:
        parts.append("<p>No quality figure was computed during this run (evaluation off, or no feature extractor for this data); <code>kgan evaluate</code> computes one.</p>")

    # === Pictures ===
    parts.append("<h2>Samples</h2>")
    animation = run / "training.gif"
    if animation.exists():
        parts.append(_figure(animation, "The training animation: the same fixed latents, epoch after epoch.", css="animation") + "<br>")
    grids = sorted((run / "samples").glob("epoch_*.png")) or sorted((run / "samples").glob("step_*.png"))
    if grids:
        chosen = list(dict.fromkeys([grids[0], grids[len(grids) // 2], grids[-1]]))
        for path in chosen:
            kind, number = path.stem.split("_")
            parts.append(_figure(path, f"{kind} {int(number)}" + (" (before training)" if int(number) == 0 else ""), css="grid"))
    if not animation.exists() and not grids:
        parts.append("<p>This run's samples are not images (no grids).</p>")
    curves = run / "training.png"
    if curves.exists():
        parts.append("<h2>Curves</h2>" + _figure(curves, "Losses, D on real and fake, gradient norms, sample quality.", css="curves"))

    # === Diagnostics ===
    parts.append("<h2>Diagnostics</h2>")
    warned = [(r["epoch"], w.strip()) for r in epochs_rows for w in (r.get("warnings") or "").split(" | ") if w.strip()]
    if warned:
        for epoch, message in warned:
            meaning = _meaning(message)
            parts.append(
                f'<div class="warning"><b>Epoch {html.escape(str(epoch))}:</b> {html.escape(message)}'
                + (f"<br><i>What it means:</i> {html.escape(meaning)}" if meaning else "")
                + "</div>"
            )
    else:
        parts.append("<p>No warnings: the discriminator never won outright, sample diversity held, no loss exploded, no NaN.</p>")
    if epochs_rows:
        keys = [k for k in ("d_loss", "g_loss", "d_real", "d_fake", "d_acc_real", "d_acc_fake", "diversity", "steps_per_second") if k in epochs_rows[-1]]
        table_rows = [[r["epoch"], *(f"{float(r[k]):.4g}" if r.get(k) else "" for k in keys)] for r in epochs_rows]
        parts.append(_table(["epoch", *keys], table_rows, numeric=set(range(len(keys) + 1))))

    # === Options and versions ===
    parts.append("<h2>Options</h2>")
    option_rows = [[html.escape(str(k)), f"<code>{html.escape(json.dumps(v))}</code>"] for k, v in options.items()]
    parts.append(_table(["option", "value"], option_rows))
    data = record.get("data", {})
    if data:
        parts.append(f"<p>Data: {data.get('samples', '?'):,} samples of shape {tuple(data.get('sample_shape', []))}.</p>")
    versions = record.get("versions", {})
    parts.append("<h2>Versions</h2>" + _table(["package", "version"], [[html.escape(k), html.escape(str(v))] for k, v in versions.items()]))
    if record.get("distribution"):
        parts.append(f"<p>Distribution: <code>{html.escape(json.dumps(record['distribution']))}</code></p>")

    title = f"kgan run: {options.get('architecture', '')} on {options.get('dataset', '')}"
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body>{''.join(parts)}</body></html>\n"
    )
    target = Path(output) if output is not None else run / REPORT_FILE
    return write_atomically(target, lambda tmp: tmp.write_text(page, encoding="utf-8"))
