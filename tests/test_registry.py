"""Entry-point registry: fabricated entry points for each rule, plus a real installed distribution."""

import os
import subprocess
import sys
import textwrap
from importlib import metadata

import pytest

import kgan
from kgan import registry as registry_module
from kgan.errors import DuplicateNameError, PluginLoadError, UnknownNameError
from kgan.registry import Registry


class FakeDist:
    def __init__(self, name, version):
        self.metadata = {"Name": name}
        self.version = version


def fake_ep(name, value, group, dist=("fakepkg", "1.2.3")):
    ep = metadata.EntryPoint(name, value, group)
    return ep._for(FakeDist(*dist)) if hasattr(ep, "_for") else ep


@pytest.fixture
def fabricated(monkeypatch):
    """Replace discovery for the test registries' group with a list the test fills."""
    eps = []
    real = registry_module.entry_points

    def fake(group):
        return [e for e in eps if e.group == group] if group.startswith("test.") else real(group)

    monkeypatch.setattr(registry_module, "entry_points", fake)
    return eps


def is_int(obj):
    return None if isinstance(obj, type) and issubclass(obj, int) else "expected an int subclass"


def test_builtins_come_from_kgans_own_entry_points():
    entries = {e.name: e for e in kgan.registry.ARCHITECTURES.entries()}
    assert entries["dcgan"].distribution == "kgan" and entries["dcgan"].entry_point is not None
    assert entries["dcgan"].target == "kgan.architectures.dcgan:dcgan"
    losses = {e.name for e in kgan.registry.LOSSES.entries()}
    assert {"bce", "lsgan", "hinge", "wgan-gp", "bce-r1"} <= losses


def test_names_with_pattern_are_sorted(fabricated):
    reg = Registry("test.g", "thing", is_int)
    fabricated += [fake_ep(n, "builtins:int", "test.g") for n in ("zeta", "alpha", "alpine")]
    assert reg.names() == ["alpha", "alpine", "zeta"]
    assert reg.names("al*") == ["alpha", "alpine"]
    assert reg.get("alpha") is int


def test_discovery_imports_nothing(fabricated):
    reg = Registry("test.g", "thing", is_int)
    fabricated.append(fake_ep("lazy", "kgan_never_imported_module:thing", "test.g"))
    assert reg.names() == ["lazy"]
    assert "kgan_never_imported_module" not in sys.modules


def test_unknown_name_lists_close_matches(fabricated):
    reg = Registry("test.g", "thing", is_int)
    fabricated.append(fake_ep("dcgan", "builtins:int", "test.g"))
    with pytest.raises(UnknownNameError) as info:
        reg.get("dcgn")
    assert info.value.suggestions == ["dcgan"] and "dcgan" in str(info.value)


def test_broken_plugin_names_distribution_version_and_entry_point(fabricated):
    reg = Registry("test.g", "thing", is_int)
    fabricated += [fake_ep("broken", "kgan_no_such_module:x", "test.g", ("brokenpkg", "0.9")), fake_ep("fine", "builtins:int", "test.g")]
    with pytest.raises(PluginLoadError) as info:
        reg.get("broken")
    message = str(info.value)
    assert "brokenpkg 0.9" in message and "broken = kgan_no_such_module:x" in message and "test.g" in message
    assert isinstance(info.value.__cause__, ImportError)
    assert reg.get("fine") is int  # other entries unaffected
    results = dict((e.name, err) for e, err in reg.check())
    assert results["fine"] is None and isinstance(results["broken"], PluginLoadError)


def test_wrong_kind_is_reported(fabricated):
    reg = Registry("test.g", "thing", is_int)
    fabricated.append(fake_ep("str", "builtins:str", "test.g"))
    with pytest.raises(PluginLoadError, match="expected an int subclass"):
        reg.get("str")


def test_two_distributions_claiming_one_name_is_an_error_naming_both(fabricated):
    reg = Registry("test.g", "thing", is_int)
    fabricated += [fake_ep("x", "builtins:int", "test.g", ("one", "1")), fake_ep("x", "builtins:bool", "test.g", ("two", "2"))]
    with pytest.raises(DuplicateNameError) as info:
        reg.get("x")
    assert "one 1" in str(info.value) and "two 2" in str(info.value)


def test_in_process_register_never_silently_replaces(fabricated):
    reg = Registry("test.g", "thing", is_int)
    fabricated.append(fake_ep("taken", "builtins:int", "test.g"))
    with pytest.raises(DuplicateNameError, match="replace=True"):
        reg.register("taken", bool)
    reg.register("taken", bool, replace=True)
    assert reg.get("taken") is bool
    reg.unregister("taken")
    assert reg.get("taken") is int

    @reg.register("decorated")
    class Mine(int):
        pass

    assert reg.get("decorated") is Mine
    with pytest.raises(TypeError, match="int subclass"):
        reg.register("bad", str)


def test_kgan_register_for_architectures():
    @kgan.architectures.register("tiny-test-arch")
    def tiny(input_shape=(2,), latent_dim=2):
        return kgan.architectures.get("mlp")(input_shape=input_shape, latent_dim=latent_dim, units=4, depth=1)

    try:
        assert "tiny-test-arch" in kgan.architectures.names("tiny*")
        assert kgan.architectures.get("tiny-test-arch")().latent_dim == 2
    finally:
        kgan.architectures.registry.unregister("tiny-test-arch")


def _install_throwaway(tmp_path, name, module_source, entry_points):
    """pip-install a real distribution into a target directory and return that directory."""
    src = tmp_path / f"{name}-src"
    (src / name.replace("-", "_")).mkdir(parents=True)
    (src / name.replace("-", "_") / "__init__.py").write_text(textwrap.dedent(module_source))
    eps = "\n".join(f'"{k}" = "{v}"' for k, v in entry_points["kgan.architectures"].items())
    (src / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "{name}"
        version = "0.0.1"
        [project.entry-points."kgan.architectures"]
        """) + eps + "\n")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "--target", str(target), str(src)],
        check=True,
        capture_output=True,
    )
    return target


@pytest.mark.slow  # installs distributions: about 20 s
def test_real_installed_plugins_good_and_broken(tmp_path):
    target = _install_throwaway(
        tmp_path,
        "kgan-throwaway",
        """
        import kgan

        def tiny(input_shape=(2,), latent_dim=2, **kw):
            return kgan.architectures.get("mlp")(input_shape=input_shape, latent_dim=latent_dim, units=4, depth=1)

        not_callable = 42
        """,
        {
            "kgan.architectures": {
                "tiny-plugin": "kgan_throwaway:tiny",
                "not-callable": "kgan_throwaway:not_callable",
                "missing": "kgan_throwaway.nowhere:x",
                "dcgan": "kgan_throwaway:tiny",  # claims a built-in's name
            }
        },
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")]))
    listing = subprocess.run([sys.executable, "-m", "kgan.cli", "list", "--verbose"], env=env, capture_output=True, text=True)
    assert listing.returncode == 0, listing.stderr
    assert "tiny-plugin" in listing.stdout and "kgan-throwaway 0.0.1" in listing.stdout and "dcgan" in listing.stdout
    check = subprocess.run([sys.executable, "-m", "kgan.cli", "list", "--check"], env=env, capture_output=True, text=True)
    assert check.returncode == 1
    assert "not-callable" in check.stdout and "missing" in check.stdout and "kgan-throwaway 0.0.1" in check.stdout
    assert "dcgan" in check.stdout and "claimed more than once" in check.stdout
    code = textwrap.dedent("""
        import sys
        import kgan
        names = kgan.architectures.names()
        print("listing imported plugin", "kgan_throwaway" in sys.modules)
        gan = kgan.architectures.get("tiny-plugin")()
        print("latent", gan.latent_dim)
        try:
            kgan.architectures.get("missing")
        except kgan.errors.PluginLoadError as e:
            print("refused", "kgan-throwaway 0.0.1" in str(e))
        try:
            kgan.architectures.get("dcgan")
        except kgan.errors.DuplicateNameError as e:
            print("duplicate", "kgan-throwaway 0.0.1" in str(e) and f"kgan {kgan.__version__}" in str(e))
        print("other builtin", kgan.architectures.get("mlp").__name__)
    """)
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "listing imported plugin False" in run.stdout
    assert "latent 2" in run.stdout and "refused True" in run.stdout
    assert "duplicate True" in run.stdout and "other builtin mlp" in run.stdout
