"""The backend seam: one trainer module per backend, every piece of state carried across steps, and
``.keras`` files that move between TensorFlow, JAX and PyTorch.

Run under each backend: ``KERAS_BACKEND=jax pytest tests`` runs the core suite (tests/conftest.py).
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import kgan
from kgan.errors import ConfigurationError
from kgan.models.backend import BACKEND, GANTrainer

BACKENDS = ("tensorflow", "jax", "torch")


def installed(backend: str) -> bool:
    return importlib.util.find_spec(backend) is not None


def test_the_trainer_is_the_backends_own():
    assert keras.backend.backend() == BACKEND
    expected = {"tensorflow": "TensorFlowGANTrainer", "jax": "JAXGANTrainer", "torch": "TorchGANTrainer"}[BACKEND]
    assert GANTrainer.__name__ == expected and issubclass(kgan.GANModel, GANTrainer)


def _weights(part):
    """Values of a network's weights or an optimizer's variables."""
    return [np.array(keras.ops.convert_to_numpy(v)) for v in getattr(part, "weights", None) or part.variables]


def test_every_piece_of_state_is_carried_from_step_to_step(tiny_images):
    """Both optimizers' moments and counters, the weight average, the noise seed and the replay
    memory all change in a fit and are the model's afterwards (on JAX they travel through the
    returned state, not side effects)."""
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0, replay_size=32)
    gan.compile(d_steps=2)
    seed_before = np.array(keras.ops.convert_to_numpy(gan.noise_seed.state))
    g_moments = _weights(gan.g_optimizer)
    d_moments = _weights(gan.d_optimizer)
    ema_before = _weights(gan.generator_ema)
    gan.fit(tiny_images, batch_size=16, epochs=2, verbose=0)  # 4 steps per epoch
    assert int(gan.g_optimizer.iterations) == 8 and int(gan.d_optimizer.iterations) == 16
    assert any(not np.allclose(a, b) for a, b in zip(g_moments, _weights(gan.g_optimizer), strict=True))
    assert any(not np.allclose(a, b) for a, b in zip(d_moments, _weights(gan.d_optimizer), strict=True))
    assert any(not np.allclose(a, b) for a, b in zip(ema_before, _weights(gan.generator_ema), strict=True))
    assert not np.array_equal(seed_before, keras.ops.convert_to_numpy(gan.noise_seed.state))
    assert int(gan.replay_count) == 16 * 2 * 8 and np.abs(keras.ops.convert_to_numpy(gan.replay_buffer)).sum() > 0
    assert int(gan.completed_epochs) == 2
    logs = gan.evaluate(tiny_images, batch_size=16, verbose=0, return_dict=True)
    assert np.isfinite(logs["d_loss"]) and np.isfinite(logs["g_loss"])


@pytest.mark.heavy  # about 12 s on 2 cores
def test_shared_generator_pass_and_gradient_penalties_train(tiny_images):
    for kwargs in ({"shared_generator_pass": True}, {"loss": "wgan-gp"}, {"loss": "bce-r1"}):
        gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
        gan.compile(**kwargs)
        before = _weights(gan.discriminator)
        history = gan.fit(tiny_images, batch_size=16, epochs=1, verbose=0).history
        assert np.isfinite(history["d_loss"][-1]), kwargs
        assert any(not np.allclose(a, b) for a, b in zip(before, _weights(gan.discriminator), strict=True)), kwargs
        if "loss" in kwargs:
            assert history["penalty"][-1] >= 0, kwargs


CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras, kgan
    source, target = sys.argv[1], sys.argv[2]
    gan = keras.models.load_model(source)
    z = np.load(source + ".z.npy")
    out = {"backend": keras.backend.backend(), "samples": np.asarray(gan.predict(z, verbose=0)).tolist(),
           "generated": gan.generate(6, seed=7).tolist()}
    gan.save(target)
    print(json.dumps(out))
    """
)


@pytest.mark.slow  # a process per backend: about 40 s
@pytest.mark.skipif(BACKEND != "tensorflow", reason="run once, from the TensorFlow suite, against the other backends")
def test_a_keras_file_moves_between_backends_with_the_same_outputs(tiny_images, tmp_path):
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    gan.fit(tiny_images, batch_size=16, epochs=1, verbose=0)
    path = tmp_path / "tf.keras"
    gan.save(path)
    z = np.random.default_rng(0).standard_normal((6, 4)).astype("float32")
    np.save(str(path) + ".z.npy", z)
    here = np.asarray(gan.predict(z, verbose=0))
    others = [b for b in BACKENDS if b != BACKEND and installed(b)]
    if not others:
        pytest.skip("neither jax nor torch is installed (pip install kgan[jax] / torch==2.13.0)")
    for backend in others:
        target = tmp_path / f"{backend}.keras"
        env = dict(os.environ, KERAS_BACKEND=backend)
        run = subprocess.run([sys.executable, "-c", CHILD, str(path), str(target)], env=env, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr[-3000:]
        child = json.loads(run.stdout.strip().splitlines()[-1])
        assert child["backend"] == backend
        np.testing.assert_allclose(np.asarray(child["samples"]), here, atol=1e-5, err_msg=f"tensorflow -> {backend}")
        # generate(n, seed) draws its latents outside the backend: the same seed, the same samples
        np.testing.assert_allclose(np.asarray(child["generated"]), gan.generate(6, seed=7), atol=1e-5, err_msg=f"generate on {backend}")
        back = keras.models.load_model(target)  # and back again, saved by the other backend
        np.testing.assert_allclose(np.asarray(back.predict(z, verbose=0)), here, atol=1e-5, err_msg=f"{backend} -> tensorflow")
        assert int(back.g_optimizer.iterations) == int(gan.g_optimizer.iterations)


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch refuses data parallelism")
def test_pytorch_refuses_data_parallelism_and_names_the_backends_that_have_it(tiny_gan, tiny_images):
    with pytest.raises(ConfigurationError, match="KERAS_BACKEND=tensorflow or jax"):
        kgan.distribute.data_parallel(2)
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=["cpu:0"]))
    try:
        with pytest.raises(ConfigurationError, match="keras.distribution.DataParallel"):
            tiny_gan.fit(tiny_images, batch_size=16, epochs=1, verbose=0)
    finally:
        keras.distribution.set_distribution(None)


@pytest.mark.heavy  # about 12 s on 2 cores
@pytest.mark.skipif(not installed("jax"), reason="jax is not installed")
def test_jax_keeps_compiled_programs_in_kgans_cache(tmp_path):
    code = "import jax, kgan; print(jax.config.jax_compilation_cache_dir)"
    env = {**os.environ, "KERAS_BACKEND": "jax", "KGAN_HOME": str(tmp_path)}
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == str(tmp_path / "jax"), out.stderr[-2000:]
    env["KGAN_JAX_CACHE"] = "0"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "None", out.stderr[-2000:]
