"""The kgan command: every command has --help with an example; errors are one line, exit code 2."""

import json

import keras
import pytest
from click.testing import CliRunner

import kgan
from kgan.cli import main
from kgan.cli.main import cli


def invoke(args):
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code or 0
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", [[], ["list"], ["train"]])
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
    assert "Saved" in stdout
    gan = keras.models.load_model(out / "model.keras")
    assert isinstance(gan, kgan.GANModel) and gan.generate(3, seed=0).shape == (3, 2)
    record = json.loads((out / "run.json").read_text())
    assert record["options"]["seed"] == 3 and record["options"]["architecture"] == "mlp"
    assert record["versions"]["kgan"] == kgan.__version__ and record["wall_time_s"] > 0
    assert len(record["history"]["d_loss"]) == 1
    # Same command again: refused, nothing touched.
    before = (out / "model.keras").read_bytes()
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--out", str(out), "--quiet"])
    assert code == 2 and "already holds a run" in err and "--overwrite" in err
    assert "Traceback" not in err
    assert (out / "model.keras").read_bytes() == before
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--batch-size", "500", "--out", str(out), "--overwrite", "--quiet"])
    assert code == 0, err


def test_train_architecture_options(tmp_path):
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--epochs", "1", "--batch-size", "1000", "--option", "units=8", "--option", "depth=1", "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 0, err
    gan = keras.models.load_model(tmp_path / "o" / "model.keras")
    assert gan.generator.layers[1].units == 8


@pytest.mark.parametrize(
    "args,message",
    [
        (["train", "dcgn"], "Did you mean 'dcgan'"),
        (["train", "mlp", "--dataset", "ring8", "--loss", "hing"], "Did you mean 'hinge'"),
        (["train", "mlp", "--dataset", "nowhere.npz"], "does not exist"),
        (["train", "mlp", "--dataset", "mnist-5k"], "(features,)"),
        (["train", "mlp", "--dataset", "ring8", "--epochs", "0"], "0 is not in the range"),
        (["train", "mlp", "--dataset", "ring8", "--option", "width"], "KEY=VALUE"),
        (["train", "mlp", "--dataset", "ring8", "--option", "widht=3"], "no option 'widht'"),
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


def test_out_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("precious")
    code, _, err = invoke(["train", "mlp", "--dataset", "ring8", "--out", str(target)])
    assert code == 2 and "is a file" in err
    assert target.read_text() == "precious"
