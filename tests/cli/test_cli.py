"""The kgan command: every command has --help with an example; errors are one line, exit code 2."""

import json

import keras
import numpy as np
import pytest
from click.testing import CliRunner

import kgan
from kgan_cli.app import cli
from tests.cli_helpers import run_cli


def invoke(args):
    return run_cli(args)


@pytest.mark.parametrize("command", [[], ["list"], ["train"], ["sample"], ["evaluate"], ["animate"], ["harden"], ["interpolate"], ["export"], ["report"]])
def test_help_has_an_example(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_list_shows_name_kind_distribution_and_version():
    code, out, _ = invoke(["list", "--verbose"])
    assert code == 0
    line = next(line for line in out.splitlines() if " dcgan " in line)
    assert line.startswith("architecture") and f"kgan {kgan.__version__}" in line and "kgan.architectures.dcgan:dcgan" in line
    assert any(line.startswith("loss") and " wgan-gp " in line for line in out.splitlines())


def test_list_check_passes_for_builtins():
    code, out, _ = invoke(["list", "--check"])
    assert code == 0 and out.count(" ok") >= 7


def test_train_writes_a_loadable_model_and_run_record(tmp_path):
    out = tmp_path / "run"
    code, stdout, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--batch-size", "500", "--seed", "3", "--out", str(out), "--quiet"])
    assert code == 0, err
    assert "Trained 1 epoch in" in stdout and str(out / "model.keras") in stdout and str(out / "metrics.csv") in stdout
    gan = keras.models.load_model(out / "model.keras")
    assert isinstance(gan, kgan.GANModel) and gan.generate(3, seed=0).shape == (3, 2)
    record = json.loads((out / "run.json").read_text())
    assert record["options"]["seed"] == 3 and record["options"]["architecture"] == "mlp"
    assert record["versions"]["kgan"] == kgan.__version__ and record["wall_time_s"] > 0
    assert len(record["history"]["d_loss"]) == 1
    # A different command into the same directory: refused, nothing touched.
    before = (out / "model.keras").read_bytes()
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--out", str(out), "--quiet"])
    assert code == 2 and "holds a different run" in err and "--overwrite" in err and "batch_size" in err
    assert "Traceback" not in err
    assert (out / "model.keras").read_bytes() == before
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--batch-size", "500", "--out", str(out), "--overwrite", "--quiet"])
    assert code == 0, err


def test_train_keeps_snapshots_and_harden_reads_them_from_the_run_directory(tmp_path):
    out = tmp_path / "run"
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "3", "--batch-size", "500", "--snapshot-every", "1", "--out", str(out), "--quiet"])
    assert code == 0, err
    names = sorted(p.name for p in (out / "snapshots").iterdir())
    assert names == ["epoch_0001.keras", "epoch_0002.keras", "epoch_0003.keras"]
    first = keras.models.load_model(out / "snapshots" / "epoch_0001.keras")
    assert isinstance(first, kgan.GANModel) and int(keras.ops.convert_to_numpy(first.completed_epochs)) == 1
    # the last snapshot is model.keras itself: listed once
    assert kgan.augment.run_generators(out) == [str(out / "snapshots" / f"epoch_000{e}.keras") for e in (1, 2)] + [str(out / "model.keras")]
    assert kgan.augment.run_generators(out / "model.keras") == [str(out / "model.keras")]
    with pytest.raises(kgan.errors.DataError, match="without model.keras"):
        kgan.augment.run_generators(out / "snapshots")


@pytest.mark.heavy  # about 9 s on 2 cores
def test_train_generators_keeps_every_stage(tmp_path):
    paths = kgan.augment.train_generators("ring8", tmp_path / "gan", "mlp", epochs=2, snapshot_every=1)
    assert paths == [str(tmp_path / "gan" / "snapshots" / "epoch_0001.keras"), str(tmp_path / "gan" / "model.keras")]
    assert kgan.augment.train_generators("ring8", tmp_path / "final", "mlp", epochs=1, snapshot_every=0) == [str(tmp_path / "final" / "model.keras")]
    with pytest.raises(kgan.errors.ConfigurationError, match="snapshot_every must be an integer >= 0"):
        kgan.augment.train_generators("ring8", tmp_path / "never", "mlp", snapshot_every=-1)
    assert not (tmp_path / "never").exists()


@pytest.mark.slow
def test_harden_trains_its_own_generator_and_keeps_every_stage(tmp_path):
    x, y = kgan.datasets.load("mnist-5k", with_labels=True)
    keep = np.random.default_rng(0).permutation(len(x))[:640]  # every class, a seventh of the steps
    np.savez(tmp_path / "digits.npz", x=x[keep], y=y[keep])
    out = tmp_path / "harden"
    args = ["harden", "--dataset", str(tmp_path / "digits.npz"), "--train-gan", "dcgan", "--gan-epochs", "2", "--probe-epochs", "1", "--epochs", "1", "--out", str(out)]
    code, stdout, err = invoke(args)
    assert code == 0, err
    assert sorted(p.name for p in (out / "gan" / "snapshots").iterdir()) == ["epoch_0001.keras", "epoch_0002.keras"]
    assert "fakes of 2 generator file(s) and an untrained start" in stdout
    assert keras.models.load_model(out / "hardened.keras").classify(np.zeros((2, 28, 28, 1), "float32")).shape == (2,)


def test_train_architecture_options(tmp_path):
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--batch-size", "1000", "--option", "units=8", "--option", "depth=1", "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 0, err
    gan = keras.models.load_model(tmp_path / "o" / "model.keras")
    assert gan.generator.layers[1].units == 8


def test_train_precision_option_builds_in_bfloat16_and_records_it(tmp_path):
    out = tmp_path / "bf16"
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--batch-size", "1000", "--precision", "bfloat16", "--out", str(out), "--quiet"])
    assert code == 0, err
    assert json.loads((out / "run.json").read_text())["precision"] == "mixed_bfloat16"
    assert kgan.precision.model_precision(keras.models.load_model(out / "model.keras")) == "mixed_bfloat16"


@pytest.mark.parametrize(
    "args,message",
    [
        (["train", "dcgn"], "Did you mean 'dcgan'"),
        (["train", "mlp", "--dataset", "ring8", "--precision", "half"], "'half' is not one of 'auto', 'float32', 'bfloat16'"),
        (["train", "mlp", "--dataset", "ring8", "--loss", "hing"], "Did you mean 'hinge'"),
        (["train", "mlp", "--dataset", "nowhere.npz"], "does not exist"),
        (["train", "mlp", "--dataset", "mnist-5k"], "(features,)"),
        (["train", "mlp", "--dataset", "ring8", "--epochs", "0"], "0 is not in the range"),
        (["train", "mlp", "--dataset", "ring8", "--option", "width"], "KEY=VALUE"),
        (["train", "mlp", "--dataset", "ring8", "--option", "widht=3"], "no option 'widht'"),
        (["harden"], "needs fakes to train on: --train-gan dcgan"),
        (["harden", "--train-gan", "dcgn"], "Did you mean 'dcgan'"),
        (["harden", "--train-gan", "cyclegan"], "makes two domains"),
    ],
)
def test_bad_input_is_one_line_and_touches_no_disk(tmp_path, args, message):
    out = tmp_path / "never"
    code, _, err = invoke([*args, "--out", str(out)])
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path):
    code, _, err = invoke(["--debug", "train", "dcgn", "--out", str(tmp_path / "x")])
    assert code == 2 and "Traceback" in err


def test_same_command_on_a_finished_run_changes_nothing(tmp_path):
    out = tmp_path / "run"
    args = ["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--out", str(out), "--quiet"]
    assert invoke(args)[0] == 0
    before = (out / "model.keras").read_bytes()
    code, _, err = invoke(args)
    assert code == 0, err
    assert (out / "model.keras").read_bytes() == before
    code, _, err = invoke([*args[:-3], "--out", str(tmp_path / "none"), "--resume"])
    assert code == 2 and "no kgan run" in err


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--out", str(tmp_path)])
    assert code == 2 and "already holds" in err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_out_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("precious")
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--out", str(target)])
    assert code == 2 and "is a file" in err
    assert target.read_text() == "precious"


# === sample | evaluate | animate ===


@pytest.fixture(scope="module")
def digit_run(tmp_path_factory):
    """One short real run on mnist-5k (width 4, 1 epoch on 512 digits) shared by the tests below."""
    out = tmp_path_factory.mktemp("digits") / "run"
    x = kgan.datasets.load("mnist-5k")
    idx = np.random.default_rng(0).permutation(len(x))[:512]
    data = tmp_path_factory.mktemp("data") / "d.npz"
    np.savez(data, x=np.uint8((x[idx, ..., 0] + 1) * 127.5))
    code, _, err = invoke(["train", "dcgan", "--dataset", str(data), "--epochs", "2", "--batch-size", "64", "--option", "width=4", "--out", str(out), "--quiet"])
    assert code == 0, err
    return out


def test_train_writes_every_watch_file(digit_run):
    names = {p.name for p in digit_run.iterdir()}
    assert {"model.keras", "samples", "training.gif", "metrics.csv", "training.png", "run.json"} <= names
    assert sorted(p.name for p in (digit_run / "samples").iterdir()) == ["epoch_0000.png", "epoch_0001.png", "epoch_0002.png"]
    header = (digit_run / "metrics.csv").read_text().splitlines()[0]
    assert "frechet_distance" in header and "diversity" in header


def test_sample_same_seed_same_file(digit_run, tmp_path):
    a, b, c = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    for path, seed in ((a, 1), (b, 1), (c, 2)):
        code, _, err = invoke(["sample", str(digit_run / "model.keras"), "-n", "16", "--seed", str(seed), "-o", str(path)])
        assert code == 0, err
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_evaluate_prints_metrics_and_json(digit_run):
    code, out, err = invoke(["evaluate", str(digit_run / "model.keras"), "--dataset", "mnist-5k", "-n", "200", "--json"])
    assert code == 0, err
    result = json.loads(out)
    assert result["frechet_distance"] > 0 and result["n"] == 200 and "kid" in result and "classifier_score" in result
    code, out, _ = invoke(["evaluate", str(digit_run / "model.keras"), "-n", "200"])
    assert code == 0 and "frechet_distance" in out


def test_animate_rebuilds_from_saved_grids(digit_run, tmp_path):
    target = tmp_path / "again.gif"
    code, out, err = invoke(["animate", str(digit_run), "--fps", "2", "-o", str(target)])
    assert code == 0, err
    assert target.exists() and "again.gif" in out


@pytest.mark.parametrize(
    "args,message",
    [
        (["sample", "missing.keras"], "does not exist"),
        (["evaluate", "{run}/model.keras", "-n", "10"], "at least 50"),
        (["evaluate", "{run}/model.keras", "--dataset", "ring8"], "shape (2,)"),
        (["sample", "{run}/run.json"], "not a .keras file"),
        (["sample", "{corrupt}"], "not a valid .keras archive"),
        (["animate", "{empty}"], "run directory"),
    ],
)
def test_watch_command_errors(digit_run, tmp_path, args, message):
    corrupt = tmp_path / "bad.keras"
    corrupt.write_bytes((digit_run / "model.keras").read_bytes()[:1000])
    (tmp_path / "empty").mkdir()
    args = [a.format(run=digit_run, corrupt=corrupt, empty=tmp_path / "empty") for a in args]
    code, _, err = invoke(args)
    assert code == 2 and message in err and "Traceback" not in err


def test_lambda_models_are_refused_unless_unsafe(tmp_path):
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2), keras.layers.Lambda(lambda t: t * 2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = kgan.GANModel(generator=g, discriminator=d)
    gan.compile()
    path = tmp_path / "lambda.keras"
    gan.save(path)
    code, _, err = invoke(["sample", str(path), "-o", str(tmp_path / "s.npy")])
    assert code == 2 and "carries code" in err and "--unsafe" in err
    code, _, err = invoke(["sample", str(path), "--unsafe", "-o", str(tmp_path / "s.npy")])
    assert code == 0, err


@pytest.mark.parametrize(("architecture", "extra"), [
    ("cgan", ["--latent-dim", "4", "--option", "width=4", "--option", "num_classes=3"]),
    # the two slowest to trace (about 20 s each); tests/test_conformance.py trains them in the fast loop
    pytest.param("cyclegan", ["--dataset-b", "B", "--option", "width=2", "--option", "n_res=1", "--option", "pool_size=4"], marks=pytest.mark.slow),
    ("cogan", ["--dataset-b", "B", "--latent-dim", "4", "--option", "width=4", "--option", "fixed_latents=8"]),
    pytest.param("progan", ["--latent-dim", "4", "--option", "width=2", "--option", "phase_images=16"], marks=pytest.mark.slow),
])
def test_kgan_train_runs_every_variant_end_to_end(tmp_path, architecture, extra):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "a.npz", x=rng.integers(0, 256, (24, 8, 8), dtype=np.uint8), y=np.arange(24) % 3)
    np.savez(tmp_path / "b.npz", x=rng.integers(0, 256, (24, 8, 8), dtype=np.uint8))
    extra = [str(tmp_path / "b.npz") if e == "B" else e for e in extra]
    out = tmp_path / "run"
    code, _, err = run_cli(["train", architecture, "--dataset", str(tmp_path / "a.npz"), "--epochs", "2", "--batch-size", "8", "--quiet", "--out", str(out), *extra])
    assert code == 0, err
    for name in ("model.keras", "samples/epoch_0002.png", "training.gif", "metrics.csv", "run.json"):
        assert (out / name).exists(), name


@pytest.mark.slow  # a second process on another backend: about 17 s
def test_backend_option_names_the_choices_and_trains_on_another_backend(tmp_path):
    import importlib.util
    import subprocess
    import sys

    code, _, err = invoke(["train", "mlp", "--backend", "theano", "--out", str(tmp_path / "never")])
    assert code == 2 and "must be one of tensorflow, jax, torch" in err and not (tmp_path / "never").exists()
    other = next((b for b in ("jax", "torch") if importlib.util.find_spec(b) is not None), None)
    if other is None:
        pytest.skip("neither jax nor torch is installed")
    code, _, err = invoke(["train", "mlp", "--backend", other, "--out", str(tmp_path / "never")])
    assert code == 2 and "run the kgan command itself" in err
    out = tmp_path / "run"
    args = ["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--batch-size", "500", "--backend", other, "--out", str(out), "--quiet"]
    run = subprocess.run([sys.executable, "-m", "kgan.cli", *args], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads((out / "run.json").read_text())["versions"]["backend"] == other
