"""The README's test command is exactly what CI runs, and its main command names real options."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash_blocks():
    return re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = next(b.strip() for b in bash_blocks() if "pytest" in b)
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines


def test_main_command_trains_on_embedded_data():
    main_command = next(b.strip() for b in bash_blocks() if "kgan train" in b and "venv" in b)
    assert "--dataset mnist-5k" in main_command and "pip install" in main_command


def test_dependencies_that_can_break_kgan_have_upper_bounds():
    """Keras (private hooks), the backends and the docs toolchain: a new release is taken on purpose."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    bounded = [*project["dependencies"], *extras["jax"], *extras["torch"], *extras["docs"]]
    names = {re.split(r"[<>=!~\[ ]", spec)[0] for spec in bounded}
    assert {"keras", "tensorflow", "jax", "torch", "mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python"} <= names
    unbounded = [spec for spec in bounded if re.split(r"[<>=!~\[ ]", spec)[0] in {"keras", "tensorflow", "jax", "torch", "mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python"} and "<" not in spec]
    assert not unbounded
