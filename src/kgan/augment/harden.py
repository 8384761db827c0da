"""Harden a classifier with generated fakes and measure what it rejects, side by side with a baseline.

The procedure [`harden()`][kgan.augment.harden.harden] runs (and ``kgan harden`` calls):

1. Split the labelled data into a training part and a held-out part, stratified by class.
2. Train a **baseline** classifier (``K`` outputs) on the real training part, and a **hardened** one
   (same architecture with ``K + 1`` outputs, same seed, epochs, batch size, same real examples in the
   same number of steps) on [`RejectClassDataset`][kgan.augment.RejectClassDataset]: every batch also carries fakes
   labelled ``K``.
3. Build probe sets that are not real examples: fakes of a *different* generator than the ones used in
   training, uniform noise, blends of two digits, inverted digits.
4. Both reject at the same **false-reject rate** ``r`` on the clean held-out data: the hardened one
   when its probability of the fake class is above a threshold, the baseline (which has no such
   class) when its highest class probability is below one; each threshold is the one that rejects a
   fraction ``r`` of the clean held-out digits. ``false_reject_rate=None`` keeps the hardened
   classifier's own rule instead (reject when ``argmax == K``) and gives the baseline its rate.
   Both are then compared on every probe set. Digit accuracy (the argmax over the ``K`` real classes)
   and the share of clean digits accepted *and* classified correctly are reported for both.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np

from kgan.arguments import check_number
from kgan.augment.checks import (
    check_classifier,
    check_labels,
    class_probabilities,
    head_kind,
)
from kgan.augment.classifier import small_classifier
from kgan.augment.datasets import RejectClassDataset
from kgan.augment.probes import digit_blends, inverted, uniform_noise
from kgan.augment.rejecting import RejectingClassifier, equal_rate_threshold, realness
from kgan.augment.sources import Blends, Mixture, RandomFields, as_source
from kgan.errors import ConfigurationError, DataError

__all__ = ["HardeningResult", "HardeningSettings", "harden", "stratified_split"]


def stratified_split(y: np.ndarray, held_out: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(train, test)``: ``held_out`` of every class in ``test``, shuffled."""
    check_number("held_out", held_out, 0, 1, low_open=True, high_open=True, meaning=" such as 0.2")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for k in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == k))
        cut = max(1, round(held_out * len(rows)))
        if cut >= len(rows):
            raise DataError(f"y: class {k} has {len(rows)} example(s), too few to hold out {held_out:.0%} and train on the rest.")
        test.append(rows[:cut])
        train.append(rows[cut:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


@dataclasses.dataclass
class HardeningResult:
    """What [`harden()`][kgan.augment.harden.harden] measured, and the two trained classifiers.

    Attributes:
        report: JSON-ready dict with, for ``"baseline"`` and ``"hardened"`` each: ``clean_accuracy``
            (argmax over the ``K`` real classes, held-out real data), ``false_reject_rate``,
            ``accepted_and_correct`` and ``threshold`` (see [`rejects()`][kgan.augment.harden.HardeningResult.rejects]); ``rejection`` (probe set
            -> ``{"hardened", "baseline"}`` fractions), ``settings`` and the sizes used.
        baseline, hardened: The classifiers (``K`` and ``K + 1`` outputs), each a
            [`RejectingClassifier`][kgan.augment.RejectingClassifier] carrying its threshold from the
            report: ``hardened.classify(images)`` and ``hardened.rejects(images)`` apply the measured
            operating point, and ``save()`` writes them with it.
        probes: Probe set name -> images, for pictures.
        training_fakes: A sample of the fakes the hardened classifier trained on.
    """

    report: dict
    baseline: keras.Model
    hardened: keras.Model
    probes: dict[str, np.ndarray]
    training_fakes: np.ndarray

    def rejects(self, images: np.ndarray, model: str = "hardened") -> np.ndarray:
        """Whether ``model`` (``"hardened"`` or ``"baseline"``) rejects each of ``images``, at the
        report's operating point: ``(n,)`` booleans.

        The hardened classifier rejects when ``1 - p(fake class)`` is below its threshold (or, with
        ``false_reject_rate=None``, when the fake class is its argmax); the baseline when its highest
        class probability is below its threshold.
        """
        if model not in ("hardened", "baseline"):
            raise ConfigurationError(f"model: expected 'hardened' or 'baseline', received {model!r}.")
        return (self.hardened if model == "hardened" else self.baseline).rejects(images)

    def table(self) -> str:
        """The report as a Markdown table."""
        r = self.report

        def row(label, key):
            return f"| {label} | {100 * r[key]['baseline']:.1f}% | {100 * r[key]['hardened']:.1f}% |"

        rows = [
            "| | baseline | hardened |",
            "|---|---:|---:|",
            row("clean accuracy (held-out real, argmax over the digits)", "clean_accuracy"),
            row("false rejects (held-out real)", "false_reject_rate"),
            row("accepted and correct (held-out real)", "accepted_and_correct"),
        ]
        for name, rates in r["rejection"].items():
            rows.append(f"| rejects: {name} | {100 * rates['baseline']:.1f}% | {100 * rates['hardened']:.1f}% |")
        if r.get("trade_off"):
            points = r["trade_off"]
            rows += ["", "Other false-reject rates (baseline / hardened):", ""]
            rows.append("| false rejects | " + " | ".join(f"{100 * p['false_reject_rate']:g}%" for p in points) + " |")
            rows.append("|---|" + "---:|" * len(points))
            pairs = [("accepted and correct", [p["accepted_and_correct"] for p in points])]
            pairs += [(f"rejects: {name}", [p["rejection"][name] for p in points]) for name in r["rejection"]]
            for label, values in pairs:
                rows.append(f"| {label} | " + " | ".join(f"{100 * v['baseline']:.1f} / {100 * v['hardened']:.1f}" for v in values) + " |")
        return "\n".join(rows)

    def save(self, out: str | Path) -> dict[str, Path]:
        """Write ``baseline.keras``, ``hardened.keras``, ``report.json``, ``report.md`` and
        ``probes.png`` (one row per probe set, the first row the training fakes) into ``out``."""
        from kgan.files import save_model_atomically
        from kgan.visual import save_grid

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "baseline": save_model_atomically(self.baseline, out / "baseline.keras"),
            "hardened": save_model_atomically(self.hardened, out / "hardened.keras"),
        }
        paths["report.json"] = out / "report.json"
        paths["report.json"].write_text(json.dumps(self.report, indent=2) + "\n")
        paths["report.md"] = out / "report.md"
        paths["report.md"].write_text(self.table() + "\n")
        if self.training_fakes.ndim == 4:
            rows = [self.training_fakes[:10]] + [images[:10] for images in self.probes.values()]
            paths["probes.png"] = save_grid(np.concatenate(rows), out / "probes.png", columns=10)
        return paths


def _loaded(gans: Any) -> list:
    """``gans`` as a list, every ``.keras`` path among them loaded (once)."""
    from kgan.models.loading import load_gan

    items = list(gans) if isinstance(gans, (list, tuple)) else [gans]
    return [load_gan(item) if isinstance(item, (str, os.PathLike)) else item for item in items]


def _untrained_starts(models: list, seed: int) -> list:
    """A freshly initialised copy of each distinct sampling generator among ``models`` (the snapshot
    at step 0): one per architecture, so snapshots of one run add a single untrained start."""
    from kgan.models.capabilities import capabilities_of

    starts, seen = [], set()
    keras.utils.set_random_seed(seed + 10_000)
    for model in models:
        capabilities = capabilities_of(model)
        if capabilities is not None and not capabilities.plain_generator:  # ProGAN: every resolution, no bare copy
            continue
        generator = model.sampling_generator if capabilities is not None else model
        if not isinstance(generator, keras.Model):
            continue
        key = json.dumps(generator.get_config(), sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            starts.append(keras.models.clone_model(generator))
    return starts


_RULE = {"hardened": "reject_class", "baseline": "confidence"}


def _rejected(p: np.ndarray, threshold: float | None, hardened: bool) -> np.ndarray:
    if threshold is None:  # the hardened classifier's own rule
        return p.argmax(axis=1) == p.shape[1] - 1
    return realness(p, _RULE["hardened" if hardened else "baseline"]) < threshold


def _equal_rate_thresholds(p_clean: dict, rate: float) -> dict:
    """Each classifier's threshold that rejects a fraction ``rate`` of the clean data."""
    return {model: equal_rate_threshold(realness(p, _RULE[model]), rate) for model, p in p_clean.items()}


def _compare(p_clean: dict, p_probes: dict, correct: dict, thresholds: dict) -> tuple[dict, dict]:
    """Both classifiers at ``thresholds``: which clean inputs each rejects, and the report's
    ``accepted_and_correct`` and per-probe ``rejection`` fractions."""
    rejected = {model: _rejected(p, thresholds[model], model == "hardened") for model, p in p_clean.items()}
    return rejected, {
        "accepted_and_correct": {model: float((correct[model] & ~rejected[model]).mean()) for model in p_clean},
        "rejection": {
            name: {model: float(_rejected(p[model], thresholds[model], model == "hardened").mean()) for model in ("hardened", "baseline")}
            for name, p in p_probes.items()
        },
    }


def _fit_settings(classifier: keras.Model, learning_rate: float) -> None:
    from_logits = head_kind(classifier) == "logits"
    classifier.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
        metrics=["accuracy"],
    )


@dataclasses.dataclass(frozen=True)
class HardeningSettings:
    """How [`harden()`][kgan.augment.harden.harden] trains and compares the two classifiers.

    Attributes:
        num_classes: ``K``; default ``max(y) + 1``.
        build_classifier: ``(input_shape, num_outputs) -> keras.Model`` with a softmax or logit head;
            default [`small_classifier()`][kgan.augment.small_classifier]. Called once per model, after the same seed.
        epochs: Passes over the real training part, for both models.
        batch_size: Real examples per step, for both models (the hardened one's batches carry
            ``round(fake_ratio * batch_size)`` fakes on top).
        fake_ratio: Fakes per real example in the hardened model's batches.
        hard_negatives: Fraction of the fakes chosen as hard negatives ([`RejectClassDataset`][kgan.augment.RejectClassDataset]).
        held_out: Fraction of every class held out for evaluation.
        n_probe: Images per probe set (noise, fakes, blends); inverted digits use every held-out image.
        learning_rate: Adam's learning rate for both.
        seed: Seeds the split, the weights, the shuffling, the fakes and the probes.
        verbose: ``fit``'s verbosity.
        blend_fakes: Share of the fakes that are [`Blends`][kgan.augment.Blends] of two real training
            examples of different classes (``0``: none). The blends probe is made of the held-out
            examples, so with this on it measures blends of digits the classifier never saw, not a
            kind of input it never saw. Measured on mnist-5k (three seeds, 2% false rejects), 0.2
            took fakes of generators of other kinds that generated fakes alone let through (the
            TensorFlow tutorial's early stages: 0-33% rejected) to 93-100%.
        field_fakes: Share of the fakes that are [`RandomFields`][kgan.augment.RandomFields]: smoothed
            noise at random scales, brightness and contrast (``0``: none). The noise probe (uniform
            noise) is then close to a kind the classifier trained on. Measured: with blends and
            without these, uniform noise was rejected 0-22% in two seeds of three; with 0.1, 100%.
        untrained_fakes: Also train on fakes of each generator's untrained start (its architecture,
            freshly initialised: the snapshot at step 0). Measured on mnist-5k, these crude fakes are
            what teaches the reject class noise and inverted digits; a generator at Frechet distance
            16 alone taught it to reject 0.2% of uniform noise.
        untrained_share: Share of the fakes drawn from the untrained starts (with ``untrained_fakes``);
            the generators given get what ``blend_fakes``, ``field_fakes`` and this leave. ``None``: the untrained
            starts count as generators, each with an equal share.
        false_reject_rate: The operating point: both classifiers reject this fraction of the clean
            held-out digits, and are compared on the probes at it. The default, 5%, is
            out-of-distribution detection's customary point (95% of in-distribution inputs
            accepted). ``None``: the hardened classifier rejects when the fake class is its argmax,
            and the baseline matches whatever rate that gives.
        trade_off_rates: Further false-reject rates at which both are compared on every probe set
            (``report["trade_off"]``): rejecting more real digits buys more rejected probes, and
            the hardened classifier's advantage differs from one probe set to another along the way.
    """

    num_classes: int | None = None
    build_classifier: Callable[[tuple, int], keras.Model] | None = None
    epochs: int = 16
    batch_size: int = 64
    fake_ratio: float = 0.5
    hard_negatives: float = 0.25
    held_out: float = 0.2
    n_probe: int = 1000
    learning_rate: float = 1e-3
    seed: int = 0
    verbose: int = 0
    blend_fakes: float = 0.2
    field_fakes: float = 0.1
    untrained_fakes: bool = True
    untrained_share: float | None = None
    false_reject_rate: float | None = 0.05
    trade_off_rates: tuple = (0.005, 0.01, 0.02, 0.05)

    def __post_init__(self):
        check_number("blend_fakes", self.blend_fakes, 0, 1, high_open=True, meaning=" (a share of the fakes, such as 0.2)")
        check_number("field_fakes", self.field_fakes, 0, 1, high_open=True, meaning=" (a share of the fakes, such as 0.1)")
        check_number("untrained_share", self.untrained_share, 0, 1, high_open=True, none=True, meaning=" (a share of the fakes, such as 0.2)")
        untrained = (self.untrained_share or 0.0) * self.untrained_fakes
        if self.blend_fakes + self.field_fakes + untrained >= 1:
            raise ConfigurationError(
                f"blend_fakes + field_fakes + untrained_share: {self.blend_fakes:g} + {self.field_fakes:g} + {untrained:g} leaves no share "
                "for the generators given; keep their sum below 1 (for example 0.2, 0.1 and 0.2)."
            )
        check_number("false_reject_rate", self.false_reject_rate, 0, 1, high_open=True, none=True, meaning=" such as 0.02")
        for r in self.trade_off_rates:
            check_number("trade_off_rates", r, 0, 1, high_open=True, meaning=f" in each entry, such as (0.01, 0.05); one of {tuple(self.trade_off_rates)!r}")

    @classmethod
    def with_options(cls, settings: HardeningSettings | None, options: dict) -> HardeningSettings:
        """``settings`` (default: the defaults) with the fields named in ``options`` replaced; an
        unknown name is refused with the names there are."""
        fields = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(options) - set(fields))
        if unknown:
            raise ConfigurationError(f"harden() has no setting {unknown[0]!r}; the settings are {', '.join(fields)}.")
        return dataclasses.replace(settings or cls(), **options)


def harden(x: np.ndarray, y: np.ndarray, gans: Any, probe_gans: Any, settings: HardeningSettings | None = None, **options) -> HardeningResult:
    """Train a baseline and a hardened classifier side by side and measure what each rejects.

    Args:
        x: Real images ``(n, H, W, C)`` in ``[-1, 1]``.
        y: Integer classes ``(n,)`` (or one-hot ``(n, K)``).
        gans: The generator(s) whose fakes the hardened classifier trains on (what
            [`FakeSource`][kgan.augment.FakeSource] accepts, or a [`FakePool`][kgan.augment.FakePool]).
        probe_gans: Different generator(s), whose fakes are a probe set (never seen in training).
        settings: A [`HardeningSettings`][kgan.augment.harden.HardeningSettings] record; default its defaults.
        **options: Fields of [`HardeningSettings`][kgan.augment.harden.HardeningSettings] to change,
            for example ``epochs=4, false_reject_rate=0.02``.

    Returns:
        [`HardeningResult`][kgan.augment.harden.HardeningResult].

    Example:
        >>> result = kgan.augment.harden(x, y, "runs/dcgan", "runs/dcgan-seed1", epochs=8)
        >>> result.hardened.classify(images)      # class, or -1 for "not a digit"
    """
    settings = HardeningSettings.with_options(settings, options)
    x = np.asarray(x, dtype=np.float32)
    y_raw = np.asarray(y)
    num_classes = settings.num_classes
    if num_classes is None:
        if y_raw.ndim == 2 and y_raw.shape[1] > 1:
            num_classes = y_raw.shape[1]
        else:
            num_classes = int(np.max(y_raw)) + 1
    classes, _ = check_labels(y_raw, int(num_classes))
    if len(classes) != len(x):
        raise DataError(f"y: {len(classes)} labels for {len(x)} images; give one label per image.")
    if x.ndim != 4:
        raise DataError(f"x: expected images (n, H, W, C), received shape {x.shape}.")
    models = _loaded(gans)
    generators, probe_source = as_source(models[0] if len(models) == 1 else models), as_source(probe_gans)
    starts = _untrained_starts(models, settings.seed) if settings.untrained_fakes else []
    if tuple(probe_source.sample_shape) != tuple(x.shape[1:]):
        raise ConfigurationError(f"probe_gans: they make samples of shape {probe_source.sample_shape}, the data has {x.shape[1:]}.")
    build = settings.build_classifier or (lambda shape, k: small_classifier(shape, k))
    train_rows, test_rows = stratified_split(classes, settings.held_out, settings.seed)
    x_train, y_train, x_test, y_test = x[train_rows], classes[train_rows], x[test_rows], classes[test_rows]
    shape, k = tuple(x.shape[1:]), int(num_classes)
    generated = generators  # the generated fakes; their fresh draws are a probe
    if starts and settings.untrained_share is None:
        generated = as_source(models + starts)  # an equal share for each
    elif starts:
        trained_share = 1.0 - settings.blend_fakes - settings.field_fakes - settings.untrained_share
        generated = Mixture([generators, as_source(starts)], [trained_share, settings.untrained_share])  # of all fakes, once blends and fields take theirs
    extra = [(Blends(x_train, y_train), settings.blend_fakes), (RandomFields(shape), settings.field_fakes)]
    extra = [(part, share) for part, share in extra if share > 0]
    source = Mixture([generated] + [p for p, _ in extra], [1.0 - sum(w for _, w in extra)] + [w for _, w in extra]) if extra else generated

    keras.utils.set_random_seed(settings.seed)
    baseline = build(shape, k)
    check_classifier(baseline, shape, k)
    _fit_settings(baseline, settings.learning_rate)
    baseline.fit(x_train, y_train, batch_size=settings.batch_size, epochs=settings.epochs, shuffle=True, verbose=settings.verbose)

    keras.utils.set_random_seed(settings.seed)
    hardened = build(shape, k + 1)
    data = RejectClassDataset(
        x_train, y_train, source, num_classes=k, batch_size=settings.batch_size, fake_ratio=settings.fake_ratio,
        hard_negatives=settings.hard_negatives, classifier=hardened, seed=settings.seed,
    )  # fmt: skip
    _fit_settings(hardened, settings.learning_rate)
    hardened.fit(data, epochs=settings.epochs, verbose=settings.verbose)

    probe_fakes, _ = probe_source.draw(settings.n_probe, rng=settings.seed + 1)
    fresh_fakes, _ = generated.draw(settings.n_probe, rng=settings.seed + 2)
    probes = {
        "fakes, held-out generator": probe_fakes,
        "uniform noise": uniform_noise(settings.n_probe, shape, seed=settings.seed + 3),
        "blends of two digits": digit_blends(x_test, y_test, settings.n_probe, seed=settings.seed + 4),
        "inverted digits": inverted(x_test),
        "fakes, training generator (fresh draws)": fresh_fakes,
    }
    p_clean = {"baseline": class_probabilities(baseline, x_test), "hardened": class_probabilities(hardened, x_test)}
    p_probes = {name: {"baseline": class_probabilities(baseline, images), "hardened": class_probabilities(hardened, images)} for name, images in probes.items()}
    correct = {name: p[:, :k].argmax(axis=1) == y_test for name, p in p_clean.items()}
    if settings.false_reject_rate is None:
        rate = float(_rejected(p_clean["hardened"], None, True).mean())
        thresholds = {"hardened": None, "baseline": _equal_rate_thresholds(p_clean, rate)["baseline"]}
    else:
        thresholds = _equal_rate_thresholds(p_clean, float(settings.false_reject_rate))
    rejected_clean, at_point = _compare(p_clean, p_probes, correct, thresholds)
    trade_off = [
        {"false_reject_rate": float(r), **_compare(p_clean, p_probes, correct, _equal_rate_thresholds(p_clean, float(r)))[1]}
        for r in settings.trade_off_rates
    ]
    report = {
        "clean_accuracy": {name: float(c.mean()) for name, c in correct.items()},
        "false_reject_rate": {name: float(r.mean()) for name, r in rejected_clean.items()},
        "accepted_and_correct": at_point["accepted_and_correct"],
        "threshold": thresholds,
        "rejection": at_point["rejection"],
        "trade_off": trade_off,
        "sizes": {"train": len(x_train), "held_out": len(x_test), "probe": settings.n_probe, "inverted": len(x_test)},
        "settings": {
            "epochs": settings.epochs, "batch_size": settings.batch_size, "fake_ratio": settings.fake_ratio, "hard_negatives": settings.hard_negatives,
            "held_out": settings.held_out, "learning_rate": settings.learning_rate, "seed": settings.seed, "num_classes": k,
            "untrained_fakes": settings.untrained_fakes, "blend_fakes": settings.blend_fakes, "field_fakes": settings.field_fakes, "untrained_share": settings.untrained_share if starts else None, "false_reject_rate": settings.false_reject_rate, "trade_off_rates": list(settings.trade_off_rates),
        },
        "mined_reject_probability": data.mined_reject_probability,
    }
    training_fakes, _ = source.draw(10, rng=settings.seed + 5)
    return HardeningResult(
        report,
        RejectingClassifier(baseline, thresholds["baseline"], rule="confidence", name="baseline"),
        RejectingClassifier(hardened, thresholds["hardened"], rule="reject_class", name="hardened"),
        probes,
        training_fakes,
    )
