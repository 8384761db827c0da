"""Table-driven bad inputs across the Python API and every CLI command: each is refused with a
clear message (what was received, what is expected, how to fix), CLI exit code 2 without a traceback,
and nothing on disk is lost. Set KGAN_RELIABILITY_DIR=folder to record the outcomes
(scripts/reliability_report.py turns them into docs/reliability.md)."""

import json
import os

import keras
import numpy as np
import pytest

import kgan
from tests.cli_helpers import run_cli
from kgan.errors import KganError

def record(outcome: dict) -> None:
    """With KGAN_RELIABILITY_DIR set, each case writes its own record (bad_input-SLUG.json) for
    scripts/reliability_report.py, whatever order or worker the tests run in."""
    folder = os.environ.get("KGAN_RELIABILITY_DIR")
    if folder:
        slug = "".join(c if c.isalnum() else "-" for c in f"{outcome['surface']}-{outcome['case']}")
        with open(os.path.join(folder, f"bad_input-{slug}.json"), "w") as handle:
            json.dump(outcome, handle, indent=2)


def cli(args):
    code, _, err = run_cli(args)
    return code, err


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    gan.save(root / "good.keras")
    mlp = kgan.architectures.get("mlp")(units=4, depth=1)
    mlp.compile()
    mlp.save(root / "mlp.keras")
    (root / "truncated.keras").write_bytes((root / "good.keras").read_bytes()[:2000])
    (root / "text.keras").write_text("not a model")
    (root / "model.h5").write_bytes(b"\x89HDF")
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(root / "plain.keras")
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2), keras.layers.Lambda(lambda t: t + 1)])
    lam = kgan.GANModel(generator=g, discriminator=keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
    lam.compile()
    lam.save(root / "lambda.keras")
    np.savez(root / "nan.npz", x=np.full((8, 28, 28), np.nan, "float32"))
    np.savez(root / "empty.npz", x=np.zeros((0, 28, 28), "float32"))
    np.savez(root / "nokey.npz", weird=np.zeros((4, 2)))
    np.savez(root / "nolabels.npz", x=np.zeros((4, 28, 28), "uint8"))
    (root / "notdata.txt").write_text("hello")
    (root / "taken").mkdir()
    (root / "taken" / "precious.txt").write_text("keep me")
    return root


CLI_CASES = [
    ("train: unknown architecture", ["train", "dcgn"], "Did you mean 'dcgan'"),
    ("train: unknown loss", ["train", "mlp", "--dataset", "ring8", "--loss", "wgan"], "Unknown loss 'wgan'"),
    ("train: unknown dataset name", ["train", "mlp", "--dataset", "ring9"], "Did you mean 'ring8'"),
    ("train: missing dataset path", ["train", "mlp", "--dataset", "{root}/nowhere.npz"], "does not exist"),
    ("train: dataset file of another kind", ["train", "mlp", "--dataset", "{root}/notdata.txt"], "neither a .npz/.npy file nor a folder"),
    ("train: npz without an image array", ["train", "dcgan", "--dataset", "{root}/nokey.npz"], "kgan looks for one named 'x'"),
    ("train: NaN pixels", ["train", "dcgan", "--dataset", "{root}/nan.npz", "--option", "width=4"], "NaN"),
    ("train: empty dataset", ["train", "dcgan", "--dataset", "{root}/empty.npz", "--option", "width=4"], "empty"),
    ("train: images for a vector architecture", ["train", "mlp", "--dataset", "mnist-5k"], "(features,)"),
    ("train: vectors for an image architecture", ["train", "dcgan", "--dataset", "ring8"], "height, width, channels"),
    ("train: zero epochs", ["train", "mlp", "--dataset", "ring8", "--epochs", "0"], "0 is not in the range"),
    ("train: negative batch size", ["train", "mlp", "--dataset", "ring8", "--batch-size", "-3"], "not in the range"),
    ("train: zero discriminator steps", ["train", "mlp", "--dataset", "ring8", "--d-steps", "0"], "not in the range"),
    ("train: malformed --option", ["train", "mlp", "--dataset", "ring8", "--option", "units"], "KEY=VALUE"),
    ("train: unknown --option", ["train", "mlp", "--dataset", "ring8", "--option", "unit=3"], "no option 'unit'"),
    ("train: invalid option value", ["train", "mlp", "--dataset", "ring8", "--option", "units=0"], "units must be a positive integer"),
    ("train: --out is a file", ["train", "mlp", "--dataset", "ring8", "--out", "{root}/notdata.txt"], "is a file"),
    ("train: --out holds other files", ["train", "mlp", "--dataset", "ring8", "--out", "{root}/taken"], "already holds"),
    ("train: --resume with nothing to resume", ["train", "mlp", "--dataset", "ring8", "--resume", "--out", "{root}/fresh"], "no kgan run"),
    ("sample: missing model file", ["sample", "{root}/missing.keras"], "does not exist"),
    ("sample: truncated model file", ["sample", "{root}/truncated.keras"], "not a valid .keras archive"),
    ("sample: text file named .keras", ["sample", "{root}/text.keras"], "not a valid .keras archive"),
    ("sample: other model format", ["sample", "{root}/model.h5"], "not a .keras file"),
    ("sample: a Keras model that is not a GAN", ["sample", "{root}/plain.keras", "-o", "{root}/o.npy"], "not a kgan GANModel"),
    ("sample: model carrying code", ["sample", "{root}/lambda.keras", "-o", "{root}/o.npy"], "carries code"),
    ("sample: zero samples", ["sample", "{root}/good.keras", "-n", "0"], "not in the range"),
    ("evaluate: too few samples", ["evaluate", "{root}/good.keras", "-n", "10"], "at least 50"),
    ("evaluate: dataset of another shape", ["evaluate", "{root}/good.keras", "--dataset", "ring8"], "shape (2,)"),
    ("evaluate: no feature extractor for the data", ["evaluate", "{root}/mlp.keras", "--dataset", "ring8", "-n", "100"], "28x28x1"),
    ("animate: not a run directory", ["animate", "{root}/taken"], "run directory"),
    ("animate: zero fps", ["animate", "{root}/taken", "--fps", "0"], "not in the range"),
    ("list: unknown option", ["list", "--verbos"], "No such option"),
]


@pytest.mark.parametrize("case,args,message", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_bad_input(workspace, case, args, message):
    args = [a.format(root=workspace) for a in args]
    never = workspace / "never-created"
    if args[0] == "train" and "--out" not in args:
        args += ["--out", str(never)]
    before = {p: p.stat().st_mtime_ns for p in workspace.rglob("*") if p.is_file()}
    code, err = cli(args)
    ok = code == 2 and message in err and "Traceback" not in err
    after = {p: p.stat().st_mtime_ns for p in workspace.rglob("*") if p.is_file() and p in before}
    untouched = before == after and (workspace / "taken" / "precious.txt").read_text() == "keep me" and not never.exists()
    record({"surface": "CLI", "case": case, "exit_code": code, "message": err.strip().splitlines()[-1] if err.strip() else "", "refused_cleanly": ok and untouched})
    assert ok, f"exit {code}: {err}"
    assert untouched


def _py_cases(root):
    gan = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
    gan.compile()
    g2 = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    d5 = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    return [
        ("fit: wrong sample shape", lambda: gan.fit(np.zeros((4, 9, 9, 1), "float32"), verbose=0), "takes (8, 8, 1)"),
        ("fit: missing channel axis", lambda: gan.fit(np.zeros((4, 8, 8), "float32"), verbose=0), "channel axis"),
        ("fit: uint8 pixels", lambda: gan.fit(np.zeros((4, 8, 8, 1), "uint8"), verbose=0), "127.5"),
        ("fit: floats in 0..255", lambda: gan.fit(np.full((4, 8, 8, 1), 255.0, "float32"), verbose=0), "0..255"),
        ("fit: infinite values", lambda: gan.fit(np.full((4, 8, 8, 1), np.inf, "float32"), verbose=0), "NaN or infinite"),
        ("fit: string data", lambda: gan.fit(np.array([["a"] * 8] * 4), verbose=0), "takes (8, 8, 1)"),
        ("GANModel: mismatched networks", lambda: kgan.GANModel(generator=g2, discriminator=d5), "produces samples of shape (4,)"),
        ("GANModel: latent_dim contradicts the generator", lambda: kgan.GANModel(generator=g2, discriminator=keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]), latent_dim=7), "latent_dim=7"),
        ("compile: d_steps=0", lambda: gan.compile(d_steps=0), "d_steps"),
        ("compile: shared pass with d_steps=2", lambda: gan.compile(shared_generator_pass=True, d_steps=2), "d_steps=1"),
        ("generate: n=0", lambda: gan.generate(0), "positive integer"),
        ("datasets.load: labels that do not exist", lambda: kgan.datasets.load(str(root / "nolabels.npz"), with_labels=True), "no labels"),
        ("losses.get: a number", lambda: kgan.losses.get(3), "registered name"),
        ("metrics: too few samples", lambda: kgan.metrics.evaluate_samples(np.zeros((5, 28, 28, 1)), np.zeros((60, 28, 28, 1))), "at least 50"),
        ("load_gan: not a .keras file", lambda: kgan.models.loading.load_gan(root / "model.h5"), "not a .keras file"),
    ]


PY_IDS = [
    "fit: wrong sample shape", "fit: missing channel axis", "fit: uint8 pixels", "fit: floats in 0..255",
    "fit: infinite values", "fit: string data", "GANModel: mismatched networks",
    "GANModel: latent_dim contradicts the generator", "compile: d_steps=0", "compile: shared pass with d_steps=2",
    "generate: n=0", "datasets.load: labels that do not exist", "losses.get: a number", "metrics: too few samples",
    "load_gan: not a .keras file",
]


@pytest.mark.parametrize("case", PY_IDS)
def test_python_bad_input(workspace, case):
    _, call, message = next(c for c in _py_cases(workspace) if c[0] == case)
    with pytest.raises((KganError, TypeError, ValueError)) as info:
        call()
    ok = message in str(info.value)
    record({"surface": "Python", "case": case, "exception": type(info.value).__name__, "message": str(info.value).splitlines()[0][:300], "refused_cleanly": ok})
    assert ok, str(info.value)


def test_table_size():
    """The table keeps at least 30 distinct cases."""
    assert len({c[0] for c in CLI_CASES} | set(PY_IDS)) >= 30
