"""Train the default DCGAN on the embedded MNIST digits and save a few samples as a PNG grid.

    python examples/train_mnist5k.py            # about a minute on two CPU cores
"""

import numpy as np
from PIL import Image

import kgan

x = kgan.datasets.load("mnist-5k")
gan = kgan.architectures.get("dcgan")(input_shape=x.shape[1:], latent_dim=64, seed=0)
gan.compile()
gan.fit(x, batch_size=128, epochs=5)
gan.save("dcgan-mnist5k.keras")

samples = gan.generate(64, seed=0)                          # (64, 28, 28, 1) in [-1, 1]
grid = samples.reshape(8, 8, 28, 28).transpose(0, 2, 1, 3).reshape(8 * 28, 8 * 28)
Image.fromarray(np.uint8((grid + 1) * 127.5)).save("samples.png")
print("wrote dcgan-mnist5k.keras and samples.png")
