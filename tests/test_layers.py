"""kgan.layers: shapes, serialization, and the maths each layer promises."""

import keras
import numpy as np
import pytest

from kgan.layers import ChannelSlice, EqualizedConv2D, EqualizedDense, MinibatchStdDev, PixelNormalization, ScaleByInput, TileLabels


def test_equalized_layers_draw_unit_weights_and_keep_the_signal_scale():
    x = np.random.default_rng(0).normal(size=(256, 8, 8, 32)).astype("float32")
    conv = EqualizedConv2D(64, 3)
    y = keras.ops.convert_to_numpy(conv(x))
    assert abs(float(np.std(keras.ops.convert_to_numpy(conv.kernel))) - 1.0) < 0.05
    # He's constant: a unit-variance input gives an output of variance gain^2 = 2 (before the activation)
    assert 1.6 < float(np.var(y[:, 1:-1, 1:-1])) < 2.4
    dense = EqualizedDense(128)
    z = keras.ops.convert_to_numpy(dense(np.random.default_rng(1).normal(size=(512, 64)).astype("float32")))
    assert 1.6 < float(np.var(z)) < 2.4


def test_pixel_norm_minibatch_stddev_and_gates():
    x = np.random.default_rng(0).normal(size=(4, 3, 3, 5)).astype("float32") * 7
    normed = keras.ops.convert_to_numpy(PixelNormalization()(x))
    np.testing.assert_allclose(np.mean(normed**2, axis=-1), 1.0, rtol=1e-4)
    stats = keras.ops.convert_to_numpy(MinibatchStdDev()(x))
    assert stats.shape == (4, 3, 3, 6)
    np.testing.assert_allclose(stats[..., -1], np.mean(np.std(x, axis=0)), rtol=1e-4)
    gated = keras.ops.convert_to_numpy(ScaleByInput(1)([x, np.array([[9, 0.5]] * 4, "float32")]))
    np.testing.assert_allclose(gated, x * 0.5, rtol=1e-6)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ChannelSlice(1, 3)(x)), x[..., 1:3])
    tiled = keras.ops.convert_to_numpy(TileLabels(2, 3)(np.eye(4, dtype="float32")))
    assert tiled.shape == (4, 2, 3, 4) and (tiled[2, 1, 2] == np.eye(4)[2]).all()


@pytest.mark.parametrize("layer", [EqualizedConv2D(4, 3), EqualizedDense(4), PixelNormalization(), MinibatchStdDev(), ScaleByInput(0), ChannelSlice(0, 1), TileLabels(2, 2)])
def test_layers_round_trip_through_their_config(layer):
    again = type(layer).from_config(layer.get_config())
    assert again.get_config() == layer.get_config()
