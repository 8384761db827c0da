"""kgan.precision: which dtype policy a run is built under, and kgan.train's precision option."""

import json
import warnings

import keras
import numpy as np
import pytest

import kgan
from kgan import precision
from kgan.errors import ConfigurationError

FLAGS = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f {extra}\nbugs\t\t: spectre\n"


@pytest.mark.parametrize("extra, native", [("amx_bf16 amx_tile", True), ("avx512_bf16", True), ("avx512_vnni", False), ("", False)])
def test_native_bfloat16_reads_the_cpu_flags(tmp_path, extra, native):
    path = tmp_path / f"cpuinfo-{extra or 'none'}"
    path.write_text(FLAGS.format(extra=extra))
    assert precision.native_bfloat16(path) is native


def test_no_cpuinfo_means_no_native_bfloat16(tmp_path):
    assert precision.native_bfloat16(tmp_path / "missing") is False


@pytest.mark.parametrize("name, policy", [("float32", "float32"), ("bfloat16", "mixed_bfloat16")])
def test_an_explicit_precision_is_kept_whatever_the_hardware(monkeypatch, name, policy):
    monkeypatch.setattr(precision, "native_bfloat16", lambda: False)
    assert precision.resolve_precision(name, device="gpu") == policy


def test_bfloat16_asked_for_where_it_is_emulated_is_kept_with_a_warning(monkeypatch):
    monkeypatch.setattr(precision, "native_bfloat16", lambda: False)
    with pytest.warns(precision.EmulatedBfloat16Warning, match="without native bfloat16.*precision='float32'"):
        assert precision.resolve_precision("bfloat16", device="cpu") == "mixed_bfloat16"
    monkeypatch.setattr(precision, "native_bfloat16", lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert precision.resolve_precision("bfloat16", device="cpu") == "mixed_bfloat16"


@pytest.mark.parametrize(
    "preferred, native, device, policy",
    [
        ("bfloat16", True, "cpu", "mixed_bfloat16"),
        ("bfloat16", False, "cpu", "float32"),  # emulated bfloat16 would be slower
        ("bfloat16", True, "gpu", "float32"),  # not measured
        ("float32", True, "cpu", "float32"),  # the architecture did not gain from it
    ],
)
def test_auto_is_bfloat16_only_where_it_was_measured_to_win(monkeypatch, preferred, native, device, policy):
    monkeypatch.setattr(precision, "native_bfloat16", lambda: native)
    assert precision.resolve_precision("auto", preferred, device=device) == policy


def test_auto_asks_the_backend_where_it_computes(monkeypatch):
    monkeypatch.setattr(precision, "native_bfloat16", lambda: True)
    expected = "mixed_bfloat16" if precision.compute_device() == "cpu" else "float32"
    assert precision.resolve_precision("auto", "bfloat16") == expected


def test_a_bad_name_is_refused_with_the_names_there_are():
    with pytest.raises(ConfigurationError, match=r"precision must be one of auto, float32, bfloat16 \(--precision\), received 'fp16'"):
        precision.resolve_precision("fp16")
    with pytest.raises(ConfigurationError, match="preferred must be 'float32' or 'bfloat16', received 'half'"):
        precision.resolve_precision("auto", "half")


def test_the_policy_holds_for_the_block_and_is_restored_after_an_error():
    before = keras.config.dtype_policy().name
    with pytest.raises(RuntimeError):
        with precision.dtype_policy("mixed_bfloat16"):
            gan = kgan.architectures.get("dcgan")(**kgan.architectures.get("dcgan").test_options)
            raise RuntimeError("building failed")
    assert keras.config.dtype_policy().name == before
    assert precision.model_precision(gan) == "mixed_bfloat16"
    # the last layers stay float32, so what the losses see is float32
    assert gan.generator.layers[-1].compute_dtype == "float32"
    assert gan.discriminator.layers[-1].compute_dtype == "float32"
    assert keras.ops.convert_to_numpy(gan.generate(3, seed=0)).dtype == np.float32


def test_a_float32_model_reads_float32():
    gan = kgan.architectures.get("dcgan")(**kgan.architectures.get("dcgan").test_options)
    assert precision.model_precision(gan) == "float32"


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "digits.npz"
    np.savez(path, x=np.uint8((kgan.datasets.load("mnist-5k")[:128, ..., 0] + 1) * 127.5))
    return str(path)


def small_run(tmp_path, digits, **fields):
    fields.setdefault("epochs", 1)
    return kgan.train(
        "dcgan", digits, batch_size=64, evaluate_every=0, verbose=0, out=str(tmp_path),
        architecture_options={"width": 4, "latent_dim": 8}, **fields,
    )


def recorded(tmp_path):
    return json.loads((tmp_path / "run.json").read_text())["precision"]


@pytest.mark.heavy  # about 13 s on 2 cores
def test_train_builds_under_the_precision_asked_and_records_it(tmp_path, digits):
    gan = small_run(tmp_path / "bf16", digits, precision="bfloat16")
    assert precision.model_precision(gan) == "mixed_bfloat16" == recorded(tmp_path / "bf16")
    assert keras.config.dtype_policy().name == "float32"  # the global policy is left as it was
    gan = small_run(tmp_path / "f32", digits, precision="float32")
    assert precision.model_precision(gan) == "float32" == recorded(tmp_path / "f32")


@pytest.mark.heavy  # about 19 s on 2 cores
def test_auto_trains_dcgan_in_bfloat16_only_on_a_cpu_with_native_bfloat16(tmp_path, digits, monkeypatch):
    monkeypatch.setattr(precision, "native_bfloat16", lambda: True)
    on_cpu = precision.compute_device() == "cpu"
    # the default is float32 everywhere: bfloat16 fell behind in a longer run
    assert recorded_after(small_run(tmp_path / "default", digits), tmp_path / "default") == "float32"
    assert recorded_after(small_run(tmp_path / "own", digits, precision="auto"), tmp_path / "own") == ("mixed_bfloat16" if on_cpu else "float32")
    # another loss than the recipe's was not measured: float32
    assert recorded_after(small_run(tmp_path / "hinge", digits, precision="auto", loss="hinge"), tmp_path / "hinge") == "float32"
    # a CPU without native bfloat16: test_auto_is_bfloat16_only_where_it_was_measured_to_win


def recorded_after(gan, path):
    assert precision.model_precision(gan) == recorded(path)
    return recorded(path)


class StopAfterOneEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


@pytest.mark.heavy  # about 14 s on 2 cores
def test_a_resumed_run_keeps_the_precision_it_started_with(tmp_path, digits):
    small_run(tmp_path, digits, precision="bfloat16", epochs=2, callbacks=[StopAfterOneEpoch()])  # as if stopped after epoch 1
    gan = small_run(tmp_path, digits, precision="float32", epochs=2)
    assert json.loads((tmp_path / "run.json").read_text()).get("resumed_from_epoch") == 1
    assert precision.model_precision(gan) == "mixed_bfloat16" == recorded(tmp_path)


def test_train_refuses_a_bad_precision_before_loading_anything(tmp_path, digits):
    with pytest.raises(ConfigurationError, match="precision must be one of"):
        small_run(tmp_path / "run", digits, precision="half")
    assert not (tmp_path / "run").exists()


def test_a_float32_copy_computes_in_float32_with_the_same_weights():
    build = kgan.architectures.get("dcgan")
    with precision.dtype_policy("mixed_bfloat16"):
        gan = build(**build.test_options)
    generator = gan.sampling_generator
    copy = precision.float32_copy(generator)
    assert precision.model_precision(copy) == "float32" and precision.model_precision(generator) == "mixed_bfloat16"
    for a, b in zip(generator.weights, copy.weights, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    z = keras.ops.convert_to_tensor(gan.generation_latents(8, seed=0))
    exact, rounded = (keras.ops.convert_to_numpy(g(z, training=False)) for g in (copy, generator))
    assert 0 < np.abs(exact - rounded).max() < 2e-2  # bfloat16's rounding, no more
    assert precision.float32_copy(copy) is copy


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="ONNX export of this test goes through tf2onnx")
def test_onnx_export_of_a_bfloat16_generator_is_its_float32_copy(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("tf2onnx")
    build = kgan.architectures.get("dcgan")
    with precision.dtype_policy("mixed_bfloat16"):
        gan = build(**build.test_options)
    target, metadata = kgan.models.export.export_generator(gan, tmp_path / "g.onnx", "onnx")
    assert json.loads(metadata.read_text())["precision"] == "float32"
    z = gan.generation_latents(5, seed=1)
    session = ort.InferenceSession(str(target))
    exported = session.run(None, {session.get_inputs()[0].name: z})[0]
    exact = keras.ops.convert_to_numpy(precision.float32_copy(gan.sampling_generator)(keras.ops.convert_to_tensor(z), training=False))
    np.testing.assert_allclose(exported, exact, atol=1e-5)
