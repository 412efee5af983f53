"""Licence, citation and version metadata (the files a user needs to reuse and cite the package)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

import samtheory

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_version_has_one_source():
    assert samtheory.__version__ == _pyproject()["version"]
    out = subprocess.run([sys.executable, "-m", "samtheory", "--version"], capture_output=True, text=True)
    assert out.stdout.strip() == f"samtheory {samtheory.__version__}"


def test_licence_is_declared_and_shipped():
    project = _pyproject()
    assert project["license"] == "BSD-3-Clause"
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")


def test_citation_names_the_version_and_the_three_papers():
    text = (ROOT / "CITATION.cff").read_text()
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M)
    assert re.search(rf"^version: {re.escape(samtheory.__version__)}$", text, re.M)
    for arxiv in ("2306.09850", "2503.02225", "2401.08060"):  # Si & Yun; Oikonomou & Loizou; Khanh et al.
        assert f"arXiv:{arxiv}" in text


def test_changelog_has_the_current_version():
    assert f"## [{samtheory.__version__}]" in (ROOT / "CHANGELOG.md").read_text()
