"""Train the mlp architecture on the ring8 mixture and report its mode coverage.

    python examples/ring8_coverage.py           # about 35 s on two CPU cores
"""

import kgan

x = kgan.datasets.load("ring8")
gan = kgan.architectures.get("mlp")(input_shape=(2,), seed=0)
gan.compile()                                   # the mlp recipe: BCE + R1, Adam(1e-3, 0.5), EMA
gan.fit(x, batch_size=256, epochs=100, verbose=0)
mix = kgan.datasets.mixture("ring8")
print(kgan.metrics.mode_coverage(gan.generate(2000, seed=1), mix.centers, mix.std))
