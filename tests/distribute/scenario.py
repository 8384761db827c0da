"""Train tiny GANs on one device and on N replicas (same seed, same global batch); print the largest
differences as JSON. Run as a script: the replicas (TensorFlow logical CPU devices, JAX host devices)
must be made before the backend starts, so the tests run it in a fresh process.

    python scenario.py N            # the backend from KERAS_BACKEND
"""

import contextlib
import json
import os
import sys

N = int(sys.argv[1])
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402

parallel = kgan.distribute.data_parallel(N)  # first: makes the devices
CONFIGS = {  # together: latents, batch norm, both update paths, replay memory, penalty points, augmentation, a schedule
    "dcgan (batch norm) + shared pass + replay": ("dcgan", {"shared_generator_pass": True}, {"replay_size": 32, "width": 4}),
    "wgan-gp (5 critic steps) + augment": ("dcgan", {"loss": "wgan-gp", "augment": "translation,cutout,color"}, {"width": 4}),
    "progan (growth schedule over 3 phases)": ("progan", {}, {"width": 2, "phase_images": 32}),
}
x = np.random.default_rng(0).uniform(-1, 1, size=(48, 8, 8, 1)).astype("float32")


def trained(architecture, compile_kw, model_kw, parallel):
    """``(weights, last logs, samples, replica disagreement, steps, images seen)`` after 6 steps."""
    if keras.backend.backend() == "jax":  # the one-device reference runs without the distribution
        keras.distribution.set_distribution(None if parallel is None else parallel.strategy)
    with contextlib.nullcontext() if parallel is None else parallel.scope():
        keras.utils.set_random_seed(0)
        gan = kgan.architectures.get(architecture)(input_shape=(8, 8, 1), latent_dim=4, seed=0, **model_kw)
        gan.compile(**compile_kw)
        history = gan.fit(x, batch_size=16, epochs=2, shuffle=False, verbose=0).history
        weights = [keras.ops.convert_to_numpy(w) for w in gan.weights]
        seen = int(keras.ops.convert_to_numpy(gan.images_seen)) if hasattr(gan, "images_seen") else None
        return weights, {k: v[-1] for k, v in history.items()}, gan.generate(8, seed=1), replicas_disagree(gan), gan.generator_steps, seen


def replicas_disagree(gan) -> float:
    """The largest difference between two replicas' copies of any variable (tf.distribute)."""
    worst = 0.0
    for v in gan.variables:
        copies = getattr(v.value, "values", None)
        if copies and len(copies) > 1:
            first = np.asarray(copies[0])
            worst = max(worst, *(float(np.max(np.abs(first - np.asarray(c)))) for c in copies[1:]))
    return worst


out = {"backend": keras.backend.backend(), "engine": parallel.engine, "num_replicas": parallel.num_replicas, "configs": {}}
for name, config in CONFIGS.items():
    w1, logs1, samples1, _, _, seen1 = trained(*config, None)
    wn, logsn, samplesn, disagree, steps, seen = trained(*config, parallel)
    out["configs"][name] = {
        "weights": max(float(np.max(np.abs(a - b))) for a, b in zip(w1, wn, strict=True)),
        "logs": max(abs(logs1[k] - logsn[k]) for k in logs1 if not k.endswith("grad_norm")),
        "samples": float(np.max(np.abs(samples1 - samplesn))),
        "replicas": disagree,
        "steps": steps,
        "images_seen": [seen1, seen],
    }
print("RESULT " + json.dumps(out))
