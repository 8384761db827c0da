"""Keras layers the built-in architectures use; imported with kgan so saved models load after ``import kgan``."""

from __future__ import annotations

import keras

__all__ = ["TileLabels", "ChannelSlice", "ScaleByInput", "PixelNormalization", "MinibatchStdDev", "EqualizedConv2D", "EqualizedDense"]


@keras.saving.register_keras_serializable(package="kgan")
class TileLabels(keras.layers.Layer):
    """``(batch, K) -> (batch, height, width, K)``: a label vector repeated at every pixel, to be
    concatenated to an image's channels (a conditional discriminator's input)."""

    def __init__(self, height: int, width: int, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = int(height), int(width)

    def call(self, y):
        y = keras.ops.reshape(y, (-1, 1, 1, keras.ops.shape(y)[-1]))
        return keras.ops.tile(y, (1, self.height, self.width, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


@keras.saving.register_keras_serializable(package="kgan")
class ChannelSlice(keras.layers.Layer):
    """``x[..., start:stop]``: one domain's channels of a channel-stacked pair of images (CoGAN)."""

    def __init__(self, start: int, stop: int, **kwargs):
        super().__init__(**kwargs)
        self.start, self.stop = int(start), int(stop)

    def call(self, x):
        return x[..., self.start : self.stop]

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.stop - self.start)

    def get_config(self):
        return {**super().get_config(), "start": self.start, "stop": self.stop}


@keras.saving.register_keras_serializable(package="kgan")
class ScaleByInput(keras.layers.Layer):
    """``[x, scales] -> x * scales[:, index]`` (broadcast over x's other axes): a per-sample gate."""

    def __init__(self, index: int, **kwargs):
        super().__init__(**kwargs)
        self.index = int(index)

    def call(self, inputs):
        x, scales = inputs
        s = scales[:, self.index]
        return x * keras.ops.reshape(s, (-1,) + (1,) * (len(x.shape) - 1))

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "index": self.index}


@keras.saving.register_keras_serializable(package="kgan")
class PixelNormalization(keras.layers.Layer):
    """``x / sqrt(mean(x^2 over channels) + eps)`` at every pixel (Karras et al., 2018), in place of batch norm."""

    def __init__(self, epsilon: float = 1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def call(self, x):
        return x * keras.ops.rsqrt(keras.ops.mean(keras.ops.square(x), axis=-1, keepdims=True) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="kgan")
class MinibatchStdDev(keras.layers.Layer):
    """Append one channel: the standard deviation of each feature over the batch, averaged over
    features and pixels (Karras et al., 2018). D can then see a batch's lack of variety, which
    counters mode collapse. ``(B, H, W, C) -> (B, H, W, C + 1)``."""

    def call(self, x):
        std = keras.ops.sqrt(keras.ops.var(x, axis=0) + 1e-8)
        stat = keras.ops.mean(std)
        extra = keras.ops.ones_like(x[..., :1]) * stat
        return keras.ops.concatenate([x, extra], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


@keras.saving.register_keras_serializable(package="kgan")
class EqualizedConv2D(keras.layers.Layer):
    """A 'same'-padded convolution with the equalized learning rate of Karras et al. (2018): weights
    drawn from N(0, 1) and scaled at run time by He's constant ``gain / sqrt(fan_in)``, so Adam's
    per-parameter step sizes act alike on every layer whatever its fan-in."""

    def __init__(self, filters: int, kernel_size: int, gain: float = 2**0.5, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.gain = int(filters), int(kernel_size), float(gain)

    def build(self, input_shape):
        fan_in = self.kernel_size * self.kernel_size * input_shape[-1]
        self.scale = self.gain / fan_in**0.5
        self.kernel = self.add_weight(shape=(self.kernel_size, self.kernel_size, input_shape[-1], self.filters), initializer=keras.initializers.RandomNormal(stddev=1.0), name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def call(self, x):
        return keras.ops.conv(x, self.kernel * self.scale, padding="same") + self.bias

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size, "gain": self.gain}


@keras.saving.register_keras_serializable(package="kgan")
class EqualizedDense(keras.layers.Layer):
    """A dense layer with the equalized learning rate (see [`EqualizedConv2D`][kgan.layers.EqualizedConv2D])."""

    def __init__(self, units: int, gain: float = 2**0.5, **kwargs):
        super().__init__(**kwargs)
        self.units, self.gain = int(units), float(gain)

    def build(self, input_shape):
        self.scale = self.gain / input_shape[-1] ** 0.5
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer=keras.initializers.RandomNormal(stddev=1.0), name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        return keras.ops.matmul(x, self.kernel * self.scale) + self.bias

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "gain": self.gain}
