"""Does training in short ``fit`` calls cost kgan time? The same dcgan recipe, in one process, three ways.

``benchmarks/time_to_quality.py`` trains kgan in ``fit`` calls of 100 steps, each on a fresh ``tf.data``
chunk (``chunk_batches``), interleaved with the tutorial baseline; ``kgan train`` makes one ``fit``
call. This times, alone and one after the other on the same machine:

1. ten ``fit`` calls of 100 steps on ``chunk_batches`` (time_to_quality's way, without the baseline);
2. one ``fit`` over an in-memory array (200 steps);
3. one ``fit`` of 1,000 steps over one ``chunk_batches`` dataset;
4. ten ``fit`` calls of 100 steps as in 1, with ``--baseline-steps`` steps of the tutorial baseline
   (``benchmarks/baseline.py``, batch 256) trained between them, off kgan's clock: time_to_quality's
   way with the baseline taking its turns.

Each model is traced before its clock starts. Prints steps per second for each.

    python benchmarks/fit_chunks.py        # about 6 minutes on 2 cores
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(__file__))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from time_to_quality import chunk_batches  # noqa: E402

import kgan  # noqa: E402

BASELINE_STEPS = 10
"""The baseline's steps between two of kgan's chunks (time_to_quality gives it 100 per evaluation)."""


def fresh():
    keras.utils.set_random_seed(0)
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
    gan.compile()
    return gan


def main() -> None:
    x = kgan.datasets.load("mnist-5k")
    gan = fresh()
    gan.fit(chunk_batches(x, 32, 20, 99), steps_per_epoch=20, epochs=1, verbose=0)  # tracing, off the clock
    start = time.perf_counter()
    for chunk in range(10):
        gan.fit(chunk_batches(x, 32, 100, chunk), steps_per_epoch=100, epochs=1, verbose=0)
    chunked = 1000 / (time.perf_counter() - start)

    gan = fresh()
    gan.fit(x[:640], batch_size=32, epochs=1, verbose=0)
    data = np.concatenate([x, x[:1400]])
    start = time.perf_counter()
    gan.fit(data, batch_size=32, epochs=1, shuffle=True, verbose=0)
    array = (len(data) // 32) / (time.perf_counter() - start)

    gan = fresh()
    gan.fit(chunk_batches(x, 32, 20, 99), steps_per_epoch=20, epochs=1, verbose=0)
    start = time.perf_counter()
    gan.fit(chunk_batches(x, 32, 1000, 0), steps_per_epoch=1000, epochs=1, verbose=0)
    single = 1000 / (time.perf_counter() - start)

    import tensorflow as tf
    from baseline import BATCH_SIZE, make_baseline

    baseline = make_baseline(seed=0)
    real = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=0).repeat().batch(BATCH_SIZE, drop_remainder=True)
    baseline.fit(real, steps_per_epoch=2, epochs=1, verbose=0)  # tracing
    gan = fresh()
    gan.fit(chunk_batches(x, 32, 20, 99), steps_per_epoch=20, epochs=1, verbose=0)
    kgan_seconds = 0.0
    for chunk in range(10):
        baseline.fit(real, steps_per_epoch=BASELINE_STEPS, epochs=1, verbose=0)  # the baseline's turn, off the clock
        start = time.perf_counter()
        gan.fit(chunk_batches(x, 32, 100, chunk), steps_per_epoch=100, epochs=1, verbose=0)
        kgan_seconds += time.perf_counter() - start
    interleaved = 1000 / kgan_seconds

    print(f"ten fit calls of 100 steps on chunk_batches: {chunked:.1f} steps/s")
    print(f"the same, the baseline training {BASELINE_STEPS} steps between them: {interleaved:.1f} steps/s (kgan's clock only)")
    print(f"one fit over an array (200 steps):           {array:.1f} steps/s")
    print(f"one fit over chunk_batches (1,000 steps):    {single:.1f} steps/s")
    print(f"chunked / single: {chunked / single:.2f}; interleaved / chunked: {interleaved / chunked:.2f}")


if __name__ == "__main__":
    main()
