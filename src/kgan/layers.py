"""Keras layers the built-in architectures use; imported with kgan so saved models load after ``import kgan``."""

from __future__ import annotations

import keras

__all__ = ["TileLabels", "ChannelSlice"]


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
