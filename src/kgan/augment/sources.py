"""Where fakes come from: trained generators drawn on the fly, a pre-generated pool, or snapshots
taken during GAN training.

Every source answers one question, ``draw(n, rng) -> (images, labels)``: ``images`` of shape
``(n, *sample_shape)`` in the generator's range, ``labels`` the classes the samples were generated for
(``(n,)`` integers) or ``None`` for unconditional generators.
"""

from __future__ import annotations

import os
from typing import Any

import keras
import numpy as np

from kgan.arguments import check_int
from kgan.errors import ConfigurationError, DataError

__all__ = ["Blends", "FakePool", "FakeSource", "GeneratorSnapshots", "Mixture", "RandomFields", "as_source", "run_generators"]


def _rng(rng: Any) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _balanced_labels(n: int, num_classes: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` class labels, every class as often as possible (counts differ by at most one), shuffled."""
    return rng.permutation(np.arange(n) % num_classes).astype(np.int64)


def _draw_shuffled(sources: list, counts: np.ndarray, labelled: bool, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray | None]:
    """``counts[i]`` draws from ``sources[i]``, in order, then shuffled together with their labels
    (``None`` unless ``labelled``)."""
    parts = [s.draw(int(c), rng) for s, c in zip(sources, counts, strict=True) if c > 0]
    images = np.concatenate([p[0] for p in parts])
    order = rng.permutation(len(images))
    return images[order], (np.concatenate([p[1] for p in parts])[order] if labelled else None)


class _Generator:
    """One generator behind a single ``draw`` call: a kgan GANModel or a bare Keras model.

    A bare model takes ``z`` ``(batch, latent_dim)`` or, conditional, ``[z, one_hot(y)]`` with
    ``one_hot(y)`` of shape ``(batch, num_classes)``.
    """

    def __init__(self, generator: Any, batch_size: int):
        from kgan.models.capabilities import capabilities_of
        from kgan.models.loading import load_gan

        if isinstance(generator, (str, os.PathLike)):
            generator = load_gan(generator)
        self.batch_size = batch_size
        self.gan = None
        self.model = None
        capabilities = capabilities_of(generator)
        if capabilities is not None and not capabilities.generates_samples:
            raise ConfigurationError(
                f"generators: a {type(generator).__name__} does not generate one image from a latent vector "
                f"(it {capabilities.describe()}); "
                "pass a dcgan/cgan/progan GANModel, a saved .keras path of one, or a bare Keras generator."
            )
        if capabilities is not None:
            self.gan = generator
            self.num_classes = capabilities.num_classes
            self.sample_shape = capabilities.sample_shape
        elif isinstance(generator, keras.Model):
            self.model = generator
            inputs = generator.inputs
            if len(inputs) == 1 and len(inputs[0].shape) == 2:
                self.num_classes = None
            elif len(inputs) == 2 and all(len(t.shape) == 2 for t in inputs):
                self.num_classes = int(inputs[1].shape[-1])
            else:
                shapes = [tuple(t.shape) for t in inputs]
                raise ConfigurationError(
                    f"generators: a bare Keras generator must take z (batch, latent_dim) or [z, one_hot(y)]; "
                    f"this one takes inputs of shapes {shapes}. Pass its kgan GANModel instead."
                )
            if len(generator.outputs) != 1:
                raise ConfigurationError(
                    f"generators: a bare Keras generator must have one output; this one has {len(generator.outputs)} "
                    "(progan's generator outputs every resolution). Pass its kgan GANModel instead."
                )
            self.latent_dim = int(inputs[0].shape[-1])
            self.sample_shape = tuple(generator.outputs[0].shape[1:])
        else:
            raise ConfigurationError(
                "generators: each must be a kgan GANModel, a path to its .keras file, or a Keras model; "
                f"received {type(generator).__name__}."
            )

    def draw(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray | None]:
        labels = None if self.num_classes is None else _balanced_labels(n, self.num_classes, rng)
        seed = int(rng.integers(0, 2**31 - 1))
        if self.gan is not None:
            if labels is None:
                images = self.gan.generate(n, seed=seed, batch_size=self.batch_size)
            else:
                images = self.gan.generate(n, seed=seed, batch_size=self.batch_size, labels=labels)
            return np.asarray(images, dtype=np.float32), labels
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32)
        inputs = z if labels is None else [z, np.eye(self.num_classes, dtype=np.float32)[labels]]
        images = self.model.predict(inputs, batch_size=self.batch_size, verbose=0)
        return np.asarray(images, dtype=np.float32), labels


class FakeSource:
    """Fakes generated on demand from one or several generators, shared out equally.

    >>> source = FakeSource([gan_a, "runs/b/model.keras"])       # two generators
    >>> images, labels = source.draw(1000, rng=0)                 # 500 from each; labels None

    Args:
        generators: One generator or a sequence of them. Each is a kgan [`GANModel`][kgan.GANModel] (its
            weight average is used when it keeps one), the path of its ``.keras`` file, or a bare Keras
            model taking ``z`` or ``[z, one_hot(y)]`` (what [`GeneratorSnapshots`][kgan.augment.sources.GeneratorSnapshots] keeps).
            Conditional and unconditional generators cannot be mixed.
        batch_size: Samples per forward pass.
    """

    def __init__(self, generators: Any, batch_size: int = 256):
        items = list(generators) if isinstance(generators, (list, tuple)) else [generators]
        if not items:
            raise ConfigurationError("generators: received an empty list; pass at least one generator.")
        self.generators = [_Generator(g, batch_size) for g in items]
        shapes = {g.sample_shape for g in self.generators}
        if len(shapes) > 1:
            raise ConfigurationError(f"generators: all must produce the same sample shape; received {sorted(shapes)}.")
        classes = {g.num_classes for g in self.generators}
        if len(classes) > 1:
            raise ConfigurationError(
                f"generators: conditional and unconditional generators (or different class counts) cannot be mixed; "
                f"received class counts {sorted(classes, key=str)}."
            )
        self.sample_shape: tuple[int, ...] = shapes.pop()
        self.num_classes: int | None = classes.pop()

    def draw(self, n: int, rng: Any = None) -> tuple[np.ndarray, np.ndarray | None]:
        """``n`` fresh fakes ``(n, *sample_shape)`` and their classes (``None``: unconditional)."""
        rng = _rng(rng)
        counts = np.full(len(self.generators), n // len(self.generators))
        counts[: n % len(self.generators)] += 1
        return _draw_shuffled(self.generators, counts, self.num_classes is not None, rng)


class FakePool:
    """Fakes generated once and drawn from many times (faster per epoch, fixed memory).

    >>> pool = FakePool.generate(FakeSource(gan), 20_000, seed=0)
    >>> pool = FakePool(np.load("fakes.npy"))                     # or any array of fakes

    Args:
        images: ``(n, *sample_shape)`` fakes.
        labels: ``(n,)`` integer classes they were generated for, or ``None``.
        num_classes: Classes of a conditional pool (default: ``labels.max() + 1``).
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray | None = None, num_classes: int | None = None):
        images = np.asarray(images, dtype=np.float32)
        if images.ndim < 2 or len(images) == 0:
            raise DataError(f"images: a pool needs an array (n, *sample_shape) with n >= 1; received shape {images.shape}.")
        if labels is not None:
            labels = np.asarray(labels)
            if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
                raise DataError(f"labels: expected integer classes of shape ({len(images)},); received {labels.dtype} {labels.shape}.")
            if labels.min() < 0:
                raise DataError(f"labels: classes must be >= 0; received {labels.min()}.")
            num_classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
        self.images, self.labels = images, labels
        self.sample_shape: tuple[int, ...] = tuple(images.shape[1:])
        self.num_classes: int | None = None if labels is None else num_classes

    @classmethod
    def generate(cls, source: FakeSource | Any, n: int, seed: int = 0) -> FakePool:
        """A pool of ``n`` fakes drawn from ``source`` (a [`FakeSource`][kgan.augment.sources.FakeSource] or what it accepts)."""
        source = as_source(source)
        images, labels = source.draw(n, rng=seed)
        return cls(images, labels, num_classes=source.num_classes)

    def __len__(self) -> int:
        return len(self.images)

    def draw(self, n: int, rng: Any = None) -> tuple[np.ndarray, np.ndarray | None]:
        """``n`` fakes from the pool: without repetition while ``n <= len(pool)``."""
        rng = _rng(rng)
        rows = rng.permutation(len(self))[:n] if n <= len(self) else rng.integers(0, len(self), n)
        return self.images[rows], (None if self.labels is None else self.labels[rows])


class Blends:
    """Fakes made of the real data: ``t * a + (1 - t) * b`` of two real examples ``a``, ``b`` of
    *different* classes, with ``t ~ U[low, high]`` drawn per fake.

    Two digits on top of each other are neither digit, and nothing a GAN makes looks like them: a
    classifier hardened on generated fakes alone rejects them barely more often than a plain one.
    Mixed into the fakes (``Mixture([generators, Blends(x, y)], [0.8, 0.2])``, or
    ``harden(..., blend_fakes=0.2)``), they teach the reject class that shape as well.

    >>> images, _ = Blends(x_train, y_train).draw(1000, rng=0)    # (1000, 28, 28, 1), labels None

    Args:
        x: Real examples ``(n, *sample_shape)``.
        y: Their integer classes ``(n,)``; at least two classes.
        mix: ``(low, high)``, the range of the weight ``t`` of the first example, within ``[0, 1]``.
    """

    num_classes = None

    def __init__(self, x: np.ndarray, y: np.ndarray, mix: tuple[float, float] = (0.3, 0.7)):
        from kgan.augment.probes import different_class_pairs

        self.x, self.y = np.asarray(x, dtype=np.float32), np.asarray(y)
        if self.x.ndim < 2 or len(self.x) != len(self.y):
            raise DataError(f"x, y: expected examples (n, *sample_shape) and n labels; received shapes {self.x.shape} and {self.y.shape}.")
        if self.y.ndim != 1 or not np.issubdtype(self.y.dtype, np.integer):
            raise DataError(f"y: expected integer classes of shape ({len(self.x)},); received {self.y.dtype} {self.y.shape}.")
        different_class_pairs(self.y, 1, np.random.default_rng(0), "Blends")  # refuses a single class now
        low, high = (float(v) for v in mix)
        if not 0.0 <= low <= high <= 1.0:
            raise ConfigurationError(f"mix: expected (low, high) with 0 <= low <= high <= 1, received {tuple(mix)!r}; for example (0.3, 0.7).")
        self.mix = (low, high)
        self.sample_shape: tuple[int, ...] = tuple(self.x.shape[1:])

    def draw(self, n: int, rng: Any = None) -> tuple[np.ndarray, None]:
        """``n`` blends ``(n, *sample_shape)``; no labels."""
        from kgan.augment.probes import different_class_pairs

        rng = _rng(rng)
        a, b = different_class_pairs(self.y, n, rng, "Blends")
        t = rng.uniform(*self.mix, size=(n,) + (1,) * (self.x.ndim - 1)).astype(np.float32)
        return t * self.x[a] + (1.0 - t) * self.x[b], None


class RandomFields:
    """Structureless fakes: Gaussian noise smoothed at a random scale, shown at a random brightness
    and contrast, in ``[-1, 1]``.

    Each image is white noise blurred by a Gaussian of width ``sigma ~ U[smoothing]`` pixels
    (``scipy.ndimage.gaussian_filter``, over the spatial axes only), normalised to zero mean and unit
    deviation, then scaled to ``m + c * field`` with brightness ``m ~ U[-1, 1]`` and contrast
    ``c ~ U[0, 1]``, and clipped: from speckle to soft blobs, on a dark, grey or bright ground.
    Nothing in the data looks like them, and a hardened classifier does not reliably learn that from
    a generator's fakes: on mnist-5k, with blends among the fakes, uniform noise went unrejected in
    two seeds of three until these were added.

    >>> images, _ = RandomFields((28, 28, 1)).draw(1000, rng=0)

    Args:
        sample_shape: ``(H, W, C)`` of the images.
        smoothing: ``(low, high)``, the range of ``sigma`` in pixels, ``0 <= low <= high``.
    """

    num_classes = None

    def __init__(self, sample_shape: tuple, smoothing: tuple[float, float] = (0.0, 3.0)):
        self.sample_shape: tuple[int, ...] = tuple(int(d) for d in sample_shape)
        if len(self.sample_shape) != 3 or min(self.sample_shape) < 1:
            raise ConfigurationError(f"sample_shape: expected images (H, W, C), received {tuple(sample_shape)!r}.")
        low, high = (float(v) for v in smoothing)
        if not 0.0 <= low <= high:
            raise ConfigurationError(f"smoothing: expected (low, high) with 0 <= low <= high (pixels), received {tuple(smoothing)!r}; for example (0, 3).")
        self.smoothing = (low, high)

    def draw(self, n: int, rng: Any = None) -> tuple[np.ndarray, None]:
        """``n`` fields ``(n, H, W, C)``; no labels."""
        from scipy.ndimage import gaussian_filter

        rng = _rng(rng)
        fields = rng.standard_normal((n, *self.sample_shape)).astype(np.float32)
        for image, sigma in zip(fields, rng.uniform(*self.smoothing, size=n), strict=True):
            if sigma > 0:
                image[...] = gaussian_filter(image, sigma=(sigma, sigma, 0), mode="wrap")
        axes = tuple(range(1, fields.ndim))
        fields = (fields - fields.mean(axis=axes, keepdims=True)) / (fields.std(axis=axes, keepdims=True) + 1e-6)
        shape = (n,) + (1,) * (fields.ndim - 1)
        brightness, contrast = rng.uniform(-1.0, 1.0, shape), rng.uniform(0.0, 1.0, shape)
        return np.clip(brightness + contrast * fields, -1.0, 1.0).astype(np.float32), None


class Mixture:
    """Several fake sources drawn in fixed shares: ``weights[i]`` of every draw comes from ``sources[i]``.

    >>> source = Mixture([FakeSource(generators), Blends(x, y)], weights=[0.8, 0.2])

    Args:
        sources: What [`as_source()`][kgan.augment.sources.as_source] accepts, each; all of one sample shape.
        weights: Non-negative shares, one per source (normalised to sum to 1).

    Labels are kept when every source has the same classes; otherwise (a conditional generator beside
    blends, say) the mixture is unconditional and ``draw`` returns ``None`` for them.
    """

    def __init__(self, sources: list, weights: list[float]):
        self.sources = [as_source(s) for s in sources]
        if not self.sources or len(weights) != len(self.sources):
            raise ConfigurationError(f"weights: give one share per source; received {len(weights)} for {len(self.sources)} source(s).")
        w = np.asarray(weights, dtype=np.float64)
        if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
            raise ConfigurationError(f"weights: expected non-negative shares with a positive sum, received {list(weights)!r}.")
        self.weights = w / w.sum()
        shapes = {tuple(s.sample_shape) for s in self.sources}
        if len(shapes) > 1:
            raise ConfigurationError(f"sources: all must make samples of one shape; received {sorted(shapes)}.")
        self.sample_shape: tuple[int, ...] = shapes.pop()
        classes = {s.num_classes for s in self.sources}
        self.num_classes: int | None = classes.pop() if len(classes) == 1 else None

    def draw(self, n: int, rng: Any = None) -> tuple[np.ndarray, np.ndarray | None]:
        """``n`` fakes: each source's share rounded down (the remainder from the largest), shuffled."""
        rng = _rng(rng)
        counts = np.floor(self.weights * n + 1e-9).astype(int)  # 0.3 / 0.7 * 7 is 2.9999999999999996 in floats
        counts[int(np.argmax(self.weights))] += n - counts.sum()
        return _draw_shuffled(self.sources, counts, self.num_classes is not None, rng)


def run_generators(path: str | os.PathLike) -> list[str]:
    """The model files of a run directory: ``model.keras`` and every ``snapshots/epoch_NNNN.keras``
    (oldest first) that ``kgan train --snapshot-every N`` kept; a ``.keras`` path is returned alone.

    >>> FakeSource(run_generators("runs/gan"))     # fakes of every stage of the run, shared out equally

    Snapshots identical to ``model.keras`` (the last epoch) are left out, so no stage counts twice.
    """
    import filecmp
    from pathlib import Path

    p = Path(path)
    if not p.is_dir():
        return [str(p)]
    model = p / "model.keras"
    if not model.is_file():
        raise DataError(f"{str(p)!r} is a directory without model.keras; pass a run directory written by `kgan train` or a .keras file.")
    snapshots = sorted((p / "snapshots").glob("epoch_*.keras")) if (p / "snapshots").is_dir() else []
    return [str(s) for s in snapshots if not filecmp.cmp(s, model, shallow=False)] + [str(model)]


def as_source(fakes: Any) -> Any:
    """A fake source from a generator or a list of generators ([`FakeSource`][kgan.augment.sources.FakeSource]); a
    [`FakeSource`][kgan.augment.sources.FakeSource], [`FakePool`][kgan.augment.sources.FakePool] or any object with ``sample_shape``, ``num_classes`` and
    ``draw(n, rng) -> (images, labels)`` is returned as it is."""
    if isinstance(fakes, (FakeSource, FakePool)) or all(hasattr(fakes, a) for a in ("draw", "sample_shape", "num_classes")):
        return fakes
    return FakeSource(fakes)


class GeneratorSnapshots(keras.callbacks.Callback):
    """Keep a copy of the generator every ``every`` epochs while a GAN trains: fakes of varied quality.

    Early snapshots make crude fakes, late ones convincing fakes; a classifier hardened against all of
    them meets a wider range of what is "not a real digit" than against the final generator alone.

    >>> snapshots = GeneratorSnapshots(every=2)
    >>> gan.fit(x, epochs=10, callbacks=[snapshots])
    >>> source = FakeSource(snapshots.generators)                 # 5 generators

    Args:
        every: Epochs between snapshots (the last epoch is always kept).
        keep: Keep at most this many, the newest (``None``: all).

    The copies are bare Keras generators (the weight average when the GAN keeps one), so the GAN's
    generator must take ``z`` or ``[z, one_hot(y)]``: dcgan, mlp and cgan do; progan's takes stage
    gates as well, and its snapshots are refused.
    """

    def __init__(self, every: int = 1, keep: int | None = None):
        super().__init__()
        check_int("every", every, meaning=" (epochs)")
        check_int("keep", keep, none=True)
        self.every, self.keep = every, keep
        self.generators: list[keras.Model] = []
        self.epochs: list[int] = []

    def on_train_begin(self, logs=None) -> None:
        from kgan.models.capabilities import capabilities_of

        capabilities = capabilities_of(self.model)
        if capabilities is None or not capabilities.generates_samples or not capabilities.plain_generator:
            raise ConfigurationError(
                f"GeneratorSnapshots works on a GANModel whose generator takes z or [z, one_hot(y)] (dcgan, mlp, cgan); "
                f"it was given a {type(self.model).__name__}. For progan, save the model at the epochs you want "
                "and pass the .keras paths to FakeSource."
            )
        _Generator(self.model.sampling_generator, 256)  # refuses generators a snapshot cannot draw from
        self._epochs = self.params.get("epochs") if self.params else None

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        if (epoch + 1) % self.every and epoch + 1 != self._epochs:
            return
        source = self.model.sampling_generator
        copy = keras.models.clone_model(source)
        copy.set_weights(source.get_weights())
        self.generators.append(copy)
        self.epochs.append(epoch + 1)
        if self.keep is not None and len(self.generators) > self.keep:
            del self.generators[0], self.epochs[0]
