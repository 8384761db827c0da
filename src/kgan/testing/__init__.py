"""Conformance checks for architectures and losses: kgan runs them over every built-in, and plugin
authors run them over their own entries.

>>> from kgan.testing import check_architecture, check_loss
>>> check_architecture("my-gan")            # build, one fit step, config and .keras round trips, generate
>>> check_loss("my-loss")                   # finite scalars, config round trip, one training step
>>> check_training_step(MyGAN(g, d))        # every random draw and discriminator input goes through the helpers

Each check raises ``AssertionError`` with a message saying which contract failed, so it drops into
any test runner. Small, fast settings come from the builder's ``test_options`` attribute when it has
one (a dict of keyword options), else from ``input_shape=(8, 8, 1)``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import traceback
from typing import Any

import keras
import numpy as np

__all__ = ["check_architecture", "check_loss", "check_training_step", "random_data", "DEFAULT_TEST_OPTIONS"]

DEFAULT_TEST_OPTIONS = {"input_shape": (8, 8, 1)}


def random_data(sample_shape, n: int = 16, seed: int = 0) -> np.ndarray:
    """``n`` float32 samples of ``sample_shape`` uniform in [-1, 1]."""
    return np.random.default_rng(seed).uniform(-1, 1, size=(n, *sample_shape)).astype("float32")


def _builder(architecture: Any):
    from kgan import architectures

    return architectures.get(architecture) if isinstance(architecture, str) else architecture


def _outputs(gan) -> tuple:
    """What a model produces for a fixed seed: ``generate(3, seed=7)`` (both images of pairs of two
    domains), or, for models without a latent space (translation), their fixed-input grid."""
    capabilities = gan.capabilities
    if capabilities.latent_dim is None:
        return (gan.sample_fixed(),)
    out = gan.generate(3, seed=7)
    return tuple(out) if capabilities.domains == 2 else (out,)


def check_architecture(architecture: Any, data: np.ndarray | None = None, directory: str | None = None, **options):
    """Run a registered architecture (name or builder) through kgan's contract.

    1. ``build(**options)`` returns an uncompiled kgan model (an
       [`AdversarialModel`][kgan.models.adversarial.AdversarialModel]: a [`GANModel`][kgan.GANModel],
       a [`CycleGANModel`][kgan.models.CycleGANModel] or a kind of your own) whose sample shape agrees
       with its networks;
    2. ``compile()`` with the model's recipe and one ``fit`` step give finite ``d_loss``/``g_loss``;
    3. ``type(model).from_config(model.get_config())`` rebuilds it, with the same
       [`capabilities`][kgan.models.adversarial.AdversarialModel.capabilities] (which declare the latent size and the data's sample shape);
    4. ``.keras`` save and load give the same class and identical outputs;
    5. ``generate(n, seed)`` returns ``(n, *data_shape)`` float32 (a tuple of such arrays for paired
       models such as cogan; the fixed-input grid for translation models such as cyclegan), and the
       same seed gives the same samples.

    Args:
        architecture: A registered name or the builder itself.
        data: Training samples; by default the model's [`example_data()`][kgan.models.adversarial.AdversarialModel.example_data] (random
            samples of its sample shape, with labels for conditional models).
        directory: Where to write the ``.keras`` file (a temporary directory by default).
        **options: Builder options; default ``builder.test_options`` or ``input_shape=(8, 8, 1)``.

    Returns:
        The trained and reloaded model.
    """
    from kgan.models import AdversarialModel, Capabilities

    build = _builder(architecture)
    options = options or dict(getattr(build, "test_options", DEFAULT_TEST_OPTIONS))
    keras.utils.set_random_seed(0)
    gan = build(**options)
    assert isinstance(gan, AdversarialModel), f"{architecture!r} returned {type(gan).__name__}, not a kgan model (GANModel, CycleGANModel or another AdversarialModel)"
    assert not gan.compiled, f"{architecture!r} must return an uncompiled model; compile() is the user's call"
    x, y = gan.example_data(16) if data is None else (np.asarray(data), None)
    shape = tuple(x.shape[1:])
    if "input_shape" in options:
        assert shape == tuple(options["input_shape"]), f"the model's data shape {shape} != input_shape {options['input_shape']}"
    gan.compile()
    logs = gan.fit(x, y, batch_size=min(8, len(x)), epochs=1, steps_per_epoch=1, verbose=0).history
    for key in ("d_loss", "g_loss"):
        assert key in logs and np.isfinite(logs[key][0]), f"one fit step of {architecture!r} gave {key}={logs.get(key)}"
    rebuilt = type(gan).from_config(gan.get_config())
    assert isinstance(rebuilt, type(gan)), f"config round trip gave a {type(rebuilt).__name__}, expected {type(gan).__name__}"
    capabilities = gan.capabilities
    assert isinstance(capabilities, Capabilities), f"capabilities must be a kgan.models.Capabilities, got {type(capabilities).__name__}"
    assert rebuilt.capabilities == capabilities, f"config round trip changed the capabilities: {capabilities} -> {rebuilt.capabilities}"
    assert capabilities.sample_shape in (None, shape), f"capabilities declare sample_shape {capabilities.sample_shape}, the data has {shape}"
    assert [w.shape for w in rebuilt.weights] == [w.shape for w in gan.weights], "config round trip changed the weights' shapes"
    samples = _outputs(gan)
    for part in samples:
        assert part.dtype == np.float32 and tuple(part.shape[1:]) == shape, f"outputs {part.shape} {part.dtype}, expected (n, *{shape}) float32"
        assert gan.capabilities.latent_dim is None or len(part) == 3, f"generate(3) returned {len(part)} samples"
    for a, b in zip(samples, _outputs(gan)):
        np.testing.assert_array_equal(a, b, err_msg="same seed, different samples")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(directory or tmp, "conformance.keras")
        gan.save(path)
        again = keras.models.load_model(path)
    assert type(again) is type(gan), f"loading gave {type(again).__name__}, expected {type(gan).__name__}; register the class with keras.saving.register_keras_serializable"
    for a, b in zip(samples, _outputs(again)):
        np.testing.assert_array_equal(a, b, err_msg=".keras round trip changed the outputs")
    check_training_step(build(**options), None if data is None else np.asarray(data))
    return again


_RANDOM_FUNCTIONS = ("normal", "uniform", "randint", "truncated_normal", "shuffle", "categorical", "binomial", "beta", "gamma", "dropout")


def _caller() -> str:
    """``file:line`` of the innermost frame outside kgan.testing and Keras: where a draw was written."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if "/keras/" not in frame.filename and not frame.filename.endswith(os.path.join("kgan", "testing", "__init__.py")):
            return f"{frame.filename}:{frame.lineno} ({frame.line})"
    return "?"


@contextlib.contextmanager
def _watched_step(gan):
    """Record, while a training step is traced, random draws from the model's noise state made outside
    its replica-aware helpers, and discriminator calls whose input skipped ``augmented()``."""
    found = {"bare draws": [], "discriminator calls": 0, "augmented inputs": 0, "sites": []}
    depth = [0]
    patched_model, patched_random = {}, {}

    def inside_helpers(method):
        def wrapped(*args, **kwargs):
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return wrapped

    def watched_draw(name, draw):
        def wrapped(*args, **kwargs):
            seeds = [*args, kwargs.get("seed")]
            if depth[0] == 0 and any(seed is gan.noise_seed for seed in seeds):
                found["bare draws"].append(f"keras.random.{name} at {_caller()}")
            return draw(*args, **kwargs)

        return wrapped

    def counted_augment(method):
        def wrapped(*args, **kwargs):
            found["augmented inputs"] += 1
            return method(*args, **kwargs)

        return wrapped

    def counted_call(network):
        call = network.call

        def wrapped(*args, **kwargs):
            found["discriminator calls"] += 1
            found["sites"].append(f"{network.name} called from {_caller()}")
            return call(*args, **kwargs)

        return wrapped

    for name in ("replica_draw", "on_global_batch"):
        patched_model[name] = inside_helpers(getattr(gan, name))
    patched_model["augmented"] = counted_augment(gan.augmented)
    names = [*vars(gan), *(getattr(gan, "_modules", None) or {})]  # PyTorch keeps sub-modules in _modules
    networks = {id(v): v for v in (getattr(gan, k) for k in names if k.startswith("discriminator")) if isinstance(v, keras.Model)}
    try:
        for name, value in patched_model.items():
            object.__setattr__(gan, name, value)
        for network in networks.values():
            object.__setattr__(network, "call", counted_call(network))
        for name in _RANDOM_FUNCTIONS:
            if hasattr(keras.random, name):
                patched_random[name] = getattr(keras.random, name)
                setattr(keras.random, name, watched_draw(name, patched_random[name]))
        yield found
    finally:
        for name, draw in patched_random.items():
            setattr(keras.random, name, draw)
        for name in patched_model:
            gan.__dict__.pop(name, None)
        for network in networks.values():
            network.__dict__.pop("call", None)


def check_training_step(gan: Any, data: Any = None) -> None:
    """Check that one training step of ``gan`` (a kgan model, uncompiled or compiled, not yet trained)
    is correct under data parallelism and honours ``compile(augment=...)``.

    1. Every random draw from the model's noise state (``seed=gan.noise_seed``) goes through
       [`random_normal()`][kgan.models.adversarial.AdversarialModel.random_normal] /
       [`random_integers()`][kgan.models.adversarial.AdversarialModel.random_integers] (or ``replica_draw`` /
       ``on_global_batch``): a bare ``keras.random.normal(..., seed=self.noise_seed)`` in a step would
       give every replica the same numbers.
    2. For image models, compiled with ``augment="translation"``: every call of a discriminator network
       takes an input that went through
       [`augmented()`][kgan.models.adversarial.AdversarialModel.augmented] (``discriminate()`` does it), so the
       augmentation a user asks for reaches every discriminator, in every update.

    The step is traced once under watch (``fit`` for one step on ``data``, default the model's
    [`example_data()`][kgan.models.adversarial.AdversarialModel.example_data]); nothing needs several devices.
    Failures name the file and line of the offending draw or call.
    """
    images = gan.sample_shape is not None and len(gan.sample_shape) == 3
    if images:
        gan.compile(augment="translation")
    elif not gan.compiled:
        gan.compile()
    x, y = gan.example_data(8) if data is None else (data, None)
    with _watched_step(gan) as found:
        gan.fit(x, y, batch_size=4, epochs=1, steps_per_epoch=1, verbose=0)
    assert not found["bare draws"], (
        "random draws from the model's noise state outside its replica-aware helpers (every replica would draw the same "
        "numbers under data parallelism; use self.random_normal / self.random_integers): " + "; ".join(found["bare draws"])
    )
    if images:
        assert found["discriminator calls"] <= found["augmented inputs"], (
            f"{found['discriminator calls']} discriminator calls in one training step but only {found['augmented inputs']} "
            "inputs went through augmented(): call self.discriminate(...) (or pass the input through self.augmented(...)) "
            "so compile(augment=...) reaches every discriminator. Calls: " + "; ".join(found["sites"])
        )


def check_loss(loss: Any) -> None:
    """Run a registered loss (name, class or instance) through kgan's contract.

    1. ``discriminator_loss`` and ``generator_loss`` return finite scalars for random logits, also
       extreme ones (+-30);
    2. ``kgan.losses.get(kgan.losses.serialize(loss))`` gives an equal config;
    3. one training step of a tiny ``mlp`` GAN with this loss gives finite losses.
    """
    from kgan import architectures, losses

    instance = losses.get(loss)
    rng = np.random.default_rng(0)
    for scale in (1.0, 30.0):
        real, fake = (rng.normal(size=(8, 1)) * scale).astype("float32"), (rng.normal(size=(8, 1)) * scale).astype("float32")
        d = keras.ops.convert_to_numpy(instance.discriminator_loss(real, fake))
        g = keras.ops.convert_to_numpy(instance.generator_loss(fake, real))
        assert d.shape == () and g.shape == (), f"losses must be scalars, got shapes {d.shape} and {g.shape}"
        assert np.isfinite(d) and np.isfinite(g), f"non-finite loss at logit scale {scale}: d={d}, g={g}"
    again = losses.get(losses.serialize(instance))
    assert type(again) is type(instance) and again.get_config() == instance.get_config(), "config round trip changed the loss"
    keras.utils.set_random_seed(0)
    gan = architectures.get("mlp")(input_shape=(2,), latent_dim=2, units=8, depth=1)
    gan.compile(loss=instance)
    logs = gan.fit(random_data((2,), 16), batch_size=8, epochs=1, steps_per_epoch=1, verbose=0).history
    assert np.isfinite(logs["d_loss"][0]) and np.isfinite(logs["g_loss"][0]), f"training with {loss!r} gave {logs}"
