"""benchmarks/variants.py's second generator weight average (``--also-ema``)."""

import importlib.util
from pathlib import Path

import keras
import numpy as np
import pytest

import kgan
from kgan.models.loading import load_gan


@pytest.fixture(scope="module")
def variants():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "variants.py"
    spec = importlib.util.spec_from_file_location("kgan_benchmark_variants", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_gan(momentum=0.9):
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0, ema_momentum=momentum)
    gan.compile()
    return gan


def digits():
    return np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")


def test_with_the_models_own_momentum_it_is_the_models_own_average(variants, tmp_path):
    gan = tiny_gan(0.9)  # 12 steps: the warm-up (1 + t) / (10 + t) < 0.9 sets the momentum throughout
    second = variants.SecondAverage(0.9, variants.Marks([60], tmp_path))
    gan.fit(digits(), batch_size=8, epochs=3, verbose=0, callbacks=[second.marks, second])
    assert int(gan.g_optimizer.iterations) == 12
    for mine, theirs in zip(second.average, gan.generator_ema.weights, strict=True):
        np.testing.assert_allclose(mine, keras.ops.convert_to_numpy(theirs), rtol=1e-4, atol=1e-6)


def test_it_is_saved_beside_each_mark_and_read_back_into_the_saved_model(variants, tmp_path):
    gan = tiny_gan(0.9)
    marks = variants.Marks([0], tmp_path)  # a mark at minute 0: saved after the first step, then training stops
    second = variants.SecondAverage(0.99, marks)
    gan.fit(digits(), batch_size=8, epochs=1, verbose=0, callbacks=[marks, second])
    assert second.saved == {0: str(tmp_path / "minute_0.ema_0.99.npz")}
    model = variants.with_average(load_gan(marks.saved[0]["path"]), second.saved[0])
    for mine, theirs in zip(second.average, model.generator_ema.weights, strict=True):
        np.testing.assert_array_equal(mine, keras.ops.convert_to_numpy(theirs))


def test_a_model_without_an_average_is_refused(variants, tmp_path):
    gan = tiny_gan(None)
    with pytest.raises(ValueError, match="--also-ema needs a model with a generator weight average"):
        gan.fit(digits(), batch_size=8, epochs=1, verbose=0, callbacks=[variants.SecondAverage(0.99, variants.Marks([60], tmp_path))])


def test_another_warm_up_is_its_own_average_under_its_own_name(variants, tmp_path):
    gan = tiny_gan(0.9)
    marks = variants.Marks([60], tmp_path)
    same, other = variants.SecondAverage(0.9, marks), variants.SecondAverage(0.9, marks, warmup=2.0)
    gan.fit(digits(), batch_size=8, epochs=1, verbose=0, callbacks=[marks, same, other])
    assert (same.name, other.name) == ("ema_0.9", "ema_0.9_warmup_2")
    # warm-up 2 weighs all four steps' weights equally ((1 + t) / (2 + t) is the running mean's momentum)
    assert any(not np.allclose(a, b) for a, b in zip(same.average, other.average, strict=True))


def test_the_also_ema_argument_takes_a_momentum_and_an_optional_warm_up(variants):
    assert variants.average_spec("0.9995") == (0.9995, 10.0)
    assert variants.average_spec("0.999:4") == (0.999, 4.0)
    for bad in ("x", "0.999:y", "1.5", "0.999:1"):
        with pytest.raises(Exception, match="--also-ema"):
            variants.average_spec(bad)
