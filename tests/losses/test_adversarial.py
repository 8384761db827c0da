"""Adversarial losses against independent numpy references."""

import numpy as np
import pytest

import kgan
from kgan import losses

rng = np.random.default_rng(0)
REAL = rng.normal(size=(16, 1)).astype("float32") * 3
FAKE = rng.normal(size=(16, 1)).astype("float32") * 3


def sigmoid(x):
    return 1 / (1 + np.exp(-x.astype(np.float64)))


def np_bce_d(r, f, s=0.0):
    return np.mean(-(1 - s) * np.log(sigmoid(r)) - s * np.log(1 - sigmoid(r))) + np.mean(-np.log(1 - sigmoid(f)))


CASES = [
    ("bce", lambda r, f: np_bce_d(r, f), lambda r, f: np.mean(-np.log(sigmoid(f)))),
    ("lsgan", lambda r, f: 0.5 * np.mean((r - 1) ** 2) + 0.5 * np.mean(f**2), lambda r, f: 0.5 * np.mean((f - 1) ** 2)),
    ("hinge", lambda r, f: np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f)), lambda r, f: -np.mean(f)),
    ("wgan-gp", lambda r, f: np.mean(f) - np.mean(r), lambda r, f: -np.mean(f)),
    ("bce-r1", lambda r, f: np_bce_d(r, f), lambda r, f: np.mean(-np.log(sigmoid(f)))),
]


@pytest.mark.parametrize("name,d_ref,g_ref", CASES, ids=[c[0] for c in CASES])
def test_losses_match_numpy_reference(name, d_ref, g_ref):
    loss = losses.get(name)
    np.testing.assert_allclose(float(loss.discriminator_loss(REAL, FAKE)), d_ref(REAL, FAKE), rtol=1e-5)
    np.testing.assert_allclose(float(loss.generator_loss(FAKE, REAL)), g_ref(REAL, FAKE), rtol=1e-5)


def test_bce_minimax_and_label_smoothing():
    minimax = losses.BCE(minimax=True)
    np.testing.assert_allclose(float(minimax.generator_loss(FAKE)), np.mean(np.log(1 - sigmoid(FAKE))), rtol=1e-5)
    smooth = losses.BCE(label_smoothing=0.1)
    np.testing.assert_allclose(float(smooth.discriminator_loss(REAL, FAKE)), np_bce_d(REAL, FAKE, 0.1), rtol=1e-5)


def test_bce_is_stable_for_extreme_logits():
    big = np.array([[80.0], [-80.0]], dtype="float32")
    assert np.isfinite(float(losses.bce_discriminator_loss(big, -big)))
    assert np.isfinite(float(losses.bce_generator_loss(-big)))


@pytest.mark.parametrize("name", ["bce", "lsgan", "hinge", "wgan-gp", "bce-r1"])
def test_config_round_trip(name):
    loss = losses.get(name)
    again = losses.get(losses.serialize(loss))
    assert type(again) is type(loss)
    assert again.get_config() == loss.get_config()


def test_get_accepts_class_instance_and_rejects_junk():
    assert isinstance(losses.get(losses.Hinge), losses.Hinge)
    inst = losses.LSGAN()
    assert losses.get(inst) is inst
    with pytest.raises(TypeError, match="registered name"):
        losses.get(3.5)


def test_unknown_loss_suggests_close_matches():
    with pytest.raises(kgan.errors.UnknownNameError) as info:
        losses.get("hinje")
    assert "hinge" in info.value.suggestions
    assert "Known loss names" in str(info.value) and "kgan list" in str(info.value)


def test_wgan_gp_defaults():
    loss = losses.get("wgan-gp")
    assert loss.default_d_steps == 5
    assert isinstance(loss.penalty, losses.WGANGradientPenalty) and loss.penalty.weight == 10.0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.BCE(label_smoothing=0.7)
    with pytest.raises(TypeError, match="penalty"):
        losses.BCE(penalty="r1")
    with pytest.raises(ValueError, match="every"):
        losses.R1Penalty(every=0)
