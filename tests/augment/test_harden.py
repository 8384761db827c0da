"""harden(): a baseline and a hardened classifier side by side, the report, and `kgan harden`."""

import json

import numpy as np
import pytest

import kgan
from kgan import augment
from kgan.errors import ConfigurationError
from tests.cli_helpers import run_cli


def bars(n=360, seed=0):
    """16x16 images of three classes: a horizontal bar, a vertical bar, a diagonal; in [-1, 1]."""
    rng = np.random.default_rng(seed)
    x = np.full((n, 16, 16, 1), -1.0, np.float32)
    y = np.arange(n) % 3
    for i, k in enumerate(y):
        p = rng.integers(3, 11)
        if k == 0:
            x[i, p : p + 3, 2:14] = 1.0
        elif k == 1:
            x[i, 2:14, p : p + 3] = 1.0
        else:
            for j in range(2, 14):
                x[i, j, max(0, j - 2 + p - 6) : j + 1 + p - 6 + 2] = 1.0
    x += rng.normal(0, 0.1, x.shape).astype(np.float32)
    return np.clip(x, -1, 1), y


@pytest.fixture(scope="module")
def trained_gans(tmp_path_factory):
    """Two small dcgans on the bars, different seeds and lengths: the training and the probe generator."""
    x, _ = bars()
    paths = []
    for seed, epochs in ((0, 6), (1, 3)):
        gan = kgan.architectures.get("dcgan")(input_shape=(16, 16, 1), latent_dim=8, width=8, seed=seed)
        gan.compile()
        gan.fit(x, batch_size=32, epochs=epochs, verbose=0)
        path = tmp_path_factory.mktemp("gans") / f"gan{seed}.keras"
        gan.save(path)
        paths.append(path)
    return paths


@pytest.mark.heavy  # about 13 s on 2 cores
def test_hardened_classifier_learns_to_reject_fakes_and_noise_and_keeps_clean_accuracy(trained_gans):
    x, y = bars()
    result = augment.harden(
        x, y, [str(trained_gans[0])], [str(trained_gans[1])], epochs=4, batch_size=32, n_probe=300, seed=0,
        hard_negatives=0.5, untrained_fakes=False,
    )  # fmt: skip
    r = result.report
    print(json.dumps(r, indent=1))
    assert r["clean_accuracy"]["baseline"] >= 0.95 and r["clean_accuracy"]["hardened"] >= 0.95
    assert r["rejection"]["uniform noise"]["hardened"] >= 0.9
    assert r["rejection"]["fakes, training generator (fresh draws)"]["hardened"] >= 0.9
    assert r["rejection"]["fakes, training generator (fresh draws)"]["hardened"] > r["rejection"]["fakes, training generator (fresh draws)"]["baseline"]
    # the default operating point: both reject 5% of the clean held-out data (four of 72 images here)
    assert r["false_reject_rate"]["baseline"] == r["false_reject_rate"]["hardened"] == pytest.approx(4 / 72)
    assert r["accepted_and_correct"]["hardened"] <= min(r["clean_accuracy"]["hardened"], 1 - r["false_reject_rate"]["hardened"])
    for name, images in result.probes.items():  # rejects() applies the report's thresholds
        assert result.rejects(images).mean() == pytest.approx(r["rejection"][name]["hardened"])
        assert result.rejects(images, "baseline").mean() == pytest.approx(r["rejection"][name]["baseline"])
        assert result.hardened.rejects(images).mean() == pytest.approx(r["rejection"][name]["hardened"])
        classes = result.hardened.classify(images)  # -1 exactly where it rejects, a real class elsewhere
        np.testing.assert_array_equal(classes == -1, result.hardened.rejects(images))
        assert set(classes.tolist()) <= {-1, 0, 1, 2}
    assert result.hardened.threshold == r["threshold"]["hardened"] and result.baseline.threshold == r["threshold"]["baseline"]
    assert result.baseline.output_shape == (None, 3) and result.hardened.output_shape == (None, 4)
    assert "| rejects: uniform noise |" in result.table()
    assert [p["false_reject_rate"] for p in r["trade_off"]] == [0.005, 0.01, 0.02, 0.05]
    at_5 = r["trade_off"][3]  # the default rate again: the same figures as the main report
    assert at_5["rejection"] == r["rejection"] and at_5["accepted_and_correct"] == r["accepted_and_correct"]
    assert "| false rejects | 0.5% | 1% | 2% | 5% |" in result.table()


@pytest.mark.heavy  # about 8 s on 2 cores
def test_the_argmax_rule_gives_the_baseline_the_hardened_classifiers_rate(trained_gans):
    x, y = bars(240)
    result = augment.harden(x, y, [str(trained_gans[0])], [str(trained_gans[1])], epochs=1, batch_size=32, n_probe=50, false_reject_rate=None)
    r = result.report
    assert r["threshold"]["hardened"] is None
    p = augment.class_probabilities(result.hardened, result.probes["uniform noise"])
    np.testing.assert_array_equal(result.rejects(result.probes["uniform noise"]), p.argmax(axis=1) == 3)
    assert r["false_reject_rate"]["baseline"] == pytest.approx(r["false_reject_rate"]["hardened"], abs=1 / 48)
    with pytest.raises(ConfigurationError, match="false_reject_rate"):
        augment.harden(x, y, [str(trained_gans[0])], [str(trained_gans[1])], false_reject_rate=1.5)
    with pytest.raises(ConfigurationError, match="trade_off_rates"):
        augment.harden(x, y, [str(trained_gans[0])], [str(trained_gans[1])], trade_off_rates=(0.1, 2))
    with pytest.raises(ConfigurationError, match="'hardened' or 'baseline'"):
        result.rejects(x[:2], "other")
    with pytest.raises(ConfigurationError, match="no setting 'epoch'; the settings are num_classes, build_classifier, epochs"):
        augment.harden(x, y, [str(trained_gans[0])], [str(trained_gans[1])], epoch=3)
    settings = augment.HardeningSettings(epochs=2, n_probe=10)
    assert augment.HardeningSettings.with_options(settings, {"seed": 3}) == augment.HardeningSettings(epochs=2, n_probe=10, seed=3)


def test_blend_and_field_fakes_make_their_share_of_the_training_fakes(trained_gans):
    x, y = bars(240)
    constant = augment.FakePool(np.full((100, 16, 16, 1), 0.25, np.float32))  # generated fakes, recognisable
    result = augment.harden(x, y, constant, [str(trained_gans[1])], epochs=1, batch_size=32, n_probe=20, untrained_fakes=False, blend_fakes=0.3, field_fakes=0.2)
    assert result.report["settings"]["blend_fakes"] == 0.3 and result.report["settings"]["field_fakes"] == 0.2
    from_pool = np.all(result.training_fakes == 0.25, axis=(1, 2, 3))
    assert from_pool.sum() == 5  # the other half: 3 blends and 2 random fields, none equal to a real image
    train, _ = augment.stratified_split(y, 0.2, seed=0)
    blends = result.training_fakes[~from_pool]
    assert not any(np.allclose(b, x[i]) for b in blends for i in train)
    # the fresh-draws probe is still the generators' own fakes
    assert np.all(result.probes["fakes, training generator (fresh draws)"] == 0.25)
    with pytest.raises(ConfigurationError, match="blend_fakes"):
        augment.harden(x, y, constant, [str(trained_gans[1])], blend_fakes=1.0)


def test_untrained_fakes_add_a_freshly_initialised_copy_of_each_generator(trained_gans):
    from kgan.augment.harden import _untrained_starts
    from kgan.models.loading import load_gan

    trained = load_gan(trained_gans[0])
    starts = _untrained_starts([trained], seed=0)
    assert len(starts) == 1
    start = starts[0]
    assert start.output_shape == trained.sampling_generator.output_shape
    assert not np.allclose(start.get_weights()[0], trained.sampling_generator.get_weights()[0])
    again = _untrained_starts([trained], seed=0)[0]
    np.testing.assert_array_equal(again.get_weights()[0], start.get_weights()[0])  # same seed, same start
    # snapshots of one generator (same architecture) add a single untrained start
    assert len(_untrained_starts([trained, load_gan(trained_gans[0])], seed=0)) == 1


def test_fakes_are_shared_between_the_generators_their_untrained_starts_blends_and_fields(trained_gans):
    import keras

    x, y = bars(240)
    # a "trained" generator that draws only 0.25; its untrained start (fresh initial weights) does not
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(256), keras.layers.Reshape((16, 16, 1))])
    generator.set_weights([np.zeros((4, 256), np.float32), np.full(256, 0.25, np.float32)])
    result = augment.harden(x, y, generator, [str(trained_gans[1])], epochs=1, batch_size=32, n_probe=20, blend_fakes=0.2, field_fakes=0.1, untrained_share=0.3)
    assert result.report["settings"]["untrained_share"] == 0.3
    # ten training fakes: 7 generated (4 of the generator's, 3 of its start: shares 0.4 and 0.3 overall), 2 blends, 1 field
    from_generator = np.all(np.isclose(result.training_fakes, 0.25), axis=(1, 2, 3))
    assert from_generator.sum() == 4
    with pytest.raises(ConfigurationError, match="leaves no share for the generators given"):
        augment.harden(x, y, [str(trained_gans[0])], [str(trained_gans[1])], blend_fakes=0.5, untrained_share=0.5)
    with pytest.raises(ConfigurationError, match="0.4 \\+ 0.3 \\+ 0.3 leaves no share"):
        augment.harden(x, y, [str(trained_gans[0])], [str(trained_gans[1])], blend_fakes=0.4, field_fakes=0.3, untrained_share=0.3)


def test_stratified_split_holds_out_every_class():
    y = np.repeat(np.arange(4), 10)
    train, test = augment.stratified_split(y, 0.2, seed=0)
    assert np.bincount(y[test]).tolist() == [2, 2, 2, 2] and len(set(train) | set(test)) == 40
    with pytest.raises(ConfigurationError, match="held_out"):
        augment.stratified_split(y, 1.0)


@pytest.mark.heavy  # about 11 s on 2 cores
def test_kgan_harden_writes_both_classifiers_and_the_report(trained_gans, tmp_path):
    x, y = bars(240)
    data = tmp_path / "bars.npz"
    np.savez(data, x=x, y=y)
    out = tmp_path / "harden"
    run = tmp_path / "run"  # a run directory: --gan reads its model.keras
    run.mkdir()
    (run / "model.keras").write_bytes(trained_gans[0].read_bytes())
    args = ["harden", "--dataset", str(data), "--gan", str(run), "--probe-gan", str(trained_gans[1]), "--out", str(out), "--epochs", "1", "--batch-size", "32"]
    code, stdout, err = run_cli(args)
    assert code == 0, err
    assert "| rejects: fakes, held-out generator |" in stdout and "fakes of 1 generator file(s) and an untrained start" in stdout
    assert "hardened when 1 - p(fake class) <" in stdout
    report = json.loads((out / "report.json").read_text())
    assert set(report["rejection"]) >= {"fakes, held-out generator", "uniform noise", "blends of two digits", "inverted digits"}
    for name in ("baseline.keras", "hardened.keras", "report.md", "probes.png"):
        assert (out / name).exists()
    import keras

    # the saved models load with their rule: the report's rejections without reading the report
    hardened, baseline = keras.models.load_model(out / "hardened.keras"), keras.models.load_model(out / "baseline.keras")
    assert isinstance(hardened, augment.RejectingClassifier) and hardened.output_shape == (None, 4)
    assert hardened.threshold == pytest.approx(report["threshold"]["hardened"]) and hardened.rule == "reject_class"
    assert baseline.threshold == pytest.approx(report["threshold"]["baseline"]) and baseline.rule == "confidence"
    assert kgan.augment.check_classifier(baseline, (16, 16, 1), 3) == "softmax"
    assert "classify(images)" in stdout
    # the same directory again: refused, the first report kept
    before = (out / "report.json").read_text()
    code, _, err = run_cli(args)
    assert code == 2 and "--overwrite" in err and (out / "report.json").read_text() == before


def test_kgan_harden_refuses_bad_input_before_writing(trained_gans, tmp_path):
    out = tmp_path / "never"
    code, _, err = run_cli(["harden", "--dataset", "mnist-5k", "--gan", str(trained_gans[0]), "--out", str(out)])
    assert code == 2 and "(16, 16, 1)" in err and "(28, 28, 1)" in err and not out.exists()
    np.savez(tmp_path / "unlabelled.npz", x=bars(30)[0])
    code, _, err = run_cli(["harden", "--dataset", str(tmp_path / "unlabelled.npz"), "--gan", str(trained_gans[0]), "--out", str(out)])
    assert code == 2 and "needs labels" in err and not out.exists()
    code, _, err = run_cli(["harden", "--dataset", "mnist-5k", "--gan", str(tmp_path / "nope.keras"), "--out", str(out)])
    assert code == 2 and "does not exist" in err and not out.exists()


def test_measure_augmentation_trains_both_arms_from_the_same_start():
    x, y = bars(120)
    x_test, y_test = bars(60, seed=1)
    pool = augment.FakePool(x[:30], labels=y[:30])  # "fakes" that are faithful examples of their class
    gain = augment.measure_augmentation(x[:12], y[:12], x_test, y_test, pool, num_classes=3, epochs=2, batch_size=6, seeds=(0, 1))
    assert len(gain.real_only) == len(gain.augmented) == 2 and gain.seeds == (0, 1)
    assert all(0 <= a <= 1 for a in gain.real_only + gain.augmented)
    assert gain.gain == pytest.approx(np.mean(np.subtract(gain.augmented, gain.real_only)))
    assert "over 2 seeds" in str(gain)
    with pytest.raises(ConfigurationError, match="seeds"):
        augment.measure_augmentation(x, y, x_test, y_test, pool, num_classes=3, seeds=())
