"""Analytic FLOP counts of Keras conv/dense layers, and this machine's measured matmul rate."""

from __future__ import annotations

import time

import keras
import numpy as np


def forward_flops(model: keras.Model) -> int:
    """Multiply-adds x 2 of one sample's forward pass through Dense, Conv2D and Conv2DTranspose layers."""
    total = 0
    for layer in model.layers:
        inner = getattr(layer, "layer", layer)  # SpectralNormalization wraps a layer
        if isinstance(inner, keras.layers.Dense):
            total += 2 * int(np.prod(inner.kernel.shape))
        elif isinstance(inner, keras.layers.Conv2DTranspose):
            h, w = layer.input.shape[1:3]
            kh, kw, cout, cin = inner.kernel.shape
            total += 2 * h * w * kh * kw * cin * cout
        elif isinstance(inner, keras.layers.Conv2D):
            h, w = layer.output.shape[1:3]
            kh, kw, cin, cout = inner.kernel.shape
            total += 2 * h * w * kh * kw * cin * cout
    return int(total)


def layer_flops(model: keras.Model) -> list[tuple[str, int]]:
    """``(layer name, forward FLOPs per sample)`` for the layers that cost anything."""
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        sub = keras.Model(layer.input, layer.output) if hasattr(layer, "input") else None
        if sub is not None:
            flops = forward_flops(sub)
            if flops:
                out.append((layer.name, flops))
    return out


def gan_step_flops(generator: keras.Model, discriminator: keras.Model, batch: int, shared_forward: bool) -> float:
    """FLOPs of one D update + one G update, backward counted as 2x forward.

    Separate forwards (kgan's default): D step = G fwd + D fwd/bwd on 2 batches; G step = G fwd/bwd +
    D fwd/bwd (input gradients through D). Shared (the tutorial): one G forward serves both updates.
    """
    g, d = forward_flops(generator), forward_flops(discriminator)
    d_step = (0 if shared_forward else g) + 2 * 3 * d
    g_step = 3 * g + 3 * d
    return float(batch * (d_step + g_step))


def matmul_gflops(n: int = 2048, repeats: int = 5) -> float:
    """Measured float32 matrix-multiply rate of TensorFlow on this machine, in GFLOP/s."""
    import tensorflow as tf

    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))
    (a @ b).numpy()
    start = time.perf_counter()
    for _ in range(repeats):
        (a @ b).numpy()
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9
