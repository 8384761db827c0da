"""The documentation site builds strictly and its API pages render docstrings as Markdown: no raw
reStructuredText roles, and cross-references that are links."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROLE = re.compile(r":(class|meth|func|attr|mod|data|obj|exc|py:\w+):`")

pytestmark = pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="needs the docs extra (pip install 'kgan[docs]')")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_no_raw_rst_roles_in_the_built_pages(site):
    raw = {str(p.relative_to(site)): ROLE.findall(p.read_text()) for p in site.rglob("*.html")}
    assert not {k: v for k, v in raw.items() if v}


def test_no_rst_roles_in_docstrings():
    """The same rule at the source, which names the file to fix."""
    found = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "src").rglob("*.py") for i, line in enumerate(p.read_text().splitlines(), 1) if ROLE.search(line)]
    assert not found


def test_api_cross_references_are_links(site):
    page = (site / "api" / "gan-model" / "index.html").read_text()
    assert re.search(r'<a class="autorefs autorefs-internal"[^>]*href="\.\./losses/#kgan\.losses\.GANLoss"', page)
    assert 'href="#kgan.models.gan_model.GANModel.compile"' in page
