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
