"""CycleGAN: four networks and four optimizers, the image pool, translation, and two-domain checks."""

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError, DataError
from kgan.models import CycleGANModel


@pytest.fixture
def tiny_cyclegan():
    gan = kgan.architectures.get("cyclegan")(input_shape=(8, 8, 1), width=2, n_res=1, pool_size=8, seed=0)
    gan.compile()
    return gan


def two_domains(n=16):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (n, 8, 8, 1)).astype("float32"), rng.uniform(-1, 1, (n, 8, 8, 1)).astype("float32")


@pytest.mark.heavy  # about 14 s on 2 cores
def test_one_step_updates_all_four_networks_and_their_optimizers(tiny_cyclegan):
    x, y = two_domains()
    nets = [tiny_cyclegan.generator_g, tiny_cyclegan.generator_f, tiny_cyclegan.discriminator_x, tiny_cyclegan.discriminator_y]
    before = [[keras.ops.convert_to_numpy(w).copy() for w in n.trainable_weights] for n in nets]
    logs = tiny_cyclegan.fit(x, y, batch_size=8, epochs=1, verbose=0).history
    for key in ("g_loss", "f_loss", "cycle_loss", "identity_loss", "d_loss", "dx_loss"):
        assert np.isfinite(logs[key][0]), key
    for net, old in zip(nets, before):
        assert any(not np.array_equal(a, keras.ops.convert_to_numpy(b)) for a, b in zip(old, net.trainable_weights)), net.name
    for opt in (tiny_cyclegan.g_optimizer, tiny_cyclegan.f_optimizer, tiny_cyclegan.d_optimizer, tiny_cyclegan.dx_optimizer):
        assert int(opt.iterations) == 2
    assert int(tiny_cyclegan.pool_x_count) == 16 and int(tiny_cyclegan.pool_y_count) == 16


@pytest.mark.heavy  # about 14 s on 2 cores
def test_fixed_inputs_come_from_the_first_batch_and_survive_saving(tiny_cyclegan, tmp_path):
    x, y = two_domains()
    tiny_cyclegan.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    grid = tiny_cyclegan.sample_fixed()
    np.testing.assert_array_equal(grid[:8], x[:8])
    np.testing.assert_array_equal(grid[16:24], y[:8])
    np.testing.assert_allclose(grid[8:16], tiny_cyclegan.translate(x[:8], "x2y"), atol=1e-6)
    tiny_cyclegan.save(tmp_path / "c.keras")
    again = keras.models.load_model(tmp_path / "c.keras")
    assert isinstance(again, CycleGANModel)
    np.testing.assert_array_equal(again.sample_fixed(), grid)
    for a, b in zip(tiny_cyclegan.f_optimizer.variables, again.f_optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(again.pool_y), keras.ops.convert_to_numpy(tiny_cyclegan.pool_y))


def test_one_domain_and_wrong_arguments_are_refused(tiny_cyclegan):
    x, _ = two_domains()
    with pytest.raises(DataError, match="two unpaired image domains"):
        tiny_cyclegan.fit(x, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(DataError, match="Y-domain"):
        tiny_cyclegan.fit(x, np.zeros((16, 4, 4, 1), "float32"), batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ConfigurationError, match="translate"):
        tiny_cyclegan.generate(4)
    with pytest.raises(ConfigurationError, match="direction must be"):
        tiny_cyclegan.translate(x, "x2z")
    with pytest.raises(ConfigurationError, match="without a gradient penalty"):
        tiny_cyclegan.compile(loss="wgan-gp")
    with pytest.raises(ConfigurationError, match="does not take ema_momentum"):
        kgan.architectures.get("cyclegan")(input_shape=(8, 8, 1), ema_momentum=0.999)


def test_kgan_train_needs_dataset_b(tmp_path):
    from tests.cli_helpers import run_cli

    code, _, err = run_cli(["train", "cyclegan", "--dataset", "mnist-5k", "--epochs", "1", "--out", str(tmp_path / "r")])
    assert code == 2 and "--dataset-b" in err and not (tmp_path / "r").exists()
    code, _, err = run_cli(["train", "dcgan", "--dataset-b", "mnist-5k", "--epochs", "1", "--out", str(tmp_path / "r")])
    assert code == 2 and "two-domain architectures" in err


def test_thicken_is_a_dilation():
    x = -np.ones((1, 5, 5, 1), "float32")
    x[0, 2, 2, 0] = 1.0
    thick = kgan.datasets.thicken(x)
    assert (thick[0, 1:4, 1:4, 0] == 1.0).all() and thick.sum() == 9 - 16


@pytest.mark.parametrize("downsamples, smallest, channels", [(0, 8, 4), (1, 4, 8), (2, 2, 16)])
def test_downsamples_sets_where_the_residual_blocks_run(downsamples, smallest, channels):
    from kgan.architectures.cyclegan import resnet_generator

    g = resnet_generator((8, 8, 1), width=4, n_res=1, downsamples=downsamples)
    adds = [layer for layer in g.layers if isinstance(layer, keras.layers.Add)]
    assert tuple(adds[0].output.shape[1:]) == (smallest, smallest, channels)
    assert tuple(g.output.shape[1:]) == (8, 8, 1)
    strided = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2D) and layer.strides == (2, 2)]
    assert len(strided) == downsamples


def test_downsamples_is_checked_against_the_image_size():
    from kgan.architectures.cyclegan import resnet_generator

    with pytest.raises(ConfigurationError, match="downsamples"):
        kgan.architectures.get("cyclegan")(input_shape=(8, 8, 1), width=2, downsamples=-1)
    with pytest.raises(ConfigurationError, match="divisible by 8"):
        resnet_generator((12, 12, 1), width=2, downsamples=3)


def test_d_norm_none_builds_discriminators_without_instance_normalization():
    def norms(model):
        return [layer for layer in model.layers if isinstance(layer, keras.layers.GroupNormalization)]

    plain = kgan.architectures.get("cyclegan")(input_shape=(8, 8, 1), width=2, n_res=1, d_norm=None)
    paper = kgan.architectures.get("cyclegan")(input_shape=(8, 8, 1), width=2, n_res=1)
    assert not norms(plain.discriminator_x) and not norms(plain.discriminator_y)
    assert len(norms(paper.discriminator_x)) == len(norms(paper.discriminator_y)) == 1
    assert norms(plain.generator_g)  # the generators keep theirs
    with pytest.raises(ConfigurationError, match="norm must be 'instance' or None, received 'batch'"):
        kgan.architectures.get("cyclegan")(input_shape=(8, 8, 1), width=2, d_norm="batch")
