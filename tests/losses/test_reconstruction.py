import numpy as np

from kgan import losses


def test_cycle_and_identity_are_weighted_l1():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 4, 4, 3)).astype("float32"), rng.normal(size=(2, 4, 4, 3)).astype("float32")
    l1 = np.mean(np.abs(a - b))
    np.testing.assert_allclose(float(losses.cycle_consistency_loss(a, b)), 10 * l1, rtol=1e-5)
    np.testing.assert_allclose(float(losses.identity_loss(a, b, weight=2.0)), 2 * l1, rtol=1e-5)
    np.testing.assert_allclose(float(losses.CycleConsistencyLoss()(a, b)), 10 * l1, rtol=1e-5)
    np.testing.assert_allclose(float(losses.IdentityLoss(weight=0.5)(a, b)), 0.5 * l1, rtol=1e-5)


def test_reconstruction_config_round_trip():
    loss = losses.CycleConsistencyLoss(weight=7.0)
    again = losses.CycleConsistencyLoss.from_config(loss.get_config())
    assert again.weight == 7.0
